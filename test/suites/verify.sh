#!/usr/bin/env bash
# test/suites/verify.sh — snapshots, drift and the migration test suite
# through the program (SPEC §8), on PostgreSQL and on SQLite:
#
#   - migrate test on a history with a downgrade that forgets an index, one
#     that drops the wrong column, an irreversible revision and a correct
#     one: each reported exactly, exit 1, nothing left behind (PostgreSQL:
#     no table, no version, no history row; SQLite: the file unchanged, a
#     missing file not created); the example migrations pass, with and
#     without a model;
#   - a transaction-false revision is skipped on PostgreSQL with a note,
#     and runs with --scratch on a scratch database that is dropped after;
#     --scratch refuses clearly while another session is connected;
#   - migrate drift after changes made by hand: each object with its repair
#     SQL, exit 1, a drift line in migrate status, --json; running the
#     repair SQL ends the drift; no snapshot: exit 1 saying so.
#
# Runs against the server of PGHOST/PGPORT as a superuser, in databases
# migrate_suite_verify*, dropped at the end.  Prints `ok N - name` /
# `not ok N - name` and, last, `X passed, Y failed`.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DB=migrate_suite_verify
EX=migrate_suite_verify_examples
pg_suite_init verify "$DB" "$EX"
cd "$TMP" || exit 1
PGURL="postgresql:///$DB?host=$PGHOST&port=$PGPORT"
EXURL="postgresql:///$EX?host=$PGHOST&port=$PGPORT"

# the stairway's history: correct, forgets an index, drops the wrong
# column, irreversible (no downgrade), correct
stairs() {
    local d=$1
    rm -rf "$d"
    rev_sql "$d" 21aa00000001 base "create t" \
        'CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL, b text);' 'DROP TABLE t;'
    rev_sql "$d" 21bb00000002 21aa00000001 "index t.b" 'CREATE INDEX t_b_idx ON t (b);' 'SELECT 1;'
    rev_sql "$d" 21cc00000003 21bb00000002 "add t.e" 'ALTER TABLE t ADD COLUMN e integer;' \
        'ALTER TABLE t DROP COLUMN a;'
    printf -- '-- migrate:upgrade\nINSERT INTO t (id, a) VALUES (1, 1);\n' |
        rev "$d" 21dd00000004 21cc00000003 "seed t"
    rev_sql "$d" 21ee00000005 21dd00000004 "add u" \
        'CREATE TABLE u (id integer PRIMARY KEY REFERENCES t);' 'DROP TABLE u;'
}
# row WORD TEST REVISION DETAIL: the line of migrate test for it
row() { printf '%-7s %-32s %-12s %s' "$1" "$2" "$3" "$4"; }

