-- kinds: column, default
-- checks: columns with defaults SQLite cannot ADD (an expression, CURRENT_TIMESTAMP): batch mode rebuilds the table
CREATE TABLE event (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    day TEXT DEFAULT (date('now')),
    n INTEGER DEFAULT (1 + 2)
);
