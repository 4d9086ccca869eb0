-- kinds: column, type
-- checks: column types changed (INTEGER -> TEXT, TEXT -> REAL, VARCHAR(20) -> VARCHAR(80), none -> BLOB): a rebuild keeping the rows
CREATE TABLE measure (
    id INTEGER PRIMARY KEY,
    code INTEGER,
    value TEXT,
    label VARCHAR(20),
    raw
);
