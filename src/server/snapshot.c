/*
 * snapshot.c — schema snapshots and drift (SPEC §8): snapshot(), drift(),
 * record_snapshot(), the snapshot every state-changing call records, and
 * the drift check of check() and status().
 *
 * A snapshot is the catalog reader's model of the managed schemas written
 * as the DDL that creates it (src/common/verify.c), with its SHA-256.  It
 * is recorded in migrate.snapshot, one row per version set and schema
 * list, once per state-changing call (not per revision), for the schemas
 * of the GUC migrate.schemas; migrate.snapshots = off turns it off.  A
 * schema the reader cannot describe never makes a migration fail: the
 * snapshot is left out with a WARNING.
 *
 * Drift compares the live schema with the recorded snapshot: equal hashes
 * mean no drift and cost one catalog read; otherwise the recorded DDL is
 * loaded like a desired schema (schema_load.c: in a subtransaction that is
 * rolled back, which needs ownership of the compared schemas) and the
 * differ lists what differs, with the DDL that turns live back into it.
 */
#include "migrate.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/varlena.h"
#include "schema_read.h"
#include "snapshot.h"
#include "verify.h"

PG_FUNCTION_INFO_V1(migrate_snapshot);
PG_FUNCTION_INFO_V1(migrate_drift);
PG_FUNCTION_INFO_V1(migrate_record_snapshot);

static char *schemas_guc = NULL;
static bool snapshots_guc = true;
static bool check_drift_guc = true;

void
snapshot_define_gucs(void)
{
	DefineCustomStringVariable("migrate.schemas",
							   "The schemas migrations manage: snapshots, drift and test() read them.",
							   "A comma-separated list of schema names.",
							   &schemas_guc, "public", PGC_USERSET, GUC_LIST_INPUT,
							   NULL, NULL, NULL);
	DefineCustomBoolVariable("migrate.snapshots",
							 "Record a snapshot of migrate.schemas after every state-changing call.",
							 NULL, &snapshots_guc, true, PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("migrate.check_drift",
							 "Make check() fail when the schema drifted from its snapshot.",
							 NULL, &check_drift_guc, true, PGC_USERSET, 0,
							 NULL, NULL, NULL);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* A schema list in name order (the key of a snapshot row). */
static MgStrList
sorted(MgStrList l)
{
	if (l.count > 1)
		qsort(l.items, l.count, sizeof(char *), cmp_str);
	return l;
}

MgStrList
snapshot_managed_schemas(void)
{
	MgStrList	l = {0};
	char	   *raw = pstrdup(schemas_guc ? schemas_guc : "public");
	List	   *names;
	ListCell   *lc;

	if (!SplitIdentifierString(raw, ',', &names))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid list syntax in parameter \"migrate.schemas\"")));
	foreach(lc, names)
	{
		bool		dup = false;

		for (int i = 0; i < l.count; i++)
			dup |= strcmp(l.items[i], lfirst(lc)) == 0;
		if (!dup)
			mg_strlist_add(&l, lfirst(lc));
	}
	return sorted(l);
}

/* schemas argument argno; NULL: migrate.schemas */
static MgStrList
schemas_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return snapshot_managed_schemas();
	return sorted(schema_list(fcinfo, argno));
}

void
snapshot_take(const MgStrList *schemas, char **text, char sha[65])
{
	SchemaReadOptions opt;
	MgSchemaModel m;
	MgChangeList changes;
	MgError		err;

	memset(&opt, 0, sizeof(opt));
	opt.schemas = *schemas;
	opt.side = "the database";
	schema_read(&opt, &m);
	if (mg_snapshot_changes(&m, &changes, &err) != MG_OK)
		mg_report(&err);
	*text = mg_schema_write_pg(&changes, MG_WRITE_PLAIN);
	mg_sha256_hex(*text, strlen(*text), sha);
}

