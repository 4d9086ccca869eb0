-- kinds: enum, type
-- checks: enum values reordered and one removed (a rebuild with a hazard note)
-- side a
CREATE TYPE size AS ENUM ('small', 'large', 'medium', 'huge');
CREATE TABLE shirt (id integer, s size);
