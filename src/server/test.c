/*
 * test.c — test(target, desired): the migration test suite, run by the
 * server on the real database inside a subtransaction that is always
 * rolled back (the driver and its rules are src/common/verify.c).
 *
 * Each step runs as upgrade() runs it (commands_test_step: history row,
 * version set) in a subtransaction of its own, so a failing revision
 * becomes a row instead of an error; the schema is read (migrate.schemas)
 * before each step and after each downgrade, each reading in a memory
 * context of its own that the next reading into that slot frees.  The
 * result rows are kept in the caller's context and returned after the
 * rollback: nothing of the run stays, and since it never commits, no
 * other session sees any of it.  The migrate lock (transaction level) is
 * taken as by every state-changing call, so test() and upgrade() do not
 * run at once.  Transaction-false revisions cannot run here: they are
 * skipped (the program runs them with migrate test --scratch).
 */
#include "migrate.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "common/hashfn.h"
#include "utils/snapmgr.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "schema_read.h"
#include "snapshot.h"
#include "verify.h"

PG_FUNCTION_INFO_V1(migrate_test);

typedef struct TestRow
{
	int			step;
	char	   *revision;
	const char *test;
	MgTestOutcome outcome;
	char	   *detail;
} TestRow;

typedef struct TestRun
{
	MigrateCatalog *cat;
	ServerSteps ss;				/* describe() */
	MgStrList	schemas;
	const char *desired;		/* NULL: no model test */
	MemoryContext outer;		/* rows live here */
	MemoryContext slot[2];
	MgSchemaModel *reading[2];	/* read(slot), in slot[slot] */
	MemoryContext per_rev;
	/* mark(): where to return after rewind(), innermost last */
	MemoryContext mark_cxt[4];
	ResourceOwner mark_owner[4];
	int			marks;
	Oid		   *catalogs;		/* fingerprint(): the catalogs, listed on first use */
	int			ncatalogs;
	TestRow    *rows;
	int			nrows;
	int			cap;
} TestRun;

static MgStatus
test_describe(void *ctx, int node, bool downgrade, MgStep *out, MgError *err)
{
	TestRun    *t = ctx;

	return server_step_describe(&t->ss, node, downgrade, out, err);
}

/* The line of an error's CONTEXT naming the revision, file and line, or NULL. */
static const char *
step_context(const char *context)
{
	for (const char *p = context; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, "upgrade of revision ", 20) == 0 ||
			strncmp(p, "downgrade of revision ", 22) == 0)
			return p;
	return NULL;
}

typedef struct OneStep
{
	TestRun    *t;
	int			node;
	bool		downgrade;
} OneStep;

static void
one_step(void *arg)
{
	OneStep    *o = arg;

	commands_test_step(o->t->cat, o->node, o->downgrade);
}

static MgStatus
test_step(void *ctx, int node, bool downgrade, MgError *err)
{
	TestRun    *t = ctx;
	OneStep		o = {t, node, downgrade};
	ErrorData  *ed = migrate_subxact(one_step, &o);
	const char *where;
	int			wlen;

	if (ed == NULL)
	{
		t->cat->applied[node] = downgrade ? 0 : 1;
		return MG_OK;
	}
	migrate_rethrow_cancel(ed);
	where = step_context(ed->context);
	wlen = where ? (int) strcspn(where, "\n") : 0;
	return mg_error(err, MG_ERR_EXEC, t->cat->graph.nodes[node].id, 0, "%s%s%s%s%.*s",
					ed->message, ed->detail ? ": " : "", ed->detail ? ed->detail : "",
					where ? "; " : "", wlen, where ? where : "");
}

/* The compared schemas as they are now, allocated in cxt. */
static MgSchemaModel *
read_now(TestRun *t, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	SchemaReadOptions opt;
	MgSchemaModel *m;

	memset(&opt, 0, sizeof(opt));
	opt.schemas = t->schemas;
	opt.side = "the database";
	m = palloc(sizeof(MgSchemaModel));
	schema_read(&opt, m);
	MemoryContextSwitchTo(old);
	return m;
}

static MgStatus
test_read(void *ctx, int slot, MgError *err)
{
	TestRun    *t = ctx;

	MemoryContextReset(t->slot[slot]);
	t->reading[slot] = read_now(t, t->slot[slot]);
	return MG_OK;
}

