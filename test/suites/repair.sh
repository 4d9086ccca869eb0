#!/usr/bin/env bash
# test/suites/repair.sh — the way out after editing an applied revision
# (issue 10), on PostgreSQL and on SQLite: upgrade, downgrade and plain
# stamp refuse the edit with a hint naming "migrate repair"; `migrate
# repair` accepts the files' checksums and logs a history row "repair"
# with the old and the new checksum, after which check passes and
# downgrade works; `stamp TARGET --purge` works whatever the checksums
# (and accepts none).  A SQLite file whose migrate_history predates
# repair keeps working.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
suite_init repair
DB=migrate_suite_repair
cleanup() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1; rm -rf "$TMP"; }
trap cleanup EXIT

# two revisions that run on both dialects
write_revisions() {
    rm -rf "$TMP/m" && mkdir -p "$TMP/m/versions"
    cat > "$TMP/m/versions/aa00rep00001_create_boxes.sql" <<'EOF'
-- migrate:revision aa00rep00001
-- migrate:revises base
-- migrate:message create boxes

-- migrate:upgrade
CREATE TABLE boxes (id integer PRIMARY KEY);

-- migrate:downgrade
DROP TABLE boxes;
EOF
    cat > "$TMP/m/versions/bb00rep00002_add_box_size.sql" <<'EOF'
-- migrate:revision bb00rep00002
-- migrate:revises aa00rep00001
-- migrate:message add box size

-- migrate:upgrade
ALTER TABLE boxes ADD COLUMN size integer;

-- migrate:downgrade
ALTER TABLE boxes DROP COLUMN size;
EOF
}
# edit the applied first revision's upgrade section
edit_first() { sed -i "s/^CREATE TABLE boxes .*/CREATE TABLE boxes (id integer PRIMARY KEY, $1 text);/" "$TMP/m/versions/aa00rep00001_create_boxes.sql"; }

# history DIALECT: the repair rows as "revision previous_checksum checksum"
repairs() {
    if [ "$1" = postgresql ]; then
        q "$DB" "SELECT revision || ' ' || previous_checksum || ' ' || checksum FROM migrate.history WHERE action = 'repair' ORDER BY id"
    else
        sq "$TMP/r.db" "SELECT revision || ' ' || previous_checksum || ' ' || checksum FROM migrate_history WHERE action = 'repair' ORDER BY id"
    fi
}
sum_of() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

