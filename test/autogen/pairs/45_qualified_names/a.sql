-- kinds: schema, table, qualified names
-- checks: the same names in two schemas: public.item and app.item; b writes everything schema-qualified, a unqualified (search_path public)
-- side a
CREATE SCHEMA app;
CREATE TABLE item (id integer PRIMARY KEY, name text);
CREATE TABLE app.item (id integer PRIMARY KEY);
