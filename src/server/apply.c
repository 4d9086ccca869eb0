/*
 * apply.c — running one revision's SQL through SPI.
 *
 * The body is split into statements with PostgreSQL's own raw parser, so
 * that each runs on its own and, when one fails, an error context names
 * the revision, its message, its file and the line of the failing statement
 * in that file (or the line of a syntax error's cursor).  The original
 * SQLSTATE is kept: the context only adds a line to the error.
 */
#include "migrate.h"

#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "nodes/parsenodes.h"
#include "tcop/tcopprot.h"
#include "sqltext.h"

typedef struct ApplyContext
{
	const MigrateRevision *rev;
	bool		downgrade;
	const char *body;			/* the section being run */
	int			body_line;		/* file line of the body's first line */
	int			stmt_start;		/* byte offset of the running statement */
	int			stmt_len;
} ApplyContext;

static void
apply_error_callback(void *arg)
{
	ApplyContext *ac = (ApplyContext *) arg;
	const MigrateRevision *rev = ac->rev;
	int			pos = geterrposition();
	int			ipos = getinternalerrposition();
	int			line;

	if (ac->stmt_start < 0)
	{
		/* a syntax error from splitting: position is in the whole body */
		int			off = pos > 0 ? migrate_char_to_byte(ac->body, strlen(ac->body), pos) : 0;

		line = mg_line_at(ac->body, ac->body_line, off);
		if (pos > 0)
		{
			errposition(0);
			internalerrposition(pos);
			internalerrquery(ac->body);
		}
	}
	else
	{
		const char *stmt = ac->body + ac->stmt_start;
		int			off;

		if (ipos > 0)
			off = ac->stmt_start + migrate_char_to_byte(stmt, ac->stmt_len, ipos);
		else
			off = mg_sql_skip_blank(ac->body, ac->stmt_start,
									ac->stmt_start + ac->stmt_len);
		line = mg_line_at(ac->body, ac->body_line, off);
	}
	errcontext("%s of revision %s (%s), file %s, line %d",
			   ac->downgrade ? "downgrade" : "upgrade",
			   rev->id, rev->message ? rev->message : "no message",
			   rev->source ? rev->source : "(no file)", line);
}

/*
 * Where a parsed statement starts and ends in body: from its first token
 * (so positions and context read well) to its end.
 */
void
apply_statement_bounds(const char *body, const RawStmt *rs, int *start, int *end)
{
	int			s = rs->stmt_location > 0 ? rs->stmt_location : 0;

	*end = rs->stmt_len > 0 ? s + rs->stmt_len : (int) strlen(body);
	*start = mg_sql_skip_blank(body, s, *end);
}

/*
 * Runs in the caller's memory context (upgrade's per-revision context).  The
 * SPI execute functions return with SPI's procedure context current, not the
 * one current before the call, so every caller that keeps per-revision data
 * in a shorter-lived context switches back after each SPI call; otherwise a
 * 10,000-revision upgrade keeps every revision's text and parse tree until
 * the function returns (75 MB of transient backend memory, measured).
 */
void
apply_revision(const MigrateRevision *rev, bool downgrade)
{
	MemoryContext cxt = CurrentMemoryContext;
	ApplyContext ac;
	ErrorContextCallback callback;
	List	   *stmts;
	ListCell   *lc;
	ac.rev = rev;
	ac.downgrade = downgrade;
	ac.body = downgrade ? rev->downgrade : rev->upgrade;
	ac.body_line = downgrade ? rev->downgrade_line : rev->upgrade_line;
	ac.stmt_start = -1;
	ac.stmt_len = 0;

	callback.callback = apply_error_callback;
	callback.arg = &ac;
	callback.previous = error_context_stack;
	error_context_stack = &callback;

	stmts = pg_parse_query(ac.body);
	foreach(lc, stmts)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		int			start,
					end,
					len;
		char	   *sql;
		int			rc;

		apply_statement_bounds(ac.body, rs, &start, &end);
		len = end - start;

		ac.stmt_start = start;
		ac.stmt_len = len;
		sql = pnstrdup(ac.body + start, len);
		rc = SPI_execute(sql, false, 0);
		MemoryContextSwitchTo(cxt);
		if (rc < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
					 errmsg("statement cannot run inside migrate: %s",
							SPI_result_code_string(rc))));
		SPI_freetuptable(SPI_tuptable);
		pfree(sql);
	}
	error_context_stack = callback.previous;
}
