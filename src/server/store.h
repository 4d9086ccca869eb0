/*
 * store.h — the store module's own declarations: a batch of revision files
 * on its way into the catalog.  store.c parses and checks a batch and
 * drives the writes of store_write.c; nothing in store_write.c calls back
 * into store.c.  The entry points the SQL functions use are in migrate.h.
 */
#ifndef MIGRATE_STORE_H
#define MIGRATE_STORE_H

#include "migrate.h"

typedef struct StoreBatch
{
	int			n;
	char	  **texts;
	char	  **src;			/* source file names, NULL entries allowed */
	MgRevFile  *rf;
	MgRevSelected *sel;
	MgMap		ids;			/* id -> first batch index with it */
	MgMap		labels;			/* label -> first batch index declaring it */
	bool	   *duplicated;		/* another member has the same id */
	bool	   *exists;			/* the catalog has this id */
	bool	   *identical;		/* ... with the same text */
	bool		repair;			/* an applied revision's upgrade section may
								 * change (add_revision(s)(..., repair)) */
} StoreBatch;

/* store_write.c: the batch's writes (lock held, SPI connected) */
extern int	store_insert_new(const StoreBatch *b);
extern void store_replace(const StoreBatch *b, int i,
						  const MigrateCatalog *before);

#endif							/* MIGRATE_STORE_H */
