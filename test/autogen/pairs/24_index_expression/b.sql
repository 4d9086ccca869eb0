-- kinds: index, expression index
-- checks: expression indexes: lower(email) unique, a date_trunc one, one on (a + b)
-- side b
CREATE TABLE account (id integer, email text, created timestamp, a integer, b integer);
CREATE UNIQUE INDEX account_email_lower ON account (lower(email));
CREATE INDEX account_created_day ON account (date_trunc('day', created));
CREATE INDEX account_sum ON account ((a + b));