# the same stairway, exactly reported, on both dialects ($1: the URL, $2: the
# schema prefix of object names)
stairway_cases() {
    local url=$1 p=$2 what=$3
    stairs st
    run -d "$url" --dir st test
    is "$what: migrate test of the broken history exits 1" 1 "$RC"
    is "$what: ... one line per revision and test, and the summary" \
"$(row ok test_single_head_revision - 'one head: 21ee00000005')
$(row ok test_up_down_consistency 21aa00000001 'upgrade, downgrade, upgrade: the downgrade restores the schema')
$(row FAILED test_up_down_consistency 21bb00000002 "the downgrade does not restore the schema: left behind: index ${p}t_b_idx")
$(row FAILED test_up_down_consistency 21cc00000003 "the downgrade does not restore the schema: left behind: column ${p}t.e; missing: column ${p}t.a")
$(row ok test_up_down_consistency 21dd00000004 'irreversible (no downgrade section): upgraded, not downgraded')
$(row ok test_up_down_consistency 21ee00000005 'upgrade, downgrade, upgrade: the downgrade restores the schema')
$(row ok test_upgrade - '5 revisions upgraded in order')
5 passed, 2 failed, 0 skipped" "$OUT"
    run -d "$url" --dir st test --json
    json_ok "$what: test --json is JSON" 1
    is "$what: ... a row per test, ok true/false" "7 [True, True, False, False, True, True, True]" \
        "$(jq_py 'len(d), [r["ok"] for r in d]')"
    # fixed downgrades: all pass
    rev_sql st 21bb00000002 21aa00000001 "index t.b" 'CREATE INDEX t_b_idx ON t (b);' 'DROP INDEX t_b_idx;'
    rev_sql st 21cc00000003 21bb00000002 "add t.e" 'ALTER TABLE t ADD COLUMN e integer;' \
        'ALTER TABLE t DROP COLUMN e;'
    run -d "$url" --dir st test
    expect "$what: the fixed history passes: exit 0" 0 "7 passed, 0 failed, 0 skipped"
    # with a model: test_model_definitions_match_ddl
    cat >model.sql <<'EOF'
CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL, b text, e integer);
CREATE INDEX t_b_idx ON t (b);
CREATE TABLE u (id integer PRIMARY KEY REFERENCES t);
EOF
    run -d "$url" --dir st test --schema model.sql
    expect "$what: ... and matches its model" 0 "test_model_definitions_match_ddl" \
        "the schema at the target matches the model" "8 passed, 0 failed, 0 skipped"
    echo "CREATE TABLE extra (id integer);" >>model.sql
    run -d "$url" --dir st test --schema model.sql
    expect "$what: a model the migrations do not reach: exit 1, with the DDL" 1 \
        "the schema at the target differs from the model" "extra" "7 passed, 1 failed, 0 skipped"
    # an upgrade that fails: named, with what needs it skipped
    rev_sql st 21ff00000006 21ee00000005 "broken" 'ALTER TABLE nosuch ADD COLUMN z integer;' 'SELECT 1;'
    rev_sql st 21ab00000007 21ff00000006 "after broken" 'CREATE TABLE v (id integer);' 'DROP TABLE v;'
    run -d "$url" --dir st test
    expect "$what: a failing upgrade is a failure naming revision, file and line, what needs it skipped" 1 \
        "21ff00000006 upgrade failed: " "nosuch" \
        "not run: it needs 21ff00000006, which is not applied" "5 of 7 revisions upgraded: an upgrade failed"
    like "$what: ... the file and line of the failing statement" '21ff00000006_broken.sql(:|, line )6' "$OUT"
    rm -f st/versions/21ff* st/versions/21ab*
}

# ---- PostgreSQL ---------------------------------------------------------------
pg_new_db "$DB"
stairway_cases "$PGURL" public. PostgreSQL
is "PostgreSQL: nothing of the test is left: no table, version or history row" "|0|0|" \
    "$(q "$DB" "SELECT to_regclass('public.t'), (SELECT count(*) FROM migrate.version), (SELECT count(*) FROM migrate.history)" | tr '\n' '|')"

# the examples pass, from base and from the middle, with their own model
pg_new_db "$EX"
run -d "$EXURL" --dir "$REPO_ROOT/migrations" test
expect "the example migrations pass migrate test" 0 "test_single_head_revision" \
    "13 passed, 0 failed, 0 skipped"
run -d "$EXURL" --dir "$REPO_ROOT/migrations" upgrade reporting@head
run -d "$EXURL" --dir "$REPO_ROOT/migrations" test
expect "... and from the middle of the graph" 0 "passed, 0 failed, 0 skipped"
run -d "$EXURL" --dir "$REPO_ROOT/migrations" upgrade
pg_dump -s -d "$EX" --exclude-schema=migrate -f ex_model.sql
run -d "$EXURL" --dir "$REPO_ROOT/migrations" downgrade base
run -d "$EXURL" --dir "$REPO_ROOT/migrations" test --schema ex_model.sql
expect "... with pg_dump -s of their heads as the model" 0 \
    "the schema at the target matches the model" "14 passed, 0 failed, 0 skipped"

# transaction false: skipped with a note; run with --scratch
stairs st
rm -f st/versions/21bb* st/versions/21cc*
sed -i 's/21cc00000003/21aa00000001/' st/versions/21dd*
printf -- '-- migrate:upgrade\nCREATE INDEX CONCURRENTLY u_id_idx ON u (id);\n\n-- migrate:downgrade\nDROP INDEX CONCURRENTLY u_id_idx;\n' |
    rev st 21ad00000009 21ee00000005 "concurrent index" "-- migrate:transaction false"
