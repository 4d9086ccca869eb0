/*
 * offline.h — the one offline-script writer (Alembic's --sql), for both
 * dialects: the server's upgrade_sql()/downgrade_sql() and the program's
 * --sql (from the database's state or, with a range, from the files
 * alone) all call mg_offline_script(), so for one graph and range they
 * write the same bytes.
 *
 * A PostgreSQL script works on any database at its starting state:
 * it creates the extension if it is missing, refuses another extension
 * version or another version set, adds every revision it runs
 * (add_revision(), a no-op where the catalog has it), then per revision
 * "-- Running upgrade A -> B, msg", the revision's SQL and its history
 * row, and the version set before each COMMIT.  A transaction-false
 * revision is placed between transactions, the whole script then holding
 * the migrate lock at session level.  A SQLite script (run with sqlite3)
 * creates migrate's tables if missing and does the same bookkeeping.
 */
#ifndef MG_OFFLINE_H
#define MG_OFFLINE_H

#include "exec.h"
#include "revfile.h"

typedef struct MgOfflineInput
{
	const MgGraph *graph;
	MgDialect	dialect;		/* MG_DIALECT_POSTGRESQL or MG_DIALECT_SQLITE */
	const char *target;			/* as the user wrote it, for the header */
	bool		downgrade;
	const MgIntList *steps;		/* the plan */
	const uint8_t *from;		/* applied set the plan starts from */
	/* describe() and fetch() of the side's revisions; the rest unused */
	const MgExecOps *source;
	void	   *source_ctx;
	/* SQLite history columns */
	const char *role;
	const char *xid;
} MgOfflineInput;

/* Append the script to out. */
MgStatus	mg_offline_script(const MgOfflineInput *in, MgBuf *out, MgError *err);

/* SQLite: migrate's own tables (IF NOT EXISTS), also used by the program. */
extern const char mg_sqlite_catalog_ddl[];

/*
 * PostgreSQL: whether the database is at heads with every revision
 * applied with the checksum it has now (migrate.state.up_to_date); run by
 * the server after every state change and written into offline scripts.
 */
#define MG_PG_REFRESH_STATE_SQL \
	"UPDATE migrate.state SET up_to_date =" \
	" COALESCE((SELECT pg_catalog.array_agg(id ORDER BY id)" \
	" FROM migrate.revision WHERE tip), '{}'::pg_catalog.text[])" \
	" OPERATOR(pg_catalog.=)" \
	" COALESCE((SELECT pg_catalog.array_agg(revision ORDER BY revision)" \
	" FROM migrate.version), '{}'::pg_catalog.text[])" \
	" AND NOT EXISTS (SELECT 1 FROM migrate.revision" \
	" WHERE applied_checksum IS NULL" \
	" OR applied_checksum OPERATOR(pg_catalog.<>) checksum)" \
	" AND NOT EXISTS (SELECT 1 FROM migrate.journal)"

/* SQL text helpers (PostgreSQL's quote_literal rules; SQLite: '' only). */
void		mg_sql_literal(MgBuf *b, const char *s, MgDialect dialect);

#endif							/* MG_OFFLINE_H */
