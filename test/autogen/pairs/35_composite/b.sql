-- kinds: composite type, type
-- checks: a composite type created and used by a column; another gains an attribute and loses one
-- side b
CREATE TYPE address AS (street text, city text, country char(2));
CREATE TYPE money_amount AS (currency char(3), amount numeric(14,2));
CREATE TABLE site (id integer, addr address, budget money_amount);
