-- kinds: index, opclass
-- checks: operator classes: text_pattern_ops, jsonb_path_ops, a per-column collation
-- side a
CREATE TABLE file (id integer, path text, meta jsonb, name text);
CREATE INDEX file_path_idx ON file (path);
CREATE INDEX file_meta_idx ON file USING gin (meta);
