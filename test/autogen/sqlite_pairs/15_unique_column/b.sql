-- kinds: unique
-- checks: column UNIQUE constraints added and dropped (a rebuild each way); the automatic indexes compared by their columns
CREATE TABLE login (id INTEGER PRIMARY KEY, username TEXT, email TEXT UNIQUE, phone TEXT UNIQUE);
