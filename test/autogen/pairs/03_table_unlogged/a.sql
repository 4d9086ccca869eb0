-- kinds: table, unlogged
-- checks: a table becomes UNLOGGED, another one is created UNLOGGED
-- side a
CREATE TABLE cache (k text PRIMARY KEY, v jsonb);
