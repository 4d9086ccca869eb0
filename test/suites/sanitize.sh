#!/usr/bin/env bash
# test/suites/sanitize.sh — the program and the unit tests built once with
# AddressSanitizer and UndefinedBehaviorSanitizer, and run.
#
# The build is of a copy of the tree (the files git knows, as they are in
# the work tree) in a scratch directory, so that nothing of the normal
# build is rebuilt in place for the suites that run after this one. The
# compiler is MIGRATE_SANITIZE_CC (default clang), with
# -fsanitize=address,undefined -fno-sanitize-recover=all; WERROR=1 when CI
# is set, as scripts/test builds.
#
# Runs the unit tests (make unittest, with LeakSanitizer: the shared core
# must free what it allocates) and a sample of program commands on a copy
# of the example migrations/ against a SQLite file: reading commands on a
# missing file, upgrade, current, history, heads, branches, show, status,
# check, relative and per-revision upgrades and downgrades, stamps, the
# offline --sql scripts, push, repair, test, drift, a new revision, the
# error paths of a failing revision and of an edited applied one, and with
# a model (schema.sql): autogenerate, diff, check and a table rebuild. Each
# test passes when the command exits as expected and no sanitizer wrote a
# report (reports go to files, one per process). The program frees
# nothing at exit by design (a one-shot process), so its runs leave leak
# detection off.
#
# Prints `ok N - name` / `not ok N - name` and, last, `X passed, Y failed`.
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
suite_init sanitize

SAN_CC=${MIGRATE_SANITIZE_CC:-clang}
SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
TREE=$TMP/tree
LOGS=$TMP/reports
mkdir -p "$TREE" "$LOGS"
unset DATABASE_URL

# ---- the copy and its build --------------------------------------------------------
copy_tree() {
    if git -C "$REPO_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$REPO_ROOT" && git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
            tar --null -T - -cf -) | tar -xf - -C "$TREE"
    else
        tar -C "$REPO_ROOT" --exclude=./build --exclude='*.o' --exclude='*.so' \
            --exclude=./src/cli/migrate --exclude=./test/unit/run_unit -cf - . |
            tar -xf - -C "$TREE"
    fi
}
make_args=(CC="$SAN_CC $SAN_FLAGS")
if [ -n "${CI:-}" ] && [ "$CI" != false ] && [ "$CI" != 0 ]; then
    make_args+=(WERROR=1)
fi
if ! out=$(copy_tree 2>&1) ||
   ! out=$(make -C "$TREE" -s -j2 "${make_args[@]}" src/cli/migrate test/unit/run_unit 2>&1); then
    not_ok_whole "build the program and the unit tests with $SAN_CC $SAN_FLAGS (in a copy)" "$out"
    suite_end
    exit 1
fi
ok "build the program and the unit tests with $SAN_CC -fsanitize=address,undefined (in a copy)"

