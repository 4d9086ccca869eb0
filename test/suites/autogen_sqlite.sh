#!/usr/bin/env bash
# test/suites/autogen_sqlite.sh — autogenerate on SQLite (issue 12 item 4),
# round trip through the program: for every fixture pair of
# test/autogen/sqlite_pairs and AUTOGEN_SQLITE_RANDOM (100) random pairs of
# test/autogen/gen_sqlite.py (seed AUTOGEN_SQLITE_SEED, 12):
#   generate  a file loaded from a.sql (and data.sql, its rows), migrations
#             from `migrate init`; `migrate -d sqlite:///FILE migrate -m auto
#             --schema b.sql [--rename ...]` (renames.txt) writes a revision
#   up        `migrate upgrade`: the file's schema (test/autogen/sqlite_rt.py:
#             pragmas, normalized, columns sorted by name) equals that of a
#             fresh file loaded from b.sql; integrity_check ok,
#             foreign_key_check empty; the rows of the tables kept, in the
#             columns both sides have (renames followed)
#   diff      `migrate diff --schema b.sql` on the upgraded file: nothing
#   down      `migrate downgrade`: the schema equals a fresh a.sql's; healthy;
#             the upgraded file's rows kept the same way
#   diff      `migrate diff --schema a.sql` on the downgraded file: nothing
#   same      on the fresh files, diff to their own model: nothing
# A pair's optional files: data.sql (rows for the file from a.sql),
# renames.txt (one --rename entry a line; reversed, in the reverse order,
# for the downgrade), b.ref.sql (what the fresh file to compare with is
# loaded from, when b.sql is a model only the program reads: ALTER TABLE
# ... ADD CONSTRAINT as pg_dump writes it).
# And the commands around it: check's exit statuses, model errors at
# FILE:LINE, schema.sqlite.sql before schema.sql, the refusal when the file
# is not at heads, "No changes in schema detected.".
#
# Debugging: AUTOGEN_SQLITE_KEEP=DIR keeps every pair's files (the
# databases, the revision, the normalized schemas); AUTOGEN_SQLITE_ONLY=
# "PATTERN..." runs only the pairs those globs match (random-SEED-rNNNN
# names a random one, 'random-*' all of them); AUTOGEN_SQLITE_RANDOM=0 runs
# no random pairs; "cli" names the tests after the pairs.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
suite_init autogen_sqlite
AG=$REPO_ROOT/test/autogen
RT=$AG/sqlite_rt.py
PAIRS=$AG/sqlite_pairs
RANDOM_N=${AUTOGEN_SQLITE_RANDOM:-100}
SEED=${AUTOGEN_SQLITE_SEED:-12}
KEEP=${AUTOGEN_SQLITE_KEEP:-}
ONLY=${AUTOGEN_SQLITE_ONLY:-}
[ -n "$KEEP" ] && mkdir -p "$KEEP"

