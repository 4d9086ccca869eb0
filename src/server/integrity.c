/*
 * integrity.c — is the database where the revisions say it should be?
 * validate() lists applied revisions that are missing from the catalog or
 * whose upgrade checksum changed since they were applied; check() raises
 * unless the database is at heads with no such problem (cheap enough for
 * every application boot); status() sums it up in one row.  All three are
 * read-only and take no lock.  A revision was applied with the checksum of
 * its last history row (MG_PG_APPLIED_WITH_SQL), a repair() included.
 */
#include "migrate.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(migrate_validate);
PG_FUNCTION_INFO_V1(migrate_check);
PG_FUNCTION_INFO_V1(migrate_status);

typedef struct Problem
{
	char	   *revision;
	char	   *problem;
} Problem;

typedef struct Problems
{
	Problem    *items;
	int			count;
	int			cap;
} Problems;

static void
add_problem(Problems *p, const char *revision, const char *problem)
{
	if (p->count == p->cap)
	{
		p->cap = p->cap ? p->cap * 2 : 8;
		p->items = p->items ? repalloc(p->items, sizeof(Problem) * p->cap)
			: palloc(sizeof(Problem) * p->cap);
	}
	p->items[p->count].revision = pstrdup(revision);
	p->items[p->count].problem = pstrdup(problem);
	p->count++;
}

/*
 * The problems of the applied state.  The graph is loaded ignoring version
 * rows that name unknown revisions, which are problems themselves.
 */
static Problems
find_problems(MigrateCatalog *cat)
{
	Problems	p = {0};
	int			rc;

	catalog_load_ex(cat, true, true);

	rc = SPI_execute("SELECT v.revision FROM migrate.version v"
					 " WHERE NOT EXISTS (SELECT 1 FROM migrate.revision r"
					 "                   WHERE r.id OPERATOR(pg_catalog.=) v.revision)"
					 " ORDER BY v.revision", true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "migrate: SPI failed reading the version set");
	for (uint64 i = 0; i < SPI_processed; i++)
		add_problem(&p, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1),
					"missing: the version set names it, but the catalog has no such revision");

	/* the last history entry of each revision says how it was applied */
	rc = SPI_execute("SELECT h.revision, h.checksum, r.checksum, r.id IS NULL"
					 " FROM (" MG_PG_APPLIED_WITH_SQL ") h"
					 " LEFT JOIN migrate.revision r ON r.id OPERATOR(pg_catalog.=) h.revision"
					 " ORDER BY h.revision", true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "migrate: SPI failed reading history");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *rev = SPI_getvalue(tup, desc, 1);
		char	   *then = SPI_getvalue(tup, desc, 2);
		char	   *now = SPI_getvalue(tup, desc, 3);
		bool		isnull;
		bool		gone = DatumGetBool(SPI_getbinval(tup, desc, 4, &isnull));
		int			node = mg_graph_find(&cat->graph, rev);

		if (gone)
		{
			bool		reported = false;

			/* a version row naming it has already said it is missing */
			for (int k = 0; k < p.count && !reported; k++)
				reported = strcmp(p.items[k].revision, rev) == 0;
			if (!reported)
				add_problem(&p, rev, "missing: applied, but no longer in the catalog");
		}
		else if (node >= 0 && cat->applied[node] && then && strcmp(then, now) != 0)
			add_problem(&p, rev, psprintf("checksum changed: applied with %s, now %s",
										  then, now));
	}
	return p;
}

Datum
migrate_validate(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MigrateCatalog cat;
	Problems	p;

	InitMaterializedSRF(fcinfo, 0);
	migrate_spi_connect();
	p = find_problems(&cat);
	for (int i = 0; i < p.count; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(p.items[i].revision);
		values[1] = CStringGetTextDatum(p.items[i].problem);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/* How many revisions upgrade('heads') would apply; *next the first. */
static int
pending_count(const MigrateCatalog *cat, const char **next)
{
	MgPlan		plan;
	MgError		err;

	if (mg_plan(&cat->graph, "heads", MG_OP_UPGRADE, cat->applied, false,
				&plan, &err) != MG_OK)
		mg_report(&err);
	*next = plan.steps.count ? cat->graph.nodes[plan.steps.items[0]].id : NULL;
	return plan.steps.count;
}

Datum
migrate_check(PG_FUNCTION_ARGS)
{
	MigrateCatalog cat;
	Problems	p;
	const char *next;
	int			pending;

	migrate_spi_connect();
	if (catalog_up_to_date(true))
	{
		SPI_finish();
		PG_RETURN_VOID();
	}
	p = find_problems(&cat);
	if (p.count > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision %s: %s", p.items[0].revision, p.items[0].problem),
				 p.count > 1 ? errdetail("%d problems in all; see migrate.validate().", p.count) : 0));
	pending = pending_count(&cat, &next);
	if (pending > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the database is not up to date: %d revision%s pending, starting with %s",
						pending, pending == 1 ? "" : "s", next),
				 errhint("Run %s.", mg_command(MG_CMD_UPGRADE, NULL))));
	SPI_finish();
	PG_RETURN_VOID();
}

Datum
migrate_status(PG_FUNCTION_ARGS)
{
	MigrateCatalog cat;
	Problems	p;
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	MgIntList	current,
				heads;
	MgStrList	problems = {0};
	const char *next;
	HeapTuple	tup;
	MemoryContext outer = CurrentMemoryContext;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "migrate: status() must return a row");
	migrate_spi_connect();
	p = find_problems(&cat);
	current = mg_version_set(&cat.graph, cat.applied);
	heads = mg_graph_heads(&cat.graph);
	for (int i = 0; i < p.count; i++)
		mg_strlist_add(&problems, psprintf("%s: %s", p.items[i].revision,
										   p.items[i].problem));
	{
		MemoryContext spi = MemoryContextSwitchTo(outer);

		values[0] = ids_to_array(&cat.graph, &current);
		values[1] = ids_to_array(&cat.graph, &heads);
		values[2] = Int32GetDatum(pending_count(&cat, &next));
		values[3] = strlist_to_array(&problems);
		tup = heap_form_tuple(BlessTupleDesc(desc), values, nulls);
		MemoryContextSwitchTo(spi);
	}
	SPI_finish();
	PG_RETURN_DATUM(HeapTupleGetDatum(tup));
}
