/*
 * offline.c — upgrade_sql() and downgrade_sql(): the plan from the
 * catalog's state, written by the shared offline writer
 * (src/common/offline.c), the same bytes the program writes for the same
 * graph and range.
 */
#include "migrate.h"

#include "executor/spi.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(migrate_upgrade_sql);
PG_FUNCTION_INFO_V1(migrate_downgrade_sql);

static Datum
script_result(const char *target, MgOp op)
{
	MigrateCatalog cat;
	MgPlan		plan;
	MgError		err;
	ServerSteps ss;
	MgOfflineInput in;
	MgBuf		script;
	MgStatus	st;
	text	   *result;

	migrate_spi_connect();
	catalog_load(&cat, true);
	if (mg_plan(&cat.graph, target, op, cat.applied, false, &plan, &err) != MG_OK)
		mg_report(&err);
	server_steps_init(&ss, &cat);
	memset(&in, 0, sizeof(in));
	in.graph = &cat.graph;
	in.dialect = MG_DIALECT_POSTGRESQL;
	in.target = target;
	in.downgrade = plan.downgrade;
	in.steps = &plan.steps;
	in.from = cat.applied;
	in.source = &server_source_ops;
	in.source_ctx = &ss;
	mg_buf_init(&script);
	st = mg_offline_script(&in, &script, &err);
	server_steps_done(&ss);
	if (st != MG_OK)
		mg_report(&err);
	result = (text *) SPI_palloc(VARHDRSZ + script.len);
	SET_VARSIZE(result, VARHDRSZ + script.len);
	memcpy(VARDATA(result), script.data, script.len);
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}

Datum
migrate_upgrade_sql(PG_FUNCTION_ARGS)
{
	return script_result(text_to_cstring(PG_GETARG_TEXT_PP(0)), MG_OP_UPGRADE);
}

Datum
migrate_downgrade_sql(PG_FUNCTION_ARGS)
{
	return script_result(text_to_cstring(PG_GETARG_TEXT_PP(0)), MG_OP_DOWNGRADE);
}
