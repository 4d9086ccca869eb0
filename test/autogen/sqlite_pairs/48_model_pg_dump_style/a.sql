-- kinds: model, table, primary key, unique, foreign key
-- checks: a model written as pg_dump writes (CREATE TABLE, then ALTER TABLE ONLY ... ADD CONSTRAINT), which only the program reads (batch mode); b.ref.sql is the same schema as SQLite stores it
CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
