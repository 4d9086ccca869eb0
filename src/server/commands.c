/*
 * commands.c — the state-changing SQL functions upgrade(), downgrade(),
 * run() and stamp().
 *
 * Each runs in the caller's transaction: it takes the migrate lock (see
 * migrate.h), loads the graph and the version set, asks the shared core
 * for a plan and runs it with the shared executor (src/common/exec.c) over
 * SPI primitives: every step checked before any runs, each in a memory
 * context reset per revision, one history row per revision, the version
 * set written once at the end.  run() executes a plan given as a list of
 * revisions (the program's path: the server plans, the program executes).  Any error aborts the caller's transaction, so all of it commits or
 * none of it does.
 */
#include "migrate.h"
#include "journal.h"
#include "retry.h"
#include "snapshot.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(migrate_upgrade);
PG_FUNCTION_INFO_V1(migrate_downgrade);
PG_FUNCTION_INFO_V1(migrate_stamp);
PG_FUNCTION_INFO_V1(migrate_run);


/* Set while test() runs its steps: no NOTICE per step. */
static bool quiet_steps = false;

/* ---- the executor's primitives, through SPI ---- */

/* A server function runs inside its caller's transaction: never called. */
static MgStatus
spi_no_boundary(void *ctx, const uint8_t *state, MgError *err)
{
	elog(ERROR, "migrate: a server function cannot end its transaction");
	return MG_ERR_NONTRANSACTIONAL;
}

static void
spi_started(void *ctx, int i, int n, const MgStep *s)
{
	ServerSteps *ss = ctx;

	ss->started = GetCurrentTimestamp();
	if (quiet_steps)
		return;
	ereport(NOTICE,
			(errcode(mg_sqlstate_of(MG_SQLSTATE_STEP)),
			 errmsg("%s", mg_running_text(&ss->cat->graph, s->node, s->downgrade,
										  s->message))));
}

typedef struct RunArg
{
	const MigrateRevision *rev;
	bool		downgrade;
} RunArg;

static void
run_revision(void *arg)
{
	RunArg	   *a = arg;

	apply_revision(a->rev, a->downgrade);
}

static MgStatus
spi_run(void *ctx, const MgStep *s, bool in_tx, MgError *err)
{
	ServerSteps *ss = ctx;
	MemoryContext old = MemoryContextSwitchTo(ss->per_rev);
	RunArg		a = {&ss->rev, s->downgrade};
	char	   *what = psprintf("%s of revision %s", s->downgrade ? "downgrade" : "upgrade", s->id);

	/* under migrate.lock_timeout with its retries, when it is set */
	retry_run(run_revision, &a, what);
	MemoryContextSwitchTo(old);
	return MG_OK;
}

static MgStatus
spi_record(void *ctx, const MgStep *s, MgError *err)
{
	ServerSteps *ss = ctx;
	MemoryContext old = MemoryContextSwitchTo(ss->per_rev);

	catalog_log(s->id, s->downgrade ? "downgrade" : "upgrade", s->checksum,
				ss->started, GetCurrentTimestamp());
	MemoryContextSwitchTo(old);
	return MG_OK;
}

static const MgExecOps spi_ops = {
	false, server_step_describe, server_step_fetch, spi_no_boundary,
	spi_no_boundary, spi_run, spi_record, spi_started, NULL,
	server_step_release
};

/*
 * Run steps (in order) from the catalog's applied set, then write the
 * version set they reach.  Returns how many ran.
 */
static int
run_steps(const MigrateCatalog *cat, const MgIntList *steps, bool downgrade)
{
	ServerSteps ss;
	MgError		err;
	MgStatus	st = MG_OK;
	uint8_t    *state;
	int			done = 0;

	if (migrate_in_revision)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("migrate functions cannot be called from a revision's SQL")));
	state = palloc(cat->graph.n + 1);
	memcpy(state, cat->applied, cat->graph.n);
	server_steps_init(&ss, cat);
	migrate_in_revision = true;
	PG_TRY();
	{
		st = mg_execute(&cat->graph, steps, downgrade, state, &spi_ops, &ss,
						&done, &err);
	}
	PG_FINALLY();
	{
		migrate_in_revision = false;
	}
	PG_END_TRY();
	server_steps_done(&ss);
	if (st != MG_OK)
		mg_report(&err);
	catalog_write_versions(cat, state);
	return done;
}

static int
change_state(const char *target, MgOp op)
{
	MigrateCatalog cat;
	MgPlan		plan;
	MgError		err;
	int			n;

	migrate_begin_change();
	migrate_spi_connect();
	/* the common case at every application boot: already at heads */
	if (op == MG_OP_UPGRADE && strcmp(target, "heads") == 0 &&
		catalog_up_to_date(false))
	{
		SPI_finish();
		return 0;
	}
	catalog_load(&cat, false);
	catalog_sync_tips(&cat);	/* heals the fast path after hand edits */
	if (mg_plan(&cat.graph, target, op, cat.applied, false, &plan, &err) != MG_OK)
		mg_report(&err);
	n = run_steps(&cat, &plan.steps, op == MG_OP_DOWNGRADE);
	catalog_refresh_state();
	if (n > 0)
		snapshot_after_change();
	SPI_finish();
	return n;
}

/*
 * test(): one step of the stairway, as upgrade() runs it (history row,
 * version set), without a NOTICE and without a snapshot.
 */
