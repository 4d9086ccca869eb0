/*
 * repair.c — migrate.repair() (Flyway's name): accept the checksums that
 * applied revisions have now, after their files were edited.
 *
 * Each applied revision whose catalog checksum differs from the one it was
 * applied with (MG_PG_APPLIED_WITH_SQL: its last history row) gets one
 * history row, action 'repair', checksum = the new one, previous_checksum
 * = the old one.  From then on that is how it was applied: validate() and
 * check() are satisfied, and applied_checksum (the fast path) follows.
 * The catalog's bodies are replaced first with add_revision(s)(...,
 * repair => true); the migrate program does both ("migrate repair").
 * State-changing: owner or superuser, under the migrate lock.
 */
#include "migrate.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(migrate_repair);

Datum
migrate_repair(PG_FUNCTION_ARGS)
{
	MigrateCatalog cat;
	MgIntList	applied = {0};
	Oid			types[2] = {TEXTARRAYOID, TIMESTAMPTZOID};
	Datum		args[2];
	uint64		repaired;

	migrate_begin_change();
	migrate_spi_connect();
	catalog_load(&cat, false);
	for (int i = 0; i < cat.graph.n; i++)
		if (cat.applied[i])
			mg_intlist_add(&applied, i);
	args[0] = ids_to_array(&cat.graph, &applied);
	args[1] = TimestampTzGetDatum(GetCurrentTimestamp());
	repaired = migrate_spi_exec("INSERT INTO migrate.history"
								" (revision, action, checksum, previous_checksum,"
								"  started_at, duration)"
								" SELECT r.id, 'repair', r.checksum, a.checksum, $2,"
								"  '0'::pg_catalog.interval"
								" FROM (" MG_PG_APPLIED_WITH_SQL ") a"
								" JOIN migrate.revision r ON r.id OPERATOR(pg_catalog.=) a.revision"
								" WHERE r.id OPERATOR(pg_catalog.=) ANY ($1)"
								"   AND a.checksum OPERATOR(pg_catalog.<>) r.checksum"
								" ORDER BY r.id",
								2, types, args, NULL, false, SPI_OK_INSERT,
								"recording repairs");
	/* every applied revision is now applied with the checksum it has */
	if (catalog_has_fast_columns())
		migrate_spi_exec("UPDATE migrate.revision SET applied_checksum = checksum"
						 " WHERE id OPERATOR(pg_catalog.=) ANY ($1)"
						 "   AND (applied_checksum IS NULL OR applied_checksum OPERATOR(pg_catalog.<>) checksum)",
						 1, types, args, NULL, false, SPI_OK_UPDATE,
						 "marking repaired revisions");
	catalog_refresh_state();
	SPI_finish();
	PG_RETURN_INT32((int32) repaired);
}
