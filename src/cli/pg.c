/*
 * pg.c — the PostgreSQL backend: the extension does the work.
 *
 * push sends every file in one add_revisions() call (unchanged revisions
 * cost a lookup); upgrade/downgrade/stamp call the server functions, and
 * the server's NOTICEs ("Running upgrade A -> B, msg") drive the progress
 * lines.  A revision marked "transaction false" is run here: what comes
 * before it is applied by the server and committed, then, holding the
 * migrate advisory lock at session level (taken by polling
 * pg_try_advisory_lock, so no snapshot is held while waiting and a
 * concurrent CREATE INDEX CONCURRENTLY cannot deadlock with us), its
 * statements run one by one in autocommit and migrate.record() logs it.
 */
#include "cli.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct Db
{
	PGconn	   *conn;
	Progress	progress;
	bool		in_step;		/* a progress line is open */
	Repo	   *repo;			/* during apply: messages for progress */
	bool		locked;			/* we hold the session-level migrate lock */
};

/* ---- helpers ---- */

/* The server's error with its SQLSTATE, detail, context and hint. */
static void
report_error(const PGresult *res)
{
	const char *fields[] = {"detail", "context", "hint"};
	int			codes[] = {PG_DIAG_MESSAGE_DETAIL, PG_DIAG_CONTEXT, PG_DIAG_MESSAGE_HINT};
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	fprintf(stderr, "migrate: %s", PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
	if (state)
		fprintf(stderr, " (SQLSTATE %s)", state);
	fputc('\n', stderr);
	for (int i = 0; i < 3; i++)
	{
		const char *v = PQresultErrorField(res, codes[i]);

		if (v)
			fprintf(stderr, "%s: %s\n", fields[i], v);
	}
}

static int
pg_fail(Db *db, PGresult *res, const char *what)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);

	if (db->in_step)
	{
		info("failed\n");
		db->in_step = false;
	}
	if (res && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY))
	{
		fprintf(stderr, "migrate: %s\n", what);
		report_error(res);
	}
	else
		fprintf(stderr, "migrate: %s: %s", what, msg && *msg ? msg : "unknown error\n");
	if (res)
		PQclear(res);
	return EXIT_FAILED;
}

/* Target and graph errors are input errors (2); the rest failures (1). */
static int
exit_for(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	if (state && (strncmp(state, "22", 2) == 0 || strcmp(state, "42704") == 0 ||
				  strcmp(state, "42P08") == 0 || strcmp(state, "42P17") == 0))
		return EXIT_USAGE;
	return EXIT_FAILED;
}

static PGresult *
exec_params(Db *db, const char *sql, int n, const char *const *values)
{
	return PQexecParams(db->conn, sql, n, NULL, values, NULL, NULL, 0);
}

/* A text[] literal for an array parameter. */
static char *
array_literal(char **items, int n)
{
	MgBuf		b;

	mg_buf_init(&b);
	mg_buf_puts(&b, "{");
	for (int i = 0; i < n; i++)
	{
		if (i)
			mg_buf_puts(&b, ",");
		mg_buf_puts(&b, "\"");
		for (const char *p = items[i]; *p; p++)
		{
			if (*p == '"' || *p == '\\')
				mg_buf_append(&b, "\\", 1);
			mg_buf_append(&b, p, 1);
		}
		mg_buf_puts(&b, "\"");
	}
	mg_buf_puts(&b, "}");
	return b.data;
}

/*
 * Progress from the server's NOTICEs ("Running upgrade A -> B, msg" or
 * "Running downgrade B -> A, msg"); anything else is passed on.  The id is
 * parsed from the notice, the message taken from the revision file.
 */
static void
notice_receiver(void *arg, const PGresult *res)
{
	Db		   *db = arg;
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	bool		up;
	const char *p;
	char		id[80];
	size_t		n = 0;
	int			node;

	if (msg == NULL)
		return;
	up = strncmp(msg, "Running upgrade ", 16) == 0;
	if (!up && strncmp(msg, "Running downgrade ", 18) != 0)
	{
		if (opt.verbosity >= 0)
			fprintf(stderr, "%s", PQresultErrorMessage(res));
		return;
	}
	if (up)
	{
		p = strstr(msg, "-> ");
		p = p ? p + 3 : msg;
		while (p[n] && p[n] != ',' && n < sizeof(id) - 1)
			n++;
	}
	else
	{
		p = msg + 18;
		while (p[n] && p[n] != ' ' && n < sizeof(id) - 1)
			n++;
	}
	memcpy(id, p, n);
	id[n] = '\0';
	node = db->repo ? repo_find(db->repo, id) : -1;
	if (db->in_step)
		progress_done(&db->progress);
	if (db->progress.done >= db->progress.total)
		db->progress.total = db->progress.done + 1;
	progress_step(&db->progress, !up, id, node >= 0 ? db->repo->revs[node].rf.message : NULL);
	db->in_step = true;
}

