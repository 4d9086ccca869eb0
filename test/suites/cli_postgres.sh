#!/usr/bin/env bash
# test/suites/cli_postgres.sh — the migrate program against a real PostgreSQL
# server (PGHOST/PGPORT/PGUSER, a superuser) through the extension.
#
# Connection forms and errors (bad URL, missing extension with the CREATE
# EXTENSION hint, an extension of another version); push (revisions stored,
# nothing applied, a second push adds 0); upgrade/downgrade/stamp to each kind
# of target with progress lines; current, history -i, heads, status, check,
# --json, -q; the postgresql section of the dialect-specific revision (an
# ENUM); a failing revision (exit 1, revision, file and line; nothing
# changed); an edited applied revision caught by check and refused by
# upgrade/push with both checksums; "transaction false" revisions with
# CREATE/DROP INDEX CONCURRENTLY run by the program; the upgrade/downgrade
# --sql scripts run with `psql -v ON_ERROR_STOP=1 -f` leave the program's
# state.
#
# Uses databases named migrate_suite_cli_pg_*, dropped at the end, and a
# scratch directory. Prints `ok N - name` / `not ok N - name` and, last,
# `X passed, Y failed`; exits 1 on failure.
set -uo pipefail

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

P=migrate_suite_cli_pg
pg_suite_init cli-pg "${P}_main" "${P}_off" "${P}_on" "${P}_fail" "${P}_tf" "${P}_noext" "${P}_old"
mkdir -p "$TMP/app"
cp -r "$REPO_ROOT/migrations" "$TMP/app/migrations"
cd "$TMP/app" || exit 1
unset DATABASE_URL PGDATABASE

