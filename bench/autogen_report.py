#!/usr/bin/env python3
"""bench/autogen_report.py — the Markdown report of bench/autogen.

    autogen_report.py RESULTS.tsv META

RESULTS.tsv has one line per measurement, `kind<TAB>tool<TAB>N<TAB>rep<TAB>value<TAB>note`
(kind: time, load, count, check, fail); META has `key=value` lines.  Prints
the section that bench/autogen appends to docs/benchmarks.md.
"""

import statistics
import sys
from collections import defaultdict

TOOLS = [
    ("mdiff", "`migrate diff --schema b.sql` (program, end to end)"),
    ("sdiff", "`SELECT migrate.diff(:'b_sql')`, server time"),
    ("mrev", "`migrate revision --autogenerate -m bench --schema b.sql`"),
    ("migra", "migra: `migra postgresql:///a postgresql:///b --unsafe`"),
    ("alembic", "Alembic: reflect b + `compare_metadata()`, process"),
    ("alembic_reflect", "… of which `metadata.reflect()` of b"),
    ("alembic_compare", "… of which `compare_metadata()` against a"),
]
PEERS = ("migra", "alembic")
LABEL = {"migra": "migra", "alembic": "Alembic"}


def fmt(s):
    if s >= 100:
        return f"{s:.0f}"
    if s >= 10:
        return f"{s:.1f}"
    if s >= 1:
        return f"{s:.2f}"
    return f"{s:.3f}"


