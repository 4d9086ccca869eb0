/*
 * journal.c — journal_run(): a transaction-false revision statement by
 * statement, resumable (see journal.h for the protocol).
 *
 * The rules, in one place:
 *   - a journal row for another direction, or whose done statements are
 *     not the ones the section starts with now (the hash chain differs),
 *     stops the run: resuming would run statements against a state they
 *     were not written for;
 *   - a resumed run first asks inspect() about the statement that was
 *     running when the previous run died;
 *   - each statement runs with its count in one transaction where it can,
 *     else on its own and then counted.
 * For tests, MIGRATE_FAULT=before:K|after:K|counted:K|end kills the
 * program (SIGKILL) at that point of statement K (1-based): before it
 * runs, after it ran but before its count is committed, after the count
 * is committed, after the last statement before the revision is recorded;
 * MIGRATE_FAULT_ACTION=terminate ends the server session instead.
 */
#include "journal.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
journal_note(const char *fmt,...)
{
	va_list		ap;
	char		text[2048];

	if (opt.verbosity < 0)
		return;
	fflush(stdout);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* ids and the server's notes: control characters escaped */
	fprintf(stderr, "migrate: %s\n", printable(text, false));
}

void
journal_note_cleared(int n)
{
	journal_note("cleared the journal of %d partially run revision%s: stamp declares the state by hand, and what the interrupted statements left is yours to keep or undo",
				 n, n == 1 ? "" : "s");
}

/* The hash of statements [0, n): chained, so a prefix is checked at once. */
static void
chain(const JStmt *stmts, int n, char out[65])
{
	out[0] = '\0';
	for (int i = 0; i < n; i++)
	{
		MgBuf		b;

		mg_buf_init(&b);
		mg_buf_printf(&b, "%s\n%s", out, stmts[i].sql);
		mg_sha256_hex(b.data, b.len, out);
		mg_buf_free(&b);
	}
}

static void
fault(const JournalOps *ops, void *ctx, const char *point, int k)
{
	const char *f = getenv("MIGRATE_FAULT");
	const char *action = getenv("MIGRATE_FAULT_ACTION");
	char		here[32];

	if (f == NULL)
		return;
	if (k > 0)
		snprintf(here, sizeof(here), "%s:%d", point, k);
	else
		snprintf(here, sizeof(here), "%s", point);
	if (strcmp(f, here) != 0)
		return;
	fflush(NULL);
	if (action && strcmp(action, "terminate") == 0 && ops->terminate)
		ops->terminate(ctx);
	else
		raise(SIGKILL);
}

/* Where a run starts: the journal row's count, checked against stmts. */
static int
resume_point(const MgStep *s, const JStmt *stmts, int n, const JournalOps *ops,
			 void *ctx, bool *resumed, int *start)
{
	JRow		row;
	char		hash[65];
	int			st;

	*resumed = false;
	*start = 0;
	memset(&row, 0, sizeof(row));
	if ((st = ops->read(ctx, s, &row)) != EXIT_OK)
		return st;
	if (!row.found)
	{
		chain(stmts, 0, hash);
		return ops->write(ctx, s, 0, n, hash);
	}
	if (row.downgrade != s->downgrade)
	{
		fail(EXIT_FAILED, "revision %s was partially %s (statement %d of %d done); finish that %s first",
			 s->id, row.downgrade ? "downgraded" : "upgraded", row.done, row.total,
			 row.downgrade ? "downgrade" : "upgrade");
		fprintf(stderr, "hint: Or, once the database is as you want it, declare its state with `migrate stamp`, which clears the journal.\n");
		return EXIT_FAILED;
	}
	if (row.done > n)
		hash[0] = '\0';
	else
		chain(stmts, row.done, hash);
	if (row.done > n || strcmp(hash, row.hash) != 0)
	{
		fail(EXIT_FAILED, "revision %s was partially %s (statement %d of %d done), and its first %d statement%s changed since (%s)",
			 s->id, s->downgrade ? "downgraded" : "applied", row.done, row.total, row.done,
			 row.done == 1 ? "" : "s", s->source ? s->source : "the catalog");
		fprintf(stderr, "hint: Restore the statements that ran; only the ones after them may change. Or finish by hand and declare the state with `migrate stamp`.\n");
		return EXIT_FAILED;
	}
	*resumed = true;
	*start = row.done;
	journal_note("resuming the %s of revision %s after statement %d of %d",
				 s->downgrade ? "downgrade" : "upgrade", s->id, row.done, n);
	return EXIT_OK;
}

/* Statement i, with its count: in one transaction where it can. */
static int
run_counted(const MgStep *s, const JStmt *stmts, int i, int n,
			const JournalOps *ops, void *ctx)
{
	char		hash[65];
	int			st;

	chain(stmts, i + 1, hash);
	fault(ops, ctx, "before", i + 1);
	if ((st = ops->tx(ctx, "BEGIN")) != EXIT_OK)
		return st;
	st = ops->exec(ctx, s, &stmts[i], true);
	if (st == JOURNAL_REFUSED)
	{
		/* it cannot run in a transaction block: on its own, then counted */
		if ((st = ops->exec(ctx, s, &stmts[i], false)) != EXIT_OK)
			return st;
		fault(ops, ctx, "after", i + 1);
		if ((st = ops->write(ctx, s, i + 1, n, hash)) != EXIT_OK)
			return st;
	}
	else
	{
		if (st != EXIT_OK)
		{
			ops->tx(ctx, "ROLLBACK");
			return st;
		}
		fault(ops, ctx, "after", i + 1);
		if ((st = ops->write(ctx, s, i + 1, n, hash)) != EXIT_OK ||
			(st = ops->tx(ctx, "COMMIT")) != EXIT_OK)
		{
			ops->tx(ctx, "ROLLBACK");
			return st;
		}
	}
	fault(ops, ctx, "counted", i + 1);
	return EXIT_OK;
}

int
journal_run(const MgStep *s, const JStmt *stmts, int n, const JournalOps *ops, void *ctx)
{
	bool		resumed;
	int			start,
				st;

	if ((st = resume_point(s, stmts, n, ops, ctx, &resumed, &start)) != EXIT_OK)
		return st;
	for (int i = start; i < n; i++)
	{
		if (resumed && i == start && ops->inspect)
		{
			bool		done = false;

			if ((st = ops->inspect(ctx, s, &stmts[i], &done)) != EXIT_OK)
				return st;
			if (done)
			{
				char		hash[65];

				chain(stmts, i + 1, hash);
				if ((st = ops->write(ctx, s, i + 1, n, hash)) != EXIT_OK)
					return st;
				continue;
			}
		}
		if ((st = run_counted(s, stmts, i, n, ops, ctx)) != EXIT_OK)
			return st;
	}
	fault(ops, ctx, "end", 0);
	return EXIT_OK;
}
