#!/usr/bin/env bash
# test/suites/sqlite_batch.sh — SQLite batch mode (issue 12, item 3): the
# PostgreSQL ALTER TABLE forms SQLite cannot run, rewritten by the program
# into one 12-step table rebuild per run of ALTER TABLE statements on a table.
#
# With real SQLite files and the installed program:
#   - every form (TYPE … USING, SET/DROP NOT NULL, SET/DROP DEFAULT, ADD
#     PRIMARY KEY/UNIQUE/CHECK/FOREIGN KEY [NOT VALID], DROP CONSTRAINT by
#     name and by PostgreSQL's default names, RENAME CONSTRAINT, DROP COLUMN
#     SQLite refuses, several actions a statement) on tables with indexes,
#     triggers, views, foreign keys in and out, AUTOINCREMENT, STRICT,
#     WITHOUT ROWID, generated columns and 10,000 rows: the schema equals a
#     hand-written one (pragma table_xinfo, index_list/index_xinfo,
#     foreign_key_list, table_list; views and triggers), the rows are the
#     ones that must be there (checksums), integrity_check ok,
#     foreign_key_check empty, the AUTOINCREMENT counter and the rowids kept;
#   - the forms SQLite runs itself run natively (no rebuild in the script);
#   - downgrade sections in ALTER forms: up, down, up round trips;
#   - failures (SET NOT NULL over NULLs, a foreign key broken by a rebuild,
#     an ALTER form with no SQLite equivalent, `-- migrate:batch never`) exit
#     1 naming revision, file and line, and leave the file byte for byte;
#   - the `--sql` scripts (from a database, and for a range with --dialect
#     sqlite) hold the rebuilds and, run by sqlite3, leave what the program
#     leaves;
#   - the same revision file (plain section) on PostgreSQL and on SQLite;
#   - kill -9 in the middle of the rebuild of a 1,000,000-row table
#     (SQLITE_BATCH_BIG_ROWS sets another size);
#   - transaction-false revisions: a rebuild is still all or nothing, and
#     runs with foreign keys off even when the revision turned them on;
#   - a rebuild that would leave a view or trigger broken is refused.
#
# Works in a scratch directory; PostgreSQL parts use the cluster of
# PGHOST/PGPORT (databases migrate_suite_sqlite_batch_*), skipped when PGHOST
# is unset.  Prints `ok N - name` / `not ok N - name` and, last,
# `X passed, Y failed`; exits 1 on failure.
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
skip() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1 # SKIP $2"; }

P=migrate_suite_sqlite_batch
HAVE_PG=0
if [ -n "${PGHOST:-}" ]; then
    HAVE_PG=1
    pg_suite_init sqlite-batch "${P}_pg"
else
    suite_init sqlite-batch
fi
BG=()
cleanup() {
    local p
    for p in ${BG[@]+"${BG[@]}"}; do kill -9 "$p" 2>/dev/null; done
    if [ "$HAVE_PG" -eq 1 ]; then pg_suite_cleanup; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
cd "$TMP" || exit 1
unset DATABASE_URL MIGRATE_SQLITE_BUSY_TIMEOUT

if ! command -v sqlite3 >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q sqlite3 >/dev/null 2>&1 ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q sqlite3 >/dev/null 2>&1; }
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
    skip "SQLite batch mode" "the sqlite3 shell is missing and could not be installed"
    suite_end
    exit
fi

# ---- helpers ---------------------------------------------------------------------------
# schema DB [TABLE...]: the application schema as SQLite reports it, in an
# order that does not depend on how it was created: per table its columns
# (pragma table_xinfo), options (table_list), indexes (index_list with
# index_xinfo; automatic ones by their columns, not their numbered names;
# others with their SQL), foreign keys (foreign_key_list); then every view
# and trigger (name, table)
cat >schema.py <<'PYEOF'
import sqlite3, sys, re
c = sqlite3.connect(sys.argv[1])
only = sys.argv[2:]
q = lambda sql, *a: list(c.execute(sql, a))
norm = lambda s: re.sub(r'\s+', ' ', s or '').strip()
tables = [r[0] for r in q("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'migrate%' ORDER BY name")]
for t in tables:
    if only and t not in only:
        continue
    print('table', t, q("SELECT type, ncol, wr, strict FROM pragma_table_list(?)", t))
    for r in q('SELECT cid, name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)', t):
        print('  column', r)
    lines = []
    for name, uniq, origin, partial in q('SELECT name, "unique", origin, partial FROM pragma_index_list(?)', t):
        cols = q('SELECT seqno, cid, name, "desc", coll, "key" FROM pragma_index_xinfo(?)', name)
        sql = q("SELECT sql FROM sqlite_schema WHERE name = ?", name)
        label = 'auto' if name.startswith('sqlite_autoindex_') else name + ' ' + norm(sql[0][0] if sql else '')
        lines.append('  index %s unique=%s origin=%s partial=%s %s' % (label, uniq, origin, partial, cols))
    for r in q('SELECT "table", "from", "to", on_update, on_delete, "match" FROM pragma_foreign_key_list(?)', t):
        lines.append('  fk %s' % (r,))
    for l in sorted(lines):
        print(l)
for r in q("SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY type, name"):
    if not only or r[2] in only:
        print(*r)
PYEOF
schema() { "$PY" "$TMP/schema.py" "$@" 2>&1; }
# rows DB SELECT: a checksum of the rows of a query (sqlite3's list output)
rows() { sqlite3 -batch "$1" "$2" 2>&1 | sha256sum | cut -c1-64; }
# healthy NAME DB: integrity_check says ok and foreign_key_check nothing
healthy() {
    local ic fk
    ic=$(sq "$2" "PRAGMA integrity_check") fk=$(sq "$2" "PRAGMA foreign_key_check")
    if [ "$ic" == ok ] && [ -z "$fk" ]; then ok "$1"; else
        not_ok "$1" "integrity_check: $ic
foreign_key_check: $fk"; fi
}
# expected DB SQL: a database made by hand with SQL (the schema to compare with)
expected() { rm -f "$1"; printf '%s\n' "$2" | sqlite3 -batch "$1" 2>&1; }
# schema_is NAME DB EXPECTED_DB [TABLE...]
schema_is() {
    local name=$1 got want; got=$(schema "$2" "${@:4}") want=$(schema "$3" "${@:4}")
    if [ "$got" == "$want" ]; then ok "$name"; else
        not_ok_whole "$name" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -n 40)"; fi
}
# no_leftovers NAME DB: no _migrate_new_ table, no journal
no_leftovers() {
    local left; left=$(sq "$2" "SELECT name FROM sqlite_schema WHERE name LIKE '\_migrate%' ESCAPE '\\'")
    [ -e "$2-journal" ] && left="$left journal"
    if [ -z "$left" ]; then ok "$1"; else not_ok "$1" "left: $left"; fi
}
# app_state DB: the application's schema and a checksum of each table's rows
app_state() {
    local t
    schema "$1"
    for t in $(sq "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'migrate%' ORDER BY name"); do
        echo "$t $(rows "$1" "SELECT * FROM \"$t\" ORDER BY 1")"
    done
}
# file_of DIR ID: the revision file of ID
file_of() { ls "$1"/versions/"$2"_*.sql; }
# line_of FILE TEXT: the first line of FILE containing TEXT
line_of() { grep -nF -- "$2" "$1" | head -n 1 | cut -d: -f1; }
# count_of TEXT STRING: how many lines of STRING contain TEXT
count_of() { grep -cF -- "$1" <<<"$2"; }
# up DIR DB [ARGS...]: migrate upgrade (run: RC, OUT, ERR)
up() { local d=$1 db=$2; shift 2; run --dir "$d" -d "sqlite:///$db" upgrade "$@"; }
down() { local d=$1 db=$2; shift 2; run --dir "$d" -d "sqlite:///$db" downgrade "$@"; }
# NUMS N: a CTE of the numbers 1..N, for INSERT … SELECT i FROM n
nums() { printf 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)' "$1"; }

