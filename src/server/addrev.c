/*
 * addrev.c — migrate.add_revision(script, source): parse one revision
 * file's text and store it in the catalog.
 *
 * Identical text is a no-op.  A revision that is new is checked against
 * the catalog with a few indexed queries (parents and dependencies exist,
 * labels unused), so adding N revisions costs O(N log N), not O(N^2).
 * Replacing an existing revision validates the whole graph again, and is
 * refused when the revision is applied and its upgrade checksum changed
 * (unless repair: see repair.c).
 */
#include "migrate.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(migrate_add_revision);
PG_FUNCTION_INFO_V1(migrate_add_revisions);

/* Overwrite a stored revision with new text (see addrev_replace). */
static void
replace_revision(const MgRevFile *rf, const MgRevSelected *sel,
				 const char *script, const char *source)
{
	Oid			types[14] = {TEXTOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
		TEXTOID, TEXTOID, TEXTOID, TEXTOID, BOOLOID, TEXTOID, TEXTOID,
	TEXTOID, INT4OID, INT4OID};
	Datum		args[14];
	char		nulls[15] = "              ";
	int			rc;

	args[0] = CStringGetTextDatum(rf->id);
	args[1] = strlist_to_array(&rf->revises);
	args[2] = strlist_to_array(&rf->depends);
	args[3] = strlist_to_array(&rf->branch);
	if (rf->message)
		args[4] = CStringGetTextDatum(rf->message);
	else
		nulls[4] = 'n';
	if (rf->created)
		args[5] = CStringGetTextDatum(rf->created);
	else
		nulls[5] = 'n';
	args[6] = CStringGetTextDatum(sel->upgrade->body);
	if (sel->downgrade)
		args[7] = CStringGetTextDatum(sel->downgrade->body);
	else
		nulls[7] = 'n';
	args[8] = BoolGetDatum(rf->transactional);
	args[9] = CStringGetTextDatum(sel->checksum);
	if (source)
		args[10] = CStringGetTextDatum(source);
	else
		nulls[10] = 'n';
	args[11] = CStringGetTextDatum(script);
	args[12] = Int32GetDatum(sel->upgrade->body_line);
	if (sel->downgrade)
		args[13] = Int32GetDatum(sel->downgrade->body_line);
	else
		nulls[13] = 'n';

	rc = SPI_execute_with_args("UPDATE migrate.revision SET revises = $2, depends = $3,"
							   " branch = $4, message = $5, created = $6::pg_catalog.timestamptz,"
							   " upgrade = $7, downgrade = $8, transactional = $9,"
							   " checksum = $10, source = COALESCE($11, source),"
							   " script = $12, upgrade_line = $13, downgrade_line = $14,"
							   " loaded_at = pg_catalog.now()"
							   " WHERE id OPERATOR(pg_catalog.=) $1",
							   14, types, args, nulls, false, 0);
	migrate_spi_check(rc, SPI_OK_UPDATE, "storing a revision");
}

static bool
same_list(const MgStrList *l, Datum arr, bool isnull)
{
	MgStrList	other = {0};
	bool		same;

	if (!isnull)
	{
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		deconstruct_array(DatumGetArrayTypeP(arr), TEXTOID, -1, false,
						  TYPALIGN_INT, &elems, &nulls, &n);
		for (int i = 0; i < n; i++)
			mg_strlist_add(&other, TextDatumGetCString(elems[i]));
	}
	same = other.count == l->count;
	for (int i = 0; same && i < l->count; i++)
		same = strcmp(other.items[i], l->items[i]) == 0;
	return same;
}

/*
 * Replacing a stored revision: refuse edits of what has been applied,
 * except, with repair, of its upgrade section (repair() then logs that the
 * new checksum is accepted).  The hint names the program's command when
 * the program called (syntax.h).
 */
static void
check_replacement(const MgRevFile *rf, const MgRevSelected *sel,
				  const char *old_checksum, bool same_structure, bool repair)
{
	MigrateCatalog cat;
	int			node;

	catalog_load(&cat, false);
	node = mg_graph_find(&cat.graph, rf->id);
	if (node < 0 || !cat.applied[node])
		return;
	if (strcmp(old_checksum, sel->checksum) != 0 && !repair)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision %s was applied with checksum %s but now has checksum %s",
						rf->id, old_checksum, sel->checksum),
				 errdetail("The upgrade section of an applied revision must not change."),
				 mg_caller_is_program()
				 ? errhint("Restore the revision's upgrade section or write a new revision for the change; to accept the edit, run %s.",
						   mg_command(MG_CMD_REPAIR, NULL))
				 : errhint("Restore the revision's upgrade section or write a new revision for the change; to accept the edit, add it with repair => true and run %s.",
						   mg_command(MG_CMD_REPAIR, NULL))));
	if (!same_structure)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision %s is applied, so its revises and depends cannot change",
						rf->id)));
}

