/*
 * forget.c — forget(revision): remove an unapplied revision from the
 * catalog (the program does it for revisions whose file was deleted, so
 * that the catalog and the files agree).  A revision that is applied, or
 * that another revision revises or depends on, stays.
 */
#include "migrate.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(migrate_forget);

/* The revisions that name node as a parent or dependency, or NULL. */
static char *
needed_by(const MgGraph *g, int node)
{
	const MgNode *nd = &g->nodes[node];
	StringInfoData b;

	if (nd->children.count + nd->dependents.count == 0)
		return NULL;
	initStringInfo(&b);
	for (int k = 0; k < nd->children.count; k++)
		appendStringInfo(&b, "%s%s", b.len ? ", " : "", g->nodes[nd->children.items[k]].id);
	for (int k = 0; k < nd->dependents.count; k++)
		appendStringInfo(&b, "%s%s", b.len ? ", " : "", g->nodes[nd->dependents.items[k]].id);
	return b.data;
}

Datum
migrate_forget(PG_FUNCTION_ARGS)
{
	char	   *id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	MigrateCatalog cat;
	Oid			types[1] = {TEXTOID};
	Datum		arg;
	char	   *users;
	int			node;

	migrate_begin_change();
	migrate_spi_connect();
	catalog_load(&cat, false);
	node = catalog_node(&cat, id);
	if (cat.applied[node])
		ereport(ERROR,
				(errcode(mg_sqlstate(MG_ERR_STATE)),
				 errmsg("revision %s is applied and cannot be forgotten", id),
				 errhint("Downgrade below it first, or stamp a state without it.")));
	if ((users = needed_by(&cat.graph, node)) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("revision %s cannot be forgotten: revision %s needs it", id, users)));
	arg = CStringGetTextDatum(cat.graph.nodes[node].id);
	migrate_spi_check(SPI_execute_with_args("DELETE FROM migrate.revision"
											" WHERE id OPERATOR(pg_catalog.=) $1",
											1, types, &arg, NULL, false, 0),
					  SPI_OK_DELETE, "forgetting a revision");
	/* the delete turned the fast path off: recompute the tips */
	catalog_load(&cat, false);
	catalog_sync_tips(&cat);
	catalog_refresh_state();
	SPI_finish();
	PG_RETURN_VOID();
}
