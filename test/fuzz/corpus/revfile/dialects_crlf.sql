-- migrate:revision a1b2c3d4e5f6
-- migrate:revises 5aa5020316c5, e57af1e0a8f8
-- migrate:depends billing
-- migrate:branch reporting, audit
-- migrate:message merge with CRLF and a BOM
-- migrate:created 2024-02-29 23:59:60.123+05:30
-- migrate:transaction false
-- migrate:batch never

-- migrate:upgrade postgresql
CREATE INDEX CONCURRENTLY i ON t (a);

-- migrate:upgrade sqlite
CREATE INDEX i ON t (a);
-- migrate:downgrade


DROP INDEX i;
   
