-- kinds: table, inheritance
-- checks: a child table INHERITS a parent; the parent gains a column the child inherits
-- side a
CREATE TABLE vehicle (id integer NOT NULL, wheels integer);
