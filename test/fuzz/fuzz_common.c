/*
 * fuzz_common.c — the invariants the fuzz harnesses check (see fuzz.h).
 *
 * The graphs are small (a harness caps them at a few dozen revisions), so
 * the checks favour obviousness over speed: quadratic walks written from
 * the node lists alone.
 */
#include "fuzz.h"
#include "exec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
fuzz_fail(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "fuzz invariant failed: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static bool
terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

void
fuzz_check_error(MgStatus st, const MgError *err, const char *what)
{
	FUZZ_CHECK(st != MG_OK, "%s: error check of a success", what);
	FUZZ_CHECK(err->status == st, "%s: returned status %d, error says %d",
			   what, (int) st, (int) err->status);
	FUZZ_CHECK(terminated(err->message, sizeof(err->message)) &&
			   terminated(err->source, sizeof(err->source)) &&
			   terminated(err->hint, sizeof(err->hint)),
			   "%s: error text not terminated", what);
	FUZZ_CHECK(err->message[0] != '\0', "%s: error %d without a message",
			   what, (int) st);
	FUZZ_CHECK(err->line >= 0, "%s: negative error line %d", what, err->line);
}

/* ---- random numbers ---- */

void
fuzz_rng_seed(FuzzRng *r, const uint8_t *data, size_t size)
{
	uint64_t	h = 14695981039346656037ULL;	/* FNV-1a */

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	r->s = h ? h : 1;
}

uint32_t
fuzz_rng_below(FuzzRng *r, uint32_t n)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t) ((r->s * 2685821657736338717ULL) >> 32) % n;
}

const char *
fuzz_ids(const MgGraph *g, const MgIntList *l)
{
	static char buf[4096];
	size_t		o = 0;

	buf[0] = '\0';
	for (int i = 0; i < l->count && o + 80 < sizeof(buf); i++)
		o += (size_t) snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? " " : "",
							   g->nodes[l->items[i]].id);
	return buf;
}

/* ---- walks over the node lists ---- */

/* Mark what node reaches through parents and deps (down) or children and
 * dependents (up), node itself included. */
static void
reach(const MgGraph *g, int node, bool up, uint8_t *set)
{
	int		   *stack = malloc(sizeof(int) * (size_t) (g->n + 1));
	int			sp = 0;

	if (set[node])
	{
		free(stack);
		return;
	}
	set[node] = 1;
	stack[sp++] = node;
	while (sp > 0)
	{
		const MgNode *nd = &g->nodes[stack[--sp]];
		const MgIntList *lists[2] = {
			up ? &nd->children : &nd->parents,
			up ? &nd->dependents : &nd->deps
		};

		for (int l = 0; l < 2; l++)
			for (int k = 0; k < lists[l]->count; k++)
			{
				int			w = lists[l]->items[k];

				if (!set[w])
				{
					set[w] = 1;
					stack[sp++] = w;
				}
			}
	}
	free(stack);
}

static uint8_t *
new_set(const MgGraph *g)
{
	return calloc((size_t) g->n + 1, 1);
}

/* The nodes of l and everything they reach (see reach). */
static uint8_t *
reach_all(const MgGraph *g, const MgIntList *l, bool up)
{
	uint8_t    *set = new_set(g);

	for (int k = 0; k < l->count; k++)
		reach(g, l->items[k], up, set);
	return set;
}

static int
count_in(const MgIntList *l, int v)
{
	int			c = 0;

	for (int k = 0; k < l->count; k++)
		c += l->items[k] == v;
	return c;
}

/*
 * The deterministic order of SPEC section 3 over the members of set,
 * written the slow way: repeatedly the smallest id among the members all
 * of whose parents and dependencies inside the set are placed.
 */
static int
naive_order(const MgGraph *g, const uint8_t *set, int *out)
{
	uint8_t    *placed = new_set(g);
	int			done = 0;

	for (;;)
	{
		int			best = -1;

		for (int i = 0; i < g->n; i++)
		{
			const MgNode *nd = &g->nodes[i];
			bool		ready = set[i] && !placed[i];

			for (int k = 0; ready && k < nd->parents.count; k++)
				ready = !set[nd->parents.items[k]] || placed[nd->parents.items[k]];
			for (int k = 0; ready && k < nd->deps.count; k++)
				ready = !set[nd->deps.items[k]] || placed[nd->deps.items[k]];
			if (ready && (best < 0 || strcmp(nd->id, g->nodes[best].id) < 0))
				best = i;
		}
		if (best < 0)
			break;
		placed[best] = 1;
		out[done++] = best;
	}
	free(placed);
	return done;
}

/* ---- the graph ---- */

