/*
 * sqlite_rebuild.h — SQLite's 12-step table rebuild
 * (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
 * Changes") as a list of statements, from a table as it is to the table
 * as it should be.  The same list runs on the database and goes into the
 * SQLite --sql script.
 */
#ifndef MIGRATE_SQLITE_REBUILD_H
#define MIGRATE_SQLITE_REBUILD_H

#include "sqlite_alter.h"

#include <sqlite3.h>

typedef enum SqStepKind
{
	SQS_SQL,					/* a statement */
	SQS_FK_CHECK				/* PRAGMA foreign_key_check of tables */
} SqStepKind;

typedef struct SqStep
{
	SqStepKind	kind;
	char	   *sql;			/* SQS_SQL; for SQS_FK_CHECK the script's form */
	MgStrList	tables;			/* SQS_FK_CHECK: the tables to check */
	MgStrList	views;			/* SQS_FK_CHECK: the views recreated, to check */
	MgStrList	probes;			/* SQS_FK_CHECK: statements that fire the triggers */
} SqStep;

typedef struct SqSteps
{
	SqStep	   *items;
	int			count;
} SqSteps;

/* The table as it is in db: CREATE TABLE parsed, its indexes. */
bool		sq_table_info(sqlite3 *db, const char *name, SqTableInfo *ti,
						  char *err, size_t errlen);

/* The rebuild of old (as read) into new (old with actions applied). */
bool		sq_rebuild_steps(sqlite3 *db, const SqTableInfo *old, const SqTableInfo *new,
							 SqSteps *out, char *err, size_t errlen);

/*
 * Run PRAGMA foreign_key_check over the tables; false with the offending
 * rows in err (table, rowid, parent) when any row breaks a key.
 */
bool		sq_fk_check(sqlite3 *db, const MgStrList *tables, const char *rebuilt,
						char *err, size_t errlen);

/*
 * Do the views and the table's triggers still work (one naming a column the
 * rebuild dropped does not)?  Views are selected from, and the probes (an
 * INSERT, UPDATE and DELETE of no rows, which fire every trigger) prepared.
 * False with the first that does not in err.
 */
bool		sq_uses_check(sqlite3 *db, const SqStep *step, const char *rebuilt,
						  char *err, size_t errlen);

#endif							/* MIGRATE_SQLITE_REBUILD_H */
