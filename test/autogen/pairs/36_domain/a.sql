-- kinds: domain, type
-- checks: domains: one created, one's CHECK replaced, NOT NULL and DEFAULT changed
-- side a
CREATE DOMAIN percent AS numeric CONSTRAINT percent_range CHECK (VALUE BETWEEN 0 AND 100);
CREATE DOMAIN label AS text;
CREATE TABLE score (id integer, p percent, l label);
