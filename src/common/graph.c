/*
 * graph.c — building and validating the revision graph, and the state
 * queries that do not involve targets: heads, bases, branch points, branch
 * labels, the closure of a version set, the canonical version set, and the
 * deterministic topological order (smallest ready revision id first).
 */
#include "graph.h"
#include "graph_int.h"

#include <stdlib.h>
#include <string.h>

void
mg_graph_init(MgGraph *g, int expected)
{
	memset(g, 0, sizeof(*g));
	g->cap = expected > 16 ? expected : 16;
	g->nodes = mg_alloc0(sizeof(MgNode) * g->cap);
	mg_map_init(&g->ids, (size_t) g->cap);
	mg_map_init(&g->labels, 16);
}

static void
copy_list(MgStrList *dst, const char *const *src, int n)
{
	for (int i = 0; i < n; i++)
		mg_strlist_add(dst, src[i]);
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
	nd->id = mg_strdup(id);
	copy_list(&nd->revises_txt, revises, nrevises);
	copy_list(&nd->depends_txt, depends, ndepends);
	copy_list(&nd->labels, labels, nlabels);
	g->built = false;
	return g->n++;
}

void
mg_graph_free(MgGraph *g)
{
	for (int i = 0; i < g->n; i++)
	{
		MgNode	   *nd = &g->nodes[i];

		mg_free(nd->id);
		mg_strlist_free(&nd->revises_txt);
		mg_strlist_free(&nd->depends_txt);
		mg_strlist_free(&nd->labels);
		mg_intlist_free(&nd->parents);
		mg_intlist_free(&nd->deps);
		mg_intlist_free(&nd->children);
		mg_intlist_free(&nd->dependents);
	}
	if (g->nodes)
		mg_free(g->nodes);
	if (g->by_id)
		mg_free(g->by_id);
	if (g->topo)
		mg_free(g->topo);
	mg_map_free(&g->ids);
	mg_map_free(&g->labels);
	memset(g, 0, sizeof(*g));
}

int
mg_graph_find(const MgGraph *g, const char *id)
{
	return mg_map_get(&g->ids, id);
}

/* ---- a binary min-heap of node numbers keyed by rank ---- */

void
mg_heap_init(MgHeap *h, const MgGraph *g, int cap)
{
	h->g = g;
	h->n = 0;
	h->items = mg_alloc(sizeof(int) * (cap > 0 ? cap : 1));
}

void
mg_heap_push(MgHeap *h, int node)
{
	int			i = h->n++;

	while (i > 0)
	{
		int			parent = (i - 1) / 2;

		if (h->g->nodes[h->items[parent]].rank <= h->g->nodes[node].rank)
			break;
		h->items[i] = h->items[parent];
		i = parent;
	}
	h->items[i] = node;
}

int
mg_heap_pop(MgHeap *h)
{
	int			top = h->items[0];
	int			last = h->items[--h->n];
	int			i = 0;

	for (;;)
	{
		int			c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n &&
			h->g->nodes[h->items[c + 1]].rank < h->g->nodes[h->items[c]].rank)
			c++;
		if (h->g->nodes[last].rank <= h->g->nodes[h->items[c]].rank)
			break;
		h->items[i] = h->items[c];
		i = c;
	}
	if (h->n > 0)
		h->items[i] = last;
	return top;
}

void
mg_heap_free(MgHeap *h)
{
	mg_free(h->items);
}

/*
 * Kahn's algorithm over the nodes with set[i] != 0 (all nodes when set is
 * NULL), counting only edges between members.  Writes the order to out and
 * returns how many nodes it could order (fewer than members on a cycle).
 */
