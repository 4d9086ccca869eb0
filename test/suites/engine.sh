#!/usr/bin/env bash
# test/suites/engine.sh — one engine (issue 10): offline scripts from the
# server and from the files are the same bytes; ranged --sql needs no
# database and its scripts work on empty databases (psql, sqlite3); exit
# statuses follow where an error came from, the same on both dialects.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
suite_init engine
DBS=(migrate_suite_engine_a migrate_suite_engine_b migrate_suite_engine_c)
cleanup() { for d in "${DBS[@]}"; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done; rm -rf "$TMP"; }
trap cleanup EXIT
cp -r "$REPO_ROOT/migrations" "$TMP/migrations"
A="postgresql:///${DBS[0]}" B="postgresql:///${DBS[1]}" C="postgresql:///${DBS[2]}"
for d in "${DBS[@]}"; do pg_fresh "$d"; done
q "${DBS[0]}" "CREATE EXTENSION migrate" >/dev/null

# ---- ranged --sql: files only, no database ------------------------------------
run -d postgresql://nohost.invalid/nodb upgrade base:heads --sql
expect "ranged upgrade --sql with an unreachable server: exit 0, no connection" 0 "CREATE EXTENSION IF NOT EXISTS migrate" "add_revision("
cp "$TMP/.out" "$TMP/range_pg.sql"
run upgrade base:heads --sql
is "... without any URL the dialect is postgresql, same bytes" "$(cat "$TMP/range_pg.sql")" "$OUT"
run -d sqlite:///"$TMP"/missing.db upgrade base:heads --sql
expect "ranged upgrade --sql with a SQLite file that does not exist: exit 0" 0 "BEGIN IMMEDIATE" "migrate_version"
cp "$TMP/.out" "$TMP/range_sq.sql"
is "... and the file is not created" "absent" "$([ -e "$TMP/missing.db" ] && echo present || echo absent)"
# the history's xid is one random id per run
noxid() { sed -E "s/'[0-9a-f]{16}' FROM temp/'XID' FROM temp/"; }
run upgrade base:heads --sql --dialect sqlite
is "... --dialect sqlite writes the same script" "$(noxid < "$TMP/range_sq.sql")" "$(noxid <<<"$OUT")"
run upgrade base:heads --sql --dialect oracle
expect "an unknown dialect: exit 2" 2 'unknown dialect "oracle"'
run upgrade heads --dialect sqlite
expect "--dialect without --sql: exit 2" 2 "--dialect goes with --sql"
run -d postgresql://nohost.invalid/nodb downgrade heads:base --sql
expect "ranged downgrade --sql: exit 0, no connection" 0 "Running downgrade"

# ---- the server's script and the program's are the same bytes -----------------
run -d "$A" push
expect "push into a database at base: exit 0" 0
srv=$(psql -X -At -d "${DBS[0]}" -c "SELECT migrate.upgrade_sql('heads')")
is "upgrade_sql() on the server = upgrade base:heads --sql from the files" "$(cat "$TMP/range_pg.sql")" "$srv"
run -d "$A" upgrade --sql
is "... = upgrade --sql against the database" "$(cat "$TMP/range_pg.sql")" "$OUT"

# ---- the PostgreSQL script on an empty database ---------------------------------
out=$(psql -X -q -v ON_ERROR_STOP=1 -d "${DBS[1]}" -f "$TMP/range_pg.sql" 2>&1); rc=$?
is "the ranged script runs with psql -v ON_ERROR_STOP=1 on a database without the extension" "0" "$rc"
q "${DBS[2]}" "CREATE EXTENSION migrate" >/dev/null
run -d "$C" upgrade
expect "migrate upgrade on a third database: exit 0" 0
versions() { q "$1" "SELECT revision FROM migrate.version ORDER BY 1"; }
is "... script and upgrade give the same version rows" "$(versions "${DBS[2]}")" "$(versions "${DBS[1]}")"
schema() { pg_dump -s -n public "$1" 2>&1 | grep -v -e '^--' -e '^$' -e '^\\restrict' -e '^\\unrestrict'; }
is "... and the same schema" "$(schema "${DBS[2]}")" "$(schema "${DBS[1]}")"
run -d "$B" current
expect "migrate current after the script: exit 0 (every revision it records is known)" 0 "(head)"
hist() { q "$1" "SELECT revision, action, checksum FROM migrate.history ORDER BY id"; }
is "... and the same history" "$(hist "${DBS[2]}")" "$(hist "${DBS[1]}")"

