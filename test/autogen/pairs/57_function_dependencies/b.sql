-- kinds: function, check, default, index, view
-- checks: functions used by a default, a check, an expression index and a view: created before them (down: dropped after them)
-- side b
CREATE FUNCTION norm_text(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim(t)) $$;
CREATE FUNCTION new_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT md5(random()::text) $$;
CREATE TABLE code (id integer, value text DEFAULT new_code(),
    CONSTRAINT code_normal CHECK (value = norm_text(value)));
CREATE INDEX code_norm_idx ON code (norm_text(value));
CREATE VIEW code_v AS SELECT id, norm_text(value) AS v FROM code;
