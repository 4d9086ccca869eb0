#!/usr/bin/env bash
# test/suites/load.sh — migrate.load(directory): the server reads every
# *.sql revision file under <directory>/versions (or <directory> itself) and
# adds them all or none; it needs superuser or pg_read_server_files, and
# the extension owner's rights like every state change.
#
# Runs against the server of PGHOST/PGPORT as PGUSER (a superuser), in its
# own scratch database migrate_suite_load and roles regress_load_*, all
# dropped at the end. The server runs as another OS user (postgres), so the
# files live in a world-readable `mktemp -d` directory.
# Prints `ok N - name` / `not ok N - name` and, last, `X passed, Y failed`.
set -euo pipefail

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
EXAMPLES=$REPO_ROOT/migrations/versions
DB=migrate_suite_load
ROLES=(regress_load_plain regress_load_reader regress_load_owner)

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
not_ok() { not_ok_whole "$@"; }

# q SQL [psql options]: one query's unaligned result; errors go to stdout
q() {
    local sql=$1; shift
    psql -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "$@" -d "$DB" -c "$sql" 2>&1
}
# fails SQL [psql options]: run SQL that must fail; prints its error
# ("ERROR:  SQLSTATE: message", VERBOSITY verbose) and returns 0 only if
# it failed
fails() {
    local out
    if out=$(q "$@"); then
        printf 'UNEXPECTED SUCCESS: %s\n' "$out"
        return 1
    fi
    printf '%s\n' "$out" | grep -m1 '^ERROR:' || printf '%s\n' "$out"
}

# setup SQL: a step that must work; a failure counts as a failed test
setup() {
    local out
    if ! out=$(q "$@"); then not_ok "setup: $1" "$out"; fi
}
# fresh_db: an empty scratch database with the extension
fresh_db() {
    pg_drop_dbs "$DB"
    psql -X -q -d postgres -c "CREATE DATABASE $DB" >/dev/null &&
        q "CREATE EXTENSION migrate" >/dev/null
}

