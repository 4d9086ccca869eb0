#!/usr/bin/env python3
"""test/autogen/gen_sqlite.py — random SQLite schema pairs for the SQLite
autogenerate round trip (test/suites/autogen_sqlite.sh).

    gen_sqlite.py --seed S --count N --out DIR

writes DIR/r0001 ... DIR/rNNNN, each with a.sql (a random SQLite schema),
data.sql (a few rows for a's tables), b.sql (a random mutation of a) and
renames.txt when the mutation renamed a table or a column (the --rename
entries). Deterministic: the same seed and count give the same bytes (pair
i depends only on the seed and i). gen.py is the PostgreSQL generator; this
one shares nothing with it, so its output for a seed never changes gen.py's.

A schema: 1-5 tables of 1-6 columns (INTEGER, TEXT, REAL, NUMERIC, BLOB,
VARCHAR(40), BOOLEAN, DATE and typeless; STRICT tables INTEGER, TEXT, REAL,
BLOB, ANY), an INTEGER PRIMARY KEY (column or table constraint, sometimes
AUTOINCREMENT) or none, sometimes WITHOUT ROWID or STRICT, NOT NULL,
constant and expression defaults, collations, column and table UNIQUE and
CHECK (named and unnamed), generated columns, foreign keys between tables
(with actions), indexes (unique, partial, expression, DESC), views (some
over other views) and triggers; names sometimes mixed case or needing quotes.
A mutation makes 1-4 changes: add/drop/rename table, add (nullable, NOT NULL
with a default, with an expression default, generated)/drop/rename column,
type, NOT NULL, default, collation, AUTOINCREMENT, primary key (dropped, or
put on a column), UNIQUE, CHECK, foreign
key, index, view and trigger changes, WITHOUT ROWID and STRICT (of a table
without rows: it is dropped and created again).

The rows hold in a and in b: every value of a row is distinct from the other
rows' (UNIQUE may be added anywhere), a's columns have no NULLs but in
foreign keys (NOT NULL may be set on them), the CHECKs hold for any value,
and a new column gets NOT NULL only with a default, UNIQUE only without one.
"""
import argparse
import copy
import os
import random

TYPES = ["INTEGER", "INTEGER", "TEXT", "TEXT", "REAL", "NUMERIC", "BLOB", "VARCHAR(40)",
         "BOOLEAN", "DATE", ""]
STRICT_TYPES = ["INTEGER", "TEXT", "REAL", "BLOB", "ANY"]
RETYPE = {  # type changes that keep every value the data has
    "INTEGER": ["REAL", "TEXT", "NUMERIC", "BIGINT"], "BIGINT": ["INTEGER"],
    "TEXT": ["VARCHAR(40)", "CLOB", ""], "CLOB": ["TEXT"], "REAL": ["NUMERIC", "DOUBLE"],
    "DOUBLE": ["REAL"], "NUMERIC": ["INTEGER", "REAL"], "BLOB": [""],
    "VARCHAR(40)": ["TEXT", "VARCHAR(80)"], "VARCHAR(80)": ["VARCHAR(40)"],
    "BOOLEAN": ["INTEGER"], "DATE": ["TEXT"], "": ["BLOB", "TEXT"],
}
STRICT_RETYPE = {"INTEGER": ["ANY", "REAL"], "TEXT": ["ANY"], "REAL": ["ANY"],
                 "BLOB": ["ANY"], "ANY": ["INTEGER"]}
FK_ACTIONS = ["", "", " ON DELETE CASCADE", " ON DELETE SET NULL", " ON UPDATE CASCADE",
              " ON DELETE RESTRICT", " DEFERRABLE INITIALLY DEFERRED"]
KEYWORDS = {"order", "group", "select", "from", "where", "table", "index", "key", "check",
            "default", "values"}


def texty(t):
    return t in ("TEXT", "VARCHAR(40)", "VARCHAR(80)", "CLOB", "DATE")


def numeric(t):
    return t in ("INTEGER", "BIGINT", "REAL", "DOUBLE", "NUMERIC", "BOOLEAN")