run -d "$PGURL" --dir st test
expect "a transaction-false revision is skipped, with a note" 0 \
    "skipped test_up_down_consistency         21ad00000009 skipped: transaction false" \
    "not run to the end: 3 of 4 revisions upgraded" "4 passed, 0 failed, 2 skipped"
run -d "$PGURL" --dir st test --scratch
expect "--scratch runs it on a scratch database: exit 0" 0 \
    "$(row ok test_up_down_consistency 21ad00000009 'upgrade, downgrade, upgrade: the downgrade restores the schema')" \
    "6 passed, 0 failed, 0 skipped"
is "... the scratch database is dropped, the database untouched" "0 0" \
    "$(q postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'migrate_test_%'") $(q "$DB" "SELECT count(*) FROM migrate.version")"
# a downgrade leaving a trace on the scratch database stops the stairway there
printf -- '-- migrate:upgrade\nCREATE INDEX CONCURRENTLY u_id_idx ON u (id);\n\n-- migrate:downgrade\nSELECT 1;\n' |
    rev st 21ad00000009 21ee00000005 "concurrent index" "-- migrate:transaction false"
rev_sql st 21ae0000000a 21ad00000009 "after" 'CREATE TABLE w (id integer);' 'DROP TABLE w;'
run -d "$PGURL" --dir st test --scratch
expect "--scratch: a downgrade leaving an index behind fails, the rest is not run" 1 \
    "left behind: index public.u_id_idx" "not run: the test stopped after the failure of 21ad00000009"
