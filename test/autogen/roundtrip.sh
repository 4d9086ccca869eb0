#!/usr/bin/env bash
# test/autogen/roundtrip.sh — the autogenerate round trip (issue 11, Tests).
#
#   roundtrip.sh [OPTIONS] [PAIR...]
#
# For each schema pair (a directory with a.sql and b.sql; optional
# schemas.txt holding the schemas argument, default {public}; optional
# renames.txt, one renames entry a line):
#   up    a fresh database (extension migrate installed) loaded from a.sql;
#         SELECT <function>(b.sql, schemas, renames) → up.sql, run with
#         psql -v ON_ERROR_STOP=1; pg_dump -s, normalized, must equal that of
#         a fresh database loaded from b.sql
#   down  on the upgraded database, <function>(a.sql, schemas, the renames
#         reversed) → down.sql, run; the dump must equal that of a.sql's
#   same  on the database loaded from b.sql, <function>(b.sql, ...) is ''
# A pair listed in expected_unsupported (name, kind, optional text) is
# expected to make the up diff (or, when that works, the down diff after
# the up script) fail with SQLSTATE 0A000 and a message containing the
# text; that is its one test.
#
# Options:
#   --pairs DIR       the fixture pairs (default: test/autogen/pairs)
#   --no-fixtures     run no fixture pairs (with --random)
#   --random N        also N random pairs from gen.py ...
#   --seed S          ... seeded with S (default 1)
#   --function NAME   the diff function (default migrate.diff)
#   --fake            use autogen_fake.diff (fake_diff.sql; any function of
#                     schema autogen_fake installs it): proves this
#                     runner without the engine
#   --canned DIR      use autogen_fake.canned, answering with DIR/PAIR/up.sql,
#                     DIR/PAIR/down.sql and DIR/PAIR/same.sql (absent: '')
#   --unsupported F   the expected_unsupported list (default: the one here
#                     for migrate.diff, none for --fake and --canned)
#   --keep DIR        keep each pair's scripts and dumps under DIR/PAIR
# PAIR arguments restrict the fixture pairs to those names.
#
# Prints `ok N - PAIR: STEP` / `not ok N - PAIR: STEP` lines and, last,
# `X passed, Y failed`; exit status 1 when anything failed. Runs against
# the cluster of PGHOST/PGPORT (scripts/lib.sh's start_cluster), creating
# and dropping databases autogen_rt_*, and roles autogen_reader and
# autogen_writer (the grants of the pairs name them).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../suites/lib.sh"

pairs_dir=$HERE/pairs fixtures=1 random=0 seed=1 fn=migrate.diff mode=engine
canned= unsupported= keep= only=()
while [ $# -gt 0 ]; do
    case $1 in
        --pairs) pairs_dir=$2; shift 2 ;;
        --no-fixtures) fixtures=0; shift ;;
        --random) random=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --function) fn=$2; shift 2 ;;
        --fake) mode=fake fn=autogen_fake.diff; shift ;;
        --canned) mode=canned fn=autogen_fake.canned canned=$(cd "$2" && pwd); shift 2 ;;
        --unsupported) unsupported=$2; shift 2 ;;
        --keep) keep=$2; mkdir -p "$keep"; shift 2 ;;
        -*) echo "roundtrip.sh: unknown option $1" >&2; exit 2 ;;
        *) only+=("$1"); shift ;;
    esac
done

# the unsupported list is the engine's: a fake handles every kind
[ -n "$unsupported" ] || { [ "$mode" = engine ] && unsupported=$HERE/expected_unsupported; }
TPL=autogen_rt_tpl DBA=autogen_rt_a DBB=autogen_rt_b
ROLES=(autogen_reader autogen_writer)
suite_cleanup() {
    for d in "$DBA" "$DBB" "$TPL"; do
        psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
    done
    for r in "${ROLES[@]}"; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
    rm -rf "$TMP"
}
TMP=$(mktemp -d /tmp/migrate-autogen-XXXX)
trap suite_cleanup EXIT

# ---- setup: roles, and a template database with the extension ----------------
for r in "${ROLES[@]}"; do
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
    psql -X -q -d postgres -c "CREATE ROLE $r" >/dev/null 2>&1