def q(name):
    """A name as SQL: quoted when it must be."""
    simple = name.replace("_", "a").isalnum() and name.isascii() and not name[0].isdigit()
    if simple and name.lower() not in KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def lit(s):
    return "'" + s.replace("'", "''") + "'"


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.n = 0

    def name(self, prefix):
        self.n += 1
        r = self.r.random()
        if r < 0.06:
            return "%s %d" % (prefix.capitalize(), self.n)      # needs quotes
        if r < 0.12:
            return "%s%d" % (prefix.capitalize(), self.n)       # mixed case
        return "%s%d" % (prefix, self.n)

    # ---- a random schema ---------------------------------------------------
    def default_for(self, t, strict):
        r = self.r
        if t in ("INTEGER", "BIGINT", "NUMERIC"):
            return r.choice([str(r.randint(0, 99)), "-1", "(1 + 2)"] if not strict else [str(r.randint(0, 99)), "-1"])
        if t in ("REAL", "DOUBLE"):
            return r.choice(["1.5", "0.0", "-2.25"])
        if t == "BOOLEAN":
            return r.choice(["0", "1", "TRUE", "FALSE"])
        if t == "DATE":
            return r.choice(["CURRENT_DATE", "'2000-01-01'", "(date('now'))"])
        if texty(t):
            return r.choice(["'x'", "'it''s'", "''", "'none'", "CURRENT_TIMESTAMP", "(datetime('now'))"]
                            if not strict else ["'x'", "'it''s'", "''"])
        if t == "BLOB":
            return "X'00ff'"
        if t == "ANY":
            return r.choice(["0", "'any'"])
        return r.choice(["NULL", "7", "'seven'"])

    def column(self, t, new=False):
        r = self.r
        types = STRICT_TYPES if t["strict"] else TYPES
        ty = r.choice(types)
        c = {"name": self.name("c"), "type": ty, "notnull": False, "default": None,
             "collate": None, "check": False, "unique": False, "gen": None, "new": new,
             "nulls": new}
        if r.random() < 0.3:
            c["default"] = self.default_for(ty, t["strict"])
        if r.random() < 0.3 and (not new or c["default"] is not None):
            c["notnull"] = True
        if texty(ty) and r.random() < 0.15:
            c["collate"] = r.choice(["NOCASE", "RTRIM"])
        if r.random() < 0.1:
            c["check"] = True
        if r.random() < 0.1 and (not new or c["default"] is None):
            c["unique"] = True
        return c

    def gen_column(self, t, new=False):
        """A generated column over another column of t, or None."""
        r = self.r
        src = [c for c in t["cols"] if c["gen"] is None and (numeric(c["type"]) or texty(c["type"]))]
        if not src:
            return None
        s = r.choice(src)
        ty = "TEXT" if texty(s["type"]) else "REAL" if s["type"] in ("REAL", "DOUBLE") else "INTEGER"
        return {"name": self.name("g"), "type": ty, "notnull": False, "default": None,
                "collate": None, "check": False, "unique": False, "new": new, "nulls": True,
                "gen": {"src": s["name"], "num": numeric(s["type"]),
                        "stored": r.random() < 0.4}}

    def table(self, m, new=False):
        r = self.r
        t = {"name": self.name("tb"), "cols": [], "pk": None, "wr": False,
             "strict": r.random() < 0.12, "rows": 0 if new else r.randint(0, 3)}
        if r.random() < 0.85:
            t["pk"] = {"style": r.choice(["col", "col", "table"]), "autoinc": False,
                       "name": r.choice([None, None, t["name"] + "_pk"]), "col": "id"}
            if r.random() < 0.12:
                t["wr"] = True
            elif t["pk"]["style"] == "col" and r.random() < 0.2:
                t["pk"]["autoinc"] = True
            t["cols"].append({"name": "id", "type": "INTEGER", "notnull": False, "default": None,
                              "collate": None, "check": False, "unique": False, "gen": None,
                              "new": new, "nulls": False, "id": True})
        for _ in range(r.randint(1, 5)):
            t["cols"].append(self.column(t, new))
        if r.random() < 0.15:
            g = self.gen_column(t, new)
            if g:
                t["cols"].append(g)
        return t

    def schema(self):
        r = self.r
        m = {"tables": [], "cons": [], "indexes": [], "views": [], "triggers": []}
        for _ in range(r.randint(1, 5)):
            m["tables"].append(self.table(m))
        for _ in range(r.randint(0, 3)):
            self.add_constraint(m)
        for _ in range(r.randint(0, 3)):
            self.add_index(m)
        for _ in range(r.randint(0, 2)):
            self.add_view(m)
        for _ in range(r.randint(0, 2)):
            self.add_trigger(m)
        return m

    # ---- pieces that additions and mutations share ----------------------------
    def tab(self, m, name):
        return next(t for t in m["tables"] if t["name"] == name)

    def col(self, t, name):
        return next(c for c in t["cols"] if c["name"] == name)

    def plain(self, t):
        """Columns other than the key and generated ones."""
        key = t["pk"]["col"] if t["pk"] else None
        return [c for c in t["cols"] if not c.get("id") and c["name"] != key and c["gen"] is None]

    def add_constraint(self, m, mutating=False):
        r = self.r
        t = r.choice(m["tables"])
        kind = r.choice(["unique", "check", "fk", "fk"])
        cols = self.plain(t)
        nm = r.choice([None, self.name("k")])
        if kind == "fk":
            targets = [x for x in m["tables"] if x["pk"]]
            if not targets:
                return
            x = r.choice(targets)
            col = {"name": self.name(x["name"].lower().replace(" ", "_") + "_ref"), "type": "INTEGER",
                   "notnull": False, "default": None, "collate": None, "check": False,
                   "unique": False, "gen": None, "new": mutating, "nulls": True,
                   "fk_to": None if mutating else x["name"]}
            t["cols"].append(col)
            m["cons"].append({"name": nm, "table": t["name"], "kind": "fk", "cols": [col["name"]],
                              "ref": x["name"], "refcol": x["pk"]["col"], "action": r.choice(FK_ACTIONS),
                              "inline": r.random() < 0.4})
        elif kind == "unique":
            ok = [c for c in cols if not (c["new"] and c["default"] is not None)]
            if not ok:
                return
            pick = r.sample(ok, min(len(ok), r.randint(1, 2)))
            m["cons"].append({"name": nm, "table": t["name"], "kind": "unique",
                              "cols": [c["name"] for c in pick]})
        else:
            if not cols:
                return
            c = r.choice(cols)
            m["cons"].append({"name": nm, "table": t["name"], "kind": "check", "cols": [c["name"]],
                              "num": numeric(c["type"]), "bound": r.choice([1000, 500, 100000])})

    def add_index(self, m):
        r = self.r
        t = r.choice(m["tables"])
        ok = [c for c in t["cols"] if not (c["new"] and c["default"] is not None)]
        if not ok:
            return
        c = r.choice(ok)
        ix = {"name": self.name("ix"), "table": t["name"], "cols": [c["name"]],
              "unique": r.random() < 0.25, "expr": False, "where": None,
              "desc": r.random() < 0.15}
        if texty(c["type"]) and r.random() < 0.4:
            ix["expr"] = True
        if r.random() < 0.3:
            ix["where"] = c["name"]
        if not ix["expr"] and len(ok) > 1 and r.random() < 0.3:
            ix["cols"].append(r.choice([x["name"] for x in ok if x is not c]))
        m["indexes"].append(ix)

    def view_source(self, m, v):
        """The columns a view can select: its table's, or its base view's."""
        if v.get("base"):
            return list(next(x for x in m["views"] if x["name"] == v["base"])["cols"])
        return [c["name"] for c in self.tab(m, v["table"])["cols"]]

    def add_view(self, m):
        r = self.r
        if m["views"] and r.random() < 0.25:
            base = r.choice(m["views"])         # a view over a view
            v = {"name": self.name("vw"), "table": None, "base": base["name"]}
        else:
            v = {"name": self.name("vw"), "table": r.choice(m["tables"])["name"], "base": None}
        cols = self.view_source(m, v)
        v["cols"] = sorted(r.sample(cols, min(len(cols), r.randint(1, 3))), key=cols.index)
        v["filter"] = r.choice([None, v["cols"][0]])
        m["views"].append(v)

    def cascade_views(self, m):
        """Views over a view that went away or lost a column they read go too."""
        while True:
            names = {v["name"]: v for v in m["views"]}
            bad = [v for v in m["views"] if v.get("base") and
                   (v["base"] not in names or
                    not set(v["cols"] + ([v["filter"]] if v["filter"] else [])) <= set(names[v["base"]]["cols"]))]
            if not bad:
                return
            m["views"] = [v for v in m["views"] if v not in bad]

    def add_trigger(self, m):
        r = self.r
        t = r.choice(m["tables"])
        cols = [c["name"] for c in t["cols"] if c["gen"] is None]
        c = r.choice(cols)
        event = r.choice(["INSERT", "UPDATE", "DELETE", "UPDATE OF"])
        m["triggers"].append({"name": self.name("tr"), "table": t["name"], "cols": [c],
                              "when": r.choice(["BEFORE", "AFTER"]), "event": event,
                              "cond": r.random() < 0.4})

    def uses(self, m, table, col=None):
        """Constraints, indexes, views and triggers that use a table (or one
        of its columns); foreign keys that point at the table."""
        def hit(cols):
            return col is None or col in cols
        cons = [c for c in m["cons"] if (c["table"] == table and hit(c["cols"]))
                or (c["kind"] == "fk" and c["ref"] == table and (col is None or col == c["refcol"]))]
        idx = [i for i in m["indexes"] if i["table"] == table and hit(i["cols"] + [i["where"]])]
        views = [v for v in m["views"] if v["table"] == table and hit(v["cols"] + [v["filter"]])]
        trig = [x for x in m["triggers"] if x["table"] == table and hit(x["cols"])]
        return cons, idx, views, trig

    def remove(self, m, cons, idx, views, trig):
        m["cons"] = [c for c in m["cons"] if c not in cons]
        m["indexes"] = [i for i in m["indexes"] if i not in idx]
        m["views"] = [v for v in m["views"] if v not in views]
        m["triggers"] = [x for x in m["triggers"] if x not in trig]

    def rename_col_refs(self, m, table, old, new):
        for obj in m["cons"] + m["indexes"] + m["triggers"]:
            if obj["table"] == table:
                obj["cols"] = [new if x == old else x for x in obj["cols"]]
                if obj.get("where") == old:
                    obj["where"] = new
        changed = set()
        for v in m["views"]:
            if v["table"] == table and old in v["cols"] + [v["filter"]]:
                v["cols"] = [new if x == old else x for x in v["cols"]]
                v["filter"] = new if v["filter"] == old else v["filter"]
                changed.add(v["name"])
        while changed:     # views over them select the column by its new name
            more = set()
            for v in m["views"]:
                if v.get("base") in changed and old in v["cols"] + [v["filter"]]:
                    v["cols"] = [new if x == old else x for x in v["cols"]]
                    v["filter"] = new if v["filter"] == old else v["filter"]
                    more.add(v["name"])
            changed = more
        for c in self.tab(m, table)["cols"]:
            if c["gen"] and c["gen"]["src"] == old:
                c["gen"]["src"] = new
        t = self.tab(m, table)
        if t["pk"] and t["pk"]["col"] == old:
            t["pk"]["col"] = new
        for k in m["cons"]:
            if k["kind"] == "fk" and k["ref"] == table and k["refcol"] == old:
                k["refcol"] = new

    # ---- mutations -------------------------------------------------------------
    def mutate(self, m, renames, orig):
        self.mutate_one(m, renames, orig)
        self.cascade_views(m)

    def mutate_one(self, m, renames, orig):
        r = self.r
        ops = ["add_table", "drop_table", "add_column", "add_column", "drop_column", "type",
               "notnull", "default", "collate", "autoinc", "unique", "check", "add_constraint",
               "drop_constraint", "add_index", "drop_index", "change_index", "add_view",
               "drop_view", "change_view", "add_trigger", "drop_trigger", "change_trigger",
               "rename_column", "rename_table", "options", "pk"]
        op = r.choice(ops)
        if not m["tables"]:
            op = "add_table"
        t = r.choice(m["tables"]) if m["tables"] else None
        cols = self.plain(t) if t else []
        old = [c for c in cols if not c["new"]]
        if op == "add_table":
            m["tables"].append(self.table(m, new=True))
        elif op == "drop_table" and len(m["tables"]) > 1:
            # not one whose rows other rows point at: the downgrade would
            # create it empty and the foreign key again
            if any(c.get("fk_to") == t["name"] and x["rows"] for x in m["tables"] for c in x["cols"]):
                return
            self.remove(m, *self.uses(m, t["name"]))
            m["tables"].remove(t)
        elif op == "add_column":
            kind = r.random()
            if kind < 0.15:
                c = self.gen_column(t, new=True)
                if c:
                    t["cols"].append(c)
            else:
                c = self.column(t, new=True)
                if kind < 0.3 and not t["strict"]:
                    c["default"] = r.choice(["CURRENT_TIMESTAMP", "(datetime('now'))", "(1 + 2)"])
                    c["unique"] = False
                t["cols"].append(c)
        elif op == "drop_column" and len(cols) > 1:
            # not a NOT NULL one without a default of a table with rows: the
            # downgrade could not add it back
            # nor one with a default that is UNIQUE when the table has rows:
            # the rows would all get the default
            def unique_use(x):
                return x["unique"] or any(
                    k["table"] == t["name"] and x["name"] in k["cols"] and
                    (k.get("kind") == "unique" or k.get("unique")) for k in m["cons"] + m["indexes"])
            ok = [x for x in cols if not (x["notnull"] and x["default"] is None and t["rows"])
                  and not (x["default"] is not None and unique_use(x) and t["rows"] > 1)]
            if not ok:
                return
            c = r.choice(ok + [x for x in t["cols"] if x["gen"]])
            gone = [c] + [x for x in t["cols"] if x["gen"] and x["gen"]["src"] == c["name"]]
            for x in gone:      # with the generated columns that read it
                self.remove(m, *self.uses(m, t["name"], x["name"]))
            t["cols"] = [x for x in t["cols"] if x not in gone]
        elif op == "type":
            fk_cols = {x for con in m["cons"] if con["kind"] == "fk" and con["table"] == t["name"]
                       for x in con["cols"]}
            table = STRICT_RETYPE if t["strict"] else RETYPE
            ok = [c for c in cols if c["type"] in table and c["name"] not in fk_cols]
            if ok:
                c = r.choice(ok)
                c["type"] = r.choice(table[c["type"]])
                if c["default"] is not None:
                    c["default"] = self.default_for(c["type"], t["strict"])
                if not texty(c["type"]):
                    c["collate"] = None
                    for ix in m["indexes"]:
                        if ix["table"] == t["name"] and c["name"] in ix["cols"]:
                            ix["expr"] = False
        elif op == "notnull" and old:
            c = r.choice([x for x in old if not x["nulls"]] or [None])
            if c:
                c["notnull"] = not c["notnull"]
        elif op == "default" and cols:
            c = r.choice(cols)
            if c["new"] and c["notnull"]:
                return          # its default is what its rows got
            if c["default"] is not None and r.random() < 0.4:
                c["default"] = None
            else:
                c["default"] = self.default_for(c["type"], t["strict"])
            if c["new"]:
                c["unique"] = False
        elif op == "collate":
            ok = [c for c in cols if texty(c["type"])]
            if ok:
                c = r.choice(ok)
                c["collate"] = r.choice([x for x in [None, "NOCASE", "RTRIM"] if x != c["collate"]])
        elif op == "autoinc" and t["pk"] and t["pk"]["style"] == "col" and not t["wr"] and \
                self.col(t, t["pk"]["col"])["type"] == "INTEGER":
            t["pk"]["autoinc"] = not t["pk"]["autoinc"]
        elif op == "unique" and cols:
            c = r.choice(cols)
            if not c["unique"] and c["new"] and c["default"] is not None:
                return
            c["unique"] = not c["unique"]
        elif op == "check" and cols:
            c = r.choice(cols)
            c["check"] = not c["check"]
        elif op == "add_constraint":
            self.add_constraint(m, mutating=True)
        elif op == "drop_constraint" and m["cons"]:
            m["cons"].remove(r.choice(m["cons"]))
        elif op == "add_index":
            self.add_index(m)
        elif op == "drop_index" and m["indexes"]:
            m["indexes"].remove(r.choice(m["indexes"]))
        elif op == "change_index" and m["indexes"]:
            ix = r.choice(m["indexes"])
            ix["unique"] = not ix["unique"] if not ix["where"] else ix["unique"]
            ix["where"] = None if ix["where"] else ix["cols"][0]
            it = self.tab(m, ix["table"])
            if any(c["name"] in ix["cols"] and c["new"] and c["default"] is not None for c in it["cols"]):
                ix["unique"] = False
        elif op == "add_view":
            self.add_view(m)
        elif op == "drop_view" and m["views"]:
            m["views"].remove(r.choice(m["views"]))
        elif op == "change_view" and m["views"]:
            v = r.choice(m["views"])
            names = self.view_source(m, v)
            v["cols"] = sorted(r.sample(names, min(len(names), r.randint(1, 3))), key=names.index)
            v["filter"] = r.choice([None, v["cols"][0]])
        elif op == "add_trigger":
            self.add_trigger(m)
        elif op == "drop_trigger" and m["triggers"]:
            m["triggers"].remove(r.choice(m["triggers"]))
        elif op == "change_trigger" and m["triggers"]:
            x = r.choice(m["triggers"])
            x["when"] = "AFTER" if x["when"] == "BEFORE" else "BEFORE"
            x["cond"] = not x["cond"]
        elif op == "pk":
            referenced = any(k["kind"] == "fk" and k["ref"] == t["name"] for k in m["cons"])
            if t["pk"] and not referenced and not t["wr"] and not t["pk"]["autoinc"]:
                t["pk"] = None          # the key column stays, a plain column
            elif not t["pk"]:
                # a column whose rows are distinct and not NULL becomes the key
                ok = [c for c in cols if not c["new"] and not c["nulls"] and c["type"] == "INTEGER"
                      and not c["collate"]]
                if ok:
                    t["pk"] = {"style": r.choice(["col", "table"]), "autoinc": False, "name": None,
                               "col": r.choice(ok)["name"]}
        elif op == "options" and not t["rows"]:
            # WITHOUT ROWID or STRICT: the table is dropped and created again
            # (the data-loss hazard autogenerate warns of), so only an empty one
            if t["pk"] and not t["pk"]["autoinc"] and r.random() < 0.5:
                t["wr"] = not t["wr"]
            elif t["strict"] or all(c["type"] in STRICT_TYPES and
                                    c["default"] in (None, "0", "1", "-1", "'x'", "''") for c in t["cols"]):
                t["strict"] = not t["strict"]
        elif op == "rename_column" and not renames:
            ok = [c for c in cols if (t["name"], c["name"]) in orig]
            if ok:
                c = r.choice(ok)
                oldn, new = c["name"], c["name"] + "_renamed"
                self.rename_col_refs(m, t["name"], oldn, new)
                c["name"] = new
                renames.append("%s.%s:%s.%s" % (t["name"], oldn, t["name"], new))
        elif op == "rename_table" and not renames and (t["name"], None) in orig:
            oldn, new = t["name"], t["name"] + "_renamed"
            for obj in m["cons"] + m["indexes"] + m["views"] + m["triggers"]:
                if obj["table"] == oldn:
                    obj["table"] = new
                if obj.get("ref") == oldn:
                    obj["ref"] = new
            for x in m["tables"]:
                for c in x["cols"]:
                    if c.get("fk_to") == oldn:
                        c["fk_to"] = new
            t["name"] = new
            renames.append("%s:%s" % (oldn, new))

    # ---- SQL ---------------------------------------------------------------
    def check_expr(self, col, num, bound):
        return ("%s > -%d" % (q(col), bound)) if num else ("length(%s) < %d" % (q(col), bound))

    def render(self, m):
        out = []
        for t in m["tables"]:
            lines = []
            for c in t["cols"]:
                d = "    %s" % q(c["name"])
                if c["type"]:
                    d += " " + c["type"]
                if t["pk"] and c["name"] == t["pk"]["col"] and t["pk"]["style"] == "col":
                    if t["pk"]["name"]:
                        d += " CONSTRAINT %s" % q(t["pk"]["name"])
                    d += " PRIMARY KEY" + (" AUTOINCREMENT" if t["pk"]["autoinc"] else "")
                if c["notnull"]:
                    d += " NOT NULL"
                if c["default"] is not None:
                    d += " DEFAULT " + c["default"]
                if c["collate"]:
                    d += " COLLATE " + c["collate"]
                if c["unique"]:
                    d += " UNIQUE"
                if c["check"]:
                    d += " CHECK (%s)" % self.check_expr(c["name"], numeric(c["type"]), 100000)
                for con in m["cons"]:
                    if con["kind"] == "fk" and con["table"] == t["name"] and con["inline"] and \
                            con["cols"] == [c["name"]]:
                        if con["name"]:
                            d += " CONSTRAINT %s" % q(con["name"])
                        d += " REFERENCES %s (%s)%s" % (q(con["ref"]), q(con["refcol"]), con["action"])
                if c["gen"]:
                    g = c["gen"]
                    e = ("%s * 2" % q(g["src"])) if g["num"] else ("upper(%s)" % q(g["src"]))
                    d += " GENERATED ALWAYS AS (%s) %s" % (e, "STORED" if g["stored"] else "VIRTUAL")
                lines.append(d)
            if t["pk"] and t["pk"]["style"] == "table":
                lines.append("    %sPRIMARY KEY (%s)" % (("CONSTRAINT %s " % q(t["pk"]["name"])) if t["pk"]["name"] else "",
                                                        q(t["pk"]["col"])))
            for con in m["cons"]:
                if con["table"] != t["name"] or (con["kind"] == "fk" and con["inline"]):
                    continue
                name = ("CONSTRAINT %s " % q(con["name"])) if con["name"] else ""
                if con["kind"] == "unique":
                    body = "UNIQUE (%s)" % ", ".join(q(x) for x in con["cols"])
                elif con["kind"] == "check":
                    body = "CHECK (%s)" % self.check_expr(con["cols"][0], con["num"], con["bound"])
                else:
                    body = "FOREIGN KEY (%s) REFERENCES %s (%s)%s" % (q(con["cols"][0]), q(con["ref"]),
                                                                     q(con["refcol"]), con["action"])
                lines.append("    " + name + body)
            opts = []
            if t["wr"]:
                opts.append("WITHOUT ROWID")
            if t["strict"]:
                opts.append("STRICT")
            out.append("CREATE TABLE %s (\n%s\n)%s;" % (q(t["name"]), ",\n".join(lines),
                                                       (" " + ", ".join(opts)) if opts else ""))
        for i in m["indexes"]:
            cols = ", ".join(("lower(%s)" % q(x)) if i["expr"] else (q(x) + (" DESC" if i["desc"] else ""))
                             for x in i["cols"])
            s = "CREATE %sINDEX %s ON %s (%s)" % ("UNIQUE " if i["unique"] else "", q(i["name"]),
                                                 q(i["table"]), cols)
            if i["where"]:
                s += " WHERE %s IS NOT NULL" % q(i["where"])
            out.append(s + ";")
        for v in m["views"]:
            s = "CREATE VIEW %s AS SELECT %s FROM %s" % (q(v["name"]), ", ".join(q(x) for x in v["cols"]),
                                                        q(v["base"] or v["table"]))
            if v["filter"]:
                s += " WHERE %s IS NOT NULL" % q(v["filter"])
            out.append(s + ";")
        for x in m["triggers"]:
            row = "OLD" if x["event"] == "DELETE" else "NEW"
            col = q(x["cols"][0])
            ev = "UPDATE OF %s" % col if x["event"] == "UPDATE OF" else x["event"]
            s = "CREATE TRIGGER %s %s %s ON %s" % (q(x["name"]), x["when"], ev, q(x["table"]))
            if x["cond"]:
                s += " WHEN %s.%s IS NOT NULL" % (row, col)
            s += "\nBEGIN\n    SELECT %s.%s;\nEND;" % (row, col)
            out.append(s)
        return "\n".join(out) + "\n"

    def value(self, c, t, i, k):
        ty = c["type"]
        if ty in ("INTEGER", "BIGINT", "BOOLEAN"):
            return str(i * 10 + k)
        if ty in ("REAL", "DOUBLE"):
            return "%d.5" % (i * 10 + k)
        if ty == "NUMERIC":
            return str(i * 100 + k)
        if ty == "DATE":
            return lit("2024-%02d-%02d" % (i, k % 28 + 1))
        if texty(ty):
            return lit("v%d_%d" % (i, k))
        if ty == "BLOB":
            return "X'%02x%02x'" % (i, k)
        return str(i * 1000 + k)      # ANY and typeless

    def data(self, m):
        out = []
        rows = {t["name"]: t["rows"] for t in m["tables"]}
        for t in m["tables"]:
            cols = [c for c in t["cols"] if c["gen"] is None]
            for i in range(1, t["rows"] + 1):
                vals = []
                for k, c in enumerate(cols):
                    if c.get("id"):
                        vals.append(str(i))
                    elif c.get("fk_to") is not None:
                        n = rows.get(c["fk_to"], 0)
                        vals.append(str(i) if i <= n else "NULL")     # distinct: UNIQUE may come
                    else:
                        vals.append(self.value(c, t, i, k))
                out.append("INSERT INTO %s (%s) VALUES (%s);" % (
                    q(t["name"]), ", ".join(q(c["name"]) for c in cols), ", ".join(vals)))
        return "\n".join(out) + ("\n" if out else "")


