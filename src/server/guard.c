/*
 * guard.c — what every state-changing function does before it reads the
 * version set: check that the caller may change state, refuse snapshots
 * that predate the lock, and take the migrate advisory lock (see the
 * locking protocol in migrate.h).
 */
#include "migrate.h"

#include "access/xact.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"

void
migrate_check_change(void)
{
	Oid			ext = get_extension_oid("migrate", false);

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

void
migrate_begin_change(void)
{
	migrate_check_change();
	DirectFunctionCall1(pg_advisory_xact_lock_int8,
						Int64GetDatum(MIGRATE_LOCK_KEY));
}
