-- kinds: schema, table
-- checks: a schema created with a table in it (down: the schema dropped)
-- side a
CREATE TABLE note (id integer PRIMARY KEY);
