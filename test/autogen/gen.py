#!/usr/bin/env python3
"""test/autogen/gen.py — random schema pairs for the autogenerate round trip.

    gen.py --seed S --count N --out DIR

writes DIR/r0001 ... DIR/rNNNN, each with a.sql (a random schema) and b.sql
(a random mutation of it), and renames.txt when the mutation renamed a
table or a column (the entries migrate.diff's renames argument takes).
Deterministic: the same seed and count give the same bytes (pair i depends
only on the seed and i).

A schema: 2-5 tables of 2-7 columns (integer family, numeric, text,
varchar, boolean, date, timestamptz, jsonb, uuid, arrays, enums), with
defaults, NOT NULL, primary keys, unique and check constraints, foreign
keys between tables, indexes (unique, partial, expression), views over
them, enums, sequences and comments; names sometimes schema-qualified.
A mutation makes 1-4 changes: add/drop/rename table, add/drop/rename column,
type change, NOT NULL, default, index, constraint, view, enum value,
sequence options, comment.
"""
import argparse
import copy
import os
import random

INT_FAMILY = ["smallint", "integer", "bigint"]
SCALARS = ["integer", "bigint", "smallint", "text", "varchar(40)", "numeric(10,2)",
           "boolean", "date", "timestamptz", "jsonb", "uuid", "integer[]", "text[]"]
WIDER = {  # type changes PostgreSQL casts both ways without USING
    "smallint": ["integer", "bigint"], "integer": ["bigint", "smallint", "numeric(12,0)"],
    "bigint": ["integer"], "text": ["varchar(200)"], "varchar(40)": ["text", "varchar(80)"],
    "varchar(80)": ["varchar(40)", "text"], "varchar(200)": ["text"],
    "numeric(10,2)": ["numeric(14,4)", "numeric"], "numeric(14,4)": ["numeric(10,2)"],
    "numeric": ["numeric(10,2)"], "numeric(12,0)": ["integer"],
    "date": ["timestamptz"], "timestamptz": ["timestamp", "date"], "timestamp": ["timestamptz"],
    "integer[]": ["bigint[]"], "bigint[]": ["integer[]"], "text[]": ["varchar(40)[]"],
    "varchar(40)[]": ["text[]"],
}
NUMERIC = ("smallint", "integer", "bigint", "numeric")
TEXTUAL = ("text", "varchar")


def is_num(t):
    return t.startswith(NUMERIC) and not t.endswith("]")


def is_text(t):
    return t.startswith(TEXTUAL) and not t.endswith("]")


