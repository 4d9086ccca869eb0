/*
 * graph_branches.c — which branch labels apply to each revision, computed
 * once per graph build and then read per revision in time proportional to
 * the answer.
 *
 * The labels of a revision (graph.h) are, as Alembic propagates them,
 * those declared by the revision and its ancestors (through revises, not
 * depends), then those declared on the unshared line above it: the
 * revisions reached by going to the only child while that child has no
 * other parent.  Asking that with a walk of the ancestors for every
 * revision made `history` quadratic once one label existed (30,000
 * revisions: 6.5 s).  Here two passes over the graph give every node two
 * lists of labelled nodes, as cells of a shared linked list:
 *
 *   anc[v]    v itself if it declares labels, then, in upgrade order:
 *             for one parent p, anc[p] itself (shared, not copied); for a
 *             merge, the lists of its parents from the last one named in
 *             its revises header to the first, each labelled node once (a
 *             new list).  That is the order of the walk this replaced
 *             (depth first from the node, the last parent first) whenever
 *             no parent of a merge is an ancestor of another of its parents.
 *   chain[v]  in reverse upgrade order: the only child c, when c has no
 *             other parent, followed by chain[c] (c first if it declares
 *             labels).
 *
 * Cost: linear in nodes and edges, plus for each merge the length of its
 * parents' lists (at most the number of labelled nodes).
 */
#include "graph.h"
#include "graph_int.h"

#include <string.h>

/* A new cell (node, next); returns its index. */
static int
cell(MgBranchIndex *b, int node, int next)
{
	if (b->ncells == b->cap)
	{
		b->cap = b->cap ? b->cap * 2 : 64;
		b->node = mg_realloc(b->node, sizeof(int) * (size_t) b->cap);
		b->next = mg_realloc(b->next, sizeof(int) * (size_t) b->cap);
	}
	b->node[b->ncells] = node;
	b->next[b->ncells] = next;
	return b->ncells++;
}

/*
 * The list of a merge: its parents' lists from the last parent to the
 * first, each labelled node once (stamp[x] == v once x is taken).  When
 * only one parent has a list, that list is shared.
 */
static int
merge_list(MgBranchIndex *b, const MgGraph *g, int v, int *stamp)
{
	const MgEdges *up = &g->up;
	int			head = -1,
				tail = -1,
				nonempty = 0,
				only = -1;

	for (int k = up->off[v]; k < up->mid[v]; k++)
		if (b->anc[up->items[k]] >= 0)
		{
			nonempty++;
			only = b->anc[up->items[k]];
		}
	if (nonempty <= 1)
		return only;
	for (int k = up->mid[v] - 1; k >= up->off[v]; k--)
		for (int c = b->anc[up->items[k]]; c >= 0; c = b->next[c])
		{
			int			x = b->node[c],
						n;

			if (stamp[x] == v)
				continue;
			stamp[x] = v;
			n = cell(b, x, -1);
			if (tail >= 0)
				b->next[tail] = n;
			else
				head = n;
			tail = n;
		}
	return head;
}

void
mg_branches_build(MgGraph *g)
{
	MgBranchIndex *b = &g->branches;
	const MgEdges *up = &g->up;
	int			n = g->n;
	int		   *stamp;

	memset(b, 0, sizeof(*b));
	if (g->labelled.count == 0 || n == 0)
		return;
	b->anc = mg_alloc(sizeof(int) * (size_t) n);
	b->chain = mg_alloc(sizeof(int) * (size_t) n);
	stamp = mg_alloc(sizeof(int) * (size_t) n);
	for (int i = 0; i < n; i++)
		stamp[i] = -1;
	for (int r = 0; r < n; r++)
	{
		int			v = g->topo[r];
		int			nparents = up->mid[v] - up->off[v];
		int			base;

		MG_CHECK_INTERRUPTS();
		if (nparents == 0)
			base = -1;
		else if (nparents == 1)
			base = b->anc[up->items[up->off[v]]];
		else
			base = merge_list(b, g, v, stamp);
		b->anc[v] = g->nodes[v].labels.count > 0 ? cell(b, v, base) : base;
	}
	for (int r = n - 1; r >= 0; r--)
	{
		int			v = g->topo[r];
		const MgNode *nd = &g->nodes[v];
		int			c;

		MG_CHECK_INTERRUPTS();
		b->chain[v] = -1;
		if (nd->children.count != 1)
			continue;
		c = nd->children.items[0];
		if (g->nodes[c].parents.count != 1)
			continue;
		b->chain[v] = g->nodes[c].labels.count > 0 ? cell(b, c, b->chain[c]) : b->chain[c];
	}
	mg_free(stamp);
}

void
mg_branches_free(MgBranchIndex *b)
{
	mg_free(b->anc);
	mg_free(b->chain);
	mg_free(b->node);
	mg_free(b->next);
	memset(b, 0, sizeof(*b));
}

/*
 * The labels of the labelled nodes of list c, each node's in the order it
 * declares them.  No duplicate check: a built graph declares every label
 * on one node only, a node lists it once, and a list holds a node once
 * (anc and chain are disjoint: ancestors and descendants).
 */
static void
add_list(MgStrList *out, const MgGraph *g, int c)
{
	const MgBranchIndex *b = &g->branches;

	for (; c >= 0; c = b->next[c])
	{
		const MgNode *nd = &g->nodes[b->node[c]];

		for (int k = 0; k < nd->labels.count; k++)
			mg_strlist_add(out, nd->labels.items[k]);
	}
}

MgStrList
mg_graph_node_branches(const MgGraph *g, int node)
{
	MgStrList	out = {0};

	if (g->branches.anc == NULL)
		return out;
	add_list(&out, g, g->branches.anc[node]);
	add_list(&out, g, g->branches.chain[node]);
	return out;
}
