-- kinds: table, foreign key, column, type
-- checks: a table other tables reference is rebuilt (a type change, a new CHECK): the children's rows and keys stay valid (foreign_key_check empty)
CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT CHECK (name <> ''), budget REAL);
CREATE TABLE player (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES team (id) ON DELETE CASCADE, name TEXT);
