/*
 * graph_edges.c — resolving every revision's references (revises by id,
 * depends by id or branch label) into the graph's edge arrays (MgEdges),
 * and pointing each node's lists into them.
 *
 * A few flat arrays replace four small growable lists per node: building
 * them takes a handful of allocations instead of hundreds of thousands
 * for a large graph, and the passes over the graph (ordering, closures)
 * read consecutive memory.
 */
#include "graph.h"
#include "graph_int.h"

#include <stdlib.h>
#include <string.h>

/* edge lists longer than this are sorted with qsort, not by insertion */
#define SHORT_LIST 16

static void
edges_free(MgEdges *e)
{
	mg_free(e->off);
	mg_free(e->mid);
	mg_free(e->items);
	memset(e, 0, sizeof(*e));
}

/* What mg_resolve_edges made (up.off and up.mid belong to mg_graph_add). */
void
mg_edges_free(MgGraph *g)
{
	mg_free(g->up.items);
	g->up.items = NULL;
	edges_free(&g->down);
}

static int
resolve_depend(const MgGraph *g, const char *ref)
{
	int			d = mg_index_find(g, ref);

	return d >= 0 ? d : mg_map_get(&g->labels, ref);
}

/* "revision X revises unknown revision Y", and the hint to add Y. */
static MgStatus
unknown_reference(MgError *err, const MgNode *nd, const char *verb,
				  const char *ref)
{
	mg_error(err, MG_ERR_GRAPH, nd->id, 0, "revision %s %s unknown revision %s",
			 nd->id, verb, ref);
	mg_error_hint(err, "Add revision %s first.", ref);
	return MG_ERR_GRAPH;
}

/*
 * The first bad reference in id order, so that an error names the same
 * revision whatever order the revisions were added in.  Only called once
 * a bad reference is known to exist.
 */
static MgStatus
reference_error(const MgGraph *g, MgError *err)
{
	for (int r = 0; r < g->n; r++)
	{
		int			i = g->by_id[r];
		const MgNode *nd = &g->nodes[i];

		for (int k = 0; k < nd->revises_txt.count; k++)
		{
			int			p = mg_index_find(g, nd->revises_txt.items[k]);

			if (p < 0)
				return unknown_reference(err, nd, "revises",
										 nd->revises_txt.items[k]);
			if (p == i)
				return mg_error(err, MG_ERR_GRAPH, nd->id, 0,
								"cycle in the revision graph: %s -> %s",
								nd->id, nd->id);
		}
		for (int k = 0; k < nd->depends_txt.count; k++)
		{
			const char *ref = nd->depends_txt.items[k];
			int			d = resolve_depend(g, ref);

			if (d < 0)
				return unknown_reference(err, nd, "depends on", ref);
			if (d == i)
				return mg_error(err, MG_ERR_GRAPH, nd->id, 0,
								"cycle in the revision graph: %s -> %s",
								nd->id, nd->id);
		}
	}
	return MG_ERR_GRAPH;		/* not reached */
}

/*
 * Parents then dependencies of each node: the references mg_graph_add
 * packed into reftxt (up.off and up.mid already delimit them), looked up
 * in one batch.
 */
static MgStatus
resolve_up(MgGraph *g, MgError *err)
{
	MgEdges    *up = &g->up;

	up->items = mg_alloc(sizeof(int) * (size_t) (g->nrefs > 0 ? g->nrefs : 1));
	mg_index_find_many(g, g->reftxt, g->nrefs, up->items);
	for (int i = 0; i < g->n; i++)
	{
		for (int k = up->off[i]; k < up->off[i + 1]; k++)
		{
			/* a dependency may name a branch label instead */
			if (up->items[k] < 0 && k >= up->mid[i])
				up->items[k] = mg_map_get(&g->labels, g->reftxt[k]);
			if (up->items[k] < 0 || up->items[k] == i)
				return reference_error(g, err);
		}
	}
	return MG_OK;
}

static int
cmp_packed(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a,
				y = *(const uint64_t *) b;

	return x < y ? -1 : x > y;
}

