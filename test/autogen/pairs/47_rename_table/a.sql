-- kinds: rename, table
-- checks: renames argument: old:new renames a table (its foreign key and index follow)
-- side a
CREATE TABLE client (id integer PRIMARY KEY, name text);
CREATE TABLE contract (id integer PRIMARY KEY, client_id integer REFERENCES client (id));
