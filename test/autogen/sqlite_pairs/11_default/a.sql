-- kinds: column, default
-- checks: defaults set, changed (constant to constant, constant to expression) and dropped
CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    status TEXT,
    plan TEXT DEFAULT 'free',
    created TEXT DEFAULT '2000-01-01',
    balance INTEGER DEFAULT 0,
    flags INTEGER DEFAULT 7
);