/* Sort items[0..n) by rank: insertion sort, qsort for long lists. */
void
mg_sort_by_rank(const MgGraph *g, int *items, int n)
{
	if (n <= SHORT_LIST)
	{
		for (int i = 1; i < n; i++)
		{
			int			v = items[i],
						j = i;

			while (j > 0 && g->rank[items[j - 1]] > g->rank[v])
			{
				items[j] = items[j - 1];
				j--;
			}
			items[j] = v;
		}
	}
	else
	{
		uint64_t   *packed = mg_alloc(sizeof(uint64_t) * (size_t) n);

		for (int i = 0; i < n; i++)
			packed[i] = (uint64_t) g->rank[items[i]] << 32 | (uint32_t) items[i];
		qsort(packed, (size_t) n, sizeof(uint64_t), cmp_packed);
		for (int i = 0; i < n; i++)
			items[i] = (int) (uint32_t) packed[i];
		mg_free(packed);
	}
}

/*
 * Children then dependents of each node: the reverse of up, counted,
 * placed, and sorted in id order so that nothing depends on the order
 * rows arrived in.
 */
static void
reverse_up(MgGraph *g)
{
	const MgEdges *up = &g->up;
	MgEdges    *down = &g->down;
	int			n = g->n;
	int		   *cursor = mg_alloc(sizeof(int) * (size_t) (n > 0 ? 2 * n : 1));
	int		   *dcursor = cursor + n;

	down->off = mg_alloc0(sizeof(int) * ((size_t) n + 1));
	down->mid = mg_alloc0(sizeof(int) * (size_t) (n > 0 ? n : 1));
	down->items = mg_alloc(sizeof(int) * (size_t) (up->off[n] > 0 ? up->off[n] : 1));
	/* count: mid holds the children of each node, off[i + 1] all edges */
	for (int i = 0; i < n; i++)
	{
		for (int k = up->off[i]; k < up->mid[i]; k++)
			down->mid[up->items[k]]++;
		for (int k = up->off[i]; k < up->off[i + 1]; k++)
			down->off[up->items[k] + 1]++;
	}
	for (int i = 0; i < n; i++)
	{
		down->off[i + 1] += down->off[i];
		down->mid[i] += down->off[i];
		cursor[i] = down->off[i];
		dcursor[i] = down->mid[i];
	}
	for (int i = 0; i < n; i++)
	{
		for (int k = up->off[i]; k < up->mid[i]; k++)
			down->items[cursor[up->items[k]]++] = i;
		for (int k = up->mid[i]; k < up->off[i + 1]; k++)
			down->items[dcursor[up->items[k]]++] = i;
	}
	mg_free(cursor);
	for (int i = 0; i < n; i++)
	{
		if (down->mid[i] - down->off[i] > 1)
			mg_sort_by_rank(g, down->items + down->off[i],
						 down->mid[i] - down->off[i]);
		if (down->off[i + 1] - down->mid[i] > 1)
			mg_sort_by_rank(g, down->items + down->mid[i],
						 down->off[i + 1] - down->mid[i]);
	}
}

static MgIntList
slice(const MgEdges *e, int from, int to)
{
	MgIntList	l;

	l.items = e->items + from;
	l.count = to - from;
	l.cap = 0;					/* borrowed: never grown or freed */
	return l;
}

/* Point every node's lists into the edge arrays. */
static void
link_nodes(MgGraph *g)
{
	for (int i = 0; i < g->n; i++)
	{
		MgNode	   *nd = &g->nodes[i];

		nd->rank = g->rank[i];
		nd->parents = slice(&g->up, g->up.off[i], g->up.mid[i]);
		nd->deps = slice(&g->up, g->up.mid[i], g->up.off[i + 1]);
		nd->children = slice(&g->down, g->down.off[i], g->down.mid[i]);
		nd->dependents = slice(&g->down, g->down.mid[i], g->down.off[i + 1]);
	}
}

/* Needs ranks and both maps; on error the node lists stay empty. */
MgStatus
mg_resolve_edges(MgGraph *g, MgError *err)
{
	MgStatus	st = resolve_up(g, err);

	if (st != MG_OK)
		return st;
	reverse_up(g);
	link_nodes(g);
	return MG_OK;
}

/* Empty every node's lists before the arrays they point into go away. */
void
mg_unlink_nodes(MgGraph *g)
{
	static const MgIntList none = {0};

	for (int i = 0; i < g->n; i++)
	{
		MgNode	   *nd = &g->nodes[i];

		nd->parents = nd->deps = nd->children = nd->dependents = none;
	}
}
