-- kinds: procedure, function
-- checks: procedures: one created, one's body changed; SECURITY DEFINER and a SET search_path
-- side a
CREATE TABLE audit (at timestamptz, what text);
CREATE PROCEDURE log_it(what text) LANGUAGE sql AS $$ INSERT INTO audit VALUES (now(), what) $$;
