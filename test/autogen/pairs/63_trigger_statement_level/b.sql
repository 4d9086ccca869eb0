-- kinds: trigger, function, transition tables
-- checks: a statement-level AFTER trigger with transition tables; a trigger dropped
-- side b
CREATE TABLE stock (id integer, qty integer);
CREATE FUNCTION stock_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER stock_upd AFTER UPDATE ON stock REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stock_log();
