-- kinds: view, column, type, not null
-- checks: views over a table that is rebuilt (a type change, NOT NULL) survive; a view over a dropped column changes with it
CREATE TABLE staff (id INTEGER PRIMARY KEY, name TEXT NOT NULL, salary REAL);
CREATE VIEW staff_pay AS SELECT name, salary FROM staff;
CREATE VIEW staff_grade AS SELECT name FROM staff;
CREATE TRIGGER staff_name AFTER INSERT ON staff BEGIN UPDATE staff SET name = upper(name) WHERE id = NEW.id; END;
