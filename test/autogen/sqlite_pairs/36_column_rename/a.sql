-- kinds: column, rename, index, view, trigger, check
-- checks: --rename t.old:t.new renames a column an index, a view, a trigger and a CHECK use (SQLite's RENAME COLUMN rewrites them); rows kept
CREATE TABLE member (id INTEGER PRIMARY KEY, fullname TEXT NOT NULL CHECK (length(fullname) > 0), born TEXT);
CREATE INDEX member_fullname ON member (fullname);
CREATE VIEW member_names AS SELECT fullname FROM member;
CREATE TRIGGER member_trim AFTER INSERT ON member BEGIN UPDATE member SET fullname = trim(fullname) WHERE id = NEW.id; END;
