-- kinds: foreign key, schema, qualified names
-- checks: a foreign key from a table in schema app to one in public, ON DELETE RESTRICT
-- side a
CREATE SCHEMA app;
CREATE TABLE public.tenant (id integer PRIMARY KEY);
CREATE TABLE app.usage (id integer PRIMARY KEY, tenant_id integer NOT NULL);
