#!/usr/bin/env bash
# test/suites/journal.sh — transaction-false revisions survive being killed
# (SPEC §9, issue 14 part 3 and issue 15 items 2-3).
#
# A 3-statement transaction-false revision (CREATE INDEX CONCURRENTLY,
# UPDATE, CREATE INDEX CONCURRENTLY; its downgrade DROP INDEX
# CONCURRENTLY, UPDATE, DROP INDEX CONCURRENTLY) is interrupted:
#   - at every statement boundary (MIGRATE_FAULT, see src/cli/journal.c):
#     SIGKILL of the program and, separately, the server session ended
#     (MIGRATE_FAULT_ACTION=terminate), on upgrade and on downgrade;
#   - in the middle of each statement (PostgreSQL): kill -9 of the program,
#     pg_terminate_backend, pg_cancel_backend and kill -9 of its backend
#     (the server restarts every session), statement_timeout;
#   - on SQLite, SIGKILL at every boundary, both directions.
# After each, status names the partial run, and one rerun ends with the
# revision recorded once and the schema and data as the revision says
# (both indexes valid, the UPDATE applied exactly once).  Then app
# instances calling upgrade() while the program builds an index on a
# large table: no deadlock, 55006 or success for each, index valid.
#
# MIGRATE_JOURNAL_ALL=1 runs every mid-statement point of both actions;
# by default a sample.  Runs against the server of PGHOST/PGPORT as a
# superuser, in database migrate_suite_journal (dropped at the end).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=migrate_suite_journal
pg_suite_init journal "$DB"
cd "$TMP" || exit 1
PGURL="postgresql:///$DB?host=$PGHOST&port=$PGPORT"
SQ="sqlite:$TMP/j.db"
ROWS=${MIGRATE_JOURNAL_ROWS:-400000}

# $1: dir, $2: CONCURRENTLY or "", $3: the rows' SQL
revisions() {
    local c=$2
    rm -rf "$1"
    rev_sql "$1" j0001 base "big" "CREATE TABLE big (id integer PRIMARY KEY, a integer, b integer, c integer);
$3" 'DROP TABLE big;'
    rev_sql "$1" j0002 j0001 "indexes" "CREATE INDEX $c big_a ON big (a);
UPDATE big SET c = c + 1;
CREATE INDEX $c big_b ON big (b);" "DROP INDEX $c big_b;
UPDATE big SET c = c - 1;
DROP INDEX $c big_a;" '-- migrate:transaction false'
}
revisions pm CONCURRENTLY "INSERT INTO big SELECT g, g % 1000, g % 777, 0 FROM generate_series(1, $ROWS) g;"
revisions ps CONCURRENTLY "INSERT INTO big SELECT g, g % 1000, g % 777, 0 FROM generate_series(1, 20000) g;"
revisions sm "" "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 20000)
INSERT INTO big SELECT x, x % 1000, x % 777, 0 FROM g;"

# The state after the upgrade / the downgrade, as one line.
pg_state() {
    q "$DB" "SELECT coalesce((SELECT string_agg(c.relname || ':' || i.indisvalid, ',' ORDER BY c.relname)
                       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                      WHERE i.indrelid = 'big'::regclass AND c.relname <> 'big_pkey'), '')
              || ' sum=' || ((SELECT sum(c) FROM big) / $rows)
              || ' journal=' || (SELECT count(*) FROM migrate.journal)
              || ' at=' || coalesce((SELECT string_agg(revision, ',') FROM migrate.version), '')
              || ' ups=' || (SELECT count(*) FROM migrate.history WHERE revision = 'j0002' AND action = 'upgrade')
              || ' downs=' || (SELECT count(*) FROM migrate.history WHERE revision = 'j0002' AND action = 'downgrade')"
}
sq_state() {
    sq j.db "SELECT coalesce((SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master
                       WHERE type = 'index' AND tbl_name = 'big' AND name LIKE 'big_%' ORDER BY name)), '')
              || ' sum=' || ((SELECT sum(c) FROM big) / 20000)
              || ' journal=' || (SELECT count(*) FROM migrate_journal)
              || ' at=' || coalesce((SELECT group_concat(revision, ',') FROM migrate_version), '')
              || ' ups=' || (SELECT count(*) FROM migrate_history WHERE revision = 'j0002' AND action = 'upgrade')
              || ' downs=' || (SELECT count(*) FROM migrate_history WHERE revision = 'j0002' AND action = 'downgrade')"
}

