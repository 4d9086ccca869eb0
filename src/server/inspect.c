/*
 * inspect.c — the read-only SQL functions: current(), heads(),
 * branches(), history(), show() and plan().  They take no lock and read
 * the last committed state with the statement's snapshot.
 */
#include "migrate.h"

#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(migrate_current);
PG_FUNCTION_INFO_V1(migrate_heads);
PG_FUNCTION_INFO_V1(migrate_branches);
PG_FUNCTION_INFO_V1(migrate_history);
PG_FUNCTION_INFO_V1(migrate_show);
PG_FUNCTION_INFO_V1(migrate_plan);

#define MAX_COLS 16

typedef struct Row
{
	Datum		values[MAX_COLS];
	bool		nulls[MAX_COLS];
} Row;

static void
row_init(Row *r)
{
	memset(r->nulls, true, sizeof(r->nulls));
}

static void
row_set(Row *r, int col, Datum d)
{
	r->values[col] = d;
	r->nulls[col] = false;
}

static void
row_text(Row *r, int col, const char *s)
{
	if (s)
		row_set(r, col, CStringGetTextDatum(s));
}

static void
emit(FunctionCallInfo fcinfo, Row *r)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, r->values, r->nulls);
}

/* The end of a set-returning function: its rows are in the tuplestore. */
static Datum
rows_done(void)
{
	SPI_finish();
	return (Datum) 0;
}

static void
open_catalog(FunctionCallInfo fcinfo, MigrateCatalog *cat)
{
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	migrate_spi_connect();
	catalog_load(cat, true);
}

Datum
migrate_current(PG_FUNCTION_ARGS)
{
	MigrateCatalog cat;
	MgIntList	vs;

	open_catalog(fcinfo, &cat);
	vs = mg_version_set(&cat.graph, cat.applied);
	for (int i = 0; i < vs.count; i++)
	{
		Row			r;

		row_init(&r);
		row_text(&r, 0, cat.graph.nodes[vs.items[i]].id);
		emit(fcinfo, &r);
	}
	return rows_done();
}

/* rows of (revision, branch, message) for heads() and branches() */
static Datum
emit_nodes(FunctionCallInfo fcinfo, bool heads)
{
	MigrateCatalog cat;
	MgIntList	l;

	open_catalog(fcinfo, &cat);
	l = heads ? mg_graph_heads(&cat.graph) : mg_graph_branch_points(&cat.graph);
	for (int i = 0; i < l.count; i++)
	{
		int			node = l.items[i];
		MgStrList	br = mg_graph_node_branches(&cat.graph, node);
		Row			r;

		CHECK_FOR_INTERRUPTS();
		row_init(&r);
		row_text(&r, 0, cat.graph.nodes[node].id);
		row_set(&r, 1, strlist_to_array(&br));
		row_text(&r, 2, cat.message[node]);
		emit(fcinfo, &r);
	}
	return rows_done();
}

Datum
migrate_heads(PG_FUNCTION_ARGS)
{
	return emit_nodes(fcinfo, true);
}

Datum
migrate_branches(PG_FUNCTION_ARGS)
{
	return emit_nodes(fcinfo, false);
}

/* Columns col.. col+2 of history() and show(): is_head, is_applied, applied_at. */
static void
row_state(Row *r, int col, const MigrateCatalog *cat, int node,
		  const TimestampTz *at, const bool *has)
{
	row_set(r, col, BoolGetDatum(mg_graph_is_head(&cat->graph, node)));
	row_set(r, col + 1, BoolGetDatum(cat->applied[node] != 0));
	if (has[node])
		row_set(r, col + 2, TimestampTzGetDatum(at[node]));
}

Datum
migrate_history(PG_FUNCTION_ARGS)
{
	char	   *range = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	MigrateCatalog cat;
	MgIntList	l;
	MgError		err;
	TimestampTz *at;
	bool	   *has;

	open_catalog(fcinfo, &cat);
	if (mg_history(&cat.graph, range, cat.applied, &l, &err) != MG_OK)
		mg_report(&err);
	at = catalog_applied_at(&cat, &has);
	for (int i = 0; i < l.count; i++)
	{
		int			node = l.items[i];
		const MgNode *nd = &cat.graph.nodes[node];
		Row			r;

		CHECK_FOR_INTERRUPTS();
		row_init(&r);
		row_text(&r, 0, nd->id);
		row_set(&r, 1, strlist_to_array(&nd->revises_txt));
		row_text(&r, 2, cat.message[node]);
		row_state(&r, 3, &cat, node, at, has);
		emit(fcinfo, &r);
	}
	return rows_done();
}

