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
# no random pairs.
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
[ -n "$ONLY" ] && { suite_end; exit; }

# ---- the commands around the round trip ---------------------------------------------------
# CLI_TESTS
suite_end
