#!/usr/bin/env bash
# test/suites/cli_basics.sh — the migrate program without a server: help,
# version, exit statuses, and the commands that work on the revision files
# alone (init, revision, merge, heads, branches, history, show); malformed
# files, graph errors, bad URLs and unknown targets giving exit status 2 with
# messages that name the file (and line).
#
# Works in a scratch directory (mktemp -d) and, for the few checks that need
# a database, in SQLite files there. Prints `ok N - name` / `not ok N - name`
# and, last, `X passed, Y failed`; exits 1 when something failed.
set -uo pipefail

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# the system python3 starts fast (a version manager's shim may not)

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# run ARGS...: run the program; sets RC, OUT (stdout), ERR (stderr)
# expect NAME STATUS [TEXT...]: the last run exited with STATUS and its
# output (stdout and stderr) contains every TEXT
# json NAME: the last run's stdout is JSON; prints it back normalised
is_json() { "$PY" -c 'import json,sys; json.load(sys.stdin)' <<<"$OUT" >/dev/null 2>&1; }

TMP=$(mktemp -d /tmp/migrate-cli-basics-XXXX)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1

# ---- the program ---------------------------------------------------------------
COMMANDS=(init revision merge upgrade downgrade stamp current history heads branches
          show check status push)

run --help
expect "--help exits 0 and shows the usage" 0 "Usage: migrate [-d URL] [--dir DIR] [-q|-v] COMMAND [ARGS]"
missing=
for c in "${COMMANDS[@]}"; do
    grep -qE "^  $c " <<<"$OUT" || missing="$missing $c"
done
is "--help lists every command" "" "$missing"
like "--help states the exit statuses" "0 success, 1 a migration or check failed, 2 usage or input error" "$OUT"

run --version
expect "--version exits 0" 0
like "--version prints 'migrate X.Y'" '^migrate [0-9]+\.[0-9]+' "$OUT"

for c in "${COMMANDS[@]}"; do
    run "$c" --help
    if [ "$RC" -eq 0 ] && [[ $OUT == "Usage: migrate "*" $c"* ]]; then
        ok "$c --help exits 0 with its usage"
    else
        not_ok "$c --help exits 0 with its usage" "$(last)"
    fi
done
run upgrade --help
expect "upgrade --help names TARGET and --sql" 0 "[TARGET] [--sql]"
run stamp --help
expect "stamp --help names --purge" 0 "TARGET [--purge]"
run history --help
expect "history --help names -r and -i" 0 "-r RANGE" "-i"
run revision --help
expect "revision --help names its options" 0 "-m MSG" "--rev-id" "--head" "--branch-label" "--depends-on" "--splice"

run
expect "no command: exit 2 with the usage on stderr" 2 "Usage: migrate"
is "... and nothing on stdout" "" "$OUT"
run frobnicate
expect "an unknown command: exit 2" 2 'unknown command "frobnicate"'
run --frobnicate current
expect "an unknown global option: exit 2" 2 'migrate --help'
run upgrade --frobnicate
expect "an unknown command option: exit 2" 2 'migrate upgrade --help'
run -d sqlite:///x.db stamp
expect "stamp without a target: exit 2" 2 "stamp needs a target"
run -d sqlite:///x.db stamp heads --sql
expect "stamp --sql: exit 2" 2 "does not take --sql"
run -d sqlite:///x.db upgrade heads --purge
expect "upgrade --purge: exit 2" 2 "does not take --purge"

# ---- init ------------------------------------------------------------------------
mkdir "$TMP/proj" && cd "$TMP/proj" || exit 1
run init
expect "init exits 0 and says what it created" 0 "Creating directory migrations/versions ... done"
if [ -d migrations/versions ]; then ok "init creates migrations/versions"; else not_ok "init creates migrations/versions" "$(ls -R)"; fi
run init
expect "a second init: exit 2, the directory exists" 2 'directory "migrations/versions" already exists'
run init extra
expect "init with an argument: exit 2" 2 "init takes no arguments"
run --dir other init
if [ "$RC" -eq 0 ] && [ -d other/versions ]; then ok "init --dir other creates other/versions"; else
    not_ok "init --dir other creates other/versions" "$(last)"; fi
