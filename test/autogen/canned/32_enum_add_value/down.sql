-- hazard: enum value removal: rows holding 'meh' or 'ecstatic' fail the conversion
ALTER TYPE public.mood RENAME TO mood__old;
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
ALTER TABLE public.diary ALTER COLUMN feeling DROP DEFAULT;
ALTER TABLE public.diary ALTER COLUMN feeling TYPE public.mood USING feeling::text::public.mood;
ALTER TABLE public.diary ALTER COLUMN feeling SET DEFAULT 'ok'::public.mood;
DROP TYPE public.mood__old;
