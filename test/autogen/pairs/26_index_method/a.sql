-- kinds: index, method
-- checks: index methods: gin on jsonb, gist on a range, brin on a timestamp, hash on text
-- side a
CREATE TABLE doc (id integer, body jsonb, valid tstzrange, at timestamptz, token text);
CREATE INDEX doc_token_idx ON doc (token);
