-- kinds: check
-- checks: several unnamed CHECKs on one column share PostgreSQL's default name, numbered (t_a_check, t_a_check1, ...) in the reader's order; batch mode finds them by those names when one goes or comes
CREATE TABLE stock (
    id INTEGER PRIMARY KEY,
    qty INTEGER CHECK (qty >= 0) CHECK (qty < 1000),
    CHECK (qty <> 13),
    CHECK (qty <> 666)
);
