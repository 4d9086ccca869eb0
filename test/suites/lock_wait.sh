#!/usr/bin/env bash
# test/suites/lock_wait.sh — waiting for the migrate lock (issue 15 item
# 10), with a real second session holding it: psql in the background
# holding pg_advisory_lock(30796665482998885) with application_name
# lock_holder.
#
#   - without --lock-wait the program waits as before, and says on stderr
#     who holds the lock (pid, application_name, state, since, query)
#     after a second and then every 5 s; with -q it says nothing; once the
#     holder is gone it applies;
#   - upgrade --lock-wait 1500ms (and migrate --lock-wait 500ms push,
#     stamp, downgrade) gives up after about that long, exit 1, naming the
#     holder, nothing applied; --lock-wait 0 tries once;
#   - a bad --lock-wait is a usage error (exit 2); the help shows it;
#   - SQLite: --lock-wait is the busy timeout.
#
# Runs against the server of PGHOST/PGPORT as a superuser, in database
# migrate_suite_lockwait (dropped at the end).  Prints `ok N - name` /
# `not ok N - name` and, last, `X passed, Y failed`.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=migrate_suite_lockwait
pg_suite_init lockwait "$DB"
cd "$TMP" || exit 1
U="postgresql:///$DB"
KEY=30796665482998885
pg_new_db "$DB"
rev_sql m lw0000000001 base "first" 'CREATE TABLE lw1 (x int);' 'DROP TABLE lw1;'
rev_sql m lw0000000002 lw0000000001 "second" 'CREATE TABLE lw2 (x int);' 'DROP TABLE lw2;'
applied() { q "$DB" "SELECT coalesce(string_agg(revision, ','), '-') FROM migrate.version"; }

# holder SECONDS: a session holding the migrate lock for that long, idle
# in between (HOLDER: its psql, HOLDER_PID: its backend)
holder() {
    { echo "SELECT pg_advisory_lock($KEY);"; sleep "$1"; } 2>/dev/null |
        PGAPPNAME=lock_holder psql -X -q -d "$DB" >/dev/null 2>&1 &
    HOLDER=$!
    HOLDER_PID=
    for _ in $(seq 100); do
        HOLDER_PID=$(q "$DB" "SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
                              AND l.classid = ($KEY >> 32)::oid AND l.objid = ($KEY & 4294967295)::oid")
        [ -n "$HOLDER_PID" ] && return
        sleep 0.05
    done
    not_ok "setup: a session holds the migrate lock"
}
ms() { echo $(( $(date +%s%N) / 1000000 )); }

# ---- usage -------------------------------------------------------------------------
run -d "$U" --dir m upgrade --lock-wait soon
expect "--lock-wait with a bad duration: exit 2" 2 'invalid --lock-wait "soon"'
run -d "$U" --dir m --lock-wait -5 upgrade
expect "... before the command too" 2 'invalid --lock-wait "-5"'
is "... nothing applied" "-" "$(applied)"
run --help
expect "migrate --help shows --lock-wait" 0 "--lock-wait DURATION"
run upgrade --help
expect "migrate upgrade --help shows it and what it does" 0 "[--lock-wait DURATION]" "(default: forever)"

# ---- giving up --------------------------------------------------------------------
holder 6
t0=$(ms)
run -d "$U" --dir m upgrade --lock-wait 1500ms
t1=$(ms)
expect "upgrade --lock-wait 1500ms behind a holder: exit 1 naming it" 1 \
    "gave up waiting for the migrate lock after" "it is held by pid $HOLDER_PID" \
    'application_name "lock_holder"' "idle since" "query: SELECT pg_advisory_lock($KEY)"
if [ $((t1 - t0)) -ge 1400 ] && [ $((t1 - t0)) -lt 4000 ]; then
    ok "... after about 1.5 s ($((t1 - t0)) ms)"
else
    not_ok "... after about 1.5 s" "$((t1 - t0)) ms"
fi
like "... having said once who held it while it waited" "waiting for the migrate lock \(1 s\): it is held by pid $HOLDER_PID" "$ERR"
is "... nothing applied" "-" "$(applied)"
run -d "$U" --dir m --lock-wait 500ms push
expect "migrate --lock-wait 500ms push (the option before the command): exit 1" 1 "gave up waiting for the migrate lock" "pid $HOLDER_PID"
run -d "$U" --dir m stamp heads --lock-wait 500ms
expect "stamp --lock-wait 500ms: exit 1" 1 "gave up waiting for the migrate lock"
run -q -d "$U" --dir m upgrade --lock-wait 0
expect "--lock-wait 0 tries once: exit 1, the error even with -q" 1 "gave up waiting for the migrate lock"
unlike "... no waiting line with -q" "waiting for the migrate lock \(" "$ERR"
is "... nothing applied by any of them" "0|-" "$(q "$DB" "SELECT count(*) FROM migrate.revision")|$(applied)"
wait "$HOLDER" 2>/dev/null

# ---- waiting as before, saying who holds the lock -----------------------------------
holder 8
t0=$(ms)
run -d "$U" --dir m upgrade
t1=$(ms)
wait "$HOLDER" 2>/dev/null
expect "no --lock-wait: waits for the holder, then applies" 0 "[2/2] lw0000000002 second"
if [ $((t1 - t0)) -ge 5000 ]; then ok "... having waited ($((t1 - t0)) ms)"; else not_ok "... having waited" "$((t1 - t0)) ms"; fi
nwait=$(grep -c "waiting for the migrate lock (.*): it is held by pid $HOLDER_PID (application_name \"lock_holder\", idle" <<<"$ERR")
if [ "$nwait" -ge 2 ] && [ "$nwait" -le 3 ]; then
    ok "... saying who held it after a second and then every 5 s ($nwait lines)"
else
    not_ok "... saying who held it after a second and then every 5 s" "$(last)"
fi
like "... the first after a second" "waiting for the migrate lock \(1 s\)" "$ERR"
like "... the next 5 s later" "waiting for the migrate lock \(6 s\)" "$ERR"
is "... applied" "lw0000000002" "$(applied)"

holder 2
run -q -d "$U" --dir m downgrade base
wait "$HOLDER" 2>/dev/null
quiet_ok "-q: waits and says nothing"
is "... then downgrades" "-" "$(applied)"

holder 2
run -d "$U" --dir m downgrade --lock-wait 300ms
expect "downgrade --lock-wait: nothing to downgrade, but the lock first: exit 1" 1 "gave up waiting"
wait "$HOLDER" 2>/dev/null

# ---- SQLite: the busy timeout ----------------------------------------------------------
S=sqlite:///$TMP/app.db
run -d "$S" --dir m upgrade lw0000000001
expect "SQLite: setup" 0 "[1/1] lw0000000001"
"$PY" - "$TMP/app.db" <<'PYEOF' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[1] + ".held", "w").close()
time.sleep(6)
c.execute("ROLLBACK")
PYEOF
SQ=$!
for _ in $(seq 100); do [ -e "$TMP/app.db.held" ] && break; sleep 0.05; done
t0=$(ms)
run -d "$S" --dir m upgrade --lock-wait 500ms
t1=$(ms)
expect "SQLite: upgrade --lock-wait 500ms behind a writer: exit 1" 1 "locked"
if [ $((t1 - t0)) -lt 3000 ]; then ok "... within the wait ($((t1 - t0)) ms)"; else not_ok "... within the wait" "$((t1 - t0)) ms"; fi
wait "$SQ"
run -d "$S" --dir m upgrade --lock-wait 5s
expect "SQLite: once the writer is gone: applied" 0 "[1/1] lw0000000002"

suite_end
