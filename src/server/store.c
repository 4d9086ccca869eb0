/*
 * store.c — storing revision files in the catalog: add_revision(),
 * add_revisions(), load(), revision() and the program's push all come
 * here.  A batch is all or nothing, in any order, and set-based.
 *
 * Every file is parsed first.  One query finds which revisions the
 * catalog already has: identical ones cost nothing.  The rest — new and
 * changed revisions — are checked with the shared core's graph builder
 * (mg_graph_build, the same rules and SQLSTATEs as catalog_load and the
 * program), over a graph of those revisions plus, as bare nodes with
 * their branch labels, just the catalog rows they name or could clash
 * with; so adding N revisions to a catalog of M costs O(N log N) plus one
 * scan, not a load of the whole catalog.  New revisions are stored with
 * one INSERT (store_write.c).  Changed ones are replaced one by one, and
 * then the whole catalog graph is built once more, since a replacement
 * can break what the batch does not show (a cycle through the revisions
 * built on it, a label others depend on).  The caller holds the migrate
 * lock and is connected to SPI.
 */
#include "store.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

static const char *
where(const StoreBatch *b, int i)
{
	return b->src[i] ? b->src[i] : "(script)";
}

/* Parse one file for the PostgreSQL dialect; errors name file and line. */
void
store_parse(const char *script, const char *source, MgRevFile *rf,
			MgRevSelected *sel)
{
	const char *src = source ? source : "(script)";
	MgError		err;

	if (mg_revfile_parse(script, strlen(script), src, rf, &err) != MG_OK ||
		mg_revfile_select(rf, MG_DIALECT_POSTGRESQL, src, sel, &err) != MG_OK)
		mg_report(&err);
}

/* Parse every file; index ids and labels (clashes are the graph's). */
static void
parse_all(StoreBatch *b)
{
	mg_map_init(&b->ids, (size_t) b->n);
	mg_map_init(&b->labels, 16);
	b->duplicated = palloc0(sizeof(bool) * (b->n + 1));
	for (int i = 0; i < b->n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		store_parse(b->texts[i], b->src[i], &b->rf[i], &b->sel[i]);
		if (!mg_map_put(&b->ids, b->rf[i].id, i))
			b->duplicated[i] = b->duplicated[mg_map_get(&b->ids, b->rf[i].id)] = true;
		for (int k = 0; k < b->rf[i].branch.count; k++)
			mg_map_put(&b->labels, b->rf[i].branch.items[k], i);
	}
}

/* Which batch ids the catalog has, and whether with the same text. */
static void
find_existing(StoreBatch *b)
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

		CHECK_FOR_INTERRUPTS();
		b->exists[i] = true;
		b->identical[i] = strcmp(script, b->texts[i]) == 0;
	}
	SPI_freetuptable(SPI_tuptable);
}

/* Members the graph check must see: new, changed, or sharing an id. */
static bool
to_check(const StoreBatch *b, int i)
{
	return !b->exists[i] || !b->identical[i] || b->duplicated[i];
}

/*
 * A graph error as an ereport with the error kind's SQLSTATE, naming the
 * file(s) of the batch member at fault: the one the core blames (its
 * MgError source is a revision id), else the only member checked, since
 * the catalog rows alone are a valid graph.
 */
static void
report_graph_error(const StoreBatch *b, const MgError *err)
{
	int			first = -1,
				second = -1,
				only = -1,
				checked = 0;

	for (int i = 0; i < b->n; i++)
	{
		if (!to_check(b, i))
			continue;
		checked++;
		only = i;
		if (strcmp(b->rf[i].id, err->source) != 0)
			continue;
		if (first < 0)
			first = i;
		else if (second < 0)
			second = i;
	}
	/* two members with the blamed id: a duplicate id, checked first */
	if (err->status == MG_ERR_DUPLICATE && second >= 0)
		ereport(ERROR,
				(errcode(mg_sqlstate(err->status)),
				 errmsg("%s in %s and %s", err->message,
						where(b, first), where(b, second))));
	if (first < 0 && checked == 1)
		first = only;
	ereport(ERROR,
			(errcode(mg_sqlstate(err->status)),
			 errmsg("%s", err->message),
			 first >= 0 && b->src[first] ?
			 errdetail("Revision file: %s.", b->src[first]) : 0,
			 err->hint[0] ? errhint("%s", err->hint) : 0));
}

/*
 * The catalog rows the checked members name (revises by id, depends by id
 * or label) or could clash with (a label that is taken or is an id, an id
 * that is a label), as bare nodes: their own edges lead outside the graph,
 * and nothing the catalog holds can lead back into new revisions.  One
 * query, through the id and branch indexes.
 */
