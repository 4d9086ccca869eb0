/*
 * sqlite_batch.h — batch mode (SPEC §7): a revision's SQLite SQL run
 * statement by statement, where consecutive ALTER TABLE statements on one
 * table that SQLite cannot run become one 12-step rebuild
 * (sqlite_rebuild.h) read from the schema as it is at that point.  The
 * executor runs the statements on the database; the --sql writer prints
 * them and runs them on an in-memory copy of the schema.
 */
#ifndef MIGRATE_SQLITE_BATCH_H
#define MIGRATE_SQLITE_BATCH_H

#include "sqlite_rebuild.h"

typedef struct SqBatchOps
{
	/*
	 * Run one statement (NUL-terminated); off: where in the section it
	 * comes from; generated: written by the rewriter.  False with err set.
	 */
	bool		(*run) (void *ctx, const char *sql, size_t off, bool generated,
						char *err, size_t errlen);
	/* The foreign-key check ending a rebuild of table. */
	bool		(*check) (void *ctx, const SqStep *step, const char *table,
						  char *err, size_t errlen);
} SqBatchOps;

/* Does the section hold an ALTER TABLE (may it need a rebuild)? */
bool		sq_batch_candidate(const char *body);

/*
 * Run body with the rewriter; db is where the schema is read.  *rebuilt
 * counts the rebuilds.  False with err and *erroff (offset in body);
 * *input_error: the SQL itself is wrong (an ALTER TABLE form SQLite has
 * no equivalent of), not its run.
 */
bool		sq_batch_run(sqlite3 *db, const char *body, const SqBatchOps *ops,
						 void *ctx, int *rebuilt, char *err, size_t errlen,
						 size_t *erroff, bool *input_error);

#endif							/* MIGRATE_SQLITE_BATCH_H */
