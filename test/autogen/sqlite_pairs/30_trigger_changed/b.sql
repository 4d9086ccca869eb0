-- kinds: trigger
-- checks: a trigger's body changes and another's timing and event change (drop and create)
CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0, hits INTEGER DEFAULT 0);
CREATE TRIGGER counter_hit AFTER UPDATE OF n ON counter BEGIN UPDATE counter SET hits = hits + 2 WHERE id = NEW.id; END;
CREATE TRIGGER counter_guard BEFORE INSERT ON counter WHEN NEW.n < 0 BEGIN SELECT RAISE(ABORT, 'negative'); END;
