/*
 * graph.c — adding revisions to the graph, and building it: ids sorted
 * and checked for duplicates, branch labels checked, edges resolved, and
 * the upgrade order of all revisions (which finds cycles).  The order
 * itself is graph_order.c; the queries of a built graph graph_query.c.
 */
#include "graph.h"
#include "graph_int.h"

#include <string.h>

void
mg_graph_init(MgGraph *g, int expected)
{
	memset(g, 0, sizeof(*g));
	g->cap = expected > 16 ? expected : 16;
	g->nodes = mg_alloc0(sizeof(MgNode) * g->cap);
	mg_map_init(&g->ids, (size_t) g->cap);
	mg_map_init(&g->labels, 16);
	mg_arena_init(&g->text);
}

/* Copy strings into the graph's arena: one allocation call per block. */
static MgStrList
copy_list(MgGraph *g, const char *const *src, int n)
{
	MgStrList	l = {0};

	if (n <= 0)
		return l;
	l.items = mg_arena_alloc(&g->text, sizeof(char *) * (size_t) n);
	for (int i = 0; i < n; i++)
		l.items[i] = mg_arena_strdup(&g->text, src[i]);
	l.count = n;
	return l;
}

int
mg_graph_add(MgGraph *g, const char *id,
			 const char *const *revises, int nrevises,
			 const char *const *depends, int ndepends,
			 const char *const *labels, int nlabels)
{
	MgNode	   *nd;

	if (g->n == g->cap)
	{
		g->cap *= 2;
		g->nodes = mg_realloc(g->nodes, sizeof(MgNode) * g->cap);
	}
	nd = &g->nodes[g->n];
	memset(nd, 0, sizeof(*nd));
	nd->id = mg_arena_strdup(&g->text, id);
	nd->revises_txt = copy_list(g, revises, nrevises);
	nd->depends_txt = copy_list(g, depends, ndepends);
	nd->labels = copy_list(g, labels, nlabels);
	g->built = false;
	return g->n++;
}

void
mg_graph_free(MgGraph *g)
{
	for (int i = 0; i < g->n; i++)
	{
		MgNode	   *nd = &g->nodes[i];

		mg_intlist_free(&nd->parents);
		mg_intlist_free(&nd->deps);
		mg_intlist_free(&nd->children);
		mg_intlist_free(&nd->dependents);
	}
	if (g->nodes)
		mg_free(g->nodes);
	if (g->by_id)
		mg_free(g->by_id);
	if (g->rank)
		mg_free(g->rank);
	if (g->topo)
		mg_free(g->topo);
	mg_map_free(&g->ids);
	mg_map_free(&g->labels);
	mg_arena_free(&g->text);
	memset(g, 0, sizeof(*g));
}

int
mg_graph_find(const MgGraph *g, const char *id)
{
	return mg_map_get(&g->ids, id);
}

/* ---- build ---- */

static MgStatus
resolve_edges(MgGraph *g, MgError *err)
{
	for (int i = 0; i < g->n; i++)
	{
		MgNode	   *nd = &g->nodes[i];

		mg_intlist_free(&nd->parents);
		mg_intlist_free(&nd->deps);
		mg_intlist_free(&nd->children);
		mg_intlist_free(&nd->dependents);
	}
	/* in id order, so an error names the same revision whatever the input order */
	for (int r = 0; r < g->n; r++)
	{
		int			i = g->by_id[r];
		MgNode	   *nd = &g->nodes[i];

		for (int k = 0; k < nd->revises_txt.count; k++)
		{
			int			p = mg_map_get(&g->ids, nd->revises_txt.items[k]);

			if (p < 0)
				return mg_error(err, MG_ERR_GRAPH, nd->id, 0,
								"revision %s revises unknown revision %s",
								nd->id, nd->revises_txt.items[k]);
			if (p == i)
				return mg_error(err, MG_ERR_GRAPH, nd->id, 0,
								"cycle in the revision graph: %s -> %s",
								nd->id, nd->id);
			mg_intlist_add(&nd->parents, p);
			mg_intlist_add(&g->nodes[p].children, i);
		}
		for (int k = 0; k < nd->depends_txt.count; k++)
		{
			const char *ref = nd->depends_txt.items[k];
			int			d = mg_map_get(&g->ids, ref);

			if (d < 0)
				d = mg_map_get(&g->labels, ref);
			if (d < 0)
				return mg_error(err, MG_ERR_GRAPH, nd->id, 0,
								"revision %s depends on unknown revision %s",
								nd->id, ref);
			if (d == i)
				return mg_error(err, MG_ERR_GRAPH, nd->id, 0,
								"cycle in the revision graph: %s -> %s",
								nd->id, nd->id);
			mg_intlist_add(&nd->deps, d);
			mg_intlist_add(&g->nodes[d].dependents, i);
		}
	}
	return MG_OK;
}

/* Insertion sort by rank: edge lists are short. */
static void
sort_by_rank(const MgGraph *g, MgIntList *l)
{
	for (int i = 1; i < l->count; i++)
	{
		int			v = l->items[i],
					j = i;

		while (j > 0 && g->nodes[l->items[j - 1]].rank > g->nodes[v].rank)
		{
			l->items[j] = l->items[j - 1];
			j--;
		}
		l->items[j] = v;
	}
}

/* Edge lists in id order, so nothing depends on the order rows arrived. */
static void
sort_edges(MgGraph *g)
{
	for (int i = 0; i < g->n; i++)
	{
		sort_by_rank(g, &g->nodes[i].children);
		sort_by_rank(g, &g->nodes[i].dependents);
	}
}

MgStatus
mg_graph_build(MgGraph *g, MgError *err)
{
	MgStatus	st;
	int			done;

	/* ids: sort once; gives ranks, duplicate detection and prefix search */
	if (g->by_id)
		mg_free(g->by_id);
	if (g->rank)
		mg_free(g->rank);
	g->by_id = g->rank = NULL;
	st = mg_rank_ids(g, err);
	if (st != MG_OK)
		return st;
	mg_map_free(&g->ids);
	mg_map_init(&g->ids, (size_t) g->n);
	for (int i = 0; i < g->n; i++)
	{
		g->nodes[i].rank = g->rank[i];
		mg_map_put(&g->ids, g->nodes[i].id, i);
	}

	/* labels: unique across the graph and distinct from every id */
	mg_map_free(&g->labels);
	mg_map_init(&g->labels, 16);
	for (int r = 0; r < g->n; r++)
	{
		int			i = g->by_id[r];
		MgNode	   *nd = &g->nodes[i];

		for (int k = 0; k < nd->labels.count; k++)
		{
			const char *lab = nd->labels.items[k];
			int			other = mg_map_get(&g->labels, lab);

			if (other >= 0)
				return mg_error(err, MG_ERR_GRAPH, nd->id, 0,
								"branch label \"%s\" is declared by both %s and %s",
								lab, g->nodes[other].id, nd->id);
			if (mg_map_get(&g->ids, lab) >= 0)
				return mg_error(err, MG_ERR_GRAPH, nd->id, 0,
								"branch label \"%s\" of revision %s is also a revision id",
								lab, nd->id);
			mg_map_put(&g->labels, lab, i);
		}
	}

	st = resolve_edges(g, err);
	if (st != MG_OK)
		return st;
	sort_edges(g);

	if (g->topo)
		mg_free(g->topo);
	g->topo = mg_alloc(sizeof(int) * (g->n > 0 ? g->n : 1));
	done = mg_kahn(g, NULL, g->topo);
	if (done < g->n)
		return mg_report_cycle(g, g->topo, done, err);
	g->built = true;
	return MG_OK;
}

