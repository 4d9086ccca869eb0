ALTER TYPE public.mood ADD VALUE 'meh' BEFORE 'ok';
ALTER TYPE public.mood ADD VALUE 'ecstatic' AFTER 'happy';
