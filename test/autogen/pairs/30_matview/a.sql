-- kinds: materialized view, index
-- checks: a materialized view with an index created; another's query changed
-- side a
CREATE TABLE orders (id integer PRIMARY KEY, customer integer, total numeric, placed date);
CREATE MATERIALIZED VIEW daily AS SELECT placed, sum(total) AS total FROM orders GROUP BY placed;
