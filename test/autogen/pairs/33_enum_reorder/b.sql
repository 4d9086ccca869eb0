-- kinds: enum, type
-- checks: enum values reordered and one removed (a rebuild with a hazard note)
-- side b
CREATE TYPE size AS ENUM ('small', 'medium', 'large');
CREATE TABLE shirt (id integer, s size);
