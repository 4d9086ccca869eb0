/*
 * pg_exec.c — upgrade and downgrade on PostgreSQL: the server plans
 * (migrate.plan(target, direction)), the program executes exactly that
 * plan with the shared step loop (src/common/exec.c) over these
 * primitives:
 *   - consecutive transactional steps are batched and run by the server in
 *     one transaction (migrate.run(ids, downgrade)), which checks each is
 *     one valid step, records it and sends a step NOTICE (SQLSTATE 00M01)
 *     as it starts: the progress lines follow those NOTICEs, in the order
 *     of the batch;
 *   - a transaction-false step first has the batch before it run and
 *     committed, then runs here statement by statement in autocommit
 *     (statements split by the server's parser, migrate.statements()), and
 *     is recorded with migrate.record().
 * The caller holds the migrate lock at session level throughout.
 */
#include "pg_int.h"
#include "journal.h"

#include <stdlib.h>
#include <string.h>

typedef struct PgExec
{
	Db		   *db;
	Repo	   *repo;
	MgIntList	batch;			/* transactional steps not yet run */
	bool		downgrade;
	int			total;
	char	   *started;		/* server clock when a step began */
	bool		outside;		/* the "outside" key is held */
} PgExec;

static char *
server_now(Db *db)
{
	PGresult   *res = PQexec(db->conn, "SELECT pg_catalog.clock_timestamp()");
	char	   *t = mg_strdup(PQresultStatus(res) == PGRES_TUPLES_OK ? PQgetvalue(res, 0, 0) : "now");

	PQclear(res);
	return t;
}

static MgStatus
reported(MgError *err)
{
	mg_error(err, MG_ERR_EXEC, NULL, 0, "%s", "");
	return MG_ERR_EXEC;
}

/* Run the batched steps in one server transaction. */
static MgStatus
flush(PgExec *x, MgError *err)
{
	Db		   *db = x->db;
	char	  **ids;
	const char *params[2];
	PGresult   *res;

	if (x->batch.count == 0)
		return MG_OK;
	ids = mg_alloc(sizeof(char *) * (size_t) x->batch.count);
	for (int i = 0; i < x->batch.count; i++)
		ids[i] = x->repo->revs[x->batch.items[i]].rf.id;
	params[0] = text_array_literal(ids, x->batch.count);
	params[1] = x->downgrade ? "true" : "false";
	mg_free(ids);
	db->repo = x->repo;
	db->batch = &x->batch;
	db->batch_next = 0;
	db->batch_downgrade = x->downgrade;
	res = pg_params(db, "SELECT migrate.run($1::pg_catalog.text[], $2::pg_catalog.bool)",
					2, params);
	mg_free((void *) params[0]);
	db->batch = NULL;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		pg_fail(db, res, x->downgrade ? "the downgrade failed" : "the upgrade failed", true);
		return reported(err);
	}
	PQclear(res);
	pg_end_step(db, true);
	x->batch.count = 0;
	return MG_OK;
}

static MgStatus
p_describe(void *ctx, int node, bool downgrade, MgStep *out, MgError *err)
{
	return repo_step_describe(((PgExec *) ctx)->repo, node, downgrade, out, err);
}

static MgStatus
p_fetch(void *ctx, MgStep *s, MgError *err)
{
	return repo_step_fetch(((PgExec *) ctx)->repo, s, err);
}

static MgStatus
p_commit(void *ctx, const uint8_t *state, MgError *err)
{
	return flush(ctx, err);
}

static MgStatus
p_begin(void *ctx, const uint8_t *state, MgError *err)
{
	return MG_OK;				/* the next batch opens its own */
}

/* ---- a transaction-false step: journal.c over these primitives ---- */

typedef struct PgOutside
{
	PgExec	   *x;
	const RepoRev *r;
} PgOutside;

static int
j_read(void *ctx, const MgStep *s, JRow *row)
{
	PgOutside  *o = ctx;
	const char *params[1] = {s->id};
	PGresult   *res = pg_params(o->x->db, "SELECT action, done, total, done_hash"
								" FROM migrate.journal WHERE revision OPERATOR(pg_catalog.=) $1",
								1, params);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(o->x->db, res, "could not read the journal", true);
	if (PQntuples(res) == 1)
	{
		row->found = true;
		row->downgrade = strcmp(PQgetvalue(res, 0, 0), "downgrade") == 0;
		row->done = atoi(PQgetvalue(res, 0, 1));
		row->total = atoi(PQgetvalue(res, 0, 2));
		snprintf(row->hash, sizeof(row->hash), "%s", PQgetvalue(res, 0, 3));
	}
	PQclear(res);
	return EXIT_OK;
}