/*
 * Add one parsed revision; returns true if the catalog changed.  Caller is
 * connected to SPI and holds the migrate lock.
 */
bool
addrev_replace(const MgRevFile *rf, const MgRevSelected *sel,
			   const char *script, const char *source, bool repair)
{
	Oid			types[1] = {TEXTOID};
	Datum		arg = CStringGetTextDatum(rf->id);
	int			rc;
	HeapTuple	tup;
	TupleDesc	desc;
	bool		n1,
				n2;
	Datum		revises,
				depends;
	MigrateCatalog cat;

	rc = SPI_execute_with_args("SELECT checksum, revises, depends"
							   " FROM migrate.revision WHERE id OPERATOR(pg_catalog.=) $1",
							   1, types, &arg, NULL, false, 1);
	migrate_spi_check(rc, SPI_OK_SELECT, "looking up a revision");
	if (SPI_processed != 1)
		elog(ERROR, "migrate: revision %s vanished from the catalog", rf->id);
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	revises = SPI_getbinval(tup, desc, 2, &n1);
	depends = SPI_getbinval(tup, desc, 3, &n2);
	check_replacement(rf, sel, SPI_getvalue(tup, desc, 1),
					  same_list(&rf->revises, revises, n1) &&
					  same_list(&rf->depends, depends, n2), repair);
	replace_revision(rf, sel, script, source);
	/* the whole graph must still be valid (cycles, labels) */
	catalog_load(&cat, false);
	catalog_sync_tips(&cat);
	return true;
}

void
addrev_parse(const char *script, const char *source, MgRevFile *rf,
			 MgRevSelected *sel)
{
	const char *where = source ? source : "(script)";
	MgError		err;

	if (mg_revfile_parse(script, strlen(script), where, rf, &err) != MG_OK ||
		mg_revfile_select(rf, MG_DIALECT_POSTGRESQL, where, sel, &err) != MG_OK)
		mg_report(&err);
}

/*
 * Parse script and add it (lock held, SPI connected); *id receives the
 * revision id.  Returns true if the catalog changed.
 */
bool
addrev_store(const char *script, const char *source, char **id)
{
	char	   *text = (char *) script;
	char	   *src = (char *) source;

	return addrev_batch(1, &text, &src, id, false) > 0;
}

Datum
migrate_add_revision(PG_FUNCTION_ARGS)
{
	char	   *script;
	char	   *source = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	/* repair: since 0.3 (a 0.2 catalog calls with two arguments) */
	bool		repair = PG_NARGS() > 2 && !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);
	char	   *id,
			   *result;
	MgRevFile	rf;
	MgRevSelected sel;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("revision script must not be null")));
	script = text_to_cstring(PG_GETARG_TEXT_PP(0));
	/* a malformed file is reported before privileges and the lock */
	addrev_parse(script, source, &rf, &sel);
	migrate_begin_change();
	migrate_spi_connect();
	if (addrev_batch(1, &script, &source, &id, repair) > 0)
		catalog_refresh_state();
	result = SPI_palloc(strlen(id) + 1);	/* outlives SPI_finish */
	strcpy(result, id);
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(result));
}

/* add_revisions(scripts, sources, repair) */
Datum
migrate_add_revisions(PG_FUNCTION_ARGS)
{
	Datum	   *scripts,
			   *sources = NULL;
	bool	   *snulls,
			   *srcnulls = NULL;
	int			n,
				nsrc = 0,
				changed;
	char	  **texts,
			  **src;
	bool		repair = PG_NARGS() > 2 && !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);

	if (PG_ARGISNULL(0))
		PG_RETURN_INT32(0);		/* array_agg() of nothing: nothing to add */
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(0), TEXTOID, -1, false,
					  TYPALIGN_INT, &scripts, &snulls, &n);
	if (!PG_ARGISNULL(1))
		deconstruct_array(PG_GETARG_ARRAYTYPE_P(1), TEXTOID, -1, false,
						  TYPALIGN_INT, &sources, &srcnulls, &nsrc);
	if (nsrc != 0 && nsrc != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("scripts and sources must have the same length")));
	texts = palloc0(sizeof(char *) * (n + 1));
	src = palloc0(sizeof(char *) * (n + 1));
	for (int i = 0; i < n; i++)
	{
		if (snulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("revision script %d must not be null", i + 1)));
		texts[i] = TextDatumGetCString(scripts[i]);
		src[i] = (nsrc && !srcnulls[i]) ? TextDatumGetCString(sources[i]) : NULL;
	}
	migrate_begin_change();
	migrate_spi_connect();
	changed = addrev_batch(n, texts, src, NULL, repair);
	if (changed > 0)
		catalog_refresh_state();
	SPI_finish();
	PG_RETURN_INT32(changed);
}
