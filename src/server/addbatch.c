/*
 * addbatch.c — adding a batch of revision files (add_revisions(), load(),
 * the program's push): all or nothing, in any order, and set-based.
 *
 * The batch is parsed and ordered first (Kahn over its own edges; a cycle
 * is an error).  One query finds which revisions the catalog already has:
 * identical ones cost nothing, changed ones go through the careful
 * one-by-one path of addrev.c.  add_revision() is a batch of one.  New ones are checked together (references
 * exist in the batch or the catalog, labels are free) and stored with one
 * INSERT, so pushing 10,000 new files is a handful of statements.  The
 * caller holds the lock and is connected to SPI.
 */
#include "migrate.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

typedef struct Batch
{
	int			n;
	char	  **texts;
	char	  **src;
	MgRevFile  *rf;
	MgRevSelected *sel;
	MgMap		ids;			/* id -> batch index */
	MgMap		labels;			/* label -> batch index */
	int		   *order;			/* parents first */
	bool	   *exists;			/* the catalog has this id */
	bool	   *identical;		/* ... with the same text */
} Batch;

static const char *
where(const Batch *b, int i)
{
	return b->src[i] ? b->src[i] : "(script)";
}

/* Parse every file; ids and labels unique within the batch. */
static void
parse_all(Batch *b)
{
	mg_map_init(&b->ids, (size_t) b->n);
	mg_map_init(&b->labels, 16);
	for (int i = 0; i < b->n; i++)
	{
		addrev_parse(b->texts[i], b->src[i], &b->rf[i], &b->sel[i]);
		if (!mg_map_put(&b->ids, b->rf[i].id, i))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("duplicate revision id %s in %s and %s", b->rf[i].id,
							where(b, mg_map_get(&b->ids, b->rf[i].id)), where(b, i))));
	}
	for (int i = 0; i < b->n; i++)
		for (int k = 0; k < b->rf[i].branch.count; k++)
		{
			const char *lab = b->rf[i].branch.items[k];

			if (mg_map_get(&b->ids, lab) >= 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
						 errmsg("branch label \"%s\" of revision %s is also a revision id",
								lab, b->rf[i].id)));
			if (!mg_map_put(&b->labels, lab, i))
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_OBJECT),
						 errmsg("branch label \"%s\" is declared by both %s and %s", lab,
								b->rf[mg_map_get(&b->labels, lab)].id, b->rf[i].id)));
		}
}

/* Batch member a revision or dependency reference names, or -1. */
static int
batch_ref(const Batch *b, const char *ref, bool label_too)
{
	int			i = mg_map_get(&b->ids, ref);

	if (i < 0 && label_too)
		i = mg_map_get(&b->labels, ref);
	return i;
}

/* Kahn over the batch's own edges; a leftover is a cycle. */
static void
order_batch(Batch *b)
{
	int		   *indeg = palloc0(sizeof(int) * (b->n + 1));
	MgIntList  *waiting = palloc0(sizeof(MgIntList) * (b->n + 1));
	int			head = 0,
				tail = 0;

	b->order = palloc(sizeof(int) * (b->n + 1));
	for (int i = 0; i < b->n; i++)
	{
		for (int pass = 0; pass < 2; pass++)
		{
			const MgStrList *refs = pass ? &b->rf[i].depends : &b->rf[i].revises;

			for (int k = 0; k < refs->count; k++)
			{
				int			p = batch_ref(b, refs->items[k], pass == 1);

				if (p >= 0)
				{
					indeg[i]++;
					mg_intlist_add(&waiting[p], i);
				}
			}
		}
		if (indeg[i] == 0)
			b->order[tail++] = i;
	}
	while (head < tail)
	{
		int			i = b->order[head++];

		for (int k = 0; k < waiting[i].count; k++)
			if (--indeg[waiting[i].items[k]] == 0)
				b->order[tail++] = waiting[i].items[k];
	}
	if (tail < b->n)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		for (int i = 0; i < b->n; i++)
			if (indeg[i] > 0)
				appendStringInfo(&buf, "%s%s", buf.len ? ", " : "", b->rf[i].id);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("cycle in the revision graph among revisions %s", buf.data)));
	}
}

