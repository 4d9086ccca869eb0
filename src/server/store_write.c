/*
 * store_write.c — the store's writes: every new revision of a batch with
 * one INSERT (tips computed on the way), and a changed revision replaced
 * one at a time, refused when it is applied and its upgrade changed.
 * store.c has checked the batch before any of this runs; the caller holds
 * the migrate lock and is connected to SPI.
 */
#include "store.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* Batch member a revision or dependency reference names, or -1. */
static int
batch_ref(const StoreBatch *b, const char *ref, bool label_too)
{
	int			i = mg_map_get(&b->ids, ref);

	if (i < 0 && label_too)
		i = mg_map_get(&b->labels, ref);
	return i;
}

/* Overwrite a stored revision with new text (see store_replace). */
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
 * new checksum is accepted, see repair.c).  The hint names the program's
 * command when the program called (syntax.h).
 */
static void
check_replacement(const MigrateCatalog *cat, const MgRevFile *rf,
				  const MgRevSelected *sel, const char *source, const char *old_checksum,
				  bool same_structure, bool repair)
{
	int			node;
	MgError		err;

	node = mg_graph_find(&cat->graph, rf->id);
	if (node < 0 || !cat->applied[node])
		return;
	if (mg_rule_replace_applied(rf->id, source, old_checksum, sel->checksum,
								same_structure, repair, &err) != MG_OK)
		mg_report(&err);
}

/*
 * Replace batch member i, which the catalog has with other text.  before
 * is the catalog as loaded before the batch's writes (what is applied);
 * the caller validates the whole graph once every replacement is written.
 */
void
store_replace(const StoreBatch *b, int i, const MigrateCatalog *before)
{
	const MgRevFile *rf = &b->rf[i];
	Oid			types[1] = {TEXTOID};
	Datum		arg = CStringGetTextDatum(rf->id);
	int			rc;
	HeapTuple	tup;
	TupleDesc	desc;
	bool		n1,
				n2;
	Datum		revises,
				depends;

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
	check_replacement(before, rf, &b->sel[i], b->src[i], SPI_getvalue(tup, desc, 1),
					  same_list(&rf->revises, revises, n1) &&
					  same_list(&rf->depends, depends, n2), b->repair);
	replace_revision(rf, &b->sel[i], b->texts[i], b->src[i]);
}

/* ROWS FROM (pg_catalog.unnest($1), ..., pg_catalog.unnest($14)) + extra */
#define UNNEST_ARGS(extra) \
	"pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3)," \
	" pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6)," \
	" pg_catalog.unnest($7), pg_catalog.unnest($8), pg_catalog.unnest($9)," \
	" pg_catalog.unnest($10), pg_catalog.unnest($11), pg_catalog.unnest($12)," \
	" pg_catalog.unnest($13), pg_catalog.unnest($14)" extra

