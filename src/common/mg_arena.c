/*
 * mg_arena.c — the arena of mg_arena.h: blocks that double up to a cap,
 * objects carved from the newest one, all freed together.
 */
#include "mg_base.h"

#include <string.h>

#define ARENA_MIN_BLOCK 4096
#define ARENA_MAX_BLOCK (64 * 1024)

typedef struct MgArenaBlock
{
	struct MgArenaBlock *prev;
	size_t		size;			/* usable bytes after the header */
} MgArenaBlock;

/* the header rounded up so that block data stays pointer-aligned */
#define ARENA_HEADER \
	((sizeof(MgArenaBlock) + sizeof(void *) - 1) & ~(sizeof(void *) - 1))

void
mg_arena_init(MgArena *a)
{
	a->blocks = NULL;
	a->next = NULL;
	a->left = 0;
}

/*
 * A new block for at least need bytes.  Blocks double up to a cap, so a
 * small graph costs a few kilobytes and a large one few allocations.
 */
static void
arena_grow(MgArena *a, size_t need)
{
	size_t		size = a->blocks ? a->blocks->size * 2 : ARENA_MIN_BLOCK;
	MgArenaBlock *b;

	if (size > ARENA_MAX_BLOCK)
		size = ARENA_MAX_BLOCK;
	if (size < need)
		size = need;
	b = mg_alloc(ARENA_HEADER + size);
	b->prev = a->blocks;
	b->size = size;
	a->blocks = b;
	a->next = (char *) b + ARENA_HEADER;
	a->left = size;
}

void *
mg_arena_alloc(MgArena *a, size_t size)
{
	size_t		pad = (size_t) (-(uintptr_t) a->next) & (sizeof(void *) - 1);
	void	   *p;

	if (a->next == NULL || pad + size > a->left)
	{
		arena_grow(a, size);
		pad = 0;
	}
	p = a->next + pad;
	a->next += pad + size;
	a->left -= pad + size;
	return p;
}

char *
mg_arena_strdup(MgArena *a, const char *s)
{
	size_t		len = strlen(s) + 1;
	char	   *p;

	/* strings need no alignment: pack them */
	if (a->next == NULL || len > a->left)
		arena_grow(a, len);
	p = a->next;
	memcpy(p, s, len);
	a->next += len;
	a->left -= len;
	return p;
}

void
mg_arena_free(MgArena *a)
{
	while (a->blocks)
	{
		MgArenaBlock *prev = a->blocks->prev;

		mg_free(a->blocks);
		a->blocks = prev;
	}
	mg_arena_init(a);
}
