-- kinds: domain, type
-- checks: domains: one created, one's CHECK replaced, NOT NULL and DEFAULT changed
-- side b
CREATE DOMAIN percent AS numeric DEFAULT 0 NOT NULL CONSTRAINT percent_range CHECK (VALUE >= 0 AND VALUE <= 100);
CREATE DOMAIN label AS text CONSTRAINT label_short CHECK (length(VALUE) < 40);
CREATE DOMAIN us_zip AS varchar(10) CHECK (VALUE ~ '^[0-9]{5}$');
CREATE TABLE score (id integer, p percent, l label, z us_zip);
