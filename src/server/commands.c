/*
 * commands.c — the state-changing SQL functions upgrade(), downgrade()
 * and stamp().
 *
 * Each runs in the caller's transaction: it takes the migrate lock (see
 * migrate.h), loads the graph and the version set, asks the shared core
 * for a plan, checks the whole plan can run before running any of it, then
 * runs each step in a memory context that is reset per revision, logging
 * one history row per revision and writing the version set once at the
 * end.  Any error aborts the caller's transaction, so all of it commits or
 * none of it does.
 */
#include "migrate.h"

#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(migrate_upgrade);
PG_FUNCTION_INFO_V1(migrate_downgrade);
PG_FUNCTION_INFO_V1(migrate_stamp);

/* Set while revision SQL runs, so a revision cannot call migrate itself. */
static bool running_revisions = false;

static void
plan_or_report(const MigrateCatalog *cat, const char *target, MgOp op,
			   bool purge, MgPlan *plan)
{
	MgError		err;

	if (mg_plan(&cat->graph, target, op, cat->applied, purge, plan, &err) != MG_OK)
		mg_report(&err);
}

/*
 * Refuse the plan up front if any step cannot run here.  Fetched revisions
 * go to scratch, reset after each.
 */
static void
check_plan(const MigrateCatalog *cat, const MgPlan *plan, bool downgrade,
		   MemoryContext scratch)
{
	for (int i = 0; i < plan->steps.count; i++)
	{
		int			node = plan->steps.items[i];
		const char *id = cat->graph.nodes[node].id;
		const char *msg = cat->message[node] ? cat->message[node] : "no message";

		if (!cat->transactional[node])
			ereport(ERROR,
					(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
					 errmsg("revision %s (%s) must run outside a transaction block",
							id, msg),
					 errdetail("It is marked \"-- migrate:transaction false\", and a server function always runs inside a transaction."),
					 errhint("Apply it with the migrate program (\"migrate %s\"), or %s to the revision before it first.",
							 downgrade ? "downgrade" : "upgrade",
							 downgrade ? "downgrade" : "upgrade")));
		if (downgrade)
		{
			MigrateRevision rev;
			MemoryContext old = MemoryContextSwitchTo(scratch);

			catalog_fetch(id, &rev);
			if (rev.downgrade == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("revision %s (%s) has no downgrade section and cannot be downgraded",
								id, msg),
						 errdetail("Revision file: %s.", rev.source ? rev.source : "(none)"),
						 errhint("Add a \"-- migrate:downgrade\" section, or use stamp to move past it without running anything.")));
			MemoryContextSwitchTo(old);
			MemoryContextReset(scratch);
		}
	}
}

static int
run_plan(const MigrateCatalog *cat, const MgPlan *plan, bool downgrade)
{
	MemoryContext per_rev,
				old;

	per_rev = AllocSetContextCreate(CurrentMemoryContext, "migrate revision",
									ALLOCSET_DEFAULT_SIZES);
	check_plan(cat, plan, downgrade, per_rev);
	if (running_revisions)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("migrate functions cannot be called from a revision's SQL")));
	running_revisions = true;
	PG_TRY();
	{
		for (int i = 0; i < plan->steps.count; i++)
		{
			int			node = plan->steps.items[i];
			MigrateRevision rev;
			TimestampTz started;

			old = MemoryContextSwitchTo(per_rev);
			catalog_fetch(cat->graph.nodes[node].id, &rev);
			ereport(NOTICE,
					(errmsg("%s", mg_running_text(&cat->graph, node, downgrade,
												  rev.message))));
			started = GetCurrentTimestamp();
			apply_revision(&rev, downgrade);
			catalog_log(rev.id, downgrade ? "downgrade" : "upgrade",
						rev.checksum, started, GetCurrentTimestamp());
			MemoryContextSwitchTo(old);
			MemoryContextReset(per_rev);
		}
	}
	PG_FINALLY();
	{
		running_revisions = false;
	}
	PG_END_TRY();
	MemoryContextDelete(per_rev);
	catalog_write_versions(cat, plan->after);
	return plan->steps.count;
}

static int
change_state(const char *target, MgOp op)
{
	MigrateCatalog cat;
	MgPlan		plan;
	int			n;

	migrate_begin_change();
	SPI_connect();
	/* the common case at every application boot: already at heads */
	if (op == MG_OP_UPGRADE && strcmp(target, "heads") == 0 &&
		catalog_up_to_date(false))
	{
		SPI_finish();
		return 0;
	}
	catalog_load(&cat, false);
	catalog_sync_tips(&cat);	/* heals the fast path after hand edits */
	plan_or_report(&cat, target, op, false, &plan);
	n = run_plan(&cat, &plan, op == MG_OP_DOWNGRADE);
	catalog_refresh_state();
	SPI_finish();
	return n;
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
 * stamp(): set the version set without running anything.  Each revision it
 * marks applied is logged with its checksum, each it unmarks with none.
 */
Datum
migrate_stamp(PG_FUNCTION_ARGS)
{
	char	   *target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool		purge = PG_GETARG_BOOL(1);
	MigrateCatalog cat;
	MgPlan		plan;
	TimestampTz now;
	MemoryContext scratch;

	migrate_begin_change();
	SPI_connect();
	catalog_load_ex(&cat, false, purge);
	plan_or_report(&cat, target, MG_OP_STAMP, purge, &plan);
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
	catalog_write_versions(&cat, plan.after);
	catalog_refresh_state();
	SPI_finish();
	PG_RETURN_VOID();
}
