-- kinds: unique, index, constraint
-- checks: PostgreSQL 15's UNIQUE NULLS NOT DISTINCT on a constraint and an index
-- side b
CREATE TABLE slot (a integer, b integer, c integer, CONSTRAINT slot_a_b_key UNIQUE NULLS NOT DISTINCT (a, b));
CREATE UNIQUE INDEX slot_c_key ON slot (c) NULLS NOT DISTINCT;
