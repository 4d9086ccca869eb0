#!/usr/bin/env bash
# test/suites/cli_concurrency.sh — migrate programs running at the same time,
# and killed in the middle.
#
#   - two `migrate upgrade` started at once on one PostgreSQL database and on
#     one SQLite file, a slow revision in the middle: both exit 0, every
#     revision is applied once, one program prints the progress of all of
#     them and the other prints nothing;
#   - the same on PostgreSQL across a "transaction false" revision, which the
#     program runs itself under the session-level migrate lock; and a push
#     while such a revision runs CREATE INDEX CONCURRENTLY (no deadlock);
#   - read-only commands do not wait for a running upgrade;
#   - SQLite's busy timeout (MIGRATE_SQLITE_BUSY_TIMEOUT);
#   - a SQLite upgrade killed with SIGKILL in the middle leaves the file
#     unchanged (once SQLite rolls its journal back) and usable: read-only
#     commands work at once, and the next upgrade succeeds; the same on
#     PostgreSQL.
#
# Uses databases migrate_suite_cli_conc_*, dropped at the end, and a scratch
# directory. Prints `ok N - name` / `not ok N - name` and, last,
# `X passed, Y failed`; exits 1 on failure.
set -uo pipefail

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sq() { sq_py "$@"; }
nlines() { if [ -s "$1" ]; then grep -c . "$1"; else echo 0; fi; }
# wait_for FILE REGEX SECONDS: until FILE has a line matching REGEX
wait_for() {
    local i
    for ((i = 0; i < $3 * 20; i++)); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# upgrade_in_background VAR FILE ARGS...: `migrate ARGS... upgrade` in the
# background, its output in FILE; its pid in VAR (and BG, for cleanup)
upgrade_in_background() {
    local var=$1 file=$2; shift 2
    "$MIGRATE" "$@" upgrade >"$file" 2>&1 </dev/null &
    printf -v "$var" '%s' $!
    BG+=("$!")
}
# run2 ARGS...: run the program; stdout and stderr together in out, the
# exit status in rc
run2() { out=$("$MIGRATE" "$@" 2>&1); rc=$?; }

# race NAME URL DIR: two upgrades at once; checks exit statuses and output
# (results in $TMP/r1.{out,err}, $TMP/r2.{out,err})
race() {
    local name=$1 url=$2 dir=$3 total=$4
    "$MIGRATE" --dir "$dir" -d "$url" upgrade >"$TMP/r1.out" 2>"$TMP/r1.err" </dev/null &
    local p1=$!
    "$MIGRATE" --dir "$dir" -d "$url" upgrade >"$TMP/r2.out" 2>"$TMP/r2.err" </dev/null &
    local p2=$!
    wait "$p1"; local rc1=$?
    wait "$p2"; local rc2=$?
    local detail
    detail="first: exit $rc1
$(cat "$TMP/r1.out" "$TMP/r1.err")
second: exit $rc2
$(cat "$TMP/r2.out" "$TMP/r2.err")"
    if [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ]; then ok "$name: both exit 0"; else
        not_ok "$name: both exit 0" "$detail"; fi
    # the one that waits for the migrate lock may say who holds it
    if grep -qv '^migrate: waiting for the migrate lock (' "$TMP/r1.err" "$TMP/r2.err"; then
        not_ok "$name: no error messages" "$detail"; else
        ok "$name: no error messages"; fi
    local l1 l2
    l1=$(nlines "$TMP/r1.out") l2=$(nlines "$TMP/r2.out")
    if { [ "$l1" -eq "$total" ] && [ "$l2" -eq 0 ]; } || { [ "$l1" -eq 0 ] && [ "$l2" -eq "$total" ]; }; then
        ok "$name: one printed $total progress lines, the other nothing"
    else
        not_ok "$name: one printed $total progress lines, the other nothing" "$detail"
    fi
}

P=migrate_suite_cli_conc
pg_suite_init cli-conc "${P}_race" "${P}_tf" "${P}_kill"
BG=()
cleanup() {
    local p
    for p in "${BG[@]}"; do kill -9 "$p" 2>/dev/null; done
    pg_suite_cleanup
}
trap cleanup EXIT
cd "$TMP" || exit 1
unset DATABASE_URL MIGRATE_SQLITE_BUSY_TIMEOUT

# the same three revisions for both databases; the second is slow (about 2 s)
rev_sql cc c0001 base "first" 'CREATE TABLE c1 (id integer PRIMARY KEY);' 'DROP TABLE c1;'
rev cc c0002 c0001 "slow one" <<'EOF'
-- migrate:upgrade postgresql
SELECT pg_sleep(2);
CREATE TABLE c2 (id integer PRIMARY KEY);

-- migrate:upgrade sqlite
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 6000000)
SELECT count(*) FROM c;
CREATE TABLE c2 (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE c2;
EOF
rev_sql cc c0003 c0002 "third" 'CREATE TABLE c3 (id integer PRIMARY KEY);' 'DROP TABLE c3;'
ONCE="c0001|1 c0002|1 c0003|1"

# ---- PostgreSQL: two upgrades at once ------------------------------------------------
RDB=${P}_race
pg_new_db "$RDB"
race "PostgreSQL, two upgrades at once" "postgresql:///$RDB" cc 3
is "... every revision applied once" "$ONCE" \
    "$(q "$RDB" "SELECT revision, count(*) FROM migrate.history GROUP BY 1 ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
is "... at the head" "c0003" "$(q "$RDB" "SELECT revision FROM migrate.version")"

# read-only commands do not wait for a running upgrade
"$MIGRATE" --dir cc -d "postgresql:///$RDB" -q downgrade base
upgrade_in_background wp "$TMP/w.out" --dir cc -d "postgresql:///$RDB"
if wait_for "$TMP/w.out" '^\[2/3\]' 20; then
    sleep 0.2
    run2 --dir cc -d "postgresql:///$RDB" current
    if kill -0 "$wp" 2>/dev/null; then
        is "PostgreSQL: current answers while an upgrade runs, with the last committed state" "0 " "$rc $out"
    else
        not_ok "PostgreSQL: current answers while an upgrade runs" "the upgrade ended before current did"
    fi
else
    not_ok "PostgreSQL: current answers while an upgrade runs" "no progress line: $(cat "$TMP/w.out")"
fi
wait "$wp"
is "... and the upgrade finishes" "c0003" "$(q "$RDB" "SELECT revision FROM migrate.version")"

# ---- PostgreSQL: two upgrades at once across a transaction false revision ---------
# (the program runs it under the session-level lock; the other program must
# then find it applied, not run it again). Three rounds: the race is narrow.
rev_sql tf t0001 base "first" 'CREATE TABLE t1 (id integer PRIMARY KEY);' 'DROP TABLE t1;'
rev_sql tf t0002 t0001 "slow outside" 'SELECT pg_sleep(1);
CREATE INDEX CONCURRENTLY ix_t1 ON t1 (id);' 'DROP INDEX CONCURRENTLY ix_t1;' "-- migrate:transaction false"
rev_sql tf t0003 t0002 "third" 'CREATE TABLE t3 (id integer PRIMARY KEY);' 'DROP TABLE t3;'
TDB=${P}_tf
bad_rounds=
for round in 1 2 3; do
    pg_new_db "$TDB"
    "$MIGRATE" --dir tf -d "postgresql:///$TDB" upgrade >"$TMP/r1.out" 2>"$TMP/r1.err" </dev/null &
    p1=$!
    "$MIGRATE" --dir tf -d "postgresql:///$TDB" upgrade >"$TMP/r2.out" 2>"$TMP/r2.err" </dev/null &
    p2=$!
    wait "$p1"; rc1=$?
    wait "$p2"; rc2=$?
    hist=$(q "$TDB" "SELECT revision, count(*) FROM migrate.history GROUP BY 1 ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')
    if [ "$rc1" -ne 0 ] || [ "$rc2" -ne 0 ] || [ "$hist" != "t0001|1 t0002|1 t0003|1" ]; then
        bad_rounds="${bad_rounds}round $round: exits $rc1 and $rc2, history $hist
$(cat "$TMP/r1.err" "$TMP/r2.err")
"
    fi
done
if [ -z "$bad_rounds" ]; then
    ok "PostgreSQL, two upgrades at once across a transaction false revision: both exit 0, each revision applied once (3 rounds)"
else
    not_ok "PostgreSQL, two upgrades at once across a transaction false revision: both exit 0, each revision applied once (3 rounds)" "$bad_rounds"
fi

# A migrate that waits for the migrate lock must not hold a snapshot while a
# transaction false revision runs CREATE INDEX CONCURRENTLY under that lock
# (CIC waits for every older snapshot: a deadlock). Deterministic: the push
# starts while the revision's first statement (a sleep) runs.
rev_sql dl d0001 base "first" 'CREATE TABLE d1 (id integer PRIMARY KEY);' 'DROP TABLE d1;'
rev_sql dl d0002 d0001 "index outside" 'SELECT pg_sleep(1.5);
CREATE INDEX CONCURRENTLY ix_d1 ON d1 (id);' 'DROP INDEX CONCURRENTLY ix_d1;' "-- migrate:transaction false"
pg_new_db "$TDB"
"$MIGRATE" --dir dl -d "postgresql:///$TDB" -q upgrade d0001
upgrade_in_background ap "$TMP/a.out" --dir dl -d "postgresql:///$TDB"
if wait_for "$TMP/a.out" '^\[1/1\] d0002' 20; then
    sleep 0.3
    run2 --dir dl -d "postgresql:///$TDB" push
    wait "$ap"
    arc=$?
    is "PostgreSQL: a push while another migrate runs CREATE INDEX CONCURRENTLY: both exit 0, no deadlock" \
        "0 0" "$arc $rc$(grep -h 'migrate:' "$TMP/a.out" <<<"$out" | head -n 3 | sed 's/^/ /')"
else
    wait "$ap"
    not_ok "PostgreSQL: a push while another migrate runs CREATE INDEX CONCURRENTLY" "$(cat "$TMP/a.out")"
fi
is "... the index is built and valid, the revision recorded" "ix_d1|t d0002" \
    "$(q "$TDB" "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_d1'") $(q "$TDB" "SELECT revision FROM migrate.version")"

# ---- SQLite: two upgrades at once ----------------------------------------------------
SDB=$TMP/race.db
race "SQLite, two upgrades at once" "sqlite:///$SDB" cc 3
is "... every revision applied once" "$ONCE" \
    "$(sq "$SDB" "SELECT revision, count(*) FROM migrate_history GROUP BY 1 ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
is "... at the head" "c0003" "$(sq "$SDB" "SELECT revision FROM migrate_version")"

# read-only commands do not wait; a second writer waits only as long as told
"$MIGRATE" --dir cc -d "sqlite:///$SDB" -q downgrade base
upgrade_in_background wp "$TMP/w.out" --dir cc -d "sqlite:///$SDB"
if wait_for "$TMP/w.out" '^\[2/3\]' 20; then
    run2 --dir cc -d "sqlite:///$SDB" current
    running=no
    kill -0 "$wp" 2>/dev/null && running=yes
    is "SQLite: current answers while an upgrade runs, with the last committed state" "0  yes" "$rc $out $running"
    out=$(MIGRATE_SQLITE_BUSY_TIMEOUT=100 "$MIGRATE" --dir cc -d "sqlite:///$SDB" upgrade 2>&1)
    rc=$?
    if kill -0 "$wp" 2>/dev/null; then
        if [ "$rc" -eq 1 ] && [[ $out == *"database is locked"* ]] && [[ $out == *MIGRATE_SQLITE_BUSY_TIMEOUT* ]]; then
            ok "SQLite: a second upgrade with MIGRATE_SQLITE_BUSY_TIMEOUT=100 gives up: exit 1, 'database is locked' and a hint"
        else
            not_ok "SQLite: a second upgrade with MIGRATE_SQLITE_BUSY_TIMEOUT=100 gives up: exit 1 with a hint" "exit $rc: $out"
        fi
    else
        not_ok "SQLite: a second upgrade with MIGRATE_SQLITE_BUSY_TIMEOUT=100 gives up" "the first upgrade ended too early"
    fi
else
    not_ok "SQLite: current answers while an upgrade runs" "no progress line: $(cat "$TMP/w.out")"
fi
wait "$wp"
is "... the first upgrade finishes" "c0003" "$(sq "$SDB" "SELECT revision FROM migrate_version")"
out=$(MIGRATE_SQLITE_BUSY_TIMEOUT=soon "$MIGRATE" --dir cc -d "sqlite:///$SDB" current 2>&1)
is "an invalid MIGRATE_SQLITE_BUSY_TIMEOUT: exit 2" "2" "$?"

# ---- SQLite: SIGKILL in the middle of an upgrade --------------------------------------
# The first revision writes more than SQLite's page cache holds, so pages of
# the unfinished transaction reach the file before the kill; the second one
# runs for minutes.
rev_sql kl k0001 base "big table" "CREATE TABLE big (id integer PRIMARY KEY, pad text);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000)
INSERT INTO big SELECT x, printf('%0200d', x) FROM c;" 'DROP TABLE big;'
rev_sql kl k0002 k0001 "very slow" 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)
SELECT count(*) FROM c;' 'SELECT 1;'
KDB=$TMP/kill.db
"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table app_data (x integer, y text)"); c.executemany("insert into app_data values (?, ?)", [(i, "row %d" % i) for i in range(100)]); c.commit()' "$KDB"
sum_before=$(sha "$KDB")
dump_before=$(sq_dump "$KDB")
upgrade_in_background kp "$TMP/k.out" --dir kl -d "sqlite:///$KDB"
if wait_for "$TMP/k.out" '^\[2/2\] k0002' 30; then
    sleep 0.3
    kill -9 "$kp" 2>/dev/null
    wait "$kp" 2>/dev/null
    rc=$?
    is "SQLite: the upgrade was killed in its second revision" "137" "$rc"
