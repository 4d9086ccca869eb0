/*
 * sqlite_exec.c — the SQLite executor: the shared step loop
 * (src/common/exec.c) over SQLite primitives, and offline scripts from the
 * shared writer (src/common/offline.c).  See sqlite.c for the locking
 * protocol: one BEGIN IMMEDIATE transaction, committed once, except around
 * a transaction-false revision.
 */
#include "sqlite_int.h"
#include "sqltext.h"
#include "sqlite_batch.h"
#include "sqlite_shadow.h"
#include "journal.h"

#include <stdlib.h>
#include <string.h>

/* ---- running one section ---- */

static int
line_at(const MgSection *sec, size_t off)
{
	return mg_line_at(sec->body, sec->body_line, off);
}

static int
step_failed(const RepoRev *r, bool downgrade, const MgSection *sec,
			size_t off, const char *message)
{
	info("failed\n");
	return fail(EXIT_FAILED, "%s of revision %s (%s) failed at %s:%d: %s",
				downgrade ? "downgrade" : "upgrade", r->rf.id,
				sq_message_or_default(r), r->path, line_at(sec, off), message);
}

/*
 * Run one section statement by statement.  in_tx: migrate's transaction is
 * open and the SQL must not end it; otherwise each statement autocommits.
 * On failure the error names the file line of the failing statement (or
 * of the syntax error), and the caller rolls back.
 */
static int
run_plain(Db *db, const RepoRev *r, bool downgrade, const MgSection *sec, bool in_tx)
{
	const char *body = sec->body;
	size_t		len = strlen(body);
	const char *p = body;
	int			st = EXIT_OK;

	db->deny_tx = in_tx;
	while (st == EXIT_OK && *p)
	{
		sqlite3_stmt *stmt = NULL;
		const char *tail = NULL;
		size_t		start = (size_t) (p - body);
		int			rc;

		db->denied = NULL;
		rc = sqlite3_prepare_v2(db->conn, p, -1, &stmt, &tail);
		if (rc != SQLITE_OK)
		{
			int			eoff = sqlite3_error_offset(db->conn);
			size_t		off = eoff >= 0 ? start + (size_t) eoff
				: mg_sql_skip_blank(body, start, len);
			char		msg[512];

			if (db->denied)
				snprintf(msg, sizeof(msg), "%s cannot run inside migrate's transaction (mark the revision \"-- migrate:transaction false\" to run it in autocommit)",
						 db->denied);
			else
				snprintf(msg, sizeof(msg), "%s", sqlite3_errmsg(db->conn));
			st = step_failed(r, downgrade, sec, off, msg);
			break;
		}
		if (stmt == NULL)
		{
			/* an empty statement (";"), or only blanks or comments left */
			if (tail == NULL || tail <= p)
				break;
			p = tail;
			continue;
		}
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE)
			st = step_failed(r, downgrade, sec,
							 mg_sql_skip_blank(body, start, (size_t) (tail - body)),
							 sqlite3_errmsg(db->conn));
		sqlite3_finalize(stmt);
		if (tail == NULL || tail <= p)
			break;
		p = tail;
	}
	db->deny_tx = false;
	return st;
}

/* ---- a section through the batch rewriter (sqlite_batch.c) ---- */

typedef struct BatchRun
{
	Db		   *db;
	int			eoff;			/* a syntax error's offset in the statement */
} BatchRun;

static bool
batch_exec(void *ctx, const char *sql, size_t off, bool generated, char *err, size_t errlen)
{
	BatchRun   *b = ctx;
	sqlite3_stmt *stmt = NULL;
	int			rc;

	b->db->denied = NULL;
	b->eoff = 0;
	rc = sqlite3_prepare_v2(b->db->conn, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
	{
		if (b->db->denied)
			snprintf(err, errlen, "%s cannot run inside migrate's transaction (mark the revision \"-- migrate:transaction false\" to run it in autocommit)",
					 b->db->denied);
		else
			snprintf(err, errlen, "%s", sqlite3_errmsg(b->db->conn));
		if (!generated && sqlite3_error_offset(b->db->conn) > 0)
			b->eoff = sqlite3_error_offset(b->db->conn);
		return false;
	}
	if (stmt == NULL)
		return true;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "%s", sqlite3_errmsg(b->db->conn));
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE;
}