# ==== 1. a table with everything around it, 10,000 rows ====================================
# items: AUTOINCREMENT (its counter above the highest rowid left), a UNIQUE
# column, plain, partial and expression indexes, a foreign key out (cats)
# and in (lines, ON DELETE CASCADE: foreign keys must be off while the old
# table is dropped), triggers (which must not fire for the copy), a view, a
# view of that view and an INSTEAD OF trigger on it.
SHOP_REST="CREATE TABLE cats (id integer PRIMARY KEY, name text NOT NULL);
CREATE INDEX items_name ON items(name);
CREATE INDEX items_note ON items(note) WHERE note <> 'none';
CREATE INDEX items_lower ON items(lower(sku));
CREATE TABLE lines (id integer PRIMARY KEY, item_id integer NOT NULL REFERENCES items(id) ON DELETE CASCADE, n int);
CREATE TABLE audit (item_id integer, what text);
CREATE TRIGGER items_ins AFTER INSERT ON items BEGIN INSERT INTO audit VALUES (new.id, 'ins'); END;
CREATE TRIGGER items_upd AFTER UPDATE OF qty ON items BEGIN INSERT INTO audit VALUES (new.id, 'qty'); END;
CREATE VIEW items_v AS SELECT i.id, i.name, c.name AS cat FROM items i JOIN cats c ON c.id = i.cat_id;
CREATE VIEW items_vv AS SELECT count(*) AS n FROM items_v;
CREATE TRIGGER items_v_ins INSTEAD OF INSERT ON items_v BEGIN INSERT INTO items (sku, name, cat_id, qty) VALUES ('v' || new.id, new.name, 1, 1); END;"
SHOP_ITEMS="CREATE TABLE items (
    id integer PRIMARY KEY AUTOINCREMENT,
    sku text UNIQUE,
    name text,
    cat_id integer REFERENCES cats(id),
    qty int,
    price real DEFAULT 1.5,
    note text DEFAULT 'none'
);"
SHOP_ITEMS_AFTER="CREATE TABLE items (
    id integer PRIMARY KEY AUTOINCREMENT,
    sku varchar(20) UNIQUE,
    name text NOT NULL,
    cat_id integer REFERENCES cats(id),
    qty bigint,
    price real DEFAULT 2.5,
    note text,
    CONSTRAINT items_qty_pos CHECK (qty > 0)
);"
rev shop s0001 base "shop" <<EOF
-- migrate:upgrade
$SHOP_ITEMS
$SHOP_REST
INSERT INTO cats VALUES (1, 'a'), (2, 'b'), (3, 'c');
$(nums 10000)
INSERT INTO items (sku, name, cat_id, qty, note)
    SELECT 'sku' || i, 'item ' || i, 1 + i % 3, i, CASE WHEN i % 5 = 0 THEN 'n' || i ELSE 'none' END FROM n;
INSERT INTO lines (item_id, n) SELECT id, id % 7 FROM items WHERE id % 4 = 0 AND id <= 9900;
DELETE FROM items WHERE id > 9900;
DELETE FROM audit;

-- migrate:downgrade
DROP VIEW items_vv;
DROP VIEW items_v;
DROP TABLE lines;
DROP TABLE audit;
DROP TABLE items;
DROP TABLE cats;
EOF
rev shop s0002 s0001 "alter items" <<'EOF'
-- migrate:upgrade
ALTER TABLE items ALTER COLUMN qty TYPE bigint USING qty * 2;
ALTER TABLE items ALTER COLUMN name SET NOT NULL, ALTER COLUMN price SET DEFAULT 2.5,
    ALTER COLUMN note DROP DEFAULT;
ALTER TABLE items ADD CONSTRAINT items_qty_pos CHECK (qty > 0) NOT VALID,
    ALTER COLUMN sku SET DATA TYPE varchar(20);

-- migrate:downgrade
ALTER TABLE items DROP CONSTRAINT items_qty_pos, ALTER COLUMN sku TYPE text;
ALTER TABLE items ALTER COLUMN name DROP NOT NULL, ALTER COLUMN price SET DEFAULT 1.5,
    ALTER COLUMN note SET DEFAULT 'none';
ALTER TABLE items ALTER COLUMN qty TYPE int USING qty / 2;
EOF
up shop shop.db s0001
expect "shop: the base revision (10,000 rows, indexes, triggers, views, foreign keys)" 0
expected shop_base.db "$SHOP_ITEMS
$SHOP_REST"
schema_is "... its schema is the one written by hand (the comparison works)" shop.db shop_base.db
SHOP_SCHEMA0=$(schema shop.db)
ITEMS0=$(rows shop.db "SELECT rowid, * FROM items ORDER BY rowid")
ITEMS_UP=$(rows shop.db "SELECT rowid, id, sku, name, cat_id, qty * 2, price, note FROM items ORDER BY rowid")
LINES0=$(rows shop.db "SELECT * FROM lines ORDER BY id")
is "... 9,900 items, the AUTOINCREMENT counter at 10,000" "9900|9900|10000" \
    "$(sq shop.db "SELECT count(*), max(id), (SELECT seq FROM sqlite_sequence WHERE name = 'items') FROM items")"
cp shop.db shop_s1.db

up shop shop.db
expect "shop: three ALTER TABLE statements (TYPE … USING, SET NOT NULL, SET/DROP DEFAULT, ADD CHECK NOT VALID, SET DATA TYPE): exit 0" 0 \
    "[1/1] s0002 alter items ... "
expected shop_after.db "$SHOP_ITEMS_AFTER
$SHOP_REST"
schema_is "... the schema is the one written by hand: columns, indexes, foreign keys, views, triggers" shop.db shop_after.db
like "... the CHECK constraint is there, named" "CONSTRAINT items_qty_pos CHECK \(qty > 0\)" \
    "$(sq shop.db "SELECT sql FROM sqlite_schema WHERE name = 'items'")"
is "... the rows are kept, qty through USING qty * 2, rowids and all" "$ITEMS_UP" \
    "$(rows shop.db "SELECT rowid, * FROM items ORDER BY rowid")"
is "... the rows of the table referencing it are all there (no ON DELETE CASCADE)" "$LINES0" \
    "$(rows shop.db "SELECT * FROM lines ORDER BY id")"
is "... no trigger fired for the copy" "0" "$(sq shop.db "SELECT count(*) FROM audit")"
is "... the AUTOINCREMENT counter is kept above the highest rowid" "10000" \
    "$(sq shop.db "SELECT seq FROM sqlite_sequence WHERE name = 'items'")"
is "... the views work" "9900" "$(sq shop.db "SELECT n FROM items_vv")"
healthy "... integrity_check ok, foreign_key_check empty" shop.db
no_leftovers "... no _migrate_new_items table, no journal" shop.db
cp shop.db shop_s2.db
sq shop_s2.db "INSERT INTO items (sku, name, cat_id, qty) VALUES ('new', 'new', 2, 3); UPDATE items SET qty = 5 WHERE id = 4;" >/dev/null
is "... a new row gets id 10001 (the counter), and both triggers fire" "10001 10001|ins 4|qty" \
    "$(sq shop_s2.db "SELECT max(id) FROM items; SELECT item_id, what FROM audit ORDER BY rowid" | tr '\n' ' ' | sed 's/ $//')"
like "... the CHECK is enforced" "CHECK constraint failed: items_qty_pos" \
    "$(sq shop_s2.db "INSERT INTO items (sku, name, qty) VALUES ('neg', 'neg', -1)")"
like "... and NOT NULL" "NOT NULL constraint failed: items.name" \
    "$(sq shop_s2.db "INSERT INTO items (sku, qty) VALUES ('nn', 1)")"
is "... SET DEFAULT 2.5 and DROP DEFAULT" "2.5|" \
    "$(sq shop_s2.db "INSERT INTO items (sku, name, qty) VALUES ('d', 'd', 1); SELECT price, note FROM items WHERE sku = 'd'")"
is "... the INSTEAD OF trigger of the view is there" "1" \
    "$(sq shop_s2.db "INSERT INTO items_v (id, name) VALUES (77, 'via view'); SELECT count(*) FROM items WHERE sku = 'v77'")"

down shop shop.db
expect "shop: the downgrade, in ALTER forms too: exit 0" 0 "[1/1] s0002 alter items ... "
is "... the schema is the original one" "$SHOP_SCHEMA0" "$(schema shop.db)"
is "... the rows are the original ones (USING qty / 2)" "$ITEMS0" "$(rows shop.db "SELECT rowid, * FROM items ORDER BY rowid")"
is "... lines untouched" "$LINES0" "$(rows shop.db "SELECT * FROM lines ORDER BY id")"
is "... the counter is still 10,000" "10000" "$(sq shop.db "SELECT seq FROM sqlite_sequence WHERE name = 'items'")"
healthy "... integrity_check ok, foreign_key_check empty" shop.db
up shop shop.db
expect "shop: up again: exit 0" 0
schema_is "... the schema is the upgraded one again" shop.db shop_after.db
is "... and the rows" "$ITEMS_UP" "$(rows shop.db "SELECT rowid, * FROM items ORDER BY rowid")"
healthy "... integrity_check ok, foreign_key_check empty" shop.db

# ==== 2. a table without INTEGER PRIMARY KEY: its rowids are kept ===========================
# (other tables may hold them without a foreign key); gaps in the rowids
TAGS="CREATE TABLE tags (code text PRIMARY KEY, label text NOT NULL, weight int DEFAULT 0, extra text);
CREATE INDEX tags_weight ON tags(weight);"
rev tags t0001 base "tags" <<EOF
-- migrate:upgrade
$TAGS
$(nums 10000)
INSERT INTO tags (code, label, weight) SELECT 'c' || (20000 - i), 'label ' || i, i % 100 FROM n;
DELETE FROM tags WHERE rowid % 7 = 0;
EOF
rev tags t0002 t0001 "tags keys" <<'EOF'
-- migrate:upgrade
ALTER TABLE tags ALTER COLUMN label DROP NOT NULL, ALTER COLUMN weight DROP DEFAULT,
    ALTER COLUMN extra SET DEFAULT 'x' || 'y';
ALTER TABLE tags DROP CONSTRAINT tags_pkey, ADD CONSTRAINT tags_code_label PRIMARY KEY (code, label);
ALTER TABLE tags ADD UNIQUE (label);

