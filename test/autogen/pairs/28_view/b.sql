-- kinds: view
-- checks: a view created, another's definition changed (CREATE OR REPLACE keeps the columns)
-- side b
CREATE TABLE staff (id integer PRIMARY KEY, name text, dept text, salary numeric);
CREATE VIEW staff_names AS SELECT id, upper(name) AS name FROM staff WHERE dept IS NOT NULL;
CREATE VIEW dept_cost AS SELECT dept, sum(salary) AS total, count(*) AS heads FROM staff GROUP BY dept;
