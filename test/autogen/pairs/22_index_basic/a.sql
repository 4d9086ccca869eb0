-- kinds: index, unique index
-- checks: indexes: a unique index, a two-column index with DESC NULLS LAST, one dropped
-- side a
CREATE TABLE visit (id integer, page text, at timestamptz, ip inet);
CREATE INDEX visit_ip_idx ON visit (ip);
