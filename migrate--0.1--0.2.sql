/* migrate--0.1--0.2.sql — authoring, offline SQL, integrity checks */

\echo Use "ALTER EXTENSION migrate UPDATE TO '0.2'" to load this file. \quit

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
