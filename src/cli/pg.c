/*
 * pg.c — the PostgreSQL backend: the connection, pushing the files, and
 * the server calls (repair: add_revisions(..., repair => true), then
 * repair(), in one transaction).  The extension does the work: it plans, and runs
 * transactional steps; pg_exec.c executes its plans (and runs
 * transaction-false revisions itself).  Every state change happens under
 * the migrate advisory lock taken at session level by polling
 * pg_try_advisory_lock, so no snapshot is held while waiting and a
 * concurrent CREATE INDEX CONCURRENTLY cannot deadlock with us.  The
 * server's step NOTICEs (SQLSTATE 00M01) drive the progress lines.
 *
 * The no-op boot path: a push that leaves the catalog exactly the files
 * records their directory digest (migrate.pushed(), in the push's
 * transaction); one query (boot state) then tells the next run whether the
 * catalog still holds exactly these files and whether they are all
 * applied, before anything is parsed, locked or pushed.
 */
#include "pg_int.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ---- */

/* The server's error with its SQLSTATE, detail, context and hint. */
static void
report_error(const Db *db, const PGresult *res)
{
	const char *fields[] = {"detail", "context", "hint"};
	int			codes[] = {PG_DIAG_MESSAGE_DETAIL, PG_DIAG_CONTEXT, PG_DIAG_MESSAGE_HINT};
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	put_printable(stderr, "migrate: %s", model_map(db ? db->model : NULL,
												   PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)));
	if (state)
		put_printable(stderr, " (SQLSTATE %s)", state);
	fputc('\n', stderr);
	for (int i = 0; i < 3; i++)
	{
		const char *v = PQresultErrorField(res, codes[i]);

		if (v)
			put_printable(stderr, "%s: %s\n", fields[i], v);
	}
}

int
pg_fail(Db *db, PGresult *res, const char *what, bool running)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int			st = exit_for_sqlstate(state, running);

	pg_end_step(db, false);
	if (res && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY))
	{
		if (what)
			put_printable(stderr, "migrate: %s\n", what);
		report_error(db, res);
	}
	else
	{
		put_printable(stderr, "migrate: %s: %s", what ? what : "error", msg && *msg ? msg : "unknown error\n");
		st = EXIT_FAILED;
	}
	if (res)
		PQclear(res);
	return st;
}

PGresult *
pg_params(Db *db, const char *sql, int n, const char *const *values)
{
	return PQexecParams(db->conn, sql, n, NULL, values, NULL, NULL, 0);
}

/*
 * The server's step NOTICEs (SQLSTATE 00M01) start the next progress line,
 * the steps being the batch given to run(); other notices are passed on.
 */
static void
notice_receiver(void *arg, const PGresult *res)
{
	Db		   *db = arg;
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	if (state == NULL || strcmp(state, MG_SQLSTATE_STEP) != 0 ||
		db->batch == NULL || db->batch_next >= db->batch->count)
	{
		if (opt.verbosity >= 0)
			put_printable(stderr, "%s", PQresultErrorMessage(res));
		return;
	}
	{
		const RepoRev *r = &db->repo->revs[db->batch->items[db->batch_next++]];

		pg_end_step(db, true);
		progress_step(&db->progress, db->batch_downgrade, r->rf.id, r->rf.message);
		db->in_step = true;
	}
}

/* Close the open progress line: done, or "failed". */
void
pg_end_step(Db *db, bool ok)
{
	if (!db->in_step)
		return;
	if (ok)
		progress_done(&db->progress);
	else
		info("failed\n");
	db->in_step = false;
}

/* ---- open / close ---- */

