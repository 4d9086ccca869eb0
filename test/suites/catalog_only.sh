#!/usr/bin/env bash
# test/suites/catalog_only.sh — the files are the program's truth: catalog
# revisions that have no file (issue 15 item 8).
#
#   - a revision made in SQL (migrate.revision()) and not applied: status
#     and check name it (check exits 1), upgrade and push refuse to run
#     (exit 1) naming it, with migrate.script() and migrate.forget() in the
#     hint, and apply nothing; once its file is written from
#     migrate.script() upgrade applies it, once forgotten there is nothing
#     to do;
#   - a pushed revision whose file was deleted before it was applied:
#     status and check name it, the next upgrade removes it from the
#     catalog and says so, and check passes;
#   - a revision made and applied in SQL: status and check count nothing
#     pending (the files' revisions are all applied below it) and name the
#     version without a file; upgrade refuses with the stamp --purge hint;
#   - SQLite: a version without a file, check names it and counts nothing
#     pending either.
#
# Runs against the server of PGHOST/PGPORT as a superuser, in databases
# migrate_suite_catonly_* (dropped at the end).  Prints `ok N - name` /
# `not ok N - name` and, last, `X passed, Y failed`.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
P=migrate_suite_catonly
pg_suite_init catonly "${P}_a" "${P}_b"
mkdir -p "$TMP/app"
cp -r "$REPO_ROOT/migrations" "$TMP/app/migrations"
cd "$TMP/app" || exit 1
unset DATABASE_URL PGDATABASE
HEAD=4c7d2e9f0b13
DB=${P}_a
U=postgresql:///$DB

pg_new_db "$DB"
run -d "$U" upgrade
expect "setup: the example revisions applied" 0 "[11/11] $HEAD"

# ---- a revision made in SQL, not applied ------------------------------------------------
pg_setup "$DB" "SELECT migrate.revision('catalog only', 'CREATE TABLE catalog_only (x int);', id => 'cat0000000001')"
run -d "$U" status
expect "status: exit 0, the SQL-made revision named as a problem" 0 \
    "pending:  0" "cat0000000001: only in the catalog: made in SQL, it has no file"
run -d "$U" status --json
is "status --json: the problem listed" "1 0" "$(jq_py "len([p for p in d['problems'] if p.startswith('cat0000000001: only in the catalog')]), len(d['pending'])")"
run -d "$U" check
expect "check: exit 1 naming it" 1 "cat0000000001: only in the catalog"
unlike "... and not a pending revision of the files" "revisions? pending" "$ERR"
run -d "$U" upgrade
expect "upgrade: refused, exit 1, naming it" 1 \
    'revision cat0000000001 ("catalog only") exists only in the catalog: it was made in SQL and has no file in migrations/versions' \
    "SELECT migrate.script('cat0000000001')" "SELECT migrate.forget('cat0000000001')"
is "... nothing applied, the revision kept" "$HEAD|1|0" \
   "$(q "$DB" "SELECT (SELECT string_agg(revision, ',') FROM migrate.version) || '|' ||
                      (SELECT count(*) FROM migrate.revision WHERE id = 'cat0000000001') || '|' ||
                      (SELECT count(*) FROM pg_class WHERE relname = 'catalog_only')")"
run -d "$U" push
expect "push: refused the same way" 1 "revision cat0000000001" "exists only in the catalog"
run -d "$U" stamp heads
expect "stamp: refused the same way" 1 "revision cat0000000001" "exists only in the catalog"
run -d "$U" downgrade -1
expect "downgrade: refused the same way" 1 "revision cat0000000001" "exists only in the catalog"
is "... nothing changed by any of them" "$HEAD|1" \
   "$(q "$DB" "SELECT (SELECT string_agg(revision, ',') FROM migrate.version) || '|' ||
                      (SELECT count(*) FROM migrate.revision WHERE id = 'cat0000000001')")"

