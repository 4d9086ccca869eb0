#!/usr/bin/env python3
"""test/autogen/sqlite_rt.py — the SQLite side of the autogenerate round trip
(test/suites/autogen_sqlite.sh): a normalized schema dump read from SQLite's
own pragmas, health checks, and row snapshots.

    sqlite_rt.py load DB FILE...
        run the SQL files on DB (a new file), stopping at the first error
    sqlite_rt.py schema DB
        print DB's normalized schema
    sqlite_rt.py snap DB OUT.json
        save the rows of DB's tables (for a later compare --rows)
    sqlite_rt.py compare DB REF [--rows SNAP.json] [--renames FILE [--reverse]]
        exit 0 and print nothing when DB's normalized schema equals REF's,
        pragma integrity_check says ok, pragma foreign_key_check finds
        nothing and (with --rows) every table of the snapshot that DB still
        has (under its new name, after the renames) holds the same rows in
        the columns both have; else print what differs and exit 1

The normalized schema, independent of how the DDL was spelled and of the
order of columns and constraints (the program does not compare column
order; a new column goes last):
  table NAME [without rowid] [strict] [autoincrement COL]
    column NAME: type, not null, default, pk position, hidden
        (pragma table_xinfo; types upper-cased, defaults token-normalized),
        collation and generated expression (from the CREATE TABLE text)
    check EXPR     each CHECK constraint's expression (names not compared:
                   the program names unnamed constraints t_a_check, SQLite
                   keeps no name for them)
    fk             pragma foreign_key_list, each key's columns in order
    index          pragma index_list + index_xinfo: unique, origin, partial
                   and key columns (name, desc, collation); automatic
                   indexes (sqlite_autoindex_*) by their columns, not their
                   numbered names; CREATE INDEX ones by name and SQL
  view NAME        its SQL and its columns (an error when it no longer
                   compiles); trigger NAME: its SQL
SQL text is compared as tokens: blanks and comments dropped, keywords and
identifiers lower-cased, identifier quotes dropped, strings kept as they are.
Left out: sqlite_* objects and the program's state tables (migrate_*).
"""
import difflib
import json
import re
import sqlite3
import sys

STATE = ("migrate_revision", "migrate_version", "migrate_history", "migrate_snapshot", "migrate_journal")
TOKEN = re.compile(r"""
    (?P<blank>\s+|--[^\n]*(?:\n|$)|/\*.*?\*/) |
    (?P<string>'(?:[^']|'')*') |
    (?P<blob>[xX]'[0-9a-fA-F]*') |
    (?P<ident>"(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`) |
    (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+) |
    (?P<word>[A-Za-z_\x80-\uffff][A-Za-z0-9_$\x80-\uffff]*) |
    (?P<op>\|\||<<|>>|<=|>=|==|!=|<>|->>|->|.)
""", re.S | re.X)


def tokens(sql):
    """(kind, normalized text) pairs."""
    out = []
    for m in TOKEN.finditer(sql or ""):
        k = m.lastgroup
        v = m.group(k)
        if k == "blank":
            continue
        if k == "ident":
            q = v[0]
            v = v[1:-1]
            if q in "\"`":
                v = v.replace(q + q, q)
            v = v.lower()
            k = "word"
        elif k in ("word", "blob"):
            v = v.lower()
        out.append((k, v))
    return out


def norm(sql):
    return " ".join(v for _, v in tokens(sql)).rstrip(" ;")


def group(toks, i):
    """toks[i] is '(': (the tokens inside, the index after the ')')."""
    depth, j = 0, i
    while j < len(toks):
        if toks[j][1] == "(":
            depth += 1
        elif toks[j][1] == ")":
            depth -= 1
            if depth == 0:
                return toks[i + 1:j], j + 1
        j += 1
    return toks[i + 1:], j


def items(sql):
    """The comma-separated items of a CREATE TABLE's parenthesized body,
    each a token list."""
    toks = tokens(sql)
    start = next((i for i, t in enumerate(toks) if t[1] == "("), None)
    if start is None:
        return []
    body, _ = group(toks, start)
    out, cur, depth = [], [], 0
    for t in body:
        if t[1] == "(":
            depth += 1
        elif t[1] == ")":
            depth -= 1
        if t[1] == "," and depth == 0:
            out.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        out.append(cur)
    return out


def toptext(toks):
    return " ".join(v for _, v in toks)


