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
unlike() {
    if [[ $3 =~ $2 ]]; then not_ok "$1" "expected not to match: $2
actual: $3"; else ok "$1"; fi
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

# ---- helpers shared by several suites ----------------------------------------
#   sq_py FILE SQL       rows as a|b lines through python3's sqlite3 (FILE
#                        must exist; needs no sqlite3 shell)
#   sq_dump FILE         the whole SQLite database as SQL text
#   sha FILE             the SHA-256 of FILE
#   rev DIR ID PARENTS MESSAGE [EXTRA_HEADER]   write a revision file to
#                        DIR/versions, its body from stdin
#   rev_sql DIR ID PARENTS MESSAGE UPGRADE DOWNGRADE [EXTRA_HEADER]   rev
#                        with the body "-- migrate:upgrade", UPGRADE, a blank
#                        line, "-- migrate:downgrade", DOWNGRADE
#   failing_revisions DIR   f0001 "first" (table t1 with a row 1) and f0002
#                        "second fails", whose upgrade fails at its line 9 (a
#                        duplicate key in t1) after creating table t2
#   quiet_ok NAME        the last run exited 0 and printed nothing
#   json_ok NAME [STATUS]  the last run exited STATUS (0) and printed JSON
#   jq_py EXPR           a Python expression on the last stdout, parsed as d
#   progress_ids         the ids of the last run's progress lines
#   current_is_head URL  current and current --json name the head of the
#                        example migrations, 4c7d2e9f0b13
#   at_two_heads URL NAME   the examples' database, just below their merge
#                        point, has two current heads (test NAME); a bare -1
#                        is then ambiguous and billing@-1 takes one down
#   not_ok_whole NAME [DETAIL]    not_ok showing the whole detail
#   pg_drop_dbs [--force] DB...   drop the databases (--force: WITH (FORCE))
#   pg_drop_roles ROLE...
#   pg_new_db DB [SQL]   a new database DB (dropped first, WITH (FORCE)) and
#                        SQL run in it (CREATE EXTENSION migrate); not_ok
#                        when either fails
#   pg_add_revisions DB FILE...   store the files with add_revisions(),
#                        through psql variables as scripts/demo does
#   pg_examples_db DB    create DB with the extension and the example
#                        revisions; when that fails the suite stops there,
#                        with a failed test
#   pg_setup DB SQL      a step (through q) that must work; a failure counts
#                        as a failed test
#   pg_suite_init NAME DB...   DBS=(DB...) and TMP, a fresh scratch directory
#                        /tmp/migrate-NAME-XXXX; the databases and the roles
#                        of ROLES (if set) are dropped now and, with TMP, on
#                        exit (pg_suite_cleanup; a suite that traps EXIT
#                        itself calls it)
#   pg_compare_suite NAME DB...   pg_suite_init, and the helpers of the suites
#                        that compare databases of the example revisions:
#                        EXAMPLES, their directory; q DB SQL with verbose
#                        errors; setup (pg_setup); not_ok_whole as not_ok
sq_py() {
    "$PY" - "$1" "$2" <<'PYEOF' 2>&1
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for row in c.execute(sys.argv[2]):
    print('|'.join('' if v is None else str(v) for v in row))
PYEOF
}
sq_dump() {
    "$PY" - "$1" <<'PYEOF' 2>&1
import sqlite3, sys
print('\n'.join(sqlite3.connect(sys.argv[1]).iterdump()))
PYEOF
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
rev() {
    local dir=$1 id=$2 parents=$3 msg=$4 extra=${5:-}
    mkdir -p "$dir/versions"
    {
        printf -- '-- migrate:revision %s\n-- migrate:revises %s\n-- migrate:message %s\n' "$id" "$parents" "$msg"
        [ -n "$extra" ] && printf -- '%s\n' "$extra"
        printf '\n'
        cat
    } >"$dir/versions/${id}_$(tr ' ' _ <<<"$msg").sql"
}
quiet_ok() {
    if [ "$RC" -eq 0 ] && [ -z "$OUT$ERR" ]; then ok "$1"; else not_ok "$1" "$(last)"; fi
}
json_ok() {
    if [ "$RC" -eq "${2:-0}" ] && "$PY" -c 'import json,sys; json.load(sys.stdin)' <<<"$OUT" >/dev/null 2>&1; then
        ok "$1"
    else
        not_ok "$1" "$(last)"
    fi
}
jq_py() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$OUT" 2>&1; }
progress_ids() { sed -nE 's/^\[[0-9]+\/[0-9]+\] ([^ ]+) .*/\1/p' <<<"$OUT" | tr '\n' ' ' | sed 's/ $//'; }
pg_drop_dbs() {
    local force="" db
    if [ "${1:-}" == --force ]; then force=" WITH (FORCE)"; shift; fi
    for db in "$@"; do
        psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db$force" >/dev/null 2>&1 || true
    done
}
pg_drop_roles() {
    local r
    for r in "$@"; do
        psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
    done
}
pg_new_db() {
    pg_drop_dbs --force "$1"
    if ! psql -X -q -d postgres -c "CREATE DATABASE $1" >/dev/null 2>&1 ||
       ! psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" \
             -c "SET client_min_messages = warning; ${2-CREATE EXTENSION migrate}" >/dev/null 2>&1; then
        not_ok "create database $1" "$(psql -X -q -At -d postgres -c 'SELECT 1' 2>&1)"
    fi
}
pg_add_revisions() {
    local db=$1; shift
    local vars=() scripts=() sources=() i=0 f
    for f in "$@"; do
        vars+=(-v "f$i=$(cat "$f")" -v "s$i=$(basename "$f")")
        scripts+=(":'f$i'")
        sources+=(":'s$i'")
        i=$((i + 1))
    done
    local IFS=,
    printf '%s\n' "SELECT migrate.add_revisions(ARRAY[${scripts[*]}], ARRAY[${sources[*]}]);" |
        psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "${vars[@]}" 2>&1
}
not_ok_whole() {
    n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"
    if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/#   /'; fi
}
pg_setup() {
    local out
    if ! out=$(q "$@"); then not_ok "setup: $2" "$out"; fi
}
pg_suite_init() {
    TMP=$(mktemp -d "/tmp/migrate-$1-XXXX")
    shift
    DBS=("$@")
    trap pg_suite_cleanup EXIT
    pg_drop_dbs --force "${DBS[@]}"
    pg_drop_roles ${ROLES[@]+"${ROLES[@]}"}
}
pg_suite_cleanup() {
    pg_drop_dbs --force "${DBS[@]}"
    pg_drop_roles ${ROLES[@]+"${ROLES[@]}"}
    rm -rf "$TMP"
}
failing_revisions() {
    rev_sql "$1" f0001 base "first" 'CREATE TABLE t1 (id integer PRIMARY KEY);
INSERT INTO t1 VALUES (1);' 'DROP TABLE t1;'
    rev_sql "$1" f0002 f0001 "second fails" 'CREATE TABLE t2 (id integer PRIMARY KEY);

INSERT INTO t1 VALUES (2);
INSERT INTO t1 VALUES (1);' 'DROP TABLE t2;'
}
rev_sql() {
    printf -- '-- migrate:upgrade\n%s\n\n-- migrate:downgrade\n%s\n' "$5" "$6" | rev "$1" "$2" "$3" "$4" "${7:-}"
}
pg_compare_suite() {
    EXAMPLES=$REPO_ROOT/migrations/versions
    not_ok() { not_ok_whole "$@"; }
    q() { psql -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$1" -c "$2" 2>&1; }
    setup() { pg_setup "$@"; }
    pg_suite_init "$@"
}
current_is_head() {
    run -d "$1" current
    is "current prints '<id> (head)'" "4c7d2e9f0b13 (head)" "$OUT"
    run -d "$1" current --json
    json_ok "current --json is JSON"
    is "... the version set" '["4c7d2e9f0b13"]' "$OUT"
}
at_two_heads() {
    run -d "$1" current --json
    is "$2" '["72e9b0c4d1a5", "8a5c1e7f3b96"]' "$OUT"
    run -d "$1" downgrade -1
    expect "downgrade -1 with two current heads: exit 2" 2 'relative target "-1" is ambiguous'
    run -d "$1" downgrade billing@-1
    expect "downgrade billing@-1: exit 0" 0 "8a5c1e7f3b96 add order status"
}
pg_examples_db() {
    local out=
    if ! psql -X -q -d postgres -c "CREATE DATABASE $1" >/dev/null ||
       ! psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "CREATE EXTENSION migrate" >/dev/null 2>&1 ||
       ! out=$(pg_add_revisions "$1" "$REPO_ROOT"/migrations/versions/*.sql); then
        not_ok "create $1 with the example revisions" "$out"
        suite_end
        exit 1
    fi
}
