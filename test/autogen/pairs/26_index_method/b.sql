-- kinds: index, method
-- checks: index methods: gin on jsonb, gist on a range, brin on a timestamp, hash on text
-- side b
CREATE TABLE doc (id integer, body jsonb, valid tstzrange, at timestamptz, token text);
CREATE INDEX doc_token_idx ON doc USING hash (token);
CREATE INDEX doc_body_idx ON doc USING gin (body);
CREATE INDEX doc_valid_idx ON doc USING gist (valid);
CREATE INDEX doc_at_idx ON doc USING brin (at) WITH (pages_per_range = 32);
