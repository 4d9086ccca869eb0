-- kinds: table
-- checks: a table dropped with its index and trigger (down: recreated, empty); the other table keeps its rows
CREATE TABLE keep (id INTEGER PRIMARY KEY, v TEXT);
CREATE TABLE gone (id INTEGER PRIMARY KEY, keep_id INTEGER REFERENCES keep (id), note TEXT);
CREATE INDEX gone_note ON gone (note);
CREATE TRIGGER gone_ins AFTER INSERT ON gone BEGIN UPDATE keep SET v = NEW.note WHERE id = NEW.keep_id; END;
