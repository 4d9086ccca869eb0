-- kinds: table, rename, index, trigger
-- checks: --rename old:new renames the table (rows kept; its index and trigger follow), down renames it back
CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, seen TEXT);
CREATE INDEX customer_seen ON customer (seen);
CREATE TRIGGER customer_touch AFTER UPDATE OF email ON customer BEGIN UPDATE customer SET seen = 'now' WHERE id = NEW.id; END;