run -q --dir quiet init
if [ "$RC" -eq 0 ] && [ -z "$OUT$ERR" ] && [ -d quiet/versions ]; then ok "-q init prints nothing"; else
    not_ok "-q init prints nothing" "$(last)"; fi
run heads
expect "heads of an empty directory: exit 0, nothing" 0
is "... prints nothing" "" "$OUT"

# ---- revision --------------------------------------------------------------------
run revision -m "create users" --rev-id aaaa0001
expect "revision --rev-id writes versions/<id>_<slug>.sql" 0 \
    "Generating migrations/versions/aaaa0001_create_users.sql ... done"
f=migrations/versions/aaaa0001_create_users.sql
if [ -f "$f" ]; then
    is "the new file's header: revision, revises base, message" \
        "-- migrate:revision aaaa0001
-- migrate:revises base
-- migrate:message create users" "$(head -n 3 "$f")"
    like "... a created timestamp (ISO-8601 UTC)" \
        $'-- migrate:created [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\n' "$(cat "$f")"
    is "... and empty upgrade and downgrade sections" "-- migrate:upgrade
-- migrate:downgrade" "$(grep '^-- migrate:[a-z]*grade' "$f")"
else
    not_ok "the new file exists" "$(ls migrations/versions)"
fi
run revision
expect "revision without -m: exit 2" 2 "revision needs a message"
run revision -m "x" stray
expect "revision with a stray argument: exit 2" 2 'unexpected argument "stray"'

run revision -m "Add Email!"
expect "revision without --rev-id exits 0" 0 "Generating migrations/versions/"
f2=$(ls migrations/versions | grep -v '^aaaa0001' || true)
like "... generates a 12-hex-digit id and a slug from the message" '^[0-9a-f]{12}_add_email\.sql$' "$f2"
id2=${f2%%_*}
is "... its parent is the current head" "-- migrate:revision $id2
-- migrate:revises aaaa0001" "$(head -n 2 "migrations/versions/$f2" 2>/dev/null)"

run heads
expect "heads: exit 0" 0
is "heads prints '<id> (head)'" "$id2 (head)" "$OUT"

run revision -m "fork" --head aaaa0001
expect "revision --head with a non-head without --splice: exit 2" 2 \
    "revision aaaa0001 is not a head; pass --splice to branch from it"
run revision -m "feature a" --head aaaa0001 --splice --branch-label feature --rev-id bbbb0001
expect "revision --head REV --splice --branch-label exits 0" 0 "bbbb0001_feature_a.sql"
is "... revises the given revision and declares the label" "-- migrate:revision bbbb0001
-- migrate:revises aaaa0001
-- migrate:message feature a" "$(head -n 3 migrations/versions/bbbb0001_feature_a.sql 2>/dev/null)"
like "... branch header" $'\n-- migrate:branch feature\n' "$(cat migrations/versions/bbbb0001_feature_a.sql 2>/dev/null)"

run revision -m "where"
expect "revision with several heads and no --head: exit 2" 2 \
    "multiple heads are present; use 'heads' or '<label>@head'"
is "... and writes no file" "3" "$(ls migrations/versions | wc -l)"
run revision -m "more feature" --head feature@head --rev-id bbbb0002
expect "revision --head <label>@head builds on that branch" 0 "bbbb0002_more_feature.sql"
is "... revises the branch head" "-- migrate:revises bbbb0001" \
    "$(sed -n 2p migrations/versions/bbbb0002_more_feature.sql 2>/dev/null)"
