/*
 * offline.c — upgrade_sql() and downgrade_sql(): one script that
 * "psql -v ON_ERROR_STOP=1 -f" can run against a database at the current
 * state, leaving exactly the state upgrade()/downgrade() would.
 *
 * The script takes the migrate lock, first checks that the database is
 * still at the version set it was generated for, then per revision prints
 * "-- Running upgrade A -> B", the revision's SQL and its history row, and
 * writes the version set before each COMMIT.  A revision marked
 * "transaction false" is placed between transactions (psql then runs each
 * of its statements in autocommit), and the whole script holds the lock at
 * session level instead.
 */
#include "migrate.h"

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(migrate_upgrade_sql);
PG_FUNCTION_INFO_V1(migrate_downgrade_sql);

static void
append_id_array(StringInfo buf, const MgGraph *g, const MgIntList *ids)
{
	appendStringInfoString(buf, "ARRAY[");
	for (int i = 0; i < ids->count; i++)
		appendStringInfo(buf, "%s%s", i ? ", " : "",
						 quote_literal_cstr(g->nodes[ids->items[i]].id));
	appendStringInfoString(buf, "]::pg_catalog.text[]");
}

/* Replace the version set with the canonical set of applied. */
static void
append_versions(StringInfo buf, const MgGraph *g, const uint8_t *applied)
{
	MgIntList	vs = mg_version_set(g, applied);

	appendStringInfoString(buf, "DELETE FROM migrate.version;\n");
	if (vs.count > 0)
	{
		appendStringInfoString(buf, "INSERT INTO migrate.version (revision) SELECT pg_catalog.unnest(");
		append_id_array(buf, g, &vs);
		appendStringInfoString(buf, ");\n");
	}
}

static void
append_sql(StringInfo buf, const char *sql)
{
	int			end = strlen(sql);

	while (end > 0 && (sql[end - 1] == ' ' || sql[end - 1] == '\t' ||
					   sql[end - 1] == '\n'))
		end--;
	if (end == 0)
		return;					/* an empty section (a merge) */
	appendStringInfoString(buf, sql);
	/* make sure the last statement is terminated before what follows */
	appendStringInfoString(buf, sql[end - 1] == ';' ? "\n" : "\n;\n");
}