static MgStatus
test_compare(void *ctx, int slot, char **summary, MgError *err)
{
	TestRun    *t = ctx;

	return mg_drift_compare(read_now(t, t->per_rev), t->reading[slot], summary, err);
}

static MgStatus
test_model_diff(void *ctx, char **out, MgError *err)
{
	TestRun    *t = ctx;
	MgSchemaModel live,
				want;
	MgChangeList changes;

	schema_load_pair(t->desired, &t->schemas, &live, &want);
	if (mg_schema_diff(&live, &want, NULL, &changes, err) != MG_OK)
		return err->status;
	*out = mg_schema_write_pg(&changes, MG_WRITE_PLAIN);
	return MG_OK;
}

static MgStatus
test_mark(void *ctx, MgError *err)
{
	TestRun    *t = ctx;

	if (t->marks == lengthof(t->mark_cxt))
		return mg_error(err, MG_ERR_EXEC, NULL, 0, "too many nested marks");
	t->mark_cxt[t->marks] = CurrentMemoryContext;
	t->mark_owner[t->marks++] = CurrentResourceOwner;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(t->mark_cxt[t->marks - 1]);
	return MG_OK;
}

static void
test_rewind(void *ctx, bool keep)
{
	TestRun    *t = ctx;

	if (keep)
		ReleaseCurrentSubTransaction();
	else
		RollbackAndReleaseCurrentSubTransaction();
	t->marks--;
	MemoryContextSwitchTo(t->mark_cxt[t->marks]);
	CurrentResourceOwner = t->mark_owner[t->marks];
}

/*
 * The fingerprint: the count and a sum of hashes of the physical identity
 * (catalog, ctid, xmin) of every visible row of every catalog of the
 * database (pg_catalog's own tables, not the shared ones or statistics),
 * scanned here with a fresh snapshot.  The same visible rows mean the same
 * catalog, so the same schema; a downgrade that drops what its upgrade
 * created gives the rows back exactly (the upgrade's rows are simply
 * gone), whatever it updated gets new versions (another fingerprint:
 * compared for real).  In-place updates (relpages, reltuples, relhasindex)
 * change no xmin and are not part of a schema.
 */
static MgStatus
test_fingerprint(void *ctx, char **out, MgError *err)
{
	TestRun    *t = ctx;
	uint64		n = 0,
				h = 0;
	Snapshot	snap;

	if (t->catalogs == NULL)
	{
		MemoryContext old;
		uint64		rows = migrate_spi_exec("SELECT c.oid FROM pg_catalog.pg_class c"
											" WHERE c.relnamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace"
											" AND c.relkind OPERATOR(pg_catalog.=) 'r' AND NOT c.relisshared"
											" AND c.relname OPERATOR(pg_catalog.<>) ALL ('{pg_statistic,pg_statistic_ext_data,pg_largeobject}')",
											0, NULL, NULL, NULL, true, SPI_OK_SELECT, "listing the catalogs");

		old = MemoryContextSwitchTo(t->outer);
		t->catalogs = palloc(sizeof(Oid) * (rows + 1));
		MemoryContextSwitchTo(old);
		for (uint64 i = 0; i < rows; i++)
		{
			bool		isnull;

			t->catalogs[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
															SPI_tuptable->tupdesc, 1, &isnull));
		}
		t->ncatalogs = (int) rows;
	}
	snap = RegisterSnapshot(GetLatestSnapshot());
	for (int i = 0; i < t->ncatalogs; i++)
	{
		Relation	rel = table_open(t->catalogs[i], AccessShareLock);
		TableScanDesc scan = table_beginscan(rel, snap, 0, NULL);
		HeapTuple	tup;

		while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
		{
			struct
			{
				Oid			rel;
				TransactionId xmin;
				ItemPointerData tid;
			}			id;

			memset(&id, 0, sizeof(id));
			id.rel = t->catalogs[i];
			id.xmin = HeapTupleHeaderGetRawXmin(tup->t_data);
			id.tid = tup->t_self;
			n++;
			h += hash_bytes_extended((const unsigned char *) &id, sizeof(id), 0);
		}
		table_endscan(scan);
		table_close(rel, AccessShareLock);
	}
	UnregisterSnapshot(snap);
	*out = psprintf(UINT64_FORMAT "/" UINT64_FORMAT, n, h);
	return MG_OK;
}