run revision -m "again" --head feature@head --branch-label feature
expect "revision --branch-label with a label in use: exit 2" 2 'branch label "feature" is already used by revision bbbb0001'
run revision -m "again" --rev-id aaaa0001 --head bbbb0002
expect "revision --rev-id with an existing id: exit 2" 2 "revision aaaa0001 already exists"
run revision -m "bad id" --rev-id .bad --head bbbb0002
expect "revision --rev-id with an invalid id: exit 2" 2 'invalid revision id ".bad"'
run revision -m "dep" --head bbbb0002 --depends-on nosuch
expect "revision --depends-on an unknown revision: exit 2" 2 '"nosuch"'
run revision -m "needs users" --head bbbb0002 --depends-on "$id2" --rev-id bbbb0003
expect "revision --depends-on exits 0" 0 "bbbb0003_needs_users.sql"
is "... writes the depends header" "-- migrate:depends $id2" \
    "$(grep '^-- migrate:depends' migrations/versions/bbbb0003_needs_users.sql 2>/dev/null)"
run revision -m "head nosuch" --head nosuch
expect "revision --head an unknown revision: exit 2" 2 '"nosuch"'
run -q revision -m "quiet one" --head "$id2" --rev-id cccc0001
if [ "$RC" -eq 0 ] && [ -z "$OUT$ERR" ] && [ -f migrations/versions/cccc0001_quiet_one.sql ]; then
    ok "-q revision writes the file and prints nothing"
else
    not_ok "-q revision writes the file and prints nothing" "$(last)"
fi

# ---- heads, branches ---------------------------------------------------------------
run heads
expect "heads: exit 0" 0
is "heads lists both heads, with the branch label" "bbbb0003 (feature) (head)
cccc0001 (head)" "$(sort <<<"$OUT")"
run heads --json
if [ "$RC" -eq 0 ] && is_json; then ok "heads --json is JSON"; else not_ok "heads --json is JSON" "$(last)"; fi
is "... with the two heads" "bbbb0003 cccc0001" \
    "$("$PY" -c 'import json,sys; print(" ".join(sorted(h["revision"] for h in json.load(sys.stdin))))' <<<"$OUT" 2>&1)"
run branches
expect "branches: exit 0, the branch point and its children" 0 \
    "aaaa0001 (branchpoint), create users" "    -> bbbb0001 (feature), feature a" "    -> $id2, Add Email!"
like "... Alembic style '<base> -> id (branchpoint), message'" '^<base> -> aaaa0001 \(branchpoint\), create users' "$OUT"
run branches --json
if [ "$RC" -eq 0 ] && is_json; then ok "branches --json is JSON"; else not_ok "branches --json is JSON" "$(last)"; fi
is "... naming the branch point and its children" "aaaa0001 $(printf '%s\n' "$id2" bbbb0001 | LC_ALL=C sort | paste -sd,)" \
    "$("$PY" -c 'import json,sys
for b in json.load(sys.stdin): print(b["revision"], ",".join(sorted(b["children"])))' <<<"$OUT" 2>&1)"

# ---- merge ---------------------------------------------------------------------------
run merge bbbb0003
expect "merge with one revision: exit 2" 2 "nothing to merge: give at least two revisions"
run merge -m "join" nosuch bbbb0003
expect "merge with an unknown revision: exit 2" 2 '"nosuch"'
run merge -m "merge feature" --rev-id dddd0001
expect "merge (all heads) exits 0" 0 "dddd0001_merge_feature.sql"
is "... revises every head" "-- migrate:revises bbbb0003, cccc0001" \
    "$(sed -n 2p migrations/versions/dddd0001_merge_feature.sql 2>/dev/null)"
like "... with an empty upgrade section" $'-- migrate:upgrade\n\n-- migrate:downgrade' \
    "$(cat migrations/versions/dddd0001_merge_feature.sql 2>/dev/null)"
