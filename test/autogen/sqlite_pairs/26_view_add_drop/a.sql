-- kinds: view
-- checks: views added (one over another view, one joining two tables) and dropped
CREATE TABLE city (id INTEGER PRIMARY KEY, name TEXT, pop INTEGER, country_id INTEGER);
CREATE TABLE country (id INTEGER PRIMARY KEY, name TEXT);
CREATE VIEW old_view AS SELECT name FROM city;
