-- migrate 0.2 -> 0.3: one engine (plan execution for the program,
-- forget, repair, the push digest).
\echo Use "ALTER EXTENSION migrate UPDATE TO '0.3'" to load this file. \quit

-- ---- plan execution (src/server/commands.c) ----

-- run(revisions, downgrade): exactly these steps, in this order, each one
-- valid from the state the ones before it leave (the program executes the
-- plan it got from plan() with it; nothing is planned again).
CREATE FUNCTION migrate.run(revisions text[], downgrade boolean DEFAULT false)
    RETURNS integer
    AS 'MODULE_PATHNAME', 'migrate_run'
    LANGUAGE C STRICT VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.run(text[], boolean) FROM PUBLIC;

-- plan(target, direction): what upgrade() ('upgrade') or downgrade()
-- ('downgrade') to target would do; plan(target) picks the one that does
-- something.  Read-only, like plan(target).
CREATE FUNCTION migrate.plan(target text, direction text)
RETURNS TABLE (step integer, revision text, action text, message text,
               transactional boolean)
AS 'MODULE_PATHNAME', 'migrate_plan'
LANGUAGE C STABLE STRICT;
-- read-only functions are granted separately, like plan(target)
REVOKE EXECUTE ON FUNCTION migrate.plan(text, text) FROM PUBLIC;

