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
#include "lib/stringinfo.h"
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

/* The changes from one model to another (copies: the differ renames). */
static MgChangeList
changes(const MgSchemaModel *from, const MgSchemaModel *to, const MgStrList *renames)
{
	MgSchemaModel *a = palloc(sizeof(MgSchemaModel));
	MgSchemaModel *b = palloc(sizeof(MgSchemaModel));
	MgChangeList list;
	MgError		err;

	mg_model_copy(a, from);
	mg_model_copy(b, to);
	if (mg_schema_diff(a, b, renames, &list, &err) != MG_OK)
		mg_report(&err);
	return list;
}

static char *
ddl(const MgSchemaModel *from, const MgSchemaModel *to,
	const MgStrList *renames, MgWriteMode mode)
{
	MgChangeList list = changes(from, to, renames);

	return mg_schema_write_pg(&list, mode);
}

/*
 * One revision of a generated upgrade: its sections, the schemas before
 * and after it, and what verify() runs for its upgrade (the same without
 * CONCURRENTLY, which a subtransaction cannot run).
 */
typedef struct Step
{
	char	   *upgrade;
	char	   *verified;
	char	   *downgrade;
	const MgSchemaModel *before;
	const MgSchemaModel *after;
	bool		transactional;
} Step;

/*
 * The upgrade from live to want as one revision, or, online, as the
 * transactional one and the one that builds indexes CONCURRENTLY
 * (schema_online.c); either may be left out when it would be empty.
 * Returns the number of steps, 0 when nothing differs.  back: the renames
 * of the downgrades, NULL to write no downgrades (diff() needs none).
 */
static int
plan_steps(const MgSchemaModel *live, const MgSchemaModel *want,
		   const MgStrList *renames, const MgStrList *back, bool online,
		   Step steps[2])
{
	MgChangeList all = changes(live, want, renames);
	MgSchemaModel *mid = palloc(sizeof(MgSchemaModel));
	int			n = 0;

	memset(steps, 0, sizeof(Step) * 2);
	if (!online || mg_online_split(&all, want, mid) == 0)
	{
		steps[0].upgrade = mg_schema_write_pg(&all, online ? MG_WRITE_ONLINE : MG_WRITE_PLAIN);
		if (steps[0].upgrade[0] == '\0')
			return 0;
		steps[0].verified = steps[0].upgrade;
		steps[0].downgrade = back ? ddl(want, live, back, MG_WRITE_PLAIN) : NULL;
		steps[0].before = live;
		steps[0].after = want;
		steps[0].transactional = true;
		return 1;
	}
	steps[0].upgrade = ddl(live, mid, renames, MG_WRITE_ONLINE);
	if (steps[0].upgrade[0] != '\0')
	{
		steps[0].verified = steps[0].upgrade;
		steps[0].downgrade = back ? ddl(mid, live, back, MG_WRITE_PLAIN) : NULL;
		steps[0].before = live;
		steps[0].after = mid;
		steps[0].transactional = true;
		n++;
	}
	steps[n].upgrade = ddl(mid, want, NULL, MG_WRITE_CONCURRENT);
	steps[n].verified = back ? ddl(mid, want, NULL, MG_WRITE_PLAIN) : NULL;
	steps[n].downgrade = back ? ddl(want, mid, NULL, MG_WRITE_PLAIN) : NULL;
	steps[n].before = n > 0 ? mid : live;
	steps[n].after = want;
	steps[n].transactional = false;
	return n + 1;
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
	Step		steps[2];
	int			n;
	StringInfoData out;
	text	   *result;

	migrate_spi_connect();
	schemas = schema_list(fcinfo, 1);
	schema_load_pair(desired, &schemas, &live, &want);
	n = plan_steps(&live, &want, &renames, NULL, online, steps);
	initStringInfo(&out);
	for (int i = 0; i < n; i++)
	{
		if (!steps[i].transactional)
			appendStringInfoString(&out, "-- online: the statements below cannot run inside a transaction block\n");
		appendStringInfoString(&out, steps[i].upgrade);
	}
	result = result_text(out.data);
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
	left = ddl(&now, expect, NULL, MG_WRITE_PLAIN);
	if (left[0] != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("the generated %s does not reach the expected schema", what),
				 errdetail("Still to do after it:\n%s", left),
				 errhint("Write this revision by hand (migrate.revision()), and report the schema pair as a bug.")));
}

/*
 * Apply the upgrades in order, then the downgrades in reverse, in a
 * subtransaction that is rolled back.
 */
static void
verify(const Step *steps, int n, const MgStrList *schemas)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		for (int i = 0; i < n; i++)
			verify_step(steps[i].verified, schemas, steps[i].after, "upgrade");
		for (int i = n - 1; i >= 0; i--)
			verify_step(steps[i].downgrade, schemas, steps[i].before, "downgrade");
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
	Step		steps[2];
	int			n;
	char	   *id = NULL;
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
	n = plan_steps(&live, &want, &renames, &back, online, steps);
	if (n == 0)
	{
		SPI_finish();
		PG_RETURN_NULL();
	}
	verify(steps, n, &schemas);

	/* the given id names the last revision: the one at desired */
	heads = mg_graph_heads(&cat.graph);
	for (int i = 0; i < n; i++)
	{
		bool		last = i == n - 1;
		MgRevFile	rf;

		mg_revfile_new(&rf, last && !PG_ARGISNULL(3) ? text_to_cstring(PG_GETARG_TEXT_PP(3)) : NULL,
					   steps[i].transactional ? message :
					   psprintf("%s: build indexes concurrently", message));
		rf.transactional = steps[i].transactional;
		mg_revfile_set_section(&rf, MG_SECTION_UPGRADE, authoring_normalise(steps[i].upgrade, "upgrade"));
		mg_revfile_set_section(&rf, MG_SECTION_DOWNGRADE, authoring_normalise(steps[i].downgrade, "downgrade"));
		if (i == 0)
			for (int h = 0; h < heads.count; h++)
				mg_strlist_add(&rf.revises, cat.graph.nodes[heads.items[h]].id);
		else
			mg_strlist_add(&rf.revises, id);
		id = authoring_store(&rf, last && !PG_ARGISNULL(3));
	}
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
	pending = ddl(&live, &want, NULL, MG_WRITE_PLAIN);
	if (pending[0] != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("new upgrade operations detected"),
				 errdetail("%s", pending),
				 errhint("Run migrate revision --autogenerate (migrate.autogenerate()) to write them as a revision.")));
	SPI_finish();
	PG_RETURN_VOID();
}
