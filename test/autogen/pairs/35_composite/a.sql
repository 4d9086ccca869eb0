-- kinds: composite type, type
-- checks: a composite type created and used by a column; another gains an attribute and loses one
-- side a
CREATE TYPE address AS (street text, city text, zip text);
CREATE TABLE site (id integer, addr address);