# the first way out: write its file
q "$DB" "SELECT migrate.script('cat0000000001')" >migrations/versions/cat0000000001_catalog_only.sql
run -d "$U" upgrade
expect "its file written from migrate.script(): upgrade applies it" 0 "[1/1] cat0000000001 catalog only"
is "... the table made" "1" "$(q "$DB" "SELECT count(*) FROM pg_class WHERE relname = 'catalog_only'")"
run -d "$U" check
expect "... check: up to date" 0 "up to date"

# the second way out: forget it
pg_setup "$DB" "SELECT migrate.revision('second', 'CREATE TABLE catalog_second (x int);', id => 'cat0000000002')"
run -d "$U" upgrade
expect "another one made in SQL: refused" 1 "revision cat0000000002"
pg_setup "$DB" "SELECT migrate.forget('cat0000000002')"
run -d "$U" upgrade
expect "... forgotten with migrate.forget(): upgrade has nothing to do" 0
is "... and ran nothing" "" "$OUT"
run -d "$U" check
expect "... check: up to date" 0 "up to date"

# ---- a pushed revision whose file was deleted, not applied ---------------------------
rev migrations gone0000001 cat0000000001 "deleted later" <<<"-- migrate:upgrade
CREATE TABLE gone_table (x int);"
run -d "$U" push
expect "setup: a new revision pushed" 0 "1 added or replaced"
rm migrations/versions/gone0000001_deleted_later.sql
run -d "$U" status
expect "its file deleted: status names it" 0 \
    "gone0000001: not applied, and its file gone0000001_deleted_later.sql is gone: the next push or upgrade removes it"
run -d "$U" check
expect "... check: exit 1 naming it" 1 "gone0000001: not applied"
run -d "$U" upgrade
expect "... upgrade removes it from the catalog and says so" 0 \
    "revision gone0000001 has no file (it came from gone0000001_deleted_later.sql); removed from the catalog"
is "... never ran" "0|0" \
   "$(q "$DB" "SELECT (SELECT count(*) FROM migrate.revision WHERE id = 'gone0000001') || '|' ||
                      (SELECT count(*) FROM pg_class WHERE relname = 'gone_table')")"
run -d "$U" check
expect "... check: up to date" 0 "up to date"

# ---- made and applied in SQL -----------------------------------------------------------
pg_setup "$DB" "SELECT migrate.revision('applied in sql', 'CREATE TABLE applied_in_sql (x int);', id => 'sql0000000001')"
pg_setup "$DB" "SELECT count(*) FROM migrate.upgrade()"
run -d "$U" status
expect "applied in SQL: status counts nothing pending and names the version without a file" 0 \
    "current:  sql0000000001" "pending:  0" "sql0000000001: missing: the database is at this revision"
run -d "$U" check
expect "... check: exit 1 naming it" 1 "sql0000000001: missing"
unlike "... and no revision of the files pending" "revisions? pending" "$ERR"
run -d "$U" check --json
is "... check --json: nothing pending" "False 0" "$(jq_py "d['ok'], len(d['pending'])")"
run -d "$U" upgrade
expect "... upgrade refused, exit 1" 1 "the database is at revision sql0000000001" "stamp <target> --purge"
run -d "$U" stamp --purge cat0000000001
expect "... stamp --purge to a revision with a file: exit 0" 0
pg_setup "$DB" "SELECT migrate.forget('sql0000000001')"
run -d "$U" check
expect "... then forgotten: check up to date" 0 "up to date"

# ---- SQLite: a version without a file ------------------------------------------------
S=sqlite:///$TMP/app.db
run -d "$S" upgrade
expect "SQLite: setup" 0 "[12/12] cat0000000001"
mkdir -p more/versions
cp migrations/versions/*.sql more/versions/
rev more zzzz0001 cat0000000001 "only in the other directory" <<<"-- migrate:upgrade"
run --dir more -d "$S" upgrade
expect "SQLite: a revision of another directory applied" 0 "[1/1] zzzz0001"
run -d "$S" check
expect "SQLite: check names the version without a file: exit 1" 1 "zzzz0001: missing"
unlike "... and counts nothing pending" "revisions? pending" "$ERR"
run -d "$S" status
expect "SQLite: status: nothing pending" 0 "pending:  0"

suite_end