static void
test_row(void *ctx, int step, const char *revision, const char *test,
		 MgTestOutcome outcome, const char *detail)
{
	TestRun    *t = ctx;
	MemoryContext old = MemoryContextSwitchTo(t->outer);
	TestRow    *r;

	if (t->nrows == t->cap)
	{
		t->cap = t->cap ? t->cap * 2 : 16;
		t->rows = t->rows ? repalloc(t->rows, sizeof(TestRow) * t->cap) :
			palloc(sizeof(TestRow) * t->cap);
	}
	r = &t->rows[t->nrows++];
	r->step = step;
	r->revision = revision ? pstrdup(revision) : NULL;
	r->test = test;
	r->outcome = outcome;
	r->detail = detail ? pstrdup(detail) : NULL;
	MemoryContextSwitchTo(old);
}

static void
test_reset(void *ctx)
{
	TestRun    *t = ctx;

	MemoryContextReset(t->per_rev);
}

static const MgTestOps server_test_ops = {
	false, test_describe, test_step, test_read, test_compare, NULL, test_mark, test_rewind,
	test_fingerprint, test_row, test_reset
};

/* Run the suite in a subtransaction that is rolled back, whatever happens. */
static void
run_rolled_back(TestRun *t, const MgIntList *steps)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	MgTestOps	ops = server_test_ops;
	MgTestCounts counts;
	MgError		err;
	MgStatus	st;

	if (t->desired)
		ops.model_diff = test_model_diff;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		t->slot[0] = AllocSetContextCreate(cxt, "migrate test schema", ALLOCSET_DEFAULT_SIZES);
		t->slot[1] = AllocSetContextCreate(cxt, "migrate test schema", ALLOCSET_DEFAULT_SIZES);
		t->per_rev = AllocSetContextCreate(cxt, "migrate test step", ALLOCSET_DEFAULT_SIZES);
		MemoryContextSwitchTo(t->per_rev);
		st = mg_test_run(&t->cat->graph, t->cat->applied, steps, &ops, t, &counts, &err);
		MemoryContextSwitchTo(cxt);
		if (st != MG_OK)
			mg_report(&err);
	}
	PG_CATCH();
	{
		/* an error (a cancel) can leave marks open: roll them back too */
		ErrorData  *ed = migrate_subxacts_caught(cxt, owner, t->marks + 1);

		t->marks = 0;
		ed->message = psprintf("migrate test: %s", ed->message);
		ReThrowError(ed);
	}
	PG_END_TRY();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	MemoryContextDelete(t->slot[0]);
	MemoryContextDelete(t->slot[1]);
	MemoryContextDelete(t->per_rev);
}

Datum
migrate_test(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *target;
	MigrateCatalog cat;
	MgPlan		plan;
	MgError		err;
	TestRun		t;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target must not be null")));
	target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	memset(&t, 0, sizeof(t));
	t.outer = CurrentMemoryContext;
	t.desired = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	migrate_begin_change();
	migrate_spi_connect();
	catalog_load(&cat, false);
	if (mg_plan(&cat.graph, target, MG_OP_UPGRADE, cat.applied, false, &plan, &err) != MG_OK)
		mg_report(&err);
	t.cat = &cat;
	t.schemas = snapshot_managed_schemas();
	server_steps_init(&t.ss, &cat);
	{
		/* the driver moves applied with the steps; the catalog's stays */
		uint8_t    *applied = palloc(cat.graph.n + 1);

		memcpy(applied, cat.applied, cat.graph.n);
		cat.applied = applied;
	}
	run_rolled_back(&t, &plan.steps);
	server_steps_done(&t.ss);
	SPI_finish();

	MemoryContextSwitchTo(t.outer);
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < t.nrows; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		TestRow    *r = &t.rows[i];

		values[0] = Int32GetDatum(r->step);
		if (r->revision)
			values[1] = CStringGetTextDatum(r->revision);
		else
			nulls[1] = true;
		values[2] = CStringGetTextDatum(r->test);
		if (r->outcome == MG_TEST_SKIPPED)
			nulls[3] = true;
		else
			values[3] = BoolGetDatum(r->outcome == MG_TEST_PASSED);
		values[4] = CStringGetTextDatum(r->detail ? r->detail : "");
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
