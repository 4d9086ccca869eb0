-- kinds: trigger
-- checks: triggers added (AFTER UPDATE OF, BEFORE DELETE with RAISE, INSTEAD OF on a view) and dropped
CREATE TABLE stock (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, updated TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
CREATE VIEW stock_view AS SELECT id, qty FROM stock;
CREATE TRIGGER stock_old AFTER INSERT ON stock BEGIN INSERT INTO audit (what) VALUES ('insert'); END;
