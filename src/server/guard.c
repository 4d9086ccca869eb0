/*
 * guard.c — what every state-changing function does before it reads the
 * version set: check that the caller may change state, refuse snapshots
 * that predate the lock, and take the migrate advisory lock (see the
 * locking protocol in migrate.h).
 *
 * The wait for the lock must not deadlock with a CREATE INDEX
 * CONCURRENTLY that the migrate program runs under it: the index build
 * waits for every transaction holding an older snapshot, and a caller of
 * upgrade() holds one while it waits.  So the program also holds the
 * "outside" key (MIGRATE_OUTSIDE_KEY) while it runs a transaction-false
 * revision, and the lock is waited for in short slices, each shorter than
 * deadlock_timeout (so the deadlock detector never sees a cycle through
 * us); between slices a caller that finds the outside key taken returns at
 * once with 55006, naming the session and the revision, which releases
 * its snapshot and lets the build go on.  The caller's own lock_timeout
 * still bounds the whole wait.
 */
#include "migrate.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* Set while revision SQL runs (commands.c), in this backend. */
bool		migrate_in_revision = false;

void
migrate_check_change(void)
{
	Oid			ext = get_extension_oid("migrate", false);

	/*
	 * A revision calling stamp(), add_revision(), record()... while
	 * upgrade() runs it would change the state upgrade() is moving.
	 */
	if (migrate_in_revision)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("migrate functions cannot be called from a revision's SQL"),
				 errdetail("A revision's SQL may not change the migration state that the call running it is changing.")));

	if (!pg_extension_ownercheck(ext, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to change the migration state"),
				 errdetail("Only the owner of extension migrate and superusers can add, apply or stamp revisions.")));

	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("migrate cannot change state in a %s transaction",
						IsolationIsSerializable() ? "SERIALIZABLE" : "REPEATABLE READ"),
				 errdetail("The transaction's snapshot predates the migrate lock, so it could miss another session's migrations."),
				 errhint("Run it in a READ COMMITTED transaction.")));

}

/* The tag of pg_advisory_lock(bigint key). */
static void
advisory_tag(LOCKTAG *tag, int64 key)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, (uint32) (key >> 32), (uint32) key, 1);
}

/* Is the outside key held by another session?  Its pid, or 0. */
static int
outside_holder(void)
{
	LOCKTAG		tag;
	int			pid = 0;

	advisory_tag(&tag, MIGRATE_OUTSIDE_KEY);
	if (LockAcquire(&tag, ShareLock, false, true) != LOCKACQUIRE_NOT_AVAIL)
	{
		LockRelease(&tag, ShareLock, false);
		return 0;
	}
	/* who: the session that holds it at session level */
	SPI_connect();
	if (SPI_execute("SELECT pid FROM pg_catalog.pg_locks WHERE locktype OPERATOR(pg_catalog.=) 'advisory'"
					" AND granted AND objsubid OPERATOR(pg_catalog.=) 1"
					" AND database OPERATOR(pg_catalog.=) (SELECT oid FROM pg_catalog.pg_database"
					"  WHERE datname OPERATOR(pg_catalog.=) pg_catalog.current_database())"
					" AND ((classid::pg_catalog.int8 OPERATOR(pg_catalog.<<) 32)"
					"  OPERATOR(pg_catalog.|) objid::pg_catalog.int8)"
					"  OPERATOR(pg_catalog.=) " MG_OUTSIDE_KEY_TEXT " LIMIT 1", true, 1) == SPI_OK_SELECT &&
		SPI_processed == 1)
		pid = atoi(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
	SPI_finish();
	return pid ? pid : -1;
}

static void
refuse_outside(int pid)
{
	char	   *what = NULL;

	if (pid > 0)
	{
		Oid			types[1] = {INT4OID};
		Datum		values[1] = {Int32GetDatum(pid)};

		SPI_connect();
		if (SPI_execute_with_args("SELECT pg_catalog.format('revision %s (%s, statement %s of %s done)',"
								  " revision, action, done, total)"
								  " FROM migrate.journal WHERE pid OPERATOR(pg_catalog.=) $1 LIMIT 1",
								  1, types, values, NULL, true, 1) == SPI_OK_SELECT && SPI_processed == 1)
			what = MemoryContextStrdup(TopTransactionContext,
									   SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
		SPI_finish();
	}
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_IN_USE),
			 errmsg("a revision is running outside a transaction in process %d%s%s; try again when it is done",
					pid, what ? ": " : "", what ? what : ""),
			 errdetail("Waiting for the migrate lock while holding a snapshot would deadlock with its CREATE INDEX CONCURRENTLY."),
			 errhint("Retry on SQLSTATE 55006, or call CALL migrate.apply(), which waits without holding a snapshot.")));
}

typedef struct Slice
{
	const LOCKTAG *tag;
	int			ms;
} Slice;

static void
slice_acquire(void *arg)
{
	Slice	   *sl = arg;

	LockTimeout = sl->ms;
	(void) LockAcquire(sl->tag, ExclusiveLock, false, false);
}

/*
 * Wait up to ms for the migrate lock (a transaction-level lock, as
 * pg_advisory_xact_lock takes it): true when taken.  The slice's timeout
 * is lock_timeout's, in a subtransaction that is rolled back on it (the
 * lock, once taken, goes to the caller's transaction).
 */
static bool
wait_slice(const LOCKTAG *tag, int ms)
{
	int			saved = LockTimeout;
	Slice		sl = {tag, ms};
	ErrorData  *ed = migrate_subxact(slice_acquire, &sl);

	LockTimeout = saved;
	if (ed == NULL)
		return true;
	if (ed->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
		ReThrowError(ed);
	FreeErrorData(ed);
	return false;
}

static void
take_lock(void)
{
	LOCKTAG		tag;
	TimestampTz start = GetCurrentTimestamp();
	int			slice = Max(1, Min(100, DeadlockTimeout / 4));

	advisory_tag(&tag, MIGRATE_LOCK_KEY);
	if (LockAcquire(&tag, ExclusiveLock, false, true) != LOCKACQUIRE_NOT_AVAIL)
		return;
	for (;;)
	{
		int			pid = outside_holder();
		int			ms = slice;

		if (pid != 0)
			refuse_outside(pid);
		if (LockTimeout > 0)
		{
			long		left = LockTimeout -
				TimestampDifferenceMilliseconds(start, GetCurrentTimestamp());

			if (left <= 0)
				ereport(ERROR,
						(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
						 errmsg("canceling statement due to lock timeout"),
						 errdetail("Another session holds the migrate lock.")));
			ms = (int) Min(ms, left);
		}
		if (wait_slice(&tag, ms))
			return;
		CHECK_FOR_INTERRUPTS();
	}
}

void
migrate_begin_change(void)
{
	migrate_check_change();
	take_lock();
}