static void
check_list(const MgGraph *g, const MgIntList *l, const char *what, int node)
{
	FUZZ_CHECK(l->count >= 0, "%s of %s: negative count", what, g->nodes[node].id);
	for (int k = 0; k < l->count; k++)
		FUZZ_CHECK(l->items[k] >= 0 && l->items[k] < g->n,
				   "%s of %s: node %d out of range", what, g->nodes[node].id,
				   l->items[k]);
}

/* Node lists in id order, the way mg_graph_heads lists them. */
static void
check_listing(const MgGraph *g, MgIntList got, bool (*member) (const MgNode *),
			  const char *what)
{
	MgIntList	want = {0};

	for (int r = 0; r < g->n; r++)
		if (member(&g->nodes[g->by_id[r]]))
			mg_intlist_add(&want, g->by_id[r]);
	FUZZ_CHECK(fuzz_same_ints(&got, &want),
			   "%s: got [%s], want [%s]", what, fuzz_ids(g, &got),
			   fuzz_ids(g, &want));
	mg_intlist_free(&got);
	mg_intlist_free(&want);
}

static bool
no_children(const MgNode *nd)
{
	return nd->children.count == 0;
}

static bool
no_parents(const MgNode *nd)
{
	return nd->parents.count == 0;
}

static bool
several_children(const MgNode *nd)
{
	return nd->children.count > 1;
}

void
fuzz_check_graph(const MgGraph *g)
{
	int		   *order = malloc(sizeof(int) * (size_t) (g->n + 1));
	uint8_t    *all = new_set(g);
	int			done;

	FUZZ_CHECK(g->built, "graph not built");
	for (int i = 0; i < g->n; i++)
	{
		const MgNode *nd = &g->nodes[i];

		check_list(g, &nd->parents, "parents", i);
		check_list(g, &nd->deps, "deps", i);
		check_list(g, &nd->children, "children", i);
		check_list(g, &nd->dependents, "dependents", i);
		FUZZ_CHECK(nd->parents.count == nd->revises_txt.count &&
				   nd->deps.count == nd->depends_txt.count,
				   "%s: resolved lists differ in length from the text", nd->id);
		/* every edge is seen from both ends, as often */
		for (int k = 0; k < nd->parents.count; k++)
		{
			int			p = nd->parents.items[k];

			FUZZ_CHECK(strcmp(g->nodes[p].id, nd->revises_txt.items[k]) == 0,
					   "%s: parent %d is %s, the file says %s", nd->id, k,
					   g->nodes[p].id, nd->revises_txt.items[k]);
			FUZZ_CHECK(count_in(&g->nodes[p].children, i) == count_in(&nd->parents, p),
					   "%s is a child of %s but not listed so", nd->id, g->nodes[p].id);
		}
		for (int k = 0; k < nd->deps.count; k++)
		{
			int			d = nd->deps.items[k];

			FUZZ_CHECK(count_in(&g->nodes[d].dependents, i) == count_in(&nd->deps, d),
					   "%s depends on %s but is not listed so", nd->id, g->nodes[d].id);
		}
		for (int k = 0; k < nd->children.count; k++)
			FUZZ_CHECK(count_in(&g->nodes[nd->children.items[k]].parents, i) > 0,
					   "%s lists child %s that does not revise it", nd->id,
					   g->nodes[nd->children.items[k]].id);
		for (int k = 0; k < nd->dependents.count; k++)
			FUZZ_CHECK(count_in(&g->nodes[nd->dependents.items[k]].deps, i) > 0,
					   "%s lists dependent %s that does not depend on it", nd->id,
					   g->nodes[nd->dependents.items[k]].id);
		FUZZ_CHECK(mg_graph_find(g, nd->id) == i, "find(%s) is not node %d",
				   nd->id, i);
		for (int k = 0; k < nd->labels.count; k++)
			FUZZ_CHECK(mg_map_get(&g->labels, nd->labels.items[k]) == i,
					   "label %s does not lead to %s", nd->labels.items[k], nd->id);
		FUZZ_CHECK(g->by_id[nd->rank] == i, "rank of %s is off", nd->id);
	}
	for (int r = 1; r < g->n; r++)
		FUZZ_CHECK(strcmp(g->nodes[g->by_id[r - 1]].id, g->nodes[g->by_id[r]].id) < 0,
				   "ids out of order at %d: %s, %s", r, g->nodes[g->by_id[r - 1]].id,
				   g->nodes[g->by_id[r]].id);
	FUZZ_CHECK(mg_graph_find(g, "no.such.id") < 0, "find of a missing id");

	check_listing(g, mg_graph_heads(g), no_children, "heads");
	check_listing(g, mg_graph_bases(g), no_parents, "bases");
	check_listing(g, mg_graph_branch_points(g), several_children, "branch points");

	/* the upgrade order of everything is the deterministic one */
	memset(all, 1, (size_t) g->n);
	done = naive_order(g, all, order);
	FUZZ_CHECK(done == g->n, "a built graph with a cycle");
	for (int i = 0; i < g->n; i++)
		FUZZ_CHECK(g->topo[i] == order[i], "upgrade order at %d: %s, want %s", i,
				   g->nodes[g->topo[i]].id, g->nodes[order[i]].id);
	free(all);
	free(order);
}

