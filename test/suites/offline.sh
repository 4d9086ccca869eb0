#!/usr/bin/env bash
# test/suites/offline.sh — offline mode: the scripts of migrate.upgrade_sql()
# and migrate.downgrade_sql(), run with `psql -v ON_ERROR_STOP=1 -f`, leave
# exactly the state upgrade()/downgrade() leave.
#
# Two scratch databases get the example revisions of migrations/versions:
# in migrate_suite_offline_srv the server applies them (upgrade(),
# downgrade()), in migrate_suite_offline_sql psql runs the generated
# scripts; after each step both must have the same version set, history
# (revision, action, checksum, role, in order), catalog and application
# schema and data. Also: a script run twice is refused by its state guard;
# "transaction false" revisions (CREATE INDEX CONCURRENTLY) run outside the
# transaction blocks; a hostile search_path changes nothing; the guard
# works in a database whose collation is not C.
#
# Runs against the server of PGHOST/PGPORT as PGUSER (a superuser); drops
# its databases at the end. Prints `ok N - name` / `not ok N - name` and,
# last, `X passed, Y failed`.
set -euo pipefail

SRV=migrate_suite_offline_srv
OFF=migrate_suite_offline_sql
ICU=migrate_suite_offline_icu
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pg_compare_suite offline "$SRV" "$OFF" "$ICU"

# generate DB FUNCTION TARGET FILE: write the offline script to FILE
generate() {
    psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" \
        -c "SELECT migrate.$2('$3')" -o "$4" 2>&1
}
# run_script DB FILE [env...]: run it the documented way; output in $TMP/run.log
run_script() {
    local db=$1 file=$2; shift 2
    env "$@" psql -X -v ON_ERROR_STOP=1 -d "$db" -f "$file" >"$TMP/run.log" 2>&1
}

# script_runs NAME DB FILE [env...]: run_script must succeed
script_runs() {
    local name=$1; shift
    if run_script "$@"; then ok "$name"; else not_ok "$name" "$(tail -n 5 "$TMP/run.log")"; fi
}

# state DB: everything that must be the same after upgrade() and the script
state() {
    local db=$1
    echo "== current"
    q "$db" "SELECT * FROM migrate.current() ORDER BY 1"
    echo "== version rows"
    q "$db" "SELECT revision FROM migrate.version ORDER BY 1"
    echo "== history"
    q "$db" "SELECT revision, action, checksum, role FROM migrate.history ORDER BY id"
    echo "== every other table of the extension, row by row (times, and the caches"
    echo "   derived from the graph -- revision.tip, the state table -- left out)"
    q "$db" "CREATE FUNCTION pg_temp.table_rows(rel name) RETURNS SETOF text LANGUAGE plpgsql AS \$f\$
             BEGIN
                 RETURN QUERY EXECUTE format(
                     'SELECT %L || '': '' || (SELECT jsonb_object_agg(k, CASE WHEN length(v::text) > 80
                                                 THEN to_jsonb(md5(v::text)) ELSE v END)
                                 FROM jsonb_each(to_jsonb(t)) AS e(k, v)
                                 WHERE k NOT LIKE ''%%\\_at'' AND k NOT IN (''duration'', ''xid'', ''tip''))::text
                      FROM migrate.%I t ORDER BY 1', rel, rel);
             END \$f\$;
             SELECT pg_temp.table_rows(c.relname) FROM pg_class c
             WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind = 'r'
               AND c.relname NOT IN ('history', 'state') ORDER BY c.relname"
    echo "== status"
    q "$db" "SELECT current, heads, pending, problems FROM migrate.status()"
    echo "== schema"
    pg_dump -d "$db" --schema-only --no-owner --exclude-schema=migrate --exclude-schema=evil 2>&1 |
        grep -v -E '^\\(un)?restrict |^-- Dumped (from|by)' || true
    echo "== data (timestamps left out: they are the time of the run)"
    q "$db" "SELECT t.table_name, md5(query_to_xml(format('SELECT %s FROM public.%I ORDER BY %s',
                    t.cols, t.table_name, t.cols), false, false, '')::text)
             FROM (SELECT table_name,
                          string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS cols
                   FROM information_schema.columns
                   WHERE table_schema = 'public' AND data_type NOT LIKE 'timestamp%'
                   GROUP BY table_name) t
             ORDER BY 1"
}
# same_state NAME: compare the two databases
same_state() {
    state "$SRV" >"$TMP/srv.state" || true
    state "$OFF" >"$TMP/off.state" || true
    if grep -q 'ERROR:' "$TMP/srv.state"; then
        not_ok "$1" "$(grep -m3 'ERROR:' "$TMP/srv.state")"
    elif diff -u "$TMP/srv.state" "$TMP/off.state" >"$TMP/state.diff"; then
        ok "$1"
    else
        not_ok "$1" "$(head -n 40 "$TMP/state.diff")"
    fi
}