-- migrate:downgrade
ALTER TABLE tags DROP CONSTRAINT tags_label_key;
ALTER TABLE tags DROP CONSTRAINT tags_code_label, ADD PRIMARY KEY (code);
ALTER TABLE tags ALTER COLUMN label SET NOT NULL, ALTER COLUMN weight SET DEFAULT 0,
    ALTER COLUMN extra DROP DEFAULT;
EOF
up tags tags.db t0001
TAGS0=$(rows tags.db "SELECT rowid, * FROM tags ORDER BY rowid")
TAGS_SCHEMA0=$(schema tags.db)
up tags tags.db
expect "tags (rowid table, text PRIMARY KEY): DROP NOT NULL, DROP DEFAULT, SET DEFAULT expression, DROP CONSTRAINT t_pkey, ADD PRIMARY KEY, ADD UNIQUE: exit 0" 0
expected tags_after.db "CREATE TABLE tags (code text, label text, weight int, extra text DEFAULT ('x' || 'y'),
    CONSTRAINT tags_code_label PRIMARY KEY (code, label), UNIQUE (label));
CREATE INDEX tags_weight ON tags(weight);"
schema_is "... the schema is the one written by hand" tags.db tags_after.db
is "... every row with its rowid" "$TAGS0" "$(rows tags.db "SELECT rowid, * FROM tags ORDER BY rowid")"
is "... the default expression is written in parentheses" "xy" \
    "$(sq tags.db "INSERT INTO tags (code, label) VALUES ('new', 'new'); SELECT extra FROM tags WHERE code = 'new'; DELETE FROM tags WHERE code = 'new'")"
healthy "... integrity_check ok, foreign_key_check empty" tags.db
down tags tags.db
expect "tags: downgrade (DROP CONSTRAINT of an unnamed UNIQUE by its default name t_col_key): exit 0" 0
is "... the original schema" "$TAGS_SCHEMA0" "$(schema tags.db)"
is "... the rows and rowids" "$TAGS0" "$(rows tags.db "SELECT rowid, * FROM tags ORDER BY rowid")"

# ==== 3. STRICT tables; constraints by PostgreSQL's default names ==========================
PETS_REST="CREATE TABLE owners (id integer PRIMARY KEY, name text) STRICT;
CREATE TABLE visits (id integer PRIMARY KEY, pet_id integer REFERENCES pets(id)) STRICT;
CREATE INDEX pets_kind ON pets(kind);"
rev pets p0001 base "pets" <<EOF
-- migrate:upgrade
CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer REFERENCES owners(id), tag text UNIQUE,
    age integer CHECK (age >= 0), kind text,
    CONSTRAINT pets_kind_ck CHECK (kind IN ('cat', 'dog'))) STRICT;
$PETS_REST
$(nums 100) INSERT INTO owners SELECT i, 'owner ' || i FROM n;
$(nums 10000) INSERT INTO pets SELECT i, 1 + i % 100, 't' || i, i % 20, CASE WHEN i % 2 THEN 'cat' ELSE 'dog' END FROM n;
$(nums 3000) INSERT INTO visits SELECT i, 1 + i * 3 FROM n;
EOF
rev pets p0002 p0001 "pets strict" <<'EOF'
-- migrate:upgrade
ALTER TABLE pets DROP CONSTRAINT pets_owner_id_fkey, DROP CONSTRAINT pets_tag_key,
    DROP CONSTRAINT pets_age_check;
ALTER TABLE pets RENAME CONSTRAINT pets_kind_ck TO pets_kind_check;
ALTER TABLE pets ALTER COLUMN age TYPE text USING 'age ' || age;
ALTER TABLE pets ALTER COLUMN kind SET NOT NULL;
EOF
up pets pets.db p0001
PETS_UP=$(rows pets.db "SELECT id, owner_id, tag, 'age ' || age, kind FROM pets ORDER BY id")
VISITS0=$(rows pets.db "SELECT * FROM visits ORDER BY id")
run --dir pets -d sqlite:///pets.db upgrade --sql
is "pets (STRICT): four ALTER TABLE statements (DROP CONSTRAINT by default names, RENAME CONSTRAINT, TYPE, SET NOT NULL) are one rebuild" \
    "1" "$(count_of "SAVEPOINT migrate_rebuild" "$OUT")"
up pets pets.db
expect "... upgrade: exit 0" 0
expected pets_after.db "CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer, tag text,
    age text, kind text NOT NULL,
    CONSTRAINT pets_kind_check CHECK (kind IN ('cat', 'dog'))) STRICT;
$PETS_REST"
schema_is "... the schema is the one written by hand (STRICT kept; the foreign key, UNIQUE and CHECK gone)" pets.db pets_after.db
is "... the rows, age as text" "$PETS_UP" "$(rows pets.db "SELECT * FROM pets ORDER BY id")"
is "... a STRICT text column holds text" "text" "$(sq pets.db "SELECT DISTINCT typeof(age) FROM pets")"
is "... the table referencing it is untouched" "$VISITS0" "$(rows pets.db "SELECT * FROM visits ORDER BY id")"
like "... the renamed CHECK constraint reports its new name" "CHECK constraint failed: pets_kind_check" \
    "$(sq pets.db "INSERT INTO pets (id, kind) VALUES (99999, 'cow')")"
healthy "... integrity_check ok, foreign_key_check empty" pets.db

# ==== 4. WITHOUT ROWID, generated columns ==================================================
M_REST="CREATE INDEX m_g ON m(g);
CREATE VIEW m_v AS SELECT k, s FROM m WHERE g > 10;"
rev gen g0001 base "generated" <<EOF
-- migrate:upgrade
CREATE TABLE m (k text PRIMARY KEY, a int NOT NULL, b int,
    g int GENERATED ALWAYS AS (a + b) VIRTUAL, s text AS (k || ':' || a) STORED) WITHOUT ROWID;
$M_REST
$(nums 10000) INSERT INTO m (k, a, b) SELECT printf('k%05d', i), i, i % 10 FROM n;
EOF
rev gen g0002 g0001 "generated change" <<'EOF'
-- migrate:upgrade
ALTER TABLE m ALTER COLUMN a TYPE bigint USING a + 100, ALTER COLUMN b SET NOT NULL,
    ALTER COLUMN b SET DEFAULT 0, ADD COLUMN h int GENERATED ALWAYS AS (a * 2) STORED;
EOF
rev gen g0003 g0002 "drop a" <<'EOF'
-- migrate:upgrade
ALTER TABLE m DROP COLUMN a;
EOF
up gen gen.db g0001
GEN_UP=$(rows gen.db "SELECT k, a + 100, b, a + 100 + b, k || ':' || (a + 100), (a + 100) * 2 FROM m ORDER BY k")
up gen gen.db g0002
expect "m (WITHOUT ROWID, VIRTUAL and STORED generated columns): TYPE … USING a column they use, SET NOT NULL, SET DEFAULT, ADD a STORED generated column: exit 0" 0
expected gen_after.db "CREATE TABLE m (k text PRIMARY KEY, a bigint NOT NULL, b int NOT NULL DEFAULT 0,
    g int GENERATED ALWAYS AS (a + b) VIRTUAL, s text AS (k || ':' || a) STORED,
    h int GENERATED ALWAYS AS (a * 2) STORED) WITHOUT ROWID;
$M_REST"
schema_is "... the schema is the one written by hand" gen.db gen_after.db
is "... the rows, the generated columns computed from the new values" "$GEN_UP" "$(rows gen.db "SELECT * FROM m ORDER BY k")"
is "... the view over it works" "10000" "$(sq gen.db "SELECT count(*) FROM m_v")"
healthy "... integrity_check ok, foreign_key_check empty" gen.db
sum=$(sha gen.db)
up gen gen.db
F=$(file_of gen g0003)
expect "DROP COLUMN of a column a generated column uses: exit 1, naming file, line and the column" 1 \
    "upgrade of revision g0003 (drop a) failed at $F:$(line_of "$F" "DROP COLUMN a"):" "because column g depends on it"
is "... the file is unchanged" "$sum" "$(sha gen.db)"

# ==== 5. DROP COLUMN of columns SQLite refuses to drop =====================================
D_REST="CREATE TABLE e (k text PRIMARY KEY, v int);"
rev drops d0001 base "drops" <<EOF
-- migrate:upgrade
CREATE TABLE d (id integer PRIMARY KEY, code text UNIQUE, ix int, fk integer, ck int, plain text,
    two_a int, two_b int, keep int,
    FOREIGN KEY (fk) REFERENCES d(id), CHECK (ck > 0), UNIQUE (two_a, two_b));
CREATE INDEX d_ix ON d(ix);
CREATE INDEX d_plain_ix ON d(plain, ix);
CREATE INDEX d_keep ON d(keep) WHERE keep > 5;
$D_REST
$(nums 10000) INSERT INTO d SELECT i, 'c' || i, i % 9, CASE WHEN i > 1 THEN i - 1 END, 1 + i % 4, 'p' || i, i, i % 3, i % 11 FROM n;
$(nums 10000) INSERT INTO e SELECT 'k' || i, i FROM n;
DELETE FROM e WHERE rowid % 3 = 0;
EOF
rev drops d0002 d0001 "drop used columns" <<'EOF'
-- migrate:upgrade
ALTER TABLE d DROP COLUMN code, DROP COLUMN ix, DROP COLUMN fk, DROP COLUMN ck, DROP COLUMN two_a;
ALTER TABLE e DROP COLUMN k;
EOF
rev drops d0003 d0002 "drop plain" <<'EOF'
-- migrate:upgrade
ALTER TABLE d DROP COLUMN plain;
ALTER TABLE d DROP COLUMN IF EXISTS nosuch;
EOF
up drops drops.db d0001
D_UP=$(rows drops.db "SELECT id, plain, two_b, keep FROM d ORDER BY id")
E_UP=$(rows drops.db "SELECT rowid, v FROM e ORDER BY rowid")
run --dir drops -d sqlite:///drops.db upgrade d0002 --sql
is "DROP COLUMN of UNIQUE, indexed, foreign-key, CHECK and multi-column-UNIQUE columns, and of a text PRIMARY KEY: two rebuilds in the script" \
    "2" "$(count_of "SAVEPOINT migrate_rebuild" "$OUT")"
