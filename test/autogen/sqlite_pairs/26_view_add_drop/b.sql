-- kinds: view
-- checks: views added (one over another view, one joining two tables) and dropped
CREATE TABLE city (id INTEGER PRIMARY KEY, name TEXT, pop INTEGER, country_id INTEGER);
CREATE TABLE country (id INTEGER PRIMARY KEY, name TEXT);
CREATE VIEW big_city AS SELECT id, name, pop FROM city WHERE pop > 1000000;
CREATE VIEW big_city_names AS SELECT name FROM big_city ORDER BY name;
CREATE VIEW city_country (city, country) AS
    SELECT c.name, k.name FROM city c JOIN country k ON k.id = c.country_id;
