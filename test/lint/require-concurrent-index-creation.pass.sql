CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
CREATE INDEX tags_name_idx ON tags (name);