up drops drops.db d0002
expect "... upgrade: exit 0" 0
expected drops_after.db "CREATE TABLE d (id integer PRIMARY KEY, plain text, two_b int, keep int);
CREATE INDEX d_keep ON d(keep) WHERE keep > 5;
CREATE TABLE e (v int);"
schema_is "... the schema is the one written by hand: the constraints and indexes on them gone, as PostgreSQL drops them" drops.db drops_after.db
is "... the rows of d" "$D_UP" "$(rows drops.db "SELECT * FROM d ORDER BY id")"
is "... the rows of e, with their rowids" "$E_UP" "$(rows drops.db "SELECT rowid, * FROM e ORDER BY rowid")"
healthy "... integrity_check ok, foreign_key_check empty" drops.db
run --dir drops -d sqlite:///drops.db upgrade --sql
if [[ $OUT == *"ALTER TABLE d DROP COLUMN plain;"* && $OUT != *SAVEPOINT* ]]; then
    ok "a DROP COLUMN SQLite runs itself runs natively (no rebuild in the script)"
else
    not_ok "a DROP COLUMN SQLite runs itself runs natively (no rebuild in the script)" "$OUT"
fi
up drops drops.db
expect "... upgrade (and DROP COLUMN IF EXISTS of no column): exit 0" 0
is "... the column is gone" "id two_b keep" "$(sq drops.db "SELECT name FROM pragma_table_info('d')" | tr '\n' ' ' | sed 's/ $//')"

# ==== 6. forms SQLite runs itself, ADD COLUMN beyond its limits, renames between groups ====
rev nat n0001 base "native" <<EOF
-- migrate:upgrade
CREATE TABLE n1 (id integer PRIMARY KEY, a int, b text, c text);
CREATE INDEX n1_a ON n1(a);
$(nums 10000) INSERT INTO n1 SELECT i, i, 'b' || i, 'c' || i FROM n;
EOF
rev nat n0002 n0001 "native forms" <<'EOF'
-- migrate:upgrade
ALTER TABLE n1 ADD COLUMN d int DEFAULT 5;
ALTER TABLE n1 ADD COLUMN IF NOT EXISTS d int;
ALTER TABLE n1 RENAME COLUMN a TO a2;
ALTER TABLE n1 RENAME TO n2;
ALTER TABLE n2 DROP COLUMN c;
EOF
rev nat n0003 n0002 "beyond limits" <<'EOF'
-- migrate:upgrade
ALTER TABLE n2 ADD COLUMN created text DEFAULT CURRENT_TIMESTAMP, ADD COLUMN u int UNIQUE,
    ADD COLUMN z int DEFAULT (1 + 1);
ALTER TABLE n2 ALTER COLUMN b SET NOT NULL;
ALTER TABLE n2 RENAME COLUMN b TO b2;
ALTER TABLE n2 ALTER COLUMN b2 SET DEFAULT 'x';
CREATE TABLE n3 (id integer PRIMARY KEY, v int);
ALTER TABLE n3 ALTER COLUMN v SET NOT NULL;
EOF
up nat nat.db n0001
N_UP=$(rows nat.db "SELECT rowid, id, a, b, 5 FROM n1 ORDER BY rowid")
run --dir nat -d sqlite:///nat.db upgrade n0002 --sql
if [[ $OUT != *SAVEPOINT* && $OUT == *'ALTER TABLE n1 ADD COLUMN d int DEFAULT 5;'* &&
      $OUT == *'ALTER TABLE n1 RENAME COLUMN a TO a2;'* && $OUT == *'ALTER TABLE n1 RENAME TO n2;'* &&
      $OUT == *'ALTER TABLE n2 DROP COLUMN c;'* ]]; then
    ok "ADD COLUMN (constant default), RENAME COLUMN, RENAME TO, DROP COLUMN run natively, no rebuild"
else
    not_ok "ADD COLUMN (constant default), RENAME COLUMN, RENAME TO, DROP COLUMN run natively, no rebuild" "$OUT"
fi
up nat nat.db n0002
expect "... upgrade: exit 0" 0
expected nat_after.db "CREATE TABLE n2 (id integer PRIMARY KEY, a2 int, b text, d int DEFAULT 5);
CREATE INDEX n1_a ON n2(a2);"
is "... the schema: columns as expected" "$(schema nat_after.db | grep -v index)" "$(schema nat.db | grep -v index)"
is "... the rows" "$N_UP" "$(rows nat.db "SELECT rowid, * FROM n2 ORDER BY rowid")"
run --dir nat -d sqlite:///nat.db upgrade --sql
is "ADD COLUMN with a CURRENT_TIMESTAMP or expression default or UNIQUE, SET NOT NULL, then a rename, then SET DEFAULT, and another table: three rebuilds" \
    "3" "$(count_of "SAVEPOINT migrate_rebuild" "$OUT")"
like "... the rename runs natively between them" "ALTER TABLE n2 RENAME COLUMN b TO b2;" "$OUT"
up nat nat.db
expect "... upgrade: exit 0" 0
is "... existing rows get the new columns' defaults (as PostgreSQL fills them)" "10000|10000|0|2" \
    "$(sq nat.db "SELECT count(*), count(created), count(u), min(z) FROM n2")"
is "... b2 is NOT NULL with DEFAULT 'x'" "b2|1|'x'" "$(sq nat.db "SELECT name, \"notnull\", dflt_value FROM pragma_table_info('n2') WHERE name = 'b2'")"
is "... u is UNIQUE" "1" "$(sq nat.db "SELECT count(*) FROM pragma_index_list('n2') WHERE \"unique\" AND origin = 'u'")"
healthy "... integrity_check ok, foreign_key_check empty" nat.db
# PostgreSQL's int → bigint of an id: SQLite's rowid alias is 64-bit already,
# and stays the alias (a plain bigint column would leave new rows' ids NULL,
# and AUTOINCREMENT cannot be on one)
rev ids i0001 base "ids" <<EOF
-- migrate:upgrade
CREATE TABLE ia (id integer PRIMARY KEY AUTOINCREMENT, v int);
CREATE TABLE ib (id integer PRIMARY KEY, v int);
$(nums 10000) INSERT INTO ia (v) SELECT i FROM n;
INSERT INTO ib SELECT id, v FROM ia;
DELETE FROM ia WHERE id > 9000;
EOF
rev ids i0002 i0001 "bigint ids" <<'EOF'
-- migrate:upgrade
ALTER TABLE ia ALTER COLUMN id TYPE bigint, ALTER COLUMN v SET NOT NULL;
ALTER TABLE ib ALTER COLUMN id SET DATA TYPE int8, ALTER COLUMN v TYPE bigint;
EOF
up ids ids.db i0001
IA=$(rows ids.db "SELECT rowid, * FROM ia ORDER BY rowid")
IB=$(rows ids.db "SELECT rowid, * FROM ib ORDER BY rowid")
up ids ids.db
expect "ALTER COLUMN id TYPE bigint of an INTEGER PRIMARY KEY [AUTOINCREMENT]: exit 0" 0
expected ids_after.db "CREATE TABLE ia (id integer PRIMARY KEY AUTOINCREMENT, v int NOT NULL);
CREATE TABLE ib (id integer PRIMARY KEY, v bigint);"
schema_is "... the id stays INTEGER PRIMARY KEY, the rowid alias" ids.db ids_after.db
is "... the rows" "$IA $IB" "$(rows ids.db "SELECT rowid, * FROM ia ORDER BY rowid") $(rows ids.db "SELECT rowid, * FROM ib ORDER BY rowid")"
is "... new rows get ids (the AUTOINCREMENT counter's next, the rowid's next)" "10001 10001" \
    "$(sq ids.db "INSERT INTO ia (v) VALUES (0) RETURNING id; INSERT INTO ib (v) VALUES (0) RETURNING id" | tr '\n' ' ' | sed 's/ $//')"

# unnamed CHECK constraints go by PostgreSQL's names: t_col_check when they
# use one column, else t_check (whether written on a column or the table)
rev names c0001 base "checks" <<'EOF'
-- migrate:upgrade
CREATE TABLE ck (a int CHECK (a > 0), b int CHECK (b > a), c int, CHECK (c > 0));
INSERT INTO ck VALUES (1, 2, 3);
EOF
rev names c0002 c0001 "drop checks" <<'EOF'
-- migrate:upgrade
ALTER TABLE ck DROP CONSTRAINT ck_check;
ALTER TABLE ck DROP CONSTRAINT ck_c_check, DROP CONSTRAINT ck_a_check;
EOF
up names names.db
expect "DROP CONSTRAINT t_check (a column CHECK using two columns), t_c_check (a table CHECK using one): exit 0" 0
is "... no CHECK left" "0" "$(sq names.db "SELECT instr(upper(sql), 'CHECK') FROM sqlite_schema WHERE name = 'ck'")"
is "... the row" "1|2|3" "$(sq names.db "SELECT * FROM ck")"

