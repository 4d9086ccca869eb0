/*
 * sqlite_state.c — migrate's state in a SQLite database: the version
 * set, the history rows waiting for a commit, and pushing the revision
 * files into migrate_revision (see sqlite.c for the locking protocol).
 */
#include "sqlite_int.h"
#include "sqltext.h"
#include "syntax.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- catalog access ---- */

int
sq_table_exists(Db *db, const char *name, bool *exists)
{
	sqlite3_stmt *st = sq_prepare(db, "SELECT 1 FROM sqlite_master"
							   " WHERE type = 'table' AND name = ?1");
	int			rc;

	if (st == NULL)
		return EXIT_FAILED;
	sq_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	*exists = (rc == SQLITE_ROW);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
	{
		int			s = sq_sql_fail(db, "reading the schema");

		sqlite3_finalize(st);
		return s;
	}
	sqlite3_finalize(st);
	return EXIT_OK;
}

/* The stored version set, in id order; empty without the table. */
int
sq_load_versions(Db *db, MgStrList *out)
{
	sqlite3_stmt *st;
	bool		exists;
	int			rc;

	if (sq_table_exists(db, "migrate_version", &exists) != EXIT_OK)
		return EXIT_FAILED;
	if (!exists)
		return EXIT_OK;
	st = sq_prepare(db, "SELECT revision FROM migrate_version ORDER BY revision");
	if (st == NULL)
		return EXIT_FAILED;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		const char *v = (const char *) sqlite3_column_text(st, 0);

		mg_strlist_add(out, v ? v : "");
	}
	if (rc != SQLITE_DONE)
	{
		int			s = sq_sql_fail(db, "reading migrate_version");

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
int
sq_load_state(Db *db, Repo *repo, bool ignore_unknown, uint8_t **applied)
{
	MgStrList	versions = {0};
	int			st;

	*applied = mg_alloc0((size_t) repo->graph.n + 1);
	if (sq_load_versions(db, &versions) != EXIT_OK)
		return EXIT_FAILED;
	st = repo_applied(repo, &versions, ignore_unknown, *applied);
	mg_strlist_free(&versions);
	return st;
}

/* Replace the stored version set with the canonical set of applied. */
int
sq_write_versions(Db *db, const MgGraph *g, const uint8_t *applied)
{
	MgIntList	vs = mg_version_set(g, applied);
	sqlite3_stmt *ins;
	int			st = EXIT_OK;

	if (sq_exec_sql(db, "DELETE FROM migrate_version", "clearing migrate_version") != EXIT_OK)
	{
		mg_intlist_free(&vs);
		return EXIT_FAILED;
	}
	ins = sq_prepare(db, "INSERT INTO migrate_version (revision) VALUES (?1)");
	if (ins == NULL)
	{
		mg_intlist_free(&vs);
		return EXIT_FAILED;
	}
	for (int i = 0; i < vs.count && st == EXIT_OK; i++)
	{
		sq_bind_text(ins, 1, g->nodes[vs.items[i]].id);
		if (sqlite3_step(ins) != SQLITE_DONE)
			st = sq_sql_fail(db, "writing migrate_version");
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	mg_intlist_free(&vs);
	return st;
}

/* Is the stored version set exactly the canonical set of applied? */
int
sq_versions_match(Db *db, const MgGraph *g, const uint8_t *applied, bool *match)
{
	MgStrList	stored = {0};
	MgIntList	vs = mg_version_set(g, applied);

	if (sq_load_versions(db, &stored) != EXIT_OK)
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


void
sq_history_add(History *h, const char *id, const char *action,
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
	row->previous_checksum = NULL;
	snprintf(row->started_at, sizeof(row->started_at), "%s", started_at);
	row->duration = duration;
}

/* Insert the waiting rows in order, inside the open transaction. */
int
sq_history_write(Db *db, History *h)
{
	sqlite3_stmt *st;
	int			s = EXIT_OK;

	if (h->count == 0)
		return EXIT_OK;
	st = sq_prepare(db, "INSERT INTO migrate_history"
				 " (revision, action, checksum, started_at, duration, role, xid,"
				 " previous_checksum)"
				 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (st == NULL)
		return EXIT_FAILED;
	sq_bind_text(st, 6, sq_os_user());
	sq_bind_text(st, 7, sq_run_xid());
	for (int i = 0; i < h->count && s == EXIT_OK; i++)
	{
		const HistoryRow *row = &h->rows[i];

		sq_bind_text(st, 1, row->revision);
		sq_bind_text(st, 2, row->action);
		sq_bind_text(st, 3, row->checksum);
		sq_bind_text(st, 4, row->started_at);
		sqlite3_bind_double(st, 5, row->duration);
		sq_bind_text(st, 8, row->previous_checksum);
		if (sqlite3_step(st) != SQLITE_DONE)
			s = sq_sql_fail(db, "recording history");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	h->count = 0;
	return s;
}

void
sq_history_free(History *h)
{
	mg_free(h->rows);
	memset(h, 0, sizeof(*h));
}

/* ---- push ---- */

/*
 * An applied revision must keep its upgrade checksum, revises and depends
 * (the messages are the extension's, see src/server/addrev.c); a changed
 * checksum is accepted with PUSH_REPAIR, and with PUSH_KEEP the stored
 * row stays (*keep).
 */
static int
check_replacement(const RepoRev *r, const char *old_checksum,
				  const char *old_revises, const char *old_depends,
				  PushMode mode, bool *keep)
{
	char	   *revises = mg_strlist_join(&r->rf.revises);
	char	   *depends = mg_strlist_join(&r->rf.depends);
	bool		same = strcmp(revises, old_revises ? old_revises : "") == 0 &&
		strcmp(depends, old_depends ? old_depends : "") == 0;
	bool		changed = strcmp(old_checksum ? old_checksum : "", r->sel.checksum) != 0;
	MgError		err;

	mg_free(revises);
	mg_free(depends);
	*keep = changed && mode == PUSH_KEEP;
	if (*keep)
	{
		verbose("migrate: revision %s is applied and its file changed; migrate_revision keeps the applied text\n",
				r->rf.id);
		return EXIT_OK;
	}
	if (mg_rule_replace_applied(r->rf.id, r->path, old_checksum, r->sel.checksum,
								same, mode == PUSH_REPAIR, &err) != MG_OK)
		return fail_mg(&err);
	return EXIT_OK;
}

/*
 * The files are the program's truth: rows of migrate_revision without a
 * file go (a stored version without a file was refused before this).
 */
static int
forget_missing(Db *db, Repo *repo, int *changed)
{
	sqlite3_stmt *ids = sq_prepare(db, "SELECT id FROM migrate_revision");
	sqlite3_stmt *del = sq_prepare(db, "DELETE FROM migrate_revision WHERE id = ?1");
	MgStrList	gone = {0};
	int			rc,
				st = EXIT_OK;

	if (ids == NULL || del == NULL)
	{
		sqlite3_finalize(ids);
		sqlite3_finalize(del);
		return EXIT_FAILED;
	}
	while ((rc = sqlite3_step(ids)) == SQLITE_ROW)
	{
		const char *id = (const char *) sqlite3_column_text(ids, 0);

		if (id && repo_find(repo, id) < 0)
			mg_strlist_add(&gone, id);
	}
	if (rc != SQLITE_DONE)
		st = sq_sql_fail(db, "reading migrate_revision");
	for (int i = 0; i < gone.count && st == EXIT_OK; i++)
	{
		sq_bind_text(del, 1, gone.items[i]);
		if (sqlite3_step(del) != SQLITE_DONE)
			st = sq_sql_fail(db, "removing a revision whose file is gone");
		sqlite3_reset(del);
		verbose("migrate: revision %s has no file; removed from migrate_revision\n", gone.items[i]);
		(*changed)++;
	}
	mg_strlist_free(&gone);
	sqlite3_finalize(ids);
	sqlite3_finalize(del);
	return st;
}

/*
 * The push rules, inside the caller's write transaction (tables exist):
 * absent -> insert; same file text -> nothing; changed -> replace, unless
 * it is applied and its checksum (see PushMode) or structure changed.
 */
int
sq_push_in_tx(Db *db, Repo *repo, const uint8_t *applied, PushMode mode,
			  int *changed)
{
	sqlite3_stmt *get,
			   *put;
	char		now[32];
	int			st = EXIT_OK;

	*changed = 0;
	get = sq_prepare(db, "SELECT script, checksum, revises, depends"
				  " FROM migrate_revision WHERE id = ?1");
	put = sq_prepare(db, "INSERT OR REPLACE INTO migrate_revision (id, revises,"
				  " depends, branch, message, created, upgrade, downgrade,"
				  " transactional, checksum, source, loaded_at, script)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
	if (get == NULL || put == NULL)
	{
		sqlite3_finalize(get);
		sqlite3_finalize(put);
		return EXIT_FAILED;
	}
	sq_iso_now(now);
	for (int i = 0; i < repo->n && st == EXIT_OK; i++)
	{
		const RepoRev *r = &repo->revs[i];
		int			rc;
		char	   *l;
		bool		keep = false;

		sq_bind_text(get, 1, r->rf.id);
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
									   (const char *) sqlite3_column_text(get, 3),
									   mode, &keep);
		}
		else if (rc != SQLITE_DONE)
			st = sq_sql_fail(db, "reading migrate_revision");
		sqlite3_reset(get);
		if (st != EXIT_OK)
			break;
		if (keep)
			continue;

		sq_bind_text(put, 1, r->rf.id);
		l = mg_strlist_join(&r->rf.revises);
		sq_bind_text(put, 2, l);
		mg_free(l);
		l = mg_strlist_join(&r->rf.depends);
		sq_bind_text(put, 3, l);
		mg_free(l);
		l = mg_strlist_join(&r->rf.branch);
		sq_bind_text(put, 4, l);
		mg_free(l);
		sq_bind_text(put, 5, r->rf.message);
		sq_bind_text(put, 6, r->rf.created);
		sq_bind_text(put, 7, r->sel.upgrade->body);
		sq_bind_text(put, 8, r->sel.downgrade ? r->sel.downgrade->body : NULL);
		sqlite3_bind_int(put, 9, r->rf.transactional ? 1 : 0);
		sq_bind_text(put, 10, r->sel.checksum);
		sq_bind_text(put, 11, r->file);
		sq_bind_text(put, 12, now);
		sq_bind_text(put, 13, r->text);
		if (sqlite3_step(put) != SQLITE_DONE)
			st = sq_sql_fail(db, "writing migrate_revision");
		sqlite3_reset(put);
		sqlite3_clear_bindings(put);
		if (st == EXIT_OK)
			(*changed)++;
	}
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	if (st == EXIT_OK)
		st = forget_missing(db, repo, changed);
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
			sq_busy_hint(db->busy_timeout);
			return EXIT_FAILED;
		}
		usleep(50 * 1000);
	}
	return EXIT_OK;
}

/* Does the database have none of the migrate tables? */
int
sq_catalog_absent(Db *db, bool *absent)
{
	sqlite3_stmt *st = sq_prepare(db, "SELECT count(*) FROM sqlite_master"
							   " WHERE type = 'table' AND name IN"
							   " ('migrate_revision', 'migrate_version', 'migrate_history', 'migrate_snapshot', 'migrate_journal')");
	int			rc;

	if (st == NULL)
		return EXIT_FAILED;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
	{
		int			s = sq_sql_fail(db, "reading the schema");

		sqlite3_finalize(st);
		return s;
	}
	*absent = sqlite3_column_int(st, 0) == 0;
	sqlite3_finalize(st);
	return EXIT_OK;
}

/*
 * A migrate_history made before repair existed (no previous_checksum, a
 * CHECK without 'repair') is rebuilt in the open transaction, with its
 * rows and ids.
 */
static int
upgrade_history(Db *db)
{
	sqlite3_stmt *st = sq_prepare(db, "SELECT sql FROM sqlite_master"
								  " WHERE type = 'table' AND name = 'migrate_history'");
	bool		old = false;

	if (st == NULL)
		return EXIT_FAILED;
	if (sqlite3_step(st) == SQLITE_ROW)
	{
		const char *sql = (const char *) sqlite3_column_text(st, 0);

		old = sql && strstr(sql, "previous_checksum") == NULL;
	}
	sqlite3_finalize(st);
	if (!old)
		return EXIT_OK;
	verbose("migrate: adding previous_checksum to migrate_history\n");
	if (sq_exec_sql(db, "ALTER TABLE migrate_history RENAME TO migrate_history_old",
					"upgrading migrate_history") != EXIT_OK ||
		sq_exec_sql(db, mg_sqlite_catalog_ddl, "creating the migrate tables") != EXIT_OK ||
		sq_exec_sql(db, "INSERT INTO migrate_history (id, revision, action, checksum,"
					" started_at, duration, role, xid)"
					" SELECT id, revision, action, checksum, started_at, duration, role, xid"
					" FROM migrate_history_old ORDER BY id;"
					" DROP TABLE migrate_history_old", "upgrading migrate_history") != EXIT_OK)
		return EXIT_FAILED;
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
int
sq_begin_change(Db *db, Repo *repo, bool ignore_unknown, bool *defer,
			 uint8_t **applied)
{
	bool		absent = false;

	*applied = NULL;
	if (lock_programs(db) != EXIT_OK || sq_begin(db) != EXIT_OK)
		return EXIT_FAILED;
	if ((defer != NULL && sq_catalog_absent(db, &absent) != EXIT_OK) ||
		(!absent && sq_exec_sql(db, mg_sqlite_catalog_ddl, "creating the migrate tables") != EXIT_OK) ||
		(!absent && upgrade_history(db) != EXIT_OK) ||
		sq_load_state(db, repo, ignore_unknown, applied) != EXIT_OK)
	{
		sq_rollback(db);
		return EXIT_FAILED;
	}
	if (defer != NULL)
		*defer = absent;
	return EXIT_OK;
}

void
sq_report_stored(int changed)
{
	if (changed > 0)
		verbose("migrate: stored %d new or changed revision%s\n", changed,
				changed == 1 ? "" : "s");
}

int
sq_push(Db *db, Repo *repo, int *changed)
{
	uint8_t    *applied;

	*changed = 0;
	if (sq_begin_change(db, repo, false, NULL, &applied) != EXIT_OK)
	{
		mg_free(applied);
		return EXIT_FAILED;
	}
	if (sq_push_in_tx(db, repo, applied, PUSH_REFUSE, changed) != EXIT_OK)
	{
		sq_rollback(db);
		mg_free(applied);
		*changed = 0;
		return EXIT_FAILED;
	}
	mg_free(applied);
	return sq_commit(db);
}

int
sq_versions(Db *db, MgStrList *out)
{
	return sq_load_versions(db, out);
}

