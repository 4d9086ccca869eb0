-- kinds: table, autoincrement, primary key
-- checks: an AUTOINCREMENT table created; existing tables gain AUTOINCREMENT (batch mode's ADD GENERATED ... AS IDENTITY, a rebuild; rows kept): on a column INTEGER PRIMARY KEY, on a table PRIMARY KEY (id), on a table without a primary key
CREATE TABLE note (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT);
CREATE TABLE tagged (id INTEGER PRIMARY KEY AUTOINCREMENT, tag TEXT);
CREATE TABLE loose (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, v TEXT);
CREATE TABLE ticket (id INTEGER PRIMARY KEY AUTOINCREMENT, note_id INTEGER REFERENCES note (id), title TEXT NOT NULL);
