-- kinds: index, expression index
-- checks: expression indexes: lower(email) unique, a date_trunc one, one on (a + b)
-- side a
CREATE TABLE account (id integer, email text, created timestamp, a integer, b integer);
