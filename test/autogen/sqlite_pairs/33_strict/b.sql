-- kinds: table, strict
-- checks: a STRICT table created; a STRICT table gains a column and has one retyped (INTEGER -> ANY, a rebuild); STRICT, WITHOUT ROWID together
CREATE TABLE metric (id INTEGER PRIMARY KEY, name TEXT NOT NULL, v ANY, unit TEXT DEFAULT 'ms') STRICT;
CREATE TABLE sample (metric_id INTEGER NOT NULL REFERENCES metric (id), at INTEGER NOT NULL, v REAL, PRIMARY KEY (metric_id, at)) STRICT, WITHOUT ROWID;