psql -X -q -d "$DB" -c "SELECT pg_sleep(30)" >/dev/null 2>&1 &
sleeper=$!
for _ in $(seq 50); do
    [ "$(q postgres "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB' AND query LIKE '%pg_sleep%'")" == 1 ] && break
    sleep 0.1
done
run -d "$PGURL" --dir st test --scratch
expect "--scratch while another session is connected: exit 1, saying why" 1 \
    "could not create the scratch database" "no other session connected"
kill "$sleeper" 2>/dev/null; wait "$sleeper" 2>/dev/null

# drift
stairs st
rm -f st/versions/21bb* st/versions/21cc*
sed -i 's/21cc00000003/21aa00000001/' st/versions/21dd*
run -d "$PGURL" --dir st upgrade
run -d "$PGURL" --dir st drift
expect "drift right after upgrade: none, exit 0" 0 "no drift"
q "$DB" "ALTER TABLE t ADD COLUMN c integer; CREATE INDEX t_a_idx ON t (a)" >/dev/null
run -d "$PGURL" --dir st drift
expect "drift after changes by hand: exit 1, each object and its repair SQL" 1 \
    "added    column public.t.c" "ALTER TABLE public.t DROP COLUMN c;" \
    "added    index public.t_a_idx" "DROP INDEX public.t_a_idx;"
run -d "$PGURL" --dir st status
expect "status has a drift line" 0 "drift:    2 objects changed outside migrations (migrate drift)" \
    "added column public.t.c"
run -d "$PGURL" --dir st check
expect "check fails on drift: exit 1, naming the objects" 1 \
    "the schema drifted from its snapshot:" "added column public.t.c" "added index public.t_a_idx"
run -d "$PGURL" --dir st check --json
json_ok "check --json on drift is JSON, exit 1" 1
is "... ok false, with the drifted objects" "False ['column public.t.c', 'index public.t_a_idx']" \
    "$(jq_py 'd["ok"], sorted(r["object"] for r in d["drift"])')"
run -d "$PGURL" --dir st drift --json
json_ok "drift --json is JSON" 1
is "... recorded, and the two objects" "True ['column public.t.c', 'index public.t_a_idx']" \
    "$(jq_py 'd["recorded"], sorted(r["object"] for r in d["drift"])')"
"$MIGRATE" -d "$PGURL" --dir st drift 2>/dev/null | grep -v '^added ' >repair.sql
q "$DB" "$(cat repair.sql)" >/dev/null
run -d "$PGURL" --dir st drift
expect "running the repair SQL ends the drift" 0 "no drift"
run -d "$PGURL" --dir st check --json
json_ok "... and check passes: exit 0"
is "... ok true, no drift" "True []" "$(jq_py 'd["ok"], d["drift"]')"
q "$DB" "DELETE FROM migrate.snapshot" >/dev/null
run -d "$PGURL" --dir st drift
expect "no snapshot for the version set: exit 1, saying so" 1 "no snapshot is recorded"
run -d "$PGURL" --dir st status
expect "... status says drift is unknown" 0 "drift:    unknown (no snapshot recorded for this version set)"

# ---- SQLite -------------------------------------------------------------------
SQ="sqlite:///$TMP/st.db"
stairway_cases "$SQ" "" SQLite
if [ -e st.db ]; then not_ok "SQLite: migrate test of a file not made yet does not create it"; else
    ok "SQLite: migrate test of a file not made yet does not create it"; fi
stairs st
run -d "$SQ" --dir st upgrade 21aa00000001
before=$(sha st.db)
run -d "$SQ" --dir st test
expect "SQLite: from the middle: exit 1 on the broken downgrades" 1 "4 passed, 2 failed, 0 skipped"
is "SQLite: the file is unchanged (the test ran on a copy)" "$before" "$(sha st.db)"
# transaction false runs on the copy (VACUUM cannot run in a transaction)
printf -- '-- migrate:upgrade\nVACUUM;\nCREATE TABLE n (id integer);\n\n-- migrate:downgrade\nDROP TABLE n;\n' |
    rev st 21ac00000008 21ee00000005 "vacuum" "-- migrate:transaction false"
run -d "$SQ" --dir st test
expect "SQLite: a transaction-false revision runs on the copy" 1 \
    "$(row ok test_up_down_consistency 21ac00000008 'upgrade, downgrade, upgrade: the downgrade restores the schema')"

# drift
stairs st
rm -f st/versions/21bb* st/versions/21cc*
sed -i 's/21cc00000003/21aa00000001/' st/versions/21dd*
rm -f st.db
run -d "$SQ" --dir st upgrade
is "SQLite: upgrade records the snapshot of the version set in migrate_snapshot" "21ee00000005|1" \
    "$(sq st.db "SELECT version_set, length(sha256) = 64 FROM migrate_snapshot")"
run -d "$SQ" --dir st drift
expect "SQLite: drift right after upgrade: none" 0 "no drift"
sq st.db "ALTER TABLE t ADD COLUMN c integer; CREATE INDEX t_a_idx ON t (a); DROP TABLE u" >/dev/null
run -d "$SQ" --dir st drift
expect "SQLite: drift after changes by hand: exit 1, each object and its repair SQL" 1 \
    "added    column t.c" "ALTER TABLE t DROP COLUMN c;" "added    index t_a_idx" "DROP INDEX t_a_idx;" \
    "dropped  table u" "CREATE TABLE u"
run -d "$SQ" --dir st status
expect "SQLite: status has a drift line" 0 "drift:    3 objects changed outside migrations"
run -d "$SQ" --dir st check
expect "SQLite: check fails on drift: exit 1" 1 "the schema drifted from its snapshot"

"$MIGRATE" -d "$SQ" --dir st drift 2>/dev/null | grep -v -E '^(added|dropped|changed) ' >repair.sql
sq st.db "$(cat repair.sql)" >/dev/null
run -d "$SQ" --dir st drift
expect "SQLite: running the repair SQL ends the drift" 0 "no drift"
run -d "$SQ" --dir st drift --schemas public
expect "SQLite: --schemas is refused" 2 "a SQLite file has one schema"
run -d "$SQ" --dir st downgrade 21dd00000004
is "SQLite: downgrade records the snapshot of its version set" "1" \
    "$(sq st.db "SELECT count(*) FROM migrate_snapshot WHERE version_set = '21dd00000004' AND text NOT LIKE '%CREATE TABLE u%'")"
sq st.db "DELETE FROM migrate_snapshot" >/dev/null
MIGRATE_SNAPSHOTS=off run -d "$SQ" --dir st upgrade
is "SQLite: MIGRATE_SNAPSHOTS=off records none" "0" "$(sq st.db "SELECT count(*) FROM migrate_snapshot")"
run -d "$SQ" --dir st drift
expect "SQLite: no snapshot: exit 1, saying so" 1 "no snapshot is recorded"

suite_end