ups=0 downs=0
# at URL DIR REV: bring the database to j0001 or j0002 (counting the runs)
at() {
    local now
    if [ "$1" = "$SQ" ]; then now=$(sq j.db "SELECT group_concat(revision, ',') FROM migrate_version")
    else now=$(q "$DB" "SELECT string_agg(revision, ',') FROM migrate.version"); fi
    if [ -z "$now" ]; then run -d "$1" --dir "$2" upgrade j0001; now=j0001; fi
    [ "$now" = "$3" ] && return
    if [ "$3" = j0002 ]; then run -d "$1" --dir "$2" upgrade j0002; ups=$((ups + 1))
    else run -d "$1" --dir "$2" downgrade j0001; downs=$((downs + 1)); fi
    [ "$RC" = 0 ] || not_ok "setup: $1 to $3" "$(last)"
}
# check NAME SIDE DIRECTION: the state after a successful rerun
check() {
    local want
    if [ "$3" = upgrade ]; then
        want="big_a:true,big_b:true sum=1 journal=0 at=j0002 ups=$ups downs=$downs"
        [ "$2" = SQLite ] && want="big_a,big_b sum=1 journal=0 at=j0002 ups=$ups downs=$downs"
    else
        want=" sum=0 journal=0 at=j0001 ups=$ups downs=$downs"
    fi
    if [ "$2" = PostgreSQL ]; then is "$1" "$want" "$(pg_state)"; else is "$1" "$want" "$(sq_state)"; fi
}

# interrupted NAME URL DIR DIRECTION: the run was interrupted; status says
# so (when the journal has a row), one rerun completes
interrupted() {
    local name=$1 url=$2 dir=$3 dirn=$4 side=PostgreSQL target=j0002
    [ "$url" = "$SQ" ] && side=SQLite
    [ "$dirn" = downgrade ] && target=j0001
    run -d "$url" --dir "$dir" status
    if [[ $OUT == *"partially "* ]]; then
        like "$name: status names the partial run" "partially (applied|downgraded): revision j0002, statement [0-3] of 3 done" "$OUT"
    fi
    run -d "$url" --dir "$dir" "$dirn" "$target"
    expect "$name: one rerun completes" 0
    if [ "$dirn" = upgrade ]; then ups=$((ups + 1)); else downs=$((downs + 1)); fi
    check "$name: ... recorded once, schema and data as the revision says" "$side" "$dirn"
}

# ---- statement boundaries -----------------------------------------------------
points="before:1 after:1 counted:1 before:2 after:2 counted:2 before:3 after:3 counted:3 end"
boundaries() {
    local side=$1 url=$2 dir=$3 action=$4 p
    for dirn in upgrade downgrade; do
        for p in $points; do
            local target=j0002
            [ "$dirn" = downgrade ] && target=j0001
            if [ "$dirn" = downgrade ]; then at "$url" "$dir" j0002; else at "$url" "$dir" j0001; fi
            MIGRATE_FAULT=$p MIGRATE_FAULT_ACTION=$action "$MIGRATE" -d "$url" --dir "$dir" "$dirn" "$target" \
                >"$TMP/.out" 2>"$TMP/.err" </dev/null
            RC=$?
            if [ "$RC" = 0 ]; then
                not_ok "$side: $dirn, $action at $p: the run is interrupted" "$(cat "$TMP/.err")"
                continue
            fi
            interrupted "$side: $dirn, $action at $p" "$url" "$dir" "$dirn"
        done
    done
}

pg_new_db "$DB"
rows=20000
run -d "$PGURL" --dir ps upgrade
expect "PostgreSQL: the revisions apply" 0
ups=1
check "PostgreSQL: ... both indexes valid, the update applied once" PostgreSQL upgrade
boundaries PostgreSQL "$PGURL" ps kill
boundaries PostgreSQL "$PGURL" ps terminate