else
    kill -9 "$kp" 2>/dev/null
    wait "$kp" 2>/dev/null
    not_ok "SQLite: the upgrade was killed in its second revision" "it never got there: $(cat "$TMP/k.out")"
fi
if [ -e "$KDB-journal" ]; then
    ok "... it left a hot journal (its transaction was open)"
else
    not_ok "... it left a hot journal (its transaction was open)" "$(ls -la "$TMP")"
fi
# read-only commands must work on the file as it is
run2 --dir kl -d "sqlite:///$KDB" current
is "... then current: exit 0, at base" "0 " "$rc $out"
run2 --dir kl -d "sqlite:///$KDB" check
like "... check: exit 1, two revisions pending" "^1 .*2 revisions pending" "$rc $out"
# any SQLite connection that may write rolls the journal back
sq "$KDB" "SELECT count(*) FROM sqlite_master" >/dev/null
is "... once the journal is rolled back the file is byte for byte as before" "$sum_before" "$(sha "$KDB")"
if [ -e "$KDB-journal" ]; then not_ok "... and the journal is gone"; else ok "... and the journal is gone"; fi
is "... its dump too" "$dump_before" "$(sq_dump "$KDB")"
sed -i 's/x < 1000000000/x < 10/' kl/versions/k0002_very_slow.sql
run2 --dir kl -d "sqlite:///$KDB" upgrade
like "... the next upgrade (slow revision made fast) applies both: exit 0" "^0 \[1/2\] k0001 .*\[2/2\] k0002 " "$rc $(tr '\n' ' ' <<<"$out")"
is "... and records them once" "k0001|upgrade k0002|upgrade" \
    "$(sq "$KDB" "SELECT revision, action FROM migrate_history ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
