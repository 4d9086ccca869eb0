/*
 * migrate.h — declarations shared by the server module's files, and the
 * one place for version shims.
 *
 * Locking protocol: every function that changes state takes the
 * transaction-level advisory lock MIGRATE_LOCK_KEY before it reads the
 * version set, so concurrent callers serialise; the second one waits and
 * then, READ COMMITTED being required, sees the first one's committed
 * result.  Read-only functions take no lock.  The key is the bigint whose
 * bytes spell "migrate" (30796665482998885); the migrate program takes the
 * same key at session level for revisions that must run outside a
 * transaction.
 */
#ifndef MIGRATE_H
#define MIGRATE_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/resowner.h"
#include "datatype/timestamp.h"
#include "graph.h"
#include "revfile.h"
#include "mg_defs.h"
#include "exec.h"
#include "offline.h"
#include "syntax.h"

#if PG_VERSION_NUM < 150000
#error "migrate requires PostgreSQL 15 or later"
#endif

#define MIGRATE_LOCK_KEY ((int64) MG_LOCK_KEY_INT)
/* held by the program while it runs a transaction-false revision */
#define MIGRATE_OUTSIDE_KEY ((int64) MG_OUTSIDE_KEY_INT)

/* errors.c: the shared core's errors as ereports */
extern void mg_report(const MgError *err) pg_attribute_noreturn();
extern int	mg_sqlstate(MgStatus status);
extern int	mg_sqlstate_of(const char *sqlstate);

/* guard.c: privilege, isolation and lock checks of state changes */
extern void migrate_begin_change(void);
/* The same checks (privilege, isolation level) without taking the lock. */
extern void migrate_check_change(void);
/* True while revision SQL runs: every state change is refused. */
extern bool migrate_in_revision;

/* catalog.c: the catalog as a graph */
extern void migrate_spi_check(int rc, int expected, const char *what);
extern void migrate_spi_connect(void);
extern uint64 migrate_spi_exec(const char *sql, int nargs, Oid *types,
							   Datum *values, const char *nulls, bool readonly,
							   int expected, const char *what);

typedef struct MigrateCatalog
{
	MgGraph		graph;
	uint8_t    *applied;		/* closure of the stored version set */
	char	  **message;		/* per node, NULL when absent */
	bool	   *transactional;
	bool		versions_dirty; /* stored rows differ from the canonical set */
} MigrateCatalog;

/* One revision's executable parts, fetched when it runs. */
typedef struct MigrateRevision
{
	char	   *id;
	char	   *message;
	char	   *source;
	char	   *checksum;
	char	   *upgrade;
	char	   *downgrade;		/* NULL: irreversible */
	int			upgrade_line;
	int			downgrade_line;
	bool		transactional;
	char	   *script;			/* the revision file as stored */
} MigrateRevision;

extern void catalog_load(MigrateCatalog *cat, bool readonly);
extern int	catalog_node(const MigrateCatalog *cat, const char *id);
extern MgStrList migrate_text_array(FunctionCallInfo fcinfo, int argno, const char *what);
extern int	migrate_char_to_byte(const char *s, int len, int charpos);
extern ErrorData *migrate_subxact_caught(MemoryContext cxt, ResourceOwner owner);
extern ErrorData *migrate_subxact(void (*fn) (void *), void *arg);
extern ErrorData *migrate_subxacts_caught(MemoryContext cxt, ResourceOwner owner,
										  int levels);
extern void migrate_rethrow_cancel(ErrorData *ed);
extern void catalog_load_ex(MigrateCatalog *cat, bool readonly,
							bool ignore_unknown_versions);
extern void catalog_fetch(const char *id, MigrateRevision *rev);
extern void catalog_write_versions(const MigrateCatalog *cat,
								   const uint8_t *after);
extern void catalog_log(const char *id, const char *action,
						const char *checksum, TimestampTz started,
						TimestampTz finished);
extern Datum cstrings_to_array(char *const *items, int n);
extern Datum strlist_to_array(const MgStrList *l);
extern Datum ids_to_array(const MgGraph *g, const MgIntList *l);
extern void catalog_sync_tips(const MigrateCatalog *cat);
extern bool catalog_has_fast_columns(void);
extern void catalog_refresh_state(void);
extern bool catalog_up_to_date(bool readonly);
extern TimestampTz *catalog_applied_at(const MigrateCatalog *cat,
									  bool **has);

/*
 * store.c: storing revision files in the catalog (lock held, SPI
 * connected, except store_parse); store_batch returns how many revisions
 * it added or replaced, *first_id the first file's id; repair: an applied
 * revision's upgrade section may change (repair.c)
 */
extern void store_parse(const char *script, const char *source,
						MgRevFile *rf, MgRevSelected *sel);
extern int	store_files(int n, char **texts, char **sources, bool repair);
extern int	store_batch(int n, char **texts, char **sources, char **first_id,
						bool repair);
extern bool store_one(const char *script, const char *source, char **id);

/*
 * steps.c: the catalog as the executor's step source (describe, fetch,
 * release), each step's data in a context reset after it
 */
typedef struct ServerSteps
{
	const MigrateCatalog *cat;
	MemoryContext per_rev;
	MigrateRevision rev;		/* the step fetched last */
	TimestampTz started;
} ServerSteps;

extern void server_steps_init(ServerSteps *ss, const MigrateCatalog *cat);
extern void server_steps_done(ServerSteps *ss);
extern MgStatus server_step_describe(void *ctx, int node, bool downgrade,
									 MgStep *out, MgError *err);
extern MgStatus server_step_fetch(void *ctx, MgStep *step, MgError *err);
extern void server_step_release(void *ctx, MgStep *step);
extern const MgExecOps server_source_ops;

/* authoring.c: a section body as stored; store a new revision (lock
 * held, SPI connected), returning its id */
extern char *authoring_normalise(const char *sql, const char *what);
extern char *authoring_store(MgRevFile *rf, bool id_given);

/* commands.c: one step as upgrade() runs it, for test() (quiet) */
extern void commands_test_step(const MigrateCatalog *cat, int node, bool downgrade);
/*
 * CALL apply(): the upgrade plan to target as revision ids (in cxt), then
 * each step run as upgrade() runs it (NOTICE, history row, version set,
 * state; a step that is not valid from the state then is an error).  SPI
 * connected; the caller holds the migrate lock and commits between steps.
 */
extern char **commands_apply_plan(const char *target, int *n, MemoryContext cxt);
extern void commands_apply_step(const char *id);

/* apply.c: running one revision's SQL through SPI */
struct RawStmt;
extern void apply_revision(const MigrateRevision *rev, bool downgrade);
extern void apply_statement_bounds(const char *body, const struct RawStmt *rs,
								   int *start, int *end);


#endif							/* MIGRATE_H */