# ---- in the middle of a statement (PostgreSQL) ----------------------------------
# wait until the backend of application_name migrate runs statement $1
wait_running() {
    local i
    for i in $(seq 1 500); do
        pid=$(q "$DB" "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND state = 'active'
                       AND query LIKE '$1%' LIMIT 1")
        [ -n "$pid" ] && return 0
        sleep 0.01
    done
    return 1
}
mid() {
    local dirn=$1 k=$2 how=$3 stmt target=j0002
    [ "$dirn" = downgrade ] && target=j0001
    case "$dirn:$k" in
        upgrade:1) stmt="CREATE INDEX CONCURRENTLY big_a" ;;
        upgrade:2 | downgrade:2) stmt="UPDATE big" ;;
        upgrade:3) stmt="CREATE INDEX CONCURRENTLY big_b" ;;
    esac
    "$MIGRATE" -d "$PGURL" --dir pm "$dirn" "$target" >"$TMP/.mid" 2>&1 &
    local prog=$!
    if ! wait_running "$stmt"; then
        wait $prog
        not_ok "PostgreSQL: $dirn, $how in statement $k: caught it running" "$(cat "$TMP/.mid")"
        if [ "$dirn" = upgrade ]; then ups=$((ups + 1)); else downs=$((downs + 1)); fi
        return
    fi
    case $how in
        "kill -9") kill -9 $prog ;;
        terminate) q "$DB" "SELECT pg_terminate_backend($pid)" >/dev/null ;;
        cancel) q "$DB" "SELECT pg_cancel_backend($pid)" >/dev/null ;;
        backend-kill-9)
            # the server restarts every session (crash recovery)
            kill -9 "$pid" ;;
    esac
    wait $prog 2>/dev/null
    if [ "$how" = backend-kill-9 ]; then
        local i
        for i in $(seq 1 150); do q "$DB" "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
    fi
    interrupted "PostgreSQL: $dirn, $how in statement $k" "$PGURL" pm "$dirn"
    [[ $how != "kill -9" && $how != backend-kill-9 && $k != 2 && $dirn = upgrade ]] &&
        like "PostgreSQL: ... the INVALID index was dropped and built again" "dropped the INVALID index public.big_" "$ERR"
}
mids="upgrade:1:kill-9 upgrade:2:terminate upgrade:3:terminate upgrade:1:cancel downgrade:2:kill-9 upgrade:2:backend-kill-9"
[ -n "${MIGRATE_JOURNAL_ALL:-}" ] &&
    mids="upgrade:1:kill-9 upgrade:2:kill-9 upgrade:3:kill-9 upgrade:1:terminate upgrade:2:terminate upgrade:3:terminate upgrade:1:cancel upgrade:3:cancel downgrade:2:kill-9 downgrade:2:terminate upgrade:1:backend-kill-9 upgrade:2:backend-kill-9 upgrade:3:backend-kill-9 downgrade:2:backend-kill-9"
pg_new_db "$DB"
rows=$ROWS ups=0 downs=0
for m in $mids; do
    IFS=: read -r dirn k how <<<"$m"
    how=${how/kill-9/kill -9}
    if [ "$dirn" = downgrade ]; then at "$PGURL" pm j0002; else at "$PGURL" pm j0001; fi
    mid "$dirn" "$k" "$how"
done

# statement_timeout cancels the CREATE INDEX CONCURRENTLY of statement 1
at "$PGURL" pm j0001
PGOPTIONS="-c statement_timeout=50ms" run -d "$PGURL" --dir pm upgrade
expect "PostgreSQL: statement_timeout during CREATE INDEX CONCURRENTLY: exit 1" 1 "canceling statement due to statement timeout"
interrupted "PostgreSQL: upgrade, statement_timeout in statement 1" "$PGURL" pm upgrade
like "PostgreSQL: ... the INVALID index was dropped and built again" "dropped the INVALID index public.big_a" "$ERR"