#define CALLER_SQL "SET migrate.caller = 'program';"

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
		int			st = fail(EXIT_FAILED, "could not connect to PostgreSQL: %s",
							  PQerrorMessage(db->conn));

		PQfinish(db->conn);
		return st;
	}
	PQsetNoticeReceiver(db->conn, notice_receiver, db);
	/* server hints name program commands (migrate.caller), then the version */
	res = PQexec(db->conn, CALLER_SQL
				 " SELECT extversion FROM pg_catalog.pg_extension"
				 " WHERE extname OPERATOR(pg_catalog.=) 'migrate'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not look up the migrate extension", false);
	if (PQntuples(res) == 0)
	{
		PQclear(res);
		put_printable(stderr, "migrate: the migrate extension is not installed in database \"%s\"\n"
				"hint: Run CREATE EXTENSION migrate; in that database as its owner.\n",
				PQdb(db->conn));
		PQfinish(db->conn);
		return EXIT_USAGE;
	}
	version = PQgetvalue(res, 0, 0);
	if (strcmp(version, MG_EXT_VERSION) != 0)
	{
		put_printable(stderr, "migrate: extension migrate %s is installed, but this program needs version %s\n"
				"hint: Run ALTER EXTENSION migrate UPDATE; (or install the matching program).\n",
				version, MG_EXT_VERSION);
		PQclear(res);
		PQfinish(db->conn);
		return EXIT_USAGE;
	}
	PQclear(res);
	if (opt.lock_timeout || opt.lock_retries)
	{
		char		ms[32];
		const char *args[2];

		snprintf(ms, sizeof(ms), "%ld", opt.lock_timeout ? duration_ms(opt.lock_timeout) : 0L);
		args[0] = ms;
		args[1] = opt.lock_retries ? opt.lock_retries : "0";
		res = pg_params(db, "SELECT pg_catalog.set_config('migrate.lock_timeout', $1, false),"
						" pg_catalog.set_config('migrate.lock_retries', $2, false)", 2, args);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			return pg_fail(db, res, "could not set migrate.lock_timeout", false);
		PQclear(res);
	}
	*out = db;
	return EXIT_OK;
}

int
pg_attach(Db *db, PGconn *conn)
{
	db->conn = conn;
	PQsetNoticeReceiver(conn, notice_receiver, db);
	return pg_command(db, CALLER_SQL, "could not set migrate.caller");
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

/*
 * A revision made in SQL (migrate.revision(), add_revision() without a
 * source, merge(), autogenerate()) that was never applied has no file and
 * never had one: forgetting it would lose its only copy, and the server's
 * upgrade() at the next app boot would apply it behind the files' back.
 * Refused, naming each, with the two ways out.
 */
static int
refuse_made_in_sql(PGresult *res)
{
	int			n = 0;

	for (int i = 0; i < PQntuples(res); i++)
		if (strcmp(PQgetvalue(res, i, 2), "t") == 0)
		{
			const char *msg = PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3);

			fail(EXIT_FAILED, "revision %s%s%s%s exists only in the catalog: it was made in SQL and has no file in %s/versions",
				 PQgetvalue(res, i, 0), msg ? " (\"" : "", msg ? printable(msg, false) : "", msg ? "\")" : "",
				 opt.dir);
			n++;
		}
	if (n == 0)
		return EXIT_OK;
	for (int i = 0; i < PQntuples(res); i++)
		if (strcmp(PQgetvalue(res, i, 2), "t") == 0)
		{
			const char *id = PQgetvalue(res, i, 0);

			put_printable(stderr, "hint: Keep %s by writing its file (psql -XAt -c \"SELECT migrate.script('%s')\" > %s/versions/%s.sql), or drop it with SELECT migrate.forget('%s');\n",
						  id, id, opt.dir, id, id);
		}
	return EXIT_FAILED;
}

/*
 * The files are the program's truth: forget every catalog revision whose
 * file is gone, those that others need after them (an applied one is
 * refused by the server, and so reported, never acted on), saying so; one
 * made in SQL that never had a file is refused instead (above).
 */