TMP=$(mktemp -d /tmp/migrate-load-XXXX)
chmod 755 "$TMP"
cleanup() {
    pg_drop_dbs "$DB"
    pg_drop_roles "${ROLES[@]}"
    chmod -R u+rwX "$TMP" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

# mkdirs NAME: a fresh world-readable migrations directory with versions/
mkdirs() {
    mkdir -p "$TMP/$1/versions"
    chmod 755 "$TMP/$1" "$TMP/$1/versions"
    echo "$TMP/$1"
}
# examples_in NAME: mkdirs NAME with a copy of the example revisions
examples_in() {
    mkdirs "$1" >/dev/null
    cp "$EXAMPLES"/*.sql "$TMP/$1/versions/"
    echo "$TMP/$1"
}
# refused NAME REGEX DIR: load(DIR) fails with an error matching REGEX
refused() {
    local err
    err=$(fails "SELECT migrate.load('$3')") || true
    like "$1" "$2" "$err"
}
# nothing_added: the catalog holds no revision
nothing_added() { is "... and nothing is added" "0" "$(q "SELECT count(*) FROM migrate.revision")"; }

pg_drop_roles "${ROLES[@]}"

if ! fresh_db; then
    not_ok "create database $DB with the extension"
    echo "$pass passed, $fail failed"
    exit 1
fi

# ---- the example migrations -------------------------------------------------
ex=$(examples_in examples)
chmod 644 "$ex/versions/"*.sql
# files that are not revisions are skipped
echo "not a revision" >"$ex/versions/README.txt"
echo "not a revision" >"$ex/versions/.hidden.sql"
chmod 644 "$ex/versions/README.txt" "$ex/versions/.hidden.sql"
nfiles=$(ls "$EXAMPLES"/*.sql | wc -l)

is "load() of the example directory adds its $nfiles revisions" \
    "$nfiles" "$(q "SELECT migrate.load('$ex')")"
is "the catalog holds exactly them" \
    "$nfiles" "$(q "SELECT count(*) FROM migrate.revision")"

# every stored script is its file, byte for byte, with the file name as source
bad=""
for f in "$EXAMPLES"/*.sql; do
    b=$(basename "$f")
    want=$(md5sum <"$f" | cut -d' ' -f1)
    got=$(q "SELECT md5(script) FROM migrate.revision WHERE source = '$b'") || true
    [ "$want" == "$got" ] || bad+="$b "
done
is "each revision's script is its file and its source the file name" "" "$bad"

before=$(q "SELECT string_agg(id || ':' || xmin::text || ':' || loaded_at::text, ',' ORDER BY id) FROM migrate.revision") || true
is "a second load() changes nothing and returns 0" \
    "0" "$(q "SELECT migrate.load('$ex')")"
is "... the rows are not even rewritten" \
    "$before" "$(q "SELECT string_agg(id || ':' || xmin::text || ':' || loaded_at::text, ',' ORDER BY id) FROM migrate.revision")"
is "a trailing slash names the same directory" \
    "0" "$(q "SELECT migrate.load('$ex/')")"

is "the loaded revisions apply" "$nfiles" \
    "$(q "SET client_min_messages = warning; SELECT migrate.upgrade()")"
is "... to the heads" "" "$(q "SELECT migrate.check()")"

# a directory without versions/ is read itself
flat="$TMP/flat"
mkdir "$flat"; chmod 755 "$flat"
cp "$EXAMPLES"/5aa5020316c5_create_colors_table.sql "$EXAMPLES"/e57af1e0a8f8_create_customers_table.sql "$flat/"
chmod 644 "$flat"/*.sql
fresh_db || not_ok "setup: fresh database"
is "a directory without versions/ is read itself" \
    "2" "$(q "SELECT migrate.load('$flat')")"
is "... and load('<dir>/versions') reads the same files" \
    "0" "$(q "SELECT migrate.load('$ex/versions') - $((nfiles - 2))")"

# ---- all or nothing -----------------------------------------------------------
fresh_db || not_ok "setup: fresh database"
malformed=$(examples_in malformed)
cat >"$malformed/versions/zz0000000001_bad.sql" <<'EOF'
-- migrate:revision zz0000000001
-- migrate:revises f1e8c2d9a034
-- migrate:mesage typo in a key

-- migrate:upgrade
SELECT 1;
EOF
chmod 644 "$malformed/versions/"*.sql
refused "a malformed file: 22P02 naming file:line" \
    '^ERROR:  22P02: zz0000000001_bad\.sql:3: ' "$malformed"
nothing_added

unreadable=$(examples_in unreadable)
chmod 644 "$unreadable/versions/"*.sql
chmod 000 "$unreadable/versions/c49f0d8e2a71_create_order_lines_table.sql"
refused "an unreadable file (chmod 000): 42501 naming the file" \
    "^ERROR:  42501: could not open revision file \"$unreadable/versions/c49f0d8e2a71_create_order_lines_table\.sql\": Permission denied" "$unreadable"
nothing_added

dup=$(examples_in duplicate)
cp "$EXAMPLES"/5aa5020316c5_create_colors_table.sql "$dup/versions/5aa5020316c5_copy.sql"
chmod 644 "$dup/versions/"*.sql
refused "the same id in two files: an error naming both" \
    '^ERROR:  42710: duplicate revision id 5aa5020316c5 in 5aa5020316c5_(copy|create_colors_table)\.sql and 5aa5020316c5_(copy|create_colors_table)\.sql' "$dup"
nothing_added

nul=$(examples_in nul)
printf -- '-- migrate:revision zz0000000002\n-- migrate:revises f1e8c2d9a034\n-- migrate:upgrade\nSELECT 1;\0\n' \
    >"$nul/versions/zz0000000002_nul.sql"
chmod 644 "$nul/versions/"*.sql
refused "a file with a NUL byte: an error naming the file" \
    "^ERROR:  [0-9A-Z]{5}: .*$nul/versions/zz0000000002_nul\.sql" "$nul"

refused "a missing directory: 58P01 naming it" \
    "^ERROR:  58P01: could not open directory \"$TMP/does-not-exist\": No such file or directory" "$TMP/does-not-exist"
nothing_added

# An applied revision edited on disk: refused, nothing else added either.
is "load the examples" "$nfiles" "$(q "SELECT migrate.load('$ex')")"
setup "SET client_min_messages = warning; SELECT migrate.upgrade('5aa5020316c5')"
edited=$(examples_in edited)
sed -i 's/varchar(50)/varchar(80)/' "$edited/versions/5aa5020316c5_create_colors_table.sql"
cat >"$edited/versions/zz0000000003_new.sql" <<'EOF'
-- migrate:revision zz0000000003
-- migrate:revises 4c7d2e9f0b13

-- migrate:upgrade
SELECT 1;
EOF
chmod 644 "$edited/versions/"*.sql
refused "an applied revision edited on disk: 55000 with both checksums" \
    '^ERROR:  55000: revision 5aa5020316c5 was applied with checksum [0-9a-f]{64} but now has checksum [0-9a-f]{64}' "$edited"
is "... and the new revision beside it is not added" \
    "0" "$(q "SELECT count(*) FROM migrate.revision WHERE id = 'zz0000000003'")"

# The hostile search_path of 07_search_path changes nothing.
setup "CREATE SCHEMA evil;
   CREATE TABLE evil.revision (id text);
   CREATE FUNCTION evil.trap(text, text) RETURNS boolean LANGUAGE plpgsql
       AS \$\$ BEGIN RAISE EXCEPTION 'evil operator called'; END \$\$;
   CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.trap);
   CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE plpgsql
       AS \$\$ BEGIN RAISE EXCEPTION 'evil now called'; END \$\$;"
setup "DELETE FROM migrate.revision WHERE id <> ALL (ARRAY['e57af1e0a8f8', '5aa5020316c5'])"
is "load() under a hostile search_path" "$((nfiles - 2))" \
    "$(PGOPTIONS='-c search_path=evil,pg_catalog' q "SELECT migrate.load('$ex')")"
is "... left the look-alike table alone" "0" "$(q "SELECT count(*) FROM evil.revision")"

# ---- privileges -----------------------------------------------------------------
setup "CREATE ROLE regress_load_plain;
   CREATE ROLE regress_load_reader IN ROLE pg_read_server_files;
   GRANT USAGE ON SCHEMA migrate TO regress_load_plain, regress_load_reader;"
err=$(fails "SET ROLE regress_load_plain; SELECT migrate.load('$ex')") || true
is "a role without EXECUTE: 42501" \
    "ERROR:  42501: permission denied for function load" "$err"
setup "GRANT EXECUTE ON FUNCTION migrate.load(text) TO regress_load_plain, regress_load_reader"
err=$(fails "SET ROLE regress_load_plain; SELECT migrate.load('$ex')") || true
is "EXECUTE but neither superuser nor pg_read_server_files: 42501" \
    "ERROR:  42501: permission denied to read revision files on the server" "$err"
err=$(fails "SET ROLE regress_load_reader; SELECT migrate.load('$ex')") || true
is "pg_read_server_files but not the extension owner: 42501" \
    "ERROR:  42501: permission denied to change the migration state" "$err"
err=$(fails "SET ROLE regress_load_reader; SELECT migrate.load('$TMP/does-not-exist')") || true
is "... checked before the directory is even looked at" \
    "ERROR:  42501: permission denied to change the migration state" "$err"

# A member of the extension's owning role passes the owner check (a
# non-superuser cannot create the extension: it has C functions), and may
# load with pg_read_server_files, not without.
owner=$(q "SELECT extowner::regrole FROM pg_extension WHERE extname = 'migrate'") || true
setup "CREATE ROLE regress_load_owner;
   GRANT \"$owner\" TO regress_load_owner;
   DELETE FROM migrate.revision WHERE id <> ALL (ARRAY['e57af1e0a8f8', '5aa5020316c5'])"
err=$(fails "SET ROLE regress_load_owner; SELECT migrate.load('$ex')") || true
is "a member of the owner without pg_read_server_files: 42501" \
    "ERROR:  42501: permission denied to read revision files on the server" "$err"
setup "GRANT pg_read_server_files TO regress_load_owner"
is "... with pg_read_server_files loads" "$((nfiles - 2))" \
    "$(q "SET ROLE regress_load_owner; SELECT migrate.load('$ex')")"

cleanup
trap - EXIT
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
