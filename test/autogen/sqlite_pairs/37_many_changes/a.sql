-- kinds: table, column, index, view, trigger, check, foreign key, default, not null
-- checks: many changes in one revision, on several tables, in the order the dependencies need
CREATE TABLE shop (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT);
CREATE TABLE article (
    id INTEGER PRIMARY KEY,
    shop_id INTEGER REFERENCES shop (id),
    title TEXT,
    price INTEGER DEFAULT 0,
    legacy TEXT
);
CREATE INDEX article_title ON article (title);
CREATE VIEW article_list AS SELECT a.title, s.name FROM article a JOIN shop s ON s.id = a.shop_id;
CREATE TABLE obsolete (id INTEGER PRIMARY KEY);
