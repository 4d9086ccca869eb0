/*
 * pg_scratch.c — migrate test --scratch on PostgreSQL.  The server's
 * test() runs inside one rolled-back transaction, so transaction-false
 * revisions (CREATE INDEX CONCURRENTLY, ...) cannot run there.  With
 * --scratch the program makes a scratch database with CREATE DATABASE …
 * TEMPLATE the database (its schema, data and catalog), drives the same
 * test suite (src/common/verify.c) there, running every step as
 * `migrate upgrade` runs it (each step commits), and drops the scratch
 * database at the end.  The schema is compared by the server: snapshot()
 * is read before each step, drift(NULL, that snapshot) after a downgrade.
 *
 * CREATE DATABASE … TEMPLATE needs no other session connected to the
 * database (the program disconnects its own) and the CREATEDB privilege;
 * a steps commits, so a downgrade that fails, or leaves a trace, cannot be
 * undone: the stairway stops there (the server's test() goes on).
 */
#include "pg_int.h"
#include "model.h"
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct Scratch
{
	Db		   *db;				/* connected to the scratch database */
	Repo	   *repo;
	const Model *model;
	char	   *reading[2];		/* snapshot() texts */
	MgStrList  *rows;
} Scratch;

/* A connection like db's to another database. */
static PGconn *
connect_to(PGconn *like, const char *dbname)
{
	PQconninfoOption *info = PQconninfo(like);
	const char **keys;
	const char **values;
	int			n = 0;
	PGconn	   *conn;

	for (PQconninfoOption *o = info; o->keyword; o++)
		n++;
	keys = mg_alloc(sizeof(char *) * (size_t) (n + 2));
	values = mg_alloc(sizeof(char *) * (size_t) (n + 2));
	n = 0;
	for (PQconninfoOption *o = info; o->keyword; o++)
		if (o->val && strcmp(o->keyword, "dbname") != 0)
		{
			keys[n] = o->keyword;
			values[n++] = o->val;
		}
	keys[n] = "dbname";
	values[n++] = dbname;
	keys[n] = NULL;
	values[n] = NULL;
	conn = PQconnectdbParams(keys, values, 0);
	PQconninfoFree(info);
	mg_free(keys);
	mg_free(values);
	return conn;
}

static char *
one_value(Db *db, const char *sql, int n, const char *const *args, const char *what)
{
	PGresult   *res = pg_params(db, sql, n, args);
	char	   *v;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
	{
		pg_fail(db, res, what, false);
		return NULL;
	}
	v = mg_strdup(PQgetisnull(res, 0, 0) ? "" : PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

/* ---- the suite's primitives ---- */

static MgStatus
s_describe(void *ctx, int node, bool downgrade, MgStep *out, MgError *err)
{
	return repo_step_describe(((Scratch *) ctx)->repo, node, downgrade, out, err);
}

static MgStatus
s_step(void *ctx, int node, bool downgrade, MgError *err)
{
	Scratch    *s = ctx;
	MgIntList	one = {0};
	int			count,
				st;
	char	   *what;

	mg_intlist_add(&one, node);
	capture_begin();
	st = pg_execute_steps(s->db, s->repo, &one, downgrade, &count);
	what = capture_end();
	mg_intlist_free(&one);
	if (st != EXIT_OK)
		return mg_error(err, MG_ERR_EXEC, s->repo->revs[node].rf.id, 0, "%s", what);
	mg_free(what);
	return MG_OK;
}

static MgStatus
s_read(void *ctx, int slot, MgError *err)
{
	Scratch    *s = ctx;

	mg_free(s->reading[slot]);
	s->reading[slot] = one_value(s->db, "SELECT migrate.snapshot()", 0, NULL,
								 "could not read the scratch database's schema");
	if (s->reading[slot] == NULL)
		return mg_error(err, MG_ERR_EXEC, NULL, 0, "could not read the scratch database's schema (above)");
	return MG_OK;
}

static MgStatus
s_compare(void *ctx, int slot, char **summary, MgError *err)
{
	Scratch    *s = ctx;
	const char *args[1] = {s->reading[slot]};
	PGresult   *res = pg_params(s->db, "SELECT object, change FROM migrate.drift(NULL, $1)", 1, args);
	MgDriftList l = {0};

	*summary = NULL;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		pg_fail(s->db, res, "could not compare the scratch database's schema", false);
		return mg_error(err, MG_ERR_EXEC, NULL, 0, "could not compare the scratch database's schema (above)");
	}
	l.items = mg_alloc0(sizeof(MgDriftItem) * (size_t) (PQntuples(res) + 1));
	for (int i = 0; i < PQntuples(res); i++)
	{
		MgDriftItem *it = &l.items[l.count];

		if (!mg_drift_kind_of(PQgetvalue(res, i, 1), &it->kind))
			continue;
		it->object = mg_strdup(PQgetvalue(res, i, 0));
		l.count++;
	}
	PQclear(res);
	if (l.count > 0)
		*summary = mg_drift_summary(&l, true);
	return MG_OK;
}

static MgStatus
s_model_diff(void *ctx, char **out, MgError *err)
{
	Scratch    *s = ctx;
	const char *args[1] = {s->model->text};

	s->db->model = s->model;
	*out = one_value(s->db, "SELECT migrate.diff($1, (SELECT pg_catalog.array_agg(pg_catalog.btrim(n))"
					 " FROM pg_catalog.unnest(pg_catalog.string_to_array("
					 "pg_catalog.current_setting('migrate.schemas'), ',')) AS n))",
					 1, args, "could not compare the scratch database with the model");
	s->db->model = NULL;
	if (*out == NULL)
		return mg_error(err, MG_ERR_INPUT, NULL, 0, "the model could not be compared (above)");
	return MG_OK;
}

static void
s_row(void *ctx, int step, const char *revision, const char *test,
	  MgTestOutcome outcome, const char *detail)
{
	test_row_add(((Scratch *) ctx)->rows, step, revision, test, outcome, detail);
}

static const MgTestOps scratch_test_ops = {
	true, s_describe, s_step, s_read, s_compare, NULL, NULL, NULL, NULL, s_row, NULL
};

/* ---- the scratch database ---- */

/* Make it (the connection to the database is closed for the copy). */
static int
make_scratch(Db *db, PGconn **admin, char *name, size_t namelen)
{
	char	   *source = mg_strdup(PQdb(db->conn));
	char	   *qsource,
			   *qname;
	MgBuf		sql;
	PGresult   *res;
	int			st = EXIT_OK;

	snprintf(name, namelen, "migrate_test_%ld", (long) getpid());
	*admin = connect_to(db->conn, "postgres");
	if (PQstatus(*admin) != CONNECTION_OK)
	{
		PQfinish(*admin);
		*admin = connect_to(db->conn, "template1");
	}
	if (PQstatus(*admin) != CONNECTION_OK)
		return fail(EXIT_FAILED, "--scratch: could not connect to database postgres or template1 to create the scratch database: %s",
					PQerrorMessage(*admin));
	PQfinish(db->conn);
	db->conn = NULL;
	qsource = PQescapeIdentifier(*admin, source, strlen(source));
	qname = PQescapeIdentifier(*admin, name, strlen(name));
	mg_buf_init(&sql);
	mg_buf_printf(&sql, "CREATE DATABASE %s TEMPLATE %s", qname, qsource);
	res = PQexec(*admin, sql.data);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		st = fail(EXIT_FAILED, "--scratch: could not create the scratch database from \"%s\": %s",
				  source, PQresultErrorMessage(res));
		put_printable(stderr, "hint: CREATE DATABASE ... TEMPLATE needs the CREATEDB privilege and no other session connected to \"%s\"; run it against a copy (createdb -T %s copy) or without --scratch.\n",
				source, source);
	}
	PQclear(res);
	PQfreemem(qsource);
	PQfreemem(qname);
	mg_buf_free(&sql);
	mg_free(source);
	return st;
}