def table_text(sql):
    """From a CREATE TABLE: {column: {collate, generated}}, the checks and
    the AUTOINCREMENT column."""
    cols, checks, autoinc = {}, [], None
    for it in items(sql):
        if not it:
            continue
        con = it[0][1] in ("constraint", "primary", "unique", "check", "foreign")
        info = {"collate": None, "generated": None}
        i = 0
        while i < len(it):
            v = it[i][1]
            if v == "(":
                _, i = group(it, i)
                continue
            nxt = it[i + 1][1] if i + 1 < len(it) else None
            if v == "check" and nxt == "(":
                inner, i = group(it, i + 1)
                checks.append(toptext(inner))
                continue
            if not con and v == "as" and nxt == "(":
                inner, i = group(it, i + 1)
                info["generated"] = toptext(inner)
                continue
            if not con and v == "collate" and nxt:
                info["collate"] = None if nxt == "binary" else nxt
            if not con and v == "autoincrement":
                autoinc = it[0][1]
            i += 1
        if not con:
            cols[it[0][1]] = info
    return cols, sorted(checks), autoinc


def rows(c, sql, args=()):
    try:
        return c.execute(sql, args).fetchall()
    except sqlite3.Error as e:
        return [("ERROR: %s" % e,)]


def qi(name):
    return '"' + name.replace('"', '""') + '"'