# Reports go to files $LOGS/<sanitizer>.<pid>; none may appear.
export ASAN_OPTIONS="log_path=$LOGS/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$LOGS/ubsan:print_stacktrace=1"
reports() {
    local f
    for f in "$LOGS"/*; do
        [ -e "$f" ] || continue
        printf -- '--- %s\n' "$(basename "$f")"
        head -n 60 "$f"
    done
}

# ---- unit tests --------------------------------------------------------------------
out=$(cd "$TREE" && test/unit/run_unit 2>&1)
rc=$?
rep=$(reports)
summary=$(grep -E '^unit: [0-9]+ passed, [0-9]+ failed$' <<<"$out" | tail -n 1)
if [ "$rc" -eq 0 ] && [ -z "$rep" ] && [[ $summary =~ ^unit:\ [0-9]+\ passed,\ 0\ failed$ ]]; then
    ok "unit tests under the sanitizers (${summary#unit: })"
else
    not_ok_whole "unit tests under the sanitizers (exit $rc, ${summary:-no summary})" \
        "$rep$(grep -E '^(not ok|#)' <<<"$out" | head -n 40)"
fi
rm -f "$LOGS"/*

# ---- the program on SQLite ------------------------------------------------------------
MIGRATE=$TREE/src/cli/migrate
export ASAN_OPTIONS="log_path=$LOGS/asan:detect_leaks=0"
mkdir -p "$TMP/app"
cp -r "$REPO_ROOT/migrations" "$TMP/app/migrations"
cd "$TMP/app" || exit 1
U=sqlite:///app.db

# san NAME STATUS ARGS...: the program exits STATUS and no report is written
san() {
    local name=$1 want=$2 rep
    shift 2
    rm -f "$LOGS"/*
    run "$@"
    rep=$(reports)
    if [ -n "$rep" ]; then
        not_ok_whole "$name: a sanitizer report" "$rep"
    elif [ "$RC" != "$want" ]; then
        not_ok "$name: expected exit status $want" "$(last)"
    else
        ok "$name"
    fi
}

san "current on a missing file" 1 -d "$U" current
san "history -i on a missing file" 1 -d "$U" history -i
san "upgrade --sql from the files alone (base:heads)" 0 -d "$U" upgrade base:heads --sql
san "test (single head, upgrade, up/down/up per revision) on a copy" 0 -d "$U" test
san "upgrade" 0 -d "$U" upgrade
san "current" 0 -d "$U" current
san "history -i" 0 -d "$U" history -i
san "history of a range" 0 -d "$U" history -r e57af1e0a8f8:heads
san "heads" 0 -d "$U" heads
san "branches" 0 -d "$U" branches
san "show by prefix" 0 -d "$U" show 4c7d
san "status --json" 0 -d "$U" status --json
san "check at heads" 0 -d "$U" check
san "drift" 0 -d "$U" drift
san "downgrade billing@-1 (one branch of the merge)" 0 -d "$U" downgrade billing@-1
san "downgrade --sql to base" 0 -d "$U" downgrade base --sql
san "downgrade base" 0 -d "$U" downgrade base
san "check at base fails" 1 -d "$U" check
san "upgrade --sql from base" 0 -d "$U" upgrade --sql
san "upgrade +2" 0 -d "$U" upgrade +2
san "upgrade --per-revision to heads" 0 -d "$U" upgrade --per-revision
san "downgrade -1" 0 -d "$U" downgrade -1
san "stamp base" 0 -d "$U" stamp base
san "stamp heads" 0 -d "$U" stamp heads
san "push" 0 -d "$U" push
san "repair" 0 -d "$U" repair
san "revision -m" 0 revision -m "sanitized change" --rev-id 5a417e000001
san "upgrade to the new revision" 0 -d "$U" upgrade

# error paths: a revision that fails, an applied revision edited
rev_sql migrations f0001 5a417e000001 "fails" 'CREATE TABLE t1 (id integer PRIMARY KEY);
INSERT INTO t1 VALUES (1);
INSERT INTO t1 VALUES (1);' 'DROP TABLE t1;'
san "upgrade with a failing revision fails" 1 -d "$U" upgrade
rm -f migrations/versions/f0001_*.sql
# (the one applied by upgrade since the stamps: a stamp records no checksum)
sed -i 's/^-- migrate:upgrade$/-- migrate:upgrade\nSELECT 1;/' migrations/versions/5a417e000001_*.sql
san "check with an edited applied revision fails" 1 -d "$U" check
san "status with an edited applied revision" 0 -d "$U" status
san "upgrade refuses an edited applied revision" 1 -d "$U" upgrade
san "repair accepts it" 0 -d "$U" repair
san "check after the repair" 0 -d "$U" check

# the model: autogenerate, a rebuild of a table, check and diff against it
mkdir -p "$TMP/model"
cd "$TMP/model" || exit 1
U=sqlite:///m.db
san "init" 0 init
"$PY" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).close()' m.db
cat >migrations/schema.sql <<'EOF'
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
CREATE INDEX users_name ON users (name);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), body TEXT);
CREATE VIEW post_count AS SELECT user_id, count(*) AS n FROM posts GROUP BY user_id;
EOF
san "revision --autogenerate from a new file" 0 -d "$U" revision --autogenerate -m first
san "upgrade to the model" 0 -d "$U" upgrade
san "check against the model" 0 -d "$U" check
cat >migrations/schema.sql <<'EOF'
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL DEFAULT '');
CREATE INDEX users_name ON users (name);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), title TEXT);
EOF
san "diff to a changed model" 0 -d "$U" diff
san "revision --autogenerate of a table rebuild" 0 -d "$U" revision --autogenerate -m second
san "upgrade with the rebuild" 0 -d "$U" upgrade
san "downgrade -1 with the rebuild" 0 -d "$U" downgrade -1

suite_end
