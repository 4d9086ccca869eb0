-- kinds: rename, column
-- checks: renames argument: t.old:t.new renames a column instead of drop+add (down: the inverse rename)
-- side b
CREATE TABLE profile (id integer PRIMARY KEY, display_name text NOT NULL, born date);
CREATE INDEX profile_fullname_idx ON profile (display_name);