# ---- the SQLite script on a new file --------------------------------------------
sqlite3 -batch "$TMP/script.db" < "$TMP/range_sq.sql" >/dev/null 2>&1; rc=$?
is "the ranged SQLite script runs with sqlite3 on a new file" "0" "$rc"
run -d sqlite:///"$TMP"/prog.db upgrade
expect "migrate upgrade on another SQLite file: exit 0" 0
sq_schema() { sq "$1" "SELECT sql FROM sqlite_schema WHERE name NOT LIKE 'migrate_%' AND name NOT LIKE 'sqlite_%' ORDER BY name"; }
is "... same application schema" "$(sq_schema "$TMP/prog.db")" "$(sq_schema "$TMP/script.db")"
is "... same version rows" "$(sq "$TMP/prog.db" 'SELECT revision FROM migrate_version ORDER BY 1')" \
   "$(sq "$TMP/script.db" 'SELECT revision FROM migrate_version ORDER BY 1')"
run -d sqlite:///"$TMP"/script.db current
expect "... migrate current reads the script's state" 0 "(head)"

# ---- exit statuses ----------------------------------------------------------------
run -d postgresql://nohost.invalid/nodb current
expect "an unreachable PostgreSQL server: exit 1" 1 "could not connect"
run -d sqlite:///"$TMP"/nothere.db current
expect "a SQLite file that does not exist: exit 1" 1 "does not exist"
mkdir -p "$TMP/bad/versions"
for kind in "div:SELECT 1/0;" "int:SELECT 'x'::integer;" "range:SELECT 2147483647 + 1;" "noidx:DROP INDEX nosuch_index;"; do
    name=${kind%%:*} sql=${kind#*:}
    rm -f "$TMP/bad/versions"/*
    printf -- '-- migrate:revision bad_%s\n-- migrate:revises base\n\n-- migrate:upgrade\n%s\n' "$name" "$sql" > "$TMP/bad/versions/bad_$name.sql"
    pg_fresh "${DBS[2]}"; q "${DBS[2]}" "CREATE EXTENSION migrate" >/dev/null
    run -d "$C" --dir "$TMP/bad" upgrade
    expect "a revision failing with '$sql' on PostgreSQL: exit 1 (a failed migration, whatever its SQLSTATE)" 1 "bad_$name"
    run -d sqlite:///"$TMP"/bad_$name.db --dir "$TMP/bad" upgrade
    if [ "$RC" != 0 ]; then expect "... on SQLite: exit 1" 1 "bad_$name"; else ok "... on SQLite the statement is not an error"; fi
done
run -d "$C" --dir "$TMP/bad" upgrade nosuchtarget
expect "an unknown target is input: exit 2" 2 "nosuchtarget"

# ---- the files are the truth: a revision whose file was deleted ------------------
for d in "${DBS[0]}"; do pg_fresh "$d"; q "$d" "CREATE EXTENSION migrate" >/dev/null; done
rm -rf "$TMP/gone" && cp -r "$REPO_ROOT/migrations" "$TMP/gone"
head=$("$MIGRATE" --dir "$TMP/gone" heads | sed 's/ .*//' | head -n 1)
printf -- '-- migrate:revision zz00gone0001\n-- migrate:revises %s\n\n-- migrate:upgrade\nCREATE TABLE gone (id int);\n\n-- migrate:downgrade\nDROP TABLE gone;\n' "$head" \
    > "$TMP/gone/versions/zz00gone0001_gone.sql"
run -d "$A" --dir "$TMP/gone" push
expect "push with an extra revision: exit 0" 0
rm "$TMP/gone/versions/zz00gone0001_gone.sql"
run -d "$A" --dir "$TMP/gone" stamp heads
expect "its file deleted, stamp heads: exit 0" 0
is "... stamps the heads of the files, not the deleted revision" "$("$MIGRATE" --dir "$TMP/gone" heads | sed 's/ .*//' | sort | tr '\n' ' ')" \
   "$(q "${DBS[0]}" "SELECT revision FROM migrate.version ORDER BY 1" | tr '\n' ' ')"
is "... and the catalog no longer has it" "0" "$(q "${DBS[0]}" "SELECT count(*) FROM migrate.revision WHERE id = 'zz00gone0001'")"
run -d "$A" --dir "$TMP/gone" check
expect "... check passes" 0 "up to date"
sqdb=sqlite:///"$TMP"/gone.db
printf -- '-- migrate:revision zz00gone0001\n-- migrate:revises %s\n\n-- migrate:upgrade\nCREATE TABLE gone (id int);\n' "$head" \
    > "$TMP/gone/versions/zz00gone0001_gone.sql"
run -d "$sqdb" --dir "$TMP/gone" upgrade "$head"
rm "$TMP/gone/versions/zz00gone0001_gone.sql"
run -d "$sqdb" --dir "$TMP/gone" upgrade
expect "SQLite: a deleted unapplied revision's file, upgrade: exit 0" 0
is "... migrate_revision no longer has it" "0" "$(sq "$TMP/gone.db" "SELECT count(*) FROM migrate_revision WHERE id = 'zz00gone0001'")"

# ---- forget() -----------------------------------------------------------------------
run -d "$A" --dir "$TMP/gone" push
printf -- '-- migrate:revision zz00late0001\n-- migrate:revises %s\n\n-- migrate:upgrade\nSELECT 1;\n' "$head" > "$TMP/late.sql"
echo "SELECT migrate.add_revision(:'txt', 'late.sql');" |
    psql -X -q -At -v ON_ERROR_STOP=1 -v txt="$(cat "$TMP/late.sql")" -d "${DBS[0]}" >/dev/null
out=$(psql -X -q -At -d "${DBS[0]}" -c "SELECT migrate.forget('$head')" -c '\echo :SQLSTATE' 2>&1)
like "forget() of an applied revision: 55000" "is applied and cannot be forgotten.*55000" "$(tr '\n' ' ' <<<"$out")"
out=$(psql -X -q -At -d "${DBS[0]}" -c "SELECT migrate.forget('nosuch')" -c '\echo :SQLSTATE' 2>&1)
like "forget() of an unknown revision: 42704" "no revision named.*42704" "$(tr '\n' ' ' <<<"$out")"
is "forget() of an unapplied leaf removes it" "0" \
   "$(q "${DBS[0]}" "SELECT migrate.forget('zz00late0001'); SELECT count(*) FROM migrate.revision WHERE id = 'zz00late0001'" | tail -n 1)"
run -d "$A" --dir "$TMP/gone" check
expect "... and the state is up to date again" 0 "up to date"

# ---- hints name commands in the caller's syntax ----------------------------------
rm -rf "$TMP/oneway" && mkdir -p "$TMP/oneway/versions"
printf -- '-- migrate:revision ow0000000001\n-- migrate:revises base\n\n-- migrate:upgrade\nCREATE TABLE oneway (id int);\n' \
    > "$TMP/oneway/versions/ow0000000001_oneway.sql"
pg_fresh "${DBS[2]}"; q "${DBS[2]}" "CREATE EXTENSION migrate" >/dev/null
run -d "$C" --dir "$TMP/oneway" upgrade
run -d "$C" --dir "$TMP/oneway" downgrade base
expect "PostgreSQL: downgrading a revision without a downgrade names the program's stamp" 1 \
    'hint: Add a "-- migrate:downgrade" section to ow0000000001_oneway.sql' '"migrate stamp <target>"'
run -d sqlite:///"$TMP"/oneway.db --dir "$TMP/oneway" upgrade
run -d sqlite:///"$TMP"/oneway.db --dir "$TMP/oneway" downgrade base
expect "SQLite: the same hint, the same syntax" 1 '"migrate stamp <target>"'
out=$(psql -X -q -At -d "${DBS[2]}" -c "SELECT migrate.downgrade('base')" 2>&1)
like "SQL: the server's hint names SELECT migrate.stamp()" "HINT: .*SELECT migrate.stamp\('<target>'\)" "$(tr '\n' ' ' <<<"$out")"
q "${DBS[2]}" "INSERT INTO migrate.version VALUES ('ghost0000001')" >/dev/null
out=$(psql -X -q -At -d "${DBS[2]}" -c "SELECT migrate.upgrade()" 2>&1)
like "SQL: an unknown version's hint names add_revision() and stamp(purge => true)" \
    "HINT: .*migrate.add_revision\(\).*SELECT migrate.stamp\('<target>', purge => true\)" "$(tr '\n' ' ' <<<"$out")"
out=$(psql -X -q -At -d "${DBS[2]}" -c "SET migrate.caller = 'program'" -c "SELECT migrate.upgrade()" 2>&1)
like "... with migrate.caller = 'program': \"migrate push\" and \"migrate stamp <target> --purge\"" \
    'HINT: .*load it with "migrate push", or reset the version with "migrate stamp <target> --purge"' "$(tr '\n' ' ' <<<"$out")"
run -d "$C" --dir "$TMP/oneway" current
expect "the program on that database: its own hint, program syntax" 1 "ghost0000001" '"migrate stamp <target> --purge"'

suite_end