static bool
batch_check(void *ctx, const SqStep *step, const char *table, char *err, size_t errlen)
{
	sqlite3    *conn = ((BatchRun *) ctx)->db->conn;

	return sq_uses_check(conn, step, table, err, errlen) &&
		sq_fk_check(conn, &step->tables, table, err, errlen);
}

static const SqBatchOps batch_exec_ops = {batch_exec, batch_check};

/* Does the revision's section go through the rewriter? */
bool
sq_batch_section(const RepoRev *r, const MgSection *sec)
{
	return sec && !r->rf.batch_never && sq_batch_candidate(sec->body);
}

static int
run_batch(Db *db, const RepoRev *r, bool downgrade, const MgSection *sec, bool in_tx)
{
	BatchRun	b = {db, 0};
	char		err[2048];
	size_t		off = 0;
	int			rebuilt;
	bool		input;

	db->deny_tx = in_tx;
	if (sq_batch_run(db->conn, sec->body, &batch_exec_ops, &b, &rebuilt, err, sizeof(err),
					 &off, &input))
	{
		db->deny_tx = false;
		return EXIT_OK;
	}
	db->deny_tx = false;
	/* a transaction-false revision: undo the rebuild's savepoint */
	if (!in_tx && !sqlite3_get_autocommit(db->conn))
		sq_rollback(db);
	return step_failed(r, downgrade, sec, mg_sql_skip_blank(sec->body, off + (size_t) b.eoff,
															strlen(sec->body)), err);
}

/*
 * Run one section: through the batch rewriter when it has ALTER TABLE
 * statements (and the revision does not say "batch never"), else as
 * written.  in_tx: migrate's transaction is open and the SQL must not end
 * it; otherwise each statement autocommits.
 */
int
sq_run_section(Db *db, const RepoRev *r, bool downgrade, bool in_tx)
{
	const MgSection *sec = downgrade ? r->sel.downgrade : r->sel.upgrade;
	int			st = sq_batch_section(r, sec) ? run_batch(db, r, downgrade, sec, in_tx)
		: run_plain(db, r, downgrade, sec, in_tx);

	if (st == EXIT_OK && !in_tx && !sqlite3_get_autocommit(db->conn))
	{
		info("failed\n");
		sq_rollback(db);
		st = fail(EXIT_FAILED, "%s of revision %s (%s) left a transaction open; its statements were rolled back to the last COMMIT it ran (%s)",
				  downgrade ? "downgrade" : "upgrade", r->rf.id,
				  sq_message_or_default(r), r->path);
	}
	return st;
}

/* An upgrade, downgrade or stamp in progress: what waits for a commit. */
typedef struct Change
{
	Repo	   *repo;
	bool		new_catalog;	/* migrate tables and revisions not yet stored */
	History		history;		/* rows not yet written */
} Change;

/*
 * Write what the open transaction must commit: the migrate tables and the
 * revisions when the database had none (begin_change), the history and
 * the version set.
 */
static int
save_state(Db *db, Change *c, const uint8_t *state)
{
	if (c->new_catalog)
	{
		uint8_t    *none;
		bool		absent;
		int			changed;
		int			st;

		if (sq_catalog_absent(db, &absent) != EXIT_OK)
			return EXIT_FAILED;
		if (!absent)
		{
			fail(EXIT_FAILED, "the revisions created a table named migrate_revision, migrate_version, migrate_history, migrate_snapshot or migrate_journal in \"%s\"; migrate keeps its own state in those tables",
				 db->path);
			fprintf(stderr, "hint: Rename the table in the revision that creates it.\n");
			return EXIT_FAILED;
		}
		none = mg_alloc0((size_t) c->repo->graph.n + 1);
		st = sq_exec_sql(db, mg_sqlite_catalog_ddl, "creating the migrate tables");
		if (st == EXIT_OK)
			st = sq_push_in_tx(db, c->repo, none, PUSH_REFUSE, &changed);
		mg_free(none);
		if (st != EXIT_OK)
			return EXIT_FAILED;
		sq_report_stored(changed);
		c->new_catalog = false;
	}
	if (sq_history_write(db, &c->history) != EXIT_OK)
		return EXIT_FAILED;
	return sq_write_versions(db, &c->repo->graph, state);
}

