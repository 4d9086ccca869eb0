/*
 * integrity.c — is the database where the revisions say it should be?
 * validate() lists applied revisions that are missing from the catalog or
 * whose upgrade checksum changed since they were applied; check() raises
 * unless the database is at heads with no such problem (cheap enough for
 * every application boot) and, when a snapshot was recorded, that the
 * schema did not drift from it (snapshot.c); status() sums it up in one row.  All three are
 * read-only and take no lock.  A revision was applied with the checksum of
 * its last history row (MG_PG_APPLIED_WITH_SQL), a repair() included.
 */
#include "migrate.h"
#include "journal.h"
#include "problems.h"
#include "snapshot.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(migrate_validate);
PG_FUNCTION_INFO_V1(migrate_check);
PG_FUNCTION_INFO_V1(migrate_status);

/* The text column col of every row of the last SPI result. */
static char **
column(int col)
{
	char	  **out = palloc0(sizeof(char *) * (SPI_processed + 1));

	for (uint64 i = 0; i < SPI_processed; i++)
		out[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, col);
	return out;
}

/*
 * The problems of the applied state (the rule: mg_state_problems).  The
 * graph is loaded ignoring version rows that name unknown revisions, which
 * are problems themselves.
 */
static MgProblems
find_problems(MigrateCatalog *cat)
{
	int			rc,
				nversions,
				nhist;
	char	  **versions,
			  **revs,
			  **then,
			  **now;
	const char **checksum;
	MgAppliedWith *hist;

	catalog_load_ex(cat, true, true);
	rc = SPI_execute("SELECT revision FROM migrate.version ORDER BY revision", true, 0);
	migrate_spi_check(rc, SPI_OK_SELECT, "reading the version set");
	nversions = (int) SPI_processed;
	versions = column(1);

	/* the last applying history row of each revision, and its checksum now */
	rc = SPI_execute("SELECT h.revision, h.checksum, r.checksum"
					 " FROM (" MG_PG_APPLIED_WITH_SQL ") h"
					 " LEFT JOIN migrate.revision r ON r.id OPERATOR(pg_catalog.=) h.revision"
					 " ORDER BY h.revision", true, 0);
	migrate_spi_check(rc, SPI_OK_SELECT, "reading history");
	nhist = (int) SPI_processed;
	revs = column(1);
	then = column(2);
	now = column(3);
	hist = palloc0(sizeof(MgAppliedWith) * (nhist + 1));
	checksum = palloc0(sizeof(char *) * (cat->graph.n + 1));
	for (int i = 0; i < nhist; i++)
	{
		int			node = mg_graph_find(&cat->graph, revs[i]);

		hist[i].revision = revs[i];
		hist[i].checksum = then[i];
		if (node >= 0)
			checksum[node] = now[i];
	}
	{
		int			npartial;
		MgPartial  *partial = journal_partials(&npartial);

		return mg_state_problems(&cat->graph, cat->applied, checksum, NULL,
								 (const char *const *) versions, nversions,
								 hist, nhist, partial, npartial, MG_KNOWN_BY_CATALOG);
	}
}

Datum
migrate_validate(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MigrateCatalog cat;
	MgProblems	p;

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
	MgProblems	p;
	const char *next;
	int			pending;

	migrate_spi_connect();
	if (catalog_up_to_date(true))
	{
		snapshot_check_drift();
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
	snapshot_check_drift();
	SPI_finish();
	PG_RETURN_VOID();
}

Datum
migrate_status(PG_FUNCTION_ARGS)
{
	MigrateCatalog cat;
	MgProblems	p;
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
