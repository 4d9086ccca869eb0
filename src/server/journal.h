/*
 * journal.h — the journal of transaction-false revisions (journal.c).
 */
#ifndef MIGRATE_JOURNAL_H
#define MIGRATE_JOURNAL_H

#include "problems.h"

/* record(): the revision is recorded, its journal row goes with it. */
extern void journal_forget(const char *id);
/* stamp(): the state is declared by hand; every row goes (NOTICE). */
extern void journal_clear(void);
/* Every row, for the problems (palloc'd, *n of them). */
extern MgPartial *journal_partials(int *n);

#endif							/* MIGRATE_JOURNAL_H */
