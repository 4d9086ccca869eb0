/*
 * sqlite_batch.c — the batch rewriter's walk over a section.
 *
 * A group is a run of consecutive ALTER TABLE statements on one table
 * (renames run on their own, between groups: SQLite renames natively and
 * rewrites every reference).  When SQLite runs every action of the group
 * itself, each runs natively, one statement per action; otherwise the
 * group's actions are applied in order to the table's model and the table
 * is rebuilt once.  Every other statement runs as written.
 */
#include "sqlite_batch.h"
#include "sqlite_tok.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

bool
sq_batch_candidate(const char *body)
{
	SqStmt	   *st;
	bool		bad;
	int			n = sq_split(body, &st, &bad);

	for (int i = 0; i < n; i++)
	{
		SqLexer		lx;

		sq_lex_init(&lx, body, st[i].start, st[i].end);
		if (sq_tok_is(body, sq_lex_next(&lx), "alter") && sq_tok_is(body, sq_lex_next(&lx), "table"))
		{
			mg_free(st);
			return true;
		}
	}
	mg_free(st);
	return false;
}

static bool
is_rename(const SqAlter *a)
{
	for (int i = 0; i < a->nacts; i++)
		if (a->acts[i].kind == SQA_RENAME_TABLE || a->acts[i].kind == SQA_RENAME_COLUMN)
			return true;
	return false;
}

static bool
run_steps(const SqSteps *steps, const SqBatchOps *ops, void *ctx, const char *table,
		  size_t off, char *err, size_t errlen)
{
	for (int i = 0; i < steps->count; i++)
	{
		const SqStep *s = &steps->items[i];
		bool		ok = s->kind == SQS_FK_CHECK ? ops->check(ctx, s, table, err, errlen)
			: ops->run(ctx, s->sql, off, true, err, errlen);

		if (!ok)
			return false;
	}
	return true;
}

/* Prefix err with what was being done. */
static bool
while_doing(char *err, size_t errlen, const char *fmt, const char *table)
{
	char		why[1024];
	char		what[256];

	snprintf(why, sizeof(why), "%s", err);
	snprintf(what, sizeof(what), fmt, table);
	snprintf(err, errlen, "%s: %s", what, why);
	return false;
}

/* Is PRAGMA foreign_keys on? */
static bool
foreign_keys_on(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool		on = false;

	if (sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &st, NULL) == SQLITE_OK)
	{
		on = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
		sqlite3_finalize(st);
	}
	return on;
}

/*
 * The rebuild's steps with foreign keys off (step 1): with them on, DROP
 * TABLE deletes the old table's rows first, running the ON DELETE actions
 * of the tables that reference it.  The executor and the script switch
 * them off before each transaction; a transaction-false section that turns
 * them on before its rebuild gets them turned off and on again around it
 * (SQLite changes them only outside a transaction).  Were they on inside
 * a transaction, the rebuild is refused.
 */
static bool
run_rebuild(sqlite3 *db, const SqSteps *steps, const SqBatchOps *ops, void *ctx,
			const char *table, size_t off, char *err, size_t errlen)
{
	bool		fk = foreign_keys_on(db);

	if (fk && !sqlite3_get_autocommit(db))
	{
		snprintf(err, errlen, "rebuilding table %s needs foreign keys off, but they are on (a PRAGMA foreign_keys = ON ran earlier on this connection) and SQLite cannot turn them off inside migrate's transaction: dropping the old table would run the ON DELETE actions of the tables referencing it; mark this revision \"-- migrate:transaction false\", or turn them off again before it",
				 table);
		return false;
	}
	if (fk && !ops->run(ctx, "PRAGMA foreign_keys = OFF", off, true, err, errlen))
		return false;
	if (!run_steps(steps, ops, ctx, table, off, err, errlen))
		return while_doing(err, errlen, "rebuilding table %s", table);
	return !fk || ops->run(ctx, "PRAGMA foreign_keys = ON", off, true, err, errlen);
}

/*
 * A rebuild's failure in the terms of the revision: SQLite names the new
 * table (_migrate_new_t), which is t to the reader; and a NOT NULL that
 * fails comes from the action that made the column NOT NULL (SET NOT NULL,
 * ADD COLUMN), whose line is more use than the group's first.
 */
static void
blame(const SqAlter *alters, int n, const char *table, char *err, size_t errlen, size_t *erroff)
{
	static const char nn[] = "NOT NULL constraint failed: ";
	char		tmp[512];
	const char *p;
	size_t		tl;
	MgBuf		b;

	snprintf(tmp, sizeof(tmp), "_migrate_new_%s", table);
	tl = strlen(tmp);
	if ((p = strstr(err, nn)) != NULL && strncasecmp(p + sizeof(nn) - 1, tmp, tl) == 0 &&
		p[sizeof(nn) - 1 + tl] == '.')
	{
		const char *col = p + sizeof(nn) + tl;
		bool		found = false;

		for (int i = 0; i < n && !found; i++)
			for (int j = 0; j < alters[i].nacts && !found; j++)
			{
				const SqAltAction *a = &alters[i].acts[j];

				if ((a->kind == SQA_SET_NOT_NULL || a->kind == SQA_ADD_COLUMN) && a->column &&
					strcasecmp(a->column, col) == 0)
				{
					*erroff = a->start;
					found = true;
				}
			}
	}
	mg_buf_init(&b);
	for (p = err; *p;)
		if (strncmp(p, tmp, tl) == 0)
		{
			mg_buf_puts(&b, table);
			p += tl;
		}
		else
			mg_buf_append(&b, p++, 1);
	snprintf(err, errlen, "%s", b.data);
	mg_buf_free(&b);
}

