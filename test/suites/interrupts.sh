#!/usr/bin/env bash
# test/suites/interrupts.sh — work that must stay cancellable (issue 15
# items 5 and 6).
#
#   - add_revision() of a header listing 2,000,000 ids: pg_cancel_backend()
#     from another session, and statement_timeout, end it with 57014 while
#     it parses (the parse used to be quadratic and to check no interrupt:
#     such a call ran for hours, deaf to both);
#   - a FIFO in the directory: migrate.load() and the program refuse a
#     "*.sql" entry that is not a regular file, naming it (42809; exit 2),
#     instead of blocking in open() for ever; a FIFO with another name is
#     skipped like every other non-revision file; the program's model
#     directory (diff --schema DIR) likewise.
# Every call runs under `timeout 20`: a call that hangs fails its test (and
# the suite then unblocks it).  No timing is asserted beyond that bound.
#
# Runs against the server of PGHOST/PGPORT as PGUSER (a superuser), in its
# own scratch database migrate_suite_interrupts, dropped at the end; files
# live in a world-readable `mktemp -d` directory (the server runs as the
# postgres OS user).  Prints `ok N - name` / `not ok N - name` and, last,
# `X passed, Y failed`.
set -uo pipefail

DB=migrate_suite_interrupts
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
EXAMPLES=$REPO_ROOT/migrations/versions
not_ok() { not_ok_whole "$@"; }

