-- kinds: view
-- checks: a view's query changes (drop and create), a view other views read from changes too
CREATE TABLE sale (id INTEGER PRIMARY KEY, amount REAL, region TEXT, at TEXT);
CREATE VIEW sale_by_region AS SELECT region, sum(amount) AS total, count(*) AS n FROM sale GROUP BY region;
CREATE VIEW top_region AS SELECT region FROM sale_by_region ORDER BY total DESC LIMIT 1;
CREATE VIEW recent AS SELECT id, amount FROM sale WHERE at > '2025';
