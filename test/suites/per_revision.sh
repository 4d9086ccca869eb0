#!/usr/bin/env bash
# test/suites/per_revision.sh — migrate upgrade --per-revision and CALL
# migrate.apply() through the program's view (SPEC §9): each revision
# commits on its own, so when the third of three fails the first two stay
# applied and recorded (PostgreSQL: two history rows with two transaction
# ids; SQLite: the file at the second revision), and a rerun after the fix
# finishes.  Without the flag the same failure leaves nothing.
#
# Runs against the server of PGHOST/PGPORT as a superuser, in database
# migrate_suite_perrev (dropped at the end).  Prints `ok N - name` /
# `not ok N - name` and, last, `X passed, Y failed`.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=migrate_suite_perrev
pg_suite_init perrev "$DB"
cd "$TMP" || exit 1
PGURL="postgresql:///$DB?host=$PGHOST&port=$PGPORT"
SQ="sqlite:///$TMP/p.db"

three() {
    rm -rf m
    rev_sql m p0000000001 base "create p" 'CREATE TABLE p (id integer PRIMARY KEY);' 'DROP TABLE p;'
    rev_sql m p0000000002 p0000000001 "first row" 'INSERT INTO p VALUES (1);' 'DELETE FROM p WHERE id = 1;'
    rev_sql m p0000000003 p0000000002 "duplicate" 'INSERT INTO p VALUES (1);' 'SELECT 1;'
}
fix() {
    rev_sql m p0000000003 p0000000002 "duplicate" 'INSERT INTO p VALUES (3);' 'DELETE FROM p WHERE id = 3;'
}

for side in PostgreSQL SQLite; do
    if [ "$side" = PostgreSQL ]; then url=$PGURL; pg_new_db "$DB"; else url=$SQ; rm -f p.db; fi
    three
    run -d "$url" --dir m upgrade
    expect "$side: upgrade of three revisions, the third failing: exit 1" 1 "p0000000003"
    run -d "$url" --dir m current
    is "$side: ... without --per-revision nothing is applied" "" "$OUT"
    run -d "$url" --dir m upgrade --per-revision
    expect "$side: upgrade --per-revision, the third failing: exit 1" 1 "p0000000003"
    run -d "$url" --dir m current
    is "$side: ... the first two stay applied" "p0000000002" "$OUT"
    if [ "$side" = PostgreSQL ]; then
        is "$side: ... recorded, each in its own transaction" "2 2" \
            "$(q "$DB" "SELECT count(*) || ' ' || count(DISTINCT xid) FROM migrate.history")"
    else
        is "$side: ... recorded, with the rows of the second" "2 1" \
            "$(sq p.db "SELECT (SELECT count(*) FROM migrate_history) || ' ' || (SELECT count(*) FROM p)")"
    fi
    fix
    run -d "$url" --dir m upgrade --per-revision
    expect "$side: after the fix, --per-revision finishes" 0
    run -d "$url" --dir m current
    is "$side: ... at the head" "p0000000003 (head)" "$OUT"
    run -d "$url" --dir m drift
    expect "$side: ... with the snapshot of the head recorded" 0 "no drift"
    run -d "$url" --dir m downgrade base --per-revision
    expect "$side: downgrade --per-revision to base" 0
    run -d "$url" --dir m current
    is "$side: ... at base" "" "$OUT"
    run -d "$url" --dir m upgrade --per-revision --sql
    expect "$side: --per-revision with --sql is refused" 2 "does not go with --sql"
    run -d "$url" --dir m stamp heads --per-revision
    expect "$side: stamp does not take --per-revision" 2 "does not take --per-revision"
done

# the server's procedure, as an app would call it at boot
pg_new_db "$DB"
three
q "$DB" "SET client_min_messages = warning; SELECT migrate.add_revisions(ARRAY[$(for f in m/versions/*.sql; do printf "%s," "\$m\$$(cat "$f")\$m\$"; done | sed 's/,$//')])" >/dev/null
out=$(psql -X -q -d "$DB" -c "CALL migrate.apply()" 2>&1)
like "CALL migrate.apply(): the third fails with its own error" "duplicate key value" "$out"
is "... the first two committed" "p0000000002" "$(q "$DB" "SELECT * FROM migrate.current()")"
out=$(psql -X -q -d "$DB" -c "BEGIN" -c "CALL migrate.apply()" -c "ROLLBACK" 2>&1)
like "CALL migrate.apply() in a transaction block is refused (25001)" "cannot run inside a transaction block" "$out"
is "... and no advisory lock is left" "0" "$(q "$DB" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")"

suite_end
