-- kinds: view
-- checks: a view created, another's definition changed (CREATE OR REPLACE keeps the columns)
-- side a
CREATE TABLE staff (id integer PRIMARY KEY, name text, dept text, salary numeric);
CREATE VIEW staff_names AS SELECT id, name FROM staff;