static void
end_step(Db *db)
{
	if (db->in_step)
		progress_done(&db->progress);
	db->in_step = false;
}

/* ---- open / close ---- */

static int
pg_open(const char *url, bool write, Db **out)
{
	char	   *errmsg = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &errmsg);
	Db		   *db;
	PGresult   *res;
	const char *version;

	if (opts == NULL)
	{
		int			st = fail(EXIT_USAGE, "invalid database URL \"%s\": %s", url,
							  errmsg ? errmsg : "cannot parse it");

		PQfreemem(errmsg);
		return st;
	}
	PQconninfoFree(opts);
	db = mg_alloc0(sizeof(Db));
	db->conn = PQconnectdb(url);
	if (PQstatus(db->conn) != CONNECTION_OK)
	{
		int			st = fail(EXIT_USAGE, "could not connect to PostgreSQL: %s",
							  PQerrorMessage(db->conn));

		PQfinish(db->conn);
		return st;
	}
	PQsetNoticeReceiver(db->conn, notice_receiver, db);
	res = PQexec(db->conn, "SELECT extversion FROM pg_catalog.pg_extension"
				 " WHERE extname OPERATOR(pg_catalog.=) 'migrate'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not look up the migrate extension");
	if (PQntuples(res) == 0)
	{
		PQclear(res);
		fprintf(stderr, "migrate: the migrate extension is not installed in database \"%s\"\n"
				"hint: Run CREATE EXTENSION migrate; in that database as its owner.\n",
				PQdb(db->conn));
		PQfinish(db->conn);
		return EXIT_USAGE;
	}
	version = PQgetvalue(res, 0, 0);
	if (strcmp(version, MG_EXT_VERSION) != 0)
	{
		fprintf(stderr, "migrate: extension migrate %s is installed, but this program needs version %s\n"
				"hint: Run ALTER EXTENSION migrate UPDATE; (or install the matching program).\n",
				version, MG_EXT_VERSION);
		PQclear(res);
		PQfinish(db->conn);
		return EXIT_USAGE;
	}
	PQclear(res);
	*out = db;
	return EXIT_OK;
}

static void
pg_close(Db *db)
{
	if (db)
	{
		PQfinish(db->conn);
		mg_free(db);
	}
}

/* ---- push ---- */

static int
push_files(Db *db, Repo *repo, int *changed)
{
	char	  **texts = mg_alloc(sizeof(char *) * (repo->n + 1));
	char	  **files = mg_alloc(sizeof(char *) * (repo->n + 1));
	const char *params[2];
	PGresult   *res;

	for (int i = 0; i < repo->n; i++)
	{
		texts[i] = repo->revs[i].text;
		files[i] = repo->revs[i].file;
	}
	params[0] = array_literal(texts, repo->n);
	params[1] = array_literal(files, repo->n);
	res = exec_params(db, "SELECT migrate.add_revisions($1::pg_catalog.text[], $2::pg_catalog.text[])",
					  2, params);
	mg_free((void *) params[0]);
	mg_free((void *) params[1]);
	mg_free(texts);
	mg_free(files);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		/* a malformed file is input; an edited applied one is a failure */
		int			st = (state && strncmp(state, "22", 2) == 0) ? EXIT_USAGE : EXIT_FAILED;

		pg_fail(db, res, "could not push the revisions");
		return st;
	}
	*changed = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	verbose("pushed %d revision files, %d added or replaced\n", repo->n, *changed);
	return EXIT_OK;
}

static int
pg_versions(Db *db, MgStrList *out)
{
	PGresult   *res = PQexec(db->conn, "SELECT v FROM migrate.current() AS v ORDER BY 1");

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not read the current version");
	for (int i = 0; i < PQntuples(res); i++)
		mg_strlist_add(out, PQgetvalue(res, i, 0));
	PQclear(res);
	return EXIT_OK;
}

/* ---- apply ---- */