pg_examples_db "$SRV"
pg_examples_db "$OFF"
nfiles=$(ls "$EXAMPLES"/*.sql | wc -l)
is "both databases hold the $nfiles example revisions" "$nfiles $nfiles" \
    "$(q "$SRV" "SELECT count(*) FROM migrate.revision") $(q "$OFF" "SELECT count(*) FROM migrate.revision")"

# ---- step by step: the server versus the scripts -----------------------------------
# each step: FUNCTION TARGET
steps=(
    "upgrade 3f8d2b7c6e10"
    "upgrade reporting@head"
    "upgrade heads"
    "downgrade -1"
    "upgrade heads"
    "downgrade billing@-1"
    "downgrade 3f8d2b7c6e10"
    "upgrade heads"
    "downgrade base"
    "upgrade heads"
)
i=0
for step in "${steps[@]}"; do
    read -r fn target <<<"$step"
    i=$((i + 1))
    script="$TMP/step$i.sql"
    if ! out=$(generate "$OFF" "${fn}_sql" "$target" "$script"); then
        not_ok "step $i: ${fn}_sql('$target') generates a script" "$out"
        continue
    fi
    script_runs "step $i: the script of ${fn}_sql('$target') runs under psql -v ON_ERROR_STOP=1" "$OFF" "$script"
    setup "$SRV" "SET client_min_messages = warning; SELECT migrate.$fn('$target')"
    same_state "step $i: same state as $fn('$target')"
done

# the comment line of each revision, as upgrade() logs it
generate "$OFF" downgrade_sql base "$TMP/down.sql" >/dev/null || true
is "a '-- Running downgrade A -> B, message' comment per revision" \
    "$nfiles" "$(grep -c '^-- Running downgrade [0-9a-f]\{12\} -> ' "$TMP/down.sql" || true)"
like "... as upgrade() logs it" \
    '-- Running downgrade 4c7d2e9f0b13 -> f1e8c2d9a034, add customer phone' "$(cat "$TMP/down.sql")"
run_script "$OFF" "$TMP/down.sql" || true
q "$SRV" "SET client_min_messages = warning; SELECT migrate.downgrade('base')" >/dev/null || true
generate "$OFF" upgrade_sql heads "$TMP/up.sql" >/dev/null || true
is "a '-- Running upgrade A -> B, message' comment per revision" \
    "$nfiles" "$(grep -c '^-- Running upgrade .* -> [0-9a-f]\{12\}' "$TMP/up.sql" || true)"
is "BEGIN first and COMMIT last" "BEGIN; COMMIT;" \
    "$(grep -E '^(BEGIN|COMMIT);$' "$TMP/up.sql" | head -n 1) $(grep -E '^(BEGIN|COMMIT);$' "$TMP/up.sql" | tail -n 1)"

# ---- a script is for the state it was generated from ---------------------------
cp "$TMP/up.sql" "$TMP/up-again.sql"
script_runs "the upgrade script runs" "$OFF" "$TMP/up.sql"
setup "$SRV" "SET client_min_messages = warning; SELECT migrate.upgrade()"
same_state "same state as upgrade()"
# the cached "up to date" flag (0.2: migrate.state) must agree too, or
# check() and upgrade() lose their fast path after an offline upgrade
if [ "$(q "$OFF" "SELECT to_regclass('migrate.state') IS NOT NULL")" == t ]; then
    is "the up-to-date cache of check() agrees with upgrade()'s" \
        "$(q "$SRV" "SELECT row(s.*) FROM migrate.state s")" \
        "$(q "$OFF" "SELECT row(s.*) FROM migrate.state s")"
else
    ok "the up-to-date cache of check() agrees with upgrade()'s # SKIP no migrate.state"
fi
hist=$(q "$OFF" "SELECT count(*) FROM migrate.history") || true
if run_script "$OFF" "$TMP/up-again.sql"; then
    not_ok "the same script run twice is refused" "it ran again"
else
    like "the same script run twice is refused by its state guard" \
        'ERROR:  migrate: the database is not at the state this script was generated for' \
        "$(cat "$TMP/run.log")"
fi
is "... and changed nothing" "$hist" "$(q "$OFF" "SELECT count(*) FROM migrate.history")"
same_state "... the state is still the same as upgrade()'s"
# a stale script: generated, then the state moved on
generate "$OFF" downgrade_sql -1 "$TMP/stale.sql" >/dev/null || true
setup "$OFF" "SET client_min_messages = warning; SELECT migrate.downgrade('-1')"
setup "$SRV" "SET client_min_messages = warning; SELECT migrate.downgrade('-1')"
if run_script "$OFF" "$TMP/stale.sql"; then
    not_ok "a script generated before the state changed is refused" "it ran"
else
    like "a script generated before the state changed is refused" \
        'not at the state this script was generated for' "$(cat "$TMP/run.log")"
fi
setup "$OFF" "SET client_min_messages = warning; SELECT migrate.upgrade()"
setup "$SRV" "SET client_min_messages = warning; SELECT migrate.upgrade()"
# a failing revision SQL: ON_ERROR_STOP stops, nothing of the transaction stays
hist=$(q "$OFF" "SELECT count(*) FROM migrate.history") || true
setup "$OFF" "CREATE TABLE blocker (id integer)"
pg_add_revisions "$OFF" /dev/stdin >/dev/null <<'EOF' || not_ok "setup: add a failing revision"
-- migrate:revision ffff00000001
-- migrate:revises 4c7d2e9f0b13
-- migrate:message fails halfway

-- migrate:upgrade
CREATE TABLE before_blocker (id integer);
CREATE TABLE blocker (id integer);
EOF
generate "$OFF" upgrade_sql heads "$TMP/failing.sql" >/dev/null || true
if run_script "$OFF" "$TMP/failing.sql"; then
    not_ok "a failing statement stops the script" "it ran"
else
    ok "a failing statement stops the script"
fi
is "... and its transaction left nothing behind" " 4c7d2e9f0b13 $hist" \
    "$(q "$OFF" "SELECT to_regclass('before_blocker')") $(q "$OFF" "SELECT * FROM migrate.current()") $(q "$OFF" "SELECT count(*) FROM migrate.history")"
is "... nor a lock" "0" \
    "$(q "$OFF" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")"
setup "$OFF" "DELETE FROM migrate.revision WHERE id = 'ffff00000001'; DROP TABLE blocker"

# ---- a hostile search_path ------------------------------------------------------
for db in "$SRV" "$OFF"; do
    setup "$db" "SET client_min_messages = warning; SELECT migrate.downgrade('3f8d2b7c6e10')"
done
setup "$OFF" "CREATE SCHEMA evil;
    CREATE FUNCTION evil.trap_arr(text[], text[]) RETURNS boolean LANGUAGE plpgsql
        AS \$\$ BEGIN RAISE EXCEPTION 'evil <> called'; END \$\$;
    CREATE OPERATOR evil.<> (LEFTARG = text[], RIGHTARG = text[], FUNCTION = evil.trap_arr);
    CREATE FUNCTION evil.trap_ts(timestamptz, timestamptz) RETURNS interval LANGUAGE plpgsql
        AS \$\$ BEGIN RAISE EXCEPTION 'evil - called'; END \$\$;
    CREATE OPERATOR evil.- (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.trap_ts);
    CREATE FUNCTION evil.unnest(text[]) RETURNS SETOF text LANGUAGE plpgsql
        AS \$\$ BEGIN RAISE EXCEPTION 'evil unnest called'; END \$\$;
    CREATE FUNCTION evil.clock_timestamp() RETURNS timestamptz LANGUAGE plpgsql
        AS \$\$ BEGIN RAISE EXCEPTION 'evil clock_timestamp called'; END \$\$;
    CREATE FUNCTION evil.set_config(text, text, boolean) RETURNS text LANGUAGE plpgsql
        AS \$\$ BEGIN RAISE EXCEPTION 'evil set_config called'; END \$\$;
    CREATE FUNCTION evil.current_setting(text) RETURNS text LANGUAGE plpgsql
        AS \$\$ BEGIN RAISE EXCEPTION 'evil current_setting called'; END \$\$;
    CREATE FUNCTION evil.pg_advisory_xact_lock(bigint) RETURNS void LANGUAGE plpgsql
        AS \$\$ BEGIN RAISE EXCEPTION 'evil lock called'; END \$\$;
    CREATE FUNCTION evil.trap_agg(text[], text) RETURNS text[] LANGUAGE plpgsql
        AS \$\$ BEGIN RAISE EXCEPTION 'evil array_agg called'; END \$\$;
    CREATE AGGREGATE evil.array_agg(text) (SFUNC = evil.trap_agg, STYPE = text[]);
    CREATE TABLE evil.version (revision text);
    CREATE TABLE evil.history (revision text);"
generate "$OFF" upgrade_sql heads "$TMP/hostile.sql" >/dev/null || true
script_runs "the script runs under a hostile search_path" "$OFF" "$TMP/hostile.sql" PGOPTIONS="-c search_path=public,evil,pg_catalog"
setup "$SRV" "SET client_min_messages = warning; SELECT migrate.upgrade()"
same_state "... with the same result as upgrade()"
is "... without touching the look-alike tables" "0 0" \
    "$(q "$OFF" "SELECT count(*) FROM evil.version") $(q "$OFF" "SELECT count(*) FROM evil.history")"

# ---- transaction false ------------------------------------------------------------
cat >"$TMP/aaaa00000001_index_concurrently.sql" <<'EOF'
-- migrate:revision aaaa00000001
-- migrate:revises 4c7d2e9f0b13
-- migrate:message index customer phones concurrently
-- migrate:transaction false

-- migrate:upgrade
CREATE INDEX CONCURRENTLY ix_customers_phone ON customers (phone);
CREATE INDEX CONCURRENTLY ix_orders_ordered_at ON orders (ordered_at);

-- migrate:downgrade
DROP INDEX CONCURRENTLY ix_orders_ordered_at;
DROP INDEX CONCURRENTLY ix_customers_phone;
EOF
cat >"$TMP/aaaa00000002_after_index.sql" <<'EOF'
-- migrate:revision aaaa00000002
-- migrate:revises aaaa00000001
-- migrate:message after the index

-- migrate:upgrade
CREATE TABLE after_index (id integer);

-- migrate:downgrade
DROP TABLE after_index;
EOF
out=$(pg_add_revisions "$OFF" "$TMP"/aaaa*.sql) || not_ok "setup: add the transaction-false revisions" "$out"
generate "$OFF" upgrade_sql heads "$TMP/concurrently.sql" >/dev/null || true
# the CONCURRENTLY statements are outside any BEGIN ... COMMIT
outside=$(awk '/^BEGIN;$/ { inside = 1 } /^COMMIT;$/ { inside = 0 }
               /CONCURRENTLY/ && !inside { n++ } END { print n + 0 }' "$TMP/concurrently.sql")
is "transaction false: its statements are outside the transaction blocks" "2" "$outside"
is "... under a session-level lock" "SELECT pg_catalog.pg_advisory_lock(30796665482998885);" \
    "$(grep -m1 'pg_advisory' "$TMP/concurrently.sql")"
script_runs "... and the script runs under psql" "$OFF" "$TMP/concurrently.sql"
is "... building valid indexes" "t" \
    "$(q "$OFF" "SELECT bool_and(indisvalid) AND count(*) = 2 FROM pg_index
                 WHERE indexrelid IN ('ix_customers_phone'::regclass, 'ix_orders_ordered_at'::regclass)")"
is "... recording both revisions" "aaaa00000002|aaaa00000001:upgrade,aaaa00000002:upgrade" \
    "$(q "$OFF" "SELECT (SELECT string_agg(c, ',') FROM migrate.current() c) || '|' ||
                 (SELECT string_agg(revision || ':' || action, ',' ORDER BY id) FROM migrate.history
                  WHERE revision LIKE 'aaaa%')")"
is "... with their checksums" "" \
    "$(q "$OFF" "SELECT h.revision FROM migrate.history h JOIN migrate.revision r ON r.id = h.revision
                 WHERE h.revision LIKE 'aaaa%' AND h.checksum IS DISTINCT FROM r.checksum")"
is "... and check() is satisfied" "" "$(q "$OFF" "SELECT migrate.check()")"
is "... and no lock is left" "0" \
    "$(q "$OFF" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")"
if run_script "$OFF" "$TMP/concurrently.sql"; then
    not_ok "... run twice: refused" "it ran again"
else
    like "... run twice: refused by the guard, before any index is built" \
        'not at the state this script was generated for' "$(cat "$TMP/run.log")"
fi
generate "$OFF" downgrade_sql 4c7d2e9f0b13 "$TMP/concurrently-down.sql" >/dev/null || true
script_runs "the downgrade script runs DROP INDEX CONCURRENTLY" "$OFF" "$TMP/concurrently-down.sql"
is "... and is back where it was" "4c7d2e9f0b13||" \
    "$(q "$OFF" "SELECT (SELECT string_agg(c, ',') FROM migrate.current() c) || '|' ||
                 coalesce(to_regclass('ix_customers_phone')::text, '') || '|' ||
                 coalesce(to_regclass('after_index')::text, '')")"

# ---- a database whose collation is not C ---------------------------------------------
# The version set is compared as a sorted array: the order must not depend
# on the database's collation (ids "Zeta01" and "alpha01" sort differently
# in C and in en-US).
if psql -X -q -d postgres -c "CREATE DATABASE $ICU TEMPLATE template0 LOCALE_PROVIDER icu
                                 ICU_LOCALE 'en-US' LOCALE 'C.utf8'" >/dev/null 2>&1; then
    setup "$ICU" "CREATE EXTENSION migrate;
        SELECT migrate.revision('z', 'CREATE TABLE z (id integer);', 'DROP TABLE z;', revises => '{}', id => 'Zeta01');
        SELECT migrate.revision('a', 'CREATE TABLE a (id integer);', 'DROP TABLE a;', revises => '{}', id => 'alpha01');
        SET client_min_messages = warning;
        SELECT migrate.upgrade();
        SELECT migrate.merge(ARRAY['Zeta01', 'alpha01']);"
    generate "$ICU" upgrade_sql heads "$TMP/icu.sql" >/dev/null || true
    script_runs "an en-US database: the script's guard accepts the state it was generated for" "$ICU" "$TMP/icu.sql"
    is "... and the merge is applied" "" "$(q "$ICU" "SELECT migrate.check()")"
    # back to two version rows (Zeta01, alpha01)
    setup "$ICU" "SET client_min_messages = warning; SELECT migrate.downgrade('alpha01')"
    generate "$ICU" downgrade_sql base "$TMP/icu-down.sql" >/dev/null || true
    script_runs "an en-US database: a downgrade from two version rows" "$ICU" "$TMP/icu-down.sql"
else
    ok "an en-US database: # SKIP no ICU collation available"
    ok "... and the merge is applied # SKIP no ICU"
    ok "an en-US database: a downgrade from two version rows # SKIP no ICU"
fi

# ---- header text never leaves its comment (issue 15) -------------------------
# a carriage return in a header value would end the "-- Running ..." comment
# of the script and run what follows as SQL: refused by the parser, and a
# catalog that holds one (stored before the parser refused it) is written
# with a space instead
INJ=$TMP/inj
mkdir -p "$INJ/versions"
printf -- '-- migrate:revision 1e1e00000001\n-- migrate:revises base\n-- migrate:message harmless\rDROP TABLE victim; --\n\n-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 1;\n' \
    >"$INJ/versions/1e1e00000001_inj.sql"
rc=0
out=$("$MIGRATE" --dir "$INJ" upgrade base:heads --sql 2>&1) || rc=$?
is "a CR in a header value: migrate upgrade --sql exits 2" 2 "$rc"
like "... naming the file, the line and the character" "1e1e00000001_inj.sql:3: control character U\+000D in the value of \"migrate:message\"" "$out"
out=$(echo "SELECT migrate.add_revision(:'f', 'inj.sql');" |
      psql -X -q -d "$SRV" -v VERBOSITY=verbose -v f="$(cat "$INJ/versions/1e1e00000001_inj.sql")" 2>&1) || true
like "... and add_revision() refuses it (22P02, as every malformed file), naming line 3" "22P02.*inj.sql:3: control character" "$(tr '\n' ' ' <<<"$out")"
setup "$SRV" "SET client_min_messages = warning; SELECT migrate.downgrade('base')"
q "$SRV" "CREATE TABLE victim (id integer)" >/dev/null
first=$(q "$SRV" "SELECT id FROM migrate.revision WHERE revises = '{}' ORDER BY id LIMIT 1")
q "$SRV" "UPDATE migrate.revision SET message = E'harmless\\rDROP TABLE victim; --' WHERE id = '$first'" >/dev/null
generate "$SRV" upgrade_sql "$first" "$TMP/inj.sql" >/dev/null || true
if grep -q $'\r' "$TMP/inj.sql"; then not_ok "a stored message with a CR: upgrade_sql() writes no CR"; else
    ok "a stored message with a CR: upgrade_sql() writes no CR"; fi
like "... the message in its comment, a space for the CR" "-- Running upgrade  -> $first, harmless DROP TABLE victim; --" "$(cat "$TMP/inj.sql")"
run_script "$SRV" "$TMP/inj.sql" || true
is "... and running the script leaves the table alone" "victim" "$(q "$SRV" "SELECT to_regclass('public.victim')")"

# a year 0 "created" is refused by the parser (PostgreSQL would refuse it
# later, at the push, with 22008 naming no file)
printf -- '-- migrate:revision 1e1e00000002\n-- migrate:revises base\n-- migrate:created 0000-01-01\n\n-- migrate:upgrade\nSELECT 1;\n' \
    >"$INJ/versions/1e1e00000001_inj.sql"
rc=0
out=$("$MIGRATE" --dir "$INJ" upgrade base:heads --sql 2>&1) || rc=$?
is "created 0000-01-01: exit 2" 2 "$rc"
like "... naming file and line" '1e1e00000001_inj.sql:3: invalid timestamp "0000-01-01"' "$out"

# client meta-commands in a body: psql runs "\! cmd" and sqlite3 ".shell
# cmd" from an offline script (online they are syntax errors): refused
# when the script is written, naming file and line (issue 15 item 4)
META="$TMP/meta"
rm -rf "$META"; mkdir -p "$META/versions"
printf -- '-- migrate:revision 1e1e00000003\n-- migrate:revises base\n\n-- migrate:upgrade\nSELECT 1;\n\\! touch %s/pwned\n' "$TMP" \
    >"$META/versions/1e1e00000003_meta.sql"
rc=0
out=$("$MIGRATE" --dir "$META" upgrade base:heads --sql 2>&1) || rc=$?
is "a psql meta-command line in a body: upgrade --sql exits 2" 2 "$rc"
like "... naming the file and line" "1e1e00000003_meta.sql:6: upgrade of revision 1e1e00000003.*psql meta-command" "$out"
out=$(echo "SET client_min_messages = warning; SELECT migrate.add_revision(:'f', 'meta.sql'); SELECT migrate.upgrade_sql('1e1e00000003');" |
      psql -X -q -d "$SRV" -v VERBOSITY=verbose -v f="$(cat "$META/versions/1e1e00000003_meta.sql")" 2>&1) || true
like "... and upgrade_sql() refuses it (22P02), naming line 6" "22P02.*meta.sql:6:.*psql meta-command" "$(tr '\n' ' ' <<<"$out")"
[ -e "$TMP/pwned" ] && not_ok "... nothing ran" || ok "... nothing ran"
printf -- '-- migrate:revision 1e1e00000003\n-- migrate:revises base\n\n-- migrate:upgrade\nSELECT 1;\n.shell touch %s/pwned\n' "$TMP" \
    >"$META/versions/1e1e00000003_meta.sql"
rc=0
out=$("$MIGRATE" --dir "$META" upgrade base:heads --sql --dialect sqlite 2>&1) || rc=$?
is "a sqlite3 dot-command line in a body: upgrade --sql (SQLite) exits 2" 2 "$rc"
like "... naming the file and line" "1e1e00000003_meta.sql:6: .*sqlite3 dot-command" "$out"
printf -- '-- migrate:revision 1e1e00000003\n-- migrate:revises base\n\n-- migrate:upgrade\nSELECT '"'"'a\\b'"'"', E'"'"'\\n'"'"', $x$ \\q $x$, "c\\d" FROM (SELECT 1 AS "c\\d") s; -- \\! in a comment\n/* \\q */ SELECT 1.5\n  , .5;\n' \
    >"$META/versions/1e1e00000003_meta.sql"
rc=0
out=$("$MIGRATE" --dir "$META" upgrade base:heads --sql 2>&1) || rc=$?
is "backslashes in strings, dollar quotes, identifiers and comments are SQL: the script is written" 0 "$rc"
rc=0
out=$("$MIGRATE" --dir "$META" upgrade base:heads --sql --dialect sqlite 2>&1) || rc=$?
is "... and on SQLite a line starting with blanks then \".\" too" 0 "$rc"

pg_suite_cleanup
trap - EXIT
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