/* Which batch ids the catalog has, and whether with the same text. */
static void
find_existing(Batch *b)
{
	char	  **ids = palloc(sizeof(char *) * (b->n + 1));
	Oid			types[1] = {TEXTARRAYOID};
	Datum		arg;
	int			rc;

	b->exists = palloc0(sizeof(bool) * (b->n + 1));
	b->identical = palloc0(sizeof(bool) * (b->n + 1));
	for (int i = 0; i < b->n; i++)
		ids[i] = b->rf[i].id;
	arg = cstrings_to_array(ids, b->n);
	rc = SPI_execute_with_args("SELECT id, script FROM migrate.revision"
							   " WHERE id OPERATOR(pg_catalog.=) ANY ($1)",
							   1, types, &arg, NULL, false, 0);
	migrate_spi_check(rc, SPI_OK_SELECT, "looking up revisions");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		char	   *id = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
		char	   *script = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);
		int			i = mg_map_get(&b->ids, id);

		b->exists[i] = true;
		b->identical[i] = strcmp(script, b->texts[i]) == 0;
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * References of new revisions outside the batch must exist in the catalog
 * (revises: an id; depends: an id or a label).
 */
static void
check_references(const Batch *b)
{
	for (int pass = 0; pass < 2; pass++)
	{
		MgStrList	refs = {0};
		Oid			types[1] = {TEXTARRAYOID};
		Datum		arg;
		int			rc;
		MgMap		missing;

		for (int i = 0; i < b->n; i++)
		{
			const MgStrList *l = pass ? &b->rf[i].depends : &b->rf[i].revises;

			if (b->exists[i])
				continue;
			for (int k = 0; k < l->count; k++)
				if (batch_ref(b, l->items[k], pass == 1) < 0)
					mg_strlist_add(&refs, l->items[k]);
		}
		if (refs.count == 0)
			continue;
		arg = cstrings_to_array(refs.items, refs.count);
		rc = SPI_execute_with_args(pass == 0
								   ? "SELECT x FROM pg_catalog.unnest($1) AS x WHERE NOT EXISTS"
								   " (SELECT 1 FROM migrate.revision WHERE id OPERATOR(pg_catalog.=) x)"
								   : "SELECT x FROM pg_catalog.unnest($1) AS x WHERE NOT EXISTS"
								   " (SELECT 1 FROM migrate.revision WHERE id OPERATOR(pg_catalog.=) x"
								   "  OR branch OPERATOR(pg_catalog.@>) ARRAY[x])",
								   1, types, &arg, NULL, false, 0);
		migrate_spi_check(rc, SPI_OK_SELECT, "checking references");
		if (SPI_processed == 0)
			continue;
		mg_map_init(&missing, SPI_processed);
		for (uint64 r = 0; r < SPI_processed; r++)
			mg_map_put(&missing, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1), 1);
		/* name the first revision, in batch order, with a missing reference */
		for (int o = 0; o < b->n; o++)
		{
			int			i = b->order[o];
			const MgStrList *l = pass ? &b->rf[i].depends : &b->rf[i].revises;

			if (b->exists[i])
				continue;
			for (int k = 0; k < l->count; k++)
				if (batch_ref(b, l->items[k], pass == 1) < 0 &&
					mg_map_get(&missing, l->items[k]) >= 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
							 errmsg("revision %s %s unknown revision %s", b->rf[i].id,
									pass ? "depends on" : "revises", l->items[k]),
							 errdetail("Revision file: %s.", where(b, i)),
							 errhint("Add revision %s first.", l->items[k])));
		}
	}
}

