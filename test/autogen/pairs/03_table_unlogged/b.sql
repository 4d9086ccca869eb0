-- kinds: table, unlogged
-- checks: a table becomes UNLOGGED, another one is created UNLOGGED
-- side b
CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v jsonb);
CREATE UNLOGGED TABLE scratch (id bigint, payload bytea);
