-- kinds: column, generated
-- checks: generated columns added: VIRTUAL (SQLite's ADD COLUMN) and STORED (a rebuild); down drops them
CREATE TABLE line (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, price REAL NOT NULL);
