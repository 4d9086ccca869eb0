-- kinds: view, column, type change
-- checks: a base column's type changes under a view and a view on that view: both dropped and recreated in dependency order
-- side b
CREATE TABLE reading (id integer PRIMARY KEY, sensor text, value numeric(12,3));
CREATE VIEW reading_v AS SELECT id, sensor, value FROM reading;
CREATE VIEW reading_high AS SELECT id, value FROM reading_v WHERE value > 100;