for dialect in postgresql sqlite; do
    write_revisions
    if [ "$dialect" = postgresql ]; then
        pg_fresh "$DB"; q "$DB" "CREATE EXTENSION migrate" >/dev/null
        URL="postgresql:///$DB"
    else
        rm -f "$TMP/r.db"
        URL="sqlite:///$TMP/r.db"
    fi
    M=(-d "$URL" --dir "$TMP/m")
    run "${M[@]}" repair
    expect "$dialect: repair with nothing applied: exit 0" 0 "repaired 0 revisions"
    run "${M[@]}" repair aa00rep00001
    expect "$dialect: repair takes no arguments: exit 2" 2 "repair takes no arguments"
    run "${M[@]}" upgrade
    expect "$dialect: upgrade: exit 0" 0
    old=$(sum_of "CREATE TABLE boxes (id integer PRIMARY KEY);")
    edit_first note
    new=$(sum_of "CREATE TABLE boxes (id integer PRIMARY KEY, note text);")

    # ---- the edit is refused, and the hint names repair ----
    run "${M[@]}" upgrade
    expect "$dialect: upgrade after editing an applied revision: exit 1, both checksums" 1 \
        "revision aa00rep00001 was applied with checksum $old but now has checksum $new" 'migrate repair'
    run "${M[@]}" downgrade
    expect "$dialect: downgrade refuses too, naming migrate repair" 1 "was applied with checksum" 'migrate repair'
    run "${M[@]}" stamp base
    expect "$dialect: plain stamp refuses too" 1 "was applied with checksum"
    run "${M[@]}" check
    expect "$dialect: check reports the changed checksum" 1 "aa00rep00001: checksum changed: applied with $old, now $new"

    # ---- repair ----
    run "${M[@]}" repair
    expect "$dialect: repair: exit 0, names the revision with old -> new" 0 \
        "repaired 1 revision" "aa00rep00001: checksum $old -> $new"
    is "$dialect: the history has one repair row with the old and the new checksum" \
        "aa00rep00001 $old $new" "$(repairs "$dialect")"
    run "${M[@]}" check
    expect "$dialect: check passes after repair" 0 "up to date"
    run "${M[@]}" status
    expect "$dialect: status shows no problems" 0 "problems: none"
    run "${M[@]}" repair
    expect "$dialect: repair again: nothing to do" 0 "repaired 0 revisions"
    is "$dialect: ... and no new history row" "1" "$(repairs "$dialect" | wc -l)"
    run "${M[@]}" downgrade base
    expect "$dialect: downgrade works after repair" 0
    run "${M[@]}" upgrade
    expect "$dialect: so does upgrade, with the edited text" 0
    if [ "$dialect" = postgresql ]; then
        cols=$(q "$DB" "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'boxes'::regclass AND attnum > 0")
    else
        cols=$(sq "$TMP/r.db" "SELECT group_concat(name, ',') FROM pragma_table_info('boxes')")
    fi
    is "$dialect: ... the table has the edited column" "id,note,size" "$cols"

    # ---- stamp --purge whatever the checksums ----
    edit_first label
    newer=$(sum_of "CREATE TABLE boxes (id integer PRIMARY KEY, label text);")
    run "${M[@]}" upgrade
    expect "$dialect: edited again: upgrade refuses" 1 "now has checksum $newer"
    run "${M[@]}" stamp aa00rep00001 --purge
    expect "$dialect: stamp --purge with an edited applied revision: exit 0" 0
    run "${M[@]}" current
    expect "$dialect: ... the version is stamped" 0 "aa00rep00001"
    run "${M[@]}" check
    expect "$dialect: ... and the edit is not accepted by it" 1 "aa00rep00001: checksum changed: applied with $new, now $newer"
    run "${M[@]}" stamp base --purge
    expect "$dialect: stamp base --purge with an edited applied revision: exit 0" 0
    run "${M[@]}" current
    is "$dialect: ... at base" "" "$OUT"
    run "${M[@]}" push
    expect "$dialect: ... and the edited file can be pushed now that it is not applied" 0
    run "${M[@]}" check
    expect "$dialect: check: no problem, two pending" 1 "2 revisions pending"
    if [ "$dialect" = postgresql ]; then
        q "$DB" "DROP TABLE boxes" >/dev/null
    else
        sq "$TMP/r.db" "DROP TABLE boxes" >/dev/null
    fi
    run "${M[@]}" upgrade
    expect "$dialect: upgrade from base runs the edited file" 0
    run "${M[@]}" check
    expect "$dialect: ... up to date" 0 "up to date"
done

# ---- PostgreSQL: an applied revision without a file is not repaired ----
rm "$TMP/m/versions/bb00rep00002_add_box_size.sql"
run -d "postgresql:///$DB" --dir "$TMP/m" repair
expect "postgresql: repair with an applied revision whose file is gone: exit 1" 1 "bb00rep00002"

# ---- SQLite: a migrate_history made before repair existed ----
write_revisions
rm -f "$TMP/old.db"
OLD=(-d "sqlite:///$TMP/old.db" --dir "$TMP/m")
run "${OLD[@]}" upgrade
expect "sqlite (old history table): upgrade: exit 0" 0
sq "$TMP/old.db" "
CREATE TABLE h0 AS SELECT * FROM migrate_history;
DROP TABLE migrate_history;
CREATE TABLE migrate_history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    revision   TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('upgrade', 'downgrade', 'stamp')),
    checksum   TEXT,
    started_at TEXT NOT NULL,
    duration   REAL NOT NULL,
    role       TEXT NOT NULL,
    xid        TEXT NOT NULL
);
INSERT INTO migrate_history SELECT id, revision, action, checksum, started_at, duration, role, xid FROM h0;
DROP TABLE h0;" >/dev/null
before=$(sq "$TMP/old.db" "SELECT id || ' ' || revision || ' ' || action FROM migrate_history ORDER BY id")
run "${OLD[@]}" check
expect "sqlite (old history table): check reads it" 0 "up to date"
edit_first note
run "${OLD[@]}" repair
expect "sqlite (old history table): repair: exit 0" 0 "repaired 1 revision"
is "... the old rows are kept, ids and all" "$before" \
   "$(sq "$TMP/old.db" "SELECT id || ' ' || revision || ' ' || action FROM migrate_history WHERE action <> 'repair' ORDER BY id")"
is "... the repair row has both checksums" "aa00rep00001 $(sum_of "CREATE TABLE boxes (id integer PRIMARY KEY);") $(sum_of "CREATE TABLE boxes (id integer PRIMARY KEY, note text);")" \
   "$(sq "$TMP/old.db" "SELECT revision || ' ' || previous_checksum || ' ' || checksum FROM migrate_history WHERE action = 'repair'")"
run "${OLD[@]}" downgrade base
expect "... and downgrade works" 0

suite_end