/* New labels and ids must not clash with the catalog's labels and ids. */
static void
check_labels(const Batch *b)
{
	MgStrList	labels = {0},
				ids = {0};
	Oid			types[2] = {TEXTARRAYOID, TEXTARRAYOID};
	Datum		args[2];
	int			rc;

	for (int i = 0; i < b->n; i++)
	{
		if (b->exists[i])
			continue;
		mg_strlist_add(&ids, b->rf[i].id);
		for (int k = 0; k < b->rf[i].branch.count; k++)
			mg_strlist_add(&labels, b->rf[i].branch.items[k]);
	}
	if (ids.count == 0)
		return;
	args[0] = cstrings_to_array(labels.items, labels.count);
	args[1] = cstrings_to_array(ids.items, ids.count);
	rc = SPI_execute_with_args("SELECT 'label', b, id FROM migrate.revision, pg_catalog.unnest(branch) AS b"
							   " WHERE branch OPERATOR(pg_catalog.&&) $1 AND b OPERATOR(pg_catalog.=) ANY ($1)"
							   " UNION ALL"
							   " SELECT 'id', id, id FROM migrate.revision WHERE id OPERATOR(pg_catalog.=) ANY ($1)"
							   " UNION ALL"
							   " SELECT 'newid', b, id FROM migrate.revision, pg_catalog.unnest(branch) AS b"
							   " WHERE branch OPERATOR(pg_catalog.&&) $2 AND b OPERATOR(pg_catalog.=) ANY ($2)"
							   " LIMIT 1",
							   2, types, args, NULL, false, 1);
	migrate_spi_check(rc, SPI_OK_SELECT, "checking branch labels");
	if (SPI_processed > 0)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *kind = SPI_getvalue(tup, desc, 1);
		char	   *name = SPI_getvalue(tup, desc, 2);
		char	   *other = SPI_getvalue(tup, desc, 3);
		int			mine = strcmp(kind, "newid") == 0 ? mg_map_get(&b->ids, name)
			: mg_map_get(&b->labels, name);

		if (strcmp(kind, "label") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("branch label \"%s\" is declared by both %s and %s",
							name, other, b->rf[mine].id)));
		if (strcmp(kind, "id") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("branch label \"%s\" of revision %s is also a revision id",
							name, b->rf[mine].id)));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("revision id %s is already a branch label of revision %s",
						name, other)));
	}
}

static char *
joined(const MgStrList *l)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int k = 0; k < l->count; k++)
		appendStringInfo(&buf, "%s%s", k ? "," : "", l->items[k]);
	return buf.data;
}

/* ROWS FROM (pg_catalog.unnest($1), ..., pg_catalog.unnest($14)) + extra */
#define UNNEST_ARGS(extra) \
	"pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3)," \
	" pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6)," \
	" pg_catalog.unnest($7), pg_catalog.unnest($8), pg_catalog.unnest($9)," \
	" pg_catalog.unnest($10), pg_catalog.unnest($11), pg_catalog.unnest($12)," \
	" pg_catalog.unnest($13), pg_catalog.unnest($14)" extra

/* One INSERT for every new revision; tips computed here. */
static int
insert_new(const Batch *b)
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

		if (b->exists[i])
			continue;
		cols[0][n] = CStringGetTextDatum(rf->id);
		cols[1][n] = CStringGetTextDatum(joined(&rf->revises));
		cols[2][n] = CStringGetTextDatum(joined(&rf->depends));
		cols[3][n] = CStringGetTextDatum(joined(&rf->branch));
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

int
addrev_batch(int n, char **texts, char **src, char **first_id, bool repair)
{
	Batch		b;
	int			changed;

	memset(&b, 0, sizeof(b));
	b.n = n;
	b.texts = texts;
	b.src = src;
	b.rf = palloc0(sizeof(MgRevFile) * (n + 1));
	b.sel = palloc0(sizeof(MgRevSelected) * (n + 1));
	parse_all(&b);
	if (first_id && n > 0)
		*first_id = pstrdup(b.rf[0].id);
	order_batch(&b);
	find_existing(&b);
	check_references(&b);
	check_labels(&b);
	changed = insert_new(&b);
	/* revisions the catalog has with other text: one by one, carefully */
	for (int o = 0; o < n; o++)
	{
		int			i = b.order[o];

		if (b.exists[i] && !b.identical[i] &&
			addrev_replace(&b.rf[i], &b.sel[i], texts[i], src[i], repair))
			changed++;
	}
	return changed;
}
