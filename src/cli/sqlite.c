/*
 * sqlite.c — the SQLite backend (connection, helpers, integrity): the program applies revisions itself,
 * with the plans, version set and history rows of the PostgreSQL
 * extension (SPEC 3, 4.1, 5).
 *
 * State lives in three tables of the application's database:
 * migrate_revision (the revision files as last pushed), migrate_version
 * (the canonical version set) and migrate_history (one row per revision
 * upgraded, downgraded or stamped).  Read-only operations create nothing:
 * a database without these tables is at base with no history.  A change
 * to such a database creates them last, in the same transaction, after
 * the revisions ran (see begin_change).
 *
 * Locking protocol: every state change runs in one BEGIN IMMEDIATE
 * transaction, so the database's write lock is held from reading the
 * version set until COMMIT, which happens once.  A second migrate waits
 * (busy timeout: --lock-wait, else $MIGRATE_SQLITE_BUSY_TIMEOUT ms, default
 * 60000) and then
 * sees the first one's result.  A revision marked "transaction false" is
 * the one exception: what came before it is committed, it runs in
 * autocommit, and a new BEGIN IMMEDIATE records it after checking nobody
 * moved the version set meanwhile.  Across those transactions migrate
 * programs are serialised by an flock() on the database file, held from
 * the first state change until the program closes the database (on Linux
 * flock locks are independent of SQLite's own fcntl locks), so a second
 * program never runs such a revision again: it waits, then finds nothing
 * to do, as with any other revision.
 */
#include "sqlite_int.h"
#include "sqltext.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- small helpers ---- */

void
sq_busy_hint(long timeout)
{
	fprintf(stderr, "hint: Another process held the database's lock for longer than the busy timeout (%ld ms); set MIGRATE_SQLITE_BUSY_TIMEOUT to wait longer.\n",
			timeout);
}

/* Report the connection's last error; call before any ROLLBACK. */
int
sq_sql_fail(Db *db, const char *what)
{
	int			st = fail(EXIT_FAILED, "SQLite error %s in \"%s\": %s", what,
						  db->path, sqlite3_errmsg(db->conn));

	if ((sqlite3_errcode(db->conn) & 0xff) == SQLITE_BUSY)
		sq_busy_hint(db->busy_timeout);
	return st;
}

