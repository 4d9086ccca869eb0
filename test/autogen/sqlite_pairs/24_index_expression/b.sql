-- kinds: index, expression
-- checks: expression indexes added (lower(), an arithmetic expression, json_extract) and one whose expression changes
CREATE TABLE profile (id INTEGER PRIMARY KEY, email TEXT, first TEXT, last TEXT, doc TEXT);
CREATE INDEX profile_name ON profile (lower(last), lower(first));
CREATE UNIQUE INDEX profile_email ON profile (lower(email));
CREATE INDEX profile_id2 ON profile (id % 10, id);
CREATE INDEX profile_doc ON profile (json_extract(doc, '$.kind'));
