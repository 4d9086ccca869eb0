-- kinds: table, rename, index, trigger
-- checks: --rename old:new renames the table (rows kept; its index and trigger follow), down renames it back
CREATE TABLE client (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, seen TEXT);
CREATE INDEX customer_seen ON client (seen);
CREATE TRIGGER customer_touch AFTER UPDATE OF email ON client BEGIN UPDATE client SET seen = 'now' WHERE id = NEW.id; END;