static int
forget_missing(Db *db, Repo *repo, const char *ids, int *forgotten)
{
	PGresult   *res = pg_params(db, "SELECT id, pg_catalog.array_to_string(revises"
								" OPERATOR(pg_catalog.||) depends, ','),"
								" source IS NULL AND applied_checksum IS NULL, message, source"
								" FROM migrate.revision"
								" WHERE id OPERATOR(pg_catalog.<>) ALL ($1::pg_catalog.text[])"
								" ORDER BY id", 1, &ids);
	int			n;
	bool	   *done;

	*forgotten = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not read the catalog", false);
	if (refuse_made_in_sql(res) != EXIT_OK)
	{
		PQclear(res);
		return EXIT_FAILED;
	}
	n = PQntuples(res);
	done = mg_alloc0(sizeof(bool) * (size_t) (n + 1));
	while (*forgotten < n)
	{
		int			pick = -1;

		/* one that no remaining file-less revision names */
		for (int i = 0; i < n && pick < 0; i++)
		{
			bool		needed = false;

			if (done[i])
				continue;
			for (int k = 0; k < n && !needed; k++)
			{
				MgStrList	refs;

				if (done[k] || k == i)
					continue;
				refs = mg_split_list(PQgetvalue(res, k, 1), false);
				for (int r = 0; r < refs.count && !needed; r++)
					needed = strcmp(refs.items[r], PQgetvalue(res, i, 0)) == 0;
				mg_strlist_free(&refs);
			}
			if (!needed)
				pick = i;
		}
		if (pick < 0)
			pick = 0;			/* a cycle cannot be stored; let the server say */
		{
			const char *id = PQgetvalue(res, pick, 0);
			PGresult   *f = pg_params(db, "SELECT migrate.forget($1)", 1, &id);

			if (PQresultStatus(f) != PGRES_TUPLES_OK)
			{
				PQclear(res);
				mg_free(done);
				return pg_fail(db, f, "could not remove a revision whose file is gone", false);
			}
			PQclear(f);
			if (opt.verbosity >= 0)
				put_printable(stderr, "migrate: revision %s has no file (it came from %s); removed from the catalog\n",
							  id, PQgetisnull(res, pick, 4) ? "SQL" : PQgetvalue(res, pick, 4));
		}
		done[pick] = true;
		(*forgotten)++;
	}
	mg_free(done);
	PQclear(res);
	return EXIT_OK;
}

/*
 * DbOps.stored_only: the catalog's revisions without a file, as rows of
 * (id, source or "", parents and dependencies joined by commas).
 */
static int
pg_stored_only(Db *db, const Repo *repo, MgStrList *rows)
{
	char	  **ids = mg_alloc0(sizeof(char *) * (size_t) (repo->n + 1));
	const char *params[1];
	PGresult   *res;

	for (int i = 0; i < repo->n; i++)
		ids[i] = repo->revs[i].rf.id;
	params[0] = text_array_literal(ids, repo->n);
	mg_free(ids);
	res = pg_params(db, "SELECT id, COALESCE(source, ''),"
					" pg_catalog.array_to_string(revises OPERATOR(pg_catalog.||) depends, ',')"
					" FROM migrate.revision"
					" WHERE id OPERATOR(pg_catalog.<>) ALL ($1::pg_catalog.text[])"
					" ORDER BY id", 1, params);
	mg_free((void *) params[0]);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not read the catalog", false);
	for (int i = 0; i < PQntuples(res); i++)
		for (int c = 0; c < 3; c++)
			mg_strlist_add(rows, PQgetvalue(res, i, c));
	PQclear(res);
	return EXIT_OK;
}

/*
 * PUSH_KEEP: which files not to push, those of applied revisions whose
 * stored checksum differs (the catalog keeps what was applied).
 */
static int
kept_files(Db *db, Repo *repo, bool *keep)
{
	PGresult   *res = PQexec(db->conn, "SELECT id, checksum FROM migrate.revision"
							 " WHERE applied_checksum IS NOT NULL");

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not read the catalog", false);
	for (int i = 0; i < PQntuples(res); i++)
	{
		int			node = repo_find(repo, PQgetvalue(res, i, 0));

		if (node >= 0 && strcmp(PQgetvalue(res, i, 1), repo->revs[node].sel.checksum) != 0)
		{
			keep[node] = true;
			verbose("migrate: revision %s is applied and its file changed; the catalog keeps the applied text\n",
					repo->revs[node].rf.id);
		}
	}
	PQclear(res);
	return EXIT_OK;
}