ALL="e57af1e0a8f8 5aa5020316c5 1d6b8f3a9c42 3f8d2b7c6e10 b7e2a9c41d53 c49f0d8e2a71 8a5c1e7f3b96 d0a4f7b35c92 72e9b0c4d1a5 f1e8c2d9a034 4c7d2e9f0b13"
NREV=$(ls migrations/versions/*.sql | wc -l)
DB=${P}_main
U=postgresql:///$DB

# ---- connecting -------------------------------------------------------------------------
pg_new_db "${P}_noext" ""
run -d "postgresql:///${P}_noext" current
expect "a database without the extension: exit 2 with the CREATE EXTENSION hint" 2 \
    "the migrate extension is not installed in database \"${P}_noext\"" "CREATE EXTENSION migrate"
run -d "postgresql:///${P}_noext" upgrade
expect "... also for upgrade" 2 "CREATE EXTENSION migrate"
is "... which creates nothing" "0" "$(q "${P}_noext" "SELECT count(*) FROM pg_namespace WHERE nspname = 'migrate'")"
pg_new_db "${P}_old" "CREATE EXTENSION migrate VERSION '0.1'"
run -d "postgresql:///${P}_old" current
expect "an extension of another version: exit 2 with the ALTER EXTENSION hint" 2 \
    "extension migrate 0.1 is installed" "ALTER EXTENSION migrate UPDATE"
run -d "postgresql:///nonexistent_db_${P}" current
if [ "$RC" -ne 0 ] && [[ $ERR == *"could not connect to PostgreSQL"* ]]; then
    ok "a database that does not exist: fails with 'could not connect' (exit $RC)"
else
    not_ok "a database that does not exist: fails with 'could not connect'" "$(last)"
fi
run -d 'postgresql://[bad' current
expect "a malformed URL: exit 2" 2 'invalid database URL'
run -d 'dbname=x nosuchoption=1' current
expect "a connection string with an unknown option: exit 2" 2 'invalid database URL'

pg_new_db "$DB"
run -d "dbname=$DB" current
expect "a libpq connection string (PG* variables apply)" 0
run -d "postgres:///$DB" current
expect "a postgres:// URL" 0
DATABASE_URL=$U "$MIGRATE" current >"$TMP/.out" 2>"$TMP/.err"
RC=$? OUT=$(cat "$TMP/.out") ERR=$(cat "$TMP/.err")
expect "DATABASE_URL without -d" 0
is "current on a fresh database prints nothing" "" "$OUT"

# ---- push -------------------------------------------------------------------------------
run -d "$U" push
expect "push: exit 0" 0 "pushed $NREV revisions: $NREV added or replaced"
is "push stores every revision in migrate.revision" "$NREV" "$(q "$DB" "SELECT count(*) FROM migrate.revision")"
is "... with its file name as source" "4c7d2e9f0b13_add_customer_phone.sql" \
    "$(q "$DB" "SELECT source FROM migrate.revision WHERE id = '4c7d2e9f0b13'")"
is "... and applies nothing" "0 0" \
    "$(q "$DB" "SELECT (SELECT count(*) FROM migrate.version) || ' ' || (SELECT count(*) FROM migrate.history)")"
run -d "$U" push
expect "a second push adds nothing" 0 "pushed $NREV revisions: 0 added or replaced"
run -q -d "$U" push
quiet_ok "-q push prints nothing"
run -d "$U" check
expect "check with everything pending: exit 1" 1 "the database is not up to date: $NREV revisions pending, starting with e57af1e0a8f8"
run -d "$U" status
expect "status: exit 0" 0 "current:  <base>" "pending:  $NREV"

# ---- upgrade ---------------------------------------------------------------------------
run -d "$U" upgrade
expect "upgrade: exit 0" 0
is "upgrade prints one progress line per revision, in order" "$ALL" "$(progress_ids)"
is "progress lines read '[i/N] <id> <message> ... N ms'" "0" \
    "$(grep -cvE '^\[([0-9]+)/'"$NREV"'\] [0-9a-f]{12} [a-z ]+ \.\.\. [0-9]+ ms$' <<<"$OUT")"
is "migrate.version holds the head" "4c7d2e9f0b13" "$(q "$DB" "SELECT revision FROM migrate.version")"
is "migrate.history has an upgrade row per revision, in order" "$(tr ' ' '\n' <<<"$ALL" | sed 's/$/|upgrade/')" \
    "$(q "$DB" "SELECT revision, action FROM migrate.history ORDER BY id")"
is "the postgresql section of the dialect-specific revision ran (an ENUM)" "order_status|e" \
    "$(q "$DB" "SELECT t.typname, t.typtype FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                WHERE a.attrelid = 'public.orders'::regclass AND a.attname = 'status'")"
is "... its checksum is the SHA-256 of the postgresql upgrade body" \
    "$(printf "CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');\nALTER TABLE orders ADD COLUMN status order_status NOT NULL DEFAULT 'new';" | sha256sum | cut -d' ' -f1)" \
    "$(q "$DB" "SELECT checksum FROM migrate.history WHERE revision = '8a5c1e7f3b96'")"
is "the seed data is there" "5" "$(q "$DB" "SELECT count(*) FROM colors")"
run -d "$U" upgrade
quiet_ok "upgrade at heads: exit 0, prints nothing"
current_is_head "$U"
run -d "$U" check
expect "check at heads: exit 0" 0 "up to date"
run -q -d "$U" check
quiet_ok "-q check prints nothing"
run -d "$U" check --json
json_ok "check --json is JSON"
run -d "$U" status --json
json_ok "status --json is JSON"
is "... current = heads, nothing pending, no problems" "['4c7d2e9f0b13'] ['4c7d2e9f0b13'] [] []" \
    "$(jq_py 'd["current"], d["heads"], d["pending"], d["problems"]')"
run -d "$U" history -i
expect "history -i marks the current revision" 0 \
    "f1e8c2d9a034 -> 4c7d2e9f0b13 (reporting, billing) (head) (current), add customer phone"
is "... only that one" "1" "$(grep -c '(current)' <<<"$OUT")"
run -d "$U" history -i --json
json_ok "history -i --json is JSON"
run -d "$U" history -r current:
expect "history -r current: exit 0" 0 "4c7d2e9f0b13"

# ---- downgrade, stamp -----------------------------------------------------------------
run -d "$U" downgrade
expect "downgrade (default -1): exit 0" 0 "[1/1] 4c7d2e9f0b13 add customer phone ... "
run -d "$U" downgrade -1
at_two_heads "$U" "downgrade -1 through the merge point: two current heads"
is "... the postgresql downgrade section dropped the type" "0" \
    "$(q "$DB" "SELECT count(*) FROM pg_type WHERE typname = 'order_status'")"
run -d "$U" downgrade billing@base
expect "downgrade billing@base: exit 0" 0
is "... reverts the dependent view, then billing" "72e9b0c4d1a5 c49f0d8e2a71 b7e2a9c41d53" "$(progress_ids)"
run -d "$U" current
is "... leaving reporting's first revision" "d0a4f7b35c92" "$OUT"
run -d "$U" upgrade reporting@head
expect "upgrade reporting@head: exit 0" 0
run -d "$U" current
is "... reaches the head" "4c7d2e9f0b13 (head)" "$OUT"
run -d "$U" downgrade 3f8d
run -d "$U" upgrade +1
expect "upgrade +1 at a branch point: exit 2" 2 'relative target "+1" is ambiguous'
run -d "$U" upgrade billing@+2
expect "upgrade billing@+2: exit 0" 0
is "... two steps on that branch" "b7e2a9c41d53 c49f0d8e2a71" "$(progress_ids)"
run -d "$U" upgrade nosuch
expect "upgrade to an unknown target: exit 2" 2 'no revision, branch label or revision prefix matches "nosuch"'
run -d "$U" downgrade nosuch
expect "downgrade to an unknown target: exit 2" 2 '"nosuch"'
run -d "$U" upgrade nosuch --sql
expect "upgrade --sql to an unknown target: exit 2" 2 'no revision, branch label or revision prefix matches "nosuch"'
run -d "$U" downgrade nosuch --sql
expect "downgrade --sql to an unknown target: exit 2" 2 'no revision, branch label or revision prefix matches "nosuch"'
run -q -d "$U" downgrade base
quiet_ok "-q downgrade base prints nothing"
run -d "$U" current
is "downgrade base: nothing current" "" "$OUT"
is "... no application table left" "0" \
    "$(q "$DB" "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")"
run -d "$U" stamp heads
quiet_ok "stamp heads: exit 0, prints nothing"
run -d "$U" current
is "... current is the head" "4c7d2e9f0b13 (head)" "$OUT"
is "... nothing ran" "" "$(q "$DB" "SELECT to_regclass('public.customers')")"
is "... stamp rows in the history" "$NREV" "$(q "$DB" "SELECT count(*) FROM migrate.history WHERE action = 'stamp'")"
run -d "$U" stamp nosuch
expect "stamp an unknown target: exit 2" 2 '"nosuch"'
# --purge: a version the catalog does not know (as after a restore of the
# version table from elsewhere)
q "$DB" "ALTER TABLE migrate.version DISABLE TRIGGER ALL; DELETE FROM migrate.version; INSERT INTO migrate.version VALUES ('zzzz0001')" >/dev/null
run -d "$U" stamp --purge 3f8d2b7c6e10
quiet_ok "stamp TARGET --purge from an unknown version: exit 0"
run -d "$U" current
is "... resets the version" "3f8d2b7c6e10 (branchpoint)" "$OUT"
run -d "$U" stamp base

# ---- a failing revision ------------------------------------------------------------------
mkdir fl
failing_revisions fl
FDB=${P}_fail
pg_new_db "$FDB"
run --dir fl -d "postgresql:///$FDB" upgrade
expect "a failing revision: exit 1 with the server's error, revision, file and line" 1 \
    'duplicate key value violates unique constraint "t1_pkey" (SQLSTATE 23505)' \
    "upgrade of revision f0002 (second fails), file f0002_second_fails.sql, line 9"
like "... the progress line of the failing revision says failed (as on SQLite)" $'\\[2/2\\] f0002 second fails \\.\\.\\. failed' "$OUT"
is "... nothing applied, nothing recorded" "0 0 " \
    "$(q "$FDB" "SELECT (SELECT count(*) FROM migrate.version) || ' ' || (SELECT count(*) FROM migrate.history) || ' ' || coalesce(to_regclass('public.t1')::text, '')")"
run --dir fl -d "postgresql:///$FDB" upgrade f0001
expect "upgrade to the revision before it: exit 0" 0 "[1/1] f0001 first"
# an edited applied revision
old=$(printf 'CREATE TABLE t1 (id integer PRIMARY KEY);\nINSERT INTO t1 VALUES (1);' | sha256sum | cut -d' ' -f1)
new=$(printf 'CREATE TABLE t1 (id integer PRIMARY KEY);\nINSERT INTO t1 VALUES (5);' | sha256sum | cut -d' ' -f1)
sed -i 's/^INSERT INTO t1 VALUES (1);$/INSERT INTO t1 VALUES (5);/' fl/versions/f0001_first.sql
run --dir fl -d "postgresql:///$FDB" check
expect "check after the upgrade body of an applied file changed: exit 1 naming both checksums" 1 \
    "f0001: checksum changed: applied with $old, now $new"
run --dir fl -d "postgresql:///$FDB" upgrade
expect "upgrade refuses it: exit 1" 1 "revision f0001 was applied with checksum $old but now has checksum $new"
run --dir fl -d "postgresql:///$FDB" push
expect "push refuses it: exit 1" 1 "revision f0001 was applied with checksum $old but now has checksum $new"
is "... the catalog keeps the applied text" "$old" "$(q "$FDB" "SELECT checksum FROM migrate.revision WHERE id = 'f0001'")"
sed -i 's/^INSERT INTO t1 VALUES (5);$/INSERT INTO t1 VALUES (1);/' fl/versions/f0001_first.sql
run --dir fl -d "postgresql:///$FDB" check
expect "restored: check exit 1 only for the pending revision" 1 "1 revision pending, starting with f0002"

# ---- transaction false: CREATE INDEX CONCURRENTLY ------------------------------------
mkdir tf
rev_sql tf t0001 base "create t" 'CREATE TABLE t (id integer PRIMARY KEY, v integer);
INSERT INTO t SELECT g, g % 7 FROM generate_series(1, 1000) g;' 'DROP TABLE t;'
rev_sql tf t0002 t0001 "index t concurrently" 'CREATE INDEX CONCURRENTLY ix_t_v ON t (v);
CREATE INDEX CONCURRENTLY ix_t_v_id ON t (v, id);' 'DROP INDEX CONCURRENTLY ix_t_v_id;
DROP INDEX CONCURRENTLY ix_t_v;' "-- migrate:transaction false"
rev_sql tf t0003 t0002 "add column" 'ALTER TABLE t ADD COLUMN w integer;' 'ALTER TABLE t DROP COLUMN w;'
TDB=${P}_tf
pg_new_db "$TDB"
run --dir tf -d "postgresql:///$TDB" upgrade
expect "upgrade across a transaction false revision: exit 0" 0
is "... progress for each revision, in order" "t0001 t0002 t0003" "$(progress_ids)"
is "... the concurrent indexes exist and are valid" "ix_t_v|t ix_t_v_id|t" \
    "$(q "$TDB" "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE i.indrelid = 'public.t'::regclass AND c.relname LIKE 'ix%' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
is "... the history records it between the others" "t0001|upgrade t0002|upgrade t0003|upgrade" \
    "$(q "$TDB" "SELECT revision, action FROM migrate.history ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
is "... with its checksum" "$(printf 'CREATE INDEX CONCURRENTLY ix_t_v ON t (v);\nCREATE INDEX CONCURRENTLY ix_t_v_id ON t (v, id);' | sha256sum | cut -d' ' -f1)" \
    "$(q "$TDB" "SELECT checksum FROM migrate.history WHERE revision = 't0002'")"
is "... the column of the revision after it exists" "1" \
    "$(q "$TDB" "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attname = 'w'")"
run --dir tf -d "postgresql:///$TDB" current
is "... current is the head" "t0003 (head)" "$OUT"
is "... and the migrate lock is free afterwards" "t" \
    "$(q "$TDB" "SELECT pg_try_advisory_lock(30796665482998885)")"
run --dir tf -d "postgresql:///$TDB" check
expect "check: exit 0" 0 "up to date"
run --dir tf -d "postgresql:///$TDB" downgrade t0001
expect "downgrade across it with DROP INDEX CONCURRENTLY: exit 0" 0
is "... in reverse order" "t0003 t0002" "$(progress_ids)"
is "... the indexes are gone" "0" \
    "$(q "$TDB" "SELECT count(*) FROM pg_class WHERE relname LIKE 'ix_t_v%'")"
is "... the history records the downgrades" "t0003|downgrade t0002|downgrade" \
    "$(q "$TDB" "SELECT revision, action FROM migrate.history ORDER BY id OFFSET 3" | tr '\n' ' ' | sed 's/ $//')"
run --dir tf -d "postgresql:///$TDB" current
is "... current is t0001" "t0001" "$OUT"
# a failing statement of a transaction false revision
sed -i 's/ON t (v, id);/ON t (nosuch);/' tf/versions/t0002_index_t_concurrently.sql
run --dir tf -d "postgresql:///$TDB" upgrade
expect "a failing statement in a transaction false revision: exit 1 with file and line" 1 \
    "upgrade of revision t0002 (index t concurrently) failed at tf/versions/t0002_index_t_concurrently.sql:8" \
    'column "nosuch" does not exist'
is "... it is not recorded" "t0001" "$(q "$TDB" "SELECT revision FROM migrate.version")"

# ---- offline scripts run by psql ---------------------------------------------------------
OFF=${P}_off ON=${P}_on
pg_new_db "$OFF"
pg_new_db "$ON"
# state DB: what the scripts and the program must agree on
state() {
    echo "== version"; q "$1" "SELECT revision FROM migrate.version ORDER BY 1"
    echo "== history"; q "$1" "SELECT revision, action, checksum FROM migrate.history ORDER BY id"
    echo "== tables"; q "$1" "SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1"
    echo "== types"; q "$1" "SELECT typname FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'"
}
for step in "upgrade 3f8d2b7c6e10" "upgrade heads" "downgrade -1" "downgrade billing@base" "upgrade heads" "downgrade base"; do
    read -r cmd target <<<"$step"
    run -d "postgresql:///$OFF" "$cmd" "$target" --sql
    if [ "$RC" -ne 0 ]; then not_ok "$cmd $target --sql: exit 0" "$(last)"; continue; fi
    printf '%s\n' "$OUT" >"$TMP/step.sql"
    if psql -X -q -v ON_ERROR_STOP=1 -d "$OFF" -f "$TMP/step.sql" >"$TMP/psql.log" 2>&1; then
        ok "the $cmd $target --sql script runs with psql -v ON_ERROR_STOP=1 -f"
    else
        not_ok "the $cmd $target --sql script runs with psql -v ON_ERROR_STOP=1 -f" "$(tail -n 5 "$TMP/psql.log")"
    fi
    "$MIGRATE" -q -d "postgresql:///$ON" "$cmd" "$target"
    is "... and leaves the state '$cmd $target' leaves" "$(state "$ON")" "$(state "$OFF")"
done
run -d "postgresql:///$OFF" upgrade heads --sql
is "upgrade --sql applies nothing" "" "$(q "$OFF" "SELECT revision FROM migrate.version")"
like "... and says how to run it" "psql -v ON_ERROR_STOP=1 -f" "$OUT"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
