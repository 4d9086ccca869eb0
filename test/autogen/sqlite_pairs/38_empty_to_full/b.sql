-- kinds: table, index, view, trigger
-- checks: from an empty schema to a full one (tables in foreign key order, then indexes, views and triggers); down drops everything
CREATE TABLE z_parent (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE);
CREATE TABLE a_child (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER NOT NULL REFERENCES z_parent (id) ON DELETE CASCADE,
    v TEXT COLLATE NOCASE DEFAULT 'x',
    CONSTRAINT a_child_v CHECK (v <> '')
);
CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
CREATE TABLE typed (id INTEGER PRIMARY KEY, n REAL NOT NULL) STRICT;
CREATE INDEX a_child_parent ON a_child (parent_id);
CREATE UNIQUE INDEX a_child_v_lower ON a_child (lower(v)) WHERE v IS NOT NULL;
CREATE VIEW child_names AS SELECT c.v, p.name FROM a_child c JOIN z_parent p ON p.id = c.parent_id;
CREATE TRIGGER z_parent_name BEFORE UPDATE OF name ON z_parent BEGIN SELECT RAISE(ABORT, 'names are fixed'); END;
