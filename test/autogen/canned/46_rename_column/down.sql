ALTER TABLE public.profile RENAME COLUMN display_name TO fullname;
