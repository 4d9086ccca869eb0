-- kinds: table, column, rename, unique, check, foreign key
-- checks: renames next to new unnamed constraints: they are added unnamed (ADD UNIQUE (…), not ADD CONSTRAINT t_a_key), as the model has them, so their names follow the renames back; a table and then one of its columns renamed (--rename asset:item --rename item.label:item.title; the downgrade undoes them in the reverse order)
CREATE TABLE item (id INTEGER PRIMARY KEY, code TEXT UNIQUE, title TEXT UNIQUE CHECK (title <> ''), owner_id INTEGER REFERENCES owner (id));
CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT, UNIQUE (name));
