-- kinds: column, rename, index, view, trigger, check
-- checks: --rename t.old:t.new renames a column an index, a view, a trigger and a CHECK use (SQLite's RENAME COLUMN rewrites them); rows kept
CREATE TABLE member (id INTEGER PRIMARY KEY, display_name TEXT NOT NULL CHECK (length(display_name) > 0), born TEXT);
CREATE INDEX member_fullname ON member (display_name);
CREATE VIEW member_names AS SELECT display_name FROM member;
CREATE TRIGGER member_trim AFTER INSERT ON member BEGIN UPDATE member SET display_name = trim(display_name) WHERE id = NEW.id; END;
