/* migrate--0.1--0.2.sql — authoring, offline SQL, integrity checks */

\echo Use "ALTER EXTENSION migrate UPDATE TO '0.2'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Derived columns for the up-to-date fast path of upgrade() and check():
--   tip               no revision revises or depends on it; the database is
--                     at heads exactly when migrate.version holds the tips
--   applied_checksum  the checksum it was applied with, NULL if not applied
-- Both are written only by migrate's own functions, each with a partial
-- index so that the up-to-date case reads a handful of rows.
-- ---------------------------------------------------------------------------

ALTER TABLE migrate.revision
    ADD COLUMN tip boolean NOT NULL DEFAULT true,
    ADD COLUMN applied_checksum text;

UPDATE migrate.revision r SET tip = false
 WHERE EXISTS (SELECT 1 FROM migrate.revision c
                WHERE r.id OPERATOR(pg_catalog.=) ANY (c.revises)
                   OR r.id OPERATOR(pg_catalog.=) ANY (c.depends)
                   OR c.depends OPERATOR(pg_catalog.&&) r.branch);

UPDATE migrate.revision r SET applied_checksum = h.checksum
  FROM (SELECT DISTINCT ON (revision) revision, action, checksum
          FROM migrate.history ORDER BY revision, id DESC) h
 WHERE h.revision OPERATOR(pg_catalog.=) r.id
   AND (h.action OPERATOR(pg_catalog.=) 'upgrade'
        OR (h.action OPERATOR(pg_catalog.=) 'stamp' AND h.checksum IS NOT NULL));

CREATE INDEX revision_tip_idx ON migrate.revision (id) WHERE tip;
CREATE INDEX revision_unsettled_idx ON migrate.revision (id)
    WHERE applied_checksum IS NULL OR applied_checksum <> checksum;

-- migrate itself never deletes revisions or edits their edges in place
-- without recomputing the tips; any other such change (by hand) turns the
-- fast path off until the next upgrade() recomputes them from the graph.
CREATE FUNCTION migrate.revision_edited() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE migrate.revision SET tip = true WHERE NOT tip;
    RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION migrate.revision_edited() FROM PUBLIC;
CREATE TRIGGER revision_edited
    AFTER DELETE OR TRUNCATE OR UPDATE OF revises, depends, branch
    ON migrate.revision
    FOR EACH STATEMENT EXECUTE FUNCTION migrate.revision_edited();

-- One row: whether the database is at heads with every revision applied
-- with the checksum it has now.  Any write to the revision or version
-- table clears it (so a hand edit can never leave it wrongly true); each
-- migrate function that changes state recomputes it at its end.  It is
-- not dumped: after a restore the first upgrade() recomputes it.
CREATE TABLE migrate.state (
    up_to_date  boolean NOT NULL,
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row)
);
INSERT INTO migrate.state (up_to_date) VALUES (false);
REVOKE ALL ON migrate.state FROM PUBLIC;

CREATE FUNCTION migrate.state_unsettled() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE migrate.state SET up_to_date = false WHERE up_to_date;
    RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION migrate.state_unsettled() FROM PUBLIC;
CREATE TRIGGER revision_unsettled
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON migrate.revision
    FOR EACH STATEMENT EXECUTE FUNCTION migrate.state_unsettled();
CREATE TRIGGER version_unsettled
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON migrate.version
    FOR EACH STATEMENT EXECUTE FUNCTION migrate.state_unsettled();

-- ---------------------------------------------------------------------------
-- Authoring in SQL (state-changing: owner or superuser, under the lock)
-- ---------------------------------------------------------------------------

CREATE FUNCTION migrate.revision(message text, upgrade text,
                                 downgrade text DEFAULT NULL,
                                 revises text[] DEFAULT NULL,
                                 id text DEFAULT NULL,
                                 branch text[] DEFAULT NULL,
                                 depends text[] DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_revision'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.merge(revisions text[] DEFAULT NULL,
                              message text DEFAULT 'merge heads')
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_merge'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.load(directory text)
RETURNS integer
AS 'MODULE_PATHNAME', 'migrate_load'
LANGUAGE C VOLATILE STRICT;

-- ---------------------------------------------------------------------------
-- Read-only: no lock, last committed state
-- ---------------------------------------------------------------------------

CREATE FUNCTION migrate.script(revision text)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_script'
LANGUAGE C STABLE STRICT;

CREATE FUNCTION migrate.upgrade_sql(target text DEFAULT 'heads')
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_upgrade_sql'
LANGUAGE C STABLE STRICT;

CREATE FUNCTION migrate.downgrade_sql(target text)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_downgrade_sql'
LANGUAGE C STABLE STRICT;

CREATE FUNCTION migrate.validate()
RETURNS TABLE (revision text, problem text)
AS 'MODULE_PATHNAME', 'migrate_validate'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.check()
RETURNS void
AS 'MODULE_PATHNAME', 'migrate_check'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.status(OUT current text[], OUT heads text[],
                               OUT pending integer, OUT problems text[])
RETURNS record
AS 'MODULE_PATHNAME', 'migrate_status'
LANGUAGE C STABLE;

-- ---------------------------------------------------------------------------
-- Privileges (SPEC 4.4): nothing is executable by PUBLIC.  State changes
-- are for the extension owner (checked again inside); the read-only
-- functions can be granted to a monitoring role, see README.
-- ---------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    migrate.revision(text, text, text, text[], text, text[], text[]),
    migrate.merge(text[], text),
    migrate.load(text),
    migrate.script(text),
    migrate.upgrade_sql(text),
    migrate.downgrade_sql(text),
    migrate.validate(),
    migrate.check(),
    migrate.status(),
    migrate.current(),
    migrate.heads(),
    migrate.branches(),
    migrate.history(text),
    migrate.show(text),
    migrate.plan(text)
FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- For the migrate program (SPEC 4.6): revisions marked "transaction false"
-- are run by the program statement by statement in autocommit, then
-- recorded here.
-- ---------------------------------------------------------------------------

CREATE FUNCTION migrate.statements(revision text, downgrade boolean DEFAULT false)
RETURNS TABLE (line integer, statement text)
AS 'MODULE_PATHNAME', 'migrate_statements'
LANGUAGE C STABLE STRICT;

CREATE FUNCTION migrate.record(revision text, action text,
                               started_at timestamptz, finished_at timestamptz)
RETURNS void
AS 'MODULE_PATHNAME', 'migrate_record'
LANGUAGE C VOLATILE STRICT;

REVOKE EXECUTE ON FUNCTION
    migrate.statements(text, boolean),
    migrate.record(text, text, timestamptz, timestamptz)
FROM PUBLIC;
