/*
 * sqlite_int.h — what the SQLite backend's files share: the connection
 * (sqlite.c), migrate's state tables (sqlite_state.c) and the executor
 * and offline scripts (sqlite_exec.c).
 */
#ifndef MIGRATE_SQLITE_INT_H
#define MIGRATE_SQLITE_INT_H

#include "cli.h"
#include "offline.h"

#include <sqlite3.h>

struct Db
{
	sqlite3    *conn;
	char	   *path;
	long		busy_timeout;	/* ms */
	bool		deny_tx;		/* revision SQL runs inside our transaction */
	int			lock_fd;		/* flock()ed database file, or -1 */
	const char *denied;			/* the statement the authorizer refused */
};

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
	const char *previous_checksum;	/* a repair's old checksum, else NULL */
	char		started_at[32];
	double		duration;
} HistoryRow;

typedef struct History
{
	HistoryRow *rows;
	int			count;
	int			cap;
} History;

/* sqlite.c: helpers */
int			sq_sql_fail(Db *db, const char *what);
int			sq_exec_sql(Db *db, const char *sql, const char *what);
sqlite3_stmt *sq_prepare(Db *db, const char *sql);
void		sq_bind_text(sqlite3_stmt *st, int i, const char *s);
void		sq_rollback(Db *db);
int			sq_begin(Db *db);
int			sq_commit(Db *db);
void		sq_iso_now(char out[32]);
const char *sq_os_user(void);
const char *sq_run_xid(void);
const char *sq_message_or_default(const RepoRev *r);
void		sq_busy_hint(long timeout);

/* sqlite_state.c: state tables, history, push */
int			sq_table_exists(Db *db, const char *name, bool *exists);
int			sq_load_versions(Db *db, MgStrList *out);
int			sq_load_state(Db *db, Repo *repo, bool ignore_unknown, uint8_t **applied);
int			sq_write_versions(Db *db, const MgGraph *g, const uint8_t *applied);
int			sq_versions_match(Db *db, const MgGraph *g, const uint8_t *applied, bool *match);
void		sq_history_add(History *h, const char *id, const char *action,
						   const char *checksum, const char *started_at, double duration);
int			sq_history_write(Db *db, History *h);
void		sq_history_free(History *h);
int			sq_push_in_tx(Db *db, Repo *repo, const uint8_t *applied, PushMode mode,
						  int *changed);
int			sq_catalog_absent(Db *db, bool *absent);
int			sq_begin_change(Db *db, Repo *repo, bool ignore_unknown, bool *defer,
							uint8_t **applied);
void		sq_report_stored(int changed);
int			sq_push(Db *db, Repo *repo, int *changed);
int			sq_versions(Db *db, MgStrList *out);

/*
 * sqlite.c: the checksum each applied revision was applied with, from
 * migrate_history, in the open transaction (see DbOps.applied_info)
 */
int			sq_read_applied(Db *db, Repo *repo, const uint8_t *applied,
							AppliedInfo *info, MgStrList *unknown);

/* sqlite_repair.c: migrate repair */
int			sq_repair(Db *db, Repo *repo, Repaired **out, int *n);

/* sqlite_exec.c: the executor and offline scripts */
int			sq_apply(Db *db, Repo *repo, const char *target, MgOp op, bool purge,
					 int *count);
int			sq_offline(Db *db, Repo *repo, const char *target, MgOp op);
/* sqlite_model.c: autogenerate, diff and check (DbOps.model) */
struct ModelCall;
int			sq_model(Db *db, Repo *repo, const struct ModelCall *call, char **out);

/*
 * sqlite_exec.c: run one section of r (batch mode where it applies);
 * in_tx: inside migrate's transaction.  Reports a failure on stderr.
 */
int			sq_run_section(Db *db, const RepoRev *r, bool downgrade, bool in_tx);
/* sqlite_lint.c: DbOps.lint */
int			sq_lint(Db *db, Repo *repo, const MgIntList *nodes, MgStrList *rows);
/* sqlite_journal.c: a transaction-false section, journaled (resumable) */
int			sq_run_outside(Db *db, const RepoRev *r, const MgStep *s);
int			sq_journal_forget(Db *db, const char *id);	/* NULL: every row */
int			sq_journal_read(Db *db, Repo *repo, AppliedInfo *info);

/* sqlite.c: a Db around an open connection (migrate test's copy) */
Db		   *sq_wrap(sqlite3 *conn, const char *label);

/* sqlite_model.c: run SQL (batch mode) on db, "LINE: message" in err */
bool		sq_mem_run(sqlite3 *db, const char *sql, char *err, size_t errlen);
/* sqlite_model.c: the DDL from conn's schema to the model ("" when none) */
struct Model;
int			sq_model_pending(sqlite3 *conn, const struct Model *model, char **out);

/* sqlite_verify.c: snapshots, drift and the test suite (SPEC §8) */
int			sq_snapshot_record(Db *db);
int			sq_drift(Db *db, const char *schemas, MgStrList *rows, bool *recorded);
int			sq_test(Db *db, Repo *repo, const char *target, const struct Model *model,
					bool scratch, MgStrList *rows);

/* Does the revision's section go through the batch rewriter? */
bool		sq_batch_section(const RepoRev *r, const MgSection *sec);

#endif							/* MIGRATE_SQLITE_INT_H */
