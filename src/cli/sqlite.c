/*
 * sqlite.c — the SQLite backend: the program applies revisions itself,
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
 * (busy timeout, $MIGRATE_SQLITE_BUSY_TIMEOUT ms, default 60000) and then
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
#include "cli.h"
#include "sqltext.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct Db
{
	sqlite3    *conn;
	char	   *path;
	long		busy_timeout;	/* ms */
	bool		deny_tx;		/* revision SQL runs inside our transaction */
	int			lock_fd;		/* flock()ed database file, or -1 */
	const char *denied;			/* the statement the authorizer refused */
};

#define DEFAULT_BUSY_TIMEOUT_MS 60000

static const char catalog_ddl[] =
"CREATE TABLE IF NOT EXISTS migrate_revision (\n"
"    id            TEXT PRIMARY KEY,\n"
"    revises       TEXT NOT NULL,\n"
"    depends       TEXT NOT NULL,\n"
"    branch        TEXT NOT NULL,\n"
"    message       TEXT,\n"
"    created       TEXT,\n"
"    upgrade       TEXT NOT NULL,\n"
"    downgrade     TEXT,\n"
"    transactional INTEGER NOT NULL,\n"
"    checksum      TEXT NOT NULL,\n"
"    source        TEXT,\n"
"    loaded_at     TEXT NOT NULL,\n"
"    script        TEXT NOT NULL\n"
");\n"
"CREATE TABLE IF NOT EXISTS migrate_version (\n"
"    revision TEXT PRIMARY KEY\n"
");\n"
"CREATE TABLE IF NOT EXISTS migrate_history (\n"
"    id         INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"    revision   TEXT NOT NULL,\n"
"    action     TEXT NOT NULL CHECK (action IN ('upgrade', 'downgrade', 'stamp')),\n"
"    checksum   TEXT,\n"
"    started_at TEXT NOT NULL,\n"
"    duration   REAL NOT NULL,\n"
"    role       TEXT NOT NULL,\n"
"    xid        TEXT NOT NULL\n"
");\n";

/* ---- small helpers ---- */

static void
busy_hint(long timeout)
{
	fprintf(stderr, "hint: Another process held the database's lock for longer than the busy timeout (%ld ms); set MIGRATE_SQLITE_BUSY_TIMEOUT to wait longer.\n",
			timeout);
}

/* Report the connection's last error; call before any ROLLBACK. */
static int
sql_fail(Db *db, const char *what)
{
	int			st = fail(EXIT_FAILED, "SQLite error %s in \"%s\": %s", what,
						  db->path, sqlite3_errmsg(db->conn));

	if ((sqlite3_errcode(db->conn) & 0xff) == SQLITE_BUSY)
		busy_hint(db->busy_timeout);
	return st;
}

