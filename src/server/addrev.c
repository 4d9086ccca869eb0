/*
 * addrev.c — the SQL-callable ways to add revision files:
 * migrate.add_revision(script, source, repair) and
 * migrate.add_revisions(scripts, sources, repair) (repair: see repair.c).
 * They check the caller's privileges before anything else, then their
 * arguments, take the lock and hand the files to the store (store.c),
 * which parses, checks and writes them; identical text is a no-op.
 */
#include "migrate.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(migrate_add_revision);
PG_FUNCTION_INFO_V1(migrate_add_revisions);

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

	/*
	 * Privileges first: a role that may not change state gets 42501 before
	 * any of its text is parsed.  A malformed file is then reported before
	 * the lock is taken.
	 */
	migrate_check_change();
	store_parse(script, source, &rf, &sel);
	migrate_begin_change();
	migrate_spi_connect();
	if (store_batch(1, &script, &source, &id, repair) > 0)
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
				nsrc = 0;
	char	  **texts,
			  **src;
	bool		repair = PG_NARGS() > 2 && !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);

	if (PG_ARGISNULL(0))
		PG_RETURN_INT32(0);		/* array_agg() of nothing: nothing to add */
	/* privileges before anything of the scripts is looked at */
	migrate_check_change();
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
		CHECK_FOR_INTERRUPTS();
		if (snulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("revision script %d must not be null", i + 1)));
		texts[i] = TextDatumGetCString(scripts[i]);
		src[i] = (nsrc && !srcnulls[i]) ? TextDatumGetCString(sources[i]) : NULL;
	}
	migrate_begin_change();
	PG_RETURN_INT32(store_files(n, texts, src, repair));
}
