-- kinds: index
-- checks: plain indexes added (one column, several, DESC, with a collation) and dropped
CREATE TABLE log (id INTEGER PRIMARY KEY, at TEXT, level INTEGER, msg TEXT, host TEXT);
CREATE INDEX log_host ON log (host);
CREATE INDEX log_old ON log (level, id);