/* The current version set as a text[] datum (sorted; '{}' at base). */
static Datum
version_set(void)
{
	bool		isnull;
	Datum		d;

	migrate_spi_exec("SELECT COALESCE(pg_catalog.array_agg(revision ORDER BY revision),"
					 " '{}'::pg_catalog.text[]) FROM migrate.version",
					 0, NULL, NULL, NULL, false, SPI_OK_SELECT, "reading the version set");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return SPI_datumTransfer(d, false, -1);
}

static void
store(const MgStrList *schemas, const char *text, const char *sha)
{
	Oid			types[4] = {TEXTARRAYOID, TEXTARRAYOID, TEXTOID, TEXTOID};
	Datum		values[4];

	values[0] = version_set();
	values[1] = strlist_to_array(schemas);
	values[2] = CStringGetTextDatum(sha);
	values[3] = CStringGetTextDatum(text);
	migrate_spi_exec("INSERT INTO migrate.snapshot AS s (version_set, schemas, sha256, text)"
					 " VALUES ($1, $2, $3, $4)"
					 " ON CONFLICT (version_set, schemas) DO UPDATE"
					 " SET sha256 = EXCLUDED.sha256, text = EXCLUDED.text,"
					 " taken_at = pg_catalog.now()"
					 " WHERE s.sha256 OPERATOR(pg_catalog.<>) EXCLUDED.sha256",
					 4, types, values, NULL, false, SPI_OK_INSERT, "recording the snapshot");
}

/* false while the extension is older than 0.3 (the library is newer) */
static bool
table_exists(void)
{
	bool		isnull;

	migrate_spi_exec("SELECT pg_catalog.to_regclass('migrate.snapshot') IS NOT NULL",
					 0, NULL, NULL, NULL, false, SPI_OK_SELECT, "looking for migrate.snapshot");
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

static void
take_and_store(void *arg)
{
	MgStrList  *schemas = arg;
	char	   *text;
	char		sha[65];

	snapshot_take(schemas, &text, sha);
	store(schemas, text, sha);
}

void
snapshot_after_change(void)
{
	MgStrList	schemas;
	ErrorData  *ed;

	if (!snapshots_guc || !table_exists())
		return;
	schemas = snapshot_managed_schemas();
	if ((ed = migrate_subxact(take_and_store, &schemas)) == NULL)
		return;
	migrate_rethrow_cancel(ed);
	ereport(WARNING,
			(errcode(ed->sqlerrcode),
			 errmsg("migrate: no snapshot recorded for the new version set: %s", ed->message),
			 ed->detail ? errdetail("%s", ed->detail) : 0,
			 errhint("Drift cannot be detected for this version set; set migrate.snapshots = off to stop taking snapshots.")));
}

/* The recorded snapshot of the current version set; false: none. */
static bool
recorded(const MgStrList *schemas, char **text, char **sha)
{
	Oid			types[2] = {TEXTARRAYOID, TEXTARRAYOID};
	Datum		values[2];
	uint64		n;

	values[0] = version_set();
	values[1] = strlist_to_array(schemas);
	n = migrate_spi_exec("SELECT sha256, text FROM migrate.snapshot"
						 " WHERE version_set OPERATOR(pg_catalog.=) $1"
						 " AND schemas OPERATOR(pg_catalog.=) $2",
						 2, types, values, NULL, false, SPI_OK_SELECT, "reading the snapshot");
	if (n == 0)
		return false;
	*sha = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	*text = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	return true;
}

bool
snapshot_drift(const MgStrList *schemas, const char *against, MgDriftList *out)
{
	char	   *text,
			   *sha,
			   *live_text;
	char		live_sha[65],
				against_sha[65];
	MgSchemaModel live,
				want;
	MgError		err;

	memset(out, 0, sizeof(*out));
	if (against)
	{
		text = (char *) against;
		mg_sha256_hex(against, strlen(against), against_sha);
		sha = against_sha;
	}
	else if (!recorded(schemas, &text, &sha))
		return false;
	snapshot_take(schemas, &live_text, live_sha);
	if (strcmp(live_sha, sha) == 0)
		return true;
	schema_load_pair(text, schemas, &live, &want);
	if (mg_drift(&live, &want, out, &err) != MG_OK)
		mg_report(&err);
	return true;
}

static void
no_snapshot(const MgStrList *schemas)
{
	StringInfoData s;

	initStringInfo(&s);
	for (int i = 0; i < schemas->count; i++)
		appendStringInfo(&s, "%s%s", i ? ", " : "", schemas->items[i]);
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("no snapshot of schemas %s is recorded for the current version set", s.data),
			 errhint("Snapshots are recorded by upgrade(), downgrade(), stamp() and run() for migrate.schemas (now \"%s\"); record the schema as it is now with migrate.record_snapshot().",
					 schemas_guc ? schemas_guc : "public")));
}

