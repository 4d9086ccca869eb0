-- kinds: index, expression
-- checks: expression indexes added (lower(), an arithmetic expression, json_extract) and one whose expression changes
CREATE TABLE profile (id INTEGER PRIMARY KEY, email TEXT, first TEXT, last TEXT, doc TEXT);
CREATE INDEX profile_name ON profile (lower(last));
