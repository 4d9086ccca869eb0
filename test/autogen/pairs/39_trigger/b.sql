-- kinds: trigger, function
-- checks: triggers: one created, one's events and WHEN changed, a constraint trigger; their trigger function
-- side b
CREATE TABLE item (id integer PRIMARY KEY, name text, updated timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated := now(); RETURN NEW; END $$;
CREATE FUNCTION forbid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'no'; END $$;
CREATE TRIGGER item_touch BEFORE INSERT OR UPDATE OF name ON item
    FOR EACH ROW WHEN (NEW.name IS NOT NULL) EXECUTE FUNCTION touch();
CREATE TRIGGER item_no_truncate BEFORE TRUNCATE ON item EXECUTE FUNCTION forbid();
CREATE CONSTRAINT TRIGGER item_check AFTER INSERT ON item DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION touch();
