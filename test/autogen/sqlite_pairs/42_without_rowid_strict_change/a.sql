-- kinds: table, without rowid, strict
-- checks: a table becomes WITHOUT ROWID, another STRICT (each dropped and created again: a known data-loss hazard, so no rows here)
CREATE TABLE cache (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE counts (id INTEGER PRIMARY KEY, n INTEGER);
CREATE INDEX cache_v ON cache (v);
