/*
 * sqlite_verify.c — snapshots, drift and the migration test suite on
 * SQLite (SPEC §8), the program's side of what the extension does on
 * PostgreSQL, over the same rules (src/common/verify.c):
 *
 *   - after every upgrade, downgrade and stamp, in its transaction, the
 *     snapshot of the file's schema (the SQLite reader's model written as
 *     the DDL that creates it, and its SHA-256) is stored in
 *     migrate_snapshot for the new version set;
 *   - drift compares the schema as it is with that snapshot, the recorded
 *     text being loaded into an in-memory database and read back;
 *   - migrate test runs the stairway on a copy of the file made with the
 *     backup API (a temporary file SQLite deletes on close), in one
 *     transaction with a savepoint per step; the file itself is only read.
 *
 * MIGRATE_SNAPSHOTS=off turns the snapshots off, as migrate.snapshots does
 * on the server.
 */
#include "sqlite_int.h"
#include "sqlite_schema.h"
#include "model.h"
#include "verify.h"

#include <stdlib.h>
#include <string.h>

/* ---- snapshots ---- */

/* The snapshot of conn's schema: its text and SHA-256; false: err. */
static bool
snapshot_of(sqlite3 *conn, char **text, char sha[65], char *err, size_t errlen)
{
	MgSchemaModel m;
	MgChangeList changes;
	MgError		e;

	if (!sq_schema_read(conn, &m, err, errlen))
		return false;
	if (mg_snapshot_changes(&m, &changes, &e) != MG_OK)
	{
		snprintf(err, errlen, "%s", e.message);
		return false;
	}
	*text = sq_schema_write(&changes);
	mg_sha256_hex(*text, strlen(*text), sha);
	return true;
}

/* The stored version set: its ids in order, comma-separated ("" at base). */
static int
version_set(Db *db, char **out)
{
	MgStrList	v = {0};
	MgBuf		b;

	if (sq_load_versions(db, &v) != EXIT_OK)
		return EXIT_FAILED;
	mg_buf_init(&b);
	mg_buf_puts(&b, "");
	for (int i = 0; i < v.count; i++)
		mg_buf_printf(&b, "%s%s", i ? "," : "", v.items[i]);
	mg_strlist_free(&v);
	*out = b.data;
	return EXIT_OK;
}

static bool
snapshots_on(void)
{
	const char *env = getenv("MIGRATE_SNAPSHOTS");

	return env == NULL || strcmp(env, "off") != 0;
}

