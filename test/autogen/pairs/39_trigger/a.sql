-- kinds: trigger, function
-- checks: triggers: one created, one's events and WHEN changed, a constraint trigger; their trigger function
-- side a
CREATE TABLE item (id integer PRIMARY KEY, name text, updated timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated := now(); RETURN NEW; END $$;
CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch();
