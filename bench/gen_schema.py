#!/usr/bin/env python3
"""bench/gen_schema.py — the schemas of the autogenerate benchmark (stdlib only).

    gen_schema.py N DIR

writes DIR/a.sql (the base schema) and DIR/b.sql (its changed copy), plain
SQL as a person writes a model (unqualified names, tables first, then the
indexes, the foreign keys and the views), and DIR/changes.txt (one line per
change made in b).  Deterministic: the same N gives the same bytes.

The base schema has N tables t_1 … t_N, each with 8 columns of mixed types
(bigint primary key, bigint foreign-key column, text NOT NULL, varchar,
numeric with a default, integer NOT NULL with a default, a column whose type
varies with the table — boolean, date, jsonb, uuid, double precision —,
timestamptz NOT NULL DEFAULT now()), 2 indexes (one on the foreign-key
column, one unique on (name, code)), 1 foreign key to another table (chosen
by a seeded generator, never itself), and N/10 views v_1 … v_{N/10}, each
joining a table to the one its foreign key names.

b changes N/10 tables (every tenth, t_5, t_15, …), one change each, in
turn: a column added, a column dropped, a column retyped (integer ->
bigint), an index added, a default changed; and one view in ten (at least
one) gains a column.  The changed columns are never used by a view or an
index, so each change is a single statement in any tool's output.
"""

import os
import random
import sys

VARYING = [("flag", "boolean DEFAULT true"),
           ("due", "date"),
           ("attrs", "jsonb DEFAULT '{}'::jsonb NOT NULL"),
           ("token", "uuid"),
           ("score", "double precision")]
CHANGE_KINDS = ["add column", "drop column", "retype column", "add index", "change default"]


def fk_targets(n):
    """Table i -> the table its foreign key references (never i when n > 1)."""
    rnd = random.Random(20261202 + n)
    target = {}
    for i in range(1, n + 1):
        j = rnd.randrange(1, n) if n > 1 else 1
        target[i] = j + 1 if j >= i and n > 1 else j   # never i itself when n > 1
    return target


def table_sql(i, changed):
    vname, vtype = VARYING[i % len(VARYING)]
    amount_default = "1" if changed == "change default" else "0"
    qty_type = "bigint" if changed == "retype column" else "integer"
    cols = ["    id bigint NOT NULL PRIMARY KEY",
            "    ref_id bigint",
            "    name text NOT NULL",
            "    code varchar(32)",
            f"    amount numeric(12,2) DEFAULT {amount_default}",
            f"    qty {qty_type} NOT NULL DEFAULT 1",
            f"    {vname} {vtype}",
            "    created_at timestamptz NOT NULL DEFAULT now()"]
    if changed == "drop column":
        cols = [c for c in cols if not c.startswith("    qty ")]
    if changed == "add column":
        cols.append("    note text")
    return f"CREATE TABLE t_{i} (\n" + ",\n".join(cols) + "\n);\n"


def index_sql(i, changed):
    s = (f"CREATE INDEX t_{i}_ref_id_idx ON t_{i} (ref_id);\n"
         f"CREATE UNIQUE INDEX t_{i}_name_code_key ON t_{i} (name, code);\n")
    if changed == "add index":
        s += f"CREATE INDEX t_{i}_created_at_idx ON t_{i} (created_at);\n"
    return s


def view_sql(k, n, target, changed):
    i = 1 + ((k - 1) * 10) % n          # t_1, t_11, t_21, …: not a changed table
    j = target[i]
    extra = ",\n    a.created_at" if changed else ""
    return (f"CREATE VIEW v_{k} AS\n"
            f"  SELECT a.id,\n    a.name,\n    b.name AS ref_name,\n    a.amount{extra}\n"
            f"  FROM t_{i} a\n    JOIN t_{j} b ON b.id = a.ref_id\n"
            f"  WHERE a.amount > 0;\n")


def build(n, changed_side):
    target = fk_targets(n)
    tchange = {}
    vchange = set()
    if changed_side:
        for c, i in enumerate(range(5, n + 1, 10)):
            tchange[i] = CHANGE_KINDS[c % len(CHANGE_KINDS)]
        nv = max(1, n // 10)
        vchange = set(range(1, nv + 1, 10))
    parts = [f"-- bench/gen_schema.py {n}: {'changed copy (b)' if changed_side else 'base schema (a)'}\n\n"]
    for i in range(1, n + 1):
        parts.append(table_sql(i, tchange.get(i)))
    parts.append("\n")
    for i in range(1, n + 1):
        parts.append(index_sql(i, tchange.get(i)))
    parts.append("\n")
    for i in range(1, n + 1):
        parts.append(f"ALTER TABLE t_{i} ADD CONSTRAINT t_{i}_ref_id_fkey "
                     f"FOREIGN KEY (ref_id) REFERENCES t_{target[i]} (id);\n")
    parts.append("\n")
    for k in range(1, max(1, n // 10) + 1):
        parts.append(view_sql(k, n, target, k in vchange))
    changes = [f"t_{i}: {kind}" for i, kind in sorted(tchange.items())]
    changes += [f"v_{k}: column added" for k in sorted(vchange)]
    return "".join(parts), changes


def main(argv):
    if len(argv) != 3 or not argv[1].isdigit() or int(argv[1]) < 1:
        sys.stderr.write("usage: gen_schema.py N DIR\n")
        return 2
    n, out = int(argv[1]), argv[2]
    os.makedirs(out, exist_ok=True)
    a, _ = build(n, False)
    b, changes = build(n, True)
    for name, text in (("a.sql", a), ("b.sql", b), ("changes.txt", "\n".join(changes) + "\n")):
        with open(os.path.join(out, name), "w") as f:
            f.write(text)
    print(f"{n} tables, {max(1, n // 10)} views, {len(changes)} changes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