rev names c0003 c0002 "not deferrable" <<'EOF'
-- migrate:upgrade
CREATE TABLE ck2 (id integer PRIMARY KEY);
INSERT INTO ck2 VALUES (1);
ALTER TABLE ck ADD CONSTRAINT ck_fk FOREIGN KEY (a) REFERENCES ck2(id) ON DELETE SET NULL NOT DEFERRABLE NOT VALID,
    ADD CONSTRAINT ck_b CHECK (b IS NOT NULL) NOT VALID;
EOF
up names names.db
expect "ADD FOREIGN KEY … NOT DEFERRABLE NOT VALID, ADD CHECK (… IS NOT NULL) NOT VALID: exit 0" 0
is "... the foreign key" "ck2|a|id|SET NULL" "$(sq names.db "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('ck')")"
like "... the CHECK" "CONSTRAINT ck_b CHECK \(b IS NOT NULL\)" "$(sq names.db "SELECT sql FROM sqlite_schema WHERE name = 'ck'")"

# ==== 7. failures leave the file as it was =================================================
rev fail f0001 base "base" <<EOF
-- migrate:upgrade
CREATE TABLE p (id integer PRIMARY KEY, name text);
CREATE TABLE c (id integer PRIMARY KEY, p_id integer, note text);
$(nums 10000) INSERT INTO p SELECT i, CASE WHEN i % 1000 THEN 'p' || i END FROM n;
$(nums 10000) INSERT INTO c SELECT i, i, 'n' || i FROM n;
DELETE FROM p WHERE id IN (17, 4242);
EOF
rev fail f0002 f0001 "set not null" <<'EOF'
-- migrate:upgrade
CREATE TABLE before_it (x int);
ALTER TABLE p ALTER COLUMN name TYPE varchar(50);
ALTER TABLE p
    ALTER COLUMN name SET NOT NULL;
EOF
F=$(file_of fail f0002)
up fail fail.db f0001
sum=$(sha fail.db)
up fail fail.db
expect "SET NOT NULL on a column with NULLs (the second statement of a rebuild): exit 1, naming revision, file and the line of the SET NOT NULL" 1 \
    "upgrade of revision f0002 (set not null) failed at $F:$(line_of "$F" "ALTER COLUMN name SET NOT NULL"): rebuilding table p: NOT NULL constraint failed: p.name"
like "... the progress line says failed" '\[1/1\] f0002 set not null \.\.\. failed' "$OUT"
is "... the file is byte for byte as before" "$sum" "$(sha fail.db)"
no_leftovers "... no journal left behind" fail.db
run --dir fail -d sqlite:///fail.db current
is "... still at f0001" "f0001" "$OUT"

# a rebuild that breaks foreign keys: a new one over orphans, and a parent's keys changed
rm "$F"
rev fail f0002 f0001 "add fk" <<'EOF'
-- migrate:upgrade
ALTER TABLE c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p(id);
EOF
F=$(file_of fail f0002)
up fail fail.db
expect "ADD FOREIGN KEY over rows without a parent: exit 1, naming the offending rows" 1 \
    "upgrade of revision f0002 (add fk) failed at $F:6:" "broke 2 foreign keys: c rowid 17 references p; c rowid 4242 references p"
is "... the file is unchanged" "$sum" "$(sha fail.db)"
rm "$F"
rev fail f0002 f0001 "fk then parent" <<'EOF'
-- migrate:upgrade
DELETE FROM c WHERE id IN (17, 4242);
ALTER TABLE c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p(id);
ALTER TABLE p ALTER COLUMN id TYPE integer USING id + 5;
EOF
F=$(file_of fail f0002)
up fail fail.db
expect "a parent's rebuild that leaves rows of the table referencing it without a parent: exit 1, naming them" 1 \
    "upgrade of revision f0002 (fk then parent) failed at $F:$(line_of "$F" "ALTER TABLE p"):" \
    "rebuilding table p broke 7 foreign keys: c rowid 1 references p; c rowid 2 references p"
is "... the file is unchanged" "$sum" "$(sha fail.db)"
no_leftovers "... no journal left behind" fail.db

# ALTER forms with no SQLite equivalent, and errors of an action itself
rm "$F"
rev fail f0002 f0001 "owner" <<'EOF'
-- migrate:upgrade
ALTER TABLE p ALTER COLUMN name SET NOT NULL;
ALTER TABLE p OWNER TO bob;
EOF
F=$(file_of fail f0002)
up fail fail.db
expect "ALTER TABLE … OWNER TO: exit 1, a clear error naming file and line" 1 \
    "upgrade of revision f0002 (owner) failed at $F:$(line_of "$F" "OWNER TO"): ALTER TABLE … OWNER has no SQLite form"
is "... nothing applied" "$sum" "$(sha fail.db)"
run --dir fail -d sqlite:///fail.db upgrade --sql
if [ "$RC" -ne 0 ] && [[ $ERR == *"$F:$(line_of "$F" "OWNER TO")"*"OWNER has no SQLite form"* ]]; then
    ok "... upgrade --sql refuses it too, naming file and line"
else
    not_ok "... upgrade --sql refuses it too, naming file and line" "$(last)"
fi
rm "$F"
rev fail f0002 f0001 "statistics" "-- migrate:transaction false" <<'EOF'
-- migrate:upgrade
CREATE TABLE made_first (x int);
ALTER TABLE c ALTER COLUMN note SET NOT NULL,
    ALTER COLUMN note SET STATISTICS 100;
EOF
F=$(file_of fail f0002)
dump=$(app_state fail.db)
up fail fail.db
expect "ALTER COLUMN … SET STATISTICS (in a transaction-false revision): exit 1, naming the line of the action" 1 \
    "upgrade of revision f0002 (statistics) failed at $F:$(line_of "$F" "SET STATISTICS"):" "SET (other than NOT NULL, DEFAULT and DATA TYPE) has no SQLite form"
# (around a transaction-false revision the program commits its own
# transaction, which stores the revision files: compare the application's part)
is "... nothing applied, not even the statement before it" "$dump" "$(app_state fail.db)"
sum=$(sha fail.db)
rm "$F"
rev fail f0002 f0001 "no such" <<'EOF'
-- migrate:upgrade
ALTER TABLE p ALTER COLUMN nosuch SET NOT NULL;
EOF
F=$(file_of fail f0002)
up fail fail.db
expect "ALTER COLUMN of no such column: exit 1 with PostgreSQL's message" 1 \
    "$F:6:" 'column "nosuch" of relation "p" does not exist'
rm "$F"
rev fail f0002 f0001 "no such constraint" <<'EOF'
-- migrate:upgrade
ALTER TABLE p DROP CONSTRAINT p_name_check;
EOF
F=$(file_of fail f0002)
up fail fail.db
expect "DROP CONSTRAINT of no such constraint: exit 1, saying how unnamed ones are named" 1 \
    "$F:6:" 'constraint "p_name_check" of relation "p" does not exist' "p_<column>_check"
is "... the file is unchanged" "$sum" "$(sha fail.db)"

# batch never: the statement goes to SQLite as written
rm "$F"
rev fail f0002 f0001 "never" "-- migrate:batch never" <<'EOF'
-- migrate:upgrade
CREATE TABLE made_before (x int);
ALTER TABLE p ALTER COLUMN name SET NOT NULL;
EOF
F=$(file_of fail f0002)
up fail fail.db
expect "-- migrate:batch never: the ALTER fails as SQLite says, naming file and line" 1 \
    "upgrade of revision f0002 (never) failed at $F:$(line_of "$F" "ALTER TABLE p"): near \"ALTER\": syntax error"
is "... the file is unchanged" "$sum" "$(sha fail.db)"
sed -i 's/^ALTER TABLE p ALTER COLUMN name SET NOT NULL;$/ALTER TABLE p ADD COLUMN extra int;/' "$F"
run --dir fail -d sqlite:///fail.db upgrade --sql
if [ "$RC" -eq 0 ] && [[ $OUT == *"ALTER TABLE p ADD COLUMN extra int;"* && $OUT != *SAVEPOINT* && $OUT != *"foreign_keys"* ]]; then
    ok "... its --sql script holds the section as written"
else
    not_ok "... its --sql script holds the section as written" "$(last)"
