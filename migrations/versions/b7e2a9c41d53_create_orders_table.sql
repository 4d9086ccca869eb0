-- migrate:revision b7e2a9c41d53
-- migrate:revises 3f8d2b7c6e10
-- migrate:message create orders table
-- migrate:created 2026-02-20T14:03:11Z
-- migrate:branch billing

-- migrate:upgrade
CREATE TABLE orders (
    id_order    integer PRIMARY KEY,
    id_customer integer NOT NULL REFERENCES customers (id_customer),
    ordered_at  timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_orders_customer ON orders (id_customer);

-- migrate:downgrade
DROP INDEX ix_orders_customer;
DROP TABLE orders;