/* ---- states ---- */

/*
 * Every node of l is in set (in) or none is (!in); else fail with
 * "what: id how <the node>".
 */
static void
check_each(const MgGraph *g, const MgIntList *l, const uint8_t *set, bool in,
		   const char *what, const char *id, const char *how)
{
	for (int k = 0; k < l->count; k++)
		FUZZ_CHECK(!set[l->items[k]] == !in, "%s: %s %s %s", what, id, how,
				   g->nodes[l->items[k]].id);
}

void
fuzz_check_closed(const MgGraph *g, const uint8_t *applied, const char *what)
{
	for (int i = 0; i < g->n; i++)
	{
		const MgNode *nd = &g->nodes[i];

		FUZZ_CHECK(applied[i] == 0 || applied[i] == 1, "%s: byte %d of a state is %d",
				   what, i, applied[i]);
		if (!applied[i])
			continue;
		check_each(g, &nd->parents, applied, true, what, nd->id, "applied without its parent");
		check_each(g, &nd->deps, applied, true, what, nd->id, "applied without its dependency");
	}
}

static bool
same_set(const MgGraph *g, const uint8_t *a, const uint8_t *b)
{
	for (int i = 0; i < g->n; i++)
		if (!a[i] != !b[i])
			return false;
	return true;
}

void
fuzz_check_version_set(const MgGraph *g, const uint8_t *applied)
{
	MgIntList	vs = mg_version_set(g, applied);
	uint8_t    *closure = reach_all(g, &vs, false);
	const char **ids = malloc(sizeof(char *) * (size_t) (vs.count + 1));
	uint8_t    *again = new_set(g);
	MgError		err;
	MgStatus	st;

	for (int k = 0; k < vs.count; k++)
	{
		uint8_t    *below = new_set(g);

		FUZZ_CHECK(applied[vs.items[k]], "version set member %s is not applied",
				   g->nodes[vs.items[k]].id);
		FUZZ_CHECK(k == 0 || strcmp(g->nodes[vs.items[k - 1]].id, g->nodes[vs.items[k]].id) < 0,
				   "version set [%s] not in id order", fuzz_ids(g, &vs));
		reach(g, vs.items[k], false, below);
		for (int j = 0; j < vs.count; j++)
			FUZZ_CHECK(j == k || !below[vs.items[j]],
					   "version set [%s]: %s is an ancestor of %s", fuzz_ids(g, &vs),
					   g->nodes[vs.items[j]].id, g->nodes[vs.items[k]].id);
		free(below);
		ids[k] = g->nodes[vs.items[k]].id;
	}
	FUZZ_CHECK(same_set(g, closure, applied),
			   "the closure of version set [%s] is not the state", fuzz_ids(g, &vs));
	st = mg_state_from_versions(g, ids, vs.count, again, &err);
	FUZZ_CHECK(st == MG_OK, "state from version set [%s]: %s", fuzz_ids(g, &vs),
			   err.message);
	FUZZ_CHECK(same_set(g, again, applied),
			   "state from version set [%s] is another state", fuzz_ids(g, &vs));
	free(again);
	free(ids);
	free(closure);
	mg_intlist_free(&vs);
}

uint8_t *
fuzz_random_state(const MgGraph *g, FuzzRng *r)
{
	uint8_t    *applied = new_set(g);
	const char *versions[4];
	int			n = 0;
	MgError		err;

	if (g->n == 0)
		return applied;
	for (int k = (int) fuzz_rng_below(r, 4); k > 0; k--)
		versions[n++] = g->nodes[fuzz_rng_below(r, (uint32_t) g->n)].id;
	FUZZ_CHECK(mg_state_from_versions(g, versions, n, applied, &err) == MG_OK,
			   "state from known versions: %s", err.message);
	fuzz_check_closed(g, applied, "mg_state_from_versions");
	return applied;
}

/* ---- plans ---- */