void
commands_test_step(const MigrateCatalog *cat, int node, bool downgrade)
{
	MgIntList	steps = {0};

	mg_intlist_add(&steps, node);
	quiet_steps = true;
	PG_TRY();
	{
		run_steps(cat, &steps, downgrade);
	}
	PG_FINALLY();
	{
		quiet_steps = false;
	}
	PG_END_TRY();
}

char	  **
commands_apply_plan(const char *target, int *n, MemoryContext cxt)
{
	MigrateCatalog cat;
	MgPlan		plan;
	MgError		err;
	char	  **ids;

	catalog_load(&cat, false);
	catalog_sync_tips(&cat);
	if (mg_plan(&cat.graph, target, MG_OP_UPGRADE, cat.applied, false, &plan, &err) != MG_OK)
		mg_report(&err);
	{
		/* as upgrade() checks every step before any runs */
		ServerSteps ss;

		server_steps_init(&ss, &cat);
		for (int i = 0; i < plan.steps.count; i++)
		{
			MgStep		step;

			memset(&step, 0, sizeof(step));
			if (server_step_describe(&ss, plan.steps.items[i], false, &step, &err) != MG_OK ||
				mg_rule_transactional(&step, &err) != MG_OK)
				mg_report(&err);
		}
		server_steps_done(&ss);
	}
	ids = MemoryContextAlloc(cxt, sizeof(char *) * (plan.steps.count + 1));
	for (int i = 0; i < plan.steps.count; i++)
		ids[i] = MemoryContextStrdup(cxt, cat.graph.nodes[plan.steps.items[i]].id);
	*n = plan.steps.count;
	return ids;
}

void
commands_apply_step(const char *id)
{
	MigrateCatalog cat;
	MgIntList	one = {0};
	int			node;

	catalog_load(&cat, false);
	if ((node = mg_graph_find(&cat.graph, id)) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision %s of the plan is no longer in the catalog", id)));
	mg_intlist_add(&one, node);
	run_steps(&cat, &one, false);
	catalog_refresh_state();
}

Datum
migrate_upgrade(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(change_state(text_to_cstring(PG_GETARG_TEXT_PP(0)),
								 MG_OP_UPGRADE));
}

Datum
migrate_downgrade(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(change_state(text_to_cstring(PG_GETARG_TEXT_PP(0)),
								 MG_OP_DOWNGRADE));
}

/*
 * run(revisions, downgrade): run exactly these steps, in this order, each
 * one valid from the state the ones before it leave — the plan the
 * program got from plan() and executes without planning again.
 */
Datum
migrate_run(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	bool		downgrade = PG_GETARG_BOOL(1);
	MigrateCatalog cat;
	MgIntList	steps = {0};
	MgError		err;
	uint8_t    *state;
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	migrate_begin_change();
	migrate_spi_connect();
	catalog_load(&cat, false);
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	state = palloc(cat.graph.n + 1);
	memcpy(state, cat.applied, cat.graph.n);
	for (int i = 0; i < n; i++)
	{
		char	   *id;
		int			node;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("revisions must not contain nulls")));
		id = TextDatumGetCString(elems[i]);
		node = catalog_node(&cat, id);
		if (mg_rule_one_step(&cat.graph, state, node, downgrade, &err) != MG_OK)
			mg_report(&err);
		state[node] = downgrade ? 0 : 1;
		mg_intlist_add(&steps, node);
	}
	n = run_steps(&cat, &steps, downgrade);
	catalog_refresh_state();
	if (n > 0)
		snapshot_after_change();
	SPI_finish();
	PG_RETURN_INT32(n);
}

/*
 * stamp(): set the version set without running anything (and record the
 * schema as it is as the new version set's snapshot).  Each revision it
 * marks applied is logged with its checksum, each it unmarks with none.
 */
Datum
migrate_stamp(PG_FUNCTION_ARGS)
{
	char	   *target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool		purge = PG_GETARG_BOOL(1);
	MigrateCatalog cat;
	MgPlan		plan;
	MgError		err;
	TimestampTz now;
	MemoryContext scratch;

	migrate_begin_change();
	migrate_spi_connect();
	catalog_load_ex(&cat, false, purge);
	if (mg_plan(&cat.graph, target, MG_OP_STAMP, cat.applied, purge, &plan, &err) != MG_OK)
		mg_report(&err);
	now = GetCurrentTimestamp();
	scratch = AllocSetContextCreate(CurrentMemoryContext, "migrate revision",
									ALLOCSET_DEFAULT_SIZES);
	for (int i = 0; i < plan.steps.count; i++)
	{
		int			node = plan.steps.items[i];
		const char *id = cat.graph.nodes[node].id;
		MemoryContext old = MemoryContextSwitchTo(scratch);

		if (plan.after[node])
		{
			MigrateRevision rev;

			catalog_fetch(id, &rev);
			catalog_log(id, "stamp", rev.checksum, now, now);
		}
		else
			catalog_log(id, "stamp", NULL, now, now);
		MemoryContextSwitchTo(old);
		MemoryContextReset(scratch);
	}
	MemoryContextDelete(scratch);
	journal_clear();
	catalog_write_versions(&cat, plan.after);
	catalog_refresh_state();
	snapshot_after_change();
	SPI_finish();
	PG_RETURN_VOID();
}
