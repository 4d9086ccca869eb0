/*
 * graph_index.c — finding a node by its id.
 *
 * An open-addressing table of eight-byte slots, each the id's hash and
 * the node number; the id itself is read from g->idtxt only when the
 * hashes agree.  Half the size of a general string map (which keeps the
 * key pointer in the slot), which matters because building a large graph
 * looks up every reference in it: at 100,000 revisions the table is 2 MB
 * instead of 4.  Look-ups in bulk hash ahead and prefetch, so that their
 * waits for memory overlap.
 */
#include "graph.h"
#include "graph_int.h"

#include <string.h>

#if defined(__GNUC__)
#define PREFETCH(addr) __builtin_prefetch(addr)
#else
#define PREFETCH(addr) ((void) (addr))
#endif

/* look-ups in flight: enough to cover a memory access, few enough for L1 */
#define AHEAD 16

/* slot: hash << 32 | (node + 1), 0 when empty */
#define SLOT(hash, node) ((uint64_t) (hash) << 32 | (uint32_t) ((node) + 1))
#define SLOT_HASH(s) ((uint32_t) ((s) >> 32))
#define SLOT_NODE(s) ((int) (uint32_t) (s) - 1)

void
mg_index_free(MgIdIndex *x)
{
	mg_free(x->slots);
	x->slots = NULL;
	x->cap = 0;
}

/* Index every id of g; the ids are known to be distinct. */
void
mg_index_build(MgGraph *g)
{
	MgIdIndex  *x = &g->ids;
	uint32_t	ahead[AHEAD];
	size_t		cap = 16;

	/* at most half full: short probes */
	while (cap < (size_t) g->n * 2)
		cap *= 2;
	x->cap = cap;
	x->slots = mg_alloc0(sizeof(uint64_t) * cap);
	for (int i = 0; i < g->n + AHEAD; i++)
	{
		int			j = i - AHEAD;

		if (j >= 0)
		{
			uint32_t	h = ahead[j % AHEAD];
			size_t		s = h & (cap - 1);

			while (x->slots[s])
				s = (s + 1) & (cap - 1);
			x->slots[s] = SLOT(h, j);
		}
		if (i < g->n)
		{
			ahead[i % AHEAD] = mg_hash_str(g->idtxt[i]);
			PREFETCH(&x->slots[ahead[i % AHEAD] & (cap - 1)]);
		}
	}
}

static int
find_hashed(const MgGraph *g, const char *id, uint32_t h)
{
	const MgIdIndex *x = &g->ids;
	size_t		s = h & (x->cap - 1);

	for (; x->slots[s]; s = (s + 1) & (x->cap - 1))
		if (SLOT_HASH(x->slots[s]) == h &&
			strcmp(g->idtxt[SLOT_NODE(x->slots[s])], id) == 0)
			return SLOT_NODE(x->slots[s]);
	return -1;
}

/* The node with this id, or -1 (also before the graph is built). */
int
mg_index_find(const MgGraph *g, const char *id)
{
	if (g->ids.cap == 0)
		return -1;
	return find_hashed(g, id, mg_hash_str(id));
}

/*
 * mg_index_find for ids[0..n) into nodes[0..n).  Each key's slot is
 * prefetched AHEAD keys early; halfway there the slot has arrived, and
 * when it holds a likely match the idtxt entry that strcmp will need is
 * prefetched too.
 */
void
mg_index_find_many(const MgGraph *g, const char *const *ids, int n, int *nodes)
{
	const MgIdIndex *x = &g->ids;
	uint32_t	ahead[AHEAD];

	if (x->cap == 0)
	{
		for (int i = 0; i < n; i++)
			nodes[i] = -1;
		return;
	}
	for (int i = 0; i < n + AHEAD; i++)
	{
		int			j = i - AHEAD;
		int			half = i - AHEAD / 2;

		if (j >= 0)
			nodes[j] = find_hashed(g, ids[j], ahead[j % AHEAD]);
		if (half >= 0 && half < n)
		{
			uint32_t	h = ahead[half % AHEAD];
			uint64_t	s = x->slots[h & (x->cap - 1)];

			if (s && SLOT_HASH(s) == h)
				PREFETCH(&g->idtxt[SLOT_NODE(s)]);
		}
		if (i < n)
		{
			ahead[i % AHEAD] = mg_hash_str(ids[i]);
			PREFETCH(&x->slots[ahead[i % AHEAD] & (x->cap - 1)]);
		}
	}
}