static int
push_in_tx(Db *db, Repo *repo, bool prune, PushMode mode, int *changed)
{
	char	  **texts = mg_alloc(sizeof(char *) * (repo->n + 1));
	char	  **files = mg_alloc(sizeof(char *) * (repo->n + 1));
	bool	   *keep = mg_alloc0(sizeof(bool) * (repo->n + 1));
	const char *params[3];
	PGresult   *res;
	int			npush = 0;

	if (mode == PUSH_KEEP && kept_files(db, repo, keep) != EXIT_OK)
	{
		mg_free(keep);
		mg_free(texts);
		mg_free(files);
		return EXIT_FAILED;
	}
	for (int i = 0; i < repo->n; i++)
	{
		if (keep[i])
			continue;
		texts[npush] = repo->revs[i].text;
		files[npush++] = repo->revs[i].file;
	}
	mg_free(keep);
	params[0] = text_array_literal(texts, npush);
	params[1] = text_array_literal(files, npush);
	params[2] = mode == PUSH_REPAIR ? "true" : "false";
	res = pg_params(db, "SELECT migrate.add_revisions($1::pg_catalog.text[], $2::pg_catalog.text[],"
					" $3::pg_catalog.bool)", 3, params);
	mg_free((void *) params[0]);
	mg_free((void *) params[1]);
	mg_free(texts);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		mg_free(files);
		return pg_fail(db, res, "could not push the revisions", false);
	}
	*changed = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	{
		char	  **ids = files;	/* reuse: the ids this time */
		char	   *lit;
		int			forgotten,
					st;

		for (int i = 0; i < repo->n; i++)
			ids[i] = repo->revs[i].rf.id;
		lit = text_array_literal(ids, repo->n);
		st = prune ? forget_missing(db, repo, lit, &forgotten) : EXIT_OK;
		if (!prune)
			forgotten = 0;
		mg_free(lit);
		mg_free(files);
		if (st != EXIT_OK)
			return st;
		*changed += forgotten;
	}
	verbose("pushed %d revision files, %d added or replaced\n", repo->n, *changed);
	return EXIT_OK;
}

/* migrate.pushed(digest): the catalog is exactly these files now. */
static int
record_push(Db *db, const Repo *repo)
{
	const char *digest = repo->digest;
	PGresult   *res = pg_params(db, "SELECT migrate.pushed($1)", 1, &digest);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not record the push", false);
	PQclear(res);
	return EXIT_OK;
}

/* A command without rows (BEGIN, COMMIT); what: the error's heading. */
int
pg_command(Db *db, const char *sql, const char *what)
{
	PGresult   *res = PQexec(db->conn, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return pg_fail(db, res, what, false);
	PQclear(res);
	return EXIT_OK;
}

/*
 * Make the catalog's revisions the files (prune: forget those without a
 * file too), in one transaction; after a pruning push the catalog is
 * exactly the files, and migrate.pushed() records their digest with it.
 * (PUSH_KEEP does not prune; repair pushes inside its own transaction.)
 */
static int
push_files(Db *db, Repo *repo, bool prune, PushMode mode, int *changed)
{
	int			st;

	if ((st = repo_parse(repo, MG_DIALECT_POSTGRESQL)) != EXIT_OK)
		return st;
	if ((st = pg_command(db, "BEGIN", "could not push the revisions")) != EXIT_OK)
		return st;
	st = push_in_tx(db, repo, prune, mode, changed);
	if (st == EXIT_OK && prune)
		st = record_push(db, repo);
	if (st != EXIT_OK)
	{
		PQclear(PQexec(db->conn, "ROLLBACK"));
		return st;
	}
	return pg_command(db, "COMMIT", "could not push the revisions");
}

/*
 * One round trip: does the catalog hold exactly the files of this digest
 * (pushed_digest, cleared by any change to the stored revisions), are they
 * all applied (up_to_date), and what a read-only command then prints
 * without the files: the version set, which of it are merge points, and
 * the heads the push left.
 */
static void
boot_state_query(Db *db, const Repo *repo, BootState *out)
{
	const char *digest = repo->digest;
	PGresult   *res;

	memset(out, 0, sizeof(*out));
	res = pg_params(db, "SELECT s.pushed_digest OPERATOR(pg_catalog.=) $1, s.up_to_date,"
					" pg_catalog.array_to_string(s.pushed_heads, ','),"
					" (SELECT pg_catalog.string_agg(v.revision, ',' ORDER BY v.revision)"
					"  FROM migrate.version v),"
					" (SELECT pg_catalog.string_agg(r.id, ',' ORDER BY r.id)"
					"  FROM migrate.version v JOIN migrate.revision r"
					"  ON r.id OPERATOR(pg_catalog.=) v.revision"
					"  WHERE pg_catalog.cardinality(r.revises) OPERATOR(pg_catalog.>) 1)"
					" FROM migrate.state s", 1, &digest);
	/* no answer (a role that may not read migrate.state): the long way */
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
		!PQgetisnull(res, 0, 0) && !PQgetisnull(res, 0, 2))
	{
		out->pushed = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
		out->up_to_date = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
		out->heads = mg_split_list(PQgetvalue(res, 0, 2), false);
		out->versions = mg_split_list(PQgetvalue(res, 0, 3), false);
		out->mergepoints = mg_split_list(PQgetvalue(res, 0, 4), false);
	}
	PQclear(res);
}

