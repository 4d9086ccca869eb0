-- kinds: foreign key
-- checks: foreign keys added (column and table level, composite) and dropped (a rebuild each); foreign_key_check stays empty
CREATE TABLE dept (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE site (country TEXT, city TEXT, PRIMARY KEY (country, city));
CREATE TABLE emp (
    id INTEGER PRIMARY KEY,
    dept_id INTEGER,
    boss_id INTEGER REFERENCES emp (id),
    country TEXT,
    city TEXT
);