int
sq_exec_sql(Db *db, const char *sql, const char *what)
{
	if (sqlite3_exec(db->conn, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_sql_fail(db, what);
	return EXIT_OK;
}

sqlite3_stmt *
sq_prepare(Db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
	{
		sq_sql_fail(db, "preparing a query");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

void
sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Undo the open transaction, if any (some errors already rolled back). */
void
sq_rollback(Db *db)
{
	if (!sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
}

int
sq_begin(Db *db)
{
	return sq_exec_sql(db, "BEGIN IMMEDIATE", "starting a transaction");
}

int
sq_commit(Db *db)
{
	int			st = sq_exec_sql(db, "COMMIT", "committing");

	if (st != EXIT_OK)
		sq_rollback(db);
	return st;
}

/* ISO-8601 UTC with milliseconds, e.g. 2026-02-17T12:07:59.123Z */
void
sq_iso_now(char out[32])
{
	struct timespec ts;
	struct tm	tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + strlen(out), 8, ".%03dZ", (int) (ts.tv_nsec / 1000000));
}

/* The OS user running migrate (history.role). */
const char *
sq_os_user(void)
{
	static char name[64];

	if (name[0] == '\0')
	{
		struct passwd *pw = getpwuid(geteuid());
		const char *env = getenv("USER");

		if (pw && pw->pw_name && pw->pw_name[0])
			snprintf(name, sizeof(name), "%s", pw->pw_name);
		else if (env && env[0])
			snprintf(name, sizeof(name), "%s", env);
		else
			snprintf(name, sizeof(name), "uid %ld", (long) geteuid());
	}
	return name;
}

/* One random 16-hex-digit id per migrate run (history.xid). */
const char *
sq_run_xid(void)
{
	static char xid[17];

	if (xid[0] == '\0')
	{
		unsigned char r[8];

		sqlite3_randomness(sizeof(r), r);
		for (int i = 0; i < 8; i++)
			snprintf(xid + 2 * i, 3, "%02x", r[i]);
	}
	return xid;
}

const char *
sq_message_or_default(const RepoRev *r)
{
	return r->rf.message ? r->rf.message : "no message";
}

/*
 * Authorizer: while a revision runs inside migrate's transaction, refuse
 * statements that would end it (BEGIN, COMMIT, END, ROLLBACK).  Savepoints
 * nest inside the transaction and stay allowed.
 */
static int
authorizer(void *arg, int action, const char *a1, const char *a2,
		   const char *a3, const char *a4)
{
	Db		   *db = (Db *) arg;

	(void) a2;
	(void) a3;
	(void) a4;
	if (db->deny_tx && action == SQLITE_TRANSACTION)
	{
		db->denied = a1 ? a1 : "transaction control";
		return SQLITE_DENY;
	}
	return SQLITE_OK;
}

/* ---- open / close ---- */

static int
sq_open(const char *url, bool write, Db **out)
{
	const char *rest;
	const char *path;
	const char *env = getenv("MIGRATE_SQLITE_BUSY_TIMEOUT");
	long		timeout = MG_SQLITE_BUSY_TIMEOUT_MS;
	Db		   *db;
	int			rc;

	*out = NULL;
	if (strncmp(url, "sqlite:", 7) != 0)
		return fail(EXIT_USAGE, "invalid SQLite URL \"%s\" (expected sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite:path)", url);
	rest = url + 7;
	if (strncmp(rest, "///", 3) == 0)
		path = rest + 3;		/* sqlite:///rel, sqlite:////abs */
	else if (strncmp(rest, "//", 2) == 0)
		path = NULL;			/* sqlite://host/... has no meaning here */
	else
		path = rest;			/* sqlite:rel, sqlite:/abs */
	if (path == NULL || path[0] == '\0' || strchr(path, '?') != NULL)
		return fail(EXIT_USAGE, "invalid SQLite URL \"%s\" (expected sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite:path)", url);
	if (env && env[0])
	{
		char	   *end;

		timeout = strtol(env, &end, 10);
		if (*end != '\0' || timeout < 0 || timeout > 0x7fffffffL)
			return fail(EXIT_USAGE, "invalid MIGRATE_SQLITE_BUSY_TIMEOUT \"%s\" (expected milliseconds)", env);
	}

	if (opt.lock_timeout)
	{
		/* one database lock: the busy timeout, once per attempt */
		long		retries = opt.lock_retries ? strtol(opt.lock_retries, NULL, 10) : 0;

		timeout = duration_ms(opt.lock_timeout) * (retries + 1);
		if (timeout > 0x7fffffffL)
			timeout = 0x7fffffffL;
	}
	/* --lock-wait: how long to wait for the one lock there is */
	if (opt.lock_wait_ms >= 0)
		timeout = opt.lock_wait_ms;
	db = mg_alloc0(sizeof(Db));
	db->lock_fd = -1;
	db->path = mg_strdup(path);
	db->busy_timeout = timeout;
	if (!write && opt.missing_is_empty && access(path, F_OK) != 0)
		path = ":memory:";		/* migrate test of a file not made yet */
	if (!write && access(path, F_OK) != 0 && strcmp(path, ":memory:") != 0)
	{
		/* like a server that cannot be reached: exit 1 on both dialects */
		int			st = fail(EXIT_FAILED, "SQLite database \"%s\" does not exist", path);

		mg_free(db->path);
		mg_free(db);
		return st;
	}
	/*
	 * The program has one thread.  Without this SQLite takes a mutex around
	 * every allocation (for its memory statistics) and every API call: 15%
	 * of the instructions of an upgrade, most of them while re-parsing the
	 * schema.  Only possible before SQLite initialises; fails harmlessly
	 * after.  File locking between processes is not affected.
	 */
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	rc = sqlite3_open_v2(path, &db->conn,
						 /* read-write even to read: a hot journal left by a
						  * killed upgrade must be rolled back on open */
						 write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
						 : SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(db->conn, (int) timeout);
	/* touch the file now, so "not a database" is reported as an open error */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db->conn, "SELECT count(*) FROM sqlite_master",
						  NULL, NULL, NULL);
	if (rc != SQLITE_OK)
	{
		int			st = fail(EXIT_FAILED, "cannot open SQLite database \"%s\": %s",
							  path, db->conn ? sqlite3_errmsg(db->conn)
							  : sqlite3_errstr(rc));

		if ((rc & 0xff) == SQLITE_BUSY)
			sq_busy_hint(timeout);

		sqlite3_close_v2(db->conn);
		mg_free(db->path);
		mg_free(db);
		return st;
	}
	sqlite3_extended_result_codes(db->conn, 1);
	sqlite3_set_authorizer(db->conn, authorizer, db);
	*out = db;
	return EXIT_OK;
}

Db *
sq_wrap(sqlite3 *conn, const char *label)
{
	Db		   *db = mg_alloc0(sizeof(Db));

	db->lock_fd = -1;
	db->path = mg_strdup(label);
	db->conn = conn;
	db->busy_timeout = MG_SQLITE_BUSY_TIMEOUT_MS;
	sqlite3_extended_result_codes(conn, 1);
	sqlite3_set_authorizer(conn, authorizer, db);
	return db;
}

static void
sq_close(Db *db)
{
	if (db == NULL)
		return;
	sq_rollback(db);
	sqlite3_close_v2(db->conn);
	if (db->lock_fd >= 0)
		close(db->lock_fd);		/* releases the flock */
	mg_free(db->path);
	mg_free(db);
}

/* ---- integrity ---- */

static void
add_unknown(MgStrList *unknown, const char *id)
{
	for (int i = 0; i < unknown->count; i++)
		if (strcmp(unknown->items[i], id) == 0)
			return;
	mg_strlist_add(unknown, id);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * What the history says about applied revisions, in the open transaction:
 * for each revision whose last history row applied it (mg_history_applies)
 * and that is applied now, that row's checksum, and the time of the last
 * row that was not a repair.  Recorded revisions the repo lacks go to
 * *unknown.
 */
int
sq_read_applied(Db *db, Repo *repo, const uint8_t *applied, AppliedInfo *info,
				MgStrList *unknown)
{
	sqlite3_stmt *st;
	bool		exists;
	int			rc;
	int			status = EXIT_OK;

	for (int i = 0; i < repo->n; i++)
		info[i].checksum = info[i].applied_at = NULL;
	if (sq_table_exists(db, "migrate_history", &exists) != EXIT_OK)
		return EXIT_FAILED;
	if (!exists)
		return EXIT_OK;
	st = sq_prepare(db, "SELECT h.revision, h.action, h.checksum,"
				 " CASE WHEN h.action = 'repair' THEN"
				 "  (SELECT started_at FROM migrate_history a"
				 "   WHERE a.revision = h.revision AND a.action <> 'repair'"
				 "   ORDER BY a.id DESC LIMIT 1)"
				 " ELSE h.started_at END"
				 " FROM migrate_history h"
				 " WHERE h.id IN (SELECT max(id) FROM migrate_history GROUP BY revision)"
				 " ORDER BY h.revision");
	if (st == NULL)
		return EXIT_FAILED;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		const char *id = (const char *) sqlite3_column_text(st, 0);
		const char *action = (const char *) sqlite3_column_text(st, 1);
		const char *checksum = (const char *) sqlite3_column_text(st, 2);
		const char *at = (const char *) sqlite3_column_text(st, 3);
		int			node;

		if (id == NULL || !mg_history_applies(action, checksum))
			continue;
		node = repo_find(repo, id);
		if (node < 0)
			add_unknown(unknown, id);
		else if (applied[node])
		{
			info[node].checksum = mg_strdup(checksum ? checksum : "");
			info[node].applied_at = at ? mg_strdup(at) : NULL;
		}
	}
	if (rc != SQLITE_DONE)
		status = sq_sql_fail(db, "reading migrate_history");
	sqlite3_finalize(st);
	return status;
}

/* DbOps.applied_info: the above, and the stored versions the repo lacks. */
static int
sq_applied_info(Db *db, Repo *repo, AppliedInfo *info, MgStrList *unknown)
{
	uint8_t    *applied = NULL;
	MgStrList	versions = {0};
	int			status = EXIT_OK;

	/* one snapshot for the version set and the history */
	if (sq_exec_sql(db, "BEGIN", "starting a read transaction") != EXIT_OK)
		return EXIT_FAILED;
	if (sq_load_versions(db, &versions) != EXIT_OK ||
		sq_load_state(db, repo, true, &applied) != EXIT_OK)
		status = EXIT_FAILED;
	for (int i = 0; status == EXIT_OK && i < versions.count; i++)
		if (repo_find(repo, versions.items[i]) < 0)
			add_unknown(unknown, versions.items[i]);
	if (status == EXIT_OK)
		status = sq_read_applied(db, repo, applied, info, unknown);
	if (status == EXIT_OK)
		status = sq_journal_read(db, repo, info);
	sq_rollback(db);
	if (unknown->count > 1)
		qsort(unknown->items, (size_t) unknown->count, sizeof(char *), cmp_str);
	mg_strlist_free(&versions);
	mg_free(applied);
	return status;
}

/* DbOps.stored_only: the rows of migrate_revision without a file. */
static int
sq_stored_only(Db *db, const Repo *repo, MgStrList *rows)
{
	sqlite3_stmt *st;
	bool		exists;
	int			rc,
				status = EXIT_OK;

	if (sq_table_exists(db, "migrate_revision", &exists) != EXIT_OK)
		return EXIT_FAILED;
	if (!exists)
		return EXIT_OK;
	st = sq_prepare(db, "SELECT id, coalesce(source, ''),"
				 " trim(coalesce(revises, '') || ',' || coalesce(depends, ''), ',')"
				 " FROM migrate_revision ORDER BY id");
	if (st == NULL)
		return EXIT_FAILED;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		const char *id = (const char *) sqlite3_column_text(st, 0);

		if (id == NULL || repo_find(repo, id) >= 0)
			continue;
		for (int c = 0; c < 3; c++)
		{
			const char *v = (const char *) sqlite3_column_text(st, c);

			mg_strlist_add(rows, v ? v : "");
		}
	}
	if (rc != SQLITE_DONE)
		status = sq_sql_fail(db, "reading migrate_revision");
	sqlite3_finalize(st);
	return status;
}

/* ---- the backend ---- */

const DbOps sqlite_ops = {
	"sqlite",
	MG_DIALECT_SQLITE,
	sq_open,
	sq_close,
	sq_push,
	sq_versions,
	sq_apply,
	sq_offline,
	sq_applied_info,
	sq_repair,
	NULL,						/* no boot state: every command parses first */
	sq_model,
	sq_drift,
	sq_test,
	sq_lint,
	false,						/* lints the files, without the database */
	sq_stored_only,
	false						/* only the program applies revisions */
};