run heads
is "after the merge there is one head" "dddd0001 (feature) (head)" "$OUT"
run merge
expect "merge with a single head: exit 2" 2 "nothing to merge: there is only one head"
run revision -m "side" --head "$id2" --splice --rev-id eeee0001
run revision -m "other side" --head "$id2" --splice --rev-id eeee0002 --branch-label other
run merge -m "given ones" --rev-id ffff0001 eeee0001 other
expect "merge REV REV (id and label) exits 0" 0 "ffff0001_given_ones.sql"
is "... revises exactly those revisions" "-- migrate:revises eeee0001, eeee0002" \
    "$(sed -n 2p migrations/versions/ffff0001_given_ones.sql 2>/dev/null)"
run heads
is "... leaving two heads" "dddd0001 (feature) (head)
ffff0001 (other) (head)" "$(sort <<<"$OUT")"

# ---- history, show ---------------------------------------------------------------------
run history
expect "history exits 0" 0 \
    "<base> -> aaaa0001 (branchpoint), create users" \
    "aaaa0001 -> bbbb0001 (feature), feature a" \
    "bbbb0002 ($id2) -> bbbb0003 (feature), needs users" \
    "bbbb0003, cccc0001 -> dddd0001 (feature) (head) (mergepoint), merge feature"
is "history lists every revision once" "$(ls migrations/versions | wc -l)" "$(wc -l <<<"$OUT")"
is "history ends with the base revision" "<base> -> aaaa0001 (branchpoint), create users" "$(tail -n 1 <<<"$OUT")"
like "history starts with a head" '^.* -> (dddd0001|ffff0001) .*\(head\)' "$(head -n 1 <<<"$OUT")"
# newest first: every revision comes before its parents
order_ok=yes
while read -r line; do
    child=$(sed -E 's/^.* -> ([^ ,]+).*/\1/' <<<"$line")
    parents=$(sed -E 's/ \(.*//; s/ -> .*//; s/,//g' <<<"$line")
    for p in $parents; do
        [ "$p" == "<base>" ] && continue
        ci=$(grep -n -- "-> $child[ ,]" <<<"$OUT" | head -n 1 | cut -d: -f1)
        pi=$(grep -n -- "-> $p[ ,]" <<<"$OUT" | head -n 1 | cut -d: -f1)
        [ -n "$ci" ] && [ -n "$pi" ] && [ "$ci" -lt "$pi" ] || order_ok="no: $child before $p"
    done
done <<<"$OUT"
is "history is newest first (children before parents)" "yes" "$order_ok"
run history -r aaaa0001:bbbb0002
expect "history -r A:B exits 0" 0
is "history -r aaaa0001:bbbb0002 gives bbbb0002, bbbb0001, aaaa0001" "bbbb0002 bbbb0001 aaaa0001" \
    "$(sed -E 's/^.* -> ([^ ,]+).*/\1/' <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
run history -r ffff000:
is "history -r A: starts at A (prefix) and goes to the heads" "ffff0001" \
    "$(sed -E 's/^.* -> ([^ ,]+).*/\1/' <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
run history -r :bbbb0001
is "history -r :B goes from base to B" "bbbb0001 aaaa0001" \
    "$(sed -E 's/^.* -> ([^ ,]+).*/\1/' <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
run history -r nosuch:
expect "history -r with an unknown revision: exit 2" 2 '"nosuch"'
run history -r a:b:c
expect "history -r with a malformed range: exit 2" 2 'invalid history range "a:b:c"'
run history --json
if [ "$RC" -eq 0 ] && is_json; then ok "history --json is JSON"; else not_ok "history --json is JSON" "$(last)"; fi
is "... with one entry per revision" "$(ls migrations/versions | wc -l)" \
    "$("$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))' <<<"$OUT" 2>&1)"

run show bbbb0003
expect "show REV exits 0 with the revision's details" 0 "Rev: bbbb0003 (feature)" "Parent: bbbb0002" \
    "Also depends on: $id2" "Path: migrations/versions/bbbb0003_needs_users.sql" "needs users"
