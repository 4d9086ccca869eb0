-- kinds: schema, table
-- checks: a schema created with a table in it (down: the schema dropped)
-- side b
CREATE SCHEMA app;
CREATE TABLE note (id integer PRIMARY KEY);
CREATE TABLE app.account (id integer PRIMARY KEY, name text NOT NULL);
