/*
 * catalog.c — reading and writing the migrate catalog through SPI.
 *
 * Every query is schema-qualified, operators included, so the caller's
 * search_path cannot reach in.  Values travel as $n parameters.  Callers
 * are inside SPI_connect()/SPI_finish(); what is loaded lives in the SPI
 * procedure context and is freed by SPI_finish().
 */
#include "migrate.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "catalog/namespace.h"

static SPIPlanPtr fetch_plan = NULL;
static SPIPlanPtr log_plan = NULL;

void
migrate_spi_check(int rc, int expected, const char *what)
{
	if (rc != expected)
		elog(ERROR, "migrate: SPI failed for %s: %s", what,
			 SPI_result_code_string(rc));
}

/* SPI_connect(), whose failure is an error rather than ignored. */
void
migrate_spi_connect(void)
{
	int			rc = SPI_connect();

	if (rc != SPI_OK_CONNECT)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("migrate: could not connect to SPI: %s",
						SPI_result_code_string(rc))));
}

/*
 * SPI_execute_with_args() (nargs may be 0) whose result must be exactly
 * `expected`; returns SPI_processed.
 */
uint64
migrate_spi_exec(const char *sql, int nargs, Oid *types, Datum *values,
				 const char *nulls, bool readonly, int expected,
				 const char *what)
{
	int			rc;

	if (nargs == 0)
		rc = SPI_execute(sql, readonly, 0);
	else
		rc = SPI_execute_with_args(sql, nargs, types, values, nulls,
								   readonly, 0);
	migrate_spi_check(rc, expected, what);
	return SPI_processed;
}

static SPIPlanPtr
prepare_kept(const char *sql, int nargs, Oid *types)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, types);

	if (plan == NULL)
		elog(ERROR, "migrate: SPI_prepare failed: %s",
			 SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "migrate: SPI_keepplan failed");
	return plan;
}

/* A text[] column of the current SPI row as C strings. */
static char **
array_column(HeapTuple tup, int col, int *count)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, SPI_tuptable->tupdesc, col, &isnull);
	Datum	   *elems;
	bool	   *nulls;
	char	  **out;

	*count = 0;
	if (isnull)
		return NULL;
	deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false,
					  TYPALIGN_INT, &elems, &nulls, count);
	out = palloc(sizeof(char *) * (*count + 1));
	for (int i = 0; i < *count; i++)
		out[i] = nulls[i] ? pstrdup("") : TextDatumGetCString(elems[i]);
	return out;
}

static char *
text_column(HeapTuple tup, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, SPI_tuptable->tupdesc, col, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

void
catalog_load(MigrateCatalog *cat, bool readonly)
{
	catalog_load_ex(cat, readonly, false);
}

/* The node of revision id (exactly that id); 42704 when there is none. */
int
catalog_node(const MigrateCatalog *cat, const char *id)
{
	int			node = mg_graph_find(&cat->graph, id);

	if (node < 0)
		ereport(ERROR,
				(errcode(mg_sqlstate(MG_ERR_NOT_FOUND)),
				 errmsg("no revision named \"%s\"", id)));
	return node;
}

/*
 * Load the graph and the applied set.  With ignore_unknown_versions, rows
 * of migrate.version naming no known revision are dropped (stamp purge)
 * instead of being an error.
 */
void
catalog_load_ex(MigrateCatalog *cat, bool readonly, bool ignore_unknown_versions)
{
	uint64		n;
	int			rc;
	MgError		err;
	const char **versions;
	int			nversions;

	rc = SPI_execute("SELECT id, revises, depends, branch, message, transactional"
					 " FROM migrate.revision", readonly, 0);
	migrate_spi_check(rc, SPI_OK_SELECT, "loading revisions");
	n = SPI_processed;
	mg_graph_init(&cat->graph, (int) n);
	cat->message = palloc0(sizeof(char *) * (n + 1));
	cat->transactional = palloc0(sizeof(bool) * (n + 1));
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		int			nrev,
					ndep,
					nlab;
		char	  **rev = array_column(tup, 2, &nrev);
		char	  **dep = array_column(tup, 3, &ndep);
		char	  **lab = array_column(tup, 4, &nlab);
		char	   *id = text_column(tup, 1);
		bool		isnull;
		int			node;

		node = mg_graph_add(&cat->graph, id,
							(const char *const *) rev, nrev,
							(const char *const *) dep, ndep,
							(const char *const *) lab, nlab);
		cat->message[node] = text_column(tup, 5);
		cat->transactional[node] =
			DatumGetBool(SPI_getbinval(tup, SPI_tuptable->tupdesc, 6, &isnull));
	}
	SPI_freetuptable(SPI_tuptable);
	if (mg_graph_build(&cat->graph, &err) != MG_OK)
		mg_report(&err);

	rc = SPI_execute("SELECT revision FROM migrate.version", readonly, 0);
	migrate_spi_check(rc, SPI_OK_SELECT, "loading the version set");
	versions = palloc(sizeof(char *) * (SPI_processed + 1));
	nversions = 0;
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *v = text_column(SPI_tuptable->vals[i], 1);

		CHECK_FOR_INTERRUPTS();
		if (ignore_unknown_versions && mg_graph_find(&cat->graph, v) < 0)
			continue;
		versions[nversions++] = v;
	}
	cat->applied = palloc0(cat->graph.n + 1);
	if (mg_state_from_versions(&cat->graph, versions, nversions,
							   cat->applied, &err) != MG_OK)
		mg_report(&err);
	{
		MgIntList	canon = mg_version_set(&cat->graph, cat->applied);

		cat->versions_dirty = (uint64) canon.count != SPI_processed;
	}
	SPI_freetuptable(SPI_tuptable);
}

