#!/usr/bin/env bash
# test/suites/cli_parity.sh — the same revision files applied by the migrate
# program to a PostgreSQL database and to a SQLite file give the same plans,
# the same order, the same version sets, the same history and the same
# errors (SPEC 3 and 5: the deciding code is shared).
#
# A copy of the example migrations/ goes step by step through relative,
# branch-relative, label, id and prefix targets, upgrades, downgrades and
# stamps; after every step both databases are compared: exit status (and
# error message), the revisions of the progress lines in order, `current
# --json`, `status --json`, `history -i --json`, the history tables
# (migrate.history / migrate_history: revision and action, in order), and
# the plan of the offline script (its `-- Running ...` lines). Then a graph
# whose contract head depends on its expand head (version set canonical on
# both), and a database at a revision whose file is gone.
#
# Uses databases migrate_suite_cli_parity_*, dropped at the end, and a
# scratch directory. Prints `ok N - name` / `not ok N - name` and, last,
# `X passed, Y failed`; exits 1 on failure.
set -uo pipefail

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
is() {
    if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "postgresql: $2
sqlite:     $3"; fi
}
# same NAME PG_TEXT SQLITE_TEXT (multi-line: a diff)
same() {
    if [ "$2" == "$3" ]; then ok "$1"; else
        not_ok "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^</postgresql:/; s/^>/sqlite:    /')"
    fi
}
sq() { sq_py "$@"; }
# both PREFIX ARGS...: run the program on both databases; results in
# ${PREFIX}_pg_{rc,out,err} and ${PREFIX}_sq_{rc,out,err}
PGU= SQU= PGDB= SQDB= DIR=
both() {
    local p=$1; shift
    "$MIGRATE" --dir "$DIR" -d "$PGU" "$@" >"$TMP/pg.out" 2>"$TMP/pg.err" </dev/null
    printf -v "${p}_pg_rc" '%s' $?
    "$MIGRATE" --dir "$DIR" -d "$SQU" "$@" >"$TMP/sq.out" 2>"$TMP/sq.err" </dev/null
    printf -v "${p}_sq_rc" '%s' $?
    printf -v "${p}_pg_out" '%s' "$(cat "$TMP/pg.out")"
    printf -v "${p}_sq_out" '%s' "$(cat "$TMP/sq.out")"
    printf -v "${p}_pg_err" '%s' "$(cat "$TMP/pg.err")"
    printf -v "${p}_sq_err" '%s' "$(cat "$TMP/sq.err")"
}
progress() { sed -nE 's/^\[([0-9]+\/[0-9]+)\] ([^ ]+) .*/\1 \2/p' <<<"$1"; }
# the error: the last "migrate: " line (the server's primary message comes
# after the program's "could not ..." line), without the SQLSTATE
first_error() { grep '^migrate: ' <<<"$1" | tail -n 1 | sed -E 's/ \(SQLSTATE [0-9A-Z]{5}\)$//'; }
running() { grep -E '^-- Running (upgrade|downgrade) ' <<<"$1"; }
pg_history() { q "$PGDB" "SELECT revision, action FROM migrate.history ORDER BY id"; }
sq_history() { sq "$SQDB" "SELECT revision, action FROM migrate_history ORDER BY id"; }
# normalised JSON (sorted keys, lists of versions sorted)
norm() { "$PY" -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))' <<<"$1" 2>&1; }

# compare_step LABEL CMD [ARGS...]: run CMD on both and compare everything
compare_step() {
    local label=$1; shift
    local cmd=$1
    if [ "$cmd" == upgrade ] || [ "$cmd" == downgrade ]; then
        both plan "$@" --sql
        if [ "$plan_pg_rc" == 0 ] && [ "$plan_sq_rc" == 0 ]; then
            same "$label: same offline plan" "$(running "$plan_pg_out")" "$(running "$plan_sq_out")"
        else
            is "$label: same exit status of --sql" "$plan_pg_rc" "$plan_sq_rc"
            if [ "$plan_pg_rc" == 2 ] || [ "$plan_sq_rc" == 2 ]; then
                is "$label: same input error from --sql" "$(first_error "$plan_pg_err")" "$(first_error "$plan_sq_err")"
            fi
        fi
    fi
    both step "$@"
    is "$label: same exit status ($step_pg_rc)" "$step_pg_rc" "$step_sq_rc"
    # input errors come from the shared code: the same words (a failing
    # statement is reported by each database in its own words)
    if [ "$step_pg_rc" == 2 ] || [ "$step_sq_rc" == 2 ]; then
        is "$label: same input error" "$(first_error "$step_pg_err")" "$(first_error "$step_sq_err")"
    fi
    same "$label: same revisions in the same order" "$(progress "$step_pg_out")" "$(progress "$step_sq_out")"
    both cur current --json
    is "$label: same version set" "$cur_pg_out" "$cur_sq_out"
    both st status --json
    is "$label: same status --json" "$(norm "$st_pg_out")" "$(norm "$st_sq_out")"
    both hi history -i --json
    same "$label: same history -i --json" "$(norm "$hi_pg_out")" "$(norm "$hi_sq_out")"
    same "$label: same history rows" "$(pg_history)" "$(sq_history)"
}