static int
j_write(void *ctx, const MgStep *s, int done, int total, const char *hash)
{
	PgOutside  *o = ctx;
	char		d[16],
				t[16];
	const char *params[5] = {s->id, s->downgrade ? "downgrade" : "upgrade", d, t, hash};
	PGresult   *res;

	snprintf(d, sizeof(d), "%d", done);
	snprintf(t, sizeof(t), "%d", total);
	res = pg_params(o->x->db, "SELECT migrate.journal_write($1, $2, $3::pg_catalog.int4,"
					" $4::pg_catalog.int4, $5)", 5, params);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(o->x->db, res, "could not write the journal", true);
	PQclear(res);
	return EXIT_OK;
}

static int
j_tx(void *ctx, const char *command)
{
	PgOutside  *o = ctx;
	PGresult   *res = PQexec(o->x->db->conn, command);

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return pg_fail(o->x->db, res, "the statement's transaction failed", true);
	PQclear(res);
	return EXIT_OK;
}

static int
j_exec(void *ctx, const MgStep *s, const JStmt *st, bool in_block)
{
	PgOutside  *o = ctx;
	PGresult   *one = PQexec(o->x->db->conn, st->sql);
	ExecStatusType rc = PQresultStatus(one);
	const char *state = PQresultErrorField(one, PG_DIAG_SQLSTATE);
	char	   *what;
	MgBuf		b;
	int			status;

	if (rc == PGRES_COMMAND_OK || rc == PGRES_TUPLES_OK)
	{
		PQclear(one);
		return EXIT_OK;
	}
	if (in_block && state && strcmp(state, "25001") == 0)
	{
		/* "cannot run inside a transaction block": nothing was done */
		PQclear(one);
		PQclear(PQexec(o->x->db->conn, "ROLLBACK"));
		return JOURNAL_REFUSED;
	}
	what = mg_step_what(s);
	mg_buf_init(&b);
	mg_buf_printf(&b, "%s failed at %s:%d", what, o->r->path, st->line);
	mg_free(what);
	status = pg_fail(o->x->db, one, b.data, true);
	mg_buf_free(&b);
	if (in_block)
		PQclear(PQexec(o->x->db->conn, "ROLLBACK"));
	return status;
}

static int
j_inspect(void *ctx, const MgStep *s, const JStmt *st, bool *done)
{
	PgOutside  *o = ctx;
	const char *params[1] = {st->sql};
	PGresult   *res = pg_params(o->x->db, "SELECT action, sql, note FROM migrate.journal_inspect($1)",
								1, params);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(o->x->db, res, "could not inspect the interrupted statement", true);
	for (int i = 0; i < PQntuples(res); i++)
	{
		if (strcmp(PQgetvalue(res, i, 0), "done") == 0)
			*done = true;
		else
		{
			PGresult   *fix = PQexec(o->x->db->conn, PQgetvalue(res, i, 1));

			if (PQresultStatus(fix) != PGRES_COMMAND_OK)
			{
				PQclear(res);
				return pg_fail(o->x->db, fix, "could not repair what the interrupted statement left", true);
			}
			PQclear(fix);
		}
		journal_note("%s", PQgetvalue(res, i, 2));
	}
	PQclear(res);
	return EXIT_OK;
}

static void
j_terminate(void *ctx)
{
	PgOutside  *o = ctx;

	PQclear(PQexec(o->x->db->conn, "SELECT pg_catalog.pg_terminate_backend(pg_catalog.pg_backend_pid())"));
}

static const JournalOps pg_journal_ops = {
	j_read, j_write, j_tx, j_exec, j_inspect, j_terminate
};

/*
 * A transaction-false step, statement by statement in autocommit, under
 * the "outside" key (see mg_defs.h) and journaled (journal.c).
 */
static MgStatus
run_outside(PgExec *x, const MgStep *s, MgError *err)
{
	Db		   *db = x->db;
	PgOutside	o = {x, &x->repo->revs[s->node]};
	const char *params[2] = {s->id, s->downgrade ? "true" : "false"};
	PGresult   *res;
	JStmt	   *stmts;
	int			n,
				st;

	mg_free(x->started);
	x->started = server_now(db);
	if (!x->outside)
	{
		res = PQexec(db->conn, "SELECT pg_catalog.pg_advisory_lock(" MG_OUTSIDE_KEY_TEXT ")");
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
		{
			pg_fail(db, res, "could not take the migrate lock", true);
			return reported(err);
		}
		PQclear(res);
		x->outside = true;
	}
	res = pg_params(db, "SELECT line, statement FROM migrate.statements($1, $2::pg_catalog.bool)",
					2, params);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		pg_fail(db, res, "could not read the revision's statements", true);
		return reported(err);
	}
	n = PQntuples(res);
	stmts = mg_alloc0(sizeof(JStmt) * (size_t) (n + 1));
	for (int i = 0; i < n; i++)
	{
		stmts[i].line = atoi(PQgetvalue(res, i, 0));
		stmts[i].sql = PQgetvalue(res, i, 1);
	}
	st = journal_run(s, stmts, n, &pg_journal_ops, &o);
	mg_free(stmts);
	PQclear(res);
	return st == EXIT_OK ? MG_OK : reported(err);
}