void
catalog_fetch(const char *id, MigrateRevision *rev)
{
	MemoryContext cxt = CurrentMemoryContext;	/* see apply_revision */
	Datum		arg = CStringGetTextDatum(id);
	HeapTuple	tup;
	bool		isnull;
	Datum		d;
	int			rc;

	if (fetch_plan == NULL)
	{
		Oid			types[1] = {TEXTOID};

		fetch_plan = prepare_kept(
								  "SELECT id, message, source, checksum, upgrade, downgrade,"
								  " upgrade_line, downgrade_line, transactional, script"
								  " FROM migrate.revision WHERE id OPERATOR(pg_catalog.=) $1",
								  1, types);
	}
	rc = SPI_execute_plan(fetch_plan, &arg, NULL, false, 1);
	MemoryContextSwitchTo(cxt);
	migrate_spi_check(rc, SPI_OK_SELECT, "fetching a revision");
	if (SPI_processed != 1)
		elog(ERROR, "migrate: revision %s vanished from the catalog", id);
	tup = SPI_tuptable->vals[0];
	rev->id = text_column(tup, 1);
	rev->message = text_column(tup, 2);
	rev->source = text_column(tup, 3);
	rev->checksum = text_column(tup, 4);
	rev->upgrade = text_column(tup, 5);
	rev->downgrade = text_column(tup, 6);
	d = SPI_getbinval(tup, SPI_tuptable->tupdesc, 7, &isnull);
	rev->upgrade_line = isnull ? 1 : DatumGetInt32(d);
	d = SPI_getbinval(tup, SPI_tuptable->tupdesc, 8, &isnull);
	rev->downgrade_line = isnull ? 1 : DatumGetInt32(d);
	rev->transactional = DatumGetBool(SPI_getbinval(tup, SPI_tuptable->tupdesc, 9, &isnull));
	rev->script = text_column(tup, 10);
	SPI_freetuptable(SPI_tuptable);
}

Datum
ids_to_array(const MgGraph *g, const MgIntList *l)
{
	Datum	   *elems = palloc(sizeof(Datum) * (l->count + 1));

	for (int i = 0; i < l->count; i++)
		elems[i] = CStringGetTextDatum(g->nodes[l->items[i]].id);
	return PointerGetDatum(construct_array(elems, l->count, TEXTOID, -1,
										   false, TYPALIGN_INT));
}

/* A text[] of n C strings. */
Datum
cstrings_to_array(char *const *items, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * (n + 1));

	for (int i = 0; i < n; i++)
		elems[i] = CStringGetTextDatum(items[i]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1,
										   false, TYPALIGN_INT));
}

