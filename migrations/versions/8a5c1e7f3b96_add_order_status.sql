-- migrate:revision 8a5c1e7f3b96
-- migrate:revises c49f0d8e2a71
-- migrate:message add order status
-- migrate:created 2026-02-23T10:05:37Z

-- migrate:upgrade postgresql
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
ALTER TABLE orders ADD COLUMN status order_status NOT NULL DEFAULT 'new';

-- migrate:upgrade sqlite
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new'
    CHECK (status IN ('new', 'paid', 'shipped', 'cancelled'));

-- migrate:downgrade postgresql
ALTER TABLE orders DROP COLUMN status;
DROP TYPE order_status;

-- migrate:downgrade sqlite
ALTER TABLE orders DROP COLUMN status;
