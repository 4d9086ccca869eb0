#!/usr/bin/env bash
# test/suites/bench_smoke.sh — the benchmark suite still runs end to end
# (issue 5): `bench/run --smoke` (N = 20, one repetition, no peers, small
# planning graphs) must finish, print its tables and write its report.
# No timing is asserted.
#
# bench/run starts its own throw-away cluster on port $BENCH_PGPORT (default
# here 54349, not scripts/test's 54329), so it never touches the cluster
# this suite runs beside, and writes its report to a temporary directory:
# nothing in the repository changes (docs/benchmarks.md only changes on a
# full run). Then `bench/sqlite_rebuild --smoke` (issue 12), the same way.
# Prints `ok N - …` or `not ok N - …` for each and, last, `X passed, Y failed`.
set -euo pipefail

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TMP=$(mktemp -d /tmp/migrate-bench-smoke-XXXX)
trap 'rm -rf "$TMP"' EXIT

problems=()
rc=0
BENCH_PGPORT=${BENCH_PGPORT:-54349} timeout 110 \
    "$REPO_ROOT/bench/run" --smoke --out "$TMP/bench.md" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
[ "$rc" -eq 0 ] || problems+=("bench/run --smoke exited with $rc")
for section in "## Targets" "## PostgreSQL: upgrade from base" "## No-op when up to date" \
        "## Planning" "## Backend memory" "## SQLite: upgrade from base"; do
    grep -qF -- "$section" "$TMP/stdout" || problems+=("stdout lacks '$section'")
    [ -f "$TMP/bench.md" ] && grep -qF -- "$section" "$TMP/bench.md" ||
        problems+=("the report lacks '$section'")
done
for row in 'raw floor: `psql -1 -f all.sql` | 20 |' '`SELECT migrate.upgrade()`, wall | 20 |' \
        '`migrate upgrade` (program, end to end) | 20 |' '`migrate -d sqlite:… upgrade` | 20 |'; do
    grep -qF -- "$row" "$TMP/stdout" || problems+=("stdout lacks the row '$row'")
done
grep -Eq '\*\*(PASS|MISS)\*\*' "$TMP/stdout" || problems+=("no PASS/MISS verdict")
if grep -qF 'bench.png' "$TMP/bench.md" && [ ! -s "$TMP/bench.png" ]; then
    problems+=("the report shows a plot that was not written")
fi

passed=0 failed=0
if [ "${#problems[@]}" -eq 0 ]; then
    echo "ok 1 - bench smoke"
    passed=$((passed + 1))
else
    echo "not ok 1 - bench smoke"
    printf '#   %s\n' "${problems[@]}"
    echo "# bench/run stderr (last 30 lines):"
    tail -n 30 "$TMP/stderr" | sed 's/^/#   /'
    failed=$((failed + 1))
fi

# bench/sqlite_rebuild --smoke (issue 12): the program's table rebuild and the
# hand-written steps on a 20,000-row table; bench/run installed the program
problems=()
rc=0
timeout 60 "$REPO_ROOT/bench/sqlite_rebuild" --smoke --no-install --out "$TMP/rebuild.md" \
    >"$TMP/rebuild.stdout" 2>"$TMP/rebuild.stderr" || rc=$?
[ "$rc" -eq 0 ] || problems+=("bench/sqlite_rebuild --smoke exited with $rc")
for text in "## SQLite batch mode: table rebuild (bench/sqlite_rebuild)" "| 20,000 |" \
        "program ≤ 1.10× the hand-written steps"; do
    grep -qF -- "$text" "$TMP/rebuild.stdout" || problems+=("stdout lacks '$text'")
    [ -f "$TMP/rebuild.md" ] && grep -qF -- "$text" "$TMP/rebuild.md" || problems+=("the report lacks '$text'")
done
grep -Eq '\*\*(PASS|MISS)\*\*' "$TMP/rebuild.stdout" || problems+=("no PASS/MISS verdict")
if [ "${#problems[@]}" -eq 0 ]; then
    echo "ok 2 - sqlite_rebuild smoke"
    passed=$((passed + 1))
else
    echo "not ok 2 - sqlite_rebuild smoke"
    printf '#   %s\n' "${problems[@]}"
    echo "# bench/sqlite_rebuild stderr (last 30 lines):"
    tail -n 30 "$TMP/rebuild.stderr" | sed 's/^/#   /'
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
