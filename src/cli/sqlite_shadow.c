/*
 * sqlite_shadow.c — batch mode in the SQLite --sql script: the script
 * holds the rebuild statements themselves, so what a DBA reads is what
 * runs.  A rebuild is written from the table as it is at that point of
 * the script, so the writer keeps an in-memory database with the schema
 * (the database's, copied, or the files' up to the range's start,
 * replayed) and runs every section on it as it writes it.
 */
#include "sqlite_int.h"
#include "sqlite_batch.h"
#include "sqlite_shadow.h"
#include "sqltext.h"

#include <stdio.h>
#include <string.h>

static bool
shadow_exec(void *ctx, const char *sql, size_t off, bool generated, char *err, size_t errlen)
{
	Shadow	   *sh = ctx;
	char	   *msg = NULL;

	if (sh->out)
		mg_buf_printf(sh->out, "%s;\n", sql);
	/*
	 * A statement as written that fails here fails in the script too, as
	 * it would on the database: written, not refused (the in-memory schema
	 * has no rows, and may lack what a database has).
	 */
	if (sqlite3_exec(sh->mem, sql, NULL, NULL, &msg) != SQLITE_OK && generated)
	{
		snprintf(err, errlen, "%s (on the schema the script has at this point)", msg ? msg : "error");
		sqlite3_free(msg);
		return false;
	}
	sqlite3_free(msg);
	return true;
}

static bool
shadow_check(void *ctx, const SqStep *step, const char *table, char *err, size_t errlen)
{
	Shadow	   *sh = ctx;

	/* the schema is here (no rows: the foreign keys are the script's to check) */
	if (!sq_uses_check(sh->mem, step, table, err, errlen))
		return false;
	if (sh->out)
		mg_buf_printf(sh->out, "%s;\n", step->sql);
	return true;
}

static const SqBatchOps shadow_ops = {shadow_exec, shadow_check};

/* Run a section on the in-memory schema; out: where to write it, or NULL. */
static bool
shadow_run(Shadow *sh, const RepoRev *r, const MgSection *sec, MgBuf *out, MgError *err)
{
	char		msg[2048];
	size_t		off = 0;
	bool		input;
	int			rebuilt;
	bool		ok;

	/*
	 * In a transaction where the script has one, so that what SQLite does
	 * only outside one (PRAGMA foreign_keys) goes as in the script, which
	 * switches foreign keys off before each of its transactions
	 */
	if (r->rf.transactional)
	{
		sqlite3_exec(sh->mem, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
		sqlite3_exec(sh->mem, "BEGIN", NULL, NULL, NULL);
	}
	if (!sq_batch_section(r, sec))
	{
		/* as written; the statements the in-memory schema cannot run do not
		 * matter to it (data, or SQL for a database this is not) */
		sqlite3_exec(sh->mem, sec->body, NULL, NULL, NULL);
		if (!sqlite3_get_autocommit(sh->mem))
			sqlite3_exec(sh->mem, "COMMIT", NULL, NULL, NULL);
		return true;
	}
	sh->out = out;
	ok = sq_batch_run(sh->mem, sec->body, &shadow_ops, sh, &rebuilt, msg, sizeof(msg), &off, &input);
	if (!sqlite3_get_autocommit(sh->mem))
		sqlite3_exec(sh->mem, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	if (!ok)
	{
		mg_error(err, input ? MG_ERR_INPUT : MG_ERR_EXEC, r->path,
				 mg_line_at(sec->body, sec->body_line, mg_sql_skip_blank(sec->body, off, strlen(sec->body))),
				 "revision %s: %s", r->rf.id, msg);
		return false;
	}
	sh->rebuilt += rebuilt;
	return true;
}

static MgStatus
shadow_fetch(void *ctx, MgStep *s, MgError *err)
{
	Shadow	   *sh = ctx;
	const RepoRev *r = &sh->repo->revs[s->node];
	const MgSection *sec = s->downgrade ? r->sel.downgrade : r->sel.upgrade;
	MgStatus	st = repo_step_fetch(sh->repo, s, err);

	if (st != MG_OK || sec == NULL)
		return st;
	if (sq_batch_section(r, sec))
	{
		MgBuf	   *b = mg_alloc(sizeof(MgBuf));

		mg_buf_init(b);
		if (!shadow_run(sh, r, sec, b, err))
			return err->status;
		/* without the last newline, as section bodies are */
		if (b->len > 0 && b->data[b->len - 1] == '\n')
			b->data[--b->len] = '\0';
		s->body = b->data;
		return MG_OK;
	}
	shadow_run(sh, r, sec, NULL, err);
	return MG_OK;
}

static MgStatus
shadow_describe(void *ctx, int node, bool downgrade, MgStep *out, MgError *err)
{
	return repo_step_describe(((Shadow *) ctx)->repo, node, downgrade, out, err);
}

const MgExecOps shadow_source_ops = {
	true, shadow_describe, shadow_fetch, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL
};

bool
shadow_needed(const Repo *repo, const MgIntList *steps, bool downgrade)
{
	for (int i = 0; i < steps->count; i++)
	{
		const RepoRev *r = &repo->revs[steps->items[i]];

		if (sq_batch_section(r, downgrade ? r->sel.downgrade : r->sel.upgrade))
			return true;
	}
	return false;
}

void
sq_copy_schema(sqlite3 *from, sqlite3 *to)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(from, "SELECT sql FROM main.sqlite_schema WHERE sql IS NOT NULL"
						   " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
						   -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW)
		sqlite3_exec(to, (const char *) sqlite3_column_text(st, 0), NULL, NULL, NULL);
	sqlite3_finalize(st);
}

int
shadow_open(Shadow *sh, Repo *repo, sqlite3 *from, const uint8_t *applied)
{
	MgError		err;

	memset(sh, 0, sizeof(*sh));
	sh->repo = repo;
	if (sqlite3_open(":memory:", &sh->mem) != SQLITE_OK)
		return fail(EXIT_FAILED, "cannot open an in-memory SQLite database");
	if (from)
		sq_copy_schema(from, sh->mem);
	else
	{
		MgIntList	order = mg_order(&repo->graph, applied);

		/* the range's start: its revisions' upgrades, in order */
		for (int i = 0; i < order.count; i++)
		{
			const RepoRev *r = &repo->revs[order.items[i]];

			if (!shadow_run(sh, r, r->sel.upgrade, NULL, &err))
				return fail_mg(&err);
		}
		mg_intlist_free(&order);
	}
	return EXIT_OK;
}

void
shadow_close(Shadow *sh)
{
	if (sh->mem)
		sqlite3_close(sh->mem);
	sh->mem = NULL;
}
