-- kinds: index, unique index
-- checks: indexes: a unique index, a two-column index with DESC NULLS LAST, one dropped
-- side b
CREATE TABLE visit (id integer, page text, at timestamptz, ip inet);
CREATE UNIQUE INDEX visit_id_key ON visit (id);
CREATE INDEX visit_page_at_idx ON visit (page, at DESC NULLS LAST);