def make_pair(seed, i):
    g = Gen(random.Random("sqlite/%s/%d" % (seed, i)))
    a = g.schema()
    head = "-- kinds: random\n-- checks: gen_sqlite.py --seed %s, pair %d\n" % (seed, i)
    sa = head + g.render(a)
    orig = {(t["name"], None) for t in a["tables"]} | \
        {(t["name"], c["name"]) for t in a["tables"] for c in t["cols"]}
    for _ in range(20):     # until b differs from a
        b = copy.deepcopy(a)
        renames = []
        for _ in range(g.r.randint(1, 4)):
            g.mutate(b, renames, orig)
            if renames:     # a rename is the last change: nothing may undo it
                break
        sb = head + g.render(b)
        if sb != sa:
            break
    return sa, sb, g.data(a), renames


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", required=True)
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--out", required=True)
    o = p.parse_args()
    for i in range(1, o.count + 1):
        a, b, data, renames = make_pair(o.seed, i)
        d = os.path.join(o.out, "r%04d" % i)
        os.makedirs(d, exist_ok=True)
        for name, text in (("a.sql", a), ("b.sql", b), ("data.sql", data)):
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        if renames:
            with open(os.path.join(d, "renames.txt"), "w") as f:
                f.write("\n".join(renames) + "\n")


if __name__ == "__main__":
    main()
