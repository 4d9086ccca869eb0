#!/usr/bin/env bash
# test/suites/cli_sqlite.sh — the migrate program against real SQLite files.
#
# Every database command on a copy of the example migrations/ (URL forms,
# upgrade/downgrade/stamp to each kind of target, current, history -i, heads,
# status, check, push, --json, -q, the dialect-specific section), plus: a
# failing revision leaves the file byte for byte as it was and names the
# revision, file and line; an edited applied revision is caught by check and
# refused by upgrade/push with both checksums; "transaction false"; the
# offline script of upgrade/downgrade --sql, run by the sqlite3 shell, leaves
# the state the program leaves.
#
# Works in a scratch directory (mktemp -d). Prints `ok N - name` /
# `not ok N - name` and, last, `X passed, Y failed`; exits 1 on failure.
set -uo pipefail

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# the system python3 starts fast (a version manager's shim may not)

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
skip()   { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1 # SKIP $2"; }
sq() { sq_py "$@"; }

TMP=$(mktemp -d /tmp/migrate-cli-sqlite-XXXX)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/app"
cp -r "$REPO_ROOT/migrations" "$TMP/app/migrations"
cd "$TMP/app" || exit 1
unset DATABASE_URL

ALL="e57af1e0a8f8 5aa5020316c5 1d6b8f3a9c42 3f8d2b7c6e10 b7e2a9c41d53 c49f0d8e2a71 8a5c1e7f3b96 d0a4f7b35c92 72e9b0c4d1a5 f1e8c2d9a034 4c7d2e9f0b13"
NREV=$(ls migrations/versions/*.sql | wc -l)
DB=app.db
U=sqlite:///app.db

# ---- URLs and read-only commands on a new file --------------------------------------
run -d "$U" current
expect "current on a missing file: exit 1" 1 'SQLite database "app.db" does not exist'
if [ -e app.db ]; then not_ok "... and creates no file"; else ok "... and creates no file"; fi
run -d "$U" status
expect "status on a missing file: exit 1" 1 "does not exist"
run -d "$U" history -i
expect "history -i on a missing file: exit 1" 1 "does not exist"
"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table app_data (x integer)"); c.execute("insert into app_data values (42)"); c.commit()' "$DB"
before=$(sha "$DB")
run -d "$U" current
expect "current on a database without migrate tables: exit 0" 0
is "... prints nothing (base)" "" "$OUT"
run -d "$U" current --json
is "current --json at base is []" "[]" "$OUT"
run -d "$U" status
expect "status at base: exit 0" 0 "current:  <base>" "pending:  $NREV"
run -d "$U" check
expect "check at base: exit 1" 1 "the database is not up to date: $NREV revisions pending, starting with e57af1e0a8f8"
is "read-only commands leave the file untouched" "$before" "$(sha "$DB")"

# ---- upgrade --------------------------------------------------------------------------
run -d "$U" upgrade
expect "upgrade: exit 0" 0
is "upgrade prints one progress line per revision, in order" "$ALL" "$(progress_ids)"
bad_lines=$(grep -cvE '^\[([0-9]+)/'"$NREV"'\] [0-9a-f]{12} [a-z ]+ \.\.\. [0-9]+ ms$' <<<"$OUT")
is "progress lines read '[i/N] <id> <message> ... N ms'" "0" "$bad_lines"
is "the first one is '[1/$NREV] e57af1e0a8f8 create customers table ... '" "[1/$NREV] e57af1e0a8f8 create customers table ... " \
    "$(head -n 1 <<<"$OUT" | sed -E 's/[0-9]+ ms$//')"
is "migrate_version holds the head" "4c7d2e9f0b13" "$(sq "$DB" "SELECT revision FROM migrate_version")"
is "migrate_history has an upgrade row per revision, in order" "$(tr ' ' '\n' <<<"$ALL" | sed 's/$/|upgrade/')" \
    "$(sq "$DB" "SELECT revision, action FROM migrate_history ORDER BY id")"
is "migrate_revision holds every revision" "$NREV" "$(sq "$DB" "SELECT count(*) FROM migrate_revision")"
is "the application tables exist" "color_sales colors customers order_lines orders saved_reports" \
    "$(sq "$DB" "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'migrate%' AND name NOT LIKE 'sqlite%' AND name <> 'app_data' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
like "the sqlite section of the dialect-specific revision ran (CHECK, no ENUM)" \
    "status text NOT NULL DEFAULT 'new'.*CHECK \(status IN \('new', 'paid', 'shipped', 'cancelled'\)\)" \
    "$(sq "$DB" "SELECT sql FROM sqlite_master WHERE name = 'orders'")"
is "the checksum of a revision is the SHA-256 of its upgrade body" \
    "$(printf 'ALTER TABLE customers ADD COLUMN phone varchar(30);' | sha256sum | cut -d' ' -f1)" \
    "$(sq "$DB" "SELECT checksum FROM migrate_history WHERE revision = '4c7d2e9f0b13'")"
is "... the sqlite section's, for the dialect-specific revision" \
    "$(printf "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new'\n    CHECK (status IN ('new', 'paid', 'shipped', 'cancelled'));" | sha256sum | cut -d' ' -f1)" \
    "$(sq "$DB" "SELECT checksum FROM migrate_history WHERE revision = '8a5c1e7f3b96'")"
is "the seed data is there" "5" "$(sq "$DB" "SELECT count(*) FROM colors")"
is "other tables are left alone" "42" "$(sq "$DB" "SELECT x FROM app_data")"

run -d "$U" upgrade
quiet_ok "upgrade at heads: exit 0, nothing to do, prints nothing"
run -d "$U" current
expect "current: exit 0" 0
current_is_head "$U"
run -d "$U" check
expect "check at heads: exit 0" 0 "up to date"
run -d "$U" check --json
json_ok "check --json is JSON"
is "... ok true, nothing pending" "True []" "$(jq_py 'd["ok"], d["pending"]')"
run -d "$U" status --json
json_ok "status --json is JSON"
is "... current = heads" "['4c7d2e9f0b13'] ['4c7d2e9f0b13']" "$(jq_py 'd["current"], d["heads"]')"
run -d "$U" history -i
expect "history -i: exit 0" 0 "f1e8c2d9a034 -> 4c7d2e9f0b13 (reporting, billing) (head) (current), add customer phone"
is "history -i marks only the current revision" "1" "$(grep -c '(current)' <<<"$OUT")"
run -d "$U" history -i --json
json_ok "history -i --json is JSON"
is "... is_current and is_applied" "4c7d2e9f0b13 $NREV" \
    "$(jq_py '" ".join(r["revision"] for r in d if r["is_current"]), sum(1 for r in d if r["is_applied"])')"
run -d "$U" heads --json
json_ok "heads --json is JSON"
run -d "$U" branches --json
json_ok "branches --json is JSON"
run -d "$U" show 8a5c --json
json_ok "show --json is JSON"

# ---- downgrade ----------------------------------------------------------------------
run -d "$U" downgrade
expect "downgrade (default -1): exit 0" 0 "[1/1] 4c7d2e9f0b13 add customer phone ... "
run -d "$U" current
is "... to the merge revision" "f1e8c2d9a034 (mergepoint)" "$OUT"
run -d "$U" downgrade -1
expect "downgrade -1: exit 0" 0 "[1/1] f1e8c2d9a034 merge billing and reporting ... "
at_two_heads "$U" "... down through the merge point: two current heads"
is "... the sqlite downgrade section dropped the column" "0" \
    "$(sq "$DB" "SELECT count(*) FROM pragma_table_info('orders') WHERE name = 'status'")"
run -d "$U" downgrade billing@base
expect "downgrade billing@base: exit 0" 0
is "... reverts the view that depends on billing, then billing" "72e9b0c4d1a5 c49f0d8e2a71 b7e2a9c41d53" "$(progress_ids)"
run -d "$U" current
is "... leaving reporting's first revision" "d0a4f7b35c92" "$OUT"
is "... and no orders table" "0" "$(sq "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'orders'")"
run -d "$U" upgrade reporting@head
expect "upgrade reporting@head: exit 0" 0
run -d "$U" current
is "... reaches the head through the merge" "4c7d2e9f0b13 (head)" "$OUT"
run -d "$U" downgrade 3f8d
expect "downgrade to a revision prefix: exit 0" 0
run -d "$U" current
is "... to that revision" "3f8d2b7c6e10 (branchpoint)" "$OUT"
run -d "$U" upgrade +1
expect "upgrade +1 at a branch point: exit 2, ambiguous" 2 'relative target "+1" is ambiguous'
run -d "$U" upgrade billing@+2
expect "upgrade billing@+2: exit 0" 0
is "... two steps on that branch" "b7e2a9c41d53 c49f0d8e2a71" "$(progress_ids)"
run -d "$U" upgrade d0a4f7b35c92
run -d "$U" current --json
is "upgrade to a revision on the other branch: two current heads" '["c49f0d8e2a71", "d0a4f7b35c92"]' "$OUT"
run -q -d "$U" downgrade base
quiet_ok "-q downgrade base: exit 0, prints nothing"
run -d "$U" current
is "downgrade base: nothing current" "" "$OUT"
is "... no application table left" "0" \
    "$(sq "$DB" "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'migrate%' AND name NOT LIKE 'sqlite%' AND name <> 'app_data'")"
is "... every upgrade so far undone by a recorded downgrade" \
    "$(sq "$DB" "SELECT count(*) FROM migrate_history WHERE action = 'upgrade'")" \
    "$(sq "$DB" "SELECT count(*) FROM migrate_history WHERE action = 'downgrade'")"

# ---- stamp ------------------------------------------------------------------------
run -d "$U" stamp heads
quiet_ok "stamp heads: exit 0, prints nothing"
run -d "$U" current
is "... current is the head" "4c7d2e9f0b13 (head)" "$OUT"
is "... nothing ran" "0" "$(sq "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'customers'")"
is "... stamp rows in the history" "$NREV" "$(sq "$DB" "SELECT count(*) FROM migrate_history WHERE action = 'stamp'")"
run -d "$U" stamp base
run -d "$U" current
is "stamp base: nothing current" "" "$OUT"
# the database at a revision whose file is gone
mkdir -p gone/versions
cp migrations/versions/*.sql gone/versions/
rev gone zzzz0001 4c7d2e9f0b13 "gone later" <<<"-- migrate:upgrade"
run --dir gone -d "$U" stamp zzzz0001
run -d "$U" current
is "current names a version without a file" "zzzz0001 (no revision file)" "$OUT"
run -d "$U" upgrade
expect "upgrade from a version without a file: exit 1 with a hint" 1 \
    "the database is at revision zzzz0001" "stamp <target> --purge"
run -d "$U" check
expect "check names the missing file: exit 1" 1 "zzzz0001: missing"
run -d "$U" stamp heads
expect "stamp without --purge from an unknown version: exit 1" 1 "zzzz0001"
run -d "$U" stamp --purge 3f8d2b7c6e10
quiet_ok "stamp TARGET --purge: exit 0"
run -d "$U" current
is "... resets the version" "3f8d2b7c6e10 (branchpoint)" "$OUT"
run -d "$U" stamp base
run -d "$U" push
expect "push: exit 0" 0 "pushed $NREV revisions: 0 added or replaced"

# ---- a failing revision leaves the file as it was ---------------------------------
mkdir fl
failing_revisions fl
F2=fl/versions/f0002_second_fails.sql
"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table app_data (x integer)"); c.execute("insert into app_data values (7)"); c.commit()' fl.db
sum_before=$(sha fl.db)
dump_before=$(sq_dump fl.db)
run --dir fl -d sqlite:///fl.db upgrade
expect "a failing revision: exit 1, naming revision, message, file and line" 1 \
    "upgrade of revision f0002 (second fails) failed at $F2:9: UNIQUE constraint failed: t1.id"
like "... the progress line says failed" $'\[2/2\] f0002 second fails \.\.\. failed' "$OUT"
is "... the file is byte for byte as before" "$sum_before" "$(sha fl.db)"
is "... and its dump too" "$dump_before" "$(sq_dump fl.db)"
if ls fl.db-* >/dev/null 2>&1; then not_ok "... no journal left behind" "$(ls fl.db-*)"; else ok "... no journal left behind"; fi
run --dir fl -d sqlite:///fl.db current
is "... current is still base" "" "$OUT$ERR"
# the same file, now a revision that commits on its own
mkdir cm
rev cm m0001 base "commits" <<'EOF'
-- migrate:upgrade
CREATE TABLE m1 (id integer);
COMMIT;
EOF
run --dir cm -d sqlite:///fl.db upgrade
expect "a revision that runs COMMIT: exit 1 with advice" 1 \
    "cm/versions/m0001_commits.sql:7" "COMMIT cannot run inside migrate's transaction" "transaction false"
is "... the file is unchanged" "$sum_before" "$(sha fl.db)"
# no downgrade section
mkdir nd
rev nd n0001 base "one way" <<'EOF'
-- migrate:upgrade
CREATE TABLE n1 (id integer);
EOF
run --dir nd -d sqlite:///nd.db upgrade
sum_nd=$(sha nd.db)
run --dir nd -d sqlite:///nd.db downgrade base
expect "downgrade across a revision without a downgrade section: exit 1 naming it" 1 \
    "revision n0001 (one way) has no downgrade section"
is "... nothing changed" "$sum_nd" "$(sha nd.db)"

# on a file without migrate tables they are created after the revisions ran:
# a revision that made one of them must not become migrate's state
mkdir own
rev own o0001 base "own table" <<'EOF'
-- migrate:upgrade
CREATE TABLE app (id integer);
CREATE TABLE migrate_version (revision text, note text);
EOF
run --dir own -d sqlite:///own.db upgrade
expect "a revision creating migrate_version in a new file: exit 1 saying so" 1 \
    "created a table named migrate_revision, migrate_version, migrate_history, migrate_snapshot or migrate_journal" "Rename the table"
is "... and nothing of it is left" "" "$(sq own.db "SELECT name FROM sqlite_master")"

# ---- transaction false ------------------------------------------------------------------
mkdir vc
rev_sql vc v0001 base "table" 'CREATE TABLE v1 (id integer);
INSERT INTO v1 VALUES (1);' 'DROP TABLE v1;'
rev_sql vc v0002 v0001 "vacuum" 'DELETE FROM v1;
VACUUM;' 'VACUUM;' "-- migrate:transaction false"
rev_sql vc v0003 v0002 "after" 'CREATE TABLE v3 (id integer);' 'DROP TABLE v3;'
run --dir vc -d sqlite:///vc.db upgrade
expect "a transaction false revision (VACUUM) is applied: exit 0" 0
is "... in order" "v0001 v0002 v0003" "$(progress_ids)"
is "... and recorded" "v0001|upgrade v0002|upgrade v0003|upgrade" \
    "$(sq vc.db "SELECT revision, action FROM migrate_history ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
run --dir vc -d sqlite:///vc.db downgrade base
expect "... and downgraded: exit 0" 0
is "... in reverse order" "v0003 v0002 v0001" "$(progress_ids)"
sed -i '/transaction false/d' vc/versions/v0002_vacuum.sql
run --dir vc -d sqlite:///vc.db upgrade
expect "VACUUM without 'transaction false': exit 1 naming file and line" 1 \
    "upgrade of revision v0002 (vacuum) failed at vc/versions/v0002_vacuum.sql:7: cannot VACUUM from within a transaction"
run --dir vc -d sqlite:///vc.db current
is "... nothing applied" "" "$OUT"

# ---- an edited applied revision --------------------------------------------------------
mkdir ck
rev_sql ck c0001 base "first" 'CREATE TABLE c1 (id integer PRIMARY KEY);
INSERT INTO c1 VALUES (1);' 'DROP TABLE c1;'
run --dir ck -d sqlite:///ck.db upgrade
old=$(printf 'CREATE TABLE c1 (id integer PRIMARY KEY);\nINSERT INTO c1 VALUES (1);' | sha256sum | cut -d' ' -f1)
new=$(printf 'CREATE TABLE c1 (id integer PRIMARY KEY);\nINSERT INTO c1 VALUES (2);' | sha256sum | cut -d' ' -f1)
run --dir ck -d sqlite:///ck.db check
expect "check after upgrade: exit 0" 0 "up to date"
sed -i 's/^INSERT INTO c1 VALUES (1);$/INSERT INTO c1 VALUES (2);/' ck/versions/c0001_first.sql
run --dir ck -d sqlite:///ck.db check
expect "check after the upgrade body of an applied file changed: exit 1 naming both checksums" 1 \
    "c0001: checksum changed: applied with $old, now $new"
run --dir ck -d sqlite:///ck.db check --json
json_ok "check --json with a problem is JSON (exit 1)" 1
is "... ok false, the problem listed" "False 1" "$(jq_py 'd["ok"], len(d["problems"])')"
run --dir ck -d sqlite:///ck.db status
expect "status lists the problem: exit 0" 0 "problems:" "c0001: checksum changed"
run --dir ck -d sqlite:///ck.db upgrade
expect "upgrade refuses it: exit 1" 1 "revision c0001 was applied with checksum $old but now has checksum $new"
run --dir ck -d sqlite:///ck.db push
expect "push refuses it: exit 1" 1 "revision c0001 was applied with checksum $old but now has checksum $new"
sed -i 's/^-- migrate:downgrade$/-- migrate:downgrade\n-- a comment in the downgrade/' ck/versions/c0001_first.sql
sed -i 's/^INSERT INTO c1 VALUES (2);$/INSERT INTO c1 VALUES (1);/' ck/versions/c0001_first.sql
run --dir ck -d sqlite:///ck.db check
expect "a changed downgrade section is not a checksum change: check exit 0" 0 "up to date"
run --dir ck -d sqlite:///ck.db push
expect "... push stores it: 1 replaced" 0 "pushed 1 revision: 1 added or replaced"

# ---- offline scripts run by the sqlite3 shell -------------------------------------------
have_sqlite3=yes
if ! command -v sqlite3 >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q sqlite3 >/dev/null 2>&1 ||
        { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -q sqlite3 >/dev/null 2>&1; }
    fi
    command -v sqlite3 >/dev/null 2>&1 || have_sqlite3=no
fi
# state FILE: what the program and the script must agree on
state() {
    echo "== version"; sq "$1" "SELECT revision FROM migrate_version ORDER BY 1"
    echo "== history"; sq "$1" "SELECT revision, action, checksum FROM migrate_history ORDER BY id"
    echo "== schema"; sq "$1" "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'migrate%' AND name NOT LIKE 'sqlite%' ORDER BY name"
    echo "== colors"; sq "$1" "SELECT * FROM colors" 2>/dev/null
}
if [ "$have_sqlite3" == no ]; then
    skip "upgrade --sql run by sqlite3 leaves the program's state" "the sqlite3 shell is missing and could not be installed"
else
    rm -f on.db off.db
    : >off.db       # an empty file is an empty database
    for target in 3f8d2b7c6e10 reporting@head heads; do
        run -d sqlite:///off.db upgrade "$target" --sql
        if [ "$RC" -ne 0 ]; then not_ok "upgrade $target --sql: exit 0" "$(last)"; continue; fi
        printf '%s\n' "$OUT" >up.sql
        [ -f first-up.sql ] || cp up.sql first-up.sql
        if sqlite3 off.db <up.sql >sqlite3.log 2>&1; then ok "the upgrade $target --sql script runs in sqlite3"; else
            not_ok "the upgrade $target --sql script runs in sqlite3" "$(cat sqlite3.log)"; fi
        "$MIGRATE" -q -d sqlite:///on.db upgrade "$target"
        is "... and leaves the state upgrade $target leaves" "$(state on.db)" "$(state off.db)"
    done
    if sqlite3 off.db <first-up.sql >sqlite3.log 2>&1; then
        not_ok "a script run at another state is refused" "it ran again"
    else
        like "a script run at another state is refused by its state check" "not at the state this script was generated for" "$(cat sqlite3.log)"
    fi
    for target in -1 billing@base base; do
        run -d sqlite:///off.db downgrade "$target" --sql
        if [ "$RC" -ne 0 ]; then not_ok "downgrade $target --sql: exit 0" "$(last)"; continue; fi
        printf '%s\n' "$OUT" >down.sql
        if sqlite3 off.db <down.sql >sqlite3.log 2>&1; then ok "the downgrade $target --sql script runs in sqlite3"; else
            not_ok "the downgrade $target --sql script runs in sqlite3" "$(cat sqlite3.log)"; fi
        "$MIGRATE" -q -d sqlite:///on.db downgrade "$target"
        is "... and leaves the state downgrade $target leaves" "$(state on.db)" "$(state off.db)"
    done
fi
run -d sqlite:///off.db upgrade --sql
is "upgrade --sql does not apply anything" "" "$(sq off.db "SELECT revision FROM migrate_version")"

# ---- URL forms -----------------------------------------------------------------------
rm -f "$TMP/abs.db" rel.db plain.db
run -q -d "sqlite:///rel.db" upgrade 5aa5
if [ "$RC" -eq 0 ] && [ -f "$TMP/app/rel.db" ]; then ok "sqlite:///rel.db is relative to the working directory"; else
    not_ok "sqlite:///rel.db is relative to the working directory" "$(last)"; fi
run -q -d "sqlite:///$TMP/abs.db" upgrade 5aa5
if [ "$RC" -eq 0 ] && [ -f "$TMP/abs.db" ]; then ok "sqlite:////absolute/path.db"; else
    not_ok "sqlite:////absolute/path.db" "$(last)"; fi
run -q -d "sqlite:plain.db" upgrade 5aa5
if [ "$RC" -eq 0 ] && [ -f plain.db ]; then ok "sqlite:path"; else not_ok "sqlite:path" "$(last)"; fi
DATABASE_URL=sqlite:///plain.db "$MIGRATE" current >"$TMP/.out" 2>"$TMP/.err"
RC=$? OUT=$(cat "$TMP/.out") ERR=$(cat "$TMP/.err")
expect "DATABASE_URL=sqlite:///... is used without -d" 0 "5aa5020316c5"
run -v -d sqlite:///plain.db upgrade 3f8d
expect "-v says how many revisions were applied" 0 "2 revisions applied"
run -d sqlite:///plain.db upgrade nosuch
expect "upgrade to an unknown target: exit 2" 2 'no revision, branch label or revision prefix matches "nosuch"'
run -d sqlite:///plain.db downgrade 4c7d
if [ "$RC" -ne 0 ] && [ -n "$ERR" ]; then ok "downgrade to a revision above the current one fails (exit $RC) and says why"; else
    not_ok "downgrade to a revision above the current one fails and says why" "$(last)"; fi
run -d sqlite:///plain.db current
is "... nothing changed" "3f8d2b7c6e10 (branchpoint)" "$OUT"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
