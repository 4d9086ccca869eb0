#!/usr/bin/env python3
"""bench/gen.py — workload generator of the benchmark suite (stdlib only).

    gen.py workload N DIR    N revisions of one realistic shape, written in
                             every format the benchmark runs (see below)
    gen.py graph N DIR [--no-files]
                             a synthetic revision graph of N revisions with
                             branches, merges, labels and depends, for the
                             planning benchmark

Revision i (1-based) of the workload creates a table, indexes it and adds a
column; its downgrade drops the table:

    CREATE TABLE t_i (id bigserial PRIMARY KEY, name text NOT NULL,
                      created_at timestamptz DEFAULT now());
    CREATE INDEX ON t_i (name);
    ALTER TABLE t_i ADD COLUMN note text;

`workload` writes under DIR:

    migrations/versions/<id>_r<i>.sql      migrate format (PostgreSQL)
    sqlite/versions/<id>_r<i>.sql          migrate format, SQLite spelling
    all.sql, down.sql                      raw PostgreSQL upgrade / downgrade
    all_sqlite.sql                         raw SQLite upgrade, one transaction
    alembic/{alembic.ini,env.py,script.py.mako,versions/*.py}
    sqitch/{sqitch.conf,sqitch.plan,deploy,revert,verify}
    dbmate/db/migrations/<version>_r<i>.sql

`graph` writes DIR/versions/<id>_g<i>.sql (migrate format, trivial SQL;
not with --no-files) and DIR/graph.txt, one revision a line: `id<TAB>parents<TAB>depends<TAB>labels`
(comma-separated, `-` for none), which bench/plan_bench.c reads.
"""

import os
import sys

MASK48 = (1 << 48) - 1


def rev_id(i, salt=0):
    """12 lowercase hex digits, unique for i < 2**48 (odd multiplier mod 2**48
    is a bijection), scrambled so that id order is not file order."""
    return "%012x" % (((i + salt) * 0x9E3779B97F4B) & MASK48)


def pg_up(i):
    return (f"CREATE TABLE t_{i} (id bigserial PRIMARY KEY, name text NOT NULL, "
            f"created_at timestamptz DEFAULT now());\n"
            f"CREATE INDEX ON t_{i} (name);\n"
            f"ALTER TABLE t_{i} ADD COLUMN note text;")


def sqlite_up(i):
    # the same shape in SQLite's spelling (no bigserial, no now(), named index)
    return (f"CREATE TABLE t_{i} (id integer PRIMARY KEY, name text NOT NULL, "
            f"created_at text DEFAULT CURRENT_TIMESTAMP);\n"
            f"CREATE INDEX t_{i}_name_idx ON t_{i} (name);\n"
            f"ALTER TABLE t_{i} ADD COLUMN note text;")


def down(i):
    return f"DROP TABLE t_{i};"


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def migrate_file(rid, revises, message, up, dn, extra=""):
    return (f"-- migrate:revision {rid}\n"
            f"-- migrate:revises {revises}\n"
            f"-- migrate:message {message}\n"
            f"{extra}"
            f"\n-- migrate:upgrade\n{up}\n"
            + (f"\n-- migrate:downgrade\n{dn}\n" if dn is not None else ""))


def workload(n, out):
    ids = [None] + [rev_id(i) for i in range(1, n + 1)]

    # ---- migrate format: PostgreSQL and SQLite directories
    for sub, up in (("migrations", pg_up), ("sqlite", sqlite_up)):
        vdir = os.path.join(out, sub, "versions")
        os.makedirs(vdir, exist_ok=True)
        for i in range(1, n + 1):
            write(os.path.join(vdir, f"{ids[i]}_r{i}.sql"),
                  migrate_file(ids[i], ids[i - 1] if i > 1 else "base",
                               f"create table t_{i}", up(i), down(i)))

    # ---- raw SQL
    write(os.path.join(out, "all.sql"),
          "".join(pg_up(i) + "\n" for i in range(1, n + 1)))
    write(os.path.join(out, "down.sql"),
          "".join(down(i) + "\n" for i in range(n, 0, -1)))
    write(os.path.join(out, "all_sqlite.sql"),
          "BEGIN;\n" + "".join(sqlite_up(i) + "\n" for i in range(1, n + 1))
          + "COMMIT;\n")

    # ---- Alembic: plain SQLAlchemy engine, op.execute(sql) per revision
    adir = os.path.join(out, "alembic")
    os.makedirs(os.path.join(adir, "versions"), exist_ok=True)
    write(os.path.join(adir, "alembic.ini"),
          "[alembic]\nscript_location = %(here)s\n")
    write(os.path.join(adir, "env.py"), '''\
import os

from alembic import context
from sqlalchemy import create_engine


def run_migrations_online():
    engine = create_engine(os.environ["BENCH_ALEMBIC_URL"])
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline mode is not used by the benchmark")
run_migrations_online()
''')
    write(os.path.join(adir, "script.py.mako"), '''\
"""${message}"""
from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
''')
    for i in range(1, n + 1):
        write(os.path.join(adir, "versions", f"{ids[i]}_r{i}.py"), f'''\
"""create table t_{i}"""
from alembic import op

revision = {ids[i]!r}
down_revision = {ids[i - 1] if i > 1 else None!r}
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""{pg_up(i)}""")


def downgrade():
    op.execute("""{down(i)}""")
''')

    # ---- sqitch: plan + deploy/revert/verify, one transaction per change
    sdir = os.path.join(out, "sqitch")
    for d in ("deploy", "revert", "verify"):
        os.makedirs(os.path.join(sdir, d), exist_ok=True)
    write(os.path.join(sdir, "sqitch.conf"),
          "[core]\n\tengine = pg\n\tplan_file = sqitch.plan\n\ttop_dir = .\n")
    plan = ["%syntax-version=1.0.0", "%project=bench", ""]
    for i in range(1, n + 1):
        req = f" [r{i - 1}]" if i > 1 else ""
        plan.append(f"r{i}{req} 2024-01-01T00:00:00Z Bench <bench@example.com>"
                    f" # create table t_{i}")
        write(os.path.join(sdir, "deploy", f"r{i}.sql"),
              f"BEGIN;\n{pg_up(i)}\nCOMMIT;\n")
        write(os.path.join(sdir, "revert", f"r{i}.sql"),
              f"BEGIN;\n{down(i)}\nCOMMIT;\n")
        write(os.path.join(sdir, "verify", f"r{i}.sql"),
              f"SELECT id, name, created_at, note FROM t_{i} WHERE false;\n")
    write(os.path.join(sdir, "sqitch.plan"), "\n".join(plan) + "\n")

    # ---- dbmate: -- migrate:up / -- migrate:down, numeric versions
    ddir = os.path.join(out, "dbmate", "db", "migrations")
    os.makedirs(ddir, exist_ok=True)
    for i in range(1, n + 1):
        write(os.path.join(ddir, f"{20240101000000 + i}_r{i}.sql"),
              f"-- migrate:up\n{pg_up(i)}\n\n-- migrate:down\n{down(i)}\n")


