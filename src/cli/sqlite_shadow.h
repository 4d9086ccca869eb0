/*
 * sqlite_shadow.h — the in-memory schema behind batch mode in SQLite
 * --sql scripts (sqlite_shadow.c).
 */
#ifndef MIGRATE_SQLITE_SHADOW_H
#define MIGRATE_SQLITE_SHADOW_H

#include "cli.h"

#include <sqlite3.h>

typedef struct Shadow
{
	sqlite3    *mem;			/* the schema as the script has it */
	Repo	   *repo;
	MgBuf	   *out;			/* the section being written */
	int			rebuilt;		/* rebuilds written */
} Shadow;

/* Source ops (describe, fetch) for mg_offline_script; ctx is a Shadow. */
extern const MgExecOps shadow_source_ops;

/* Does a step of the plan need the rewriter? */
bool		shadow_needed(const Repo *repo, const MgIntList *steps, bool downgrade);

/*
 * The schema at the script's start: from's (a database) or, with from
 * NULL, the applied revisions' upgrades replayed.
 */
int			shadow_open(Shadow *sh, Repo *repo, sqlite3 *from, const uint8_t *applied);
void		shadow_close(Shadow *sh);

/* from's schema (no rows) created in to. */
void		sq_copy_schema(sqlite3 *from, sqlite3 *to);

#endif							/* MIGRATE_SQLITE_SHADOW_H */
