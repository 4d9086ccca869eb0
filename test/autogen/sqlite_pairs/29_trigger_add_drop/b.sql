-- kinds: trigger
-- checks: triggers added (AFTER UPDATE OF, BEFORE DELETE with RAISE, INSTEAD OF on a view) and dropped
CREATE TABLE stock (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, updated TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
CREATE VIEW stock_view AS SELECT id, qty FROM stock;
CREATE TRIGGER stock_touch AFTER UPDATE OF qty ON stock
BEGIN
    UPDATE stock SET updated = datetime('now') WHERE id = NEW.id;
    INSERT INTO audit (what) VALUES ('qty ' || OLD.qty || ' -> ' || NEW.qty);
END;
CREATE TRIGGER stock_keep BEFORE DELETE ON stock WHEN OLD.qty > 0
BEGIN
    SELECT RAISE(ABORT, 'stock left');
END;
CREATE TRIGGER stock_view_upd INSTEAD OF UPDATE ON stock_view
BEGIN
    UPDATE stock SET qty = NEW.qty WHERE id = OLD.id;
END;
