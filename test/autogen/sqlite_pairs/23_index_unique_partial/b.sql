-- kinds: index, unique, partial
-- checks: unique and partial indexes added; a plain index becomes unique; a partial index's WHERE changes
CREATE TABLE doc (id INTEGER PRIMARY KEY, slug TEXT, deleted INTEGER NOT NULL DEFAULT 0, owner INTEGER);
CREATE UNIQUE INDEX doc_slug ON doc (slug);
CREATE INDEX doc_owner_live ON doc (owner) WHERE deleted = 0 AND owner IS NOT NULL;
CREATE UNIQUE INDEX doc_owner_slug ON doc (owner, slug) WHERE deleted = 0;