bool
fuzz_same_ints(const MgIntList *a, const MgIntList *b)
{
	return a->count == b->count &&
		(a->count == 0 || memcmp(a->items, b->items, sizeof(int) * (size_t) a->count) == 0);
}

bool
fuzz_same_target(const MgTarget *a, const MgTarget *b)
{
	return a->kind == b->kind && fuzz_same_ints(&a->nodes, &b->nodes);
}

static bool
same_plan(const MgGraph *g, const MgPlan *a, const MgPlan *b)
{
	return a->downgrade == b->downgrade && fuzz_same_ints(&a->steps, &b->steps) &&
		same_set(g, a->after, b->after);
}

/* Run the steps one by one from applied, each allowed where it runs. */
static void
check_steps(const MgGraph *g, const char *target, MgOp op,
			const uint8_t *applied, const MgPlan *p)
{
	uint8_t    *cur = new_set(g);
	uint8_t    *seen = new_set(g);
	uint8_t    *added = new_set(g),
			   *removed = new_set(g);
	int		   *want = malloc(sizeof(int) * (size_t) (g->n + 1));
	int			nadd = 0,
				nremove = 0,
				changed = 0;

	memcpy(cur, applied, (size_t) g->n);
	for (int s = 0; s < p->steps.count; s++)
	{
		int			v = p->steps.items[s];
		const MgNode *nd;
		bool		removal;
		MgError		err;

		FUZZ_CHECK(v >= 0 && v < g->n, "%s: step %d is node %d", target, s, v);
		FUZZ_CHECK(!seen[v], "%s: %s planned twice", target, g->nodes[v].id);
		seen[v] = 1;
		nd = &g->nodes[v];
		removal = cur[v] != 0;
		FUZZ_CHECK(!(op == MG_OP_UPGRADE && removal), "%s: upgrade removes %s", target, nd->id);
		FUZZ_CHECK(!(op == MG_OP_DOWNGRADE && !removal), "%s: downgrade adds %s", target, nd->id);
		FUZZ_CHECK(removal || nremove == 0, "%s: addition of %s after a removal", target, nd->id);
		if (removal)
		{
			check_each(g, &nd->children, cur, false, target, nd->id, "removed before its child");
			check_each(g, &nd->dependents, cur, false, target, nd->id, "removed before its dependent");
			removed[v] = 1;
			nremove++;
		}
		else
		{
			check_each(g, &nd->parents, cur, true, target, nd->id, "added before its parent");
			check_each(g, &nd->deps, cur, true, target, nd->id, "added before its dependency");
			added[v] = 1;
			nadd++;
		}
		FUZZ_CHECK(mg_rule_one_step(g, cur, v, removal, &err) == MG_OK,
				   "%s: mg_rule_one_step refuses step %s: %s", target, nd->id, err.message);
		cur[v] = removal ? 0 : 1;
	}
	for (int i = 0; i < g->n; i++)
		changed += !applied[i] != !p->after[i];
	FUZZ_CHECK(same_set(g, cur, p->after), "%s: the steps do not end at the plan's state",
			   target);
	FUZZ_CHECK(changed == p->steps.count, "%s: %d steps for %d changes", target,
			   p->steps.count, changed);
	/* additions in the deterministic order, removals in its reverse */
	FUZZ_CHECK(naive_order(g, added, want) == nadd, "%s: additions not orderable", target);
	for (int k = 0; k < nadd; k++)
		FUZZ_CHECK(p->steps.items[k] == want[k], "%s: addition %d is %s, want %s", target,
				   k, g->nodes[p->steps.items[k]].id, g->nodes[want[k]].id);
	FUZZ_CHECK(naive_order(g, removed, want) == nremove, "%s: removals not orderable", target);
	for (int k = 0; k < nremove; k++)
		FUZZ_CHECK(p->steps.items[nadd + k] == want[nremove - 1 - k],
				   "%s: removal %d is %s, want %s", target, k,
				   g->nodes[p->steps.items[nadd + k]].id, g->nodes[want[nremove - 1 - k]].id);
	free(want);
	free(added);
	free(removed);
	free(seen);
	free(cur);
}

