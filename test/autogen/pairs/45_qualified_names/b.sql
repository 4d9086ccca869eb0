-- kinds: schema, table, qualified names
-- checks: the same names in two schemas: public.item and app.item; b writes everything schema-qualified, a unqualified (search_path public)
-- side b
CREATE SCHEMA app;
CREATE TABLE public.item (id integer PRIMARY KEY, name text, price numeric);
CREATE TABLE app.item (id integer PRIMARY KEY, public_id integer REFERENCES public.item (id));
CREATE INDEX item_name_idx ON public.item (name);
CREATE VIEW app.item_v AS SELECT a.id, p.name FROM app.item a JOIN public.item p ON p.id = a.public_id;
