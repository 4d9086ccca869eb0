-- kinds: unique, index, constraint
-- checks: PostgreSQL 15's UNIQUE NULLS NOT DISTINCT on a constraint and an index
-- side a
CREATE TABLE slot (a integer, b integer, c integer);
