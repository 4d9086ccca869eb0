#!/usr/bin/env bash
# test/suites/autogen_runner.sh — proves the autogenerate test machinery
# (test/autogen) without the engine: every fixture pair loads and survives
# the round trip through a brute-force fake diff (fake_diff.sql), so the
# pg_dump normalization calls equal what is equal; hand-written migrations
# pass; wrong ones, a missing function and the unsupported list are
# reported as they must be; gen.py is deterministic; normalize.py ignores
# exactly what it says it ignores.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
suite_init autogen_runner
AG=$REPO_ROOT/test/autogen
RT=$AG/roundtrip.sh

# run the runner: sets RC and OUT (its whole output)
rt() { OUT=$("$RT" "$@" 2>&1); RC=$?; }
summary() { tail -n 1 <<<"$OUT"; }
failures() { grep '^not ok' <<<"$OUT" | sed -E 's/^not ok [0-9]+ - //'; }

# ---- the fake engine over every fixture pair -----------------------------------
npairs=$(find "$AG/pairs" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$npairs" -ge 40 ] && ok "$npairs fixture pairs (at least 40)" || not_ok "at least 40 fixture pairs" "$npairs"
missing=$(for d in "$AG"/pairs/*/; do for f in a.sql b.sql; do
    [ -f "$d$f" ] && head -n 1 "$d$f" | grep -q '^-- kinds: [a-z]' || echo "$d$f"; done; done)
is "every pair has a.sql and b.sql whose first line is -- kinds: ..." "" "$missing"
rt --fake
is "fake diff: every fixture pair goes up, down and back to '' (all load on PostgreSQL 15)" \
   "$((3 * npairs)) passed, 0 failed" "$(summary; failures)"
rt --fake --no-fixtures --random 20 --seed 1
is "fake diff: 20 random pairs round-trip" "60 passed, 0 failed" "$(summary; failures)"

# ---- hand-written migrations ----------------------------------------------------------
rt --canned "$AG/canned" 07_column_add_drop 32_enum_add_value 46_rename_column
is "hand-written migrations for three pairs pass" "9 passed, 0 failed" "$(summary; failures)"
rt --canned "$AG/canned_wrong" 07_column_add_drop 19_fk_actions 46_rename_column
is "wrong migrations: a failing script, a wrong result, a spurious change are each reported" \
   "07_column_add_drop: up: run
19_fk_actions: up
46_rename_column: diff to b.sql from b.sql is ''
2 passed, 3 failed rc=1" "$(failures)
$(summary) rc=$RC"
like "... the wrong result shows the dump difference" \
   "-    ADD CONSTRAINT player_team_id_fkey .* ON UPDATE CASCADE ON DELETE SET NULL;" "$OUT"

# ---- no function, unsupported kinds ----------------------------------------------------
rt --function autogen_fake.nothing 01_schema
is "a missing diff function is one loud failure" \
   "not ok 1 - setup: autogen_fake.nothing(text, text[], text[], boolean) is not installed
0 passed, 1 failed rc=1" "$(grep -v '^#' <<<"$OUT") rc=$RC"
printf '%s\n' "# test list" "07_column_add_drop column autogen_fake" "02_table_create table book" >"$TMP/unsup"
rt --fake --function autogen_fake.unsupported --unsupported "$TMP/unsup" 02_table_create 07_column_add_drop
is "unsupported: 0A000 naming the object passes; 0A000 without the name fails" \
   "02_table_create: unsupported (table): the error names book
1 passed, 1 failed" "$(failures)
$(summary)"
rt --fake --unsupported "$TMP/unsup" 07_column_add_drop
is "unsupported: a listed pair whose diff succeeds fails" \
   "07_column_add_drop: unsupported (column): diff fails with 0A000
0 passed, 1 failed" "$(failures)
$(summary)"

# ---- gen.py ---------------------------------------------------------------------------------
"$PY" "$AG/gen.py" --seed 7 --count 30 --out "$TMP/g1" && "$PY" "$AG/gen.py" --seed 7 --count 30 --out "$TMP/g2" &&
    "$PY" "$AG/gen.py" --seed 8 --count 30 --out "$TMP/g3"
is "gen.py: the same seed gives the same bytes" "" "$(diff -r "$TMP/g1" "$TMP/g2" 2>&1)"
like "... another seed other pairs" "differ" "$(diff -rq "$TMP/g1" "$TMP/g3" 2>&1)"
is "... every b.sql differs from its a.sql" "" "$(for d in "$TMP"/g1/*/; do cmp -s "$d/a.sql" "$d/b.sql" && echo "$d"; done)"

# ---- normalize.py ----------------------------------------------------------------------------
norm() { "$PY" -I "$AG/normalize.py"; }
hdr() { printf -- '--\n-- Name: %s; Type: %s; Schema: public; Owner: postgres\n--\n\n' "$1" "$2"; }
d1=$( { printf 'SET x = 1;\n\\restrict abc\n'; hdr t TABLE; printf 'CREATE TABLE public.t (\n    a integer,\n    b text DEFAULT %s\n);\n\n' "'x'::text";
        hdr s SEQUENCE; printf 'CREATE SEQUENCE public.s;\n\n'; hdr "TABLE t" ACL; printf 'GRANT SELECT ON TABLE public.t TO r1;\nGRANT ALL ON TABLE public.t TO r2;\n'; } | norm)
d2=$( { printf '\\restrict xyz\n'; hdr s SEQUENCE; printf 'CREATE SEQUENCE public.s;\n'; hdr t TABLE; printf 'CREATE TABLE public.t (\n    b text DEFAULT %s,\n    a integer\n);\n' "'x'::text";
        hdr "TABLE t" ACL; printf 'GRANT ALL ON TABLE public.t TO r2;\nGRANT SELECT ON TABLE public.t TO r1;\n\\unrestrict xyz\n'; } | norm)
is "normalize: entry order, column order, grant order, SET/\\restrict lines do not count" "$d1" "$d2"
d3=$( { hdr t TABLE; printf 'CREATE TABLE public.t (\n    a integer,\n    b text DEFAULT %s\n);\n' "'y'::text"; hdr s SEQUENCE; printf 'CREATE SEQUENCE public.s;\n';
        hdr "TABLE t" ACL; printf 'GRANT SELECT ON TABLE public.t TO r1;\nGRANT ALL ON TABLE public.t TO r2;\n'; } | norm)
[ "$d1" != "$d3" ] && ok "... a changed default does" || not_ok "... a changed default does" "$d3"
suite_end
