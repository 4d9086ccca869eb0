ALTER TABLE public.profile RENAME COLUMN fullname TO display_name;
