/* migrate--0.1.sql — catalog and SQL API of the migrate extension */

\echo Use "CREATE EXTENSION migrate" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Catalog (SPEC 4.1).  Revisions, the current version set, and an
-- append-only history.  All three are dumped by pg_dump.
-- ---------------------------------------------------------------------------

CREATE TABLE migrate.revision (
    id              text PRIMARY KEY,
    revises         text[] NOT NULL DEFAULT '{}',
    depends         text[] NOT NULL DEFAULT '{}',
    branch          text[] NOT NULL DEFAULT '{}',
    message         text,
    created         timestamptz,
    upgrade         text NOT NULL,
    downgrade       text,               -- NULL: irreversible
    transactional   boolean NOT NULL DEFAULT true,
    checksum        text NOT NULL,      -- SHA-256 of the upgrade body
    source          text,               -- file name it came from
    loaded_at       timestamptz NOT NULL DEFAULT pg_catalog.now(),
    script          text NOT NULL,      -- the revision file text
    upgrade_line    integer NOT NULL DEFAULT 1,  -- file line of upgrade body
    downgrade_line  integer
);
CREATE INDEX revision_branch_idx ON migrate.revision USING gin (branch);

COMMENT ON TABLE migrate.revision IS 'every known revision, one row each';

CREATE TABLE migrate.version (
    revision        text PRIMARY KEY
);
COMMENT ON TABLE migrate.version IS
    'the version set: minimal applied revisions whose closure is the applied set (no rows = base)';

CREATE SEQUENCE migrate.history_id_seq;
CREATE TABLE migrate.history (
    id              bigint PRIMARY KEY
                    DEFAULT pg_catalog.nextval('migrate.history_id_seq'),
    revision        text NOT NULL,
    action          text NOT NULL
                    CHECK (action IN ('upgrade', 'downgrade', 'stamp')),
    checksum        text,               -- NULL on a stamp that unmarks
    started_at      timestamptz NOT NULL,
    duration        interval NOT NULL,
    role            name NOT NULL DEFAULT CURRENT_USER,
    xid             xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id()
);
ALTER SEQUENCE migrate.history_id_seq OWNED BY migrate.history.id;
CREATE INDEX history_revision_idx ON migrate.history (revision, id);
COMMENT ON TABLE migrate.history IS 'append-only log of upgrades, downgrades and stamps';

SELECT pg_catalog.pg_extension_config_dump('migrate.revision', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.version', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.history', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.history_id_seq', '');

REVOKE ALL ON migrate.revision, migrate.version, migrate.history FROM PUBLIC;
REVOKE ALL ON SEQUENCE migrate.history_id_seq FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- State-changing functions: take the migrate advisory lock, refuse
-- REPEATABLE READ / SERIALIZABLE, and only the extension owner or a
-- superuser may run them.
-- ---------------------------------------------------------------------------

CREATE FUNCTION migrate.add_revision(script text, source text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_add_revision'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate.upgrade(target text DEFAULT 'heads')
RETURNS integer
AS 'MODULE_PATHNAME', 'migrate_upgrade'
LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION migrate.downgrade(target text DEFAULT '-1')
RETURNS integer
AS 'MODULE_PATHNAME', 'migrate_downgrade'
LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION migrate.stamp(target text, purge boolean DEFAULT false)
RETURNS void
AS 'MODULE_PATHNAME', 'migrate_stamp'
LANGUAGE C VOLATILE STRICT;

-- ---------------------------------------------------------------------------
-- Read-only functions: no lock, they see the last committed state.
-- ---------------------------------------------------------------------------

CREATE FUNCTION migrate.current()
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'migrate_current'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.heads()
RETURNS TABLE (revision text, branch text[], message text)
AS 'MODULE_PATHNAME', 'migrate_heads'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.branches()
RETURNS TABLE (revision text, branch text[], message text)
AS 'MODULE_PATHNAME', 'migrate_branches'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.history(range text DEFAULT NULL)
RETURNS TABLE (revision text, revises text[], message text,
               is_head boolean, is_applied boolean, applied_at timestamptz)
AS 'MODULE_PATHNAME', 'migrate_history'
LANGUAGE C STABLE;

CREATE FUNCTION migrate.show(revision text)
RETURNS TABLE (revision text, revises text[], depends text[], branch text[],
               children text[], message text, created timestamptz,
               transactional boolean, checksum text, source text,
               loaded_at timestamptz, is_head boolean, is_applied boolean,
               applied_at timestamptz, upgrade text, downgrade text)
AS 'MODULE_PATHNAME', 'migrate_show'
LANGUAGE C STABLE STRICT;

CREATE FUNCTION migrate.plan(target text DEFAULT 'heads')
RETURNS TABLE (step integer, revision text, action text, message text,
               transactional boolean)
AS 'MODULE_PATHNAME', 'migrate_plan'
LANGUAGE C STABLE STRICT;

REVOKE EXECUTE ON FUNCTION
    migrate.add_revision(text, text),
    migrate.upgrade(text),
    migrate.downgrade(text),
    migrate.stamp(text, boolean)
FROM PUBLIC;

-- A batch of revision files in any order, all or nothing (parents first).
CREATE FUNCTION migrate.add_revisions(scripts text[], sources text[] DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'migrate_add_revisions'
LANGUAGE C VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.add_revisions(text[], text[]) FROM PUBLIC;
