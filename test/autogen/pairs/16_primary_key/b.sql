-- kinds: primary key, constraint
-- checks: a primary key added to one table, another's moved from one column to two
-- side b
CREATE TABLE country (code char(2) NOT NULL, name text, PRIMARY KEY (code));
CREATE TABLE price (product integer NOT NULL, currency char(3) NOT NULL, amount numeric,
    CONSTRAINT price_pkey PRIMARY KEY (product, currency));