run show aaaa
expect "show with an id prefix" 0 "Rev: aaaa0001" "Branches into: "
run show other
expect "show with a branch label" 0 "Rev: eeee0002 (other)"
run show bbbb0003 --json
if [ "$RC" -eq 0 ] && is_json; then ok "show --json is JSON"; else not_ok "show --json is JSON" "$(last)"; fi
is "... with the revision, parents and dependencies" "bbbb0003 bbbb0002 $id2 True" \
    "$("$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["revision"], ",".join(d["revises"]), ",".join(d["depends"]), d["transactional"])' <<<"$OUT" 2>&1)"
run show nosuch
expect "show an unknown revision: exit 2" 2 'no revision, branch label or revision prefix matches "nosuch"'
run show
expect "show without a revision: exit 2" 2 "show needs exactly one revision"
run revision -m "prefix twin" --head dddd0001 --rev-id aaaa0002
run show aaaa
expect "show an ambiguous prefix: exit 2, listing the candidates" 2 "aaaa0001" "aaaa0002"

run --dir nowhere heads
expect "a missing migrations directory: exit 2 with a hint" 2 'cannot read migrations directory "nowhere/versions"' "migrate init"

# ---- malformed files: exit 2, file:line ------------------------------------------
# bad CASE LINE_TEXT: write DIR/versions/aaaa_x.sql from stdin
bad() {
    rm -rf "$TMP/bad"
    mkdir -p "$TMP/bad/versions"
    cat >"$TMP/bad/versions/aaaa_x.sql"
}
F=$TMP/bad/versions/aaaa_x.sql
malformed() {   # NAME LINE TEXT: heads, upgrade (SQLite) both exit 2 with F:LINE: TEXT
    run --dir "$TMP/bad" heads
    expect "$1: exit 2, $F:$2" 2 "migrate: $F:$2: $3"
}
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base
-- migrate:bogus x

