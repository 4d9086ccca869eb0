-- kinds: rename, column
-- checks: renames argument: t.old:t.new renames a column instead of drop+add (down: the inverse rename)
-- side a
CREATE TABLE profile (id integer PRIMARY KEY, fullname text NOT NULL, born date);
CREATE INDEX profile_fullname_idx ON profile (fullname);