is "... the table is complete" "50000" "$(sq "$KDB" "SELECT count(*) FROM big")"

# ---- PostgreSQL: SIGKILL in the middle of an upgrade ------------------------------------
rev_sql pk p0001 base "first" 'CREATE TABLE p1 (id integer PRIMARY KEY);' 'DROP TABLE p1;'
rev_sql pk p0002 p0001 "slow" 'SELECT pg_sleep(2);' 'SELECT 1;'
KPG=${P}_kill
pg_new_db "$KPG"
upgrade_in_background kp "$TMP/kp.out" --dir pk -d "postgresql:///$KPG"
if wait_for "$TMP/kp.out" '^\[2/2\] p0002' 30; then
    kill -9 "$kp" 2>/dev/null
    wait "$kp" 2>/dev/null
    is "PostgreSQL: the upgrade was killed in its second revision" "137" "$?"
else
    kill -9 "$kp" 2>/dev/null
    wait "$kp" 2>/dev/null
    not_ok "PostgreSQL: the upgrade was killed in its second revision" "$(cat "$TMP/kp.out")"
fi
# the server finishes or rolls back the killed client's statement on its own
# (all or nothing); the next upgrade waits for it and then does the rest
run2 --dir pk -d "postgresql:///$KPG" upgrade
is "... the next upgrade: exit 0, no error" "0" \
   "$rc$(grep -m1 . <<<"$(grep -v '^\[\|^migrate: waiting for the migrate lock (' <<<"$out")")"
is "... the database is at the head" "p0002" "$(q "$KPG" "SELECT revision FROM migrate.version")"
is "... each recorded once" "p0001|upgrade p0002|upgrade" \
    "$(q "$KPG" "SELECT revision, action FROM migrate.history ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
