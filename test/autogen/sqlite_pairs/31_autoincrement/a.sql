-- kinds: table, autoincrement, primary key
-- checks: an AUTOINCREMENT table created; existing tables gain AUTOINCREMENT (batch mode's ADD GENERATED ... AS IDENTITY, a rebuild; rows kept): on a column INTEGER PRIMARY KEY, on a table PRIMARY KEY (id), on a table without a primary key
CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);
CREATE TABLE tagged (id INTEGER, tag TEXT, PRIMARY KEY (id));
CREATE TABLE loose (id INTEGER NOT NULL, v TEXT);