def graph(n, out, files=True):
    """A long trunk with, periodically:
       - every 50 revisions a labelled side branch of 5 and 5 more trunk
         revisions from the same fork, merged back by a two-parent revision;
         a trunk revision of that stretch depends on the side branch (by id
         or, every other time, by its label);
       - every 997 revisions a dangling head beside the trunk, which a later
         trunk revision depends on;
       - every 4999 revisions another root (a head of its own) that the
         trunk later merges in.
    """
    par = [[] for _ in range(n)]
    dep = [[] for _ in range(n)]
    lab = [[] for _ in range(n)]
    ids = [rev_id(i, salt=1 << 40) for i in range(n)]
    trunk = 0
    sides = 0
    pending_dep = None
    pending_root = None
    i = 1
    while i < n:
        if i % 50 == 25 and i + 11 <= n:
            fork = trunk
            for k in range(5):
                par[i + k] = [fork if k == 0 else i + k - 1]
                par[i + 5 + k] = [fork if k == 0 else i + 5 + k - 1]
            lab[i] = [f"side{sides}"]
            dep[i + 7] = [ids[i + 2]] if sides % 2 else [f"side{sides}"]
            par[i + 10] = [i + 4, i + 9]
            trunk = i + 10
            sides += 1
            i += 11
        elif i % 997 == 500:
            par[i] = [trunk]            # dangling head
            pending_dep = i
            i += 1
        elif i % 4999 == 2000:
            pending_root = i            # another root
            i += 1
        else:
            par[i] = [trunk]
            if pending_root is not None:
                par[i].append(pending_root)
                pending_root = None
            elif pending_dep is not None and i % 3 == 0:
                dep[i] = [ids[pending_dep]]
                pending_dep = None
            trunk = i
            i += 1

    if files:
        os.makedirs(os.path.join(out, "versions"), exist_ok=True)
    lines = []
    for i in range(n):
        parents = [ids[p] for p in par[i]]
        lines.append("\t".join([ids[i], ",".join(parents) or "-",
                                ",".join(dep[i]) or "-",
                                ",".join(lab[i]) or "-"]))
        if not files:
            continue
        extra = ""
        if dep[i]:
            extra += f"-- migrate:depends {', '.join(dep[i])}\n"
        if lab[i]:
            extra += f"-- migrate:branch {', '.join(lab[i])}\n"
        write(os.path.join(out, "versions", f"{ids[i]}_g{i}.sql"),
              migrate_file(ids[i], ", ".join(parents) or "base", f"g{i}",
                           "SELECT 1;", "SELECT 1;", extra))
    write(os.path.join(out, "graph.txt"), "\n".join(lines) + "\n")


def main(argv):
    files = "--no-files" not in argv
    argv = [a for a in argv if a != "--no-files"]
    if len(argv) != 4 or argv[1] not in ("workload", "graph"):
        sys.stderr.write("usage: gen.py workload N DIR | gen.py graph N DIR [--no-files]\n")
        return 2
    n = int(argv[2])
    if n < 1:
        sys.stderr.write("gen.py: N must be at least 1\n")
        return 2
    os.makedirs(argv[3], exist_ok=True)
    if argv[1] == "workload":
        workload(n, argv[3])
    else:
        graph(n, argv[3], files)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