Datum
strlist_to_array(const MgStrList *l)
{
	return cstrings_to_array(l->items, l->count);
}

/* Replace the stored version set if the canonical set changed. */
void
catalog_write_versions(const MigrateCatalog *cat, const uint8_t *after)
{
	MgIntList	before = mg_version_set(&cat->graph, cat->applied);
	MgIntList	now = mg_version_set(&cat->graph, after);
	bool		same = before.count == now.count;
	Oid			types[1] = {TEXTARRAYOID};
	Datum		arg;
	int			rc;

	for (int i = 0; same && i < now.count; i++)
		same = before.items[i] == now.items[i];
	for (int i = 0; same && i < cat->graph.n; i++)
		same = (after[i] != 0) == (cat->applied[i] != 0);
	if (same && !cat->versions_dirty)
		return;
	/* applied_checksum follows the applied set (see catalog_refresh_state) */
	{
		MgIntList	added = {0},
					removed = {0};
		Oid			atypes[2] = {TEXTARRAYOID, TEXTARRAYOID};
		Datum		args[2];

		for (int i = 0; i < cat->graph.n; i++)
		{
			if (after[i] && !cat->applied[i])
				mg_intlist_add(&added, i);
			else if (!after[i] && cat->applied[i])
				mg_intlist_add(&removed, i);
		}
		if (added.count + removed.count > 0 && catalog_has_fast_columns())
		{
			args[0] = ids_to_array(&cat->graph, &added);
			args[1] = ids_to_array(&cat->graph, &removed);
			rc = SPI_execute_with_args("UPDATE migrate.revision"
									   " SET applied_checksum = CASE WHEN id OPERATOR(pg_catalog.=) ANY ($1)"
									   " THEN checksum END"
									   " WHERE id OPERATOR(pg_catalog.=) ANY ($1)"
									   "    OR id OPERATOR(pg_catalog.=) ANY ($2)",
									   2, atypes, args, NULL, false, 0);
			migrate_spi_check(rc, SPI_OK_UPDATE, "marking applied revisions");
		}
	}
	rc = SPI_execute("DELETE FROM migrate.version", false, 0);
	migrate_spi_check(rc, SPI_OK_DELETE, "clearing the version set");
	arg = ids_to_array(&cat->graph, &now);
	rc = SPI_execute_with_args("INSERT INTO migrate.version (revision)"
							   " SELECT pg_catalog.unnest($1)",
							   1, types, &arg, NULL, false, 0);
	migrate_spi_check(rc, SPI_OK_INSERT, "storing the version set");
}

void
catalog_log(const char *id, const char *action, const char *checksum,
			TimestampTz started, TimestampTz finished)
{
	MemoryContext cxt = CurrentMemoryContext;	/* see apply_revision */
	Datum		args[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	int			rc;

	if (log_plan == NULL)
	{
		Oid			types[5] = {TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID,
		TIMESTAMPTZOID};

		log_plan = prepare_kept(
								"INSERT INTO migrate.history"
								" (revision, action, checksum, started_at, duration)"
								" VALUES ($1, $2, $3, $4, $5 OPERATOR(pg_catalog.-) $4)",
								5, types);
	}
	args[0] = CStringGetTextDatum(id);
	args[1] = CStringGetTextDatum(action);
	if (checksum)
		args[2] = CStringGetTextDatum(checksum);
	else
	{
		args[2] = (Datum) 0;
		nulls[2] = 'n';
	}
	args[3] = TimestampTzGetDatum(started);
	args[4] = TimestampTzGetDatum(finished);
	rc = SPI_execute_plan(log_plan, args, nulls, false, 0);
	MemoryContextSwitchTo(cxt);
	migrate_spi_check(rc, SPI_OK_INSERT, "recording history");
}

/*
 * When each applied revision was last applied (upgrade, or a stamp that
 * marked it; a later repair() changes its checksum, not when it was
 * applied): has[node] says whether at[node] is known.
 */
TimestampTz *
catalog_applied_at(const MigrateCatalog *cat, bool **has)
{
	TimestampTz *at = palloc0(sizeof(TimestampTz) * (cat->graph.n + 1));
	int			rc;

	*has = palloc0(sizeof(bool) * (cat->graph.n + 1));
	rc = SPI_execute("SELECT DISTINCT ON (revision) revision, started_at"
					 " FROM migrate.history"
					 " WHERE action OPERATOR(pg_catalog.=) 'upgrade'"
					 "    OR (action OPERATOR(pg_catalog.=) 'stamp' AND checksum IS NOT NULL)"
					 " ORDER BY revision, id DESC", true, 0);
	migrate_spi_check(rc, SPI_OK_SELECT, "reading history");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		char	   *id = text_column(tup, 1);
		int			node = mg_graph_find(&cat->graph, id);
		bool		isnull;

		CHECK_FOR_INTERRUPTS();
		if (node < 0 || !cat->applied[node])
			continue;
		at[node] = DatumGetTimestampTz(SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull));
		(*has)[node] = true;
	}
	SPI_freetuptable(SPI_tuptable);
	return at;
}

