#!/usr/bin/env bash
# test/suites/autogen_cli.sh — the program's autogenerate (SPEC §6, issue
# 11): edit the model, `migrate migrate`, review, upgrade, check; diff to
# the model and between two databases; the model as a file or a
# directory; errors at a line of the model; renames; schemas; SQLite answers
# too (autogen_sqlite.sh tests it).  The server does the diffing (migrate.diff and
# friends); these tests drive it through the program.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pg_suite_init autogen_cli migrate_suite_ag_a migrate_suite_ag_b migrate_suite_ag_c
cd "$TMP" || exit 1
A=${DBS[0]} B=${DBS[1]} C=${DBS[2]}
for d in "$A" "$B" "$C"; do pg_new_db "$d"; done
export DATABASE_URL="postgresql:///$A"
mkdir -p app && cd app && "$MIGRATE" init >/dev/null

# ---- no model --------------------------------------------------------------------
run diff
expect "diff without a model: exit 2, says where the model goes" 2 "migrations/schema.sql" "--schema FILE"

# ---- the loop: model -> migrate -> review -> upgrade -> check -----------------------
cat > migrations/schema.sql <<'SQL'
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);
SQL
run diff
expect "diff prints the DDL from the database to the model" 0 "CREATE TABLE"
like "... naming the table" "users" "$OUT"
run migrate -m "create users"
expect "migrate -m writes a revision and prints its path" 0 "Generating migrations/versions/" "_create_users.sql ... done"
f=$(ls migrations/versions/*_create_users.sql 2>/dev/null | head -n 1)
like "... with an upgrade section that creates the table" "migrate:upgrade.*CREATE TABLE[^;]*users" "$(tr '\n' ' ' < "$f")"
like "... and a downgrade that drops it" "migrate:downgrade.*DROP TABLE[^;]*users" "$(tr '\n' ' ' < "$f")"
run upgrade
expect "upgrade applies it" 0 "create users"
run check
expect "check: at heads and the model matches" 0 "up to date"
run migrate -m "nothing"
expect "no change: 'No changes in schema detected.', exit 0" 0 "No changes in schema detected."
is "... and no file is written" "1" "$(ls migrations/versions/*.sql | wc -l)"

cat >> migrations/schema.sql <<'SQL'
ALTER TABLE users ADD COLUMN phone text;
SQL
run check
expect "check after the model changed: exit 1, new upgrade operations detected" 1 "new upgrade operations detected"
like "... with the pending DDL" "phone" "$OUT $ERR"
run diff
like "diff shows the new column" "ADD COLUMN[^;]*phone" "$OUT"
run migrate -m "add phone"
expect "migrate -m \"add phone\"" 0 "_add_phone.sql ... done"
run upgrade
expect "... upgrade" 0 "add phone"
is "... the column is there" "phone" "$(q "$A" "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'phone'")"
run check
expect "... check passes again" 0 "up to date"
run downgrade
expect "downgrade -1 runs the generated downgrade" 0
is "... the column is gone" "" "$(q "$A" "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'phone'")"
run upgrade
expect "... and upgrade again" 0

# ---- hazards are printed ---------------------------------------------------------------
sed -i '/phone/d' migrations/schema.sql
run migrate -m "drop phone"
expect "dropping a column: written" 0 "_drop_phone.sql ... done"
like "... its hazard is printed on stderr" "hazard:" "$ERR"
like "... and is in the file" "-- hazard:" "$(cat migrations/versions/*_drop_phone.sql)"
run upgrade
expect "... upgrade" 0

# ---- --online: the transactional part, then the indexes CONCURRENTLY -------------
cat >> migrations/schema.sql <<'SQL'
CREATE INDEX users_name ON users (name);
CREATE TABLE tags (id int PRIMARY KEY, label text NOT NULL);
SQL
run migrate -m "tags" --online
expect "--online writes two revisions and prints both paths" 0 "_tags.sql ... done" "_tags_build_indexes_concurrently.sql ... done"
f1=$(ls migrations/versions/*_tags.sql 2>/dev/null | head -n 1)
f2=$(ls migrations/versions/*_tags_build_indexes_concurrently.sql 2>/dev/null | head -n 1)
like "... the first creates the table in a transaction" "CREATE TABLE[^;]*tags" "$(tr '\n' ' ' < "$f1")"
like "... the second is transaction false" "migrate:transaction false" "$(cat "$f2")"
like "... builds the index CONCURRENTLY" "CREATE INDEX CONCURRENTLY users_name" "$(cat "$f2")"
like "... on top of the first" "migrate:revises $(sed -n 's/^-- migrate:revision //p' "$f1")" "$(cat "$f2")"
run upgrade
expect "... upgrade applies both" 0 "tags" "build indexes concurrently"
is "... the index is there and valid" "t" "$(q "$A" "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_name'::regclass")"
run check
expect "... and the model matches" 0 "up to date"
run downgrade -2
expect "... both downgrade" 0
is "... the index is gone" "" "$(q "$A" "SELECT to_regclass('users_name')")"
run upgrade
expect "... and upgrade again" 0

# ---- not at heads -------------------------------------------------------------------------
run downgrade
echo "CREATE TABLE extra (id int);" >> migrations/schema.sql
run migrate -m "extra"
expect "autogenerate when the database is not at heads: exit 1" 1 "target database is not up to date"
run upgrade

# ---- the model's errors name the file and line -------------------------------------------
printf 'CREATE TABLE ok1 (id int);\n\nCREATE TABLE bad (id int,,);\n' > bad.sql
run diff --schema bad.sql
expect "a syntax error in --schema FILE: exit 2, FILE:3" 2 "bad.sql:3:"
mkdir -p model
printf 'CREATE TABLE m1 (id int);\n' > model/01_first.sql
printf -- '-- second\nCREATE TABLE m2 (id nosuchtype);\n' > model/02_second.sql
run diff --schema model
expect "a directory model: the error names the file and its own line" 2 "model/02_second.sql:2:"
printf -- '-- second\nCREATE TABLE m2 (id int REFERENCES m1);\n' > model/02_second.sql
printf 'CREATE TABLE m1 (id int PRIMARY KEY);\n' > model/01_first.sql
run diff --schema model
expect "... read in name order: 02 refers to 01's table" 0 "m1" "m2"
run diff --schema nosuch.sql
expect "--schema that does not exist: exit 2" 2 "nosuch.sql"

# ---- renames ---------------------------------------------------------------------------------
pg_new_db "$B"
q "$B" "CREATE TABLE t (id int PRIMARY KEY, old_name text)" >/dev/null
printf 'CREATE TABLE t (id int PRIMARY KEY, new_name text);\n' > rename.sql
run -d "postgresql:///$B" diff --schema rename.sql
like "a probable rename is drop+add with a hint" "hint:.*--rename t.old_name:t.new_name" "$OUT"
run -d "postgresql:///$B" diff --schema rename.sql --rename t.old_name:t.new_name
like "--rename t.old_name:t.new_name: RENAME COLUMN" "RENAME COLUMN[^;]*old_name[^;]*new_name" "$OUT"
run -d "postgresql:///$B" diff --schema rename.sql --rename nonsense
expect "a malformed --rename: exit 2" 2 "--rename takes"

# ---- schemas -----------------------------------------------------------------------------------
q "$B" "CREATE SCHEMA s2; CREATE TABLE s2.only_here (id int)" >/dev/null
printf 'CREATE TABLE t (id int PRIMARY KEY, old_name text);\n' > same.sql
run -d "postgresql:///$B" diff --schema same.sql
is "--schemas defaults to public: s2 is not compared" "" "$OUT"
run -d "postgresql:///$B" diff --schema same.sql --schemas public,s2
like "--schemas public,s2: s2's table is dropped" "DROP TABLE[^;]*only_here" "$OUT"

# ---- two databases ------------------------------------------------------------------------------
pg_new_db "$C"
q "$C" "CREATE TABLE t (id int PRIMARY KEY, old_name text, added int)" >/dev/null
run -d "postgresql:///$B" diff --from "postgresql:///$B" --to "postgresql:///$C"
like "diff --from --to: the DDL from one database to the other" "ADD COLUMN[^;]*added" "$OUT"
unlike "... public's built-in comment (pg_dump writes it) is no change" "COMMENT ON SCHEMA" "$OUT"
run -d "postgresql:///$B" diff --from "postgresql:///$B" --to "postgresql:///$B"
is "... a database against itself: no change" "0:" "$RC:$OUT"
q "$C" "COMMENT ON SCHEMA public IS 'tenant data'" >/dev/null
run -d "postgresql:///$B" diff --from "postgresql:///$B" --to "postgresql:///$C"
like "... a comment of its own is one" "COMMENT ON SCHEMA public IS 'tenant data'" "$OUT"
run diff --from "postgresql:///$B"
expect "--from without --to: exit 2" 2 "--from and --to go together"

# ---- SQLite -------------------------------------------------------------------------------------
# (the SQLite side has its own suite, autogen_sqlite.sh; here: it answers)
run -d "sqlite:///$TMP/x.db" diff --schema rename.sql
expect "SQLite: diff against a file that does not exist: exit 1" 1 "does not exist"
run -d "sqlite:///$TMP/x.db" migrate -m x --schema rename.sql
expect "SQLite: migrate -m on a file behind the files: not up to date" 1 "target database is not up to date"

suite_end