void
snapshot_check_drift(void)
{
	MgStrList	schemas;
	MgDriftList drift;
	bool		isnull;

	if (!check_drift_guc || !snapshots_guc || !table_exists())
		return;
	/* roles that may not read snapshots (app roles granted check()) */
	migrate_spi_exec("SELECT pg_catalog.has_table_privilege('migrate.snapshot', 'SELECT')",
					 0, NULL, NULL, NULL, true, SPI_OK_SELECT, "checking privileges");
	if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
		return;
	schemas = snapshot_managed_schemas();
	if (!snapshot_drift(&schemas, NULL, &drift) || drift.count == 0)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("the schema drifted from its snapshot: %s", mg_drift_summary(&drift, false)),
			 errdetail("%d object%s changed outside migrations.", drift.count,
					   drift.count == 1 ? "" : "s"),
			 errhint("See migrate.drift() for the repair SQL, or accept the schema as it is with migrate.record_snapshot().")));
}

/* ---- SQL functions ---- */

static text *
spi_text(const char *s)
{
	size_t		n = strlen(s);
	text	   *t = (text *) SPI_palloc(VARHDRSZ + n);

	SET_VARSIZE(t, VARHDRSZ + n);
	memcpy(VARDATA(t), s, n);
	return t;
}

Datum
migrate_snapshot(PG_FUNCTION_ARGS)
{
	MgStrList	schemas;
	char	   *ddl;
	char		sha[65];
	text	   *result;

	migrate_spi_connect();
	schemas = schemas_arg(fcinfo, 0);
	snapshot_take(&schemas, &ddl, sha);
	result = spi_text(ddl);
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}

Datum
migrate_drift(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext outer = CurrentMemoryContext;
	MgStrList	schemas;
	MgDriftList drift;

	migrate_spi_connect();
	schemas = schemas_arg(fcinfo, 0);
	if (!snapshot_drift(&schemas, PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1)),
						&drift))
		no_snapshot(&schemas);
	MemoryContextSwitchTo(outer);
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < drift.count; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(drift.items[i].object);
		values[1] = CStringGetTextDatum(mg_drift_word(drift.items[i].kind, false));
		values[2] = CStringGetTextDatum(mg_schema_write_pg(&drift.items[i].changes,
														   MG_WRITE_PLAIN));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * record_snapshot(schemas): record the schema as it is now as the snapshot
 * of the current version set (accepting drift, or a first snapshot for a
 * database migrated before snapshots existed); returns its SHA-256.
 */
Datum
migrate_record_snapshot(PG_FUNCTION_ARGS)
{
	MgStrList	schemas;
	char	   *ddl;
	char		sha[65];
	text	   *result;

	migrate_begin_change();
	migrate_spi_connect();
	schemas = schemas_arg(fcinfo, 0);
	snapshot_take(&schemas, &ddl, sha);
	store(&schemas, ddl, sha);
	result = spi_text(sha);
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}