int
sq_snapshot_record(Db *db)
{
	char		err[1024];
	char	   *text,
			   *vs;
	char		sha[65],
				now[32];
	sqlite3_stmt *st;
	int			rc;

	if (!snapshots_on())
		return EXIT_OK;
	if (!snapshot_of(db->conn, &text, sha, err, sizeof(err)))
	{
		/* as on the server: a schema the reader cannot describe is no failure */
		put_printable(stderr, "migrate: warning: no snapshot recorded for the new version set: %s\n", err);
		return EXIT_OK;
	}
	if (version_set(db, &vs) != EXIT_OK)
		return EXIT_FAILED;
	st = sq_prepare(db, "INSERT INTO migrate_snapshot (version_set, sha256, text, taken_at)"
					" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (version_set) DO UPDATE"
					" SET sha256 = excluded.sha256, text = excluded.text, taken_at = excluded.taken_at"
					" WHERE sha256 <> excluded.sha256");
	if (st == NULL)
		return EXIT_FAILED;
	sq_iso_now(now);
	sq_bind_text(st, 1, vs);
	sq_bind_text(st, 2, sha);
	sq_bind_text(st, 3, text);
	sq_bind_text(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	mg_free(vs);
	mg_free(text);
	if (rc != SQLITE_DONE)
		return sq_sql_fail(db, "recording the snapshot");
	return EXIT_OK;
}

/* ---- drift ---- */

/* The snapshot of the current version set; *found false: none. */
static int
recorded(Db *db, char **sha, char **text, bool *found)
{
	sqlite3_stmt *st;
	bool		exists;
	char	   *vs;
	int			rc;

	*found = false;
	if (sq_table_exists(db, "migrate_snapshot", &exists) != EXIT_OK)
		return EXIT_FAILED;
	if (!exists)
		return EXIT_OK;
	if (version_set(db, &vs) != EXIT_OK ||
		(st = sq_prepare(db, "SELECT sha256, text FROM migrate_snapshot WHERE version_set = ?1")) == NULL)
		return EXIT_FAILED;
	sq_bind_text(st, 1, vs);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
	{
		*found = true;
		*sha = mg_strdup((const char *) sqlite3_column_text(st, 0));
		*text = mg_strdup((const char *) sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	mg_free(vs);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_sql_fail(db, "reading migrate_snapshot");
	return EXIT_OK;
}

int
sq_drift(Db *db, const char *schemas, MgStrList *rows, bool *found)
{
	char	   *sha = NULL,
			   *text = NULL,
			   *live_text;
	char		live_sha[65],
				err[2048];
	MgSchemaModel live,
				was;
	MgDriftList drift;
	MgError		e;
	sqlite3    *mem;
	int			st;

	if (schemas != NULL)
		return fail(EXIT_USAGE, "--schemas is for PostgreSQL: a SQLite file has one schema");
	if ((st = recorded(db, &sha, &text, found)) != EXIT_OK || !*found)
		return st;
	if (!snapshot_of(db->conn, &live_text, live_sha, err, sizeof(err)))
		return fail(EXIT_FAILED, "\"%s\": %s", db->path, err);
	if (strcmp(live_sha, sha) == 0)
		return EXIT_OK;
	if (!sq_schema_read(db->conn, &live, err, sizeof(err)))
		return fail(EXIT_FAILED, "\"%s\": %s", db->path, err);
	if (sqlite3_open(":memory:", &mem) != SQLITE_OK)
		return fail(EXIT_FAILED, "cannot open an in-memory SQLite database");
	if (!sq_mem_run(mem, text, err, sizeof(err)) || !sq_schema_read(mem, &was, err, sizeof(err)))
	{
		sqlite3_close(mem);
		return fail(EXIT_FAILED, "the snapshot recorded in migrate_snapshot does not load: %s", err);
	}
	sqlite3_close(mem);
	if (mg_drift(&live, &was, &drift, &e) != MG_OK)
		return fail_mg(&e);
	for (int i = 0; i < drift.count; i++)
	{
		char	   *sql = sq_schema_write(&drift.items[i].changes);

		mg_strlist_add(rows, drift.items[i].object);
		mg_strlist_add(rows, mg_drift_word(drift.items[i].kind, false));
		mg_strlist_add(rows, sql);
		mg_free(sql);
	}
	return EXIT_OK;
}

/* ---- the test suite, on a copy ---- */

typedef struct SqTest
{
	Db		   *copy;
	Repo	   *repo;
	const Model *model;
	MgSchemaModel reading[2];
	bool		last_transactional; /* the step described last: mark() possible */
	MgStrList  *rows;
} SqTest;

static bool
copy_exec(SqTest *t, const char *sql)
{
	return sqlite3_exec(t->copy->conn, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static MgStatus
t_describe(void *ctx, int node, bool downgrade, MgStep *out, MgError *err)
{
	SqTest	   *t = ctx;
	MgStatus	st = repo_step_describe(t->repo, node, downgrade, out, err);

	/* the step about to run: no savepoint can span a transaction-false one */
	t->last_transactional = out->transactional;
	return st;
}

/*
 * One step as upgrade runs it: inside the copy's transaction, under a
 * savepoint that a failure rolls back; a transaction-false revision
 * between transactions (the copy is thrown away, so nothing needs undoing
 * there, but no savepoint can span it).
 */
static MgStatus
t_step(void *ctx, int node, bool downgrade, MgError *err)
{
	SqTest	   *t = ctx;
	const RepoRev *r = &t->repo->revs[node];
	bool		in_tx = r->rf.transactional;
	int			st;
	char	   *what;

	capture_begin();
	if (in_tx)
	{
		copy_exec(t, "SAVEPOINT migrate_test_step");
		st = sq_run_section(t->copy, r, downgrade, true);
		if (st != EXIT_OK)
			copy_exec(t, "ROLLBACK TO migrate_test_step");
		copy_exec(t, "RELEASE migrate_test_step");
	}
	else
	{
		copy_exec(t, "COMMIT");
		st = sq_run_section(t->copy, r, downgrade, false);
		copy_exec(t, "BEGIN");
	}
	what = capture_end();
	if (st != EXIT_OK)
		return mg_error(err, MG_ERR_EXEC, r->rf.id, 0, "%s", what);
	mg_free(what);
	return MG_OK;
}

static MgStatus
t_read(void *ctx, int slot, MgError *err)
{
	SqTest	   *t = ctx;
	char		msg[1024];

	if (!sq_schema_read(t->copy->conn, &t->reading[slot], msg, sizeof(msg)))
		return mg_error(err, MG_ERR_EXEC, NULL, 0, "reading the copy's schema: %s", msg);
	return MG_OK;
}

static MgStatus
t_compare(void *ctx, int slot, char **summary, MgError *err)
{
	SqTest	   *t = ctx;
	MgSchemaModel now;
	char		msg[1024];

	if (!sq_schema_read(t->copy->conn, &now, msg, sizeof(msg)))
		return mg_error(err, MG_ERR_EXEC, NULL, 0, "reading the copy's schema: %s", msg);
	return mg_drift_compare(&now, &t->reading[slot], summary, err);
}

static MgStatus
t_model_diff(void *ctx, char **out, MgError *err)
{
	SqTest	   *t = ctx;

	if (sq_model_pending(t->copy->conn, t->model, out) != EXIT_OK)
		return mg_error(err, MG_ERR_INPUT, NULL, 0, "the model could not be compared (above)");
	return MG_OK;
}

static MgStatus
t_mark(void *ctx, MgError *err)
{
	SqTest	   *t = ctx;

	if (!t->last_transactional || !copy_exec(t, "SAVEPOINT migrate_test_mark"))
		return mg_error(err, MG_ERR_EXEC, NULL, 0, "no savepoint outside a transaction");
	return MG_OK;
}

static void
t_rewind(void *ctx, bool keep)
{
	SqTest	   *t = ctx;

	if (!keep)
		copy_exec(t, "ROLLBACK TO migrate_test_mark");
	copy_exec(t, "RELEASE migrate_test_mark");
}

/* The schema's text as SQLite keeps it: the same text, the same schema. */
static MgStatus
t_fingerprint(void *ctx, char **out, MgError *err)
{
	SqTest	   *t = ctx;
	sqlite3_stmt *st;
	MgBuf		b;

	if (sqlite3_prepare_v2(t->copy->conn, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema"
						   " ORDER BY type, name", -1, &st, NULL) != SQLITE_OK)
		return mg_error(err, MG_ERR_EXEC, NULL, 0, "reading the copy's schema: %s",
						sqlite3_errmsg(t->copy->conn));
	mg_buf_init(&b);
	mg_buf_puts(&b, "");
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int c = 0; c < 4; c++)
			mg_buf_printf(&b, "%s%c", sqlite3_column_text(st, c) ?
						  (const char *) sqlite3_column_text(st, c) : "", c == 3 ? '\n' : '\t');
	sqlite3_finalize(st);
	*out = b.data;
	return MG_OK;
}

static void
t_row(void *ctx, int step, const char *revision, const char *test,
	  MgTestOutcome outcome, const char *detail)
{
	test_row_add(((SqTest *) ctx)->rows, step, revision, test, outcome, detail);
}

static const MgTestOps sqlite_test_ops = {
	true, t_describe, t_step, t_read, t_compare, NULL, t_mark, t_rewind, t_fingerprint,
	t_row, NULL
};

/* A private copy of db's file: a temporary database SQLite deletes on close. */
static int
copy_of(Db *db, Db **out)
{
	sqlite3    *conn;
	sqlite3_backup *b;
	int			rc;

	if (sqlite3_open("", &conn) != SQLITE_OK)
		return fail(EXIT_FAILED, "cannot open a temporary SQLite database for the copy");
	b = sqlite3_backup_init(conn, "main", db->conn, "main");
	rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(conn);
	if (b)
		sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
	{
		int			st = fail(EXIT_FAILED, "cannot copy \"%s\" for the test: %s", db->path,
							  sqlite3_errmsg(conn));

		sqlite3_close(conn);
		return st;
	}
	*out = sq_wrap(conn, "the test copy");
	return EXIT_OK;
}

int
sq_test(Db *db, Repo *repo, const char *target, const Model *model, bool scratch,
		MgStrList *rows)
{
	SqTest		t;
	uint8_t    *applied = NULL;
	MgPlan		plan = {0};
	MgTestCounts counts;
	MgTestOps	ops = sqlite_test_ops;
	MgError		err;
	bool		absent;
	int			changed,
				st;

	memset(&t, 0, sizeof(t));
	t.repo = repo;
	t.rows = rows;
	if (model)
	{
		sqlite3    *mem;
		char	   *none;

		/* a model that does not load is an input error before anything runs */
		t.model = model;
		ops.model_diff = t_model_diff;
		if (sqlite3_open(":memory:", &mem) != SQLITE_OK)
			return fail(EXIT_FAILED, "cannot open an in-memory SQLite database");
		st = sq_model_pending(mem, model, &none);
		sqlite3_close(mem);
		if (st != EXIT_OK)
			return st;
	}
	if ((st = copy_of(db, &t.copy)) != EXIT_OK)
		return st;
	/* the copy gets the files as upgrade would store them (edited revisions refused) */
	if (sq_begin(t.copy) != EXIT_OK || sq_catalog_absent(t.copy, &absent) != EXIT_OK ||
		sq_load_state(t.copy, repo, false, &applied) != EXIT_OK ||
		(!absent && sq_push_in_tx(t.copy, repo, applied, PUSH_REFUSE, &changed) != EXIT_OK))
		st = EXIT_FAILED;
	else if (mg_plan(&repo->graph, target, MG_OP_UPGRADE, applied, false, &plan, &err) != MG_OK)
		st = fail_mg(&err);
	else if (mg_test_run(&repo->graph, applied, &plan.steps, &ops, &t, &counts, &err) != MG_OK)
		st = fail_mg(&err);
	sq_rollback(t.copy);
	sqlite3_close(t.copy->conn);
	mg_free(applied);
	mg_plan_free(&plan);
	return st;
}