static void
add_catalog_neighbours(const StoreBatch *b, MgGraph *g)
{
	MgStrList	as_id = {0},	/* catalog ids wanted */
				as_label = {0}, /* catalog labels wanted */
				ids = {0};		/* the checked members (not wanted) */
	Oid			types[3] = {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID};
	Datum		args[3];
	int			rc;

	for (int i = 0; i < b->n; i++)
	{
		const MgRevFile *rf = &b->rf[i];

		CHECK_FOR_INTERRUPTS();
		if (!to_check(b, i))
			continue;
		mg_strlist_add(&ids, rf->id);
		mg_strlist_add(&as_label, rf->id);
		for (int k = 0; k < rf->branch.count; k++)
		{
			mg_strlist_add(&as_id, rf->branch.items[k]);
			mg_strlist_add(&as_label, rf->branch.items[k]);
		}
		for (int pass = 0; pass < 2; pass++)
		{
			const MgStrList *l = pass ? &rf->depends : &rf->revises;

			for (int k = 0; k < l->count; k++)
			{
				int			p = mg_map_get(&b->ids, l->items[k]);

				if (p >= 0 && to_check(b, p))
					continue;
				mg_strlist_add(&as_id, l->items[k]);
				if (pass == 1)
					mg_strlist_add(&as_label, l->items[k]);
			}
		}
	}
	args[0] = cstrings_to_array(as_id.items, as_id.count);
	args[1] = cstrings_to_array(as_label.items, as_label.count);
	args[2] = cstrings_to_array(ids.items, ids.count);
	rc = SPI_execute_with_args("SELECT id, branch FROM migrate.revision"
							   " WHERE (id OPERATOR(pg_catalog.=) ANY ($1)"
							   "        OR branch OPERATOR(pg_catalog.&&) $2)"
							   "   AND NOT id OPERATOR(pg_catalog.=) ANY ($3)",
							   3, types, args, NULL, false, 0);
	migrate_spi_check(rc, SPI_OK_SELECT, "reading the revisions a batch builds on");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		bool		isnull;
		Datum		d = SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull);
		Datum	   *elems = NULL;
		bool	   *nulls;
		int			nlab = 0;
		const char **labels;

		CHECK_FOR_INTERRUPTS();
		if (!isnull)
			deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false,
							  TYPALIGN_INT, &elems, &nulls, &nlab);
		labels = palloc(sizeof(char *) * (nlab + 1));
		for (int k = 0; k < nlab; k++)
			labels[k] = TextDatumGetCString(elems[k]);
		mg_graph_add(g, SPI_getvalue(tup, SPI_tuptable->tupdesc, 1),
					 NULL, 0, NULL, 0, labels, nlab);
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * The batch's new and changed revisions against each other and the
 * catalog, by the shared graph builder: duplicate ids (42710), unknown
 * revises or depends, branch labels taken or equal to an id, cycles
 * (42P17), with the SQLSTATEs of errcodes.c.
 */
static void
check_graph(const StoreBatch *b)
{
	MgGraph		g;
	MgError		err;
	int			count = 0;

	for (int i = 0; i < b->n; i++)
		count += to_check(b, i);
	if (count == 0)
		return;
	mg_graph_init(&g, count);
	for (int i = 0; i < b->n; i++)
	{
		const MgRevFile *rf = &b->rf[i];

		if (to_check(b, i))
			mg_graph_add(&g, rf->id,
						 (const char *const *) rf->revises.items, rf->revises.count,
						 (const char *const *) rf->depends.items, rf->depends.count,
						 (const char *const *) rf->branch.items, rf->branch.count);
	}
	add_catalog_neighbours(b, &g);
	if (mg_graph_build(&g, &err) != MG_OK)
		report_graph_error(b, &err);
	mg_graph_free(&g);
}

/*
 * Store a batch of revision files; returns how many revisions were added
 * or replaced.  *first_id (if not NULL) receives the first file's id.
 * With repair, an applied revision whose upgrade section changed is
 * replaced instead of refused.
 */
int
store_batch(int n, char **texts, char **src, char **first_id, bool repair)
{
	StoreBatch	b;
	MigrateCatalog before;
	int			changed,
				nreplace = 0;

	memset(&b, 0, sizeof(b));
	b.n = n;
	b.texts = texts;
	b.src = src;
	b.repair = repair;
	b.rf = palloc0(sizeof(MgRevFile) * (n + 1));
	b.sel = palloc0(sizeof(MgRevSelected) * (n + 1));
	parse_all(&b);
	if (first_id && n > 0)
		*first_id = pstrdup(b.rf[0].id);
	find_existing(&b);
	check_graph(&b);
	for (int i = 0; i < n; i++)
		nreplace += b.exists[i] && !b.identical[i];
	/* what is applied, read before the batch writes anything */
	if (nreplace > 0)
		catalog_load(&before, false);
	changed = store_insert_new(&b);
	for (int i = 0; i < n; i++)
		if (b.exists[i] && !b.identical[i])
			store_replace(&b, i, &before);
	if (nreplace > 0)
	{
		MigrateCatalog after;

		/* the whole graph must still be valid; tips follow it */
		catalog_load(&after, false);
		catalog_sync_tips(&after);
	}
	return changed + nreplace;
}

/*
 * Parse script and store it (lock held, SPI connected); *id receives the
 * revision id.  Returns true if the catalog changed.
 */
bool
store_one(const char *script, const char *source, char **id)
{
	char	   *text = (char *) script;
	char	   *src = (char *) source;

	return store_batch(1, &text, &src, id, false) > 0;
}

/*
 * The SQL entry points' batch (add_revisions, load): connect, store,
 * refresh the state when the catalog changed, finish; how many changed.
 */
int
store_files(int n, char **texts, char **sources, bool repair)
{
	int			changed;

	migrate_spi_connect();
	changed = store_batch(n, texts, sources, NULL, repair);
	if (changed > 0)
		catalog_refresh_state();
	SPI_finish();
	return changed;
}
