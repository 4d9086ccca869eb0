/*
 * external.c — support for revisions the server cannot run itself
 * (SPEC 4.6): statements() splits a revision's section into statements
 * with their file lines, using the server's own parser, and record()
 * logs a revision that the migrate program ran in autocommit, moving the
 * version set by exactly that one step.
 */
#include "migrate.h"
#include "snapshot.h"
#include "journal.h"

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
	migrate_spi_connect();
	catalog_fetch(id, &rev);
	body = downgrade ? rev.downgrade : rev.upgrade;
	body_line = downgrade ? rev.downgrade_line : rev.upgrade_line;
	{
		MgStep		step = {0};
		MgError		err;

		step.id = rev.id;
		step.message = rev.message;
		step.source = rev.source;
		step.downgrade = downgrade;
		step.has_body = body != NULL;
		if (mg_rule_downgradable(&step, &err) != MG_OK)
			mg_report(&err);
	}
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
	MgError		err;

	if (!up && strcmp(action, "downgrade") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("action must be \"upgrade\" or \"downgrade\"")));
	migrate_begin_change();
	migrate_spi_connect();
	catalog_load(&cat, false);
	node = catalog_node(&cat, id);
	if (mg_rule_one_step(&cat.graph, cat.applied, node, !up, &err) != MG_OK)
		mg_report(&err);

	catalog_fetch(id, &rev);
	catalog_log(id, action, rev.checksum, started, finished);
	journal_forget(id);
	after = palloc(cat.graph.n + 1);
	memcpy(after, cat.applied, cat.graph.n);
	after[node] = up ? 1 : 0;
	catalog_write_versions(&cat, after);
	catalog_refresh_state();
	snapshot_after_change();
	SPI_finish();
	PG_RETURN_VOID();
}