-- migrate:upgrade
SELECT 1;
EOF
malformed "unknown header key" 3 'unknown directive "migrate:bogus"'
rm -f "$TMP/m.db"
run --dir "$TMP/bad" -d "sqlite:///$TMP/m.db" upgrade
expect "... also for upgrade on SQLite" 2 "migrate: $F:3: unknown directive"
sqlite3_tables=$("$PY" -c 'import sqlite3,sys,os
p=sys.argv[1]
print(0 if not os.path.exists(p) else len(sqlite3.connect(p).execute("select name from sqlite_master").fetchall()))' "$TMP/m.db" 2>&1)
is "... and creates no catalog tables" "0" "$sqlite3_tables"
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base
-- migrate:revises base

-- migrate:upgrade
EOF
malformed "duplicate header key" 3 'duplicate header "revises"'
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base

-- migrate:upgrade
SELECT 1;
-- migrate:upgrade
SELECT 2;
EOF
malformed "duplicate section" 6 'duplicate section "upgrade"'
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base

-- migrate:upgrade
SELECT 1;
-- migrate:message late
EOF
malformed "header line after the first section" 6 'header line "message" after the first section'
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base
SELECT 0;

-- migrate:upgrade
SELECT 1;
EOF
malformed "text before the first section" 3 "unexpected text before the first section"
bad <<'EOF'
-- migrate:revises base

-- migrate:upgrade
SELECT 1;
EOF
malformed "missing revision header" 1 'missing required header "revision"'
bad <<'EOF'
-- migrate:revision .bad
-- migrate:revises base

-- migrate:upgrade
EOF
malformed "invalid revision id" 1 'invalid revision id ".bad"'
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base
-- migrate:transaction maybe

-- migrate:upgrade
EOF
malformed "invalid transaction value" 3 'invalid value "maybe" for "transaction"'
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base

-- migrate:downgrade
SELECT 1;
EOF
malformed "missing upgrade section" 5 'missing required section "upgrade"'
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base
-- migrate:upgrade mysql
EOF
malformed "unknown dialect" 3 'unknown dialect "mysql"'
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base

-- migrate:upgrade postgresql
SELECT 1;
EOF
run --dir "$TMP/bad" heads
expect "a file with only a postgresql section is fine without a database" 0 "aaaa (head)"
run --dir "$TMP/bad" -d "sqlite:///$TMP/m.db" upgrade
expect "... but on SQLite: exit 2, file:line, no sqlite section" 2 "migrate: $F:4: revision aaaa has no upgrade section for sqlite"

# graph errors name the file(s)
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises zzzz

-- migrate:upgrade
EOF
run --dir "$TMP/bad" heads
expect "unknown parent: exit 2 naming the file and the parent" 2 "$F: revision aaaa revises unknown revision zzzz"
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base
-- migrate:depends nope

-- migrate:upgrade
EOF
run --dir "$TMP/bad" heads
expect "unknown dependency: exit 2 naming the file" 2 "$F: revision aaaa depends on unknown revision nope"
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises bbbb

-- migrate:upgrade
EOF
printf -- '-- migrate:revision bbbb\n-- migrate:revises aaaa\n\n-- migrate:upgrade\n' >"$TMP/bad/versions/bbbb_y.sql"
run --dir "$TMP/bad" history
expect "a cycle: exit 2 naming the revisions" 2 "cycle in the revision graph" "aaaa" "bbbb"
printf -- '-- migrate:revision aaaa\n-- migrate:revises base\n\n-- migrate:upgrade\n' >"$TMP/bad/versions/bbbb_y.sql"
run --dir "$TMP/bad" heads
expect "a duplicate id: exit 2 naming both files" 2 "duplicate revision id aaaa" "aaaa_x.sql" "bbbb_y.sql"
bad <<'EOF'
-- migrate:revision aaaa
-- migrate:revises base
-- migrate:branch lab

-- migrate:upgrade
EOF
printf -- '-- migrate:revision bbbb\n-- migrate:revises base\n-- migrate:branch lab\n\n-- migrate:upgrade\n' >"$TMP/bad/versions/bbbb_y.sql"
run --dir "$TMP/bad" heads
expect "a branch label declared twice: exit 2" 2 'branch label "lab" is declared by both aaaa and bbbb'

# ---- bad URLs, unknown targets, exit statuses --------------------------------------
cd "$TMP/proj" || exit 1
unset DATABASE_URL
run current
expect "no URL and no DATABASE_URL: exit 2" 2 "no database given: use -d URL or set DATABASE_URL"
run -d sqlite://host/x.db current
expect "sqlite://host/...: exit 2" 2 'invalid SQLite URL "sqlite://host/x.db"'
run -d sqlite: current
expect "an empty sqlite: URL: exit 2" 2 'invalid SQLite URL "sqlite:"'
run -d 'sqlite:///x.db?mode=ro' current
expect "a sqlite URL with a query: exit 2" 2 'invalid SQLite URL'
run -d 'postgresql://[bad' current
expect "a malformed postgresql:// URL: exit 2" 2 'invalid database URL "postgresql://[bad"'
run -d 'mysql://x/y' current
expect "a URL of another database: exit 2" 2 'invalid database URL "mysql://x/y"'
run -d "sqlite:///$TMP/none.db" current
expect "a SQLite file that does not exist, read-only command: exit 1" 1 "does not exist"
if [ -e "$TMP/none.db" ]; then not_ok "... and the file is not created"; else ok "... and the file is not created"; fi

# a SQLite database with the graph above (two heads) for targets and exit statuses
run -d "sqlite:///$TMP/t.db" upgrade nosuch
expect "upgrade to an unknown target: exit 2" 2 'no revision, branch label or revision prefix matches "nosuch"'
run -d "sqlite:///$TMP/t.db" upgrade head
expect "upgrade head with several heads: exit 2" 2 "multiple heads are present; use 'heads' or '<label>@head'"
run -d "sqlite:///$TMP/t.db" upgrade feature@nosuch
expect "upgrade label@garbage: exit 2" 2 'invalid target "feature@nosuch"'
run -d "sqlite:///$TMP/t.db" upgrade aaaa
expect "upgrade to an ambiguous prefix: exit 2" 2 "aaaa0001" "aaaa0002"
run -d "sqlite:///$TMP/t.db" upgrade a b
expect "upgrade with two targets: exit 2" 2 "upgrade takes one target"
run -d "sqlite:///$TMP/t.db" stamp nosuch
expect "stamp an unknown target: exit 2" 2 '"nosuch"'
run -d "sqlite:///$TMP/t.db" check
expect "check with pending revisions: exit 1" 1 "the database is not up to date"
run -q -d "sqlite:///$TMP/t.db" upgrade heads
if [ "$RC" -eq 0 ] && [ -z "$OUT$ERR" ]; then ok "-q upgrade: exit 0 and prints nothing"; else
    not_ok "-q upgrade: exit 0 and prints nothing" "$(last)"; fi
run -d "sqlite:///$TMP/t.db" downgrade nosuch
expect "downgrade to an unknown target: exit 2" 2 '"nosuch"'
run -d "sqlite:///$TMP/t.db" downgrade -1
expect "downgrade -1 with several current heads: exit 2" 2 'relative target "-1" is ambiguous'
run -d "sqlite:///$TMP/t.db" check
expect "check at heads: exit 0" 0 "up to date"
run -q -d "sqlite:///$TMP/t.db" check
if [ "$RC" -eq 0 ] && [ -z "$OUT$ERR" ]; then ok "-q check: exit 0 and prints nothing"; else
    not_ok "-q check: exit 0 and prints nothing" "$(last)"; fi
DATABASE_URL="sqlite:///$TMP/t.db" "$MIGRATE" current >"$TMP/.out" 2>&1
RC=$? OUT=$(cat "$TMP/.out") ERR=
expect "DATABASE_URL is used without -d" 0 "aaaa0002 (head)" "ffff0001 (head)"
# ---- the README's walkthrough ---------------------------------------------------------
mkdir "$TMP/walk" && cd "$TMP/walk" || exit 1
run init
run revision -m "create users"
id1=$(ls migrations/versions | sed -n 's/_create_users\.sql$//p')
run revision -m "add email"
id2=$(ls migrations/versions | sed -n 's/_add_email\.sql$//p')
# fill_in FILE UPGRADE DOWNGRADE: write the sections, as a user would
fill_in() {
    "$PY" - "$@" <<'EOF'
import sys
path, up, down = sys.argv[1:4]
text = open(path).read()
empty = "-- migrate:upgrade\n\n-- migrate:downgrade\n"
assert empty in text, text
open(path, "w").write(text.replace(empty, "-- migrate:upgrade\n%s\n\n-- migrate:downgrade\n%s\n" % (up, down)))
EOF
}
fill_in "migrations/versions/${id1}_create_users.sql" "CREATE TABLE users (id integer PRIMARY KEY);" "DROP TABLE users;"
fill_in "migrations/versions/${id2}_add_email.sql" "ALTER TABLE users ADD COLUMN email text;" "ALTER TABLE users DROP COLUMN email;"
run history
expect "history of a line of two revisions: exit 0" 0
is "... in Alembic's words" "$id1 -> $id2 (head), add email
<base> -> $id1, create users" "$OUT"
export DATABASE_URL=sqlite:///app.db
run upgrade
expect "upgrade: exit 0" 0
like "... one progress line per revision" "^\[1/2\] $id1 create users \.\.\. [0-9]+ ms
\[2/2\] $id2 add email \.\.\. [0-9]+ ms$" "$OUT"
run current
is "current: '<id> (head)'" "$id2 (head)" "$OUT"
run history -i
is "history -i marks the current revision" "$id1 -> $id2 (head) (current), add email
<base> -> $id1, create users" "$OUT"
run downgrade
like "downgrade (-1): one progress line" "^\[1/1\] $id2 add email \.\.\. [0-9]+ ms$" "$OUT"
run current
is "... back to the first revision" "$id1" "$OUT"
run check
expect "check with a pending revision: exit 1" 1 "1 revision pending, starting with $id2"
unset DATABASE_URL

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
