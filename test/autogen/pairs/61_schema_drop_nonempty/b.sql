-- kinds: schema, table, sequence, type
-- checks: a schema with a table, a sequence and a type in it dropped (down: created back); a table in public stays
-- side b
CREATE TABLE keep (id integer);
