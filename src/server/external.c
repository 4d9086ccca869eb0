/*
 * external.c — support for revisions the server cannot run itself
 * (SPEC 4.6): statements() splits a revision's section into statements
 * with their file lines, using the server's own parser, and record()
 * logs a revision that the migrate program ran in autocommit, moving the
 * version set by exactly that one step.
 */
#include "migrate.h"

#include "executor/spi.h"
#include "funcapi.h"
#include "nodes/parsenodes.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "sqltext.h"

PG_FUNCTION_INFO_V1(migrate_statements);
PG_FUNCTION_INFO_V1(migrate_record);

Datum
migrate_statements(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool		downgrade = PG_GETARG_BOOL(1);
	MigrateRevision rev;
	const char *body;
	int			body_line;
	List	   *stmts;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	catalog_fetch(id, &rev);
	body = downgrade ? rev.downgrade : rev.upgrade;
	body_line = downgrade ? rev.downgrade_line : rev.upgrade_line;
	if (body == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision %s (%s) has no downgrade section and cannot be downgraded",
						rev.id, rev.message ? rev.message : "no message")));
	stmts = pg_parse_query(body);
	foreach(lc, stmts)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		Datum		values[2];
		bool		nulls[2] = {false, false};
		int			start,
					end;

		apply_statement_bounds(body, rs, &start, &end);
		values[0] = Int32GetDatum(mg_line_at(body, body_line, start));
		values[1] = PointerGetDatum(cstring_to_text_with_len(body + start, end - start));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * record(revision, action, started_at, finished_at): the program ran this
 * revision's section itself; log it and move the version set, after
 * checking that it is exactly one valid step from the current state.
 */
Datum
migrate_record(PG_FUNCTION_ARGS)
{
	char	   *id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *action = text_to_cstring(PG_GETARG_TEXT_PP(1));
	TimestampTz started = PG_GETARG_TIMESTAMPTZ(2);
	TimestampTz finished = PG_GETARG_TIMESTAMPTZ(3);
	bool		up = strcmp(action, "upgrade") == 0;
	MigrateCatalog cat;
	MigrateRevision rev;
	uint8_t    *after;
	int			node;
	const MgNode *nd;

	if (!up && strcmp(action, "downgrade") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("action must be \"upgrade\" or \"downgrade\"")));
	migrate_begin_change();
	SPI_connect();
	catalog_load(&cat, false);
	node = mg_graph_find(&cat.graph, id);
	if (node < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("no revision named \"%s\"", id)));
	nd = &cat.graph.nodes[node];
	/* one step: parents and dependencies applied (upgrade), nothing above (downgrade) */
	for (int k = 0; up && k < nd->parents.count; k++)
		if (!cat.applied[nd->parents.items[k]])
			goto invalid;
	for (int k = 0; up && k < nd->deps.count; k++)
		if (!cat.applied[nd->deps.items[k]])
			goto invalid;
	for (int k = 0; !up && k < nd->children.count; k++)
		if (cat.applied[nd->children.items[k]])
			goto invalid;
	for (int k = 0; !up && k < nd->dependents.count; k++)
		if (cat.applied[nd->dependents.items[k]])
			goto invalid;
	if ((cat.applied[node] != 0) == up)
		goto invalid;

	catalog_fetch(id, &rev);
	catalog_log(id, action, rev.checksum, started, finished);
	after = palloc(cat.graph.n + 1);
	memcpy(after, cat.applied, cat.graph.n);
	after[node] = up ? 1 : 0;
	catalog_write_versions(&cat, after);
	catalog_refresh_state();
	SPI_finish();
	PG_RETURN_VOID();

invalid:
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("revision %s cannot be recorded as a%s %s from the current state",
					id, up ? "n" : "", action)));
	PG_RETURN_VOID();
}