static void
say_boot_state(const BootState *bs)
{
	verbose("the database %s these revision files%s\n",
			bs->pushed ? "holds exactly" : "may not hold",
			bs->pushed && bs->up_to_date ? ", all applied" : "");
}

static void
pg_boot_state(Db *db, const Repo *repo, BootState *out)
{
	boot_state_query(db, repo, out);
	say_boot_state(out);
}

static bool
nothing_to_do(const BootState *bs, const char *target, MgOp op)
{
	return bs->pushed && bs->up_to_date && op == MG_OP_UPGRADE &&
		strcmp(target, "heads") == 0;
}

int
pg_versions(Db *db, MgStrList *out)
{
	PGresult   *res = PQexec(db->conn, "SELECT v FROM migrate.current() AS v ORDER BY 1");

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not read the current version", false);
	for (int i = 0; i < PQntuples(res); i++)
		mg_strlist_add(out, PQgetvalue(res, i, 0));
	PQclear(res);
	return EXIT_OK;
}

/* ---- apply ---- */

/* stamp(target, purge) on the server. */
static int
server_stamp(Db *db, Repo *repo, const char *target, bool purge, int *count)
{
	const char *params[2] = {target, purge ? "true" : "false"};
	PGresult   *res = pg_params(db, "SELECT 0 FROM migrate.stamp($1, $2::pg_catalog.bool)",
								2, params);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, NULL, false);
	PQclear(res);
	return EXIT_OK;
}

/*
 * Who holds the migrate lock, as "pid N (application_name "A", idle since
 * T, 12 s ago; query: Q)", allocated; NULL when nobody we can see does.
 * The key is a bigint, which pg_locks shows as PostgreSQL splits it:
 * classid the high 32 bits, objid the low 32, objsubid 1.
 */
static char *
lock_holder(Db *db)
{
	char		sql[1400];
	PGresult   *res;
	MgBuf		b;

	snprintf(sql, sizeof(sql),
			 "SELECT l.pid, a.application_name, a.state,"
			 " a.state_change::pg_catalog.timestamptz(0)::pg_catalog.text,"
			 " pg_catalog.floor(pg_catalog.date_part('epoch', pg_catalog.clock_timestamp()"
			 "  OPERATOR(pg_catalog.-) a.state_change))::pg_catalog.int8,"
			 " pg_catalog.left(pg_catalog.regexp_replace(a.query, '\\s+', ' ', 'g'), 200)"
			 " FROM pg_catalog.pg_locks l"
			 " LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid OPERATOR(pg_catalog.=) l.pid"
			 " WHERE l.locktype OPERATOR(pg_catalog.=) 'advisory' AND l.granted"
			 " AND l.database OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database d"
			 "  WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())"
			 " AND l.classid OPERATOR(pg_catalog.=) '%lld'::pg_catalog.oid"
			 " AND l.objid OPERATOR(pg_catalog.=) '%lld'::pg_catalog.oid"
			 " AND l.objsubid OPERATOR(pg_catalog.=) 1"
			 " AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()"
			 " ORDER BY l.pid LIMIT 1",
			 (long long) (MG_LOCK_KEY_INT >> 32), (long long) (MG_LOCK_KEY_INT & 0xffffffffLL));
	res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) == 0)
	{
		PQclear(res);
		return NULL;
	}
	mg_buf_init(&b);
	if (PQgetisnull(res, 0, 0))
		mg_buf_puts(&b, "a prepared transaction");
	else
	{
		mg_buf_printf(&b, "pid %s (", PQgetvalue(res, 0, 0));
		if (!PQgetisnull(res, 0, 1) && PQgetvalue(res, 0, 1)[0])
			mg_buf_printf(&b, "application_name \"%s\", ", PQgetvalue(res, 0, 1));
		mg_buf_puts(&b, PQgetisnull(res, 0, 2) ? "state unknown" : PQgetvalue(res, 0, 2));
		if (!PQgetisnull(res, 0, 3))
			mg_buf_printf(&b, " since %s, %s s ago", PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4));
		if (!PQgetisnull(res, 0, 5) && PQgetvalue(res, 0, 5)[0])
			mg_buf_printf(&b, "; query: %s", PQgetvalue(res, 0, 5));
		mg_buf_puts(&b, ")");
	}
	PQclear(res);
	return b.data;
}

