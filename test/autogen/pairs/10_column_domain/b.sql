-- kinds: column, domain, type change
-- checks: a column changes from text to a domain over text; a new domain-typed column
-- side b
CREATE DOMAIN email AS text CHECK (VALUE ~ '@');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE member (id integer PRIMARY KEY, contact email, age positive_int);