static char *
build_script(const char *target, MgOp op)
{
	MigrateCatalog cat;
	MgPlan		plan;
	MgError		err;
	StringInfoData buf;
	MgIntList	from;
	uint8_t    *state;
	bool		downgrade = (op == MG_OP_DOWNGRADE);
	bool		session_lock = false;
	char	   *lock;
	MemoryContext scratch;

	catalog_load(&cat, true);
	if (mg_plan(&cat.graph, target, op, cat.applied, false, &plan, &err) != MG_OK)
		mg_report(&err);
	for (int i = 0; i < plan.steps.count; i++)
		if (!cat.transactional[plan.steps.items[i]])
			session_lock = true;

	from = mg_version_set(&cat.graph, cat.applied);
	initStringInfo(&buf);
	appendStringInfo(&buf, "-- migrate: offline %s to %s, %d revision%s\n"
					 "-- run with: psql -v ON_ERROR_STOP=1 -f <this file>\n",
					 downgrade ? "downgrade" : "upgrade", quote_literal_cstr(target),
					 plan.steps.count, plan.steps.count == 1 ? "" : "s");
	lock = psprintf("SELECT pg_catalog.pg_advisory%s_lock(" INT64_FORMAT ");\n",
					session_lock ? "" : "_xact", MIGRATE_LOCK_KEY);
	if (session_lock)
		appendStringInfoString(&buf, lock);
	appendStringInfoString(&buf, "BEGIN;\n");
	if (!session_lock)
		appendStringInfoString(&buf, lock);
	/* refuse to run against any other state than the one planned from */
	appendStringInfoString(&buf,
						   "DO $migrate$\nBEGIN\n"
						   "  IF (SELECT COALESCE(pg_catalog.array_agg(revision ORDER BY revision COLLATE \"C\"), '{}')"
						   " FROM migrate.version) OPERATOR(pg_catalog.<>) ");
	append_id_array(&buf, &cat.graph, &from);
	appendStringInfoString(&buf,
						   " THEN\n    RAISE EXCEPTION 'migrate: the database is not at the state this script was generated for';\n"
						   "  END IF;\nEND\n$migrate$;\n");

	state = palloc(cat.graph.n + 1);
	memcpy(state, cat.applied, cat.graph.n);
	/* each revision is fetched into scratch; buf grows in its own context */
	scratch = AllocSetContextCreate(CurrentMemoryContext, "migrate revision",
									ALLOCSET_DEFAULT_SIZES);
	for (int i = 0; i < plan.steps.count; i++)
	{
		int			node = plan.steps.items[i];
		MigrateRevision rev;
		const char *sql;
		MemoryContext old = MemoryContextSwitchTo(scratch);

		catalog_fetch(cat.graph.nodes[node].id, &rev);
		sql = downgrade ? rev.downgrade : rev.upgrade;
		if (sql == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("revision %s (%s) has no downgrade section and cannot be downgraded",
							rev.id, rev.message ? rev.message : "no message")));
		if (!rev.transactional)
		{
			/* close the transaction with the state so far */
			append_versions(&buf, &cat.graph, state);
			appendStringInfoString(&buf, "COMMIT;\n");
		}
		appendStringInfoChar(&buf, '\n');
		appendStringInfo(&buf, "-- %s\n",
						 mg_running_text(&cat.graph, node, downgrade, rev.message));
		appendStringInfoString(&buf, "SELECT pg_catalog.set_config('migrate.started',"
							   " pg_catalog.clock_timestamp()::pg_catalog.text, false) \\gset\n");
		append_sql(&buf, sql);
		if (!rev.transactional)
			appendStringInfoString(&buf, "BEGIN;\n");
		appendStringInfo(&buf,
						 "INSERT INTO migrate.history (revision, action, checksum, started_at, duration)"
						 " VALUES (%s, %s, %s,"
						 " pg_catalog.current_setting('migrate.started')::pg_catalog.timestamptz,"
						 " pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-)"
						 " pg_catalog.current_setting('migrate.started')::pg_catalog.timestamptz);\n",
						 quote_literal_cstr(rev.id),
						 downgrade ? "'downgrade'" : "'upgrade'",
						 quote_literal_cstr(rev.checksum));
		if (catalog_has_fast_columns())
			appendStringInfo(&buf,
							 "UPDATE migrate.revision SET applied_checksum = %s"
							 " WHERE id OPERATOR(pg_catalog.=) %s;\n",
							 downgrade ? "NULL" : "checksum", quote_literal_cstr(rev.id));
		state[node] = downgrade ? 0 : 1;
		MemoryContextSwitchTo(old);
		MemoryContextReset(scratch);
	}
	MemoryContextDelete(scratch);
	appendStringInfoChar(&buf, '\n');
	append_versions(&buf, &cat.graph, state);
	if (catalog_has_fast_columns())
		appendStringInfo(&buf, "%s;\n", MIGRATE_REFRESH_STATE_SQL);
	appendStringInfoString(&buf, "COMMIT;\n");
	if (session_lock)
		appendStringInfo(&buf, "SELECT pg_catalog.pg_advisory_unlock(" INT64_FORMAT ");\n",
						 MIGRATE_LOCK_KEY);
	return buf.data;
}

static Datum
script_result(const char *target, MgOp op)
{
	char	   *script;
	text	   *result;

	SPI_connect();
	script = build_script(target, op);
	result = (text *) SPI_palloc(VARHDRSZ + strlen(script));
	SET_VARSIZE(result, VARHDRSZ + strlen(script));
	memcpy(VARDATA(result), script, strlen(script));
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
