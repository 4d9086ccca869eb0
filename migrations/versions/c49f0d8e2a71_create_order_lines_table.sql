-- migrate:revision c49f0d8e2a71
-- migrate:revises b7e2a9c41d53
-- migrate:message create order lines table
-- migrate:created 2026-02-20T14:21:45Z

-- migrate:upgrade
CREATE TABLE order_lines (
    id_order   integer NOT NULL REFERENCES orders (id_order),
    line_no    integer NOT NULL,
    id_color   integer NOT NULL REFERENCES colors (id_color),
    liters     numeric(8,2) NOT NULL CHECK (liters > 0),
    unit_price numeric(10,2) NOT NULL,
    PRIMARY KEY (id_order, line_no)
);

-- migrate:downgrade
DROP TABLE order_lines;