int
mg_kahn(const MgGraph *g, const uint8_t *set, int *out)
{
	int		   *indeg = mg_alloc0(sizeof(int) * (g->n > 0 ? g->n : 1));
	MgHeap		heap;
	int			members = 0,
				done = 0;

	for (int i = 0; i < g->n; i++)
	{
		const MgNode *nd = &g->nodes[i];

		if (set && !set[i])
			continue;
		members++;
		for (int k = 0; k < nd->parents.count; k++)
			if (!set || set[nd->parents.items[k]])
				indeg[i]++;
		for (int k = 0; k < nd->deps.count; k++)
			if (!set || set[nd->deps.items[k]])
				indeg[i]++;
	}
	mg_heap_init(&heap, g, members);
	for (int i = 0; i < g->n; i++)
		if ((!set || set[i]) && indeg[i] == 0)
			mg_heap_push(&heap, i);
	while (heap.n > 0)
	{
		int			v = mg_heap_pop(&heap);
		const MgNode *nd = &g->nodes[v];

		out[done++] = v;
		for (int pass = 0; pass < 2; pass++)
		{
			const MgIntList *succ = pass == 0 ? &nd->children : &nd->dependents;

			for (int k = 0; k < succ->count; k++)
			{
				int			w = succ->items[k];

				if ((!set || set[w]) && --indeg[w] == 0)
					mg_heap_push(&heap, w);
			}
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

/* ---- build ---- */

typedef struct IdRef
{
	const char *id;
	int			node;
} IdRef;

static int
cmp_idref(const void *a, const void *b)
{
	return strcmp(((const IdRef *) a)->id, ((const IdRef *) b)->id);
}

/* Name one cycle among the nodes Kahn could not order. */
static MgStatus
report_cycle(const MgGraph *g, const int *order, int done, MgError *err)
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
	{
		seen_at[i] = -1;
		if (!ordered[i] && v < 0)
			v = i;
	}
	/* every unordered node has an unordered predecessor: walk back */
	while (seen_at[v] < 0)
	{
		const MgNode *nd = &g->nodes[v];
		int			next = -1;

		seen_at[v] = len;
		path[len++] = v;
		for (int k = 0; k < nd->parents.count && next < 0; k++)
			if (!ordered[nd->parents.items[k]])
				next = nd->parents.items[k];
		for (int k = 0; k < nd->deps.count && next < 0; k++)
			if (!ordered[nd->deps.items[k]])
				next = nd->deps.items[k];
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
	IdRef	   *refs;
	MgStatus	st;
	int			done;

	/* ids: sort once; gives ranks, duplicate detection and prefix search */
	refs = mg_alloc(sizeof(IdRef) * (g->n > 0 ? g->n : 1));
	for (int i = 0; i < g->n; i++)
	{
		refs[i].id = g->nodes[i].id;
		refs[i].node = i;
	}
	qsort(refs, (size_t) g->n, sizeof(IdRef), cmp_idref);
	if (g->by_id)
		mg_free(g->by_id);
	g->by_id = mg_alloc(sizeof(int) * (g->n > 0 ? g->n : 1));
	mg_map_free(&g->ids);
	mg_map_init(&g->ids, (size_t) g->n);
	for (int i = 0; i < g->n; i++)
	{
		if (i > 0 && strcmp(refs[i].id, refs[i - 1].id) == 0)
		{
			mg_error(err, MG_ERR_GRAPH, refs[i].id, 0,
					 "duplicate revision id %s", refs[i].id);
			mg_free(refs);
			return MG_ERR_GRAPH;
		}
		g->by_id[i] = refs[i].node;
		g->nodes[refs[i].node].rank = i;
		mg_map_put(&g->ids, refs[i].id, refs[i].node);
	}
	mg_free(refs);

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
		return report_cycle(g, g->topo, done, err);
	g->built = true;
	return MG_OK;
}

/* ---- shape queries ---- */

MgIntList
mg_graph_heads(const MgGraph *g)
{
	MgIntList	l = {0};

	for (int r = 0; r < g->n; r++)
		if (g->nodes[g->by_id[r]].children.count == 0)
			mg_intlist_add(&l, g->by_id[r]);
	return l;
}

MgIntList
mg_graph_bases(const MgGraph *g)
{
	MgIntList	l = {0};

	for (int r = 0; r < g->n; r++)
		if (g->nodes[g->by_id[r]].parents.count == 0)
			mg_intlist_add(&l, g->by_id[r]);
	return l;
}

MgIntList
mg_graph_branch_points(const MgGraph *g)
{
	MgIntList	l = {0};

	for (int r = 0; r < g->n; r++)
		if (g->nodes[g->by_id[r]].children.count > 1)
			mg_intlist_add(&l, g->by_id[r]);
	return l;
}

static void
add_labels(MgStrList *out, const MgNode *nd)
{
	for (int k = 0; k < nd->labels.count; k++)
	{
		bool		dup = false;

		for (int j = 0; j < out->count && !dup; j++)
			dup = strcmp(out->items[j], nd->labels.items[k]) == 0;
		if (!dup)
			mg_strlist_add(out, nd->labels.items[k]);
	}
}

MgStrList
mg_graph_node_branches(const MgGraph *g, int node)
{
	MgStrList	out = {0};
	uint8_t    *seen;
	int		   *stack;
	int			sp = 0,
				cur;

	if (g->labels.count == 0)
		return out;
	seen = mg_alloc0((size_t) g->n);
	stack = mg_alloc(sizeof(int) * g->n);
	/* the node and its ancestors (descendants inherit labels) */
	stack[sp++] = node;
	seen[node] = 1;
	while (sp > 0)
	{
		const MgNode *nd = &g->nodes[stack[--sp]];

		add_labels(&out, nd);
		for (int k = 0; k < nd->parents.count; k++)
			if (!seen[nd->parents.items[k]])
			{
				seen[nd->parents.items[k]] = 1;
				stack[sp++] = nd->parents.items[k];
			}
	}
	/* labels of descendants the node is an exclusive ancestor of */
	cur = node;
	while (g->nodes[cur].children.count == 1)
	{
		int			c = g->nodes[cur].children.items[0];

		if (g->nodes[c].parents.count != 1)
			break;
		add_labels(&out, &g->nodes[c]);
		cur = c;
	}
	mg_free(seen);
	mg_free(stack);
	return out;
}

char *
mg_running_text(const MgGraph *g, int node, bool downgrade, const char *message)
{
	const MgNode *nd = &g->nodes[node];
	MgBuf		parents,
				b;

	mg_buf_init(&parents);
	for (int k = 0; k < nd->parents.count; k++)
		mg_buf_printf(&parents, "%s%s", k ? ", " : "", g->nodes[nd->parents.items[k]].id);
	mg_buf_init(&b);
	if (downgrade)
		mg_buf_printf(&b, "Running downgrade %s -> %s", nd->id, parents.data);
	else
		mg_buf_printf(&b, "Running upgrade %s -> %s", parents.data, nd->id);
	if (message)
		mg_buf_printf(&b, ", %s", message);
	mg_buf_free(&parents);
	return b.data;
}

/* ---- state ---- */

/*
 * Mark every node reachable from the marked ones, walking to parents and
 * dependencies (up = false) or to children and dependents (up = true).
 */
void
mg_spread(const MgGraph *g, uint8_t *set, bool up)
{
	int		   *stack = mg_alloc(sizeof(int) * (g->n > 0 ? g->n : 1));
	int			sp = 0;

	for (int i = 0; i < g->n; i++)
		if (set[i])
			stack[sp++] = i;
	while (sp > 0)
	{
		const MgNode *nd = &g->nodes[stack[--sp]];
		const MgIntList *a = up ? &nd->children : &nd->parents;
		const MgIntList *b = up ? &nd->dependents : &nd->deps;

		for (int k = 0; k < a->count; k++)
			if (!set[a->items[k]])
			{
				set[a->items[k]] = 1;
				stack[sp++] = a->items[k];
			}
		for (int k = 0; k < b->count; k++)
			if (!set[b->items[k]])
			{
				set[b->items[k]] = 1;
				stack[sp++] = b->items[k];
			}
	}
	mg_free(stack);
}

MgStatus
mg_state_from_versions(const MgGraph *g, const char *const *versions,
					   int nversions, uint8_t *applied, MgError *err)
{
	memset(applied, 0, (size_t) g->n);
	for (int i = 0; i < nversions; i++)
	{
		int			v = mg_graph_find(g, versions[i]);

		if (v < 0)
		{
			mg_error(err, MG_ERR_STATE, versions[i], 0,
					 "the database is at revision %s, which is not a known revision",
					 versions[i]);
			mg_error_hint(err, "Add the revision file for %s, or reset the version with stamp(<target>, purge => true).",
						  versions[i]);
			return MG_ERR_STATE;
		}
		applied[v] = 1;
	}
	mg_spread(g, applied, false);
	return MG_OK;
}

MgIntList
mg_version_set(const MgGraph *g, const uint8_t *applied)
{
	MgIntList	l = {0};

	for (int r = 0; r < g->n; r++)
	{
		int			i = g->by_id[r];
		const MgNode *nd = &g->nodes[i];
		bool		covered = false;

		if (!applied[i])
			continue;
		for (int k = 0; k < nd->children.count && !covered; k++)
			covered = applied[nd->children.items[k]];
		for (int k = 0; k < nd->dependents.count && !covered; k++)
			covered = applied[nd->dependents.items[k]];
		if (!covered)
			mg_intlist_add(&l, i);
	}
	return l;
}