/*
 * Whether the catalog has the columns of the fast path (0.2); the module
 * also serves a 0.1 catalog until ALTER EXTENSION UPDATE.
 */
bool
catalog_has_fast_columns(void)
{
	Oid			nsp = get_namespace_oid("migrate", true);
	Oid			rel = OidIsValid(nsp) ? get_relname_relid("revision", nsp) : InvalidOid;

	return OidIsValid(rel) && get_attnum(rel, "applied_checksum") != InvalidAttrNumber &&
		get_attnum(rel, "tip") != InvalidAttrNumber &&
		OidIsValid(get_relname_relid("state", nsp)) &&
		OidIsValid(get_relname_relid("journal", nsp));	/* in the state's SQL */
}

/* Recompute the tip flags from the graph (they are derived from it). */
void
catalog_sync_tips(const MigrateCatalog *cat)
{
	MgIntList	tips = {0};
	Oid			types[1] = {TEXTARRAYOID};
	Datum		arg;
	int			rc;

	if (!catalog_has_fast_columns())
		return;
	for (int i = 0; i < cat->graph.n; i++)
		if (mg_graph_is_tip(&cat->graph, i))
			mg_intlist_add(&tips, i);
	arg = ids_to_array(&cat->graph, &tips);
	rc = SPI_execute_with_args("UPDATE migrate.revision"
							   " SET tip = (id OPERATOR(pg_catalog.=) ANY ($1))"
							   " WHERE tip OPERATOR(pg_catalog.<>) (id OPERATOR(pg_catalog.=) ANY ($1))",
							   1, types, &arg, NULL, false, 0);
	migrate_spi_check(rc, SPI_OK_UPDATE, "updating tips");
}

/*
 * Recompute migrate.state.up_to_date after a state change: at heads (the
 * version set is the tips) and no revision unapplied or applied with
 * another checksum.  Called at the end of every state-changing function,
 * after the table triggers have cleared it.
 */
void
catalog_refresh_state(void)
{
	int			rc;

	if (!catalog_has_fast_columns())
		return;
	rc = SPI_execute(MG_PG_REFRESH_STATE_SQL, false, 0);
	migrate_spi_check(rc, SPI_OK_UPDATE, "refreshing the state");
}

/* The fast path of check() and of a no-op upgrade(): one row. */
bool
catalog_up_to_date(bool readonly)
{
	int			rc;
	bool		isnull,
				result = false;

	Oid			nsp;

	if (!catalog_has_fast_columns())
		return false;
	/* a role granted only the three catalog tables takes the slow path */
	nsp = get_namespace_oid("migrate", false);
	if (pg_class_aclcheck(get_relname_relid("state", nsp), GetUserId(),
						  ACL_SELECT) != ACLCHECK_OK)
		return false;
	rc = SPI_execute("SELECT up_to_date FROM migrate.state", readonly, 1);
	migrate_spi_check(rc, SPI_OK_SELECT, "reading the state");
	if (SPI_processed == 1)
	{
		result = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
											SPI_tuptable->tupdesc, 1, &isnull));
		result = result && !isnull;
	}
	SPI_freetuptable(SPI_tuptable);
	return result;
}
