/*
 * sqlite_journal.c — a transaction-false revision on SQLite, resumable:
 * the shared driver (journal.c) over SQLite primitives, the journal being
 * the migrate_journal table (in the catalog DDL, offline.c).  Each
 * statement commits with its count unless it cannot run in a transaction
 * (VACUUM, PRAGMA, ATTACH, transaction control), which runs on its own
 * and is counted after.  Recording the revision deletes its row
 * (sq_journal_forget) in the transaction of its history row.
 */
#include "sqlite_int.h"
#include "journal.h"
#include "sqlite_tok.h"
#include "sqltext.h"

#include <stdlib.h>
#include <string.h>

typedef struct SqOutside
{
	Db		   *db;
	const RepoRev *r;
	bool		began;			/* tx("BEGIN") opened a transaction */
} SqOutside;

static int
j_read(void *ctx, const MgStep *s, JRow *row)
{
	SqOutside  *o = ctx;
	sqlite3_stmt *st = sq_prepare(o->db, "SELECT action, done, total, done_hash"
								  " FROM migrate_journal WHERE revision = ?1");
	int			rc;

	if (st == NULL)
		return sq_sql_fail(o->db, "reading migrate_journal");
	sqlite3_bind_text(st, 1, s->id, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		row->found = true;
		row->downgrade = strcmp((const char *) sqlite3_column_text(st, 0), "downgrade") == 0;
		row->done = sqlite3_column_int(st, 1);
		row->total = sqlite3_column_int(st, 2);
		snprintf(row->hash, sizeof(row->hash), "%s", (const char *) sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_sql_fail(o->db, "reading migrate_journal");
	return EXIT_OK;
}

static int
j_write(void *ctx, const MgStep *s, int done, int total, const char *hash)
{
	SqOutside  *o = ctx;
	sqlite3_stmt *st = sq_prepare(o->db, "INSERT INTO migrate_journal"
								  " (revision, action, done, total, done_hash, started_at, updated_at)"
								  " VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),"
								  " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
								  " ON CONFLICT (revision) DO UPDATE SET action = excluded.action,"
								  " done = excluded.done, total = excluded.total,"
								  " done_hash = excluded.done_hash, updated_at = excluded.updated_at");
	int			rc;

	if (st == NULL)
		return sq_sql_fail(o->db, "writing migrate_journal");
	sqlite3_bind_text(st, 1, s->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, s->downgrade ? "downgrade" : "upgrade", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, done);
	sqlite3_bind_int(st, 4, total);
	sqlite3_bind_text(st, 5, hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? EXIT_OK : sq_sql_fail(o->db, "writing migrate_journal");
}

/*
 * BEGIN/COMMIT/ROLLBACK of a statement's transaction.  Inside a
 * transaction the revision's own SQL opened, the statement and its count
 * go into that one.
 */
static int
j_tx(void *ctx, const char *command)
{
	SqOutside  *o = ctx;

	if (strcmp(command, "BEGIN") == 0)
	{
		o->began = sqlite3_get_autocommit(o->db->conn) != 0;
		return o->began ? sq_exec_sql(o->db, "BEGIN IMMEDIATE", "starting a transaction") : EXIT_OK;
	}
	if (!o->began)
		return EXIT_OK;
	o->began = false;
	if (strcmp(command, "ROLLBACK") == 0)
	{
		if (!sqlite3_get_autocommit(o->db->conn))
			sq_rollback(o->db);
		return EXIT_OK;
	}
	return sq_exec_sql(o->db, "COMMIT", "committing a statement of the revision");
}

/* Statements that must not run inside our transaction (or do nothing there). */
static bool
outside_only(const char *sql)
{
	static const char *const kw[] = {"VACUUM", "PRAGMA", "ATTACH", "DETACH", "BEGIN",
	"COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"};
	size_t		off = mg_sql_skip_blank(sql, 0, strlen(sql));
	size_t		len = 0;

	while (sql[off + len] && (sql[off + len] == '_' ||
							  ((sql[off + len] | 0x20) >= 'a' && (sql[off + len] | 0x20) <= 'z')))
		len++;
	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strlen(kw[i]) == len && strncasecmp(sql + off, kw[i], len) == 0)
			return true;
	return false;
}

static int
j_exec(void *ctx, const MgStep *s, const JStmt *js, bool in_block)
{
	SqOutside  *o = ctx;
	sqlite3_stmt *st = NULL;
	int			rc;
	int			line = js->line;

	if (in_block && o->began && outside_only(js->sql))
	{
		j_tx(ctx, "ROLLBACK");
		return JOURNAL_REFUSED;
	}
	rc = sqlite3_prepare_v2(o->db->conn, js->sql, -1, &st, NULL);
	if (rc == SQLITE_OK && st != NULL)
	{
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	else if (rc != SQLITE_OK && sqlite3_error_offset(o->db->conn) > 0)
		line = mg_line_at(js->sql, js->line, (size_t) sqlite3_error_offset(o->db->conn));
	if (rc != SQLITE_OK)
	{
		char	   *msg = mg_strdup(sqlite3_errmsg(o->db->conn));

		sqlite3_finalize(st);
		if (in_block && strstr(msg, "within a transaction"))
		{
			mg_free(msg);
			j_tx(ctx, "ROLLBACK");
			return JOURNAL_REFUSED;
		}
		info("failed\n");
		fail(EXIT_FAILED, "%s of revision %s (%s) failed at %s:%d: %s",
			 s->downgrade ? "downgrade" : "upgrade", s->id, sq_message_or_default(o->r),
			 o->r->path, line, msg);
		mg_free(msg);
		return EXIT_FAILED;
	}
	sqlite3_finalize(st);
	return EXIT_OK;
}

static const JournalOps sqlite_journal_ops = {
	j_read, j_write, j_tx, j_exec, NULL, NULL
};

int
sq_run_outside(Db *db, const RepoRev *r, const MgStep *s)
{
	const MgSection *sec = s->downgrade ? r->sel.downgrade : r->sel.upgrade;
	SqOutside	o = {db, r, false};
	SqStmt	   *split = NULL;
	JStmt	   *stmts;
	bool		bad = false;
	int			n,
				st;

	/* a catalog from before the journal gets its table */
	if (sq_exec_sql(db, mg_sqlite_catalog_ddl, "creating the migrate tables") != EXIT_OK)
		return EXIT_FAILED;
	n = sq_split(sec->body, &split, &bad);
	stmts = mg_alloc0(sizeof(JStmt) * (size_t) (n + 1));
	for (int i = 0; i < n; i++)
	{
		stmts[i].sql = mg_strndup(sec->body + split[i].start, split[i].end - split[i].start);
		stmts[i].line = mg_line_at(sec->body, sec->body_line, split[i].start);
	}
	st = journal_run(s, stmts, n, &sqlite_journal_ops, &o);
	if (st == EXIT_OK && !sqlite3_get_autocommit(db->conn))
	{
		info("failed\n");
		sq_rollback(db);
		st = fail(EXIT_FAILED, "%s of revision %s (%s) left a transaction open; its statements were rolled back to the last COMMIT it ran (%s)",
				  s->downgrade ? "downgrade" : "upgrade", r->rf.id,
				  sq_message_or_default(r), r->path);
	}
	for (int i = 0; i < n; i++)
		mg_free((void *) stmts[i].sql);
	mg_free(stmts);
	mg_free(split);
	return st;
}

int
sq_journal_forget(Db *db, const char *id)
{
	sqlite3_stmt *st;
	bool		exists;
	int			rc;

	if (sq_table_exists(db, "migrate_journal", &exists) != EXIT_OK)
		return EXIT_FAILED;
	if (!exists)
		return EXIT_OK;
	st = sq_prepare(db, id ? "DELETE FROM migrate_journal WHERE revision = ?1"
					: "DELETE FROM migrate_journal");
	if (st == NULL)
		return sq_sql_fail(db, "clearing migrate_journal");
	if (id)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? EXIT_OK : sq_sql_fail(db, "clearing migrate_journal");
}

int
sq_journal_read(Db *db, Repo *repo, AppliedInfo *info)
{
	bool		exists;
	sqlite3_stmt *st;
	int			rc;

	if (sq_table_exists(db, "migrate_journal", &exists) != EXIT_OK)
		return EXIT_FAILED;
	if (!exists)
		return EXIT_OK;
	if ((st = sq_prepare(db, "SELECT revision, action, done, total FROM migrate_journal ORDER BY revision")) == NULL)
		return sq_sql_fail(db, "reading migrate_journal");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		int			node = repo_find(repo, (const char *) sqlite3_column_text(st, 0));

		if (node < 0)
			continue;
		info[node].partial = true;
		info[node].partial_downgrade = strcmp((const char *) sqlite3_column_text(st, 1), "downgrade") == 0;
		info[node].partial_done = sqlite3_column_int(st, 2);
		info[node].partial_total = sqlite3_column_int(st, 3);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? EXIT_OK : sq_sql_fail(db, "reading migrate_journal");
}
