/*
 * plan.c — the plans of SPEC section 3: the steps that upgrade, downgrade
 * or stamp the database from its applied set to a resolved target
 * (target.c), additions in upgrade order, then removals in reverse.
 */
#include "graph.h"
#include "graph_int.h"

#include <string.h>

void
mg_plan_free(MgPlan *p)
{
	mg_intlist_free(&p->steps);
	mg_free(p->after);
	p->after = NULL;
}

/*
 * Append the nodes of set to out in execution order, reversed for
 * downgrades.  Kahn writes straight into out, which grows once.
 */
static void
order_steps(const MgGraph *g, const uint8_t *set, bool reverse, MgIntList *out)
{
	int			members = 0;
	int		   *o;
	int			done;

	for (int i = 0; i < g->n; i++)
		members += set[i] != 0;
	if (members == 0)
		return;
	if (out->count + members > out->cap)
	{
		out->cap = out->count + members;
		out->items = mg_realloc(out->items, sizeof(int) * (size_t) out->cap);
	}
	o = out->items + out->count;
	done = mg_kahn(g, set, o);
	if (reverse)
		for (int i = 0, j = done - 1; i < j; i++, j--)
		{
			int			t = o[i];

			o[i] = o[j];
			o[j] = t;
		}
	out->count += done;
}

/* Nodes to remove so that only T (and its ancestors) stays above T. */
static uint8_t *
strictly_above(const MgGraph *g, const MgIntList *t)
{
	uint8_t    *above = mg_closure(g, t, true);
	uint8_t    *below = mg_closure(g, t, false);

	for (int i = 0; i < g->n; i++)
		if (below[i])
			above[i] = 0;
	mg_free(below);
	return above;
}

static MgStatus
plan_target(const MgGraph *g, const MgTarget *t, const char *text, MgOp op,
			const uint8_t *applied, bool purge, MgPlan *out, MgError *err)
{
	uint8_t    *after = mg_node_set(g);
	uint8_t    *change = mg_node_set(g);

	memset(out, 0, sizeof(*out));
	out->downgrade = (op == MG_OP_DOWNGRADE);
	memcpy(after, applied, (size_t) g->n);

	if (op == MG_OP_UPGRADE)
	{
		if (t->kind == MG_TARGET_SET)
		{
			uint8_t    *want = mg_closure(g, &t->nodes, false);

			for (int i = 0; i < g->n; i++)
				after[i] |= want[i];
			mg_free(want);
		}
	}
	else if (t->kind == MG_TARGET_BASE)
		memset(after, 0, (size_t) g->n);
	else if (t->kind == MG_TARGET_REMOVE)
	{
		uint8_t    *gone = mg_closure(g, &t->nodes, true);

		for (int i = 0; i < g->n; i++)
			if (gone[i])
				after[i] = 0;
		mg_free(gone);
	}
	else if (op == MG_OP_DOWNGRADE)
	{
		uint8_t    *gone;

		for (int k = 0; k < t->nodes.count; k++)
			if (!applied[t->nodes.items[k]])
			{
				mg_free(after);
				mg_free(change);
				mg_error(err, MG_ERR_STATE, text, 0,
						 "revision %s is not applied, so it is not a valid downgrade target",
						 g->nodes[t->nodes.items[k]].id);
				mg_error_hint(err, "Use upgrade to move forward.");
				return MG_ERR_STATE;
			}
		gone = strictly_above(g, &t->nodes);
		for (int i = 0; i < g->n; i++)
			if (gone[i])
				after[i] = 0;
		mg_free(gone);
	}
	else
	{
		/* stamp to a set: that line moves to exactly T */
		uint8_t    *want = mg_closure(g, &t->nodes, false);

		if (purge)
			memset(after, 0, (size_t) g->n);
		else
		{
			uint8_t    *gone = strictly_above(g, &t->nodes);

			for (int i = 0; i < g->n; i++)
				if (gone[i])
					after[i] = 0;
			mg_free(gone);
		}
		for (int i = 0; i < g->n; i++)
			after[i] |= want[i];
		mg_free(want);
	}
	/* steps: additions in upgrade order, then removals in reverse */
	for (int i = 0; i < g->n; i++)
		change[i] = after[i] && !applied[i];
	order_steps(g, change, false, &out->steps);
	for (int i = 0; i < g->n; i++)
		change[i] = applied[i] && !after[i];
	order_steps(g, change, true, &out->steps);
	mg_free(change);
	out->after = after;
	return MG_OK;
}

MgStatus
mg_plan(const MgGraph *g, const char *target, MgOp op, const uint8_t *applied,
		bool purge, MgPlan *out, MgError *err)
{
	MgTarget	t;
	MgStatus	st;

	memset(out, 0, sizeof(*out));
	st = mg_target_resolve(g, target, op, applied, &t, err);
	if (st != MG_OK)
		return st;
	st = plan_target(g, &t, target, op, applied, purge, out, err);
	mg_target_free(&t);
	return st;
}

MgStatus
mg_plan_auto(const MgGraph *g, const char *target, const uint8_t *applied,
			 MgPlan *out, MgError *err)
{
	MgStatus	st = mg_plan(g, target, MG_OP_UPGRADE, applied, false, out, err);

	if (st != MG_OK || out->steps.count > 0)
		return st;
	mg_plan_free(out);
	return mg_plan(g, target, MG_OP_DOWNGRADE, applied, false, out, err);
}
