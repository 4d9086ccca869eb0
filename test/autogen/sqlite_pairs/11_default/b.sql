-- kinds: column, default
-- checks: defaults set, changed (constant to constant, constant to expression) and dropped
CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    status TEXT DEFAULT 'active',
    plan TEXT DEFAULT 'basic',
    created TEXT DEFAULT (datetime('now')),
    balance INTEGER,
    flags INTEGER DEFAULT -1
);
