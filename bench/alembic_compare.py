#!/usr/bin/env python3
"""bench/alembic_compare.py — Alembic's autogenerate comparison, timed (bench/autogen).

    alembic_compare.py URL_CURRENT URL_DESIRED [OUT]

What `alembic revision --autogenerate` does with a model: `metadata.reflect()`
of the desired database stands for the application's models (reflection is
part of Alembic's cost here: it has no other way to read a SQL model), then
`compare_metadata(MigrationContext.configure(conn), metadata)` against the
current database (which inspects that database in turn), with
compare_type=True and compare_server_default=True so that retyped columns
and changed defaults count, as they do for the other tools.  Alembic does
not compare views.

Prints `<reflect seconds> <compare seconds> <number of differences>` on
stdout; with OUT, writes the differences there, one a line.
"""

import sys
import time
import warnings

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write("usage: alembic_compare.py URL_CURRENT URL_DESIRED [OUT]\n")
        return 2
    # the foreign keys form cycles: SQLAlchemy warns that it cannot sort the
    # tables, which changes nothing in the comparison
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    desired = sa.create_engine(argv[2])
    metadata = sa.MetaData()
    with desired.connect() as conn:
        metadata.reflect(bind=conn, schema=None)
    t1 = time.perf_counter()
    current = sa.create_engine(argv[1])
    with current.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "compare_server_default": True})
        diffs = compare_metadata(ctx, metadata)
    t2 = time.perf_counter()
    if len(argv) == 4:
        with open(argv[3], "w") as f:
            for d in diffs:
                f.write(repr(d) + "\n")
    print(f"{t1 - t0:.6f} {t2 - t1:.6f} {len(diffs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
