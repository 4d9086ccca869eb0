-- a script that fails: the runner must report "up: run"
ALTER TABLE public.customer DROP COLUMN fax;
ALTER TABLE public.customer ADD COLUMN phone txet;
