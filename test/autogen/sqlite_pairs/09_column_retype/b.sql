-- kinds: column, type
-- checks: column types changed (INTEGER -> TEXT, TEXT -> REAL, VARCHAR(20) -> VARCHAR(80), none -> BLOB): a rebuild keeping the rows
CREATE TABLE measure (
    id INTEGER PRIMARY KEY,
    code TEXT,
    value REAL,
    label VARCHAR(80),
    raw BLOB
);