/* "waiting for the migrate lock (3 s): it is held by ..." on stderr */
static void
say_lock_wait(Db *db, double waited_ms)
{
	char	   *holder;

	if (opt.verbosity < 0)
		return;
	holder = lock_holder(db);
	put_printable(stderr, "migrate: waiting for the migrate lock (%.0f s): it is held by %s\n",
				  waited_ms / 1000, holder ? holder : "another session");
	mg_free(holder);
}

/*
 * Take the migrate lock at session level, polling pg_try_advisory_lock so
 * that no snapshot is held while waiting (a concurrent CREATE INDEX
 * CONCURRENTLY waits for every snapshot older than itself).  Every state
 * change the program makes happens under it; the server functions then
 * take the same key at transaction level, which our own session already
 * holds.  Closing the connection releases it on any error path.  While it
 * waits it says who holds the lock, after a second and then every 5 s; it
 * waits at most --lock-wait (default: forever), then fails naming the
 * holder.
 */
#define LOCK_POLL_MS 100
#define LOCK_FIRST_REPORT_MS 1000
#define LOCK_REPORT_EVERY_MS 5000

int
pg_lock_session(Db *db)
{
	double		start = now_ms(),
				next_report = start + LOCK_FIRST_REPORT_MS;

	if (db->locked)
		return EXIT_OK;
	for (;;)
	{
		PGresult   *res = PQexec(db->conn, "SELECT pg_catalog.pg_try_advisory_lock(" MG_LOCK_KEY_TEXT ")");
		double		now,
					left;

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			return pg_fail(db, res, "could not take the migrate lock", false);
		if (strcmp(PQgetvalue(res, 0, 0), "t") == 0)
		{
			PQclear(res);
			db->locked = true;
			return EXIT_OK;
		}
		PQclear(res);
		now = now_ms();
		left = opt.lock_wait_ms < 0 ? LOCK_POLL_MS : start + (double) opt.lock_wait_ms - now;
		if (left <= 0)
		{
			char	   *holder = lock_holder(db);
			int			st = fail(EXIT_FAILED, "gave up waiting for the migrate lock after %.1f s (--lock-wait): it is held by %s",
								  (now - start) / 1000, holder ? holder : "another session");

			fprintf(stderr, "hint: Try again when that session is done, or wait longer with --lock-wait.\n");
			mg_free(holder);
			return st;
		}
		if (now >= next_report)
		{
			say_lock_wait(db, now - start);
			next_report = now + LOCK_REPORT_EVERY_MS;
		}
		usleep((useconds_t) (1000 * (left < LOCK_POLL_MS ? left : LOCK_POLL_MS)));
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

static int
apply_locked(Db *db, Repo *repo, const char *target, MgOp op, bool purge, int *count)
{
	int			changed,
				st;
	MgStrList	versions = {0};
	uint8_t    *applied;
	BootState	bs;

	*count = 0;
	if (op == MG_OP_STAMP && purge)
	{
		/* whatever the database is at: unknown versions are dropped (and
		 * file-less revisions are forgotten by the next command) */
		if ((st = push_files(db, repo, false, PUSH_KEEP, &changed)) != EXIT_OK)
			return st;
		return server_stamp(db, repo, target, purge, count);
	}
	/* another program may have pushed and applied these files as we waited */
	pg_boot_state(db, repo, &bs);
	if (nothing_to_do(&bs, target, op))
		return EXIT_OK;
	if ((st = repo_parse(repo, MG_DIALECT_POSTGRESQL)) != EXIT_OK)
		return st;
	/* an applied revision without a file is reported, never acted on */
	if ((st = pg_versions(db, &versions)) != EXIT_OK)
		return st;
	applied = mg_alloc0((size_t) repo->graph.n + 1);
	st = repo_applied(repo, &versions, false, applied);
	mg_free(applied);
	mg_strlist_free(&versions);
	if (st != EXIT_OK)
		return st;
	/* then the catalog follows the files: new, changed, deleted (unless it
	 * holds exactly these files already) */
	if (!bs.pushed && (st = push_files(db, repo, true, PUSH_REFUSE, &changed)) != EXIT_OK)
		return st;
	if (op == MG_OP_STAMP)
		return server_stamp(db, repo, target, purge, count);
	st = pg_execute_plan(db, repo, target, op, count);
	/*
	 * Nothing to run, the push skipped, yet not up to date (the version
	 * table was written by hand): have the server recompute the state, as
	 * the push would have, so that the next boot is the fast one.
	 */
	if (st == EXIT_OK && bs.pushed && *count == 0 && op == MG_OP_UPGRADE &&
		strcmp(target, "heads") == 0)
		st = record_push(db, repo);
	return st;
}

int
pg_push(Db *db, Repo *repo, int *changed)
{
	int			st = pg_lock_session(db);

	if (st != EXIT_OK)
		return st;
	return unlock_session(db, push_files(db, repo, true, PUSH_REFUSE, changed));
}

/*
 * At every application boot nothing is to be done: when these very files
 * were pushed and are all applied, `upgrade` ends after one query, without
 * the lock, the parse or the push.
 */
static int
pg_apply(Db *db, Repo *repo, const char *target, MgOp op, bool purge, int *count)
{
	int			st;
	BootState	bs;

	*count = 0;
	if (op == MG_OP_UPGRADE)
	{
		boot_state_query(db, repo, &bs);
		if (nothing_to_do(&bs, target, op))
		{
			say_boot_state(&bs);
			return EXIT_OK;
		}
	}
	if ((st = pg_lock_session(db)) != EXIT_OK)
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
	res = pg_params(db, op == MG_OP_DOWNGRADE ? "SELECT migrate.downgrade_sql($1)"
					  : "SELECT migrate.upgrade_sql($1)", 1, params);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, NULL, false);
	fputs(PQgetvalue(res, 0, 0), stdout);
	PQclear(res);
	return EXIT_OK;
}

/* The journal rows (transaction-false runs stopped part-way). */
static int
read_journal(Db *db, Repo *repo, AppliedInfo *info)
{
	PGresult   *res = PQexec(db->conn,
							 "SELECT j.revision, j.action, j.done, j.total"
							 " FROM migrate.journal j ORDER BY j.revision");

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		/* a catalog before version 0.3 has none */
		if (state && strcmp(state, "42P01") == 0)
		{
			PQclear(res);
			return EXIT_OK;
		}
		return pg_fail(db, res, "could not read the journal", false);
	}
	for (int i = 0; i < PQntuples(res); i++)
	{
		int			node = repo_find(repo, PQgetvalue(res, i, 0));

		if (node < 0)
			continue;
		info[node].partial = true;
		info[node].partial_downgrade = strcmp(PQgetvalue(res, i, 1), "downgrade") == 0;
		info[node].partial_done = atoi(PQgetvalue(res, i, 2));
		info[node].partial_total = atoi(PQgetvalue(res, i, 3));
	}
	PQclear(res);
	return EXIT_OK;
}

