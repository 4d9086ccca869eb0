-- kinds: table, without rowid
-- checks: a WITHOUT ROWID table created; a WITHOUT ROWID table gains a column and an index (ADD COLUMN works on it)
CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