def num(n):
    return f"{n:,}"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: autogen_report.py RESULTS.tsv META\n")
        return 2
    meta = {}
    notes = []
    with open(argv[2]) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            if k == "note":
                notes.append(v)
            else:
                meta[k] = v
    times = defaultdict(list)
    loads = defaultdict(list)
    counts = {}
    checks = {}
    fails = {}
    with open(argv[1]) as f:
        for line in f:
            kind, tool, n, rep, value, note = (line.rstrip("\n").split("\t") + [""])[:6]
            n = int(n)
            if kind == "time":
                times[(tool, n)].append(float(value))
            elif kind == "load":
                loads[(tool, n)].append(float(value))
            elif kind == "count":
                counts[(tool, n)] = (int(value), note)
            elif kind == "check":
                checks[(tool, n)] = (value, note)
            elif kind == "fail":
                fails[(tool, n)] = note
    sizes = [int(x) for x in meta.get("sizes", "").split()]
    med = {k: statistics.median(v) for k, v in times.items()}
    engine = meta.get("engine") == "1"
    out = []
    w = out.append

    w("## Autogenerate (bench/autogen)")
    w("")
    w(f"Run {meta.get('date')} on {meta.get('commit')} in {meta.get('minutes')} min, "
      f"{meta.get('cores')} cores, load average {meta.get('load_start')} at the start and "
      f"{meta.get('load_end')} at the end. Every figure is the median of {meta.get('reps')} runs "
      f"unless marked (a tool whose first run at a size took over {meta.get('one_run')} s ran once there); "
      "ratios compare medians of the same run. Regenerate with `bench/autogen` "
      "(as root; `--help` lists the options).")
    w("")
    w("- Schema (`bench/gen_schema.py N`): N tables of 8 columns (bigint primary key, a bigint "
      "foreign-key column, text, varchar, numeric with a default, integer with a default, one of "
      "boolean/date/jsonb/uuid/double precision, timestamptz DEFAULT now()), 2 indexes and 1 foreign "
      "key to another table each, N/10 views joining two tables. The changed copy b changes every "
      "tenth table (in turn: a column added, dropped, retyped integer → bigint, an index added, a "
      "default changed) and one view in ten (a column added). Databases `a` (base) and `b` (changed), "
      "both with the extension; the model for migrate is b.sql itself.")
    load_txt = ", ".join(
        f"{num(n)}: {fmt(statistics.median(loads[('load a', n)]))} s / {fmt(statistics.median(loads[('load b', n)]))} s"
        for n in sizes if ("load a", n) in loads and ("load b", n) in loads)
    if load_txt:
        w(f"- Loading a / b with `psql -1 -f` (once): {load_txt}.")
    w(f"- PostgreSQL {meta.get('postgres')}, private cluster (`fsync = off`, "
      "`max_locks_per_transaction = 2048`, a `CHECKPOINT` and a `VACUUM` of a's catalogs before every timed run: each diff leaves the dead rows of its rolled-back scratch load); "
      f"migrate: `{meta.get('migrate') or '?'}`"
      + (f", built from commit {meta['src_commit']} (`--src`)" if "src_commit" in meta else "")
      + ("" if meta.get("installed") == "1" else " (built and installed beforehand, `--no-install`)") + ".")
    peers = [meta[p] for p in PEERS if p in meta]
    w(f"- Peers: {'; '.join(peers) if peers else 'none'}." +
      (" Alembic is given `compare_type=True, compare_server_default=True`; it compares tables, "
       "columns, indexes and constraints, not views, and produces a list of differences, not SQL; "
       "its model is what `metadata.reflect()` reads from b (it cannot read SQL)." if "alembic" in meta else ""))
    w("- Timing: wall clock from fork to exit (`bench/timeit.py`); the server time is psql's `\\timing` "
      "of the statement alone (connection made, b.sql already in a psql variable); "
      "`revision --autogenerate` runs on a fresh copy of a (at heads: an empty migrations directory "
      "pushed) in a fresh copy of the migrations directory each run.")
    for note in notes:
        w(f"- {note}")
    if not engine:
        w(f"- **{meta.get('engine_note') or 'migrate.diff not installed'}**: migrate's rows are not measured.")
    w("")

    # seconds, ratio to migra, growth
    head = "| tool | " + " | ".join(f"{num(n)} tables, s" for n in sizes)
    sep = "|---|" + "---:|" * len(sizes)
    if "migra" in meta:
        head += " | " + " | ".join(f"÷ migra at {num(n)}" for n in sizes)
        sep += "---:|" * len(sizes)
    growth_pairs = list(zip(sizes, sizes[1:]))
    if growth_pairs:
        head += " | " + " | ".join(f"growth {num(a)} → {num(b)} ({b / a:g}× N)" for a, b in growth_pairs)
        sep += "---:|" * len(growth_pairs)
    w(head + " |")
    w(sep)
    for tool, label in TOOLS:
        if tool in ("mdiff", "sdiff", "mrev") and not engine:
            w(f"| {label} | " + " | ".join("not measured" for _ in sizes) +
              (" | " + " | ".join("—" for _ in sizes) if "migra" in meta else "") +
              (" | " + " | ".join("—" for _ in growth_pairs) if growth_pairs else "") + " |")
            continue
        base = tool.split("_")[0]
        if base in PEERS and base not in meta:
            continue
        cells = []
        for n in sizes:
            if (tool, n) in med:
                c = fmt(med[(tool, n)])
                if len(times[(tool, n)]) == 1 and int(meta.get("reps", "1")) > 1:
                    c += " (1 run)"
            elif (base, n) in fails:
                c = f"failed ({fails[(base, n)]})"
            else:
                c = "—"
            cells.append(c)
        row = f"| {label} | " + " | ".join(cells)
        if "migra" in meta:
            row += " | " + " | ".join(
                f"{med[(tool, n)] / med[('migra', n)]:.3f}×"
                if (tool, n) in med and ("migra", n) in med and "_" not in tool else "—"
                for n in sizes)
        if growth_pairs:
            row += " | " + " | ".join(
                f"{med[(tool, b)] / med[(tool, a)]:.1f}×" if (tool, a) in med and (tool, b) in med else "—"
                for a, b in growth_pairs)
        w(row + " |")
    w("")

    # targets
    w("| target (issue 11) | measured | result |")
    w("|---|---:|---:|")
    if not engine:
        for t in ("`migrate diff` ≤ 2 s at 1,000 tables", "`migrate diff` faster than every peer measured",
                  "`migrate diff` grows linearly"):
            w(f"| {t} | not measured: {meta.get('engine_note') or 'migrate.diff not installed'} | — |")
    else:
        if ("mdiff", 1000) in med:
            t = med[("mdiff", 1000)]
            w(f"| `migrate diff` ≤ 2 s at 1,000 tables | {fmt(t)} s | **{'PASS' if t <= 2 else 'FAIL'}** |")
        else:
            w("| `migrate diff` ≤ 2 s at 1,000 tables | not measured at 1,000 | — |")
        parts, ok, any_peer = [], True, False
        for n in sizes:
            if ("mdiff", n) not in med:
                continue
            peer_t = [(LABEL[p], med[(p, n)]) for p in PEERS if (p, n) in med]
            if not peer_t:
                continue
            any_peer = True
            best = min(t for _, t in peer_t)
            ok = ok and med[("mdiff", n)] < best
            parts.append(f"{num(n)}: {fmt(med[('mdiff', n)])} s vs " +
                         ", ".join(f"{lab} {fmt(t)} s" for lab, t in peer_t))
        if any_peer:
            w(f"| `migrate diff` faster than every peer measured, at every size | {'; '.join(parts)} | **{'PASS' if ok else 'FAIL'}** |")
        else:
            w("| `migrate diff` faster than every peer measured | no peer measured | — |")
        parts, ok = [], True
        for a, b in growth_pairs:
            if ("mdiff", a) in med and ("mdiff", b) in med:
                g = med[("mdiff", b)] / med[("mdiff", a)]
                lim = 1.25 * b / a
                ok = ok and g <= lim
                parts.append(f"{num(a)} → {num(b)}: {g:.2f}× (limit {lim:g}×)")
        if parts:
            w(f"| `migrate diff` grows linearly: time ratio ≤ 1.25 × size ratio | {'; '.join(parts)} | **{'PASS' if ok else 'FAIL'}** |")
    w("")

    # correctness
    rows = []
    if engine:
        rows.append(("`migrate diff`'s output applied to a copy of a, then `migrate.diff(b)` = ''", "mdiff"))
    if engine and "migra" in meta:
        rows.append(("the same copy: migra finds nothing left either", "mdiff_migra"))
    if "migra" in meta:
        rows.append(("migra's output applied to a copy of a, then migra finds nothing", "migra"))
    if rows or "alembic" in meta:
        w("| correctness | " + " | ".join(f"{num(n)} tables" for n in sizes) + " |")
        w("|---|" + "---:|" * len(sizes))
        for label, tool in rows:
            cells = []
            for n in sizes:
                if (tool, n) in checks:
                    v, note = checks[(tool, n)]
                    stmts, _, detail = note.partition("; ") if tool != "mdiff_migra" else ("", "", note)
                    inner = "; ".join(x for x in (stmts, detail) if x)
                    cells.append(f"**{v}**" + (f" ({inner})" if inner else ""))
                else:
                    cells.append("—")
            w(f"| {label} | " + " | ".join(cells) + " |")
        if "alembic" in meta:
            cells = []
            for n in sizes:
                if ("alembic", n) in counts:
                    c, note = counts[("alembic", n)]
                    exp = note.rpartition(": ")[2]
                    cells.append(f"{c} for {exp} changed tables")
                else:
                    cells.append("—")
            w("| Alembic: differences found (views not compared) | " + " | ".join(cells) + " |")
        w("")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
