-- kinds: column, comment, collation, default, not null
-- checks: one column changed in four ways at once (collation, default, NOT NULL, comment) and a column with a domain default
-- side a
CREATE DOMAIN short_text AS varchar(20) DEFAULT 'x';
CREATE TABLE tag (id integer, name text, code short_text);