/* The state reached is what the operation promises for the target. */
static void
check_reached(const MgGraph *g, const char *target, MgOp op, bool purge,
			  const MgTarget *t, const uint8_t *applied, const uint8_t *after)
{
	uint8_t    *below = t->kind == MG_TARGET_SET ? reach_all(g, &t->nodes, false) : new_set(g);
	uint8_t    *above = t->kind != MG_TARGET_BASE ? reach_all(g, &t->nodes, true) : new_set(g);

	for (int i = 0; i < g->n; i++)
	{
		const char *id = g->nodes[i].id;

		if (op == MG_OP_UPGRADE)
			FUZZ_CHECK(!applied[i] || after[i], "%s: upgrade removes %s", target, id);
		if (op == MG_OP_DOWNGRADE)
			FUZZ_CHECK(applied[i] || !after[i], "%s: downgrade adds %s", target, id);
		if (t->kind == MG_TARGET_SET)
			FUZZ_CHECK(!below[i] || after[i], "%s: %s is below the target but not applied",
					   target, id);
		if (t->kind == MG_TARGET_SET && op != MG_OP_UPGRADE)
		{
			/* exactly the target on its line: nothing strictly above it */
			FUZZ_CHECK(!(above[i] && !below[i] && after[i]),
					   "%s: %s is above the target but stays applied", target, id);
			FUZZ_CHECK(op == MG_OP_DOWNGRADE || !purge || !after[i] == !below[i],
					   "%s: stamp --purge leaves %s %s", target, id,
					   after[i] ? "applied" : "unapplied");
		}
		if (t->kind == MG_TARGET_REMOVE && op != MG_OP_UPGRADE)
			FUZZ_CHECK(!(above[i] && after[i]), "%s: %s should be removed", target, id);
		if (t->kind == MG_TARGET_BASE && op != MG_OP_UPGRADE)
			FUZZ_CHECK(!after[i], "%s: %s stays applied at base", target, id);
	}
	free(below);
	free(above);
}

MgStatus
fuzz_check_plan(const MgGraph *g, const char *target, MgOp op,
				const uint8_t *applied, bool purge)
{
	MgPlan		p,
				again;
	MgTarget	t,
				t_after;
	MgError		err;
	MgStatus	st,
				st_again,
				st_t;

	memset(&err, 0, sizeof(err));
	st = mg_plan(g, target, op, applied, purge, &p, &err);
	st_t = mg_target_resolve(g, target, op, applied, &t, &err);
	if (st != MG_OK)
	{
		fuzz_check_error(st, &err, target);
		/* a downgrade refused for its target, else for the target's text */
		FUZZ_CHECK(st_t == st || (st_t == MG_OK && st == MG_ERR_STATE &&
								  op == MG_OP_DOWNGRADE),
				   "%s: plan fails with %d, its target resolves with %d", target,
				   (int) st, (int) st_t);
		if (st_t == MG_OK)
		{
			bool		unapplied = false;

			for (int k = 0; k < t.nodes.count; k++)
				unapplied |= !applied[t.nodes.items[k]];
			FUZZ_CHECK(t.kind == MG_TARGET_SET && unapplied,
					   "%s: downgrade refused, yet every target revision is applied", target);
			mg_target_free(&t);
		}
		st_again = mg_plan(g, target, op, applied, purge, &again, &err);
		FUZZ_CHECK(st_again == st, "%s: planned twice: %d, then %d", target,
				   (int) st, (int) st_again);
		if (st_again == MG_OK)
			mg_plan_free(&again);
		return st;
	}
	FUZZ_CHECK(st_t == MG_OK, "%s: planned, but the target does not resolve", target);
	FUZZ_CHECK(p.downgrade == (op == MG_OP_DOWNGRADE), "%s: downgrade flag", target);
	for (int k = 0; k < t.nodes.count; k++)
		FUZZ_CHECK(t.nodes.items[k] >= 0 && t.nodes.items[k] < g->n,
				   "%s: target node %d out of range", target, t.nodes.items[k]);
	check_steps(g, target, op, applied, &p);
	fuzz_check_closed(g, p.after, target);
	fuzz_check_version_set(g, p.after);
	check_reached(g, target, op, purge, &t, applied, p.after);

	/* stable: the same plan again */
	st_again = mg_plan(g, target, op, applied, purge, &again, &err);
	FUZZ_CHECK(st_again == MG_OK && same_plan(g, &p, &again),
			   "%s: planning twice gives two plans", target);
	mg_plan_free(&again);

	/* idempotent: from where it ends, the same target needs nothing more */
	if (mg_target_resolve(g, target, op, p.after, &t_after, &err) == MG_OK)
	{
		if (fuzz_same_target(&t, &t_after))
		{
			st_again = mg_plan(g, target, op, p.after, purge, &again, &err);
			FUZZ_CHECK(st_again == MG_OK && again.steps.count == 0,
					   "%s: planned again from the state reached: %d, %d steps", target,
					   (int) st_again, st_again == MG_OK ? again.steps.count : -1);
			mg_plan_free(&again);
		}
		mg_target_free(&t_after);
	}
	mg_target_free(&t);
	mg_plan_free(&p);
	return MG_OK;
}