/* One INSERT for every new revision; tips computed here. */
int
store_insert_new(const StoreBatch *b)
{
	int			n = 0;
	bool	   *referenced = palloc0(sizeof(bool) * (b->n + 1));
	Datum	   *cols[15];
	bool	   *nulls[15];
	Oid			elem[15] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
		TEXTOID, TEXTOID, BOOLOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, INT4OID, BOOLOID};
	Oid			types[15];
	Datum		args[15];
	bool		fast = catalog_has_fast_columns();
	int			ncols = fast ? 15 : 14;
	int			dims[1],
				lbs[1] = {1};
	int			rc;
	MgStrList	outside = {0};	/* catalog rows new revisions build on */

	for (int i = 0; i < b->n; i++)
		for (int pass = 0; pass < 2; pass++)
		{
			const MgStrList *l = pass ? &b->rf[i].depends : &b->rf[i].revises;

			if (b->exists[i])
				continue;
			CHECK_FOR_INTERRUPTS();
			for (int k = 0; k < l->count; k++)
			{
				int			p = batch_ref(b, l->items[k], pass == 1);

				if (p >= 0 && !b->exists[p])
					referenced[p] = true;
				else
					mg_strlist_add(&outside, l->items[k]);
			}
		}
	for (int c = 0; c < 15; c++)
	{
		cols[c] = palloc(sizeof(Datum) * (b->n + 1));
		nulls[c] = palloc0(sizeof(bool) * (b->n + 1));
	}
	for (int i = 0; i < b->n; i++)
	{
		const MgRevFile *rf = &b->rf[i];
		const MgRevSelected *sel = &b->sel[i];

		CHECK_FOR_INTERRUPTS();
		if (b->exists[i])
			continue;
		cols[0][n] = CStringGetTextDatum(rf->id);
		cols[1][n] = CStringGetTextDatum(mg_strlist_join(&rf->revises));
		cols[2][n] = CStringGetTextDatum(mg_strlist_join(&rf->depends));
		cols[3][n] = CStringGetTextDatum(mg_strlist_join(&rf->branch));
		nulls[4][n] = rf->message == NULL;
		cols[4][n] = rf->message ? CStringGetTextDatum(rf->message) : (Datum) 0;
		nulls[5][n] = rf->created == NULL;
		cols[5][n] = rf->created ? CStringGetTextDatum(rf->created) : (Datum) 0;
		cols[6][n] = CStringGetTextDatum(sel->upgrade->body);
		nulls[7][n] = sel->downgrade == NULL;
		cols[7][n] = sel->downgrade ? CStringGetTextDatum(sel->downgrade->body) : (Datum) 0;
		cols[8][n] = BoolGetDatum(rf->transactional);
		cols[9][n] = CStringGetTextDatum(sel->checksum);
		nulls[10][n] = b->src[i] == NULL;
		cols[10][n] = b->src[i] ? CStringGetTextDatum(b->src[i]) : (Datum) 0;
		cols[11][n] = CStringGetTextDatum(b->texts[i]);
		cols[12][n] = Int32GetDatum(sel->upgrade->body_line);
		nulls[13][n] = sel->downgrade == NULL;
		cols[13][n] = sel->downgrade ? Int32GetDatum(sel->downgrade->body_line) : (Datum) 0;
		cols[14][n] = BoolGetDatum(!referenced[i]);
		n++;
	}
	if (n == 0)
		return 0;
	dims[0] = n;
	for (int c = 0; c < ncols; c++)
	{
		int16		len;
		bool		byval;
		char		align;

		get_typlenbyvalalign(elem[c], &len, &byval, &align);
		args[c] = PointerGetDatum(construct_md_array(cols[c], nulls[c], 1, dims, lbs,
													 elem[c], len, byval, align));
		types[c] = get_array_type(elem[c]);
	}
	rc = SPI_execute_with_args(fast
							   ? "INSERT INTO migrate.revision (id, revises, depends, branch, message,"
							   " created, upgrade, downgrade, transactional, checksum, source, script,"
							   " upgrade_line, downgrade_line, tip)"
							    " SELECT id, pg_catalog.string_to_array(rv, ','),"
							   " pg_catalog.string_to_array(dp, ','), pg_catalog.string_to_array(br, ','),"
							   " msg, cr::pg_catalog.timestamptz, up, down, tx, sum, src, scr, ul, dl, tip"
							   " FROM ROWS FROM (" UNNEST_ARGS(", pg_catalog.unnest($15)") ")"
							   " AS t(id, rv, dp, br, msg, cr, up, down, tx, sum, src, scr, ul, dl, tip)"
							   : "INSERT INTO migrate.revision (id, revises, depends, branch, message,"
							   " created, upgrade, downgrade, transactional, checksum, source, script,"
							   " upgrade_line, downgrade_line)"
							    " SELECT id, pg_catalog.string_to_array(rv, ','),"
							   " pg_catalog.string_to_array(dp, ','), pg_catalog.string_to_array(br, ','),"
							   " msg, cr::pg_catalog.timestamptz, up, down, tx, sum, src, scr, ul, dl"
							   " FROM ROWS FROM (" UNNEST_ARGS("") ")"
							   " AS t(id, rv, dp, br, msg, cr, up, down, tx, sum, src, scr, ul, dl)",
							   ncols, types, args, NULL, false, 0);
	migrate_spi_check(rc, SPI_OK_INSERT, "storing revisions");

	/* what new revisions build on is no longer a tip */
	if (fast && outside.count > 0)
	{
		Oid			t[1] = {TEXTARRAYOID};
		Datum		a = cstrings_to_array(outside.items, outside.count);

		rc = SPI_execute_with_args("UPDATE migrate.revision SET tip = false"
								   " WHERE tip AND (id OPERATOR(pg_catalog.=) ANY ($1)"
								   "                OR branch OPERATOR(pg_catalog.&&) $1)",
								   1, t, &a, NULL, false, 0);
		migrate_spi_check(rc, SPI_OK_UPDATE, "updating tips");
	}
	return n;
}
