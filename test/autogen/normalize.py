#!/usr/bin/env python3
"""test/autogen/normalize.py — pg_dump -s output (stdin) in a form where two
databases with the same schema compare equal (stdout).

- Cut into pg_dump's entries at their `-- Name: ...; Type: ...` headers;
  drop comment lines, SET lines, set_config, \\restrict/\\unrestrict (a
  random key per dump) and blank lines.
- Sort the entries: their order in a dump follows OIDs where pg_dump's
  type/name sort ties, and is no part of the schema.
- Sort the column lines of CREATE TABLE and the attribute lines of CREATE
  TYPE ... AS (...): ALTER TABLE ADD COLUMN can only append, so a column
  order the diff cannot reproduce without rebuilding the table is ignored.
- Sort the lines of ACL entries: GRANT order follows the aclitem order,
  which is the order the grants were made in.
Everything else (column definitions, constraint and index definitions,
enum label order, function bodies) is compared byte for byte.
"""
import re
import sys

SKIP = re.compile(r"^(--|SET |SELECT pg_catalog\.set_config\(|\\restrict|\\unrestrict)")


def entries(text):
    cur, out = [], []
    for line in text.splitlines():
        if line.startswith("-- Name: ") or line.startswith("-- Data for Name: "):
            if cur:
                out.append(cur)
            cur = ["@" + line]   # the header names the kind of the entry
            continue
        if not line.strip() or SKIP.match(line):
            continue
        cur.append(line.rstrip())
    if cur:
        out.append(cur)
    return out


def sort_body(lines):
    """Sort the lines between `... (` and the closing `)...` of a CREATE
    TABLE or CREATE TYPE AS (composite) statement."""
    res, i = [], 0
    while i < len(lines):
        line = lines[i]
        res.append(line)
        i += 1
        if (re.match(r"^CREATE (UNLOGGED |FOREIGN )?TABLE .* \($", line)
                or re.match(r"^CREATE TYPE .* AS \($", line)):
            body = []
            while i < len(lines) and not re.match(r"^\)", lines[i]):
                body.append(lines[i].rstrip(","))
                i += 1
            res.extend(sorted(body))
    return res


def main():
    out = []
    for e in entries(sys.stdin.read()):
        head, body = (e[0], e[1:]) if e[0].startswith("@") else ("", e)
        kind = re.search(r"; Type: ([^;]+);", head)
        kind = kind.group(1) if kind else ""
        if kind == "ACL":
            body = sorted(body)
        else:
            body = sort_body(body)
        # the header itself is left out: its Schema/Owner fields are shown
        # by the statements, and its name is ambiguous (two constraints of
        # the same name on different tables)
        out.append("\n".join(body))
    out.sort()
    sys.stdout.write("\n\n".join(out) + ("\n" if out else ""))


if __name__ == "__main__":
    main()
