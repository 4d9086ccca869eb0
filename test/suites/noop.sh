#!/usr/bin/env bash
# test/suites/noop.sh — the no-op boot path (issue 10, item 8): the program
# hashes its migrations directory, the server keeps the digest of the last
# push (migrate.state.pushed_digest), and a matching digest with up_to_date
# lets upgrade/current/status/check answer without parsing or pushing.
# Every change to the files or to the stored revisions must be noticed; a
# matching digest never hides pending work, and the fast answers are the
# same bytes as the slow ones.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
suite_init noop
DB=migrate_suite_noop DB2=migrate_suite_noop_graph
cleanup() {
    for d in $DB $DB2; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS migrate_noop_reader" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT
U="postgresql:///$DB"
pg_fresh $DB
q $DB "CREATE EXTENSION migrate; CREATE TABLE noop_log (n serial, rev text)" >/dev/null
mkdir -p migrations/versions
# revision N appends its id to noop_log: running it twice shows
rev() {  # rev ID PARENT [MESSAGE]
    printf -- '-- migrate:revision %s\n-- migrate:revises %s\n-- migrate:message %s\n\n-- migrate:upgrade\nINSERT INTO noop_log (rev) VALUES (%s);\n\n-- migrate:downgrade\nDELETE FROM noop_log WHERE rev = %s;\n' \
        "$1" "$2" "${3:-step $1}" "'$1'" "'$1'" >"migrations/versions/$1.sql"
}
rev aa01 base; rev aa02 aa01; rev aa03 aa02
state() { q $DB "SELECT coalesce(pushed_digest, '-'), up_to_date FROM migrate.state"; }
digest() { q $DB "SELECT coalesce(pushed_digest, '-') FROM migrate.state"; }
log() { q $DB "SELECT string_agg(rev, ',' ORDER BY n) FROM noop_log"; }
# what the program hashes, computed independently (README: the digest)
expected_digest() {
    "$PY" - "$1" <<'EOF'
import hashlib, os, sys
d = sys.argv[1]
h = hashlib.sha256(b"migrate directory digest 1 0.3\0")
for name in sorted(f for f in os.listdir(d) if f.endswith(".sql") and len(f) > 4 and not f.startswith(".")):
    data = open(os.path.join(d, name), "rb").read()
    h.update(name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
print(h.hexdigest())
EOF
}

# ---- the first upgrade records the digest -----------------------------------------
run -d "$U" upgrade
expect "first upgrade: exit 0, three revisions" 0 "[3/3] aa03"
is "... records the directory digest with up_to_date" "$(expected_digest migrations/versions)|t" "$(state)"
is "... and the heads of the graph" "{aa03}" "$(q $DB "SELECT pushed_heads FROM migrate.state")"
run -v -d "$U" upgrade
expect "second upgrade: exit 0, nothing to do, known at once" 0 \
    "holds exactly these revision files, all applied" "0 revisions applied"
is "... nothing pushed (no push line in -v)" "" "$(grep -F pushed <<<"$ERR")"
is "... nothing run twice" "aa01,aa02,aa03" "$(log)"

# ---- the fast answers are the slow ones, byte for byte -------------------------------
same_as_slow() {  # NAME DB URL: every read-only command, digest kept vs cleared
    local name=$1 db=$2 url=$3 c fast slow
    for c in current "current --json" status "status --json" check "check --json"; do
        run -d "$url" $c; fast="$RC|$OUT|$ERR"
        q "$db" "UPDATE migrate.state SET pushed_digest = NULL" >/dev/null
        run -d "$url" $c; slow="$RC|$OUT|$ERR"
        run -d "$url" push >/dev/null    # records the digest again
        is "$name: $c answers the same from the digest" "$slow" "$fast"
    done
}
same_as_slow "three revisions" $DB "$U"
# a graph with branches, merges, labels, depends and heads that are not tips
mkdir -p g && "$PY" "$REPO_ROOT/bench/gen.py" graph 400 g/migrations >/dev/null
pg_fresh $DB2
q $DB2 "CREATE EXTENSION migrate" >/dev/null
cd g
run -d "postgresql:///$DB2" upgrade
expect "a 400-revision graph: upgrade, exit 0" 0
run -v -d "postgresql:///$DB2" current
expect "... current then answers from the digest" 0 "all applied"
heads=$("$MIGRATE" heads --json | "$PY" -c 'import json, sys; print(",".join(h["revision"] for h in json.load(sys.stdin)))')
is "... the stored heads are those of the files" "$heads" \
   "$(q $DB2 "SELECT array_to_string(pushed_heads, ',') FROM migrate.state")"
same_as_slow "400 revisions" $DB2 "postgresql:///$DB2"
cd "$TMP"

# ---- any change to the files is noticed ---------------------------------------------
rev aa04 aa03
run -v -d "$U" upgrade
expect "a new file: applied" 0 "[1/1] aa04" "may not hold these revision files"
is "... once" "aa01,aa02,aa03,aa04" "$(log)"
is "... the new digest recorded" "$(expected_digest migrations/versions)|t" "$(state)"

rev aa04 aa03 "another message"
run -v -d "$U" upgrade
expect "an applied file's message edited: pushed again, nothing run" 0 "may not hold" "0 revisions applied"
is "... the catalog has the new message" "another message" "$(q $DB "SELECT message FROM migrate.revision WHERE id = 'aa04'")"
is "... the new digest recorded" "$(expected_digest migrations/versions)" "$(digest)"

# same size, same mtime, another byte: names, sizes and mtimes would miss it
f=migrations/versions/aa04.sql
cp -p "$f" "$TMP/aa04.orig"
sed -i "s/VALUES ('aa04')/VALUES ('aa4x')/" "$f"
touch -r "$TMP/aa04.orig" "$f"
is "(the edit kept the size)" "$(stat -c %s "$TMP/aa04.orig")" "$(stat -c %s "$f")"
run -d "$U" upgrade
expect "an applied revision's body edited, same size and mtime: refused" 1 "was applied with checksum"
is "... nothing ran" "aa01,aa02,aa03,aa04" "$(log)"
run -d "$U" check
expect "... check sees it too" 1 "checksum changed"
cp -p "$TMP/aa04.orig" "$f"
run -v -d "$U" upgrade
expect "the file restored: the digest of the last push matches again" 0 "all applied"

rev aa05 aa04
run -d "$U" push
expect "push of a new file: exit 0" 0
is "... the digest is recorded, not up to date" "$(expected_digest migrations/versions)|f" "$(state)"
run -d "$U" status
expect "status with a matching digest but pending work: says so" 0 "pending:  1"
run -d "$U" check
expect "... check fails" 1 "not up to date"
rm migrations/versions/aa05.sql
run -v -d "$U" upgrade
expect "the unapplied file deleted: forgotten, nothing run" 0 "0 revisions applied"
is "... gone from the catalog" "0" "$(q $DB "SELECT count(*) FROM migrate.revision WHERE id = 'aa05'")"
is "... digest and up_to_date recorded" "$(expected_digest migrations/versions)|t" "$(state)"
rev aa05 aa04
run -d "$U" push
run -v -d "$U" upgrade
expect "a matching digest never hides pending work: the pushed file is applied" 0 \
    "holds exactly these revision files" "[1/1] aa05"
is "... the push was not repeated" "" "$(grep -F 'pushed ' <<<"$ERR")"
is "... once" "aa01,aa02,aa03,aa04,aa05" "$(log)"

mv migrations/versions/aa05.sql "$TMP/aa05.sql"
run -d "$U" upgrade
expect "an applied revision's file deleted: refused" 1 "aa05" "not in"
mv "$TMP/aa05.sql" migrations/versions/aa05.sql
run -d "$U" upgrade
expect "... restored: exit 0" 0

# ---- any change to the stored revisions by other means clears the digest --------------
run -d "$U" upgrade
d0=$(digest)
q $DB "SELECT migrate.add_revision(\$\$-- migrate:revision zz01
-- migrate:revises aa05

-- migrate:upgrade
INSERT INTO noop_log (rev) VALUES ('zz01');
\$\$, 'zz01.sql')" >/dev/null
is "add_revision() from SQL clears the digest" "-" "$(digest)"
run -d "$U" upgrade
expect "... the next upgrade goes the long way: the revision whose file is gone is forgotten" 0 \
    "revision zz01 has no file (it came from zz01.sql); removed from the catalog"
is "... zz01 is gone and never ran" "0|aa01,aa02,aa03,aa04,aa05" \
   "$(q $DB "SELECT count(*) FROM migrate.revision WHERE id = 'zz01'")|$(log)"
is "... the same digest recorded again" "$d0|t" "$(state)"

q $DB "SELECT migrate.revision('by sql', 'SELECT 1', revises => ARRAY['aa05'], id => 'zz02')" >/dev/null
is "revision() from SQL clears the digest" "-" "$(digest)"
run -d "$U" upgrade
expect "... the next upgrade refuses a revision made in SQL, which never had a file" 1 "revision zz02" "exists only in the catalog"
q $DB "SELECT migrate.forget('zz02')" >/dev/null
run -d "$U" upgrade
expect "... forgotten, the next upgrade goes the long way" 0
is "... zz02 is gone, the same digest recorded again" "0|$d0|t" "$(q $DB "SELECT count(*) FROM migrate.revision WHERE id = 'zz02'")|$(state)"

q $DB "SELECT migrate.stamp('aa03')" >/dev/null
is "stamp() from SQL: up_to_date is false (the digest stays: the revisions did not change)" "$d0|f" "$(state)"
run -v -d "$U" upgrade
expect "... the next upgrade runs what the stamp left pending, without a push" 0 \
    "holds exactly these revision files" "[1/2] aa04" "[2/2] aa05"
is "... they ran again" "aa01,aa02,aa03,aa04,aa05,aa04,aa05" "$(log)"

q $DB "SELECT migrate.downgrade('aa04')" >/dev/null 2>&1
run -d "$U" upgrade
expect "downgrade() from SQL: the next upgrade applies aa05 again" 0 "[1/1] aa05"

rev aa06 aa05
run -d "$U" push
q $DB "SELECT migrate.forget('aa06')" >/dev/null
is "forget() from SQL clears the digest" "-" "$(digest)"
run -d "$U" upgrade
expect "... the next upgrade pushes the file again and applies it" 0 "[1/1] aa06"

q $DB "UPDATE migrate.revision SET message = 'by hand' WHERE id = 'aa01'" >/dev/null
is "a hand UPDATE of migrate.revision clears the digest" "-" "$(digest)"
run -v -d "$U" upgrade
expect "... the next upgrade pushes again" 0 "may not hold" "0 revisions applied"
is "... and records the digest again" "$(expected_digest migrations/versions)|t" "$(state)"
rev aa07 aa06
run -d "$U" push
q $DB "DELETE FROM migrate.revision WHERE id = 'aa07'" >/dev/null
is "a hand DELETE from migrate.revision clears the digest" "-" "$(digest)"
run -d "$U" upgrade
expect "... the next upgrade pushes the file again and applies it" 0 "[1/1] aa07"
q $DB "DELETE FROM migrate.version" >/dev/null
is "a hand DELETE of migrate.version: not up to date" "f" "$(q $DB "SELECT up_to_date FROM migrate.state")"
q $DB "INSERT INTO migrate.version VALUES ('aa07')" >/dev/null
run -v -d "$U" upgrade
expect "... the next upgrade has nothing to run and no push to make" 0 "holds exactly these revision files" "0 revisions applied"
is "... and leaves the state up to date again" "t" "$(q $DB "SELECT up_to_date FROM migrate.state")"
run -v -d "$U" upgrade
expect "... so the one after is the fast one" 0 "all applied"
q $DB "TRUNCATE migrate.revision, migrate.version" >/dev/null
is "TRUNCATE of the catalog clears the digest" "-|f" "$(state)"
run -d "$U" upgrade
expect "... the next upgrade pushes everything again and runs it all" 0 "[7/7] aa07"
is "... the digest recorded again" "$(expected_digest migrations/versions)|t" "$(state)"

# ---- applying keeps the digest; pushed() is for the owner ------------------------------
run -d "$U" downgrade aa05
d1=$(digest)
run -d "$U" upgrade
is "applying revisions keeps the digest" "$d1|t" "$(state)"
q $DB "CREATE ROLE migrate_noop_reader LOGIN; GRANT USAGE ON SCHEMA migrate TO migrate_noop_reader;
       GRANT SELECT ON migrate.revision, migrate.version, migrate.history TO migrate_noop_reader;
       GRANT EXECUTE ON FUNCTION migrate.current(), migrate.pushed(text) TO migrate_noop_reader" >/dev/null
run -d "postgresql:///$DB?user=migrate_noop_reader" current
expect "a role that may not read migrate.state: current the long way, exit 0" 0 "aa07 (head)"
out=$(psql -X -q -At -d "$DB" -U migrate_noop_reader -c "SELECT migrate.pushed('x')" -c '\echo :SQLSTATE' 2>&1)
like "pushed() by a role that does not own the extension: 42501" "permission denied.*42501" "$(tr '\n' ' ' <<<"$out")"
is "... the digest is untouched" "$d1" "$(digest)"

# ---- repair accepts an edited applied revision and records the digest ------------------
sed -i "s/VALUES ('aa07')/VALUES ('aa7x')/" migrations/versions/aa07.sql
run -d "$U" upgrade
expect "an applied revision edited: upgrade refuses" 1 "was applied with checksum"
run -d "$U" repair
expect "... migrate repair: exit 0" 0
is "... records the digest of the files it accepted" "$(expected_digest migrations/versions)|t" "$(state)"
run -v -d "$U" upgrade
expect "... so the next upgrade is the fast one" 0 "all applied"

suite_end
