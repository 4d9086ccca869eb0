/*
 * retry.c — lock timeouts with retries (SPEC §9): a revision that waits
 * for a lock behind a long query must not block every session queued
 * behind it.
 *
 * With migrate.lock_timeout > 0 each revision runs in a subtransaction of
 * its own with lock_timeout set to it for the revision only (a GUC nest
 * level, as a function's SET clause does).  When a statement gives up on
 * a lock (SQLSTATE 55P03) the subtransaction is rolled back, a NOTICE
 * names the sessions holding locks on the managed schemas' relations (the
 * likely blockers: once the request is cancelled PostgreSQL no longer
 * knows whom it waited for), the call waits migrate.retry_backoff
 * (doubling, at most 30 s) and runs the revision again, up to
 * migrate.lock_retries times; after the last attempt the error names them
 * too.  Without the GUC nothing changes: no subtransaction, no GUC.
 */
#include "migrate.h"
#include "retry.h"
#include "snapshot.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"

static int	lock_timeout_ms = 0;
static int	lock_retries = 0;
static int	retry_backoff_ms = 1000;

#define MAX_BACKOFF_MS 30000

void
retry_define_gucs(void)
{
	DefineCustomIntVariable("migrate.lock_timeout",
							"lock_timeout for each revision (0: off).",
							"Set locally while each revision runs, in a subtransaction of its own.",
							&lock_timeout_ms, 0, 0, INT_MAX, PGC_USERSET, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("migrate.lock_retries",
							"How many times a revision that hit migrate.lock_timeout is retried.",
							NULL, &lock_retries, 0, 0, 1000, PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("migrate.retry_backoff",
							"The first wait before a retry; it doubles, up to 30 s.",
							NULL, &retry_backoff_ms, 1000, 0, MAX_BACKOFF_MS, PGC_USERSET,
							GUC_UNIT_MS, NULL, NULL, NULL);
}

/* "pid 123 (idle in transaction: SELECT ...) on public.t; ..." or "none found" */
static char *
holders(void)
{
	MgStrList	schemas = snapshot_managed_schemas();
	Oid			types[1] = {TEXTARRAYOID};
	Datum		values[1];
	StringInfoData s;
	uint64		n;

	values[0] = strlist_to_array(&schemas);
	n = migrate_spi_exec("SELECT a.pid, COALESCE(a.state, '?'), pg_catalog.left(COALESCE(a.query, ''), 200),"
						 " pg_catalog.string_agg(DISTINCT l.relation::pg_catalog.regclass::pg_catalog.text, ', ')"
						 " FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid OPERATOR(pg_catalog.=) l.pid"
						 " JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) l.relation"
						 " JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
						 " WHERE l.locktype OPERATOR(pg_catalog.=) 'relation' AND l.granted"
						 " AND l.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()"
						 " AND l.database OPERATOR(pg_catalog.=) (SELECT oid FROM pg_catalog.pg_database"
						 "   WHERE datname OPERATOR(pg_catalog.=) pg_catalog.current_database())"
						 " AND n.nspname OPERATOR(pg_catalog.=) ANY ($1)"
						 " GROUP BY 1, 2, 3 ORDER BY 1",
						 1, types, values, NULL, true, SPI_OK_SELECT, "finding the sessions holding locks");
	initStringInfo(&s);
	for (uint64 i = 0; i < n; i++)
		appendStringInfo(&s, "%spid %s (%s: %s) on %s", i ? "; " : "",
						 SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1),
						 SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2),
						 SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3),
						 SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 4));
	if (n == 0)
		appendStringInfoString(&s, "none found (the lock was released)");
	return s.data;
}

typedef struct Attempt
{
	void		(*fn) (void *);
	void	   *arg;
} Attempt;

/* The revision with lock_timeout set for it alone (a GUC nest level). */
static void
with_timeout(void *arg)
{
	Attempt    *a = arg;
	char		value[32];
	int			nest = NewGUCNestLevel();

	snprintf(value, sizeof(value), "%d", lock_timeout_ms);
	(void) set_config_option("lock_timeout", value, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	a->fn(a->arg);
	AtEOXact_GUC(true, nest);
}

/* One attempt in a subtransaction; NULL, or the error it failed with. */
static ErrorData *
attempt(void (*fn) (void *), void *arg)
{
	Attempt		a = {fn, arg};

	return migrate_subxact(with_timeout, &a);
}

void
retry_run(void (*fn) (void *), void *arg, const char *what)
{
	int			backoff = retry_backoff_ms;

	if (lock_timeout_ms <= 0)
	{
		fn(arg);
		return;
	}
	for (int i = 0;; i++)
	{
		ErrorData  *ed = attempt(fn, arg);
		char	   *who;

		if (ed == NULL)
			return;
		if (ed->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
			ReThrowError(ed);
		who = holders();
		if (i >= lock_retries)
			ereport(ERROR,
					(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
					 errmsg("%s could not take a lock within migrate.lock_timeout (%d ms), %d attempt%s",
							what, lock_timeout_ms, i + 1, i == 0 ? "" : "s"),
					 errdetail("Sessions holding locks on the managed schemas: %s.", who),
					 errhint("Retry later, or raise migrate.lock_retries; the sessions above can be ended with pg_terminate_backend().")));
		ereport(NOTICE,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("%s hit migrate.lock_timeout (%d ms): retry %d of %d in %d ms",
						what, lock_timeout_ms, i + 1, lock_retries, backoff),
				 errdetail("Sessions holding locks on the managed schemas: %s.", who)));
		for (int waited = 0; waited < backoff; waited += 100)
		{
			CHECK_FOR_INTERRUPTS();
			pg_usleep(Min(100, backoff - waited) * 1000L);
		}
		backoff = Min(backoff * 2, MAX_BACKOFF_MS);
		FreeErrorData(ed);
	}
}