/* One group: alters[0..n) on one table, each with its offset. */
static bool
run_group(sqlite3 *db, const char *body, const SqStmt *stmts, const SqAlter *alters,
		  const size_t *offs, int n, const SqBatchOps *ops, void *ctx, int *rebuilt,
		  char *err, size_t errlen, size_t *erroff)
{
	SqTableInfo old,
				neu;
	bool		native = true;
	SqSteps		steps;

	*erroff = offs[0];
	if (!sq_table_info(db, alters[0].table, &old, err, errlen))
	{
		if (strncmp(err, "relation", 8) != 0)
			return false;
		if (alters[0].if_exists)
			return true;		/* ALTER TABLE IF EXISTS of no table: nothing */
		/* no such table: as written, to fail as SQLite says */
		for (int i = 0; i < n; i++)
		{
			char	   *sql = mg_strndup(body + stmts[i].start, stmts[i].end - stmts[i].start);

			*erroff = stmts[i].start;
			if (!ops->run(ctx, sql, stmts[i].start, false, err, errlen))
				return false;
		}
		return true;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < alters[i].nacts; j++)
			native = native && sq_alter_native(&old, &alters[i].acts[j]);
	if (native)
	{
		for (int i = 0; i < n; i++)
			for (int j = 0; j < alters[i].nacts; j++)
			{
				const SqAltAction *a = &alters[i].acts[j];
				char	   *sql;

				*erroff = a->start;
				/* SQLite has no IF [NOT] EXISTS on columns: decide here */
				if (a->if_exists &&
					(sq_table_column(&old.table, a->column) >= 0) == (a->kind == SQA_ADD_COLUMN))
					continue;
				sql = sq_alter_native_sql(&old, a);
				if (!ops->run(ctx, sql, a->start, true, err, errlen))
					return false;
				/* the next action sees this one (a later DROP of this ADD) */
				if (j + 1 < alters[i].nacts || i + 1 < n)
					if (!sq_table_info(db, old.table.name, &old, err, errlen))
						return false;
			}
		return true;
	}
	if (!sq_table_info(db, alters[0].table, &neu, err, errlen))
		return false;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < alters[i].nacts; j++)
		{
			*erroff = alters[i].acts[j].start;
			if (!sq_alter_apply(&neu, &alters[i].acts[j], err, errlen))
				return false;
		}
	*erroff = offs[0];
	if (!sq_rebuild_steps(db, &old, &neu, &steps, err, errlen))
		return false;
	(*rebuilt)++;
	if (run_rebuild(db, &steps, ops, ctx, old.table.name, offs[0], err, errlen))
		return true;
	blame(alters, n, old.table.name, err, errlen, erroff);
	return false;
}

bool
sq_batch_run(sqlite3 *db, const char *body, const SqBatchOps *ops, void *ctx,
			 int *rebuilt, char *err, size_t errlen, size_t *erroff, bool *input_error)
{
	SqStmt	   *st;
	bool		bad;
	int			n = sq_split(body, &st, &bad);
	SqAlter    *alters = mg_alloc(sizeof(SqAlter) * (size_t) (n + 1));
	size_t	   *offs = mg_alloc(sizeof(size_t) * (size_t) (n + 1));

	*rebuilt = 0;
	*input_error = false;
	err[0] = '\0';
	/*
	 * An ALTER TABLE with no SQLite form is refused before anything runs: a
	 * transaction-false revision would otherwise keep what ran before it.
	 */
	for (int i = 0; i < n; i++)
	{
		err[0] = '\0';
		if (sq_alter_parse(body, st[i].start, st[i].end, &alters[0], err, errlen, erroff) < 0)
		{
			*input_error = true;
			return false;
		}
	}
	err[0] = '\0';
	for (int i = 0; i < n;)
	{
		int			kind = sq_alter_parse(body, st[i].start, st[i].end, &alters[0],
										  err, errlen, erroff);
		int			g = 1;

		if (kind < 0)
		{
			*input_error = true;
			return false;
		}
		if (kind == 0 || is_rename(&alters[0]))
		{
			/* as written (a rename: SQLite's own form) */
			char	   *sql = mg_strndup(body + st[i].start, st[i].end - st[i].start);

			*erroff = st[i].start;
			if (!ops->run(ctx, sql, st[i].start, false, err, errlen))
				return false;
			mg_free(sql);
			i++;
			continue;
		}
		offs[0] = st[i].start;
		/* the group: the next ALTER TABLEs of the same table */
		while (i + g < n)
		{
			char		e2[512];
			size_t		o2;
			int			k2 = sq_alter_parse(body, st[i + g].start, st[i + g].end, &alters[g],
											e2, sizeof(e2), &o2);

			if (k2 != 1 || is_rename(&alters[g]) ||
				strcasecmp(alters[g].table, alters[0].table) != 0)
				break;
			offs[g] = st[i + g].start;
			g++;
		}
		if (!run_group(db, body, &st[i], alters, offs, g, ops, ctx, rebuilt, err, errlen, erroff))
			return false;
		i += g;
	}
	if (bad)
	{
		*input_error = true;
		*erroff = n > 0 ? st[n - 1].start : 0;
		snprintf(err, errlen, "an unterminated quote or comment");
		return false;
	}
	mg_free(st);
	return true;
}
