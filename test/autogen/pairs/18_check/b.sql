-- kinds: check, constraint
-- checks: check constraints: added, changed, dropped; a NOT VALID one added
-- side b
CREATE TABLE product (
    id integer PRIMARY KEY,
    price numeric CONSTRAINT price_positive CHECK (price >= 0.01),
    stock integer,
    sku text
);
ALTER TABLE product ADD CONSTRAINT sku_format CHECK (sku ~ '^[A-Z]{3}-[0-9]+$') NOT VALID;