rt() { "$PY" -I "$RT" "$@" 2>&1; }
# the --rename arguments of a renames.txt
rename_args() {
    RENAMES=()
    [ -s "$1" ] || return 0
    local l
    while IFS= read -r l; do [ -n "$l" ] && RENAMES+=(--rename "$l"); done <"$1"
}
revision_text() { cat "$1"/migrations/versions/*.sql 2>/dev/null; }

# ---- one pair -------------------------------------------------------------------
run_pair() {    # run_pair DIR NAME
    local dir=$1 name=$2 w=$TMP/pairs/$2 out url
    rm -rf "$w"; mkdir -p "$w"
    url=sqlite:///$w/db.sqlite
    local data=() bref=$dir/b.sql
    [ -f "$dir/data.sql" ] && data=("$dir/data.sql")
    [ -f "$dir/b.ref.sql" ] && bref=$dir/b.ref.sql
    if ! out=$(rt load "$w/db.sqlite" "$dir/a.sql" ${data[@]+"${data[@]}"}) ||
       ! out=$(rt load "$w/a.sqlite" "$dir/a.sql") || ! out=$(rt load "$w/b.sqlite" "$bref"); then
        not_ok "$name: load a.sql, data.sql and b.sql" "$out"; save "$name"; return
    fi
    rt snap "$w/db.sqlite" "$w/rows.json" >/dev/null
    rename_args "$dir/renames.txt"
    local rn=(); [ -f "$dir/renames.txt" ] && rn=(--renames "$dir/renames.txt")
    cd "$w" || return
    "$MIGRATE" init >/dev/null 2>&1

    # generate
    run -d "$url" migrate -m auto --schema "$dir/b.sql" ${RENAMES[@]+"${RENAMES[@]}"}
    local nfiles
    nfiles=$(ls migrations/versions/*.sql 2>/dev/null | wc -l)
    if [ "$RC" != 0 ] || [ "$nfiles" != 1 ]; then
        not_ok "$name: generate" "$(last)"; cd "$TMP"; save "$name"; return
    fi
    ok "$name: generate"

    # up
    run -d "$url" upgrade
    if [ "$RC" != 0 ]; then
        not_ok "$name: up" "$(last)
-- the revision:
$(revision_text "$w")"; cd "$TMP"; save "$name"; return
    fi
    if out=$(rt compare "$w/db.sqlite" "$w/b.sqlite" --rows "$w/rows.json" ${rn[@]+"${rn[@]}"}); then
        ok "$name: up"
    else
        not_ok "$name: up" "$out
-- the revision:
$(revision_text "$w")"
    fi
    rt snap "$w/db.sqlite" "$w/rows-up.json" >/dev/null
    run -d "$url" diff --schema "$dir/b.sql"
    if [ "$RC" = 0 ] && [ -z "$OUT" ]; then ok "$name: diff to b.sql after up is empty"; else
        not_ok "$name: diff to b.sql after up is empty" "$(last)"
    fi

    # down
    run -d "$url" downgrade
    if [ "$RC" != 0 ]; then
        not_ok "$name: down" "$(last)
-- the revision:
$(revision_text "$w")"
    elif out=$(rt compare "$w/db.sqlite" "$w/a.sqlite" --rows "$w/rows-up.json" ${rn[@]+"${rn[@]}" --reverse}); then
        ok "$name: down"
        run -d "$url" diff --schema "$dir/a.sql"
        if [ "$RC" = 0 ] && [ -z "$OUT" ]; then ok "$name: diff to a.sql after down is empty"; else
            not_ok "$name: diff to a.sql after down is empty" "$(last)"
        fi
    else
        not_ok "$name: down" "$out
-- the revision:
$(revision_text "$w")"
    fi

    # same: each fresh file against its own model
    local same=""
    run -d "sqlite:///$w/b.sqlite" diff --schema "$dir/b.sql"
    [ "$RC" = 0 ] && [ -z "$OUT" ] || same="b.sql: $(last)"
    run -d "sqlite:///$w/a.sqlite" diff --schema "$dir/a.sql"
    [ "$RC" = 0 ] && [ -z "$OUT" ] || same="$same
a.sql: $(last)"
    if [ -z "$same" ]; then ok "$name: diff of a fresh file to its own model is empty"; else
        not_ok "$name: diff of a fresh file to its own model is empty" "$same"
    fi
    cd "$TMP" || return
    save "$name"
}
save() {
    local w=$TMP/pairs/$1
    if [ -n "$KEEP" ]; then
        for f in db a b; do [ -f "$w/$f.sqlite" ] && rt schema "$w/$f.sqlite" >"$w/$f.schema"; done
        rm -rf "${KEEP:?}/$1"; cp -r "$w" "$KEEP/$1"
    fi
    rm -rf "$w"
}
wanted() {     # ONLY's words are glob patterns
    [ -z "$ONLY" ] && return 0
    local pat
    local pats; read -ra pats <<<"$ONLY"
    for pat in "${pats[@]}"; do [[ $1 == $pat ]] && return 0; done
    return 1
}

# ---- the fixture pairs ------------------------------------------------------------
npairs=$(find "$PAIRS" -mindepth 1 -maxdepth 1 -type d | wc -l)
if [ -z "$ONLY" ]; then
    [ "$npairs" -ge 30 ] && ok "$npairs fixture pairs (at least 30)" || not_ok "at least 30 fixture pairs" "$npairs"
    missing=$(for d in "$PAIRS"/*/; do for f in a.sql b.sql; do
        [ -f "$d$f" ] && head -n 1 "$d$f" | grep -q '^-- kinds: [a-z]' || echo "$d$f"; done; done)
    is "every pair has a.sql and b.sql whose first line is -- kinds: ..." "" "$missing"
