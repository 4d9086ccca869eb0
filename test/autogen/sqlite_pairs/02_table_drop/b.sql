-- kinds: table
-- checks: a table dropped with its index and trigger (down: recreated, empty); the other table keeps its rows
CREATE TABLE keep (id INTEGER PRIMARY KEY, v TEXT);