fi
up fail fail.db
expect "... and SQLite's own ALTER forms run: exit 0" 0
# ==== 8. the --sql scripts =================================================================
# (version, history rows without their times, schema, rows, counters)
script_state() {
    echo "== version"; sq "$1" "SELECT revision FROM migrate_version ORDER BY 1"
    echo "== history"; sq "$1" "SELECT revision, action, checksum FROM migrate_history ORDER BY id"
    echo "== sequence"; sq "$1" "SELECT * FROM sqlite_sequence WHERE name NOT LIKE 'migrate%' ORDER BY 1"
    app_state "$1"
}
cp shop_s1.db on.db
cp shop_s1.db off.db
run --dir shop -d sqlite:///off.db upgrade --sql
printf '%s\n' "$OUT" >up.sql
expect "upgrade --sql on a SQLite database with a rebuild: exit 0" 0
if [[ $OUT == *"SAVEPOINT migrate_rebuild;"*"CREATE TABLE _migrate_new_items ("*"INSERT INTO _migrate_new_items ("*"DROP TABLE items;"*"ALTER TABLE _migrate_new_items RENAME TO items;"*"pragma_foreign_key_check('lines')"*"RELEASE migrate_rebuild;"* ]]; then
    ok "... the script holds the rebuild statements (SAVEPOINT migrate_rebuild, _migrate_new_items, …, the foreign-key check of the table referencing it)"
else
    not_ok "... the script holds the rebuild statements" "$OUT"
fi
is "... one rebuild for the three statements" "1" "$(count_of "SAVEPOINT migrate_rebuild" "$OUT")"
pf=$(line_of up.sql "PRAGMA foreign_keys = OFF;") bg=$(line_of up.sql "BEGIN IMMEDIATE;")
if [ -n "$pf" ] && [ -n "$bg" ] && [ "$pf" -lt "$bg" ]; then ok "... PRAGMA foreign_keys = OFF comes before BEGIN IMMEDIATE"; else
    not_ok "... PRAGMA foreign_keys = OFF comes before BEGIN IMMEDIATE" "$(head -n 12 up.sql)"; fi
is "... the script did not change the database" "$(sha on.db)" "$(sha off.db)"
if sqlite3 off.db <up.sql >sqlite3.log 2>&1; then ok "... sqlite3 runs it"; else not_ok "... sqlite3 runs it" "$(cat sqlite3.log)"; fi
"$MIGRATE" -q --dir shop -d sqlite:///on.db upgrade
is "... and it leaves the schema, rows and counter the program's upgrade leaves" "$(script_state on.db)" "$(script_state off.db)"
healthy "... integrity_check ok, foreign_key_check empty" off.db
run --dir shop -d sqlite:///off.db downgrade --sql
printf '%s\n' "$OUT" >down.sql
is "downgrade --sql: the downgrade's rebuild is in the script" "1" "$(count_of "SAVEPOINT migrate_rebuild" "$OUT")"
if sqlite3 off.db <down.sql >sqlite3.log 2>&1; then ok "... sqlite3 runs it"; else not_ok "... sqlite3 runs it" "$(cat sqlite3.log)"; fi
"$MIGRATE" -q --dir shop -d sqlite:///on.db downgrade
is "... and it leaves what the program's downgrade leaves" "$(script_state on.db)" "$(script_state off.db)"
is "... which is the original state" "$ITEMS0" "$(rows off.db "SELECT rowid, * FROM items ORDER BY rowid")"

# a range, without a database: the schema up to its start replayed in memory
for range in base:heads s0001:heads; do
    run --dir shop upgrade --sql "$range" --dialect sqlite
    printf '%s\n' "$OUT" >range.sql
    expect "upgrade --sql $range --dialect sqlite: exit 0" 0
    is "... the rebuild is in it" "1" "$(count_of "SAVEPOINT migrate_rebuild" "$OUT")"
    rm -f roff.db ron.db
    if [ "$range" == base:heads ]; then : >roff.db; else cp shop_s1.db roff.db; cp shop_s1.db ron.db; fi
    if sqlite3 roff.db <range.sql >sqlite3.log 2>&1; then ok "... sqlite3 runs it"; else not_ok "... sqlite3 runs it" "$(cat sqlite3.log)"; fi
    "$MIGRATE" -q --dir shop -d sqlite:///ron.db upgrade
    is "... and it leaves what the program's upgrade leaves" "$(script_state ron.db)" "$(script_state roff.db)"
done
for d in drops nat tags pets gen; do
    rm -f roff.db ron.db
    : >roff.db
    run --dir "$d" upgrade --sql base:heads --dialect sqlite
    printf '%s\n' "$OUT" >range.sql
    if [ "$d" == gen ]; then
        # its last revision fails: the script for the ones before
        run --dir "$d" upgrade --sql base:g0002 --dialect sqlite
        printf '%s\n' "$OUT" >range.sql
        "$MIGRATE" -q --dir "$d" -d sqlite:///ron.db upgrade g0002
    else
        "$MIGRATE" -q --dir "$d" -d sqlite:///ron.db upgrade
    fi
    if [ "$RC" -eq 0 ] && sqlite3 roff.db <range.sql >sqlite3.log 2>&1; then
        # (DEFAULT CURRENT_TIMESTAMP: the two ran at other times)
        [ "$d" != nat ] || sq ron.db "UPDATE n2 SET created = 'now'" >/dev/null
        [ "$d" != nat ] || sq roff.db "UPDATE n2 SET created = 'now'" >/dev/null
        is "the range script of '$d' run by sqlite3 leaves what the program leaves" "$(script_state ron.db)" "$(script_state roff.db)"
    else
        not_ok "the range script of '$d' run by sqlite3 leaves what the program leaves" "$(last)
$(cat sqlite3.log)"
    fi
done
run --dir gen upgrade --sql base:heads --dialect sqlite
expect "a range script whose rebuild cannot be written (DROP COLUMN a generated column uses): exit 1 naming file and line" 1 \
    "$(file_of gen g0003):6" "because column g depends on it"

# the script's foreign-key check stops it, and the transaction rolls back
rev sfk k0001 base "base" <<'EOF'
-- migrate:upgrade
CREATE TABLE p (id integer PRIMARY KEY);
CREATE TABLE c (id integer PRIMARY KEY, p_id integer);
INSERT INTO p VALUES (1), (2);
INSERT INTO c VALUES (1, 1), (2, 3), (3, 2);
EOF
rev sfk k0002 k0001 "fk" <<'EOF'
-- migrate:upgrade
ALTER TABLE c ADD FOREIGN KEY (p_id) REFERENCES p(id);
EOF
"$MIGRATE" -q --dir sfk -d sqlite:///sfk.db upgrade k0001
run --dir sfk -d sqlite:///sfk.db upgrade --sql
printf '%s\n' "$OUT" >sfk.sql
sum=$(sha sfk.db)
if sqlite3 sfk.db <sfk.sql >sqlite3.log 2>&1; then
    not_ok "a script whose rebuild breaks a foreign key fails in sqlite3" "it ran"
else
    like "a script whose rebuild breaks a foreign key fails in sqlite3, saying so" \
        "rebuilding table c broke a foreign key: see PRAGMA foreign_key_check" "$(cat sqlite3.log)"
fi
is "... the file is unchanged" "$sum" "$(sha sfk.db)"
# ==== 9. one revision file on PostgreSQL and on SQLite =====================================
# the plain section in PostgreSQL's ALTER forms; both must end with the same
# columns, nullability, defaults, data and constraints
rev both b0001 base "accounts" <<'EOF'
-- migrate:upgrade
CREATE TABLE acct (id integer PRIMARY KEY, email varchar(100), status text, score integer,
    legacy text, born date);
INSERT INTO acct (id, email, status, score, legacy) VALUES
    (1, 'a@x', 'old', 1, 'l1'), (2, 'b@x', NULL, 2, 'l2'), (3, 'c@x', 'new', 3, NULL);

-- migrate:downgrade
DROP TABLE acct;
EOF
rev both b0002 b0001 "account rules" <<'EOF'
-- migrate:upgrade
ALTER TABLE acct ALTER COLUMN email SET NOT NULL, ALTER COLUMN status SET DEFAULT 'new',
    ALTER COLUMN score TYPE bigint USING score * 10;
ALTER TABLE acct DROP COLUMN legacy, ADD CONSTRAINT acct_email_key UNIQUE (email);
ALTER TABLE acct ADD CONSTRAINT acct_score_check CHECK (score >= 0);
ALTER TABLE acct ALTER COLUMN born SET DEFAULT CURRENT_DATE;

-- migrate:downgrade
ALTER TABLE acct DROP CONSTRAINT acct_score_check, DROP CONSTRAINT acct_email_key;
ALTER TABLE acct ADD COLUMN legacy text;
ALTER TABLE acct ALTER COLUMN email DROP NOT NULL, ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN score TYPE integer USING score / 10, ALTER COLUMN born DROP DEFAULT;
EOF
# columns NAME|NULLABLE|DEFAULT (PostgreSQL's casts taken off its defaults; a
# SQLite INTEGER PRIMARY KEY is never NULL)
pg_cols() {
    q "$PGDB" "SELECT column_name, is_nullable, coalesce(column_default, '') FROM information_schema.columns
        WHERE table_name = 'acct' ORDER BY ordinal_position" | sed -E "s/::[a-z ]+(\[\])?$//"
}
sl_cols() {
    sq both.db "SELECT name, CASE WHEN \"notnull\" OR pk THEN 'NO' ELSE 'YES' END, coalesce(dflt_value, '')
        FROM pragma_table_info('acct') ORDER BY cid"
}
ACCT_UP="id|NO|
email|NO|
status|YES|'new'
score|YES|
born|YES|CURRENT_DATE"
ACCT_DOWN="id|NO|
email|YES|
status|YES|
score|YES|
born|YES|
legacy|YES|"
"$MIGRATE" -q --dir both -d sqlite:///both.db upgrade
is "the same revision file on SQLite: columns, nullability and defaults as intended" "$ACCT_UP" "$(sl_cols)"
is "... the data (score through USING score * 10)" "1|a@x|old|10 2|b@x||20 3|c@x|new|30" \
    "$(sq both.db "SELECT id, email, status, score FROM acct ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