static int
simple(Db *db, const char *sql, const char *what)
{
	PGresult   *res = PQexec(db->conn, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pg_fail(db, res, what);
	PQclear(res);
	return EXIT_OK;
}

/* Run one server call (upgrade/downgrade/stamp) to target. */
static int
server_call(Db *db, const char *fn, const char *target, bool purge, int *count)
{
	MgBuf		sql;
	const char *params[2] = {target, purge ? "true" : "false"};
	PGresult   *res;

	mg_buf_init(&sql);
	if (strcmp(fn, "stamp") == 0)
		mg_buf_puts(&sql, "SELECT 0 FROM migrate.stamp($1, $2::pg_catalog.bool)");
	else
		mg_buf_printf(&sql, "SELECT migrate.%s($1)", fn);
	res = exec_params(db, sql.data, strcmp(fn, "stamp") == 0 ? 2 : 1, params);
	mg_buf_free(&sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		int			st = exit_for(res);

		if (db->in_step)
			info("failed\n");
		db->in_step = false;
		report_error(res);
		PQclear(res);
		return st;
	}
	end_step(db);
	*count += atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return EXIT_OK;
}

/*
 * Take the migrate lock at session level, polling pg_try_advisory_lock so
 * that no snapshot is held while waiting (a concurrent CREATE INDEX
 * CONCURRENTLY waits for every snapshot older than itself).  Every state
 * change the program makes happens under it; the server functions then
 * take the same key at transaction level, which our own session already
 * holds.  Closing the connection releases it on any error path.
 */
static int
lock_session(Db *db)
{
	if (db->locked)
		return EXIT_OK;
	for (;;)
	{
		PGresult   *res = PQexec(db->conn, "SELECT pg_catalog.pg_try_advisory_lock(" MG_LOCK_KEY_TEXT ")");

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			return pg_fail(db, res, "could not take the migrate lock");
		if (strcmp(PQgetvalue(res, 0, 0), "t") == 0)
		{
			PQclear(res);
			db->locked = true;
			return EXIT_OK;
		}
		PQclear(res);
		usleep(100 * 1000);
	}
}

static int
unlock_session(Db *db, int status)
{
	if (db->locked)
	{
		PQclear(PQexec(db->conn, "SELECT pg_catalog.pg_advisory_unlock(" MG_LOCK_KEY_TEXT ")"));
		db->locked = false;
	}
	return status;
}

static char *
server_now(Db *db)
{
	PGresult   *res = PQexec(db->conn, "SELECT pg_catalog.clock_timestamp()");
	char	   *t = mg_strdup(PQresultStatus(res) == PGRES_TUPLES_OK ? PQgetvalue(res, 0, 0) : "now");

	PQclear(res);
	return t;
}

/* Run a transaction-false revision here, statement by statement. */
static int
run_outside(Db *db, Repo *repo, int node, bool downgrade)
{
	const RepoRev *r = &repo->revs[node];
	const char *params[4];
	PGresult   *res;
	char	   *started;
	progress_step(&db->progress, downgrade, r->rf.id, r->rf.message);
	db->in_step = true;
	started = server_now(db);
	params[0] = r->rf.id;
	params[1] = downgrade ? "true" : "false";
	res = exec_params(db, "SELECT line, statement FROM migrate.statements($1, $2::pg_catalog.bool)",
					  2, params);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not read the revision's statements");
	for (int i = 0; i < PQntuples(res); i++)
	{
		PGresult   *one = PQexec(db->conn, PQgetvalue(res, i, 1));
		ExecStatusType s = PQresultStatus(one);

		if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		{
			MgBuf		what;

			mg_buf_init(&what);
			mg_buf_printf(&what, "%s of revision %s (%s) failed at %s:%s",
						  downgrade ? "downgrade" : "upgrade", r->rf.id,
						  r->rf.message ? r->rf.message : "no message",
						  r->path, PQgetvalue(res, i, 0));
			PQclear(res);
			return pg_fail(db, one, what.data);
		}
		PQclear(one);
	}
	PQclear(res);
	params[1] = downgrade ? "downgrade" : "upgrade";
	params[2] = started;
	params[3] = server_now(db);
	res = exec_params(db, "SELECT migrate.record($1, $2, $3::pg_catalog.timestamptz, $4::pg_catalog.timestamptz)",
					  4, params);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not record the revision");
	PQclear(res);
	end_step(db);
	return EXIT_OK;
}

static int
apply_locked(Db *db, Repo *repo, const char *target, MgOp op, bool purge, int *count)
{
	int			changed,
				st;
	MgStrList	versions = {0};
	uint8_t    *applied;
	MgPlan		plan;
	MgError		err;
	bool		down = (op == MG_OP_DOWNGRADE);
	bool		outside = false;

	*count = 0;
	db->repo = repo;
	if ((st = push_files(db, repo, &changed)) != EXIT_OK)
		return st;
	if (op == MG_OP_STAMP)
		return server_call(db, "stamp", target, purge, count);

	/* the plan, from the same core the server uses, for progress and segments */
	if ((st = pg_versions(db, &versions)) != EXIT_OK)
		return st;
	applied = mg_alloc0(repo->graph.n + 1);
	/* the files are the program's truth, as on SQLite */
	if ((st = repo_applied(repo, &versions, false, applied)) != EXIT_OK)
		return st;
	if (mg_plan(&repo->graph, target, op, applied, false, &plan, &err) != MG_OK)
		return fail_mg(&err);
	for (int i = 0; i < plan.steps.count; i++)
		if (!repo->revs[plan.steps.items[i]].rf.transactional)
			outside = true;
	progress_begin(&db->progress, plan.steps.count);
	if (!outside)
		return server_call(db, down ? "downgrade" : "upgrade", target, false, count);

	/*
	 * Segments: the server applies the transactional steps before each
	 * transaction-false one (by moving to the version set they reach), then
	 * we run that one ourselves.
	 */
	for (int i = 0; i < plan.steps.count;)
	{
		int			j = i;

		while (j < plan.steps.count && repo->revs[plan.steps.items[j]].rf.transactional)
		{
			applied[plan.steps.items[j]] = down ? 0 : 1;
			j++;
		}
		if (j > i)
		{
			MgIntList	vs = mg_version_set(&repo->graph, applied);

			if ((st = simple(db, "BEGIN", "BEGIN")) != EXIT_OK)
				return st;
			if (down && vs.count == 0)
				st = server_call(db, "downgrade", "base", false, count);
			for (int k = 0; k < vs.count && st == EXIT_OK; k++)
				st = server_call(db, down ? "downgrade" : "upgrade",
								 repo->graph.nodes[vs.items[k]].id, false, count);
			if (st != EXIT_OK)
			{
				PQclear(PQexec(db->conn, "ROLLBACK"));
				return st;
			}
			if ((st = simple(db, "COMMIT", "COMMIT")) != EXIT_OK)
				return st;
		}
		if (j < plan.steps.count)
		{
			if ((st = run_outside(db, repo, plan.steps.items[j], down)) != EXIT_OK)
				return st;
			applied[plan.steps.items[j]] = down ? 0 : 1;
			(*count)++;
			j++;
		}
		i = j;
	}
	return EXIT_OK;
}

static int
pg_push(Db *db, Repo *repo, int *changed)
{
	int			st = lock_session(db);

	if (st != EXIT_OK)
		return st;
	return unlock_session(db, push_files(db, repo, changed));
}

static int
pg_apply(Db *db, Repo *repo, const char *target, MgOp op, bool purge, int *count)
{
	int			st = lock_session(db);

	if (st != EXIT_OK)
		return st;
	return unlock_session(db, apply_locked(db, repo, target, op, purge, count));
}

static int
pg_offline(Db *db, Repo *repo, const char *target, MgOp op)
{
	const char *params[1] = {target};
	PGresult   *res;
	int			changed,
				st;

	if ((st = pg_push(db, repo, &changed)) != EXIT_OK)
		return st;
	res = exec_params(db, op == MG_OP_DOWNGRADE ? "SELECT migrate.downgrade_sql($1)"
					  : "SELECT migrate.upgrade_sql($1)", 1, params);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		st = exit_for(res);
		report_error(res);
		PQclear(res);
		return st;
	}
	fputs(PQgetvalue(res, 0, 0), stdout);
	PQclear(res);
	return EXIT_OK;
}