-- forget(revision): remove an unapplied revision that no other revision
-- needs (the program does it for revisions whose file was deleted).
CREATE FUNCTION migrate.forget(revision text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'migrate_forget'
    LANGUAGE C STRICT VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.forget(text) FROM PUBLIC;

-- ---- store, forget, repair, digest (src/server/store*.c, integrity.c) ----

-- ---- repair (src/server/repair.c) ----

-- A repair row accepts the checksum an applied revision has now
-- (checksum) in place of the one it was applied with (previous_checksum).
ALTER TABLE migrate.history
    ADD COLUMN previous_checksum text,
    DROP CONSTRAINT history_action_check,
    ADD CONSTRAINT history_action_check
        CHECK (action IN ('upgrade', 'downgrade', 'stamp', 'repair')),
    ADD CONSTRAINT history_previous_checksum_check
        CHECK (previous_checksum IS NULL OR action OPERATOR(pg_catalog.=) 'repair');
COMMENT ON TABLE migrate.history IS 'append-only log of upgrades, downgrades, stamps and repairs';

-- add_revision(s)(..., repair => true): an applied revision whose upgrade
-- section changed is replaced instead of refused (repair() then logs it).
DROP FUNCTION migrate.add_revision(text, text);
CREATE FUNCTION migrate.add_revision(script text, source text DEFAULT NULL,
                                     repair boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_add_revision'
LANGUAGE C VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.add_revision(text, text, boolean) FROM PUBLIC;

DROP FUNCTION migrate.add_revisions(text[], text[]);
CREATE FUNCTION migrate.add_revisions(scripts text[], sources text[] DEFAULT NULL,
                                      repair boolean DEFAULT false)
RETURNS integer
AS 'MODULE_PATHNAME', 'migrate_add_revisions'
LANGUAGE C VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.add_revisions(text[], text[], boolean) FROM PUBLIC;

-- repair(): accept the current checksums of applied revisions, one
-- history row each; returns how many.
CREATE FUNCTION migrate.repair()
    RETURNS integer
    AS 'MODULE_PATHNAME', 'migrate_repair'
    LANGUAGE C VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.repair() FROM PUBLIC;

-- ---- the push digest: the program's no-op boot path (src/server/pushed.c) ----

-- The digest of the program's migrations directory at its last push (names
-- and contents of every file, src/cli/repo.c), and the heads of the graph
-- that push left.  NULL: no push recorded, or the stored revisions changed
-- since (added, edited or removed by any means; applying them does not
-- count, up_to_date follows that).
ALTER TABLE migrate.state ADD COLUMN pushed_digest text;
ALTER TABLE migrate.state ADD COLUMN pushed_heads text[];

CREATE FUNCTION migrate.digest_unsettled() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE migrate.state SET pushed_digest = NULL, pushed_heads = NULL
    WHERE pushed_digest IS NOT NULL OR pushed_heads IS NOT NULL;
    RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION migrate.digest_unsettled() FROM PUBLIC;
-- every column but the derived tip and applied_checksum (written when
-- revisions are applied, which leaves the stored revisions as they are)
CREATE TRIGGER revision_digest_unsettled
    AFTER INSERT OR DELETE OR TRUNCATE
    OR UPDATE OF id, revises, depends, branch, message, created, upgrade,
                 downgrade, transactional, checksum, source, loaded_at,
                 script, upgrade_line, downgrade_line
    ON migrate.revision
    FOR EACH STATEMENT EXECUTE FUNCTION migrate.digest_unsettled();

-- pushed(digest): record that the stored revisions are now exactly the
-- files whose digest this is (the program calls it in its push's
-- transaction), with the graph's heads.
CREATE FUNCTION migrate.pushed(digest text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'migrate_pushed'
    LANGUAGE C STRICT VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.pushed(text) FROM PUBLIC;

-- ---- autogenerate: diff, autogenerate, check(desired) (src/server/autogen.c,
-- schema_read*.c, schema_load.c; the differ in src/common/schema_*.c) ----

-- Like everything else here, none of them is executable by PUBLIC (SPEC
-- 4.4); diff() and check(desired) change nothing and may be granted.
-- diff(desired, ...): the DDL that turns the compared schemas, as they are
-- now, into desired ('' when they match).  desired is loaded under the
-- compared schemas' own names in a subtransaction that is always rolled
-- back; the caller needs ownership of the compared schemas (they are
-- renamed away for the load, uncommitted) and CREATE on the database.
CREATE FUNCTION migrate.diff(desired text, schemas text[] DEFAULT '{public}',
                             renames text[] DEFAULT NULL,
                             online boolean DEFAULT false)
    RETURNS text
    AS 'MODULE_PATHNAME', 'migrate_diff'
    LANGUAGE C VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.diff(text, text[], text[], boolean) FROM PUBLIC;

-- autogenerate(message, desired, ...): at heads only; stores a revision
-- with upgrade = diff and downgrade = the reverse diff, both verified in a
-- rolled-back subtransaction, and returns its id (NULL: no changes).
CREATE FUNCTION migrate.autogenerate(message text, desired text,
                                     schemas text[] DEFAULT '{public}',
                                     id text DEFAULT NULL,
                                     renames text[] DEFAULT NULL,
                                     online boolean DEFAULT false)
    RETURNS text
    AS 'MODULE_PATHNAME', 'migrate_autogenerate'
    LANGUAGE C VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.autogenerate(text, text, text[], text, text[], boolean) FROM PUBLIC;

-- check(desired, schemas): check(), and the database must match desired.
CREATE FUNCTION migrate.check(desired text, schemas text[] DEFAULT '{public}')
    RETURNS void
    AS 'MODULE_PATHNAME', 'migrate_check_desired'
    LANGUAGE C VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.check(text, text[]) FROM PUBLIC;

-- ---- snapshots, drift, the test suite (src/server/snapshot.c, test.c;
-- the rules in src/common/verify.c) ----

-- One snapshot per version set (the sorted revisions of migrate.version)
-- and list of schemas (sorted): the catalog reader's model of those
-- schemas written as the DDL that creates it, and its SHA-256.  Written
-- after every upgrade(), downgrade(), run(), record() and stamp() for the
-- schemas of migrate.schemas (unless migrate.snapshots is off), and by
-- record_snapshot(); carried by pg_dump like the rest of the catalog.
CREATE TABLE migrate.snapshot (
    version_set text[] NOT NULL,
    schemas     text[] NOT NULL,
    sha256      text NOT NULL CHECK (sha256 OPERATOR(pg_catalog.~) '^[0-9a-f]{64}$'),
    text        text NOT NULL,
    taken_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (version_set, schemas)
);
COMMENT ON TABLE migrate.snapshot IS
    'the schema as migrations left it, per version set: drift() compares with it';
SELECT pg_catalog.pg_extension_config_dump('migrate.snapshot', '');
REVOKE ALL ON migrate.snapshot FROM PUBLIC;

-- snapshot(schemas): the canonical DDL of the schemas as they are now
-- (schemas NULL: those of migrate.schemas, by default public).
CREATE FUNCTION migrate.snapshot(schemas text[] DEFAULT NULL)
    RETURNS text
    AS 'MODULE_PATHNAME', 'migrate_snapshot'
    LANGUAGE C STABLE;
REVOKE EXECUTE ON FUNCTION migrate.snapshot(text[]) FROM PUBLIC;

-- drift(schemas, snapshot): what differs between the schemas now and the
-- snapshot recorded for the current version set (or the snapshot text
-- given, a snapshot() taken earlier), one row per object, with the SQL
-- that brings it back (run the rows' sql in order).
CREATE FUNCTION migrate.drift(schemas text[] DEFAULT NULL, snapshot text DEFAULT NULL)
    RETURNS TABLE (object text, change text, sql text)
    AS 'MODULE_PATHNAME', 'migrate_drift'
    LANGUAGE C VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.drift(text[], text) FROM PUBLIC;

-- record_snapshot(schemas): accept the schemas as they are now as the
-- snapshot of the current version set (NULL: migrate.schemas); returns
-- its SHA-256.
CREATE FUNCTION migrate.record_snapshot(schemas text[] DEFAULT NULL)
    RETURNS text
    AS 'MODULE_PATHNAME', 'migrate_record_snapshot'
    LANGUAGE C VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.record_snapshot(text[]) FROM PUBLIC;

-- test(target, desired): pytest-alembic's tests in a subtransaction that
-- is always rolled back: single head, the stairway (upgrade, downgrade,
-- compare, upgrade) for every revision up to target, the straight upgrade,
-- and, with desired, that the schema at target matches it.  ok is NULL
-- for a step that was not run.
CREATE FUNCTION migrate.test(target text DEFAULT 'heads', desired text DEFAULT NULL)
    RETURNS TABLE (step integer, revision text, test text, ok boolean, detail text)
    AS 'MODULE_PATHNAME', 'migrate_test'
    LANGUAGE C VOLATILE;
REVOKE EXECUTE ON FUNCTION migrate.test(text, text) FROM PUBLIC;

-- apply(target): upgrade() one revision per transaction, under the
-- session-level migrate lock (CALL it on its own, not in a transaction
-- block); a failure keeps the revisions before it applied.
CREATE PROCEDURE migrate.apply(target text DEFAULT 'heads')
    AS 'MODULE_PATHNAME', 'migrate_apply'
    LANGUAGE C;
REVOKE EXECUTE ON PROCEDURE migrate.apply(text) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- The journal of transaction-false revisions (SPEC §9): the program
-- commits a row per statement it completes, so a run that was killed
-- resumes after the last completed statement instead of failing on
-- "already exists".  One row per revision being run; record() deletes it
-- with the history row, stamp() clears the journal.
-- ---------------------------------------------------------------------------
CREATE TABLE migrate.journal (
    revision   text PRIMARY KEY,
    action     text NOT NULL CHECK (action IN ('upgrade', 'downgrade')),
    done       integer NOT NULL CHECK (done OPERATOR(pg_catalog.>=) 0),
    total      integer NOT NULL CHECK (total OPERATOR(pg_catalog.>=) done),
    done_hash  text NOT NULL,
    pid        integer NOT NULL,
    started_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp()
);
COMMENT ON TABLE migrate.journal IS
    'statements of transaction-false revisions completed by a run that has not recorded them yet';
SELECT pg_catalog.pg_extension_config_dump('migrate.journal', '');
REVOKE ALL ON migrate.journal FROM PUBLIC;

-- journal_write(revision, action, done, total, done_hash): the program
-- completed `done` of the `total` statements of the revision's section;
-- done_hash chains the SHA-256 of those statements' text.
CREATE FUNCTION migrate.journal_write(revision text, action text, done integer,
                                      total integer, done_hash text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'migrate_journal_write'
    LANGUAGE C VOLATILE STRICT;
REVOKE EXECUTE ON FUNCTION migrate.journal_write(text, text, integer, integer, text) FROM PUBLIC;

-- journal_inspect(statement): what an interrupted statement left behind,
-- as rows (action, sql, note): 'repair' rows give SQL to run on its own
-- first (DROP INDEX CONCURRENTLY of the INVALID index an interrupted
-- CREATE INDEX CONCURRENTLY left); a 'done' row says the statement had
-- completed (its index exists and is valid, the index it drops is gone).
CREATE FUNCTION migrate.journal_inspect(statement text)
    RETURNS TABLE (action text, sql text, note text)
    AS 'MODULE_PATHNAME', 'migrate_journal_inspect'
    LANGUAGE C STABLE STRICT;
REVOKE EXECUTE ON FUNCTION migrate.journal_inspect(text) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Lint (SPEC §9): the upgrade sections' statements, as the server's parser
-- reads them, checked for what is dangerous on a live database (squawk's
-- rules, by squawk's names where it has them).  "-- migrate:lint-ignore
-- RULE" on the line before a statement silences a rule for it.
-- ---------------------------------------------------------------------------
CREATE FUNCTION migrate.lint(revision text DEFAULT NULL)
    RETURNS TABLE (revision text, line integer, rule text, message text)
    AS 'MODULE_PATHNAME', 'migrate_lint'
    LANGUAGE C STABLE;
REVOKE EXECUTE ON FUNCTION migrate.lint(text) FROM PUBLIC;

-- lint_script(script, source): the same for a revision file's text (what
-- `migrate lint` sends, without storing anything).
CREATE FUNCTION migrate.lint_script(script text, source text DEFAULT NULL)
    RETURNS TABLE (revision text, line integer, rule text, message text)
    AS 'MODULE_PATHNAME', 'migrate_lint_script'
    LANGUAGE C STABLE;
REVOKE EXECUTE ON FUNCTION migrate.lint_script(text, text) FROM PUBLIC;