pg_suite_init interrupts "$DB"
chmod 755 "$TMP"
cleanup() {
    # a reader still blocked on one of our FIFOs (a failed test) is let go:
    # a writer that opens and closes it ends the reader's open() and read()
    find "$TMP" -type p -print0 2>/dev/null | xargs -0 -r "$PY" -c '
import os, sys
for f in sys.argv[1:]:
    try:
        os.close(os.open(f, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass'
    pg_suite_cleanup
}
trap cleanup EXIT

# sql SQL...: run the statements in DB (verbose errors) under timeout 20;
# prints the output, returns psql's status (124: it hung)
sql() {
    timeout 20 psql -X -q -At -v VERBOSITY=verbose -d "$DB" "$@" 2>&1
}
pg_new_db "$DB"

# ---- item 5: a long parse is cancellable ---------------------------------------
# 2,000,000 ids; the last one is malformed, so a parse that ran to its end
# would end in 22P02
setup_long="CREATE TEMP TABLE s AS
  SELECT E'-- migrate:revision aaaa00000001\n-- migrate:revises base\n-- migrate:depends '
         || string_agg('d' || i, ',') || E',not an id!\n\n-- migrate:upgrade\nSELECT 1;\n' AS script
  FROM generate_series(1, 2000000) i;"

# cancel_when_running APPNAME: cancel the backend of APPNAME once it runs
# add_revision(), then again every 0.1 s until it is gone (at most 20 s)
cancel_when_running() {
    local pid="" i
    for i in $(seq 400); do
        pid=$(psql -X -q -At -d "$DB" -c "SELECT pid FROM pg_stat_activity
               WHERE application_name = '$1' AND state = 'active'
                 AND query LIKE 'SELECT migrate.add_revision%'" 2>/dev/null)
        [ -n "$pid" ] && break
        sleep 0.05
    done
    [ -n "$pid" ] || return 1
    for i in $(seq 200); do
        psql -X -q -At -d "$DB" -c "SELECT pg_cancel_backend($pid)" >/dev/null 2>&1
        sleep 0.1
        psql -X -q -At -d "$DB" -c "SELECT 1 FROM pg_stat_activity WHERE pid = $pid" 2>/dev/null |
            grep -q 1 || return 0
    done
}

out_file=$TMP/long.out
{
    printf '%s\n' "$setup_long"
    printf "SET application_name = 'interrupts_long';\n"
    printf "SELECT migrate.add_revision(script, 'long.sql') FROM s;\n"
} | PGAPPNAME=interrupts_setup timeout 20 psql -X -q -At -v VERBOSITY=verbose -d "$DB" >"$out_file" 2>&1 &
bg=$!
cancel_when_running interrupts_long
wait "$bg"
rc=$?
out=$(cat "$out_file")
if [ "$rc" -ne 124 ] && [[ $out == *"ERROR:  57014: canceling statement due to user request"* ]]; then
    ok "pg_cancel_backend() ends add_revision() of a 2,000,000-id header while it parses (57014)"
else
    not_ok "pg_cancel_backend() ends add_revision() of a 2,000,000-id header while it parses (57014)" \
        "psql exit status $rc (124: still running after 20 s)
$out"
fi

out=$(sql <<EOF
$setup_long
SET statement_timeout = '300ms';
SELECT migrate.add_revision(script, 'long.sql') FROM s;
EOF
)
rc=$?
if [ "$rc" -ne 124 ] && [[ $out == *"ERROR:  57014: canceling statement due to statement timeout"* ]]; then
    ok "statement_timeout ends the same call (57014)"
else
    not_ok "statement_timeout ends the same call (57014)" "psql exit status $rc
$out"
fi
is "... and nothing was stored" "0" "$(sql -c 'SELECT count(*) FROM migrate.revision')"

# ---- item 6: FIFOs in the directory ---------------------------------------------
# fifo_dir NAME ENTRY...: a copy of the example revisions in TMP/NAME/versions
# with a FIFO for each ENTRY name, all readable by the server
fifo_dir() {
    local d=$TMP/$1; shift
    mkdir -p "$d/versions"
    cp "$EXAMPLES"/*.sql "$d/versions/"
    for e in "$@"; do mkfifo -m 644 "$d/versions/$e"; done
    chmod 755 "$d" "$d/versions"
    chmod 644 "$d/versions/"*.sql 2>/dev/null
    echo "$d"
}
nfiles=$(ls "$EXAMPLES"/*.sql | wc -l)

d=$(fifo_dir fifo zz0000000001_pipe.sql)
out=$(sql -c "SELECT migrate.load('$d')")
rc=$?
if [ "$rc" -ne 124 ] && [[ $out == *"ERROR:  42809: revision file \"$d/versions/zz0000000001_pipe.sql\" is not a regular file"* ]] &&
   [[ $out == *"It is a FIFO"* ]]; then
    ok "load() refuses a FIFO named *.sql at once: 42809 naming it"
else
    not_ok "load() refuses a FIFO named *.sql at once: 42809 naming it" "psql exit status $rc
$out"
fi
is "... and adds nothing" "0" "$(sql -c 'SELECT count(*) FROM migrate.revision')"

d=$(fifo_dir dirsql)
mkdir "$d/versions/zz0000000002_dir.sql"
chmod 755 "$d/versions/zz0000000002_dir.sql"
out=$(sql -c "SELECT migrate.load('$d')")
like "load() refuses a directory named *.sql the same way" \
    "ERROR:  42809: revision file \"$d/versions/zz0000000002_dir\\.sql\" is not a regular file" "$out"

d=$(fifo_dir otherfifo notes.pipe .hidden.sql)
out=$(sql -c "SELECT migrate.load('$d')")
is "load() skips a FIFO with another name (or a hidden one), as any other non-revision file" \
    "$nfiles" "$out"

d=$(fifo_dir link)
mv "$d/versions/5aa5020316c5_create_colors_table.sql" "$d/"
ln -s "$d/5aa5020316c5_create_colors_table.sql" "$d/versions/5aa5020316c5_create_colors_table.sql"
pg_new_db "$DB"
is "load() reads a symbolic link to a regular file" "$nfiles" "$(sql -c "SELECT migrate.load('$d')")"
prog_link=$d

# the program: history reads the directory without a database
prog() {
    (cd "$1" && timeout 20 "$MIGRATE" --dir . "${@:2}" >"$TMP/.out" 2>"$TMP/.err" </dev/null)
    RC=$?
    OUT=$(cat "$TMP/.out")
    ERR=$(cat "$TMP/.err")
}
d=$(fifo_dir progfifo zz0000000001_pipe.sql)
prog "$d" history
expect "migrate history refuses a FIFO named *.sql at once: exit 2 naming it" 2 \
    "cannot read \"./versions/zz0000000001_pipe.sql\": it is a FIFO, not a regular file"
prog "$d" -d "postgresql:///$DB" upgrade
expect "... so does migrate upgrade" 2 \
    "cannot read \"./versions/zz0000000001_pipe.sql\": it is a FIFO"
d=$(fifo_dir progother notes.pipe)
prog "$d" heads
expect "a FIFO with another name is skipped: migrate heads works" 0 "4c7d2e9f0b13"
d=$(fifo_dir progdir)
mkdir "$d/versions/zz_dir.sql"
prog "$d" history
expect "a directory named *.sql: exit 2 naming it" 2 \
    "cannot read \"./versions/zz_dir.sql\": it is a directory, not a regular file"
prog "$prog_link" heads
expect "a symbolic link to a regular file is read" 0 "4c7d2e9f0b13"

# the model directory of diff / check / autogenerate follows the same rule
mkdir -p "$TMP/model/schema"
echo "CREATE TABLE m (id integer);" >"$TMP/model/schema/01_tables.sql"
mkfifo -m 644 "$TMP/model/schema/02_pipe.sql"
prog "$TMP/model" -d "postgresql:///$DB" diff --schema schema
expect "a FIFO named *.sql in the model directory: exit 2 naming it" 2 \
    "cannot read the model \"schema/02_pipe.sql\": it is a FIFO, not a regular file"

suite_end
