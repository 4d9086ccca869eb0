#!/usr/bin/env bash
# test/suites/dump_restore.sh — the catalog travels with pg_dump: a
# database with the extension, the example revisions applied (with
# downgrades, a stamp, a change made by hand and accepted with
# record_snapshot(), and several roles in the history) and grants to a
# monitoring role is dumped (custom format) and restored with pg_restore
# into a new empty database, and also dumped as plain SQL and replayed with
# psql. Each copy must have the same version set, revision rows, history
# rows, sequence position, grants and application tables; upgrade() is a
# no-op there and new history ids continue after the old ones.
#
# Runs against the server of PGHOST/PGPORT as PGUSER (a superuser), in
# scratch databases migrate_suite_dump_* and roles regress_dump_*, all
# dropped at the end. Prints `ok N - name` / `not ok N - name` and, last,
# `X passed, Y failed`.
set -euo pipefail

SRC=migrate_suite_dump_src
DST=migrate_suite_dump_restored
PLAIN=migrate_suite_dump_plain
ROLES=(regress_dump_monitor regress_dump_admin)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pg_compare_suite dump "$SRC" "$DST" "$PLAIN"
chmod 755 "$TMP"

# compare NAME QUERY: same result in the source and both copies
compare() {
    local want got_dst got_plain
    want=$(q "$SRC" "$2") || true
    got_dst=$(q "$DST" "$2") || true
    got_plain=$(q "$PLAIN" "$2") || true
    if [ -z "$want" ] || [[ $want == *ERROR:* ]]; then
        not_ok "$1" "the source gives no result: $want"
    elif [ "$want" == "$got_dst" ] && [ "$want" == "$got_plain" ]; then
        ok "$1"
    else
        not_ok "$1" "$(diff <(echo "$want") <(echo "$got_dst") | head -n 20 | sed 's/^/pg_restore: /')
$(diff <(echo "$want") <(echo "$got_plain") | head -n 20 | sed 's/^/plain: /')"
    fi
}
# schema DB: the application's schema as pg_dump prints it
schema() {
    pg_dump -d "$1" --schema-only --exclude-schema=migrate 2>&1 |
        grep -v -E '^\\(un)?restrict |^-- Dumped (from|by)' || true
}

