-- kinds: check
-- checks: unnamed CHECK constraints (column and table level) added, dropped and changed; PostgreSQL's default names match them up
CREATE TABLE product (
    id INTEGER PRIMARY KEY,
    price REAL CHECK (price >= 0),
    stock INTEGER,
    sku TEXT CHECK (length(sku) = 8),
    CHECK (stock IS NULL OR stock >= 0)
);
