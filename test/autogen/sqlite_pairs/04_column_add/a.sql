-- kinds: column, default, not null
-- checks: columns added: plain, NOT NULL with a constant default, a string default (SQLite's ADD COLUMN; rows get the defaults)
CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);
