/*
 * procedure.c — CALL migrate.apply(target): upgrade() one revision per
 * transaction (Alembic's transaction_per_migration), so a 500-revision
 * catch-up does not hold every lock it takes until the end, and a failure
 * keeps the revisions before it applied and recorded.
 *
 * A procedure called at top level may commit (non-atomic SPI).  It first
 * commits the caller's transaction, then takes the migrate lock at
 * session level by polling pg_try_advisory_lock between transactions, so
 * it never waits holding a snapshot, and keeps it for the whole run: no
 * upgrade() elsewhere can slip in between two of its commits.  The plan
 * is made once, then each step runs as upgrade() runs it (NOTICE, history
 * row, version set) and commits; the snapshot of the final version set is
 * taken once, at the end.  Inside a transaction block, or from a
 * function, CALL is atomic and cannot commit: refused before anything.
 * Transaction-false revisions are refused as by upgrade() (the program
 * runs them).  The session lock is released however the call ends.
 */
#include "migrate.h"
#include "snapshot.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(migrate_apply);

/* Commit, and go on in a new transaction in our own memory context. */
static void
commit_step(MemoryContext keep)
{
	SPI_commit();
	MemoryContextSwitchTo(keep);
}

/* Take the session-level migrate lock without waiting in a transaction. */
static void
lock_session(MemoryContext keep)
{
	for (;;)
	{
		if (DatumGetBool(DirectFunctionCall1(pg_try_advisory_lock_int8,
											 Int64GetDatum(MIGRATE_LOCK_KEY))))
			return;
		commit_step(keep);
		pg_usleep(100 * 1000L);
		CHECK_FOR_INTERRUPTS();
	}
}

static void
unlock_session(void)
{
	DirectFunctionCall1(pg_advisory_unlock_int8, Int64GetDatum(MIGRATE_LOCK_KEY));
}

Datum
migrate_apply(PG_FUNCTION_ARGS)
{
	bool		atomic = fcinfo->context == NULL || !IsA(fcinfo->context, CallContext) ||
		castNode(CallContext, fcinfo->context)->atomic;
	MemoryContext keep;
	char	   *target;
	char	  **ids;
	int			n;

	if (atomic)
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("CALL migrate.apply() cannot run inside a transaction block"),
				 errdetail("It commits after each revision, which a transaction block or a function call does not allow."),
				 errhint("Call it on its own (autocommit), or use SELECT migrate.upgrade(), which runs in the caller's transaction.")));
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target must not be null")));
	keep = AllocSetContextCreate(PortalContext, "migrate apply", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(keep);
	target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	migrate_check_change();
	if (SPI_connect_ext(SPI_OPT_NONATOMIC) != SPI_OK_CONNECT)
		elog(ERROR, "migrate: could not connect to SPI");
	commit_step(keep);
	lock_session(keep);
	PG_TRY();
	{
		ids = commands_apply_plan(target, &n, keep);
		commit_step(keep);
		for (int i = 0; i < n; i++)
		{
			commands_apply_step(ids[i]);
			if (i == n - 1)
				snapshot_after_change();
			commit_step(keep);
		}
	}
	PG_CATCH();
	{
		unlock_session();
		PG_RE_THROW();
	}
	PG_END_TRY();
	unlock_session();
	SPI_finish();
	PG_RETURN_VOID();
}
