/*
 * graph.c — adding revisions to the graph, and building it: ids sorted
 * and checked for duplicates (graph_ids.c), branch labels checked, edges
 * resolved (graph_edges.c), and the upgrade order of all revisions, which
 * finds cycles (graph_order.c).  Queries of a built graph: graph_query.c.
 */
#include "graph.h"
#include "graph_int.h"

#include <string.h>

/* Room for cap nodes in the node array and its packed companions. */
static void
reserve_nodes(MgGraph *g, int cap)
{
	g->cap = cap;
	g->nodes = mg_realloc(g->nodes, sizeof(MgNode) * (size_t) cap);
	g->idtxt = mg_realloc(g->idtxt, sizeof(char *) * (size_t) cap);
	g->up.off = mg_realloc(g->up.off, sizeof(int) * ((size_t) cap + 1));
	g->up.mid = mg_realloc(g->up.mid, sizeof(int) * (size_t) cap);
}

void
mg_graph_init(MgGraph *g, int expected)
{
	memset(g, 0, sizeof(*g));
	g->cap = expected > 16 ? expected : 16;
	g->nodes = mg_alloc(sizeof(MgNode) * (size_t) g->cap);
	g->idtxt = mg_alloc(sizeof(char *) * (size_t) g->cap);
	g->up.off = mg_alloc(sizeof(int) * ((size_t) g->cap + 1));
	g->up.mid = mg_alloc(sizeof(int) * (size_t) g->cap);
	g->up.off[0] = 0;
	/* most revisions have one parent; merges and depends add a few */
	g->refcap = g->cap + g->cap / 4;
	g->reftxt = mg_alloc(sizeof(char *) * (size_t) g->refcap);
	/* the maps stay empty (cap 0) until mg_graph_build fills them */
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

/* Append a node's references, as given, to the packed reftxt array. */
static void
record_refs(MgGraph *g, const MgNode *nd)
{
	int			need = g->nrefs + nd->revises_txt.count + nd->depends_txt.count;

	if (need > g->refcap)
	{
		while (need > g->refcap)
			g->refcap *= 2;
		g->reftxt = mg_realloc(g->reftxt, sizeof(char *) * (size_t) g->refcap);
	}
	for (int k = 0; k < nd->revises_txt.count; k++)
		g->reftxt[g->nrefs++] = nd->revises_txt.items[k];
	g->up.mid[g->n] = g->nrefs;
	for (int k = 0; k < nd->depends_txt.count; k++)
		g->reftxt[g->nrefs++] = nd->depends_txt.items[k];
	g->up.off[g->n + 1] = g->nrefs;
}

int
mg_graph_add(MgGraph *g, const char *id,
			 const char *const *revises, int nrevises,
			 const char *const *depends, int ndepends,
			 const char *const *labels, int nlabels)
{
	MgNode	   *nd;

	MG_CHECK_INTERRUPTS();
	if (g->n == g->cap)
		reserve_nodes(g, g->cap * 2);
	nd = &g->nodes[g->n];
	memset(nd, 0, sizeof(*nd));
	nd->id = mg_arena_strdup(&g->text, id);
	nd->revises_txt = copy_list(g, revises, nrevises);
	nd->depends_txt = copy_list(g, depends, ndepends);
	nd->labels = copy_list(g, labels, nlabels);
	g->idtxt[g->n] = nd->id;
	record_refs(g, nd);
	if (nlabels > 0)
		mg_intlist_add(&g->labelled, g->n);
	g->built = false;
	return g->n++;
}

/* Drop what mg_graph_build derived, before building again or freeing. */
static void
clear_built(MgGraph *g)
{
	mg_edges_free(g);
	mg_free(g->by_id);
	mg_free(g->rank);
	mg_free(g->topo);
	g->by_id = g->rank = g->topo = NULL;
	mg_index_free(&g->ids);
	mg_map_free(&g->labels);
	mg_branches_free(&g->branches);
	g->built = false;
}

void
mg_graph_free(MgGraph *g)
{
	clear_built(g);
	mg_free(g->nodes);
	mg_free(g->idtxt);
	mg_free(g->reftxt);
	mg_free(g->up.off);
	mg_free(g->up.mid);
	mg_intlist_free(&g->labelled);
	mg_arena_free(&g->text);
	memset(g, 0, sizeof(*g));
}

int
mg_graph_find(const MgGraph *g, const char *id)
{
	return mg_index_find(g, id);
}

/* ---- build ---- */

/*
 * The first label clash in id order, so that an error names the same
 * revisions whatever order they were added in.  Rebuilds the label map
 * one label at a time; only called once a clash is known to exist.
 */
static MgStatus
label_error(MgGraph *g, MgError *err)
{
	int			count = g->labelled.count;
	int		   *labelled = mg_alloc(sizeof(int) * (size_t) count);
	MgStatus	st = MG_OK;

	mg_map_free(&g->labels);
	memcpy(labelled, g->labelled.items, sizeof(int) * (size_t) count);
	mg_sort_by_rank(g, labelled, count);
	for (int j = 0; j < count && st == MG_OK; j++)
	{
		const MgNode *nd = &g->nodes[labelled[j]];

		for (int k = 0; k < nd->labels.count && st == MG_OK; k++)
		{
			const char *lab = nd->labels.items[k];
			int			other = mg_map_get(&g->labels, lab);

			if (other >= 0)
				st = mg_error(err, MG_ERR_DUPLICATE, nd->id, 0,
							  "branch label \"%s\" is declared by both %s and %s",
							  lab, g->nodes[other].id, nd->id);
			else if (mg_index_find(g, lab) >= 0)
				st = mg_error(err, MG_ERR_GRAPH, nd->id, 0,
							  "branch label \"%s\" of revision %s is also a revision id",
							  lab, nd->id);
			else
				mg_map_put(&g->labels, lab, labelled[j]);
		}
	}
	mg_free(labelled);
	return st;
}

/*
 * Branch labels: unique across the graph and distinct from every id.
 * All labels are checked against the ids in one batch, then entered, in
 * the order they were added; a clash sends us to label_error.
 */
static MgStatus
index_labels(MgGraph *g, MgError *err)
{
	int			total = 0,
				pos = 0;
	const char **labs;
	int		   *owner,
			   *as_id;
	bool		clash = false;

	for (int j = 0; j < g->labelled.count; j++)
		total += g->nodes[g->labelled.items[j]].labels.count;
	mg_map_init(&g->labels, (size_t) total);
	if (total == 0)
		return MG_OK;
	labs = mg_alloc(sizeof(char *) * (size_t) total);
	owner = mg_alloc(sizeof(int) * (size_t) total * 2);
	as_id = owner + total;
	for (int j = 0; j < g->labelled.count; j++)
	{
		const MgNode *nd = &g->nodes[g->labelled.items[j]];

		for (int k = 0; k < nd->labels.count; k++)
		{
			labs[pos] = nd->labels.items[k];
			owner[pos++] = g->labelled.items[j];
		}
	}
	mg_index_find_many(g, labs, total, as_id);
	for (int k = 0; k < total && !clash; k++)
		clash = as_id[k] >= 0;
	for (int k = 0; k < total && !clash; k++)
		clash = !mg_map_put(&g->labels, labs[k], owner[k]);
	mg_free(labs);
	mg_free(owner);
	return clash ? label_error(g, err) : MG_OK;
}

MgStatus
mg_graph_build(MgGraph *g, MgError *err)
{
	MgStatus	st;
	int			done;

	if (g->down.items)
		mg_unlink_nodes(g);		/* built before: lists point into old arrays */
	clear_built(g);

	/*
	 * Interrupts are checked between the phases, whose loops are a few
	 * instructions per node or reference, and per node in Kahn's.
	 */
	MG_CHECK_INTERRUPTS();
	/* ids: sort once; gives ranks, duplicate detection and prefix search */
	st = mg_rank_ids(g, err);
	if (st != MG_OK)
		return st;
	MG_CHECK_INTERRUPTS();
	mg_index_build(g);	/* ids are distinct by now */
	MG_CHECK_INTERRUPTS();
	st = index_labels(g, err);
	if (st != MG_OK)
		return st;
	MG_CHECK_INTERRUPTS();
	st = mg_resolve_edges(g, err);
	if (st != MG_OK)
		return st;
	MG_CHECK_INTERRUPTS();
	g->topo = mg_alloc(sizeof(int) * (g->n > 0 ? g->n : 1));
	done = mg_kahn(g, NULL, g->topo);
	if (done < g->n)
		return mg_report_cycle(g, g->topo, done, err);
	MG_CHECK_INTERRUPTS();
	mg_branches_build(g);
	g->built = true;
	return MG_OK;
}
