-- kinds: unique, constraint
-- checks: unique constraints: one added on two columns, one dropped, one renamed by being redefined
-- side a
CREATE TABLE login (
    id integer PRIMARY KEY,
    username text UNIQUE,
    email text,
    tenant integer
);
