-- kinds: rename, column, view, trigger
-- checks: --rename of a column a view over a view and a trigger read through the view: SQLite's RENAME COLUMN rewrites only direct references and refuses ("error in view v2 after rename"), so those go first and are created again as the model has them
CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT, dept TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
CREATE VIEW emp_v AS SELECT id, name FROM emp;
CREATE VIEW emp_v2 AS SELECT name FROM emp_v WHERE id > 0;
CREATE TRIGGER audit_ins AFTER INSERT ON audit BEGIN SELECT name FROM emp_v; END;
