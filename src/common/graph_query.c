/*
 * graph_query.c — the queries of a built graph that do not involve
 * targets: heads, bases, branch points, the "Running ..."
 * text of a step, the closure of a version set and the canonical version
 * set of a state.
 */
#include "graph.h"
#include "graph_int.h"
#include "syntax.h"

#include <string.h>

/* ---- shape queries ---- */

/*
 * Nodes in id order whose first kind of edges in e number none (or more
 * than one).  The test runs in node order, marking a byte per node;
 * only the marks are then read in id order, which jumps about memory.
 */
static MgIntList
by_first_kind(const MgGraph *g, const MgEdges *e, bool none)
{
	MgIntList	l = {0};
	uint8_t    *mark;
	int			count = 0;

	if (g->n == 0)
		return l;
	mark = mg_alloc((size_t) g->n);
	for (int i = 0; i < g->n; i++)
	{
		int			k = e->mid[i] - e->off[i];

		mark[i] = none ? k == 0 : k > 1;
		count += mark[i];
	}
	if (count > 0)
	{
		l.cap = count;
		l.items = mg_alloc(sizeof(int) * (size_t) count);
		for (int r = 0; r < g->n && l.count < count; r++)
			if (mark[g->by_id[r]])
				l.items[l.count++] = g->by_id[r];
	}
	mg_free(mark);
	return l;
}

MgIntList
mg_graph_heads(const MgGraph *g)
{
	return by_first_kind(g, &g->down, true);
}

bool
mg_graph_is_head(const MgGraph *g, int node)
{
	return g->nodes[node].children.count == 0;
}

bool
mg_graph_is_tip(const MgGraph *g, int node)
{
	return g->nodes[node].children.count == 0 && g->nodes[node].dependents.count == 0;
}

MgIntList
mg_graph_bases(const MgGraph *g)
{
	return by_first_kind(g, &g->up, true);
}

MgIntList
mg_graph_branch_points(const MgGraph *g)
{
	return by_first_kind(g, &g->down, false);
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
	const MgEdges *e = up ? &g->down : &g->up;
	int		   *stack = mg_alloc(sizeof(int) * (size_t) (g->n > 0 ? g->n : 1));
	int			sp = 0;

	for (int i = 0; i < g->n; i++)
		if (set[i])
			stack[sp++] = i;
	while (sp > 0)
	{
		int			v = stack[--sp];

		MG_CHECK_INTERRUPTS();
		/* both kinds of edge at once: they are one range */
		for (int k = e->off[v]; k < e->off[v + 1]; k++)
			if (!set[e->items[k]])
			{
				set[e->items[k]] = 1;
				stack[sp++] = e->items[k];
			}
	}
	mg_free(stack);
}

/* A set of nodes (one byte per node), all clear. */
uint8_t *
mg_node_set(const MgGraph *g)
{
	return mg_alloc0((size_t) (g->n > 0 ? g->n : 1));
}

/* The nodes of the list and all reachable from them, as mg_spread. */
uint8_t *
mg_closure(const MgGraph *g, const MgIntList *nodes, bool up)
{
	uint8_t    *set = mg_node_set(g);

	for (int k = 0; k < nodes->count; k++)
		set[nodes->items[k]] = 1;
	mg_spread(g, set, up);
	return set;
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
			mg_error_hint(err, "Add the revision file for %s and load it with %s, or reset the version with %s.",
						  versions[i], mg_command(MG_CMD_PUSH, NULL),
						  mg_command(MG_CMD_STAMP_PURGE, "<target>"));
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
	const MgEdges *down = &g->down;
	MgIntList	l = {0};

	for (int r = 0; r < g->n; r++)
	{
		int			i = g->by_id[r];
		bool		covered = false;

		MG_CHECK_INTERRUPTS();
		if (!applied[i])
			continue;
		/* an applied child or dependent implies this one */
		for (int k = down->off[i]; k < down->off[i + 1] && !covered; k++)
			covered = applied[down->items[k]];
		if (!covered)
			mg_intlist_add(&l, i);
	}
	return l;
}
