/*
 * graph_order.c — the deterministic topological order of SPEC section 3
 * (Kahn's algorithm, smallest ready revision id first) and the cycle
 * report when no such order exists.
 */
#include "graph.h"
#include "graph_int.h"

/*
 * ---- a binary min-heap of nodes keyed by rank ----
 *
 * Items are rank << 32 | node, so that comparing two items is comparing
 * two integers, with no lookup of either node.
 */

/* Ready nodes are few in real graphs: start small and grow on demand. */
#define HEAP_START 64

void
mg_heap_init(MgHeap *h, const MgGraph *g)
{
	h->g = g;
	h->n = 0;
	h->cap = HEAP_START;
	h->items = mg_alloc(sizeof(uint64_t) * (size_t) h->cap);
}

void
mg_heap_push(MgHeap *h, int node)
{
	uint64_t	item = (uint64_t) h->g->rank[node] << 32 | (uint32_t) node;
	int			i;

	if (h->n == h->cap)
	{
		h->cap *= 2;
		h->items = mg_realloc(h->items, sizeof(uint64_t) * (size_t) h->cap);
	}
	i = h->n++;
	while (i > 0)
	{
		int			parent = (i - 1) / 2;

		if (h->items[parent] <= item)
			break;
		h->items[i] = h->items[parent];
		i = parent;
	}
	h->items[i] = item;
}

int
mg_heap_pop(MgHeap *h)
{
	uint64_t	top = h->items[0];
	uint64_t	last = h->items[--h->n];
	int			i = 0;

	for (;;)
	{
		int			c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->items[c + 1] < h->items[c])
			c++;
		if (last <= h->items[c])
			break;
		h->items[i] = h->items[c];
		i = c;
	}
	if (h->n > 0)
		h->items[i] = last;
	return (int) (uint32_t) top;
}

void
mg_heap_free(MgHeap *h)
{
	mg_free(h->items);
}

/*
 * In-degrees counting only edges between members of set (all edges when
 * set is NULL).  Returns whether every parent and dependency of a member
 * is a member too.
 */
static bool
count_indegrees(const MgGraph *g, const uint8_t *set, int *indeg)
{
	const MgEdges *up = &g->up;
	bool		closed = true;

	if (set == NULL)
	{
		for (int i = 0; i < g->n; i++)
			indeg[i] = up->off[i + 1] - up->off[i];
		return true;
	}
	for (int i = 0; i < g->n; i++)
	{
		int			d = 0;

		if (!set[i])
			continue;
		for (int k = up->off[i]; k < up->off[i + 1]; k++)
			d += set[up->items[k]] != 0;
		indeg[i] = d;
		closed &= d == up->off[i + 1] - up->off[i];
	}
	return closed;
}

/*
 * The members of set in the order of g->topo, for a set that holds the
 * parents and dependencies of its members.  That is Kahn's order on the
 * set: no outside node precedes a member, so while the whole graph is
 * ordered the members become ready exactly as they would alone, and the
 * smallest ready node, when it is a member, is the smallest ready member.
 */
static int
filter_topo(const MgGraph *g, const uint8_t *set, int *out)
{
	int			done = 0;

	for (int r = 0; r < g->n; r++)
	{
		MG_CHECK_INTERRUPTS();
		if (set[g->topo[r]])
			out[done++] = g->topo[r];
	}
	return done;
}

/*
 * Kahn's algorithm over the nodes with set[i] != 0 (all nodes when set is
 * NULL), counting only edges between members.  Writes the order to out and
 * returns how many nodes it could order (fewer than members on a cycle).
 */
int
mg_kahn(const MgGraph *g, const uint8_t *set, int *out)
{
	const MgEdges *down = &g->down;
	int		   *indeg = mg_alloc(sizeof(int) * (size_t) (g->n > 0 ? g->n : 1));
	MgHeap		heap;
	int			done = 0;

	/*
	 * A built graph has its full order at hand; a set closed under parents
	 * and dependencies (an applied state, a closure of targets) takes its
	 * order from it in one scan, with no heap.
	 */
	if (count_indegrees(g, set, indeg) && set && g->built)
	{
		mg_free(indeg);
		return filter_topo(g, set, out);
	}
	mg_heap_init(&heap, g);
	for (int i = 0; i < g->n; i++)
		if ((!set || set[i]) && indeg[i] == 0)
			mg_heap_push(&heap, i);
	while (heap.n > 0)
	{
		int			v = mg_heap_pop(&heap);

		MG_CHECK_INTERRUPTS();
		out[done++] = v;
		/* children and dependents alike: they are one range */
		for (int k = down->off[v]; k < down->off[v + 1]; k++)
		{
			int			w = down->items[k];

			if ((!set || set[w]) && --indeg[w] == 0)
				mg_heap_push(&heap, w);
		}
	}
	mg_heap_free(&heap);
	mg_free(indeg);
	return done;
}

MgIntList
mg_order(const MgGraph *g, const uint8_t *set)
{
	MgIntList	l = {0};
	int			count = 0;

	for (int i = 0; i < g->n; i++)
		if (set[i])
			count++;
	l.cap = count > 0 ? count : 1;
	l.items = mg_alloc(sizeof(int) * l.cap);
	l.count = mg_kahn(g, set, l.items);
	return l;
}

/* Name one cycle among the nodes Kahn could not order. */
MgStatus
mg_report_cycle(const MgGraph *g, const int *order, int done, MgError *err)
{
	uint8_t    *ordered = mg_alloc0((size_t) g->n);
	int		   *seen_at = mg_alloc(sizeof(int) * g->n);
	int		   *path = mg_alloc(sizeof(int) * (g->n + 1));
	int			len = 0,
				v = -1;
	MgBuf		b;

	for (int i = 0; i < done; i++)
		ordered[order[i]] = 1;
	for (int i = 0; i < g->n; i++)
		seen_at[i] = -1;
	/*
	 * Start from the smallest unordered id, so that the cycle named does not
	 * depend on the order the revisions were added in (files in the
	 * program, catalog rows on the server).
	 */
	for (int r = 0; r < g->n && v < 0; r++)
		if (!ordered[g->by_id[r]])
			v = g->by_id[r];
	/* every unordered node has an unordered predecessor: walk back */
	while (seen_at[v] < 0)
	{
		int			next = -1;

		MG_CHECK_INTERRUPTS();
		seen_at[v] = len;
		path[len++] = v;
		/* the first unordered parent, else the first unordered dependency */
		for (int k = g->up.off[v]; k < g->up.off[v + 1] && next < 0; k++)
			if (!ordered[g->up.items[k]])
				next = g->up.items[k];
		v = next;
	}
	mg_buf_init(&b);
	/* path[seen_at[v]..len) is the cycle, walked child -> parent */
	for (int i = len - 1; i >= seen_at[v]; i--)
		mg_buf_printf(&b, "%s -> ", g->nodes[path[i]].id);
	mg_buf_puts(&b, g->nodes[path[len - 1]].id);
	mg_error(err, MG_ERR_GRAPH, g->nodes[v].id, 0,
			 "cycle in the revision graph: %s", b.data);
	mg_buf_free(&b);
	mg_free(ordered);
	mg_free(seen_at);
	mg_free(path);
	return MG_ERR_GRAPH;
}