static void
drop_scratch(PGconn *admin, const char *name)
{
	char	   *q = PQescapeIdentifier(admin, name, strlen(name));
	MgBuf		sql;
	PGresult   *res;

	mg_buf_init(&sql);
	mg_buf_printf(&sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", q);
	res = PQexec(admin, sql.data);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		put_printable(stderr, "migrate: warning: could not drop the scratch database \"%s\": %s",
				name, PQresultErrorMessage(res));
	PQclear(res);
	PQfreemem(q);
	mg_buf_free(&sql);
}

/* On the scratch database: push, plan from its state, run the suite. */
static int
run_suite(Scratch *s, const char *target)
{
	MgStrList	versions = {0};
	uint8_t    *applied;
	MgPlan		plan = {0};
	MgTestOps	ops = scratch_test_ops;
	MgTestCounts counts;
	MgError		err;
	int			changed,
				st;

	if (s->model)
		ops.model_diff = s_model_diff;
	if ((st = pg_push(s->db, s->repo, &changed)) != EXIT_OK ||
		(st = pg_versions(s->db, &versions)) != EXIT_OK)
		return st;
	applied = mg_alloc0((size_t) s->repo->graph.n + 1);
	if ((st = repo_applied(s->repo, &versions, false, applied)) == EXIT_OK &&
		(st = pg_lock_session(s->db)) == EXIT_OK)
	{
		if (mg_plan(&s->repo->graph, target, MG_OP_UPGRADE, applied, false, &plan, &err) != MG_OK ||
			mg_test_run(&s->repo->graph, applied, &plan.steps, &ops, s, &counts, &err) != MG_OK)
			st = fail_mg(&err);
	}
	mg_plan_free(&plan);
	mg_free(applied);
	mg_strlist_free(&versions);
	return st;
}

int
pg_test_scratch(Db *db, Repo *repo, const char *target, const Model *model, MgStrList *rows)
{
	Scratch		s;
	PGconn	   *admin = NULL;
	PGconn	   *conn;
	char		name[64];
	int			st;

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.repo = repo;
	s.model = model;
	s.rows = rows;
	if ((st = make_scratch(db, &admin, name, sizeof(name))) != EXIT_OK)
	{
		db->conn = admin;		/* closed by the caller */
		return st;
	}
	verbose("migrate: testing on scratch database \"%s\"\n", name);
	conn = connect_to(admin, name);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		st = fail(EXIT_FAILED, "--scratch: could not connect to the scratch database: %s",
				  PQerrorMessage(conn));
		PQfinish(conn);
	}
	else if ((st = pg_attach(db, conn)) == EXIT_OK)
		st = run_suite(&s, target);
	if (db->conn)
		PQfinish(db->conn);	/* ends the scratch session and its lock */
	db->locked = false;
	drop_scratch(admin, name);
	db->conn = admin;			/* closed by the caller */
	return st;
}