def user_objects(c):
    return rows(c, "SELECT type, name, tbl_name, sql FROM sqlite_schema"
                " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                " AND tbl_name NOT IN " + str(STATE) + " ORDER BY lower(name), name")


def schema(path):
    c = sqlite3.connect(path)
    out = []
    objs = user_objects(c)
    for typ, name, tbl, sql in objs:
        if typ != "table":
            continue
        tl = rows(c, "SELECT wr, strict FROM pragma_table_list WHERE schema = 'main' AND name = ?", (name,))
        opts = ""
        if tl and tl[0][0]:
            opts += " without rowid"
        if tl and len(tl[0]) > 1 and tl[0][1]:
            opts += " strict"
        textcols, checks, autoinc = table_text(sql)
        if autoinc:
            opts += " autoincrement " + autoinc
        out.append("table %s%s" % (name, opts))
        cols = rows(c, "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)", (name,))
        # the rowid alias (INTEGER PRIMARY KEY of a rowid table) is never
        # NULL: NOT NULL on it or not is the same column
        npk = sum(1 for r in cols if len(r) > 4 and r[4])
        rowid_alias = not (tl and tl[0][0]) and npk == 1 and not rows(
            c, "SELECT 1 FROM pragma_index_list(?) WHERE origin = 'pk'", (name,))
        for cname, ctype, nn, dflt, pk, hidden in sorted(cols, key=lambda r: (str(r[0]).lower(), str(r[0]))):
            if str(cname).startswith("ERROR"):
                out.append("  " + cname)
                continue
            if pk and rowid_alias and (ctype or "").upper() == "INTEGER":
                nn = 0
            t = textcols.get(cname.lower(), {})
            line = "  column %s: %s" % (cname, re.sub(r"\s*([(),])\s*", r"\1", " ".join((ctype or "").upper().split())))
            if nn:
                line += " not null"
            if dflt is not None:
                line += " default " + norm(dflt)
            if pk:
                line += " pk %d" % pk
            if hidden:
                line += " hidden %d" % hidden
            if t.get("collate"):
                line += " collate " + t["collate"]
            if t.get("generated"):
                line += " generated (" + t["generated"] + ")"
            out.append(line)
        for ck in checks:
            out.append("  check (%s)" % ck)
        fks = {}
        for r in rows(c, "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete, match"
                      " FROM pragma_foreign_key_list(?) ORDER BY id, seq", (name,)):
            if len(r) < 8:
                out.append("  fk " + str(r))
                continue
            fks.setdefault(r[0], []).append(r)
        fkl = []
        for key in fks.values():
            fkl.append("  fk (%s) references %s (%s) on update %s on delete %s match %s" % (
                ", ".join(r[3] for r in key), key[0][2].lower(),
                ", ".join(str(r[4]) for r in key), key[0][5], key[0][6], key[0][7]))
        out.extend(sorted(fkl))
        idx = []
        for r in rows(c, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", (name,)):
            if len(r) < 4:
                idx.append("  index " + str(r))
                continue
            iname, uniq, origin, partial = r
            keys = []
            for seqno, cid, kname, desc, coll, key in rows(
                    c, "SELECT seqno, cid, name, \"desc\", coll, \"key\" FROM pragma_index_xinfo(?)"
                    " ORDER BY seqno", (iname,)):
                if not key:
                    continue
                k = "<rowid>" if cid == -1 else "<expr>" if cid == -2 else kname
                keys.append("%s%s%s" % (k, " desc" if desc else "",
                                        "" if (coll or "BINARY").upper() == "BINARY" else " collate " + coll.lower()))
            line = "  index %s%s%s%s (%s)" % (
                "<auto>" if iname.startswith("sqlite_autoindex_") else iname,
                " unique" if uniq else "", " origin " + origin, " partial" if partial else "", ", ".join(keys))
            if origin == "c":
                isql = rows(c, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", (iname,))
                line += ": " + norm(isql[0][0] if isql else "")
            idx.append(line)
        out.extend(sorted(idx))
    for typ, name, tbl, sql in objs:
        if typ == "view":
            out.append("view %s: %s" % (name, norm(sql)))
            vc = rows(c, "SELECT name, type FROM pragma_table_xinfo(?)", (name,))
            out.append("  columns: " + ", ".join(sorted("%s" % (r[0],) for r in vc)))
        elif typ == "trigger":
            out.append("trigger %s on %s: %s" % (name, tbl.lower(), norm(sql)))
    c.close()
    return out


def health(path):
    c = sqlite3.connect(path)
    probs = []
    ic = [r[0] for r in rows(c, "PRAGMA integrity_check")]
    if ic != ["ok"]:
        probs.append("integrity_check: " + "; ".join(map(str, ic)))
    fk = rows(c, "PRAGMA foreign_key_check")
    if fk:
        probs.append("foreign_key_check: " + "; ".join(map(str, fk[:10])))
    c.close()
    return probs


def value(v):
    """A value as text, a number by its value: a retyped column may hold
    another storage class for the same value (5.0 for 5 in a REAL column,
    '10' for 10 in a TEXT one)."""
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, bytes):
        return "x'" + v.hex() + "'"
    return str(v)


def snapshot(path):
    c = sqlite3.connect(path)
    snap = {}
    for typ, name, tbl, sql in user_objects(c):
        if typ != "table":
            continue
        cols = [r[0] for r in rows(c, "SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0", (name,))]
        data = rows(c, "SELECT %s FROM %s" % (", ".join(qi(x) for x in cols), qi(name)))
        snap[name.lower()] = {"cols": [x.lower() for x in cols],
                              "rows": [[value(v) for v in r] for r in data]}
    c.close()
    return snap


def read_renames(path, reverse):
    tables, columns = {}, {}
    if not path:
        return tables, columns
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            old, new = line.split(":", 1)
            if reverse:
                old, new = new, old
            if "." in old:
                t, a = old.lower().split(".", 1)
                t2, b = new.lower().split(".", 1)
                columns[(t, a)] = b
            else:
                tables[old.lower()] = new.lower()
    return tables, columns


def compare_rows(before, after, renames):
    tables, columns = renames
    probs = []
    for t, was in sorted(before.items()):
        if not was["rows"]:
            continue
        nt = tables.get(t, t)
        now = after.get(nt)
        if now is None:
            continue
        if tables.get(t) is None and t in tables.values():
            continue    # its name now belongs to another table
        # column renames are named by the table's name on side a
        pairs = [(i, now["cols"].index(columns.get((t, col), columns.get((nt, col), col))))
                 for i, col in enumerate(was["cols"])
                 if columns.get((t, col), columns.get((nt, col), col)) in now["cols"]]
        if not pairs:
            continue
        w = sorted(tuple(r[i] for i, _ in pairs) for r in was["rows"])
        n = sorted(tuple(r[j] for _, j in pairs) for r in now["rows"])
        if w != n:
            probs.append("rows of %s (as %s): before %s, now %s" % (t, nt, w[:5], n[:5]))
    return probs


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "schema":
        print("\n".join(schema(argv[2])))
        return 0
    if cmd == "load":
        c = sqlite3.connect(argv[2])
        for f in argv[3:]:
            try:
                with open(f) as fh:
                    c.executescript(fh.read())
            except sqlite3.Error as e:
                print("%s: %s" % (f, e))
                return 1
        c.commit()
        c.close()
        return 0
    if cmd == "snap":
        with open(argv[3], "w") as f:
            json.dump(snapshot(argv[2]), f)
        return 0
    if cmd == "compare":
        db, ref, args = argv[2], argv[3], argv[4:]
        snap = renames = None
        reverse = "--reverse" in args
        if "--rows" in args:
            snap = args[args.index("--rows") + 1]
        if "--renames" in args:
            renames = args[args.index("--renames") + 1]
        probs = []
        got, want = schema(db), schema(ref)
        if got != want:
            probs.append("schema differs (- wanted, + got):\n" +
                         "\n".join(list(difflib.unified_diff(want, got, lineterm="", n=1))[2:]))
        probs += health(db)
        if snap:
            with open(snap) as f:
                before = json.load(f)
            probs += compare_rows(before, snapshot(db), read_renames(renames, reverse))
        if probs:
            print("\n".join(probs))
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
