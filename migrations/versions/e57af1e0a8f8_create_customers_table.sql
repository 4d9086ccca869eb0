-- migrate:revision e57af1e0a8f8
-- migrate:revises base
-- migrate:message create customers table
-- migrate:created 2026-02-17T11:52:13Z

-- migrate:upgrade
CREATE TABLE customers (
    id_customer integer PRIMARY KEY,
    name        varchar(100) NOT NULL,
    email       varchar(255) NOT NULL UNIQUE,
    created_at  timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- migrate:downgrade
DROP TABLE customers;