static int
exec_sql(Db *db, const char *sql, const char *what)
{
	if (sqlite3_exec(db->conn, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, what);
	return EXIT_OK;
}

static sqlite3_stmt *
prepare(Db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
	{
		sql_fail(db, "preparing a query");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Undo the open transaction, if any (some errors already rolled back). */
static void
rollback(Db *db)
{
	if (!sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
}

static int
begin(Db *db)
{
	return exec_sql(db, "BEGIN IMMEDIATE", "starting a transaction");
}

static int
commit(Db *db)
{
	int			st = exec_sql(db, "COMMIT", "committing");

	if (st != EXIT_OK)
		rollback(db);
	return st;
}

/* ISO-8601 UTC with milliseconds, e.g. 2026-02-17T12:07:59.123Z */
static void
iso_now(char out[32])
{
	struct timespec ts;
	struct tm	tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + strlen(out), 8, ".%03dZ", (int) (ts.tv_nsec / 1000000));
}

/* The OS user running migrate (history.role). */
static const char *
os_user(void)
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
static const char *
run_xid(void)
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

/* "a,b" as stored in migrate_revision's list columns. */
static char *
join_list(const MgStrList *l)
{
	MgBuf		b;

	mg_buf_init(&b);
	for (int i = 0; i < l->count; i++)
		mg_buf_printf(&b, "%s%s", i ? "," : "", l->items[i]);
	return b.data;
}

static const char *
message_or_default(const RepoRev *r)
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
	long		timeout = DEFAULT_BUSY_TIMEOUT_MS;
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

	db = mg_alloc0(sizeof(Db));
	db->lock_fd = -1;
	db->path = mg_strdup(path);
	db->busy_timeout = timeout;
	if (!write && access(path, F_OK) != 0)
	{
		int			st = fail(EXIT_USAGE, "SQLite database \"%s\" does not exist", path);

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
			busy_hint(timeout);

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

static void
sq_close(Db *db)
{
	if (db == NULL)
		return;
	rollback(db);
	sqlite3_close_v2(db->conn);
	if (db->lock_fd >= 0)
		close(db->lock_fd);		/* releases the flock */
	mg_free(db->path);
	mg_free(db);
}

/* ---- catalog access ---- */

static int
table_exists(Db *db, const char *name, bool *exists)
{
	sqlite3_stmt *st = prepare(db, "SELECT 1 FROM sqlite_master"
							   " WHERE type = 'table' AND name = ?1");
	int			rc;

	if (st == NULL)
		return EXIT_FAILED;
	bind_text(st, 1, name);
	rc = sqlite3_step(st);
	*exists = (rc == SQLITE_ROW);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
	{
		int			s = sql_fail(db, "reading the schema");

		sqlite3_finalize(st);
		return s;
	}
	sqlite3_finalize(st);
	return EXIT_OK;
}

/* The stored version set, in id order; empty without the table. */
static int
load_versions(Db *db, MgStrList *out)
{
	sqlite3_stmt *st;
	bool		exists;
	int			rc;

	if (table_exists(db, "migrate_version", &exists) != EXIT_OK)
		return EXIT_FAILED;
	if (!exists)
		return EXIT_OK;
	st = prepare(db, "SELECT revision FROM migrate_version ORDER BY revision");
	if (st == NULL)
		return EXIT_FAILED;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		const char *v = (const char *) sqlite3_column_text(st, 0);

		mg_strlist_add(out, v ? v : "");
	}
	if (rc != SQLITE_DONE)
	{
		int			s = sql_fail(db, "reading migrate_version");

		sqlite3_finalize(st);
		return s;
	}
	sqlite3_finalize(st);
	return EXIT_OK;
}

/*
 * The applied set (closure of the stored version set under the repo's
 * graph) into *applied (repo->graph.n bytes, allocated here).  Versions
 * naming revisions the repo lacks are an error, or dropped when
 * ignore_unknown (stamp --purge, integrity reports).
 */
static int
load_state(Db *db, Repo *repo, bool ignore_unknown, uint8_t **applied)
{
	MgStrList	versions = {0};
	int			st;

	*applied = mg_alloc0((size_t) repo->graph.n + 1);
	if (load_versions(db, &versions) != EXIT_OK)
		return EXIT_FAILED;
	st = repo_applied(repo, &versions, ignore_unknown, *applied);
	mg_strlist_free(&versions);
	return st;
}

/* Replace the stored version set with the canonical set of applied. */
static int
write_versions(Db *db, const MgGraph *g, const uint8_t *applied)
{
	MgIntList	vs = mg_version_set(g, applied);
	sqlite3_stmt *ins;
	int			st = EXIT_OK;

	if (exec_sql(db, "DELETE FROM migrate_version", "clearing migrate_version") != EXIT_OK)
	{
		mg_intlist_free(&vs);
		return EXIT_FAILED;
	}
	ins = prepare(db, "INSERT INTO migrate_version (revision) VALUES (?1)");
	if (ins == NULL)
	{
		mg_intlist_free(&vs);
		return EXIT_FAILED;
	}
	for (int i = 0; i < vs.count && st == EXIT_OK; i++)
	{
		bind_text(ins, 1, g->nodes[vs.items[i]].id);
		if (sqlite3_step(ins) != SQLITE_DONE)
			st = sql_fail(db, "writing migrate_version");
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	mg_intlist_free(&vs);
	return st;
}

/* Is the stored version set exactly the canonical set of applied? */
static int
versions_match(Db *db, const MgGraph *g, const uint8_t *applied, bool *match)
{
	MgStrList	stored = {0};
	MgIntList	vs = mg_version_set(g, applied);

	if (load_versions(db, &stored) != EXIT_OK)
	{
		mg_intlist_free(&vs);
		return EXIT_FAILED;
	}
	*match = stored.count == vs.count;
	for (int i = 0; *match && i < stored.count; i++)
	{
		bool		found = false;

		for (int k = 0; k < vs.count && !found; k++)
			found = strcmp(g->nodes[vs.items[k]].id, stored.items[i]) == 0;
		*match = found;
	}
	mg_strlist_free(&stored);
	mg_intlist_free(&vs);
	return EXIT_OK;
}

/*
 * History rows wait in memory until the next commit point and go in with
 * one prepared INSERT: a statement prepared between a revision's DDL and
 * the next would be compiled against a schema that the next DDL changes
 * again, once per revision, for rows that commit at the same time anyway.
 */
typedef struct HistoryRow
{
	const char *revision;		/* point into the repo */
	const char *action;
	const char *checksum;
	char		started_at[32];
	double		duration;
} HistoryRow;

typedef struct History
{
	HistoryRow *rows;
	int			count;
	int			cap;
} History;

static void
history_add(History *h, const char *id, const char *action,
			const char *checksum, const char *started_at, double duration)
{
	HistoryRow *row;

	if (h->count == h->cap)
	{
		h->cap = h->cap ? 2 * h->cap : 64;
		h->rows = mg_realloc(h->rows, sizeof(HistoryRow) * (size_t) h->cap);
	}
	row = &h->rows[h->count++];
	row->revision = id;
	row->action = action;
	row->checksum = checksum;
	snprintf(row->started_at, sizeof(row->started_at), "%s", started_at);
	row->duration = duration;
}

/* Insert the waiting rows in order, inside the open transaction. */
static int
history_write(Db *db, History *h)
{
	sqlite3_stmt *st;
	int			s = EXIT_OK;

	if (h->count == 0)
		return EXIT_OK;
	st = prepare(db, "INSERT INTO migrate_history"
				 " (revision, action, checksum, started_at, duration, role, xid)"
				 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (st == NULL)
		return EXIT_FAILED;
	bind_text(st, 6, os_user());
	bind_text(st, 7, run_xid());
	for (int i = 0; i < h->count && s == EXIT_OK; i++)
	{
		const HistoryRow *row = &h->rows[i];

		bind_text(st, 1, row->revision);
		bind_text(st, 2, row->action);
		bind_text(st, 3, row->checksum);
		bind_text(st, 4, row->started_at);
		sqlite3_bind_double(st, 5, row->duration);
		if (sqlite3_step(st) != SQLITE_DONE)
			s = sql_fail(db, "recording history");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	h->count = 0;
	return s;
}

static void
history_free(History *h)
{
	mg_free(h->rows);
	memset(h, 0, sizeof(*h));
}

/* ---- push ---- */

/*
 * An applied revision must keep its upgrade checksum, revises and depends
 * (the messages are the extension's, see src/server/addrev.c).
 */
static int
check_replacement(const RepoRev *r, const char *old_checksum,
				  const char *old_revises, const char *old_depends)
{
	char	   *revises = join_list(&r->rf.revises);
	char	   *depends = join_list(&r->rf.depends);
	bool		same = strcmp(revises, old_revises ? old_revises : "") == 0 &&
		strcmp(depends, old_depends ? old_depends : "") == 0;

	mg_free(revises);
	mg_free(depends);
	if (strcmp(old_checksum ? old_checksum : "", r->sel.checksum) != 0)
	{
		fail(EXIT_FAILED, "revision %s was applied with checksum %s but now has checksum %s",
			 r->rf.id, old_checksum ? old_checksum : "(none)", r->sel.checksum);
		fprintf(stderr, "hint: The upgrade section of an applied revision must not change. Restore it in %s, or write a new revision for the change.\n",
				r->path);
		return EXIT_FAILED;
	}
	if (!same)
		return fail(EXIT_FAILED, "revision %s is applied, so its revises and depends cannot change",
					r->rf.id);
	return EXIT_OK;
}

/*
 * The push rules, inside the caller's write transaction (tables exist):
 * absent -> insert; same file text -> nothing; changed -> replace, unless
 * it is applied and its checksum or structure changed.
 */
static int
push_in_tx(Db *db, Repo *repo, const uint8_t *applied, int *changed)
{
	sqlite3_stmt *get,
			   *put;
	char		now[32];
	int			st = EXIT_OK;

	*changed = 0;
	get = prepare(db, "SELECT script, checksum, revises, depends"
				  " FROM migrate_revision WHERE id = ?1");
	put = prepare(db, "INSERT OR REPLACE INTO migrate_revision (id, revises,"
				  " depends, branch, message, created, upgrade, downgrade,"
				  " transactional, checksum, source, loaded_at, script)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
	if (get == NULL || put == NULL)
	{
		sqlite3_finalize(get);
		sqlite3_finalize(put);
		return EXIT_FAILED;
	}
	iso_now(now);
	for (int i = 0; i < repo->n && st == EXIT_OK; i++)
	{
		const RepoRev *r = &repo->revs[i];
		int			rc;
		char	   *l;

		bind_text(get, 1, r->rf.id);
		rc = sqlite3_step(get);
		if (rc == SQLITE_ROW)
		{
			const char *script = (const char *) sqlite3_column_text(get, 0);

			if (script && strcmp(script, r->text) == 0)
			{
				sqlite3_reset(get);
				continue;		/* identical: nothing to do */
			}
			if (applied[i])
				st = check_replacement(r, (const char *) sqlite3_column_text(get, 1),
									   (const char *) sqlite3_column_text(get, 2),
									   (const char *) sqlite3_column_text(get, 3));
		}
		else if (rc != SQLITE_DONE)
			st = sql_fail(db, "reading migrate_revision");
		sqlite3_reset(get);
		if (st != EXIT_OK)
			break;

		bind_text(put, 1, r->rf.id);
		l = join_list(&r->rf.revises);
		bind_text(put, 2, l);
		mg_free(l);
		l = join_list(&r->rf.depends);
		bind_text(put, 3, l);
		mg_free(l);
		l = join_list(&r->rf.branch);
		bind_text(put, 4, l);
		mg_free(l);
		bind_text(put, 5, r->rf.message);
		bind_text(put, 6, r->rf.created);
		bind_text(put, 7, r->sel.upgrade->body);
		bind_text(put, 8, r->sel.downgrade ? r->sel.downgrade->body : NULL);
		sqlite3_bind_int(put, 9, r->rf.transactional ? 1 : 0);
		bind_text(put, 10, r->sel.checksum);
		bind_text(put, 11, r->file);
		bind_text(put, 12, now);
		bind_text(put, 13, r->text);
		if (sqlite3_step(put) != SQLITE_DONE)
			st = sql_fail(db, "writing migrate_revision");
		sqlite3_reset(put);
		sqlite3_clear_bindings(put);
		if (st == EXIT_OK)
			(*changed)++;
	}
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return st;
}

/*
 * Serialise migrate programs on this file (see the locking protocol),
 * waiting at most the busy timeout.
 */
static int
lock_programs(Db *db)
{
	double		deadline = now_ms() + (double) db->busy_timeout;

	if (db->lock_fd >= 0)
		return EXIT_OK;
	db->lock_fd = open(db->path, O_RDONLY | O_CLOEXEC);
	if (db->lock_fd < 0)
		return fail(EXIT_FAILED, "cannot open \"%s\": %s", db->path, strerror(errno));
	while (flock(db->lock_fd, LOCK_EX | LOCK_NB) != 0)
	{
		if (errno != EWOULDBLOCK && errno != EINTR)
			return fail(EXIT_FAILED, "cannot lock \"%s\": %s", db->path, strerror(errno));
		if (now_ms() > deadline)
		{
			fail(EXIT_FAILED, "cannot change \"%s\": database is locked by another migrate", db->path);
			busy_hint(db->busy_timeout);
			return EXIT_FAILED;
		}
		usleep(50 * 1000);
	}
	return EXIT_OK;
}

/* Does the database have none of the migrate tables? */
static int
catalog_absent(Db *db, bool *absent)
{
	sqlite3_stmt *st = prepare(db, "SELECT count(*) FROM sqlite_master"
							   " WHERE type = 'table' AND name IN"
							   " ('migrate_revision', 'migrate_version', 'migrate_history')");
	int			rc;

	if (st == NULL)
		return EXIT_FAILED;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
	{
		int			s = sql_fail(db, "reading the schema");

		sqlite3_finalize(st);
		return s;
	}
	*absent = sqlite3_column_int(st, 0) == 0;
	sqlite3_finalize(st);
	return EXIT_OK;
}

/*
 * Open the write transaction, create the catalog, load the state.
 *
 * defer: NULL to create the catalog now.  Otherwise, in a database that
 * has none of the migrate tables, *defer is set and creating them is left
 * to the caller, before its first commit (see save_state): SQLite re-reads
 * the whole schema after every ALTER TABLE ... ADD COLUMN, so tables that
 * exist while the revisions run are parsed again after each such
 * statement.  Nothing is applied in such a database, so the revisions do
 * not need them.
 */
static int
begin_change(Db *db, Repo *repo, bool ignore_unknown, bool *defer,
			 uint8_t **applied)
{
	bool		absent = false;

	*applied = NULL;
	if (lock_programs(db) != EXIT_OK || begin(db) != EXIT_OK)
		return EXIT_FAILED;
	if ((defer != NULL && catalog_absent(db, &absent) != EXIT_OK) ||
		(!absent && exec_sql(db, catalog_ddl, "creating the migrate tables") != EXIT_OK) ||
		load_state(db, repo, ignore_unknown, applied) != EXIT_OK)
	{
		rollback(db);
		return EXIT_FAILED;
	}
	if (defer != NULL)
		*defer = absent;
	return EXIT_OK;
}

static void
report_stored(int changed)
{
	if (changed > 0)
		verbose("migrate: stored %d new or changed revision%s\n", changed,
				changed == 1 ? "" : "s");
}

static int
sq_push(Db *db, Repo *repo, int *changed)
{
	uint8_t    *applied;

	*changed = 0;
	if (begin_change(db, repo, false, NULL, &applied) != EXIT_OK)
	{
		mg_free(applied);
		return EXIT_FAILED;
	}
	if (push_in_tx(db, repo, applied, changed) != EXIT_OK)
	{
		rollback(db);
		mg_free(applied);
		*changed = 0;
		return EXIT_FAILED;
	}
	mg_free(applied);
	return commit(db);
}

static int
sq_versions(Db *db, MgStrList *out)
{
	return load_versions(db, out);
}

/* ---- running revisions ---- */

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
				message_or_default(r), r->path, line_at(sec, off), message);
}

/*
 * Run one section statement by statement.  in_tx: migrate's transaction is
 * open and the SQL must not end it; otherwise each statement autocommits.
 * On failure the error names the file line of the failing statement (or
 * of the syntax error), and the caller rolls back.
 */
static int
run_section(Db *db, const RepoRev *r, bool downgrade, bool in_tx)
{
	const MgSection *sec = downgrade ? r->sel.downgrade : r->sel.upgrade;
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
	if (st == EXIT_OK && !in_tx && !sqlite3_get_autocommit(db->conn))
	{
		info("failed\n");
		rollback(db);
		st = fail(EXIT_FAILED, "%s of revision %s (%s) left a transaction open; its statements were rolled back to the last COMMIT it ran (%s)",
				  downgrade ? "downgrade" : "upgrade", r->rf.id,
				  message_or_default(r), r->path);
	}
	return st;
}

/* Refuse the plan up front if a downgrade step has nothing to run. */
static int
check_downgrades(const Repo *repo, const MgPlan *plan)
{
	for (int i = 0; i < plan->steps.count; i++)
	{
		const RepoRev *r = &repo->revs[plan->steps.items[i]];

		if (r->sel.downgrade == NULL)
		{
			fail(EXIT_FAILED, "revision %s (%s) has no downgrade section and cannot be downgraded",
				 r->rf.id, message_or_default(r));
			fprintf(stderr, "hint: Add a \"-- migrate:downgrade\" section to %s, or use stamp to move past it without running anything.\n",
					r->path);
			return EXIT_FAILED;
		}
	}
	return EXIT_OK;
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

		if (catalog_absent(db, &absent) != EXIT_OK)
			return EXIT_FAILED;
		if (!absent)
		{
			fail(EXIT_FAILED, "the revisions created a table named migrate_revision, migrate_version or migrate_history in \"%s\"; migrate keeps its own state in those tables",
				 db->path);
			fprintf(stderr, "hint: Rename the table in the revision that creates it.\n");
			return EXIT_FAILED;
		}
		none = mg_alloc0((size_t) c->repo->graph.n + 1);
		st = exec_sql(db, catalog_ddl, "creating the migrate tables");
		if (st == EXIT_OK)
			st = push_in_tx(db, c->repo, none, &changed);
		mg_free(none);
		if (st != EXIT_OK)
			return EXIT_FAILED;
		report_stored(changed);
		c->new_catalog = false;
	}
	if (history_write(db, &c->history) != EXIT_OK)
		return EXIT_FAILED;
	return write_versions(db, &c->repo->graph, state);
}

/*
 * Upgrade or downgrade steps, the transaction open; state starts as the
 * applied set and follows the steps.  Only a "transaction false" revision
 * commits in the middle.
 */
static int
run_steps(Db *db, Change *c, const MgPlan *plan, uint8_t *state, int *count)
{
	Repo	   *repo = c->repo;
	bool		downgrade = plan->downgrade;
	Progress	p;

	progress_begin(&p, plan->steps.count);
	for (int i = 0; i < plan->steps.count; i++)
	{
		int			node = plan->steps.items[i];
		const RepoRev *r = &repo->revs[node];
		bool		in_tx = r->rf.transactional;
		char		started[32];
		double		t0;

		if (!in_tx)
		{
			/* commit what came before, with its version set */
			if (save_state(db, c, state) != EXIT_OK || commit(db) != EXIT_OK)
				return EXIT_FAILED;
		}
		progress_step(&p, downgrade, r->rf.id, r->rf.message);
		iso_now(started);
		t0 = now_ms();
		if (run_section(db, r, downgrade, in_tx) != EXIT_OK)
			return EXIT_FAILED;
		if (!in_tx)
		{
			bool		match;

			if (begin(db) != EXIT_OK)
				return EXIT_FAILED;
			if (versions_match(db, &repo->graph, state, &match) != EXIT_OK)
				return EXIT_FAILED;
			if (!match)
				return fail(EXIT_FAILED, "the version set changed while revision %s (%s) ran outside a transaction; another migrate may be running, and %s was not recorded",
							r->rf.id, message_or_default(r), r->rf.id);
		}
		history_add(&c->history, r->rf.id, downgrade ? "downgrade" : "upgrade",
					r->sel.checksum, started, (now_ms() - t0) / 1000.0);
		state[node] = downgrade ? 0 : 1;
		(*count)++;
		progress_done(&p);
	}
	return EXIT_OK;
}

/* Stamp: one history row per revision whose applied status changes. */
static void
stamp_steps(Change *c, const MgPlan *plan, int *count)
{
	char		now[32];

	iso_now(now);
	for (int i = 0; i < plan->steps.count; i++)
	{
		int			node = plan->steps.items[i];
		const RepoRev *r = &c->repo->revs[node];

		history_add(&c->history, r->rf.id, "stamp",
					plan->after[node] ? r->sel.checksum : NULL, now, 0.0);
		(*count)++;
	}
}

static int
sq_apply(Db *db, Repo *repo, const char *target, MgOp op, bool purge,
		 int *count)
{
	Change		c = {repo, false, {0}};
	uint8_t    *applied;
	MgPlan		plan;
	MgError		err;
	int			changed;
	int			st = EXIT_OK;

	*count = 0;
	if (begin_change(db, repo, op == MG_OP_STAMP && purge, &c.new_catalog,
					 &applied) != EXIT_OK)
	{
		mg_free(applied);
		return EXIT_FAILED;
	}
	if (!c.new_catalog)
	{
		if (push_in_tx(db, repo, applied, &changed) != EXIT_OK)
		{
			rollback(db);
			mg_free(applied);
			return EXIT_FAILED;
		}
		report_stored(changed);
	}
	if (mg_plan(&repo->graph, target, op, applied, purge, &plan, &err) != MG_OK)
	{
		rollback(db);
		mg_free(applied);
		return fail_mg(&err);
	}
	if (op == MG_OP_STAMP)
		stamp_steps(&c, &plan, count);
	else if ((st = (plan.downgrade ? check_downgrades(repo, &plan) : EXIT_OK)) == EXIT_OK)
		st = run_steps(db, &c, &plan, applied, count);
	if (st == EXIT_OK)
		st = save_state(db, &c, plan.after);
	if (st == EXIT_OK)
		st = commit(db);
	else
		rollback(db);
	if (st != EXIT_OK && op != MG_OP_STAMP)
		*count = 0;
	history_free(&c.history);
	mg_plan_free(&plan);
	mg_free(applied);
	return st;
}

/* ---- offline scripts ---- */

static void
put_literal(MgBuf *b, const char *s)
{
	if (s == NULL)
	{
		mg_buf_puts(b, "NULL");
		return;
	}
	mg_buf_puts(b, "'");
	for (const char *q = s; *q; q++)
	{
		if (*q == '\'')
			mg_buf_puts(b, "'");
		mg_buf_append(b, q, 1);
	}
	mg_buf_puts(b, "'");
}

static void
put_versions(MgBuf *b, const MgGraph *g, const uint8_t *applied)
{
	MgIntList	vs = mg_version_set(g, applied);

	mg_buf_puts(b, "DELETE FROM migrate_version;\n");
	for (int i = 0; i < vs.count; i++)
	{
		mg_buf_puts(b, "INSERT INTO migrate_version (revision) VALUES (");
		put_literal(b, g->nodes[vs.items[i]].id);
		mg_buf_puts(b, ");\n");
	}
	mg_intlist_free(&vs);
}

static void
put_sql(MgBuf *b, const char *sql)
{
	size_t		end = strlen(sql);

	while (end > 0 && (sql[end - 1] == ' ' || sql[end - 1] == '\t' ||
					   sql[end - 1] == '\n'))
		end--;
	if (end == 0)
		return;					/* an empty section (a merge) */
	mg_buf_append(b, sql, end);
	/* make sure the last statement is terminated before what follows */
	mg_buf_puts(b, sql[end - 1] == ';' ? "\n" : "\n;\n");
}

/* Refuse to run against any other version set than the one planned from. */
static void
put_state_check(MgBuf *b, const MgGraph *g, const uint8_t *applied)
{
	MgIntList	vs = mg_version_set(g, applied);

	mg_buf_puts(b, "DROP TABLE IF EXISTS temp.migrate_offline_check;\n"
				"CREATE TEMP TABLE migrate_offline_check (ok INTEGER CONSTRAINT"
				" \"the database is not at the state this script was generated for\""
				" CHECK (ok));\n");
	mg_buf_printf(b, "INSERT INTO temp.migrate_offline_check"
				  " SELECT (SELECT count(*) FROM migrate_version) = %d", vs.count);
	if (vs.count > 0)
	{
		mg_buf_puts(b, "\n    AND (SELECT count(*) FROM migrate_version WHERE revision IN (");
		for (int i = 0; i < vs.count; i++)
		{
			if (i)
				mg_buf_puts(b, ", ");
			put_literal(b, g->nodes[vs.items[i]].id);
		}
		mg_buf_printf(b, ")) = %d", vs.count);
	}
	mg_buf_puts(b, ";\nDROP TABLE temp.migrate_offline_check;\n");
	mg_intlist_free(&vs);
}

static int
sq_offline(Db *db, Repo *repo, const char *target, MgOp op)
{
	uint8_t    *applied;
	uint8_t    *state;
	MgPlan		plan;
	MgError		err;
	MgBuf		b;
	bool		downgrade = (op == MG_OP_DOWNGRADE);

	if (op == MG_OP_STAMP)
		return fail(EXIT_USAGE, "stamp has no offline mode");
	if (load_state(db, repo, false, &applied) != EXIT_OK)
	{
		mg_free(applied);
		return EXIT_FAILED;
	}
	if (mg_plan(&repo->graph, target, op, applied, false, &plan, &err) != MG_OK)
	{
		mg_free(applied);
		return fail_mg(&err);
	}
	if (plan.downgrade && check_downgrades(repo, &plan) != EXIT_OK)
	{
		mg_plan_free(&plan);
		mg_free(applied);
		return EXIT_FAILED;
	}

	mg_buf_init(&b);
	mg_buf_printf(&b, "-- migrate: offline %s to ", downgrade ? "downgrade" : "upgrade");
	put_literal(&b, target);
	mg_buf_printf(&b, ", %d revision%s\n"
				  "-- run with: sqlite3 DATABASE < <this file>\n"
				  ".bail on\n"
				  ".timeout %d\n"
				  "BEGIN IMMEDIATE;\n",
				  plan.steps.count, plan.steps.count == 1 ? "" : "s",
				  DEFAULT_BUSY_TIMEOUT_MS);
	mg_buf_puts(&b, catalog_ddl);
	put_state_check(&b, &repo->graph, applied);
	mg_buf_puts(&b, "CREATE TEMP TABLE IF NOT EXISTS migrate_offline_clock"
				" (id INTEGER PRIMARY KEY CHECK (id = 1), started REAL NOT NULL);\n");

	state = mg_alloc((size_t) repo->graph.n + 1);
	memcpy(state, applied, (size_t) repo->graph.n);
	for (int i = 0; i < plan.steps.count; i++)
	{
		int			node = plan.steps.items[i];
		const RepoRev *r = &repo->revs[node];
		const MgSection *sec = downgrade ? r->sel.downgrade : r->sel.upgrade;
		const char *msg = r->rf.message;
		char	   *running;

		if (!r->rf.transactional)
		{
			/* close the transaction with the state so far */
			put_versions(&b, &repo->graph, state);
			mg_buf_puts(&b, "COMMIT;\n");
		}
		running = mg_running_text(&repo->graph, node, downgrade, msg);
		mg_buf_printf(&b, "\n-- %s\n", running);
		mg_free(running);
		mg_buf_puts(&b, "REPLACE INTO temp.migrate_offline_clock VALUES (1, julianday('now'));\n");
		put_sql(&b, sec->body);
		if (!r->rf.transactional)
			mg_buf_puts(&b, "BEGIN IMMEDIATE;\n");
		mg_buf_puts(&b, "INSERT INTO migrate_history (revision, action, checksum,"
					" started_at, duration, role, xid)\nSELECT ");
		put_literal(&b, r->rf.id);
		mg_buf_printf(&b, ", '%s', ", downgrade ? "downgrade" : "upgrade");
		put_literal(&b, r->sel.checksum);
		mg_buf_puts(&b, ", strftime('%Y-%m-%dT%H:%M:%fZ', started),"
					" (julianday('now') - started) * 86400.0, ");
		put_literal(&b, os_user());
		mg_buf_puts(&b, ", ");
		put_literal(&b, run_xid());
		mg_buf_puts(&b, " FROM temp.migrate_offline_clock;\n");
		state[node] = downgrade ? 0 : 1;
	}
	mg_buf_puts(&b, "\n");
	put_versions(&b, &repo->graph, state);
	mg_buf_puts(&b, "DROP TABLE temp.migrate_offline_clock;\n"
				"COMMIT;\n");
	fwrite(b.data, 1, b.len, stdout);
	fflush(stdout);
	mg_buf_free(&b);
	mg_free(state);
	mg_plan_free(&plan);
	mg_free(applied);
	return ferror(stdout) ? fail(EXIT_FAILED, "cannot write the script to standard output") : EXIT_OK;
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
 * What the history says about applied revisions: for each revision whose
 * last history row applied it (upgrade, or a stamp with a checksum) and
 * that is applied now, that row's checksum and time.  Recorded revisions
 * and stored versions the repo lacks go to *unknown, sorted.
 */
static int
sq_applied_info(Db *db, Repo *repo, AppliedInfo *info, MgStrList *unknown)
{
	uint8_t    *applied = NULL;
	MgStrList	versions = {0};
	sqlite3_stmt *st;
	bool		exists;
	int			rc;
	int			status = EXIT_OK;

	for (int i = 0; i < repo->n; i++)
		info[i].checksum = info[i].applied_at = NULL;
	/* one snapshot for the version set and the history */
	if (exec_sql(db, "BEGIN", "starting a read transaction") != EXIT_OK)
		return EXIT_FAILED;
	if (load_versions(db, &versions) != EXIT_OK ||
		load_state(db, repo, true, &applied) != EXIT_OK ||
		table_exists(db, "migrate_history", &exists) != EXIT_OK)
	{
		status = EXIT_FAILED;
		goto done;
	}
	for (int i = 0; i < versions.count; i++)
		if (repo_find(repo, versions.items[i]) < 0)
			add_unknown(unknown, versions.items[i]);
	if (!exists)
		goto done;
	st = prepare(db, "SELECT revision, action, checksum, started_at"
				 " FROM migrate_history"
				 " WHERE id IN (SELECT max(id) FROM migrate_history GROUP BY revision)"
				 " ORDER BY revision");
	if (st == NULL)
	{
		status = EXIT_FAILED;
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		const char *id = (const char *) sqlite3_column_text(st, 0);
		const char *action = (const char *) sqlite3_column_text(st, 1);
		const char *checksum = (const char *) sqlite3_column_text(st, 2);
		const char *at = (const char *) sqlite3_column_text(st, 3);
		int			node;

		if (id == NULL || action == NULL)
			continue;
		if (!(strcmp(action, "upgrade") == 0 ||
			  (strcmp(action, "stamp") == 0 && checksum != NULL)))
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
		status = sql_fail(db, "reading migrate_history");
	sqlite3_finalize(st);

done:
	rollback(db);
	if (unknown->count > 1)
		qsort(unknown->items, (size_t) unknown->count, sizeof(char *), cmp_str);
	mg_strlist_free(&versions);
	mg_free(applied);
	return status;
}

const DbOps sqlite_ops = {
	"sqlite",
	MG_DIALECT_SQLITE,
	sq_open,
	sq_close,
	sq_push,
	sq_versions,
	sq_apply,
	sq_offline,
	sq_applied_info
};
