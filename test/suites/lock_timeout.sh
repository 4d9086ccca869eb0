#!/usr/bin/env bash
# test/suites/lock_timeout.sh — lock timeouts with retries (SPEC §9), with
# a real blocker: a session holding ACCESS SHARE on the table in an open
# transaction while a revision needs ACCESS EXCLUSIVE on it.
#
#   - migrate upgrade --lock-timeout 200ms --lock-retries 30 retries with a
#     NOTICE per retry naming the blocking session (pid, state, query,
#     table), and applies the revision once the blocker commits;
#   - meanwhile a third session's SELECT on the table is never blocked for
#     more than the lock timeout plus a margin (without the timeout it
#     waits as long as the blocker);
#   - without retries the upgrade fails after one timeout, exit 1, naming
#     the blocker, nothing applied; the same through the server's GUCs
#     (SQLSTATE 55P03).
#
# Runs against the server of PGHOST/PGPORT as a superuser, in database
# migrate_suite_locks (dropped at the end).  Prints `ok N - name` /
# `not ok N - name` and, last, `X passed, Y failed`.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=migrate_suite_locks
pg_suite_init locks "$DB"
cd "$TMP" || exit 1
URL="postgresql:///$DB?host=$PGHOST&port=$PGPORT"
pg_new_db "$DB" "CREATE EXTENSION migrate; CREATE TABLE t (id integer); INSERT INTO t VALUES (1)"
rev_sql m 10c0000000001 base "add c" 'ALTER TABLE t ADD COLUMN c integer;' 'ALTER TABLE t DROP COLUMN c;'

# blocker SECONDS: a session holding ACCESS SHARE on t for that long
blocker() {
    psql -X -q -d "$DB" -c "BEGIN" -c "SELECT count(*) FROM t" -c "SELECT pg_sleep($1)" -c "COMMIT" >/dev/null 2>&1 &
    BLOCKER=$!
    for _ in $(seq 50); do
        [ "$(q "$DB" "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'")" = 1 ] && return
        sleep 0.1
    done
}
# readers SECONDS: a SELECT on t every 0.1 s; prints the longest wait in ms
readers() {
    local end=$((SECONDS + $1)) max=0 t0 t1 ms
    while [ "$SECONDS" -lt "$end" ]; do
        t0=$(date +%s%N)
        psql -X -q -At -d "$DB" -c "SELECT count(*) FROM t" >/dev/null 2>&1
        t1=$(date +%s%N)
        ms=$(( (t1 - t0) / 1000000 ))
        [ "$ms" -gt "$max" ] && max=$ms
        sleep 0.1
    done
    echo "$max"
}

# ---- retries until the blocker commits, readers never stuck -------------------
blocker 3
"$MIGRATE" -d "$URL" --dir m upgrade --lock-timeout 200ms --lock-retries 30 >out.txt 2>err.txt &
mig=$!
sleep 0.3
max=$(readers 3)
wait "$mig"; rc=$?
wait "$BLOCKER" 2>/dev/null
is "upgrade --lock-timeout 200ms --lock-retries 30 behind a 3 s blocker: exit 0" 0 "$rc"
like "... a NOTICE per retry" "hit migrate.lock_timeout \(200 ms\): retry 1 of 30" "$(cat err.txt)"
like "... naming the blocking session, its state and query, and the table" \
    "pid [0-9]+ \((active|idle in transaction): SELECT pg_sleep\(3\)\) on t" "$(cat err.txt)"
is "... the revision applied once" "c|1" \
    "$(q "$DB" "SELECT attname FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'c'")|$(q "$DB" "SELECT count(*) FROM migrate.history")"
if [ "$max" -lt 1200 ]; then ok "... a reader of t never waited long: ${max} ms at most (timeout 200 ms)"; else
    not_ok "... a reader of t never waited long" "longest SELECT: ${max} ms"; fi

# ---- without the timeout a reader waits behind the queued ALTER ----------------
q "$DB" "SELECT migrate.downgrade('base')" >/dev/null
blocker 2
"$MIGRATE" -d "$URL" --dir m upgrade >/dev/null 2>&1 &
mig=$!
sleep 0.3
max=$(readers 1)
wait "$mig"; wait "$BLOCKER" 2>/dev/null
if [ "$max" -ge 1000 ]; then ok "without --lock-timeout a reader queues behind the ALTER: ${max} ms"; else
    not_ok "without --lock-timeout a reader queues behind the ALTER" "longest SELECT: ${max} ms"; fi

# ---- no retries: one timeout, exit 1, nothing applied ---------------------------
q "$DB" "SELECT migrate.downgrade('base')" >/dev/null
blocker 3
run -d "$URL" --dir m upgrade --lock-timeout 200ms
expect "--lock-timeout without retries behind a blocker: exit 1, naming it" 1 \
    "could not take a lock within migrate.lock_timeout (200 ms), 1 attempt" "SELECT pg_sleep(3)"
is "... nothing applied" "0" "$(q "$DB" "SELECT count(*) FROM migrate.version")"
# the server alone, with the GUCs
out=$(psql -X -q -d "$DB" -v VERBOSITY=verbose -c "SET migrate.lock_timeout = '200ms'; SET migrate.lock_retries = 1; SET migrate.retry_backoff = '100ms'; SELECT migrate.upgrade()" 2>&1)
like "the server's GUCs: one retry, then SQLSTATE 55P03 naming the blocker" \
    "retry 1 of 1 in 100 ms.*55P03.*2 attempts" "$(tr '\n' ' ' <<<"$out")"
wait "$BLOCKER" 2>/dev/null

# ---- bad values -------------------------------------------------------------------
run -d "$URL" --dir m upgrade --lock-timeout soon
expect "--lock-timeout soon: exit 2" 2 "invalid --lock-timeout"
run -d "$URL" --dir m upgrade --lock-retries=many
expect "--lock-retries=many: exit 2" 2 "invalid --lock-retries"

suite_end
