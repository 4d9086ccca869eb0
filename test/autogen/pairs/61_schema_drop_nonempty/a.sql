-- kinds: schema, table, sequence, type
-- checks: a schema with a table, a sequence and a type in it dropped (down: created back); a table in public stays
-- side a
CREATE SCHEMA legacy;
CREATE TYPE legacy.flag AS ENUM ('y', 'n');
CREATE SEQUENCE legacy.old_ids;
CREATE TABLE legacy.old (id integer DEFAULT nextval('legacy.old_ids'), f legacy.flag);
CREATE TABLE keep (id integer);