static int
pg_applied_info(Db *db, Repo *repo, AppliedInfo *info_out, MgStrList *unknown)
{
	/*
	 * the checksum of the last row that applied it, or of a repair since;
	 * when it was applied, not repaired
	 */
	PGresult   *res = PQexec(db->conn,
							 "SELECT a.revision, a.checksum,"
							 " CASE WHEN a.action OPERATOR(pg_catalog.=) 'repair' THEN"
							 "  (SELECT h.started_at FROM migrate.history h"
							 "   WHERE h.revision OPERATOR(pg_catalog.=) a.revision"
							 "     AND h.action OPERATOR(pg_catalog.<>) 'repair'"
							 "   ORDER BY h.id DESC LIMIT 1)"
							 " ELSE a.started_at END"
							 " FROM (" MG_PG_APPLIED_WITH_SQL ") a"
							 " ORDER BY a.revision");

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not read the history", false);
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
	return read_journal(db, repo, info_out);
}

/* ---- repair ---- */

/*
 * In one transaction: push the files in repair mode, repair(), record the
 * digest, and read back the history rows it wrote.
 */
static int
repair_in_tx(Db *db, Repo *repo, Repaired **out, int *n)
{
	int			changed,
				st;
	PGresult   *res;

	if ((st = push_in_tx(db, repo, true, PUSH_REPAIR, &changed)) != EXIT_OK)
		return st;
	res = PQexec(db->conn, "SELECT migrate.repair()");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not repair", false);
	PQclear(res);
	/* the catalog is exactly the files now, their new texts accepted */
	if ((st = record_push(db, repo)) != EXIT_OK)
		return st;
	res = PQexec(db->conn, "SELECT revision, previous_checksum, checksum"
				 " FROM migrate.history"
				 " WHERE action OPERATOR(pg_catalog.=) 'repair'"
				 "   AND xid OPERATOR(pg_catalog.=) pg_catalog.pg_current_xact_id()"
				 " ORDER BY id");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not read the history", false);
	*n = PQntuples(res);
	*out = mg_alloc0(sizeof(Repaired) * (size_t) (*n + 1));
	for (int i = 0; i < *n; i++)
	{
		(*out)[i].id = mg_strdup(PQgetvalue(res, i, 0));
		(*out)[i].old_checksum = mg_strdup(PQgetvalue(res, i, 1));
		(*out)[i].new_checksum = mg_strdup(PQgetvalue(res, i, 2));
	}
	PQclear(res);
	return EXIT_OK;
}

