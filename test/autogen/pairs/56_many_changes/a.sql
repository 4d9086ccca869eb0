-- kinds: table, column, index, constraint, view, default, not null
-- checks: many changes on one table at once: column added, dropped, retyped, NOT NULL, default, index and a view over it
-- side a
CREATE TABLE car (
    id integer PRIMARY KEY,
    make text,
    model text,
    year smallint,
    vin text
);
CREATE INDEX car_make_idx ON car (make);
CREATE VIEW car_v AS SELECT id, make, model FROM car;
