-- kinds: index, opclass
-- checks: operator classes: text_pattern_ops, jsonb_path_ops, a per-column collation
-- side b
CREATE TABLE file (id integer, path text, meta jsonb, name text);
CREATE INDEX file_path_idx ON file (path text_pattern_ops);
CREATE INDEX file_meta_idx ON file USING gin (meta jsonb_path_ops);
CREATE INDEX file_name_idx ON file (name COLLATE "C" varchar_pattern_ops);
