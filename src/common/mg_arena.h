/*
 * mg_arena.h — an arena allocator for the shared core (mg_arena.c).
 * Included by mg_base.h; blocks come from the per-side mg_alloc hook.
 */
#ifndef MG_ARENA_H
#define MG_ARENA_H

#include <stddef.h>

/*
 * An arena: many small allocations (strings, short arrays) carved from a
 * few large blocks and freed together.  It saves one allocator call and
 * one header per object and keeps objects made together next to each
 * other in memory, which matters for structures of many small parts such
 * as the revision graph.  Objects never move.
 */
typedef struct MgArena
{
	struct MgArenaBlock *blocks;	/* newest first */
	char	   *next;			/* free space in the newest block */
	size_t		left;
} MgArena;

void		mg_arena_init(MgArena *a);
void	   *mg_arena_alloc(MgArena *a, size_t size);	/* pointer-aligned */
char	   *mg_arena_strdup(MgArena *a, const char *s);
void		mg_arena_free(MgArena *a);

#endif							/* MG_ARENA_H */
