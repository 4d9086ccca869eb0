-- kinds: foreign key, schema, qualified names
-- checks: a foreign key from a table in schema app to one in public, ON DELETE RESTRICT
-- side b
CREATE SCHEMA app;
CREATE TABLE public.tenant (id integer PRIMARY KEY);
CREATE TABLE app.usage (id integer PRIMARY KEY, tenant_id integer NOT NULL
    CONSTRAINT usage_tenant_fk REFERENCES public.tenant (id) ON DELETE RESTRICT);
CREATE INDEX usage_tenant_idx ON app.usage (tenant_id);
