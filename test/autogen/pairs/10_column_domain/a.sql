-- kinds: column, domain, type change
-- checks: a column changes from text to a domain over text; a new domain-typed column
-- side a
CREATE DOMAIN email AS text CHECK (VALUE ~ '@');
CREATE TABLE member (id integer PRIMARY KEY, contact text);
