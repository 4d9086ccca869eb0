-- kinds: rename, table, foreign key, view, trigger
-- checks: a table other tables reference, a view reads and a trigger of another table writes is renamed: SQLite's RENAME rewrites the REFERENCES, the view and the trigger, so nothing else changes
CREATE TABLE writer (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES writer (id) ON DELETE CASCADE, title TEXT);
CREATE VIEW author_books AS SELECT a.name, b.title FROM writer a JOIN book b ON b.author_id = a.id;
CREATE TRIGGER book_author AFTER INSERT ON book BEGIN UPDATE writer SET name = name WHERE id = NEW.author_id; END;