/*
 * Step 1 of the 12-step rebuild: PRAGMA foreign_keys is a no-op inside a
 * transaction, so before each transaction of a run whose revisions may
 * rebuild a table, foreign keys are switched off if they are on; the run
 * switches them back on at its end (step 12), whatever happened.
 */
static bool
repo_may_rebuild(const Repo *repo)
{
	for (int i = 0; i < repo->n; i++)
	{
		const RepoRev *r = &repo->revs[i];

		if (sq_batch_section(r, r->sel.upgrade) || sq_batch_section(r, r->sel.downgrade))
			return true;
	}
	return false;
}

static void
foreign_keys_off(Db *db, const Repo *repo, bool *restore)
{
	sqlite3_stmt *st;

	if (!sqlite3_get_autocommit(db->conn) ||
		sqlite3_prepare_v2(db->conn, "PRAGMA foreign_keys", -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1 && repo_may_rebuild(repo))
	{
		sqlite3_exec(db->conn, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
		*restore = true;
	}
	sqlite3_finalize(st);
}

static void
foreign_keys_back(Db *db, bool restore)
{
	if (restore && sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

/* ---- the executor's primitives ---- */

typedef struct SqExec
{
	Db		   *db;
	uint8_t    *state;			/* the applied set, as the executor moves it */
	bool		broken;			/* a --per-revision commit failed */
	bool		fk_restore;		/* foreign keys were on: back on at the end */
	Change		c;
	Progress	progress;
	char		started[32];
	double		t0;
} SqExec;

static MgStatus
x_describe(void *ctx, int node, bool downgrade, MgStep *out, MgError *err)
{
	return repo_step_describe(((SqExec *) ctx)->c.repo, node, downgrade, out, err);
}

static MgStatus
x_fetch(void *ctx, MgStep *s, MgError *err)
{
	return repo_step_fetch(((SqExec *) ctx)->c.repo, s, err);
}

/* The program's own primitives report their errors themselves. */
static MgStatus
reported(MgError *err)
{
	mg_error(err, MG_ERR_EXEC, NULL, 0, "%s", "");
	return MG_ERR_EXEC;
}

static MgStatus
x_commit(void *ctx, const uint8_t *state, MgError *err)
{
	SqExec	   *x = ctx;

	if (save_state(x->db, &x->c, state) != EXIT_OK || sq_commit(x->db) != EXIT_OK)
		return reported(err);
	return MG_OK;
}

/* After a transaction-false revision: nobody moved the version set. */
static MgStatus
x_begin(void *ctx, const uint8_t *state, MgError *err)
{
	SqExec	   *x = ctx;
	bool		match;

	foreign_keys_off(x->db, x->c.repo, &x->fk_restore);
	if (sq_begin(x->db) != EXIT_OK ||
		sq_versions_match(x->db, &x->c.repo->graph, state, &match) != EXIT_OK)
		return reported(err);
	if (!match)
		return mg_error(err, MG_ERR_STATE, NULL, 0,
						"the version set changed while a revision ran outside a transaction; another migrate may be running, and the revision was not recorded");
	return MG_OK;
}

static MgStatus
x_run(void *ctx, const MgStep *s, bool in_tx, MgError *err)
{
	SqExec	   *x = ctx;
	const RepoRev *r = &x->c.repo->revs[s->node];

	if (x->broken)
		return reported(err);

	/* transaction false: statement by statement, journaled */
	if (!in_tx && !sq_batch_section(r, s->downgrade ? r->sel.downgrade : r->sel.upgrade))
		return sq_run_outside(x->db, r, s) == EXIT_OK ? MG_OK : reported(err);
	if (sq_run_section(x->db, r, s->downgrade, in_tx) != EXIT_OK)
		return reported(err);
	return MG_OK;
}

static MgStatus
x_record(void *ctx, const MgStep *s, MgError *err)
{
	SqExec	   *x = ctx;

	sq_history_add(&x->c.history, s->id, s->downgrade ? "downgrade" : "upgrade",
				   s->checksum, x->started, (now_ms() - x->t0) / 1000.0);
	/* its journal row goes in the transaction of its history row */
	if (!s->transactional && sq_journal_forget(x->db, s->id) != EXIT_OK)
		return reported(err);
	return MG_OK;
}

static void
x_started(void *ctx, int i, int n, const MgStep *s)
{
	SqExec	   *x = ctx;

	if (i == 0)
		progress_begin(&x->progress, n);
	progress_step(&x->progress, s->downgrade, s->id, s->message);
	sq_iso_now(x->started);
	x->t0 = now_ms();
}

/*
 * --per-revision: each revision commits with its history row and the
 * version set it reaches, and the next one opens a new transaction.
 */
static void
x_finished(void *ctx, const MgStep *s)
{
	SqExec	   *x = ctx;
	MgError		err;

	progress_done(&x->progress);
	if (!opt.per_revision || sqlite3_get_autocommit(x->db->conn))
		return;
	if (x_commit(x, x->state, &err) != MG_OK || x_begin(x, x->state, &err) != MG_OK)
	{
		if (err.message[0])
			fail_mg(&err);
		x->broken = true;
	}
}

static const MgExecOps sqlite_exec_ops = {
	true, x_describe, x_fetch, x_commit, x_begin, x_run, x_record,
	x_started, x_finished, NULL
};

/* Stamp: one history row per revision whose applied status changes. */
static void
stamp_steps(Change *c, const MgPlan *plan, int *count)
{
	char		now[32];

	sq_iso_now(now);
	for (int i = 0; i < plan->steps.count; i++)
	{
		int			node = plan->steps.items[i];
		const RepoRev *r = &c->repo->revs[node];

		sq_history_add(&c->history, r->rf.id, "stamp",
					plan->after[node] ? r->sel.checksum : NULL, now, 0.0);
		(*count)++;
	}
}

/* stamp: the state is declared by hand, partial runs are forgotten */
static int
clear_journal(Db *db)
{
	int			before = sqlite3_total_changes(db->conn);

	if (sq_journal_forget(db, NULL) != EXIT_OK)
		return EXIT_FAILED;
	if (sqlite3_total_changes(db->conn) > before)
		journal_note_cleared(sqlite3_total_changes(db->conn) - before);
	return EXIT_OK;
}

int
sq_apply(Db *db, Repo *repo, const char *target, MgOp op, bool purge,
		 int *count)
{
	SqExec		x;
	uint8_t    *applied;
	MgPlan		plan = {0};
	MgError		err;
	int			changed;
	int			st = EXIT_OK;

	memset(&x, 0, sizeof(x));
	memset(&err, 0, sizeof(err));
	x.db = db;
	x.c.repo = repo;
	*count = 0;
	if (op != MG_OP_STAMP)
		foreign_keys_off(db, repo, &x.fk_restore);
	if (sq_begin_change(db, repo, op == MG_OP_STAMP && purge, &x.c.new_catalog,
						&applied) != EXIT_OK)
	{
		foreign_keys_back(db, x.fk_restore);
		mg_free(applied);
		return EXIT_FAILED;
	}
	if (!x.c.new_catalog)
	{
		/* stamp --purge: whatever the checksums (nothing accepted) */
		if (sq_push_in_tx(db, repo, applied, op == MG_OP_STAMP && purge ? PUSH_KEEP : PUSH_REFUSE,
						  &changed) != EXIT_OK)
		{
			sq_rollback(db);
			foreign_keys_back(db, x.fk_restore);
			mg_free(applied);
			return EXIT_FAILED;
		}
		sq_report_stored(changed);
	}
	if (mg_plan(&repo->graph, target, op, applied, purge, &plan, &err) != MG_OK)
	{
		sq_rollback(db);
		foreign_keys_back(db, x.fk_restore);
		mg_free(applied);
		return fail_mg(&err);
	}
	x.state = applied;
	if (op == MG_OP_STAMP)
	{
		stamp_steps(&x.c, &plan, count);
		st = clear_journal(db);
	}
	else if (mg_execute(&repo->graph, &plan.steps, plan.downgrade, applied,
						&sqlite_exec_ops, &x, count, &err) != MG_OK || x.broken)
	{
		if (x.progress.total > 0 && x.progress.done < x.progress.total)
			info("failed\n");
		st = !x.broken && err.message[0] ? fail_mg(&err) : EXIT_FAILED;
	}
	if (st == EXIT_OK)
		st = save_state(db, &x.c, plan.after);
	if (st == EXIT_OK)
		st = sq_snapshot_record(db);
	if (st == EXIT_OK)
		st = sq_commit(db);
	else
		sq_rollback(db);
	if (st != EXIT_OK && op != MG_OP_STAMP)
		*count = 0;
	foreign_keys_back(db, x.fk_restore);
	sq_history_free(&x.c.history);
	mg_plan_free(&plan);
	mg_free(applied);
	return st;
}

/* ---- offline scripts ---- */

/*
 * The script for the repo from applied (the database's state, or a range's
 * start).  SQLite: a revision for the batch rewriter is written with its
 * rebuilds, read from the schema at that point (sqlite_shadow.c): from's,
 * or the range's start replayed when from is NULL.
 */
static int
offline_script_from(Repo *repo, MgDialect dialect, const char *target, MgOp op,
					const uint8_t *applied, sqlite3 *from)
{
	MgPlan		plan;
	MgError		err;
	MgOfflineInput in;
	MgBuf		b;
	MgStatus	st;
	Shadow		sh;
	bool		shadow;

	if (op == MG_OP_STAMP)
		return fail(EXIT_USAGE, "stamp has no offline mode");
	if (mg_plan(&repo->graph, target, op, applied, false, &plan, &err) != MG_OK)
		return fail_mg(&err);
	memset(&in, 0, sizeof(in));
	in.graph = &repo->graph;
	in.dialect = dialect;
	in.target = target;
	in.downgrade = plan.downgrade;
	in.steps = &plan.steps;
	in.from = applied;
	in.source = &repo_source_ops;
	in.source_ctx = repo;
	in.role = sq_os_user();
	in.xid = sq_run_xid();
	shadow = dialect == MG_DIALECT_SQLITE && shadow_needed(repo, &plan.steps, plan.downgrade);
	if (shadow)
	{
		int			rc = shadow_open(&sh, repo, from, applied);

		if (rc != EXIT_OK)
		{
			mg_plan_free(&plan);
			return rc;
		}
		in.source = &shadow_source_ops;
		in.source_ctx = &sh;
	}
	mg_buf_init(&b);
	st = mg_offline_script(&in, &b, &err);
	mg_plan_free(&plan);
	if (shadow)
		shadow_close(&sh);
	if (st != MG_OK)
	{
		mg_buf_free(&b);
		return fail_mg(&err);
	}
	if (shadow && sh.rebuilt > 0)
	{
		/*
		 * step 1 of every rebuild, before the script's transaction, and
		 * again before each later one: a transaction-false revision may
		 * have turned them on (the program switches them off before each
		 * of its transactions too)
		 */
		const char *p = b.data,
				   *at = b.data;
		bool		first = true;

		while ((at = strstr(at, "BEGIN IMMEDIATE;\n")) != NULL)
		{
			if (at == b.data || at[-1] == '\n')
			{
				fwrite(p, 1, (size_t) (at - p), stdout);
				fputs(first ? "-- the table rebuilds below (SQLite's 12 steps) need foreign keys off\n"
					  "PRAGMA foreign_keys = OFF;\n" : "PRAGMA foreign_keys = OFF;\n", stdout);
				first = false;
				p = at;
			}
			at += strlen("BEGIN IMMEDIATE;\n");
		}
		fwrite(p, 1, b.len - (size_t) (p - b.data), stdout);
	}
	else
		fwrite(b.data, 1, b.len, stdout);
	fflush(stdout);
	mg_buf_free(&b);
	return ferror(stdout) ? fail(EXIT_FAILED, "cannot write the script to standard output") : EXIT_OK;
}

int
offline_script(Repo *repo, MgDialect dialect, const char *target, MgOp op,
			   const uint8_t *applied)
{
	return offline_script_from(repo, dialect, target, op, applied, NULL);
}

int
sq_offline(Db *db, Repo *repo, const char *target, MgOp op)
{
	uint8_t    *applied;
	int			st;

	if (sq_load_state(db, repo, false, &applied) != EXIT_OK)
	{
		mg_free(applied);
		return EXIT_FAILED;
	}
	st = offline_script_from(repo, MG_DIALECT_SQLITE, target, op, applied, db->conn);
	mg_free(applied);
	return st;
}
