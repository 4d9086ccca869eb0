-- kinds: table, without rowid
-- checks: a WITHOUT ROWID table created; a WITHOUT ROWID table gains a column and an index (ADD COLUMN works on it)
CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT, expires INTEGER) WITHOUT ROWID;
CREATE INDEX kv_expires ON kv (expires);
CREATE TABLE edge (src INTEGER NOT NULL, dst INTEGER NOT NULL, w REAL, PRIMARY KEY (src, dst)) WITHOUT ROWID;
