/*
 * autogen.c — the SQL functions of autogenerate: diff(), autogenerate()
 * and check(desired).
 *
 * Each reads the live side and loads the desired side (schema_load.c),
 * runs the shared differ and writes PostgreSQL DDL (src/common).
 * autogenerate() then checks its own work before storing anything: in a
 * subtransaction that is always rolled back it applies the upgrade and
 * requires the schema to equal desired, then applies the downgrade and
 * requires the original schema back.
 */
#include "migrate.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "schema_read.h"

PG_FUNCTION_INFO_V1(migrate_diff);
PG_FUNCTION_INFO_V1(migrate_autogenerate);
PG_FUNCTION_INFO_V1(migrate_check_desired);

static char *
desired_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("desired must not be null")));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* The DDL from one model to another (copies: the differ renames). */
static char *
ddl(const MgSchemaModel *from, const MgSchemaModel *to,
	const MgStrList *renames, bool online)
{
	MgSchemaModel a,
				b;
	MgChangeList changes;
	MgError		err;

	mg_model_copy(&a, from);
	mg_model_copy(&b, to);
	if (mg_schema_diff(&a, &b, renames, &changes, &err) != MG_OK)
		mg_report(&err);
	return mg_schema_write_pg(&changes, online);
}

static text *
result_text(const char *s)
{
	size_t		n = strlen(s);
	text	   *t = (text *) SPI_palloc(VARHDRSZ + n);

	SET_VARSIZE(t, VARHDRSZ + n);
	memcpy(VARDATA(t), s, n);
	return t;
}

Datum
migrate_diff(PG_FUNCTION_ARGS)
{
	char	   *desired = desired_arg(fcinfo, 0);
	MgStrList	renames = migrate_text_array(fcinfo, 2, "renames");
	bool		online = !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);
	MgStrList	schemas;
	MgSchemaModel live,
				want;
	text	   *result;

	migrate_spi_connect();
	schemas = schema_list(fcinfo, 1);
	schema_load_pair(desired, &schemas, &live, &want);
	result = result_text(ddl(&live, &want, &renames, online));
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}

/* After running sql, the compared schemas must read as 'expect'. */
static void
verify_step(const char *sql, const MgStrList *schemas,
			const MgSchemaModel *expect, const char *what)
{
	SchemaReadOptions opt;
	MgSchemaModel now;
	char	   *left;

	schema_run_ddl(sql);
	memset(&opt, 0, sizeof(opt));
	opt.schemas = *schemas;
	opt.side = what;
	schema_read(&opt, &now);
	left = ddl(&now, expect, NULL, false);
	if (left[0] != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("the generated %s does not reach the expected schema", what),
				 errdetail("Still to do after it:\n%s", left),
				 errhint("Write this revision by hand (migrate.revision()), and report the schema pair as a bug.")));
}

/* Apply upgrade then downgrade in a subtransaction that is rolled back. */
static void
verify(const char *upgrade, const char *downgrade, const MgStrList *schemas,
	   const MgSchemaModel *live, const MgSchemaModel *want)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		verify_step(upgrade, schemas, want, "upgrade");
		verify_step(downgrade, schemas, live, "downgrade");
	}
	PG_CATCH();
	{
		ErrorData  *ed = migrate_subxact_caught(cxt, owner);

		if (ed->sqlerrcode != ERRCODE_INTERNAL_ERROR)
			ed->message = psprintf("verifying the generated revision: %s", ed->message);
		ReThrowError(ed);
	}
	PG_END_TRY();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
}

static MgStrList
reversed(const MgStrList *renames)
{
	MgStrList	r = {0};

	for (int i = renames->count - 1; i >= 0; i--)
	{
		const char *s = renames->items[i];
		const char *colon = strchr(s, ':');

		if (colon == NULL)
			mg_strlist_add(&r, s);	/* the forward diff reports it */
		else
			mg_strlist_add(&r, psprintf("%s:%.*s", colon + 1, (int) (colon - s), s));
	}
	return r;
}

Datum
migrate_autogenerate(PG_FUNCTION_ARGS)
{
	char	   *message;
	char	   *desired = desired_arg(fcinfo, 1);
	MgStrList	renames = migrate_text_array(fcinfo, 4, "renames");
	MgStrList	back = reversed(&renames);
	bool		online = !PG_ARGISNULL(5) && PG_GETARG_BOOL(5);
	MgStrList	schemas;
	MgSchemaModel live,
				want;
	MigrateCatalog cat;
	MgPlan		plan;
	MgError		err;
	MgIntList	heads;
	MgRevFile	rf;
	char	   *upgrade;
	char	   *downgrade;
	char	   *id;
	text	   *result;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("message must not be null")));
	message = text_to_cstring(PG_GETARG_TEXT_PP(0));
	migrate_begin_change();
	migrate_spi_connect();
	catalog_load(&cat, false);
	if (mg_plan(&cat.graph, "heads", MG_OP_UPGRADE, cat.applied, false,
				&plan, &err) != MG_OK)
		mg_report(&err);
	if (plan.steps.count > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("target database is not up to date"),
				 errdetail("%d revision%s pending, starting with %s.", plan.steps.count,
						   plan.steps.count == 1 ? " is" : "s are",
						   cat.graph.nodes[plan.steps.items[0]].id),
				 errhint("Run %s first.", mg_command(MG_CMD_UPGRADE, NULL))));

	schemas = schema_list(fcinfo, 2);
	schema_load_pair(desired, &schemas, &live, &want);
	upgrade = ddl(&live, &want, &renames, false);
	if (upgrade[0] == '\0')
	{
		SPI_finish();
		PG_RETURN_NULL();
	}
	downgrade = ddl(&want, &live, &back, false);
	verify(upgrade, downgrade, &schemas, &live, &want);
	if (online)
		upgrade = ddl(&live, &want, &renames, true);

	mg_revfile_new(&rf, PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3)), message);
	rf.transactional = strstr(upgrade, " CONCURRENTLY ") == NULL;
	mg_revfile_set_section(&rf, MG_SECTION_UPGRADE, authoring_normalise(upgrade, "upgrade"));
	mg_revfile_set_section(&rf, MG_SECTION_DOWNGRADE, authoring_normalise(downgrade, "downgrade"));
	heads = mg_graph_heads(&cat.graph);
	for (int i = 0; i < heads.count; i++)
		mg_strlist_add(&rf.revises, cat.graph.nodes[heads.items[i]].id);
	id = authoring_store(&rf, !PG_ARGISNULL(3));
	result = result_text(id);
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}

Datum
migrate_check_desired(PG_FUNCTION_ARGS)
{
	char	   *desired = desired_arg(fcinfo, 0);
	MgStrList	schemas;
	MgSchemaModel live,
				want;
	char	   *pending;

	migrate_spi_connect();
	if (SPI_execute("SELECT migrate.check()", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "migrate: check() failed");
	schemas = schema_list(fcinfo, 1);
	schema_load_pair(desired, &schemas, &live, &want);
	pending = ddl(&live, &want, NULL, false);
	if (pending[0] != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("new upgrade operations detected"),
				 errdetail("%s", pending),
				 errhint("Run migrate revision --autogenerate (migrate.autogenerate()) to write them as a revision.")));
	SPI_finish();
	PG_RETURN_VOID();
}