# ---- the source database ------------------------------------------------------------
pg_examples_db "$SRC"
nfiles=$(ls "$EXAMPLES"/*.sql | wc -l)
is "the source holds the $nfiles example revisions" "$nfiles" \
    "$(q "$SRC" "SELECT count(*) FROM migrate.revision")"
setup "$SRC" "CREATE ROLE regress_dump_admin SUPERUSER;
              CREATE ROLE regress_dump_monitor;
              GRANT USAGE ON SCHEMA migrate TO regress_dump_monitor;
              GRANT SELECT ON migrate.revision, migrate.version, migrate.history
                  TO regress_dump_monitor;
              GRANT EXECUTE ON FUNCTION migrate.current(), migrate.status(),
                  migrate.check(), migrate.history(text) TO regress_dump_monitor"
setup "$SRC" "SET client_min_messages = warning;
              SELECT migrate.upgrade('reporting@head');
              SELECT migrate.downgrade('-1');
              SET ROLE regress_dump_admin;
              SELECT migrate.upgrade();
              RESET ROLE;
              SELECT migrate.downgrade('-1');
              SELECT migrate.stamp('heads');
              ALTER TABLE customers ADD COLUMN phone varchar(30);
              INSERT INTO colors VALUES (6, 'teal', '#008080');
              SELECT migrate.record_snapshot();"
is "the source is at heads" "|0|{}" "$(q "$SRC" "SELECT migrate.check(); SELECT pending, problems FROM migrate.status()" | tr '\n' '|' | sed 's/|$//')"
is "... with history by two roles, of all three actions" "2 3" \
    "$(q "$SRC" "SELECT count(DISTINCT role) || ' ' || count(DISTINCT action) FROM migrate.history")"

# ---- dump and restore -----------------------------------------------------------
if out=$(pg_dump -Fc -d "$SRC" -f "$TMP/src.dump" 2>&1); then
    ok "pg_dump -Fc of the source"
else
    not_ok "pg_dump -Fc of the source" "$out"
fi
if ! psql -X -q -d postgres -c "CREATE DATABASE $DST TEMPLATE template0" >/dev/null 2>&1; then
    not_ok "create the empty database $DST"
fi
if out=$(pg_restore --exit-on-error -d "$DST" "$TMP/src.dump" 2>&1); then
    ok "pg_restore into a new empty database, without errors"
else
    not_ok "pg_restore into a new empty database, without errors" "$out"
fi
if out=$(pg_dump -d "$SRC" -f "$TMP/src.sql" 2>&1) &&
   psql -X -q -d postgres -c "CREATE DATABASE $PLAIN TEMPLATE template0" >/dev/null 2>&1 &&
   out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$PLAIN" -f "$TMP/src.sql" 2>&1 >/dev/null); then
    ok "a plain pg_dump replays with psql -v ON_ERROR_STOP=1"
else
    not_ok "a plain pg_dump replays with psql -v ON_ERROR_STOP=1" "$out"
fi

# ---- the copies ------------------------------------------------------------------
compare "same extension version" \
    "SELECT extversion FROM pg_extension WHERE extname = 'migrate'"
compare "same current()" "SELECT * FROM migrate.current() ORDER BY 1"
compare "same version rows" "SELECT revision FROM migrate.version ORDER BY 1"
compare "same revision rows (id, checksum, script, everything)" \
    "SELECT id, checksum, md5(script), r FROM migrate.revision r ORDER BY id"
compare "same history rows (revision, action, checksum, role, started_at, ...)" \
    "SELECT id, revision, action, checksum, role, started_at, duration, xid
     FROM migrate.history ORDER BY id"
compare "same snapshot rows (version set, schemas, hash, text, time)" \
    "SELECT version_set, schemas, sha256, md5(text), taken_at FROM migrate.snapshot ORDER BY 1, 2"
compare "same history_id_seq position" \
    "SELECT last_value, is_called FROM migrate.history_id_seq"
compare "same heads(), history(), status()" \
    "SELECT (SELECT string_agg(revision, ',') FROM migrate.heads()),
            (SELECT string_agg(revision || is_applied::text || applied_at::text, ',') FROM migrate.history()),
            (SELECT s::text FROM migrate.status() s)"
compare "same privileges of the monitoring role" \
    "SELECT p.oid::regprocedure, has_function_privilege('regress_dump_monitor', p.oid, 'EXECUTE'),
            has_function_privilege('public', p.oid, 'EXECUTE')
     FROM pg_proc p WHERE p.pronamespace = 'migrate'::regnamespace ORDER BY p.oid::regprocedure::text;
     SELECT c.relname, has_table_privilege('regress_dump_monitor', c.oid, 'SELECT'),
            has_table_privilege('regress_dump_monitor', c.oid, 'INSERT'),
            has_table_privilege('public', c.oid, 'SELECT')
     FROM pg_class c WHERE c.relnamespace = 'migrate'::regnamespace ORDER BY 1"
compare "same application data" \
    "SELECT * FROM colors ORDER BY id_color; SELECT id_report, title FROM saved_reports ORDER BY 1"
compare "the tables are still the extension's configuration tables" \
    "SELECT c.reloid::regclass, cond
     FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS c(reloid, cond)
     WHERE e.extname = 'migrate' ORDER BY c.reloid::regclass::text"
compare "no table of the extension is duplicated outside it" \
    "SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'migrate'::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid
                       AND d.refclassid = 'pg_extension'::regclass AND d.deptype IN ('e', 'a', 'i'))
       AND c.relkind IN ('r', 'S')"
for db in "$DST" "$PLAIN"; do
    if diff <(schema "$SRC") <(schema "$db") >"$TMP/schema.diff"; then
        ok "$db: same application schema"
    else
        not_ok "$db: same application schema" "$(head -n 20 "$TMP/schema.diff")"
    fi
done

# ---- they work -----------------------------------------------------------------
for db in "$DST" "$PLAIN"; do
    is "$db: check() passes" "" "$(q "$db" "SELECT migrate.check()")"
    is "$db: the snapshots came along: no drift" "0" \
        "$(q "$db" "SELECT count(*) FROM migrate.drift()")"
    is "$db: validate() finds nothing" "" "$(q "$db" "SELECT * FROM migrate.validate()")"
    is "$db: upgrade() is a no-op" "0" "$(q "$db" "SELECT migrate.upgrade()")"
    is "$db: the monitoring role can read the state" "0" \
        "$(q "$db" "SET ROLE regress_dump_monitor; SELECT pending FROM migrate.status()")"
    is "$db: add_revision of every file is a no-op" "0" \
        "$(pg_add_revisions "$db" "$EXAMPLES"/*.sql)"
done
# new history rows continue the sequence: the same ids as in the source
for db in "$SRC" "$DST" "$PLAIN"; do
    setup "$db" "SET client_min_messages = warning; SELECT migrate.downgrade('-1'); SELECT migrate.upgrade()"
done
maxold=$(q "$SRC" "SELECT max(id) - 2 FROM migrate.history") || true
compare "new history ids continue after the restored ones" \
    "SELECT id > $maxold, id, revision, action FROM migrate.history WHERE id > $maxold ORDER BY id"
compare "... with no id used twice" \
    "SELECT count(*) = count(DISTINCT id) FROM migrate.history"
compare "... and the same state afterwards" \
    "SELECT * FROM migrate.current(); SELECT pending FROM migrate.status()"

pg_suite_cleanup
trap - EXIT
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