static int
pg_repair(Db *db, Repo *repo, Repaired **out, int *n)
{
	MgStrList	versions = {0};
	uint8_t    *applied;
	int			st;

	*n = 0;
	if ((st = pg_lock_session(db)) != EXIT_OK)
		return st;
	/* an applied revision without a file is reported, never acted on */
	if ((st = pg_versions(db, &versions)) != EXIT_OK)
		return unlock_session(db, st);
	applied = mg_alloc0((size_t) repo->graph.n + 1);
	st = repo_applied(repo, &versions, false, applied);
	mg_free(applied);
	mg_strlist_free(&versions);
	if (st != EXIT_OK)
		return unlock_session(db, st);
	if ((st = pg_command(db, "BEGIN", "could not start a transaction")) != EXIT_OK)
		return unlock_session(db, st);
	st = repair_in_tx(db, repo, out, n);
	if (st == EXIT_OK)
		st = pg_command(db, "COMMIT", "could not commit the repair");
	else
	{
		PQclear(PQexec(db->conn, "ROLLBACK"));
		*n = 0;
	}
	return unlock_session(db, st);
}

/* Lint: every file through migrate.lint_script(), in one round trip. */
static int
pg_lint(Db *db, Repo *repo, const MgIntList *nodes, MgStrList *rows)
{
	char	  **texts = mg_alloc0(sizeof(char *) * (size_t) (nodes->count + 1));
	char	  **names = mg_alloc0(sizeof(char *) * (size_t) (nodes->count + 1));
	const char *params[2];
	PGresult   *res;

	for (int i = 0; i < nodes->count; i++)
	{
		texts[i] = repo->revs[nodes->items[i]].text;
		names[i] = repo->revs[nodes->items[i]].file;
	}
	params[0] = text_array_literal(texts, nodes->count);
	params[1] = text_array_literal(names, nodes->count);
	mg_free(texts);
	mg_free(names);
	res = pg_params(db, "SELECT l.revision, l.line, l.rule, l.message"
					" FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]),"
					" pg_catalog.unnest($2::pg_catalog.text[]))"
					" WITH ORDINALITY AS f(script, source, n),"
					" LATERAL migrate.lint_script(f.script, f.source) l ORDER BY f.n",
					2, params);
	mg_free((void *) params[0]);
	mg_free((void *) params[1]);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not lint the revisions", false);
	for (int i = 0; i < PQntuples(res); i++)
		for (int c = 0; c < 4; c++)
			mg_strlist_add(rows, PQgetvalue(res, i, c));
	PQclear(res);
	return EXIT_OK;
}

const DbOps pg_ops = {
	"postgresql", MG_DIALECT_POSTGRESQL,
	pg_open, pg_close, pg_push, pg_versions, pg_apply, pg_offline, pg_applied_info,
	pg_repair, pg_boot_state, pg_model, pg_drift, pg_test, pg_lint, true,
	pg_stored_only, true
};
