-- kinds: table, column, index, view, trigger, check, foreign key, default, not null
-- checks: many changes in one revision, on several tables, in the order the dependencies need
CREATE TABLE shop (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, city TEXT DEFAULT 'Paris', opened TEXT);
CREATE TABLE category (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE article (
    id INTEGER PRIMARY KEY,
    shop_id INTEGER NOT NULL REFERENCES shop (id) ON DELETE CASCADE,
    category_id INTEGER REFERENCES category (id),
    title TEXT NOT NULL,
    price REAL DEFAULT 0.0 CHECK (price >= 0)
);
CREATE INDEX article_title ON article (lower(title));
CREATE INDEX article_category ON article (category_id) WHERE category_id IS NOT NULL;
CREATE VIEW article_list AS SELECT a.title, a.price, s.name FROM article a JOIN shop s ON s.id = a.shop_id;
CREATE TRIGGER shop_gone AFTER DELETE ON shop BEGIN DELETE FROM category WHERE id NOT IN (SELECT category_id FROM article WHERE category_id IS NOT NULL); END;
