-- kinds: check
-- checks: unnamed CHECK constraints (column and table level) added, dropped and changed; PostgreSQL's default names match them up
CREATE TABLE product (
    id INTEGER PRIMARY KEY,
    price REAL CHECK (price > 0),
    stock INTEGER CHECK (stock < 100000),
    sku TEXT,
    CHECK (stock IS NULL OR stock >= 0)
);
