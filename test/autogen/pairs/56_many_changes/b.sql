-- kinds: table, column, index, constraint, view, default, not null
-- checks: many changes on one table at once: column added, dropped, retyped, NOT NULL, default, index and a view over it
-- side b
CREATE TABLE car (
    id integer PRIMARY KEY,
    make text NOT NULL,
    model varchar(80),
    year integer DEFAULT 2026,
    plate text
);
CREATE INDEX car_make_model_idx ON car (make, model);
CREATE UNIQUE INDEX car_plate_key ON car (plate) WHERE plate IS NOT NULL;
CREATE VIEW car_v AS SELECT id, make, model, year FROM car;
