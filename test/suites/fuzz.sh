#!/usr/bin/env bash
# test/suites/fuzz.sh — the libFuzzer harnesses of the shared core
# (test/fuzz/fuzz_<name>.c: the revision file parser and writers, the
# target grammar, graph building and planning).
#
# Builds them with `make fuzz` (clang, -fsanitize=fuzzer,address,undefined,
# objects of their own under build/fuzz/), then runs each for
# MIGRATE_FUZZ_SECONDS seconds (default 60; 0 runs the seed inputs only)
# from its seed corpus test/fuzz/corpus/<name> (the revision file harness
# also from the example migrations/), with its dictionary. New inputs go to
# a scratch corpus, never into the tree. One test per harness: it passes
# when libFuzzer ends without a finding (a crash, a leak, undefined
# behaviour, a failed invariant, an input slower than 10 s or larger than
# 2 GB of memory). A finding prints the report and the reproducer, which is
# kept as build/fuzz/findings/<name>-<hash> and replays with
# `make fuzz && build/fuzz/fuzz_<name> build/fuzz/findings/<name>-<hash>`.
#
# Prints `ok N - name` / `not ok N - name` and, last, `X passed, Y failed`.
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
suite_init fuzz

SECONDS_EACH=${MIGRATE_FUZZ_SECONDS:-60}
if ! [[ $SECONDS_EACH =~ ^[0-9]+$ ]]; then
    not_ok "MIGRATE_FUZZ_SECONDS is a whole number of seconds" "got: $SECONDS_EACH"
    suite_end
    exit 1
fi
NAMES=(revfile target plan)
FUZZDIR=$REPO_ROOT/build/fuzz
FINDINGS=$FUZZDIR/findings

# the make arguments scripts/test uses, so that the WERROR switch (and with
# it every object of the normal build) stays as it is
make_args=()
if [ -n "${CI:-}" ] && [ "$CI" != false ] && [ "$CI" != 0 ]; then
    make_args+=(WERROR=1)
fi
if ! build_log=$(make -C "$REPO_ROOT" -s -j2 ${make_args[@]+"${make_args[@]}"} fuzz 2>&1); then
    for name in "${NAMES[@]}"; do
        not_ok_whole "fuzz_$name: build (make fuzz)" "$build_log"
    done
    suite_end
    exit 1
fi

export UBSAN_OPTIONS=print_stacktrace=1
for name in "${NAMES[@]}"; do
    bin=$FUZZDIR/fuzz_$name
    work=$TMP/corpus/$name
    artifacts=$TMP/artifacts/$name
    log=$TMP/$name.log
    seeds=("$REPO_ROOT/test/fuzz/corpus/$name")
    [ "$name" == revfile ] && seeds+=("$REPO_ROOT/migrations/versions")
    if [ "$SECONDS_EACH" -eq 0 ]; then
        how=(-runs=0)
    else
        how=(-max_total_time="$SECONDS_EACH")
    fi
    mkdir -p "$work" "$artifacts"
    "$bin" "${how[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -dict="$REPO_ROOT/test/fuzz/$name.dict" -artifact_prefix="$artifacts/" \
        -print_final_stats=1 "$work" "${seeds[@]}" >"$log" 2>&1 </dev/null
    rc=$?
    found=$(find "$artifacts" -type f | sort)
    if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        corpus=$(find "$work" -type f | wc -l)
        ok "fuzz_$name: no finding in ${SECONDS_EACH} s (${runs:-?} inputs run, $corpus new in the corpus)"
        continue
    fi
    # the report: from the first sanitizer or invariant line on
    report=$(awk '/^(==[0-9]+==|fuzz invariant failed|SUMMARY:|INFO: a leak|Running:)/ { on = 1 } on' "$log" |
             grep -vE '^#[0-9]|^0x|^MS: |^stat::| in fuzzer::|__libc_start| in _start ' | head -n 80)
    [ -n "$report" ] || report=$(tail -n 40 "$log")
    repro=""
    mkdir -p "$FINDINGS"
    for f in $found; do
        keep=$FINDINGS/$name-$(basename "$f")
        cp "$f" "$keep"
        repro+="reproducer: $keep ($(wc -c <"$f") bytes; replay: make fuzz && build/fuzz/fuzz_$name ${keep#"$REPO_ROOT"/})
base64: $(base64 -w0 <"$f")
"
    done
    not_ok_whole "fuzz_$name: a finding (libFuzzer exited with $rc)" "$report
$repro"
done

suite_end
