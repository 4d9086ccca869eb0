-- kinds: trigger, function, transition tables
-- checks: a statement-level AFTER trigger with transition tables; a trigger dropped
-- side a
CREATE TABLE stock (id integer, qty integer);
CREATE FUNCTION stock_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER stock_del AFTER DELETE ON stock FOR EACH ROW EXECUTE FUNCTION stock_log();
