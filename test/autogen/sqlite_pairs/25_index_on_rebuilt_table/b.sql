-- kinds: index, column, type
-- checks: a table rebuilt (a type change) keeps its indexes; an index whose columns change under the same name
CREATE TABLE reading (id INTEGER PRIMARY KEY, sensor TEXT, v REAL, at TEXT);
CREATE INDEX reading_sensor ON reading (sensor, v);
CREATE UNIQUE INDEX reading_key ON reading (sensor, at);
