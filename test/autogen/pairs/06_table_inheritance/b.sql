-- kinds: table, inheritance
-- checks: a child table INHERITS a parent; the parent gains a column the child inherits
-- side b
CREATE TABLE vehicle (id integer NOT NULL, wheels integer, colour text);
CREATE TABLE truck (payload_kg integer) INHERITS (vehicle);
