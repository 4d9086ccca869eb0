/*
 * sqlite_schema.h — the SQLite schema reader: a database's tables,
 * columns, constraints, indexes, views and triggers as the shared schema
 * model (schema_model.h), so that the one differ serves SQLite too.
 */
#ifndef MIGRATE_SQLITE_SCHEMA_H
#define MIGRATE_SQLITE_SCHEMA_H

#include "schema_model.h"

#include <sqlite3.h>

/*
 * Read db's main schema (migrate's own tables and SQLite's left out) into
 * m.  False with err set when an object cannot be read.
 */
bool		sq_schema_read(sqlite3 *db, MgSchemaModel *m, char *err, size_t errlen);

/* The changes as SQLite SQL (schema_write_sqlite.c). */
char	   *sq_schema_write(const MgChangeList *changes);

#endif							/* MIGRATE_SQLITE_SCHEMA_H */
