-- kinds: column, default, not null
-- checks: columns added: plain, NOT NULL with a constant default, a string default (SQLite's ADD COLUMN; rows get the defaults)
CREATE TABLE item (
    id INTEGER PRIMARY KEY,
    name TEXT,
    price REAL,
    qty INTEGER NOT NULL DEFAULT 0,
    label TEXT DEFAULT 'it''s new',
    ratio NUMERIC DEFAULT -1.5
);