Datum
migrate_show(PG_FUNCTION_ARGS)
{
	char	   *target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	MigrateCatalog cat;
	MigrateRevision rev;
	MgError		err;
	int			node;
	const MgNode *nd;
	MgStrList	br;
	TimestampTz *at;
	bool	   *has;
	Row			r;
	Datum		d;
	bool		isnull;
	Oid			types[1] = {TEXTOID};
	int			rc;

	open_catalog(fcinfo, &cat);
	if (mg_target_single(&cat.graph, target, cat.applied, &node, &err) != MG_OK)
		mg_report(&err);
	nd = &cat.graph.nodes[node];
	catalog_fetch(nd->id, &rev);
	br = mg_graph_node_branches(&cat.graph, node);
	at = catalog_applied_at(&cat, &has);

	row_init(&r);
	row_text(&r, 0, nd->id);
	row_set(&r, 1, strlist_to_array(&nd->revises_txt));
	row_set(&r, 2, strlist_to_array(&nd->depends_txt));
	row_set(&r, 3, strlist_to_array(&br));
	row_set(&r, 4, ids_to_array(&cat.graph, &nd->children));
	row_text(&r, 5, rev.message);
	row_set(&r, 7, BoolGetDatum(rev.transactional));
	row_text(&r, 8, rev.checksum);
	row_text(&r, 9, rev.source);
	row_state(&r, 11, &cat, node, at, has);
	row_text(&r, 14, rev.upgrade);
	row_text(&r, 15, rev.downgrade);

	/* created and loaded_at are timestamps, fetched as such */
	d = CStringGetTextDatum(nd->id);
	rc = SPI_execute_with_args("SELECT created, loaded_at FROM migrate.revision"
							   " WHERE id OPERATOR(pg_catalog.=) $1",
							   1, types, &d, NULL, true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "migrate: could not read revision %s", nd->id);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		row_set(&r, 6, d);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	row_set(&r, 10, d);
	emit(fcinfo, &r);
	return rows_done();
}

Datum
migrate_plan(PG_FUNCTION_ARGS)
{
	char	   *target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *action = PG_NARGS() > 1 ? text_to_cstring(PG_GETARG_TEXT_PP(1)) : NULL;
	MigrateCatalog cat;
	MgPlan		plan;
	MgError		err;
	MgStatus	st;

	if (action && strcmp(action, "upgrade") != 0 && strcmp(action, "downgrade") != 0)
		ereport(ERROR,
				(errcode(mg_sqlstate(MG_ERR_INPUT)),
				 errmsg("direction must be \"upgrade\" or \"downgrade\"")));
	/* at every application boot: already at heads, nothing to plan */
	if (strcmp(target, "heads") == 0 && (action == NULL || action[0] == 'u'))
	{
		InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
		migrate_spi_connect();
		if (catalog_up_to_date(true))
		{
			SPI_finish();
			return (Datum) 0;
		}
		catalog_load(&cat, true);
	}
	else
		open_catalog(fcinfo, &cat);
	/* plan(target): upgrade if that does anything, else downgrade */
	if (action == NULL)
		st = mg_plan_auto(&cat.graph, target, cat.applied, &plan, &err);
	else
		st = mg_plan(&cat.graph, target,
					 action[0] == 'u' ? MG_OP_UPGRADE : MG_OP_DOWNGRADE,
					 cat.applied, false, &plan, &err);
	if (st != MG_OK)
		mg_report(&err);
	for (int i = 0; i < plan.steps.count; i++)
	{
		int			node = plan.steps.items[i];
		Row			r;

		CHECK_FOR_INTERRUPTS();
		row_init(&r);
		row_set(&r, 0, Int32GetDatum(i + 1));
		row_text(&r, 1, cat.graph.nodes[node].id);
		row_text(&r, 2, plan.downgrade ? "downgrade" : "upgrade");
		row_text(&r, 3, cat.message[node]);
		row_set(&r, 4, BoolGetDatum(cat.transactional[node]));
		emit(fcinfo, &r);
	}
	return rows_done();
}