def lit(s):
    return "'" + s.replace("'", "''") + "'"


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.n = 0

    def name(self, prefix):
        self.n += 1
        return "%s%d" % (prefix, self.n)

    # ---- a random schema ---------------------------------------------------
    def default_for(self, t, m):
        r = self.r
        if t in m["enums"]:
            return lit(r.choice(m["enums"][t]))
        if is_num(t):
            return str(r.randint(0, 99))
        if is_text(t):
            return lit(r.choice(["x", "it's", "none", ""]))
        return {"boolean": r.choice(["true", "false"]), "date": "CURRENT_DATE",
                "timestamptz": "now()", "timestamp": "LOCALTIMESTAMP",
                "jsonb": "'{}'::jsonb", "uuid": None,
                "integer[]": "'{}'::integer[]", "text[]": "'{}'::text[]"}.get(t)

    def column(self, m, name=None):
        r = self.r
        types = SCALARS + list(m["enums"])
        t = r.choice(types)
        c = {"name": name or self.name("c"), "type": t, "notnull": r.random() < 0.3,
             "default": None, "comment": None}
        if r.random() < 0.3:
            c["default"] = self.default_for(t, m)
        if r.random() < 0.1:
            c["comment"] = r.choice(["a column", "it's here", "note"])
        return c

    def table(self, m):
        r = self.r
        t = {"name": self.name("tb"), "cols": [], "pk": None, "comment": None}
        if r.random() < 0.85:
            t["cols"].append({"name": "id", "type": r.choice(["integer", "bigint"]),
                              "notnull": True, "default": None, "comment": None})
            t["pk"] = t["name"] + "_pk"
        for _ in range(r.randint(2, 6)):
            t["cols"].append(self.column(m))
        if r.random() < 0.2:
            t["comment"] = "table " + t["name"]
        return t

    def schema(self):
        r = self.r
        m = {"enums": {}, "seqs": {}, "tables": [], "cons": [], "indexes": [], "views": []}
        for _ in range(r.randint(0, 2)):
            m["enums"][self.name("en")] = ["v%d" % i for i in range(r.randint(2, 4))]
        for _ in range(r.randint(0, 2)):
            m["seqs"][self.name("sq")] = {"inc": r.choice([1, 1, 5]), "start": r.choice([1, 100])}
        for _ in range(r.randint(2, 5)):
            m["tables"].append(self.table(m))
        for _ in range(r.randint(0, 3)):
            self.add_constraint(m)
        for _ in range(r.randint(0, 3)):
            self.add_index(m)
        for _ in range(r.randint(0, 2)):
            self.add_view(m)
        return m

    # ---- pieces that additions and mutations share ----------------------------
    def tab(self, m, name):
        return next(t for t in m["tables"] if t["name"] == name)

    def add_constraint(self, m):
        r = self.r
        t = r.choice(m["tables"])
        kind = r.choice(["unique", "check", "fk", "fk"])
        cols = [c for c in t["cols"] if c["name"] != "id"]
        if kind == "fk":
            targets = [x for x in m["tables"] if x["pk"]]
            if not targets:
                return
            x = r.choice(targets)
            col = {"name": self.name(x["name"] + "_ref"), "type": x["cols"][0]["type"],
                   "notnull": False, "default": None, "comment": None}
            t["cols"].append(col)
            m["cons"].append({"name": self.name("fk"), "table": t["name"], "kind": "fk",
                              "cols": [col["name"]], "ref": x["name"],
                              "action": r.choice(["", " ON DELETE CASCADE", " ON DELETE SET NULL",
                                                  " ON UPDATE CASCADE", " DEFERRABLE INITIALLY DEFERRED"])})
        elif kind == "unique":
            ok = [c for c in cols if not c["type"].endswith("]") and c["type"] != "jsonb"]
            if not ok:
                return
            pick = r.sample(ok, min(len(ok), r.randint(1, 2)))
            m["cons"].append({"name": self.name("uq"), "table": t["name"], "kind": "unique",
                              "cols": [c["name"] for c in pick]})
        else:
            ok = [c for c in cols if is_num(c["type"]) or is_text(c["type"])]
            if not ok:
                return
            c = r.choice(ok)
            m["cons"].append({"name": self.name("ck"), "table": t["name"], "kind": "check",
                              "cols": [c["name"]], "num": is_num(c["type"]),
                              "notvalid": r.random() < 0.2})

    def add_index(self, m):
        r = self.r
        t = r.choice(m["tables"])
        ok = [c for c in t["cols"] if not c["type"].endswith("]") and c["type"] != "jsonb"]
        if not ok:
            return
        c = r.choice(ok)
        ix = {"name": self.name("ix"), "table": t["name"], "cols": [c["name"]],
              "unique": r.random() < 0.25, "expr": None, "where": None}
        if is_text(c["type"]) and r.random() < 0.4:
            ix["expr"] = "lower"
        if r.random() < 0.3:
            ix["where"] = c["name"]
        if ix["expr"] is None and len(ok) > 1 and r.random() < 0.3:
            ix["cols"].append(r.choice([x["name"] for x in ok if x is not c]))
        m["indexes"].append(ix)

    def add_view(self, m):
        r = self.r
        t = r.choice(m["tables"])
        cols = [c["name"] for c in t["cols"]]
        pick = sorted(r.sample(cols, min(len(cols), r.randint(1, 3))), key=cols.index)
        m["views"].append({"name": self.name("vw"), "table": t["name"], "cols": pick,
                           "filter": r.choice([None, pick[0]])})

    def uses(self, m, table, col=None):
        """Constraints, indexes and views that use a table (or one column)."""
        def hit(obj, cols):
            return col is None or col in cols
        cons = [c for c in m["cons"] if (c["table"] == table and hit(c, c["cols"]))
                or (c["kind"] == "fk" and c["ref"] == table and (col is None or col == "id"))]
        idx = [i for i in m["indexes"] if i["table"] == table and hit(i, i["cols"])]
        views = [v for v in m["views"] if v["table"] == table and hit(v, v["cols"] + [v["filter"]])]
        return cons, idx, views

    def remove(self, m, cons, idx, views):
        m["cons"] = [c for c in m["cons"] if c not in cons]
        m["indexes"] = [i for i in m["indexes"] if i not in idx]
        m["views"] = [v for v in m["views"] if v not in views]

    # ---- mutations -------------------------------------------------------------
    def mutate(self, m, renames, orig):
        """One random change of m; a rename (recorded in renames) only of a
        table or column of orig, the names side a has."""
        r = self.r
        ops = ["add_table", "drop_table", "add_column", "drop_column", "type", "notnull",
               "default", "add_index", "drop_index", "add_constraint", "drop_constraint",
               "add_view", "drop_view", "change_view", "enum_value", "add_enum", "sequence",
               "comment", "rename_column", "rename_table"]
        op = r.choice(ops)
        t = r.choice(m["tables"])
        cols = [c for c in t["cols"] if c["name"] != "id"]
        if op == "add_table":
            m["tables"].append(self.table(m))
        elif op == "drop_table" and len(m["tables"]) > 1:
            self.remove(m, *self.uses(m, t["name"]))
            m["tables"].remove(t)
            # foreign key columns pointing at it stay, as plain columns
        elif op == "add_column":
            t["cols"].append(self.column(m))
        elif op == "drop_column" and len(cols) > 1:
            c = r.choice(cols)
            self.remove(m, *self.uses(m, t["name"], c["name"]))
            t["cols"].remove(c)
        elif op == "type":
            fk_cols = {x for con in m["cons"] if con["kind"] == "fk" and con["table"] == t["name"]
                       for x in con["cols"]}
            ok = [c for c in cols if c["type"] in WIDER and c["name"] not in fk_cols]
            if ok:
                c = r.choice(ok)
                c["type"] = r.choice(WIDER[c["type"]])
                if c["default"] is not None:
                    c["default"] = self.default_for(c["type"], m)
                for con in m["cons"]:   # a check must still make sense
                    if con["kind"] == "check" and con["table"] == t["name"] and c["name"] in con["cols"] \
                            and con["num"] != is_num(c["type"]):
                        m["cons"].remove(con)
                        break
                for ix in m["indexes"]:
                    if ix["table"] == t["name"] and c["name"] in ix["cols"] and ix["expr"] and not is_text(c["type"]):
                        m["indexes"].remove(ix)
                        break
        elif op == "notnull" and cols:
            c = r.choice(cols)
            c["notnull"] = not c["notnull"]
        elif op == "default" and cols:
            c = r.choice(cols)
            c["default"] = None if c["default"] is not None and r.random() < 0.5 else self.default_for(c["type"], m)
        elif op == "add_index":
            self.add_index(m)
        elif op == "drop_index" and m["indexes"]:
            m["indexes"].remove(r.choice(m["indexes"]))
        elif op == "add_constraint":
            self.add_constraint(m)
        elif op == "drop_constraint" and m["cons"]:
            m["cons"].remove(r.choice(m["cons"]))
        elif op == "add_view":
            self.add_view(m)
        elif op == "drop_view" and m["views"]:
            m["views"].remove(r.choice(m["views"]))
        elif op == "change_view" and m["views"]:
            v = r.choice(m["views"])
            vt = self.tab(m, v["table"])
            names = [c["name"] for c in vt["cols"]]
            v["cols"] = sorted(r.sample(names, min(len(names), r.randint(1, 3))), key=names.index)
            v["filter"] = r.choice([None, v["cols"][0]])
        elif op == "enum_value" and m["enums"]:
            e = r.choice(sorted(m["enums"]))
            labels = m["enums"][e]
            labels.insert(r.randint(0, len(labels)), self.name("v"))
        elif op == "add_enum":
            e = self.name("en")
            m["enums"][e] = ["a", "b", "c"]
            t["cols"].append({"name": self.name("c"), "type": e, "notnull": False,
                              "default": "'b'" if r.random() < 0.5 else None, "comment": None})
        elif op == "sequence":
            if m["seqs"] and r.random() < 0.6:
                s = r.choice(sorted(m["seqs"]))
                if r.random() < 0.5:
                    del m["seqs"][s]
                else:
                    m["seqs"][s]["inc"] += r.choice([1, 9])
            else:
                m["seqs"][self.name("sq")] = {"inc": 1, "start": 1}
        elif op == "comment":
            if cols and r.random() < 0.5:
                c = r.choice(cols)
                c["comment"] = None if c["comment"] else "now commented"
            else:
                t["comment"] = None if t["comment"] else "now commented"
        elif op == "rename_column" and not renames and \
                [c for c in cols if (t["name"], c["name"]) in orig]:
            c = r.choice([c for c in cols if (t["name"], c["name"]) in orig])
            old, new = c["name"], c["name"] + "_renamed"
            for obj in m["cons"] + m["indexes"]:
                if obj["table"] == t["name"]:
                    obj["cols"] = [new if x == old else x for x in obj["cols"]]
                    if obj.get("where") == old:
                        obj["where"] = new
            for v in m["views"]:
                if v["table"] == t["name"]:
                    v["cols"] = [new if x == old else x for x in v["cols"]]
                    v["filter"] = new if v["filter"] == old else v["filter"]
            c["name"] = new
            renames.append("%s.%s:%s.%s" % (t["name"], old, t["name"], new))
        elif op == "rename_table" and not renames and (t["name"], None) in orig:
            old, new = t["name"], t["name"] + "_renamed"
            for obj in m["cons"] + m["indexes"] + m["views"]:
                if obj["table"] == old:
                    obj["table"] = new
                if obj.get("ref") == old:
                    obj["ref"] = new
            t["name"] = new
            renames.append("%s:%s" % (old, new))

    # ---- SQL ---------------------------------------------------------------
    def q(self, name):
        """Sometimes schema-qualified."""
        return ("public." + name) if self.r.random() < 0.3 else name

    def render(self, m):
        r, out = self.r, []
        for e in sorted(m["enums"]):
            out.append("CREATE TYPE %s AS ENUM (%s);" % (self.q(e), ", ".join(lit(x) for x in m["enums"][e])))
        for s in sorted(m["seqs"]):
            out.append("CREATE SEQUENCE %s INCREMENT BY %d START WITH %d;"
                       % (self.q(s), m["seqs"][s]["inc"], m["seqs"][s]["start"]))
        for t in m["tables"]:
            lines = []
            for c in t["cols"]:
                d = "    %s %s" % (c["name"], c["type"])
                if c["default"] is not None:
                    d += " DEFAULT " + c["default"]
                if c["notnull"]:
                    d += " NOT NULL"
                lines.append(d)
            if t["pk"]:
                lines.append("    CONSTRAINT %s PRIMARY KEY (id)" % t["pk"])
            out.append("CREATE TABLE %s (\n%s\n);" % (self.q(t["name"]), ",\n".join(lines)))
        for c in m["cons"]:
            if c["kind"] == "unique":
                body = "UNIQUE (%s)" % ", ".join(c["cols"])
            elif c["kind"] == "check":
                col = c["cols"][0]
                body = ("CHECK (%s > -1000)" % col) if c["num"] else ("CHECK (length(%s) < 500)" % col)
                if c["notvalid"]:
                    body += " NOT VALID"
            else:
                body = "FOREIGN KEY (%s) REFERENCES %s (id)%s" % (c["cols"][0], self.q(c["ref"]), c["action"])
            out.append("ALTER TABLE %s ADD CONSTRAINT %s %s;" % (self.q(c["table"]), c["name"], body))
        for i in m["indexes"]:
            cols = ", ".join(("lower(%s)" % x) if i["expr"] else x for x in i["cols"])
            s = "CREATE %sINDEX %s ON %s (%s)" % ("UNIQUE " if i["unique"] else "", i["name"],
                                                 self.q(i["table"]), cols)
            if i["where"]:
                s += " WHERE %s IS NOT NULL" % i["where"]
            out.append(s + ";")
        for v in m["views"]:
            s = "CREATE VIEW %s AS SELECT %s FROM %s" % (self.q(v["name"]), ", ".join(v["cols"]), self.q(v["table"]))
            if v["filter"]:
                s += " WHERE %s IS NOT NULL" % v["filter"]
            out.append(s + ";")
        for t in m["tables"]:
            if t["comment"]:
                out.append("COMMENT ON TABLE %s IS %s;" % (self.q(t["name"]), lit(t["comment"])))
            for c in t["cols"]:
                if c["comment"]:
                    out.append("COMMENT ON COLUMN %s.%s IS %s;" % (self.q(t["name"]), c["name"], lit(c["comment"])))
        return "\n".join(out) + "\n"


def make_pair(seed, i):
    g = Gen(random.Random("%s/%d" % (seed, i)))
    a = g.schema()
    b = copy.deepcopy(a)
    renames = []
    orig = {(t["name"], None) for t in a["tables"]} | \
        {(t["name"], c["name"]) for t in a["tables"] for c in t["cols"]}
    for _ in range(g.r.randint(1, 4)):
        g.mutate(b, renames, orig)
        if renames:     # a rename is the last change: nothing may undo it
            break
    head = "-- kinds: random\n-- checks: gen.py --seed %s, pair %d\n" % (seed, i)
    return head + g.render(a), head + g.render(b), renames


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", required=True)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--out", required=True)
    o = p.parse_args()
    for i in range(1, o.count + 1):
        a, b, renames = make_pair(o.seed, i)
        d = os.path.join(o.out, "r%04d" % i)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "a.sql"), "w") as f:
            f.write(a)
        with open(os.path.join(d, "b.sql"), "w") as f:
            f.write(b)
        if renames:
            with open(os.path.join(d, "renames.txt"), "w") as f:
                f.write("\n".join(renames) + "\n")


if __name__ == "__main__":
    main()
