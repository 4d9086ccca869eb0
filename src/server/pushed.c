/*
 * pushed.c — pushed(digest): the program's record of its last push.  The
 * program hashes its migrations directory (names and contents, src/cli/
 * repo.c) and, in the transaction of a push that made the catalog's
 * revisions exactly its files, calls pushed() with that digest.  This
 * stores the digest and the graph's heads in migrate.state; the trigger
 * revision_digest_unsettled clears both on any later change to the stored
 * revisions (not on applying them: that is up_to_date's business), and
 * recomputes up_to_date, as every state-changing function does.  When
 * the next run's files hash to the same digest and up_to_date holds, the
 * program has nothing to read, push or plan.
 */
#include "migrate.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(migrate_pushed);

Datum
migrate_pushed(PG_FUNCTION_ARGS)
{
	text	   *digest = PG_GETARG_TEXT_PP(0);
	MigrateCatalog cat;
	MgIntList	heads;
	Oid			types[2] = {TEXTOID, TEXTARRAYOID};
	Datum		args[2];

	migrate_begin_change();
	migrate_spi_connect();
	/* unknown versions do not change the graph's heads */
	catalog_load_ex(&cat, false, true);
	heads = mg_graph_heads(&cat.graph);
	args[0] = PointerGetDatum(digest);
	args[1] = ids_to_array(&cat.graph, &heads);
	migrate_spi_check(SPI_execute_with_args("UPDATE migrate.state"
											" SET pushed_digest = $1, pushed_heads = $2",
											2, types, args, NULL, false, 0),
					  SPI_OK_UPDATE, "recording the push");
	/* like every state change: leave the tips and up_to_date right */
	catalog_sync_tips(&cat);
	catalog_refresh_state();
	SPI_finish();
	PG_RETURN_VOID();
}