# ---- what the journal refuses ---------------------------------------------------
at "$PGURL" pm j0001
MIGRATE_FAULT=counted:1 run -d "$PGURL" --dir pm upgrade
cp -r pm pm2
sed -i 's/CREATE INDEX CONCURRENTLY big_a ON big (a);/CREATE INDEX CONCURRENTLY big_a ON big (a, b);/' pm2/versions/j0002_indexes.sql
run -d "$PGURL" --dir pm2 upgrade
expect "PostgreSQL: a done statement edited since it ran: refused" 1 "its first 1 statement changed since"
sed -i 's/UPDATE big SET c = c + 1;/UPDATE big SET c = c + 1 WHERE true;/' pm/versions/j0002_indexes.sql
run -d "$PGURL" --dir pm upgrade
expect "PostgreSQL: a statement after the done ones may change (the fix of a failed one)" 0
ups=$((ups + 1))
check "PostgreSQL: ... and the run completes" PostgreSQL upgrade
MIGRATE_FAULT=counted:1 run -d "$PGURL" --dir pm downgrade j0001
run -d "$PGURL" --dir pm upgrade
expect "PostgreSQL: a partial downgrade is not resumed by an upgrade (nothing to upgrade)" 0
is "PostgreSQL: validate() lists the partial downgrade" \
    "j0002|partially downgraded: revision j0002, statement 1 of 3 done; run the downgrade again to resume it" \
    "$(q "$DB" "SELECT * FROM migrate.validate()")"
out=$(q "$DB" "SELECT migrate.stamp('j0001')" 2>&1)
like "PostgreSQL: stamp() clears the journal, saying so" "cleared the journal of 1 partially run revision" "$out"
is "PostgreSQL: ... journal empty" "0" "$(q "$DB" "SELECT count(*) FROM migrate.journal")"

# ---- app instances booting during CREATE INDEX CONCURRENTLY (issue 15 item 2) ----
APPS=${MIGRATE_JOURNAL_APPS:-16}
ROWS4=${MIGRATE_JOURNAL_BIG:-4000000}
rm -rf am
rev_sql am k0001 base "huge" "CREATE TABLE huge (id bigint, v integer);
INSERT INTO huge SELECT g, (g::bigint * 7919) % 100003 FROM generate_series(1, $ROWS4) g;" 'DROP TABLE huge;'
rev_sql am k0002 k0001 "index huge" "CREATE INDEX CONCURRENTLY huge_v ON huge (v);" "DROP INDEX CONCURRENTLY huge_v;" \
    '-- migrate:transaction false'
pg_new_db "$DB"
run -d "$PGURL" --dir am upgrade k0001
expect "app boot: the big table ($ROWS4 rows)" 0
pg_add_revisions "$DB" am/versions/*.sql >/dev/null
"$MIGRATE" -d "$PGURL" --dir am upgrade >"$TMP/.prog" 2>&1 &
prog=$!
if wait_running "CREATE INDEX CONCURRENTLY huge_v"; then
    for i in $(seq 1 "$APPS"); do
        psql -X -q -At -d "$DB" -c "SELECT migrate.upgrade()" >"$TMP/app$i" 2>&1 &
    done
    psql -X -q -d "$DB" -c "CALL migrate.apply()" >"$TMP/apply" 2>&1 &
    wait
    ok "app boot: $APPS callers of upgrade() and one CALL apply() started during the index build"
else
    wait
    not_ok "app boot: caught the index build running" "$(cat "$TMP/.prog")"
fi
is "app boot: no deadlock anywhere" "0" "$(cat "$TMP"/app* "$TMP/apply" | grep -c -i -E 'deadlock detected|40P01')"
is "app boot: each caller returned 55006 naming the process and revision, or found nothing to do" "$APPS" \
    "$(grep -l -E 'a revision is running outside a transaction in process [0-9]+: revision k0002|^0$' "$TMP"/app[0-9]* | wc -l)"
like "app boot: CALL migrate.apply() waited without a snapshot and found nothing to do" '^(CALL)?$' "$(cat "$TMP/apply")"
like "app boot: the program's run completed" "k0002 index huge \.\.\. [0-9]+ ms" "$(cat "$TMP/.prog")"
is "app boot: the index is valid, the revision recorded once" "true 1" \
    "$(q "$DB" "SELECT i.indisvalid || ' ' || (SELECT count(*) FROM migrate.history WHERE revision = 'k0002')
                 FROM pg_index i WHERE i.indexrelid = 'huge_v'::regclass")"

# ---- SQLite ------------------------------------------------------------------------
rm -f j.db
ups=0 downs=0
run -d "$SQ" --dir sm upgrade
expect "SQLite: the revisions apply" 0
ups=1
check "SQLite: ... both indexes, the update applied once" SQLite upgrade
boundaries SQLite "$SQ" sm kill

suite_end