done
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $TPL WITH (FORCE)" >/dev/null 2>&1
out=$(psql -X -q -d postgres -c "CREATE DATABASE $TPL" 2>&1 &&
      psql -X -q -v ON_ERROR_STOP=1 -d "$TPL" -c "SET client_min_messages = warning" \
           -c "CREATE EXTENSION migrate" 2>&1) || { not_ok "setup: a database with the extension" "$out"; suite_end; exit 1; }
if [[ $fn == autogen_fake.* ]]; then
    out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$TPL" -f "$HERE/fake_diff.sql" 2>&1) ||
        { not_ok "setup: fake_diff.sql" "$out"; suite_end; exit 1; }
fi
# the diff function must exist: a missing engine is a loud failure, never a skip
have=$(q "$TPL" "SELECT count(*) FROM pg_catalog.pg_proc WHERE oid::pg_catalog.regprocedure::text =
              '${fn}(text,text[],text[],boolean)'" 2>&1)
if [ "$have" != 1 ]; then
    not_ok "setup: $fn(text, text[], text[], boolean) is not installed" "$have"
    suite_end
    exit 1
fi

# ---- helpers ------------------------------------------------------------------
fresh() {   # fresh DB: a copy of the template
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1
    psql -X -q -d postgres -c "CREATE DATABASE $1 TEMPLATE $TPL" 2>&1
}
load() {    # load DB FILE
    psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "SET client_min_messages = warning" -f "$2" 2>&1
}
# the normalized schema dump: pg_dump -s of the whole database (so that
# leftovers in any schema show), the fake's schema left out
dump() {    # dump DB OUTFILE
    pg_dump -s -N autogen_fake "$1" 2>&1 | "$PY" -I "$HERE/normalize.py" >"$2"
}
# diff_call DB DESIRED_FILE RENAMES_LITERAL ANSWER_FILE OUT_FILE: prints
# psql's error on failure; the result (NULL as <NULL>) in OUT_FILE
diff_call() {
    local answer=""
    if [ "$mode" = canned ] && [ -f "$4" ]; then answer=$(cat "$4"); fi
    {
        if [ "$mode" = canned ]; then echo "SELECT pg_catalog.set_config('autogen_fake.answer', :'answer', false) \\g /dev/null"; fi
        echo "SET client_min_messages = warning;"
        echo "SELECT $fn(:'desired', :'schemas'::text[], $3);"
    } | psql -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -P null='<NULL>' \
            -v desired="$(cat "$2")" -v schemas="$schemas" -v answer="$answer" \
            -d "$1" >"$5" 2>"$5.err"
    local rc=$?
    [ $rc -eq 0 ] || cat "$5.err"
    return $rc
}
# renames.txt → an SQL text[] literal (reverse: each a:b as b:a)
renames_sql() {   # renames_sql FILE forward|reverse
    [ -s "$1" ] || { echo NULL; return; }
    local items=() l
    while IFS= read -r l; do
        [ -n "$l" ] || continue
        [ "$2" = reverse ] && l="${l#*:}:${l%%:*}"
        items+=("'${l//\'/\'\'}'")
    done <"$1"
    local IFS=,
    echo "ARRAY[${items[*]}]::text[]"
}
# the expected_unsupported line of a pair: "kind [text]", or nothing
unsupported_entry() {
    [ -f "$unsupported" ] || return 0
    awk -v p="$1" '$1 == p { $1 = ""; sub(/^ +/, ""); print; exit }' "$unsupported"
}

# a pair of expected_unsupported: the up diff, or else (after running the
# up script) the down diff, must fail with 0A000 and name the object
unsupported_pair() {    # unsupported_pair DIR NAME ENTRY FW RV WORKDIR
    local dir=$1 name=$2 kind=${3%% *} text= w=$6 out step=up
    [[ $3 == *" "* ]] && text=${3#* }
    local t="$name: unsupported ($kind): diff fails with 0A000"
    if out=$(diff_call "$DBA" "$dir/b.sql" "$4" /dev/null "$w/up.sql"); then
        if ! out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$DBA" -f "$w/up.sql" 2>&1); then
            not_ok "$t" "the up script fails instead: $out"; return
        fi
        step=down
        if out=$(diff_call "$DBA" "$dir/a.sql" "$5" /dev/null "$w/down.sql"); then
            not_ok "$t" "diff succeeded both ways: remove $name from expected_unsupported"; return
        fi
    fi
    if [[ $out != *"0A000"* ]]; then
        not_ok "$t" "$step: $out"
    elif [ -n "$text" ] && [[ $out != *"$text"* ]]; then
        not_ok "$name: unsupported ($kind): the error names $text" "$step: $out"
    else
        ok "$t"
    fi
}

# ---- one pair ---------------------------------------------------------------------
run_pair() {    # run_pair DIR NAME
    local dir=$1 name=$2 w=$TMP/$2 out fw rv entry
    mkdir -p "$w"
    schemas='{public}'
    [ -f "$dir/schemas.txt" ] && schemas=$(tr -d ' \n' <"$dir/schemas.txt")
    fw=$(renames_sql "$dir/renames.txt" forward)
    rv=$(renames_sql "$dir/renames.txt" reverse)

    if ! out=$(fresh "$DBA") || ! out=$(load "$DBA" "$dir/a.sql"); then
        not_ok "$name: load a.sql" "$out"; return
    fi
    entry=$(unsupported_entry "$name")
    if [ -n "$entry" ]; then
        unsupported_pair "$dir" "$name" "$entry" "$fw" "$rv" "$w"
        return
    fi
    if ! out=$(fresh "$DBB") || ! out=$(load "$DBB" "$dir/b.sql"); then
        not_ok "$name: load b.sql" "$out"; return
    fi
    dump "$DBA" "$w/a.dump"
    dump "$DBB" "$w/b.dump"

    # up: a → b
    if ! out=$(diff_call "$DBA" "$dir/b.sql" "$fw" "$canned/$name/up.sql" "$w/up.sql"); then
        not_ok "$name: up: diff" "$out"; save "$name"; return
    elif ! out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$DBA" -f "$w/up.sql" 2>&1); then
        not_ok "$name: up: run" "$out
-- up.sql:
$(cat "$w/up.sql")"; save "$name"; return
    fi
    dump "$DBA" "$w/up.dump"
    if cmp -s "$w/up.dump" "$w/b.dump"; then ok "$name: up"; else
        not_ok "$name: up" "$(diff -u "$w/b.dump" "$w/up.dump" | tail -n +3)
-- up.sql:
$(cat "$w/up.sql")"; save "$name"; return
    fi

    # down: the upgraded database → a
    if ! out=$(diff_call "$DBA" "$dir/a.sql" "$rv" "$canned/$name/down.sql" "$w/down.sql"); then
        not_ok "$name: down: diff" "$out"
    elif ! out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$DBA" -f "$w/down.sql" 2>&1); then
        not_ok "$name: down: run" "$out
-- down.sql:
$(cat "$w/down.sql")"
    else
        dump "$DBA" "$w/down.dump"
        if cmp -s "$w/down.dump" "$w/a.dump"; then ok "$name: down"; else
            not_ok "$name: down" "$(diff -u "$w/a.dump" "$w/down.dump" | tail -n +3)
-- down.sql:
$(cat "$w/down.sql")"
        fi
    fi

    # same: b against the database loaded from b (no renames: nothing there
    # has its old name)
    if ! out=$(diff_call "$DBB" "$dir/b.sql" NULL "$canned/$name/same.sql" "$w/same.sql"); then
        not_ok "$name: diff to b.sql from b.sql is ''" "$out"
    else
        is "$name: diff to b.sql from b.sql is ''" "" "$(cat "$w/same.sql")"
    fi
    save "$name"
}
save() { if [ -n "$keep" ]; then rm -rf "${keep:?}/$1"; cp -r "$TMP/$1" "$keep/$1"; fi; rm -rf "${TMP:?}/$1"; }

# ---- the pairs ------------------------------------------------------------------------
if [ "$fixtures" = 1 ]; then
    for d in "$pairs_dir"/*/; do
        d=${d%/}; name=$(basename "$d")
        if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" $name "* ]]; then continue; fi
        run_pair "$d" "$name"
    done
fi
if [ "$random" -gt 0 ]; then
    if ! out=$("$PY" "$HERE/gen.py" --seed "$seed" --count "$random" --out "$TMP/random" 2>&1); then
        not_ok "gen.py --seed $seed --count $random" "$out"
    else
        for d in "$TMP"/random/*/; do
            d=${d%/}
            run_pair "$d" "random-$seed-$(basename "$d")"
        done
    fi
fi
suite_end
