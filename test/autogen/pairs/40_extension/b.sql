-- kinds: extension, column, index
-- checks: extensions: citext and pg_trgm created, a citext column and a gin_trgm_ops index using them
-- side b
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE EXTENSION pg_trgm;
CREATE TABLE person (id integer PRIMARY KEY, nick text, email citext);
CREATE INDEX person_nick_trgm ON person USING gin (nick gin_trgm_ops);