static void
release_outside(PgExec *x)
{
	if (x->outside && PQstatus(x->db->conn) == CONNECTION_OK)
		PQclear(PQexec(x->db->conn, "SELECT pg_catalog.pg_advisory_unlock(" MG_OUTSIDE_KEY_TEXT ")"));
	x->outside = false;
}

static MgStatus
p_run(void *ctx, const MgStep *s, bool in_tx, MgError *err)
{
	PgExec	   *x = ctx;

	if (in_tx)
	{
		mg_intlist_add(&x->batch, s->node);
		/* --per-revision: each in its own server transaction */
		return opt.per_revision ? flush(x, err) : MG_OK;
	}
	return run_outside(x, s, err);
}

static MgStatus
p_record(void *ctx, const MgStep *s, MgError *err)
{
	PgExec	   *x = ctx;
	const char *params[4];
	PGresult   *res;
	char	   *finished;

	if (s->transactional)
		return MG_OK;			/* run() records it */
	finished = server_now(x->db);
	params[0] = s->id;
	params[1] = s->downgrade ? "downgrade" : "upgrade";
	params[2] = x->started;
	params[3] = finished;
	res = pg_params(x->db, "SELECT migrate.record($1, $2, $3::pg_catalog.timestamptz, $4::pg_catalog.timestamptz)",
					4, params);
	mg_free(finished);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		pg_fail(x->db, res, "could not record the revision", true);
		return reported(err);
	}
	PQclear(res);
	release_outside(x);
	return MG_OK;
}

/* Progress lines of transactional steps follow the server's NOTICEs. */
static void
p_started(void *ctx, int i, int n, const MgStep *s)
{
	PgExec	   *x = ctx;

	if (i == 0)
		progress_begin(&x->db->progress, n);
	if (!s->transactional)
	{
		progress_step(&x->db->progress, s->downgrade, s->id, s->message);
		x->db->in_step = true;
	}
}

static void
p_finished(void *ctx, const MgStep *s)
{
	PgExec	   *x = ctx;

	if (!s->transactional)
		pg_end_step(x->db, true);
}

static const MgExecOps pg_exec_ops = {
	true, p_describe, p_fetch, p_commit, p_begin, p_run, p_record,
	p_started, p_finished, NULL
};

/* The server's plan as repo nodes (the catalog was just synced with the files). */
static int
server_plan(Db *db, Repo *repo, const char *target, bool downgrade,
			MgIntList *steps)
{
	const char *params[2] = {target, downgrade ? "downgrade" : "upgrade"};
	PGresult   *res = pg_params(db, "SELECT revision FROM migrate.plan($1, $2) ORDER BY step",
								2, params);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not plan", false);
	for (int i = 0; i < PQntuples(res); i++)
	{
		int			node = repo_find(repo, PQgetvalue(res, i, 0));

		if (node < 0)
		{
			int			st = fail(EXIT_FAILED, "the server planned revision %s, which has no revision file",
								  PQgetvalue(res, i, 0));

			PQclear(res);
			return st;
		}
		mg_intlist_add(steps, node);
	}
	PQclear(res);
	return EXIT_OK;
}

int
pg_execute_steps(Db *db, Repo *repo, const MgIntList *steps, bool downgrade, int *count)
{
	PgExec		x;
	MgError		err;
	uint8_t    *state;
	MgStatus	st;

	*count = 0;
	memset(&x, 0, sizeof(x));
	x.db = db;
	x.repo = repo;
	x.downgrade = downgrade;
	state = mg_alloc0((size_t) repo->graph.n + 1);	/* followed, not read */
	st = mg_execute(&repo->graph, steps, x.downgrade, state, &pg_exec_ops,
					&x, count, &err);
	if (st == MG_OK)
		st = flush(&x, &err);
	else
		pg_end_step(db, false);
	if (st == MG_OK)
		*count = steps->count;
	release_outside(&x);
	mg_free(state);
	mg_free(x.started);
	mg_intlist_free(&x.batch);
	if (st != MG_OK)
		return err.message[0] ? fail_mg(&err) : EXIT_FAILED;
	return EXIT_OK;
}

int
pg_execute_plan(Db *db, Repo *repo, const char *target, MgOp op, int *count)
{
	MgIntList	steps = {0};
	int			rc;

	*count = 0;
	if ((rc = server_plan(db, repo, target, op == MG_OP_DOWNGRADE, &steps)) != EXIT_OK)
		return rc;
	rc = pg_execute_steps(db, repo, &steps, op == MG_OP_DOWNGRADE, count);
	mg_intlist_free(&steps);
	return rc;
}
