# test/suites/lib.sh — the shell suites' test library (sourced, not run:
# it is not executable, so scripts/test skips it).
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   (sourcing sets MIGRATE, the installed program, PY and REPO_ROOT, and
#   the counters)
#   suite_init NAME      TMP, a fresh directory removed on exit; cd "$TMP"
#   ok NAME / not_ok NAME [DETAIL]     count one test
#   is NAME WANT GOT     pass when equal, else show both
#   like NAME REGEX GOT  pass when GOT matches REGEX
#   run ARGS...          run the program: sets RC, OUT (stdout), ERR (stderr)
#   last                 the last run, for a failure's detail
#   expect NAME STATUS [TEXT...]  the last run exited STATUS and its output
#                        contains every TEXT
#   q DB SQL             psql, unaligned tuples, stops on error
#   sq FILE SQL          sqlite3 on FILE
#   pg_fresh DB          drop and create database DB
#   suite_end            print `X passed, Y failed`; exit 1 if any failed
#
# Suites run against the cluster of PGHOST/PGPORT (scripts/lib.sh starts it).

pass=0 fail=0 n=0
# the installed program; the system python3 (a version manager's shim
# starts slowly); the repository
MIGRATE=$("${PG_CONFIG:-pg_config}" --bindir 2>/dev/null)/migrate
[ -x "$MIGRATE" ] || MIGRATE=$(command -v migrate || echo migrate)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

suite_init() {
    TMP=$(mktemp -d "/tmp/migrate-$1-XXXX")
    trap 'rm -rf "$TMP"' EXIT
    cd "$TMP" || exit 1
}

ok()     { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"
    if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -n 40 | sed 's/^/#   /'; fi
}
is() {
    if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2
actual:   $3"; fi
}
like() {
    if [[ $3 =~ $2 ]]; then ok "$1"; else not_ok "$1" "expected to match: $2
actual: $3"; fi
}
run() {
    "$MIGRATE" "$@" >"$TMP/.out" 2>"$TMP/.err" </dev/null
    RC=$?
    OUT=$(cat "$TMP/.out")
    ERR=$(cat "$TMP/.err")
}
last() { printf 'exit status %s\n-- stdout:\n%s\n-- stderr:\n%s' "$RC" "$OUT" "$ERR"; }
expect() {
    local name=$1 want=$2 t; shift 2
    if [ "$RC" != "$want" ]; then not_ok "$name" "expected exit status $want
$(last)"; return; fi
    for t in "$@"; do
        if [[ "$OUT
$ERR" != *"$t"* ]]; then not_ok "$name" "expected the output to contain: $t
$(last)"; return; fi
    done
    ok "$name"
}
q()  { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }
sq() { sqlite3 -batch "$1" "$2" 2>&1; }
pg_fresh() {
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1" >/dev/null 2>&1
    psql -X -q -d postgres -c "CREATE DATABASE $1" >/dev/null
}
suite_end() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
