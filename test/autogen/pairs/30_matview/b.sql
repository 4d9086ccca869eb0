-- kinds: materialized view, index
-- checks: a materialized view with an index created; another's query changed
-- side b
CREATE TABLE orders (id integer PRIMARY KEY, customer integer, total numeric, placed date);
CREATE MATERIALIZED VIEW daily AS SELECT placed, sum(total) AS total, count(*) AS n FROM orders GROUP BY placed;
CREATE MATERIALIZED VIEW top_customer AS
    SELECT customer, sum(total) AS spent FROM orders GROUP BY customer WITH NO DATA;
CREATE UNIQUE INDEX top_customer_idx ON top_customer (customer);
