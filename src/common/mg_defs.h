/*
 * mg_defs.h — facts both sides must agree on, each written once: the
 * extension version, the advisory lock key, and one row per error kind
 * (its SQLSTATE on the server, the program's exit status).
 *
 * MG_EXT_VERSION comes from migrate.control (default_version): the
 * Makefile reads it there and passes it with -D to every compile.
 */
#ifndef MG_DEFS_H
#define MG_DEFS_H

#include "mg_base.h"

#ifndef MG_EXT_VERSION
#error "MG_EXT_VERSION must be defined by the build (from migrate.control)"
#endif

/*
 * The migrate advisory lock: the bigint whose bytes spell "migrate".
 * State-changing server functions take it at transaction level, the
 * program (and offline scripts with a transaction-false revision) at
 * session level.
 */
#define MG_LOCK_KEY_TEXT "30796665482998885"
#define MG_LOCK_KEY_INT 30796665482998885LL
/*
 * The "outside" key, the next bigint: the program holds it at session
 * level while it runs a transaction-false revision, so that upgrade()
 * callers do not wait for the migrate lock holding a snapshot that the
 * revision's CREATE INDEX CONCURRENTLY would wait for (server guard.c).
 */
#define MG_OUTSIDE_KEY_TEXT "30796665482998886"
#define MG_OUTSIDE_KEY_INT 30796665482998886LL

/* How long the program and offline SQLite scripts wait for a lock. */
#define MG_SQLITE_BUSY_TIMEOUT_MS 60000

/* The SQLSTATE of the NOTICE the server sends as each step starts. */
#define MG_SQLSTATE_STEP "00M01"

/* Program exit statuses, the same on every dialect. */
#define MG_EXIT_OK 0
#define MG_EXIT_FAILED 1		/* a migration or check failed, database
								 * unreachable */
#define MG_EXIT_USAGE 2			/* usage or input error */

/*
 * The SQLSTATE the server raises for an error kind (five characters), and
 * the exit status the program uses for it.  MG_ERR_EXEC (a revision's own
 * statement failed) keeps the statement's SQLSTATE; its row holds the
 * class used when there is none.
 */
const char *mg_status_sqlstate(MgStatus status);
int			mg_status_exit(MgStatus status);
/* The kind of one of our own SQLSTATEs; MG_ERR_EXEC for any other. */
MgStatus	mg_status_from_sqlstate(const char *sqlstate);

/*
 * How a revision was applied, from its history rows: the last one says so
 * when it is an upgrade, a repair (which accepted the checksum the
 * revision has now) or a stamp with a checksum, and that row's checksum
 * is the one it was applied with.  mg_history_applies() is the rule (for
 * the last row's action and checksum); MG_PG_APPLIED_WITH_SQL is the same
 * over migrate.history, rows (revision, checksum, and that row's action
 * and started_at).
 */
bool		mg_history_applies(const char *action, const char *checksum);
#define MG_PG_APPLIED_WITH_SQL \
	"SELECT revision, checksum, action, started_at FROM (" \
	"SELECT DISTINCT ON (revision) revision, action, checksum, started_at" \
	" FROM migrate.history ORDER BY revision, id DESC) last" \
	" WHERE action OPERATOR(pg_catalog.=) ANY ('{upgrade,repair}'::pg_catalog.text[])" \
	"    OR (action OPERATOR(pg_catalog.=) 'stamp' AND checksum IS NOT NULL)"

#endif							/* MG_DEFS_H */
