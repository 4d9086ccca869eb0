-- kinds: procedure, function
-- checks: procedures: one created, one's body changed; SECURITY DEFINER and a SET search_path
-- side b
CREATE TABLE audit (at timestamptz, what text);
CREATE PROCEDURE log_it(what text) LANGUAGE sql AS $$ INSERT INTO audit VALUES (clock_timestamp(), upper(what)) $$;
CREATE PROCEDURE purge(older_than interval)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ BEGIN DELETE FROM audit WHERE at < now() - older_than; END $$;