fi
for d in "$PAIRS"/*/; do
    d=${d%/}; name=$(basename "$d")
    wanted "$name" && run_pair "$d" "$name"
done

# ---- random pairs --------------------------------------------------------------------
if [ "$RANDOM_N" -gt 0 ] && { [ -z "$ONLY" ] || [[ $ONLY == *random-* ]]; }; then
    if ! out=$("$PY" -I "$AG/gen_sqlite.py" --seed "$SEED" --count "$RANDOM_N" --out "$TMP/random" 2>&1); then
        not_ok "gen_sqlite.py --seed $SEED --count $RANDOM_N" "$out"
    else
        for d in "$TMP"/random/*/; do
            d=${d%/}; name=random-$SEED-$(basename "$d")
            wanted "$name" && run_pair "$d" "$name"
        done
    fi
fi
if [ -n "$ONLY" ] && ! wanted cli; then suite_end; exit; fi

# ---- the commands around the round trip ---------------------------------------------------
# check, the model's file, errors, not at heads, nothing to do
mkdir -p "$TMP/cli" && cd "$TMP/cli" && "$MIGRATE" init >/dev/null
U=sqlite:///$TMP/cli/app.db
nrev() { ls migrations/versions/*.sql 2>/dev/null | wc -l; }
echo 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);' >migrations/schema.sql
run -d "$U" migrate -m first
expect "migrate -m on a new file (no revisions, no state: at heads) writes a revision" 0 \
    "Generating migrations/versions/" "_first.sql ... done"
run -d "$U" check
expect "check with the revision pending: exit 1, not up to date" 1 "the database is not up to date: 1 revision pending"
run -d "$U" migrate -m again
expect "migrate -m on a file that is not at heads: exit 1, target database is not up to date" 1 \
    "target database is not up to date" "1 revision is pending" "Run migrate upgrade first"
run -d "$U" revision --autogenerate -m again
expect "... revision --autogenerate too" 1 "target database is not up to date"
is "... no file written" 1 "$(nrev)"
run -d "$U" upgrade
expect "upgrade runs the generated revision" 0 "first"
run -d "$U" check
expect "check at heads with the model matching: exit 0" 0 "up to date"
run -d "$U" check --json
json_ok "check --json: JSON, exit 0"
run -d "$U" migrate -m nothing
expect "migrate -m with nothing to change: exit 0, No changes in schema detected." 0 "No changes in schema detected."
run -d "$U" revision --autogenerate -m nothing
expect "... revision --autogenerate too" 0 "No changes in schema detected."
is "... no file written" 1 "$(nrev)"
run -d "$U" diff
quiet_ok "diff with nothing to change prints nothing"

echo 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER NOT NULL DEFAULT 0);' >migrations/schema.sql
run -d "$U" check
expect "check with a model that differs: exit 1, new upgrade operations detected, naming them" 1 \
    "new upgrade operations detected" "ALTER TABLE t ADD COLUMN b INTEGER NOT NULL DEFAULT 0"
run -d "$U" diff
is "diff prints the DDL" "0:ALTER TABLE t ADD COLUMN b INTEGER NOT NULL DEFAULT 0;" "$RC:$OUT"

echo 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);' >migrations/schema.sqlite.sql
run -d "$U" check
expect "migrations/schema.sqlite.sql wins over schema.sql on SQLite (it matches): exit 0" 0 "up to date"
run -d "$U" diff
quiet_ok "... diff to it prints nothing"
run -d "$U" diff --schema migrations/schema.sql
expect "... --schema FILE overrides both" 0 "ADD COLUMN b"
run -d "$U" check --schema migrations/schema.sql
expect "... check --schema FILE too" 1 "new upgrade operations detected"
mkdir -p model
echo 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);' >model/01_t.sql
echo 'CREATE INDEX t_a ON t (a);' >model/02_ix.sql
run -d "$U" diff --schema model
is "--schema DIR: the model is its files in order" "0:CREATE INDEX t_a ON t(a);" "$RC:$OUT"

# model errors: FILE:LINE, exit 2, nothing written
printf 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\n\nCREATE TABLE u (\n    x INTEGER,\n    y NOPE(\n);\n' \
    >migrations/schema.sqlite.sql
run -d "$U" check
expect "a model that does not run: check exits 2 naming FILE:LINE" 2 "migrations/schema.sqlite.sql:3:"
run -d "$U" diff
expect "... diff too" 2 "migrations/schema.sqlite.sql:3:"
run -d "$U" migrate -m broken
expect "... migrate -m too" 2 "migrations/schema.sqlite.sql:3:"
is "... no file written" 1 "$(nrev)"
printf -- '-- the index\n\nCREATE INDEX t_b ON nosuch (b);\n' >model/02_ix.sql
run -d "$U" diff --schema model
expect "... in a directory: the file of the directory and its line" 2 "model/02_ix.sql:3: no such table"
printf 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);\nALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a <> %s);\nALTER TABLE t\n    ALTER COLUMN a SET STATISTICS 5;\n' "''" \
    >migrations/schema.sqlite.sql
run -d "$U" diff
expect "... an ALTER TABLE batch mode cannot run: exit 2 at its action's line" 2 "migrations/schema.sqlite.sql:4:" "no SQLite form"
echo 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);' >migrations/schema.sqlite.sql
run -d "$U" diff --rename nosuch:t
expect "--rename of a table that is not there: exit 2" 2 'rename "nosuch:t": no table "nosuch" in the database'
run -d "$U" diff --rename t.zz:t.a
expect "--rename of a column that is not there: exit 2" 2 'no column "zz" of table "t" in the database'
run -d "$U" diff --rename t.a:u.a
expect "--rename across tables: exit 2" 2 "both sides must name the same table"

# AUTOINCREMENT added to a table with rows keeps its sequence
rm -f migrations/schema.sqlite.sql migrations/versions/*.sql app.db
"$PY" -I "$RT" load app.db /dev/stdin <<'SQL' >/dev/null
CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);
INSERT INTO note VALUES (1, 'a'), (5, 'b');
SQL
echo 'CREATE TABLE note (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT);' >migrations/schema.sql
run -d "$U" migrate -m autoinc
expect "AUTOINCREMENT added: a revision" 0 "_autoinc.sql ... done"
like "... batch mode's ADD GENERATED ALWAYS AS IDENTITY, a rebuild" \
    "hazard: rewrite: SQLite cannot add AUTOINCREMENT in place.*ALTER TABLE note ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;" \
    "$(tr '\n' ' ' <migrations/versions/*_autoinc.sql)"
run -d "$U" upgrade
is "... after the upgrade sqlite_sequence starts past the rows, the next id is 6" "note|5 6" \
    "$(sq_py app.db "SELECT name, seq FROM sqlite_sequence WHERE name = 'note'") $(
       sq_py app.db "INSERT INTO note (body) VALUES ('c') RETURNING id")"
run -d "$U" downgrade
is "... the downgrade drops AUTOINCREMENT and keeps the rows" "0:1 5:" \
    "$RC:$(sq_py app.db "SELECT id FROM note ORDER BY id" | tr '\n' ' ' | sed 's/ $//'):$(sq_py app.db "SELECT sql FROM sqlite_schema WHERE name = 'note'" | grep -i autoincrement)"
cd "$TMP" || exit 1

# ---- the machinery: sqlite_rt.py and gen_sqlite.py --------------------------------------
mkdir -p "$TMP/rt" && cd "$TMP/rt" || exit 1
base='CREATE TABLE p (id INTEGER PRIMARY KEY, k TEXT UNIQUE);
CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE DEFAULT '"'x'"' CHECK (length(a) < 9), b INTEGER NOT NULL REFERENCES p (id) ON DELETE CASCADE);
CREATE INDEX t_b ON t (b) WHERE b > 0;
CREATE VIEW v AS SELECT a FROM t;
CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT NEW.a; END;'
printf '%s\n' "$base" >base.sql
rt load base.db base.sql >/dev/null
same='CREATE TABLE p (id INTEGER, k TEXT, PRIMARY KEY (id), CONSTRAINT p_k UNIQUE (k));
CREATE TABLE t (b INTEGER NOT NULL, id INTEGER PRIMARY KEY, a TEXT DEFAULT '"'x'"' COLLATE nocase,
    FOREIGN KEY (b) REFERENCES "p" (id) ON DELETE CASCADE, CONSTRAINT named CHECK (length(a) < 9));
CREATE INDEX t_b ON t (  b  ) WHERE b>0;
CREATE VIEW "v" AS SELECT A FROM T;
CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT new.a; END;'
printf '%s\n' "$same" >same.sql
rt load same.db same.sql >/dev/null
out=$(rt compare same.db base.db)
is "sqlite_rt.py: column order, constraint spelling and names, blanks and case of SQL do not count" "0:" "$?:$out"
differs=0 missed=""
while IFS='|' read -r what from to; do
    [ -n "$what" ] || continue
    printf '%s\n' "${base/"$from"/"$to"}" >v.sql
    rm -f v.db; rt load v.db v.sql >/dev/null
    if rt compare v.db base.db >/dev/null; then missed="$missed $what"; else differs=$((differs + 1)); fi
done <<'LIST'
type|a TEXT COLLATE|a VARCHAR(9) COLLATE
not null|b INTEGER NOT NULL|b INTEGER
default|DEFAULT 'x'|DEFAULT 'y'
collation|COLLATE NOCASE|COLLATE RTRIM
check|length(a) < 9|length(a) < 8
unique|k TEXT UNIQUE|k TEXT
foreign key action|ON DELETE CASCADE|ON DELETE SET NULL
partial index|WHERE b > 0|WHERE b > 1
index columns|t (b)|t (b, a)
view|SELECT a FROM t|SELECT a, b FROM t
trigger|SELECT NEW.a|SELECT NEW.b
primary key|p (id INTEGER PRIMARY KEY|p (id INTEGER UNIQUE
autoincrement|p (id INTEGER PRIMARY KEY|p (id INTEGER PRIMARY KEY AUTOINCREMENT
without rowid|k TEXT UNIQUE);|k TEXT UNIQUE) WITHOUT ROWID;
strict|k TEXT UNIQUE);|k TEXT UNIQUE) STRICT;
name case|CREATE VIEW v|CREATE VIEW V
LIST
is "... and each of 16 kinds of difference does" "16:" "$differs:$missed"
rt load rows.db base.sql /dev/stdin <<<"INSERT INTO p VALUES (1, 'k'); INSERT INTO t VALUES (1, 'a', 1);" >/dev/null
rt snap rows.db rows.json >/dev/null
rt load rows.db /dev/stdin <<<"UPDATE t SET a = 'b';" >/dev/null
out=$(rt compare rows.db base.db --rows rows.json)
like "... a changed row is reported" "rows of t" "$out"
rt load rows.db /dev/stdin <<<"INSERT INTO t VALUES (2, 'c', 99);" >/dev/null
out=$(rt compare rows.db base.db)
like "... a row breaking a foreign key is reported" "foreign_key_check" "$out"
"$PY" -I "$AG/gen_sqlite.py" --seed 7 --count 30 --out g1 && "$PY" -I "$AG/gen_sqlite.py" --seed 7 --count 30 --out g2 &&
    "$PY" -I "$AG/gen_sqlite.py" --seed 8 --count 30 --out g3
is "gen_sqlite.py: the same seed gives the same bytes" "" "$(diff -r g1 g2 2>&1)"
like "... another seed other pairs" "differ" "$(diff -rq g1 g3 2>&1)"
is "... every b.sql differs from its a.sql" "" "$(for d in g1/*/; do cmp -s "$d/a.sql" "$d/b.sql" && echo "$d"; done)"
bad=""
for d in g1/*/; do
    rm -f x.db y.db
    rt load x.db "$d/a.sql" "$d/data.sql" >/dev/null || bad="$bad $d(a)"
    rt load y.db "$d/b.sql" >/dev/null || bad="$bad $d(b)"
done
is "... every a.sql with its data.sql and every b.sql loads in SQLite" "" "$bad"
cd "$TMP" || exit 1
suite_end
