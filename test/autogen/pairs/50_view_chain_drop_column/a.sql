-- kinds: view, column
-- checks: a base column used by a view is dropped: the views over it are dropped first and recreated without it; the chain is three views deep
-- side a
CREATE TABLE emp (id integer PRIMARY KEY, name text, badge text, boss integer);
CREATE VIEW emp_v AS SELECT id, name, badge FROM emp;
CREATE VIEW emp_named AS SELECT id, name, badge FROM emp_v WHERE name IS NOT NULL;
CREATE VIEW emp_count AS SELECT count(*) AS n FROM emp_named;
