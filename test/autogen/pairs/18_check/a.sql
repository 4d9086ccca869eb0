-- kinds: check, constraint
-- checks: check constraints: added, changed, dropped; a NOT VALID one added
-- side a
CREATE TABLE product (
    id integer PRIMARY KEY,
    price numeric CONSTRAINT price_positive CHECK (price > 0),
    stock integer CHECK (stock >= 0),
    sku text
);
