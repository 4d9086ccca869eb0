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
# full run). Prints `ok 1 - bench smoke` or `not ok 1 - bench smoke` and,
# last, `X passed, Y failed`.
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

if [ "${#problems[@]}" -eq 0 ]; then
    echo "ok 1 - bench smoke"
    echo "1 passed, 0 failed"
else
    echo "not ok 1 - bench smoke"
    printf '#   %s\n' "${problems[@]}"
    echo "# bench/run stderr (last 30 lines):"
    tail -n 30 "$TMP/stderr" | sed 's/^/#   /'
    echo "0 passed, 1 failed"
    exit 1
fi