like "... UNIQUE (email) holds" "UNIQUE constraint failed" "$(sq both.db "INSERT INTO acct (id, email) VALUES (9, 'a@x')")"
like "... the CHECK holds" "CHECK constraint failed: acct_score_check" "$(sq both.db "INSERT INTO acct (id, email, score) VALUES (9, 'z@x', -1)")"
SL_NEW=$(sq both.db "INSERT INTO acct (id, email) VALUES (8, 'd@x') RETURNING status, CASE WHEN born = CURRENT_DATE THEN 't' ELSE 'f' END")
is "... a new row gets the defaults" "new|t" "$SL_NEW"
if [ "$HAVE_PG" -eq 1 ]; then
    PGDB=${P}_pg
    pg_new_db "$PGDB"
    run --dir both -d "postgresql:///$PGDB" upgrade
    expect "... and on PostgreSQL: exit 0" 0 "[2/2] b0002 account rules ... "
    is "... the same columns, nullability and defaults there" "$ACCT_UP" "$(pg_cols)"
    is "... the same data" "1|a@x|old|10 2|b@x||20 3|c@x|new|30" \
        "$(q "$PGDB" "SELECT id, email, status, score FROM acct ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
    like "... UNIQUE (email) holds there" "acct_email_key" "$(q "$PGDB" "INSERT INTO acct (id, email) VALUES (9, 'a@x')")"
    like "... the CHECK too" "acct_score_check" "$(q "$PGDB" "INSERT INTO acct (id, email, score) VALUES (9, 'z@x', -1)")"
    is "... a new row gets the same defaults there" "$SL_NEW" \
        "$(q "$PGDB" "INSERT INTO acct (id, email) VALUES (8, 'd@x') RETURNING status, born = CURRENT_DATE")"
    run --dir both -d "postgresql:///$PGDB" downgrade
    expect "... the downgrade on PostgreSQL: exit 0" 0
    is "... its columns" "$ACCT_DOWN" "$(pg_cols)"
else
    skip "... and on PostgreSQL" "PGHOST is not set"
fi
"$MIGRATE" -q --dir both -d sqlite:///both.db downgrade
is "... the downgrade on SQLite: the same columns" "$ACCT_DOWN" "$(sl_cols)"
is "... and the data" "1|a@x|old|1 2|b@x||2 3|c@x|new|3 8|d@x|new|" \
    "$(sq both.db "SELECT id, email, status, score FROM acct ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
healthy "... integrity_check ok, foreign_key_check empty" both.db
# a revision with dialect sections: the SQLite ones in ALTER forms too
rev both b0003 b0002 "tags" <<'EOF'
-- migrate:upgrade postgresql
ALTER TABLE acct ADD COLUMN tags text[] NOT NULL DEFAULT '{}', ALTER COLUMN status SET DEFAULT 'fresh';

-- migrate:upgrade sqlite
ALTER TABLE acct ADD COLUMN tags text NOT NULL DEFAULT '[]', ALTER COLUMN status SET DEFAULT 'fresh';

-- migrate:downgrade postgresql
ALTER TABLE acct DROP COLUMN tags, ALTER COLUMN status SET DEFAULT 'new';

-- migrate:downgrade sqlite
ALTER TABLE acct DROP COLUMN tags, ALTER COLUMN status SET DEFAULT 'new';
EOF
ACCT_TAGS="$(sed "s/^status|YES|'new'$/status|YES|'fresh'/" <<<"$ACCT_UP")
tags|NO|'[]'"
"$MIGRATE" -q --dir both -d sqlite:///both.db upgrade
is "a revision with dialect sections: its SQLite upgrade section in ALTER forms (ADD COLUMN, SET DEFAULT) is rebuilt" \
    "$ACCT_TAGS" "$(sl_cols)"
is "... the existing rows get the new column's default" "4" "$(sq both.db "SELECT count(*) FROM acct WHERE tags = '[]'")"
"$MIGRATE" -q --dir both -d sqlite:///both.db downgrade -1
is "... and its SQLite downgrade section" "$ACCT_UP" "$(sl_cols)"
"$MIGRATE" -q --dir both -d sqlite:///both.db upgrade
is "... up again" "$ACCT_TAGS" "$(sl_cols)"
healthy "... integrity_check ok, foreign_key_check empty" both.db
if [ "$HAVE_PG" -eq 1 ]; then
    run --dir both -d "postgresql:///$PGDB" upgrade
    expect "... on PostgreSQL its postgresql sections: exit 0" 0
    is "... the same columns there (but tags, an array)" "$(sed "s/^tags|NO|'\[\]'$/tags|NO|'{}'/" <<<"$ACCT_TAGS")" "$(pg_cols)"
fi

# ==== 10. kill -9 in the middle of a rebuild ===============================================
BIG=${SQLITE_BATCH_BIG_ROWS:-1000000}
rev big k0001 base "big table" <<EOF
-- migrate:upgrade
CREATE TABLE big (id integer PRIMARY KEY, a int, b text, c real);
CREATE INDEX big_b ON big(b);
$(nums "$BIG") INSERT INTO big SELECT i, i % 1000, 'text value ' || i, i * 0.5 FROM n;
EOF
rev big k0002 k0001 "retype big" <<'EOF'
-- migrate:upgrade
ALTER TABLE big ALTER COLUMN a TYPE bigint;
ALTER TABLE big ALTER COLUMN a SET NOT NULL;
EOF
"$MIGRATE" -q --dir big -d sqlite:///big.db upgrade k0001
BIG_ROWS=$(rows big.db "SELECT * FROM big ORDER BY id")
BIG_SCHEMA=$(schema big.db)
cp big.db big0.db
# kill_rebuild DIR DB: start the upgrade, kill -9 it once its rebuild writes
# (the journal exists) and a moment later; KILLED=yes when it was still running
kill_rebuild() {
    local delay pid rc
    KILLED=no
    for delay in 0.3 0.1 0; do
        "$MIGRATE" --dir "$1" -d "sqlite:///$2" upgrade >kill.out 2>&1 </dev/null &
        pid=$!
        BG+=("$pid")
        for ((i = 0; i < 400; i++)); do
            [ -s "$2-journal" ] && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.025
        done
        sleep "$delay"
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        rc=$?
        if [ "$rc" -eq 137 ]; then KILLED=yes; return; fi
        # it finished first: start again from the copy
        cp big0.db "$2"
    done
}
kill_rebuild big big.db
is "kill -9 in the middle of the rebuild of a $BIG-row table" "yes" "$KILLED"
if [ -e big.db-journal ]; then ok "... it left a hot journal (the rebuild's transaction was open)"; else
    not_ok "... it left a hot journal (the rebuild's transaction was open)"; fi
is "... then integrity_check is ok (SQLite rolls the journal back)" "ok" "$(sq big.db "PRAGMA integrity_check")"
is "... the old schema" "$BIG_SCHEMA" "$(schema big.db)"
is "... all the rows" "$BIG_ROWS" "$(rows big.db "SELECT * FROM big ORDER BY id")"
no_leftovers "... no _migrate_new_big, no journal" big.db
run --dir big -d sqlite:///big.db current
is "... still at k0001" "k0001" "$OUT"
up big big.db
expect "... a rerun of upgrade completes" 0 "[1/1] k0002 retype big ... "
is "... a is bigint NOT NULL" "a|bigint|1" "$(sq big.db "SELECT name, type, \"notnull\" FROM pragma_table_info('big') WHERE name = 'a'")"
is "... with every row" "$BIG_ROWS" "$(rows big.db "SELECT * FROM big ORDER BY id")"
healthy "... integrity_check ok, foreign_key_check empty" big.db

# ==== 11. transaction-false revisions ======================================================
# the same rebuild in a transaction-false revision, killed: all or nothing too
cp big0.db big.db
sed -i 's/^-- migrate:message retype big$/&\n-- migrate:transaction false/' "$(file_of big k0002)"
kill_rebuild big big.db
is "transaction false: kill -9 in the middle of the rebuild" "yes" "$KILLED"
is "... integrity_check ok" "ok" "$(sq big.db "PRAGMA integrity_check")"
is "... the old schema" "$BIG_SCHEMA" "$(schema big.db)"
is "... all the rows" "$BIG_ROWS" "$(rows big.db "SELECT * FROM big ORDER BY id")"
rm -f big0.db