P=migrate_suite_cli_parity
pg_suite_init cli-parity "${P}_ex" "${P}_ec"
cd "$TMP" || exit 1
unset DATABASE_URL

# ---- the example migrations, step by step -----------------------------------------
cp -r "$REPO_ROOT/migrations" "$TMP/ex"
pg_new_db "${P}_ex"
PGDB=${P}_ex PGU=postgresql:///${P}_ex SQDB=$TMP/ex.db SQU=sqlite:///$TMP/ex.db DIR=$TMP/ex
: >"$SQDB"

# the full plans from base, as the offline scripts show them
both up upgrade heads --sql
same "upgrade heads --sql from base: the same '-- Running upgrade' lines" "$(running "$up_pg_out")" "$(running "$up_sq_out")"
is "... one per revision" "$(ls "$DIR"/versions/*.sql | wc -l)" "$(running "$up_sq_out" | wc -l)"
is "... in Alembic's words" "-- Running upgrade  -> e57af1e0a8f8, create customers table" \
    "$(running "$up_sq_out" | head -n 1)"

steps=(
    "upgrade +1" "upgrade +1" "upgrade +1" "upgrade +1"
    "upgrade +1"                    # at the branch point: ambiguous
    "upgrade billing@+1" "upgrade billing@+1" "upgrade reporting@+1"
    "upgrade billing@+1" "upgrade reporting@+1"
    "upgrade +1"                    # two current heads: ambiguous
    "upgrade heads"
    "downgrade -1"
    "downgrade billing@base"
    "upgrade reporting@head"
    "downgrade base"
    "upgrade heads"
    "downgrade 3f8d2b7c6e10"
    "upgrade c49f"
    "upgrade d0a4f7b35c92"
    "downgrade -1"                  # two current heads: ambiguous
    "downgrade reporting@-1"
    "upgrade head"
    "stamp base"
    "stamp heads"
    "downgrade reporting@-1"
    "downgrade 5aa5020316c5"
    "upgrade nosuch"
    "downgrade heads"               # not applied: not a downgrade target
    "stamp d0a4f7b35c92"
    "stamp 5aa5020316c5"
    "upgrade heads"
    "downgrade base"
    "stamp 3f8d2b7c6e10"            # nothing there to downgrade:
    "downgrade base"                # ... a failing statement on both
    "stamp base"
)
k=0
for step in "${steps[@]}"; do
    k=$((k + 1))
    # shellcheck disable=SC2086
    compare_step "step $k ($step)" $step
done

# ---- expand / contract: a head that depends on the other head ----------------------
mkdir ec
rev_sql ec r0001 base "root" 'CREATE TABLE r (id integer PRIMARY KEY, a integer);' 'DROP TABLE r;'
rev_sql ec e0001 r0001 "expand" 'ALTER TABLE r ADD COLUMN b integer;' 'ALTER TABLE r DROP COLUMN b;' "-- migrate:branch expand"
rev_sql ec e0002 e0001 "expand more" 'CREATE TABLE r2 (id integer);' 'DROP TABLE r2;'
rev ec c0001 r0001 "contract" "-- migrate:branch contract
-- migrate:depends e0002" <<'EOF'
-- migrate:upgrade
UPDATE r SET b = a;

-- migrate:downgrade
UPDATE r SET b = NULL;
EOF
pg_new_db "${P}_ec"
PGDB=${P}_ec PGU=postgresql:///${P}_ec SQDB=$TMP/ec.db SQU=sqlite:///$TMP/ec.db DIR=$TMP/ec
: >"$SQDB"
compare_step "expand/contract: upgrade heads" upgrade heads
both cur current --json
is "... the version set is just the contract head, on both" '["c0001"] ["c0001"]' "$cur_pg_out $cur_sq_out"
k=0
for step in "downgrade expand@-1" "upgrade contract@head" "downgrade expand@base" "upgrade expand@head" \
            "upgrade +1" "downgrade contract@-1" "upgrade c0001" "downgrade -1" "downgrade r0001" "upgrade heads" \
            "downgrade base"; do
    k=$((k + 1))
    # shellcheck disable=SC2086
    compare_step "expand/contract $k ($step)" $step
done

# ---- a database at a revision whose file is gone ------------------------------------
cp -r ec ec2
rev_sql ec2 z0001 c0001 "gone later" 'CREATE TABLE z (id integer);' 'DROP TABLE z;'
DIR=$TMP/ec2
both up upgrade heads
is "with the extra revision: upgrade heads exits 0 on both" "0 0" "$up_pg_rc $up_sq_rc"
DIR=$TMP/ec
both cur current
is "its file removed: current names it on both" "z0001 (no revision file)" "$cur_pg_out"
is "... (sqlite)" "z0001 (no revision file)" "$cur_sq_out"
both ck check
is "... check fails on both" "1" "$ck_pg_rc"
is "... check fails on both (sqlite)" "1" "$ck_sq_rc"
both up upgrade heads
is "... upgrade heads gives the same exit status on both" "$up_pg_rc $(first_error "$up_pg_err")" \
    "$up_sq_rc $(first_error "$up_sq_err")"
both dn downgrade -1
is "... downgrade -1 gives the same exit status on both" "$dn_pg_rc" "$dn_sq_rc"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
