-- kinds: table, foreign key, view, drop
-- checks: a table referenced by a foreign key and a view is dropped with both (down: all three come back in order)
-- side a
CREATE TABLE category (id integer PRIMARY KEY, name text);
CREATE TABLE thing (id integer PRIMARY KEY, category_id integer REFERENCES category (id));
CREATE VIEW thing_v AS SELECT t.id, c.name FROM thing t JOIN category c ON c.id = t.category_id;