rev tf t0001 base "base" <<EOF
-- migrate:upgrade
CREATE TABLE p (id integer PRIMARY KEY, n text, v int);
CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p(id) ON DELETE CASCADE);
$(nums 10000) INSERT INTO p SELECT i, CASE WHEN i <> 5000 THEN 'n' || i END, i FROM n;
$(nums 10000) INSERT INTO c SELECT i, i FROM n;
EOF
rev tf t0002 t0001 "half" "-- migrate:transaction false" <<'EOF'
-- migrate:upgrade
CREATE TABLE side (x int);
ALTER TABLE p ALTER COLUMN v TYPE bigint USING v * 2;
ALTER TABLE p ALTER COLUMN n SET NOT NULL;
EOF
"$MIGRATE" -q --dir tf -d sqlite:///tf.db upgrade t0001
P0=$(rows tf.db "SELECT rowid, * FROM p ORDER BY rowid")
PS0=$(schema tf.db p)
up tf tf.db
expect "transaction false: a rebuild (TYPE, then SET NOT NULL over a NULL) that fails: exit 1" 1 \
    "upgrade of revision t0002 (half) failed at $(file_of tf t0002):$(line_of "$(file_of tf t0002)" "ALTER COLUMN n SET NOT NULL"): rebuilding table p: NOT NULL constraint failed: p.n"
is "... the table is as it was: no part of the rebuild (not the TYPE … USING either)" "$PS0 $P0" \
    "$(schema tf.db p) $(rows tf.db "SELECT rowid, * FROM p ORDER BY rowid")"
no_leftovers "... no _migrate_new_p, no journal" tf.db
is "... the statement before it autocommitted (transaction false)" "side" "$(sq tf.db "SELECT name FROM sqlite_schema WHERE name = 'side'")"
run --dir tf -d sqlite:///tf.db current
is "... not recorded" "t0001" "$OUT"
sq tf.db "DROP TABLE side; UPDATE p SET n = 'fixed' WHERE n IS NULL" >/dev/null
P1=$(rows tf.db "SELECT rowid, id, n, v * 2 FROM p ORDER BY rowid")
C0=$(rows tf.db "SELECT * FROM c ORDER BY id")
up tf tf.db
expect "... once the NULL is gone: exit 0" 0
is "... the rows" "$P1" "$(rows tf.db "SELECT rowid, * FROM p ORDER BY rowid")"
is "... the rows referencing them all there" "$C0" "$(rows tf.db "SELECT * FROM c ORDER BY id")"
healthy "... integrity_check ok, foreign_key_check empty" tf.db
# foreign keys turned on by a transaction-false revision: the rebuild turns
# them off around itself (else dropping the old table deletes its rows and
# ON DELETE CASCADE empties the tables referencing it), and back on
rev tf t0003 t0002 "fk on" "-- migrate:transaction false" <<'EOF'
-- migrate:upgrade
PRAGMA foreign_keys = ON;
ALTER TABLE p ALTER COLUMN n DROP NOT NULL;
INSERT INTO c (id, p_id) VALUES (20001, 777777);
EOF
up tf tf.db
expect "transaction false, PRAGMA foreign_keys = ON, then a rebuild of a table others reference ON DELETE CASCADE: the insert after it is refused" 1 \
    "FOREIGN KEY constraint failed"
is "... the rows referencing the table are all there" "$C0" "$(rows tf.db "SELECT * FROM c ORDER BY id")"
sed -i '/^INSERT INTO c/d' "$(file_of tf t0003)"
run --dir tf -d sqlite:///tf.db upgrade --sql
printf '%s\n' "$OUT" >tf.sql
cp tf.db tf_off.db
up tf tf.db
expect "... without that insert: exit 0" 0
is "... the rows referencing the table are all there" "$C0" "$(rows tf.db "SELECT * FROM c ORDER BY id")"
is "... the column is nullable" "0" "$(sq tf.db "SELECT \"notnull\" FROM pragma_table_info('p') WHERE name = 'n'")"
if [[ $(sed -n '/PRAGMA foreign_keys = ON;/,$p' tf.sql) == *"PRAGMA foreign_keys = OFF;"*"SAVEPOINT migrate_rebuild;"*"RELEASE migrate_rebuild;"*"PRAGMA foreign_keys = ON;"* ]]; then
    ok "... the --sql script turns them off and on around the rebuild too"
else
    not_ok "... the --sql script turns them off and on around the rebuild too" "$(cat tf.sql)"
fi
if sqlite3 tf_off.db <tf.sql >sqlite3.log 2>&1; then
    is "... sqlite3 runs it, and the rows referencing the table are all there" "$C0" "$(rows tf_off.db "SELECT * FROM c ORDER BY id")"
else
    not_ok "... sqlite3 runs it, and the rows referencing the table are all there" "$(cat sqlite3.log)"
fi
# … and left on for the next, transactional, revision's rebuild: the program
# switches them off before its transaction (SQLite cannot inside one), and
# the script does the same
rev tf2 u0001 base "base" <<'EOF'
-- migrate:upgrade
CREATE TABLE p (id integer PRIMARY KEY, v int);
CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p(id) ON DELETE CASCADE);
INSERT INTO p VALUES (1, 1), (2, 2);
INSERT INTO c VALUES (1, 1), (2, 2);
EOF
rev tf2 u0002 u0001 "fk on" "-- migrate:transaction false" <<'EOF'
-- migrate:upgrade
PRAGMA foreign_keys = ON;
EOF
rev tf2 u0003 u0002 "after fk on" <<'EOF'
-- migrate:upgrade
ALTER TABLE p ALTER COLUMN v SET NOT NULL;
EOF
"$MIGRATE" -q --dir tf2 -d sqlite:///tf2.db upgrade u0001
C2=$(rows tf2.db "SELECT * FROM c ORDER BY id")
run --dir tf2 -d sqlite:///tf2.db upgrade --sql
printf '%s\n' "$OUT" >tf2.sql
cp tf2.db tf2_off.db
up tf2 tf2.db
expect "a transaction-false revision turns foreign keys on, the next revision rebuilds a table others reference ON DELETE CASCADE: exit 0" 0
is "... the rows referencing the table are all there" "$C2" "$(rows tf2.db "SELECT * FROM c ORDER BY id")"
is "... v is NOT NULL" "1" "$(sq tf2.db "SELECT \"notnull\" FROM pragma_table_info('p') WHERE name = 'v'")"
if [[ $(sed -n '/^PRAGMA foreign_keys = ON;$/,$p' tf2.sql) == *"PRAGMA foreign_keys = OFF;"$'\n'"BEGIN IMMEDIATE;"*"SAVEPOINT migrate_rebuild;"* ]]; then
    ok "... the --sql script switches them off again before its next transaction"
else
    not_ok "... the --sql script switches them off again before its next transaction" "$(cat tf2.sql)"
fi
if sqlite3 tf2_off.db <tf2.sql >sqlite3.log 2>&1; then
    is "... sqlite3 runs it, and the rows referencing the table are all there" "$C2" "$(rows tf2_off.db "SELECT * FROM c ORDER BY id")"
else
    not_ok "... sqlite3 runs it, and the rows referencing the table are all there" "$(cat sqlite3.log)"
fi

# ==== 12. views and triggers a rebuild would leave broken =================================
# a view that uses a dropped column: PostgreSQL refuses the DROP COLUMN, and
# so does the rebuild (a view left broken would fail at its next use)
rev vw v0001 base "view base" <<'EOF'
-- migrate:upgrade
CREATE TABLE t (id integer PRIMARY KEY, a int UNIQUE, b int);
CREATE VIEW t_v AS SELECT id, a FROM t;
CREATE VIEW t_b AS SELECT id, b FROM t;
INSERT INTO t VALUES (1, 1, 1);
EOF
rev vw v0002 v0001 "drop a" <<'EOF'
-- migrate:upgrade
ALTER TABLE t DROP COLUMN a;
EOF
"$MIGRATE" -q --dir vw -d sqlite:///vw.db upgrade v0001
sum=$(sha vw.db)
up vw vw.db
expect "DROP COLUMN of a column a view uses: exit 1, naming the view" 1 \
    "upgrade of revision v0002 (drop a) failed at $(file_of vw v0002):6:" "view t_v"
is "... the file is unchanged" "$sum" "$(sha vw.db)"
run --dir vw -d sqlite:///vw.db upgrade --sql
expect "... upgrade --sql refuses it too" 1 "view t_v"
# … and so is one that leaves a trigger broken (CREATE TRIGGER does not check
# its body either; SQLite's own DROP COLUMN refuses this too)
rev tg w0001 base "trigger base" <<'EOF'
-- migrate:upgrade
CREATE TABLE t (id integer PRIMARY KEY, a int UNIQUE, b int);
CREATE TABLE log (x int);
CREATE TRIGGER t_upd AFTER UPDATE OF b ON t BEGIN INSERT INTO log VALUES (new.a); END;
INSERT INTO t VALUES (1, 1, 1);
EOF
rev tg w0002 w0001 "drop a" <<'EOF'
-- migrate:upgrade
ALTER TABLE t DROP COLUMN a;
EOF
"$MIGRATE" -q --dir tg -d sqlite:///tg.db upgrade w0001
sum=$(sha tg.db)
up tg tg.db
expect "DROP COLUMN of a column a trigger uses: exit 1, naming the table's triggers" 1 \
    "upgrade of revision w0002 (drop a) failed at $(file_of tg w0002):6:" "the triggers on table t would no longer work: no such column: new.a"
is "... the file is unchanged" "$sum" "$(sha tg.db)"
run --dir tg -d sqlite:///tg.db upgrade --sql
expect "... upgrade --sql refuses it too" 1 "the triggers on table t would no longer work"
suite_end