static int
pg_applied_info(Db *db, Repo *repo, AppliedInfo *info_out, MgStrList *unknown)
{
	PGresult   *res = PQexec(db->conn,
							 "SELECT revision, checksum, started_at FROM ("
							 " SELECT DISTINCT ON (revision) revision, action, checksum, started_at"
							 " FROM migrate.history ORDER BY revision, id DESC) h"
							 " WHERE action OPERATOR(pg_catalog.=) 'upgrade'"
							 "    OR (action OPERATOR(pg_catalog.=) 'stamp' AND checksum IS NOT NULL)"
							 " ORDER BY revision");

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not read the history");
	for (int i = 0; i < PQntuples(res); i++)
	{
		int			node = repo_find(repo, PQgetvalue(res, i, 0));

		if (node < 0)
		{
			mg_strlist_add(unknown, PQgetvalue(res, i, 0));
			continue;
		}
		info_out[node].checksum = mg_strdup(PQgetvalue(res, i, 1));
		info_out[node].applied_at = mg_strdup(PQgetvalue(res, i, 2));
	}
	PQclear(res);
	return EXIT_OK;
}

const DbOps pg_ops = {
	"postgresql", MG_DIALECT_POSTGRESQL,
	pg_open, pg_close, pg_push, pg_versions, pg_apply, pg_offline, pg_applied_info
};
