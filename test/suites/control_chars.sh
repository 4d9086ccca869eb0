#!/usr/bin/env bash
# test/suites/control_chars.sh — control characters in revision messages
# and database text never reach the terminal raw (issue 15 item 11): the
# text output shows each as \xHH (C0 but TAB, DEL, and the C1 controls
# U+0080..U+009F, each byte), JSON output escapes as JSON does.
#
#   - a message with a C1 control (U+009B, the 8-bit CSI), which the file
#     parser accepts: history, history -v, history -i, show, status and the
#     upgrade progress line, on PostgreSQL and SQLite;
#   - database text: a version row without a file whose id holds CR and
#     ESC (SQLite: migrate_version) through current, status and check; a
#     revision's NOTICE and error with CR, ESC and BEL through upgrade
#     (PostgreSQL); a catalog message changed to hold CR and ESC
#     (UPDATE migrate.revision) through upgrade's refusal of a revision
#     made in SQL;
#   - migrate revision -m with a control character is refused (exit 2),
#     as migrate.revision() is (22023): the parser would refuse the file.
#
# Runs against the server of PGHOST/PGPORT as a superuser, in database
# migrate_suite_ctrl (dropped at the end).  Prints `ok N - name` /
# `not ok N - name` and, last, `X passed, Y failed`.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=migrate_suite_ctrl
pg_suite_init ctrl "$DB"
cd "$TMP" || exit 1
export LC_ALL=C
U=postgresql:///$DB
S=sqlite:///$TMP/app.db
pg_new_db "$DB"

CSI=$'\xc2\x9b'
# raw NAME TEXT: TEXT holds no control byte but TAB and LF, and no C1
# control as UTF-8 writes it (od -c shows them when it fails)
raw() {
    if printf '%s' "$2" | "$PY" -c '
import re, sys
b = sys.stdin.buffer.read()
sys.exit(1 if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", b) else 0)'; then
        ok "$1"
    else
        not_ok "$1" "$(printf '%s' "$2" | od -c | head -n 20)"
    fi
}

rev_sql m c1000000001 base "red ${CSI}31m alert" 'CREATE TABLE c1 (x int);' 'DROP TABLE c1;'
rev m c1000000002 c1000000001 "noisy" <<'EOF'
-- migrate:upgrade postgresql
DO $$BEGIN RAISE NOTICE E'bell\x07 cr\r esc\x1b[2J tab\there'; END$$;

-- migrate:upgrade sqlite
SELECT 1;

-- migrate:downgrade
SELECT 1;
EOF

# ---- a C1 control in a file's message ---------------------------------------------------
"$PY" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("CREATE TABLE app (x int)")' "$TMP/app.db"
for url in "$U" "$S"; do
    d=${url%%:*}
    run -d "$url" --dir m status
    expect "$d: status: exit 0" 0 'red \xc2\x9b31m alert'
    raw "$d: ... the pending line escaped" "$OUT"
    run -d "$url" --dir m upgrade c1000000001
    expect "$d: upgrade: the progress line escaped" 0 '[1/1] c1000000001 red \xc2\x9b31m alert ...'
    raw "$d: ... nothing raw" "$OUT$ERR"
done
for args in "history" "history -v" "show c1000000001" "history -i"; do
    run -d "$S" --dir m $args
    expect "$args: exit 0, the message as \\xc2\\x9b" 0 'red \xc2\x9b31m alert'
    raw "$args: nothing raw" "$OUT"
done
run --dir m history --json
is "history --json: the message as JSON has it" "red ${CSI}31m alert" "$(jq_py "d[-1]['message']")"

# ---- database text: the server's notices and errors -------------------------------------
run -d "$U" --dir m upgrade
expect "a revision's NOTICE with BEL, CR and ESC: escaped, TAB kept" 0 \
    $'bell\\x07 cr\\x0d esc\\x1b[2J tab\there'
raw "... nothing raw" "$OUT$ERR"
rev m c1000000003 c1000000002 "fails" <<'EOF'
-- migrate:upgrade
DO $$BEGIN RAISE EXCEPTION E'broken\r\x1b[1Aover'; END$$;
EOF
run -d "$U" --dir m upgrade
expect "a revision's error with CR and ESC: exit 1, escaped" 1 'broken\x0d\x1b[1Aover'
raw "... nothing raw" "$OUT$ERR"
rm m/versions/c1000000003_fails.sql

# a catalog message with CR and ESC (as an old catalog may hold): the
# refusal of a revision made in SQL names it
pg_setup "$DB" "SELECT migrate.revision('made in sql', 'SELECT 1;', id => 'c1000000005')"
pg_setup "$DB" "UPDATE migrate.revision SET message = E'made\\rin\\x1b[0msql' WHERE id = 'c1000000005'"
run -d "$U" --dir m upgrade
expect "a catalog message with CR and ESC in the refusal: exit 1, escaped" 1 \
    'revision c1000000005 ("made\x0din\x1b[0msql") exists only in the catalog'
raw "... nothing raw" "$OUT$ERR"
run -d "$U" --dir m status
expect "... status names the revision" 0 "c1000000005: only in the catalog"
pg_setup "$DB" "SELECT migrate.forget('c1000000005')"

# ---- database text: a version without a file ------------------------------------------
"$PY" - "$TMP/app.db" <<'PYEOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DELETE FROM migrate_version")
c.execute("INSERT INTO migrate_version VALUES ('gone\r\x1b[31m')")
c.commit()
PYEOF
run -d "$S" --dir m current
expect "SQLite current: a version id with CR and ESC, escaped" 0 'gone\x0d\x1b[31m (no revision file)'
raw "... nothing raw" "$OUT"
run -d "$S" --dir m status
expect "... status" 0 'current:  gone\x0d\x1b[31m' 'gone\x0d\x1b[31m: missing'
raw "... nothing raw" "$OUT"
run -d "$S" --dir m check
expect "... check: exit 1" 1 'gone\x0d\x1b[31m: missing'
raw "... nothing raw" "$ERR"
run -d "$S" --dir m upgrade
expect "... upgrade refused: exit 1" 1 'gone\x0d\x1b[31m'
raw "... nothing raw" "$ERR"
run -d "$S" --dir m check --json
expect "check --json: the id escaped as JSON escapes it" 1 'gone\r\u001b[31m'
is "... which reads back as it is" "True" "$(jq_py "d['current'][0] == 'gone\r\x1b[31m'")"

# ---- new messages: refused -----------------------------------------------------------
run --dir m revision -m $'esc\x1b[2J'
expect "revision -m with ESC: exit 2" 2 "the message must be a single line without control characters"
is "... no file written" "2" "$(ls m/versions | wc -l)"
out=$(psql -X -q -At -d "$DB" -c "SELECT migrate.revision(E'esc\\x1b[2J', 'SELECT 1;')" -c '\echo :SQLSTATE' 2>&1)
like "migrate.revision() with ESC: 22023" "without control characters.*22023" "$(tr '\n' ' ' <<<"$out")"

suite_end
