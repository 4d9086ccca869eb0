/*
 * journal.h — running a transaction-false revision so that a run that
 * dies part-way resumes (SPEC §9), one driver for both databases
 * (journal.c) over the primitives below.
 *
 * The journal holds, per revision being run, the direction, how many of
 * its statements are done and a hash chained over those statements' text
 * (PostgreSQL: migrate.journal, written through migrate.journal_write();
 * SQLite: migrate_journal).  Recording the revision deletes its row in the
 * same transaction as the history row.
 *
 * Each statement runs, where it can, in a transaction of its own together
 * with the journal row that counts it, so it is done and counted or
 * neither.  A statement that cannot run in a transaction block (CREATE
 * INDEX CONCURRENTLY, VACUUM, ...) runs on its own and is counted right
 * after; a run that dies between the two leaves it uncounted, and on
 * resume inspect() says what it left (PostgreSQL: the INVALID index of an
 * interrupted build is dropped and built again; an index it had built is
 * counted as done).
 */
#ifndef MIGRATE_CLI_JOURNAL_H
#define MIGRATE_CLI_JOURNAL_H

#include "cli.h"

/* One statement of the section: its text and first file line. */
typedef struct JStmt
{
	const char *sql;
	int			line;
} JStmt;

/* A journal row as read. */
typedef struct JRow
{
	bool		found;
	bool		downgrade;
	int			done;
	int			total;
	char		hash[65];
} JRow;

/* exec(): the statement cannot run inside a transaction block */
#define JOURNAL_REFUSED (-1)

typedef struct JournalOps
{
	int			(*read) (void *ctx, const MgStep *s, JRow *row);
	/* in the open transaction if any, else on its own (committed) */
	int			(*write) (void *ctx, const MgStep *s, int done, int total, const char *hash);
	/* "BEGIN", "COMMIT", "ROLLBACK" */
	int			(*tx) (void *ctx, const char *command);
	/*
	 * Run statement st (its index i); in_block: inside the transaction
	 * just begun, returning JOURNAL_REFUSED (and nothing done) when it
	 * cannot run there.  Errors are reported here (file and line).
	 */
	int			(*exec) (void *ctx, const MgStep *s, const JStmt *st, bool in_block);
	/*
	 * Before a resumed run starts again at st: repair what an interrupted
	 * st left, printing what it did; *done when st had completed.  NULL:
	 * nothing to look at.
	 */
	int			(*inspect) (void *ctx, const MgStep *s, const JStmt *st, bool *done);
	/* The fault injection's "terminate": end the server session. */
	void		(*terminate) (void *ctx);
} JournalOps;

/* Run (or resume) s's n statements; EXIT_OK or the status of the error. */
int			journal_run(const MgStep *s, const JStmt *stmts, int n,
						const JournalOps *ops, void *ctx);

/* A note about the journal, to stderr unless -q. */
void		journal_note(const char *fmt,...) __attribute__((format(printf, 1, 2)));

/* stamp cleared n journal rows */
void		journal_note_cleared(int n);

#endif							/* MIGRATE_CLI_JOURNAL_H */
