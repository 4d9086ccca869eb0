-- kinds: materialized view, view, column, type change
-- checks: a materialized view over a view over a table whose column type changes: matview and view recreated
-- side b
CREATE TABLE trip (id integer PRIMARY KEY, km numeric(8,1), driver text);
CREATE VIEW trip_v AS SELECT driver, km FROM trip;
CREATE MATERIALIZED VIEW driver_km AS SELECT driver, sum(km) AS km FROM trip_v GROUP BY driver;
CREATE INDEX driver_km_idx ON driver_km (driver);
