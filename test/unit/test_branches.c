/*
 * test_branches.c — branch labels per revision (graph_branches.c) against
 * the walk they replaced (old_branches below, a copy of the code before
 * issue 15 item 7: a walk of the ancestors for every node, quadratic in a
 * history).  On random graphs the two give the same labels for every node,
 * in the same order unless a merge of the graph has a parent that is an
 * ancestor of another of its parents (there the old walk's order was an
 * accident of its stack; the new one is documented).  Timings are printed
 * as "# " lines, never asserted.
 */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"
#include "../../bench/clock.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- the walk of fa6ebf3 (src/common/graph_query.c), as it was ---- */

static void
old_add_labels(MgStrList *out, const MgNode *nd)
{
	for (int k = 0; k < nd->labels.count; k++)
		mg_strlist_add(out, nd->labels.items[k]);
}

static MgStrList
old_branches(const MgGraph *g, int node)
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
	for (int i = 0; i < g->labelled.count; i++)
		seen[g->labelled.items[i]] = 2;
	stack[sp++] = node;
	seen[node] |= 1;
	while (sp > 0)
	{
		int			i = stack[--sp];

		if (seen[i] & 2)
			old_add_labels(&out, &g->nodes[i]);
		for (int k = g->up.off[i]; k < g->up.mid[i]; k++)
		{
			int			p = g->up.items[k];

			if (!(seen[p] & 1))
			{
				seen[p] |= 1;
				stack[sp++] = p;
			}
		}
	}
	cur = node;
	while (g->nodes[cur].children.count == 1)
	{
		int			c = g->nodes[cur].children.items[0];

		if (g->nodes[c].parents.count != 1)
			break;
		old_add_labels(&out, &g->nodes[c]);
		cur = c;
	}
	mg_free(seen);
	mg_free(stack);
	return out;
}

/* ---- random graphs ---- */

static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	/* xorshift64*, reproducible from the printed seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t) ((rng_state * 2685821657736338717ull) >> 32) % n;
}

#define MAXN 240

/* anc[i][j]: j is an ancestor of i through revises (reflexive) */
static uint8_t anc[MAXN][MAXN];

/*
 * A random graph of n revisions added in a random id order: mostly lines,
 * with forks, merges of 2 or 3 parents, extra roots, depends and about one
 * labelled revision in eight (one or two labels).  With redundant false, no
 * merge has a parent that is an ancestor of another of its parents.
 * *has_redundant tells whether one has.
 */
static MgGraph *
random_graph(int n, bool redundant, bool *has_redundant)
{
	MgGraph    *g = t_new_graph(n);
	MgError    *err = t_alloc(sizeof(MgError));
	int			labelno = 0;

	*has_redundant = false;
	memset(anc, 0, sizeof(anc));
	for (int i = 0; i < n; i++)
	{
		char		id[16],
					ps[3][16],
					dep[16],
					labs[2][16];
		const char *par[3] = {ps[0], ps[1], ps[2]};
		const char *deps[1] = {dep};
		const char *lab[2] = {labs[0], labs[1]};
		int			p[3],
					np = 0,
					nd = 0,
					nl = 0,
					shape = (int) rnd(100);

		/* ids in another order than the nodes: ranks differ from numbers */
		snprintf(id, sizeof(id), "r%03u_%d", (unsigned) rnd(1000), i);
		if (i > 0 && shape >= 6)
		{
			/* a parent near the end (lines), sometimes anywhere (forks) */
			p[np++] = shape < 80 ? i - 1 - (int) rnd(i < 3 ? i : 3) : (int) rnd(i);
			if (shape >= 88 && i > 2)
			{
				int			want = shape >= 97 ? 3 : 2;

				for (int tries = 0; np < want && tries < 20; tries++)
				{
					int			q = (int) rnd(i);
					bool		ok = true;

					for (int k = 0; k < np && ok; k++)
						ok = q != p[k] &&
							(redundant || (!anc[q][p[k]] && !anc[p[k]][q]));
					if (ok)
						p[np++] = q;
				}
			}
		}
		for (int a = 0; a < np; a++)
			for (int b = 0; b < np; b++)
				if (a != b && anc[p[a]][p[b]])
					*has_redundant = true;
		anc[i][i] = 1;
		for (int k = 0; k < np; k++)
		{
			snprintf(ps[k], sizeof(ps[k]), "%s", g->nodes[p[k]].id);
			for (int j = 0; j < i; j++)
				anc[i][j] |= anc[p[k]][j];
		}
		if (i > 1 && rnd(10) == 0)
		{
			snprintf(dep, sizeof(dep), "%s", g->nodes[rnd(i)].id);
			for (int k = 0; k < np; k++)
				if (strcmp(dep, ps[k]) == 0)
					nd = -1;
			nd = nd < 0 ? 0 : 1;
		}
		if (rnd(8) == 0)
		{
			nl = 1 + (int) rnd(2);
			for (int k = 0; k < nl; k++)
				snprintf(labs[k], sizeof(labs[k]), "L%d", labelno++);
		}
		mg_graph_add(g, id, par, np, deps, nd, lab, nl);
	}
	CHECK_STATUS(mg_graph_build(g, err), MG_OK, err);
	return g;
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* "A B C": the list sorted. */
static const char *
sorted_strs(const MgStrList *l)
{
	MgStrList  *c = t_keep_str((MgStrList) {0});

	for (int i = 0; i < l->count; i++)
		mg_strlist_add(c, l->items[i]);
	if (c->count > 1)
		qsort(c->items, (size_t) c->count, sizeof(char *), cmp_cstr);
	return t_strs(c);
}

/* Compare every node of g; exact order too unless has_redundant. */
static void
compare_graph(const MgGraph *g, bool has_redundant, uint64_t seed)
{
	for (int v = 0; v < g->n; v++)
	{
		MgStrList  *want = t_keep_str(old_branches(g, v));
		MgStrList  *got = t_keep_str(mg_graph_node_branches(g, v));

		CHECK_MSG(strcmp(sorted_strs(want), sorted_strs(got)) == 0,
				  "seed %llu, node %s: labels \"%s\", the old walk \"%s\"",
				  (unsigned long long) seed, g->nodes[v].id, t_strs(got), t_strs(want));
		if (!has_redundant)
			CHECK_MSG(strcmp(t_strs(want), t_strs(got)) == 0,
					  "seed %llu, node %s: order \"%s\", the old walk \"%s\"",
					  (unsigned long long) seed, g->nodes[v].id, t_strs(got), t_strs(want));
	}
}

TEST(branches_match_the_old_walk_on_random_graphs)
{
	int			graphs = 0,
				exact = 0,
				labelled = 0;

	for (uint64_t seed = 1; seed <= 400; seed++)
	{
		bool		has_redundant;
		MgGraph    *g;

		rng_state = seed * 0x9E3779B97F4A7C15ull;
		g = random_graph(2 + (int) rnd(MAXN - 2), seed % 4 == 0, &has_redundant);
		compare_graph(g, has_redundant, seed);
		graphs++;
		exact += !has_redundant;
		labelled += g->labelled.count;
	}
	t_note("branches: %d random graphs (%d labelled revisions) agree with the old walk, %d in exact order",
		   graphs, labelled, exact);
	CHECK(exact > graphs / 2);
}

TEST(branches_order_at_a_merge)
{
	/* the last parent named first, as the old walk popped it */
	MgGraph    *g = t_graph("r a<r@A b<r@B m<a,b@M t<m");

	CHECK_STR(t_strs(t_keep_str(mg_graph_node_branches(g, t_node(g, "t")))), "M B A");
	g = t_graph("r a<r@A b<r@B m<b,a t<m@T");
	CHECK_STR(t_strs(t_keep_str(mg_graph_node_branches(g, t_node(g, "m")))), "A B T");
}

TEST(branches_at_a_merge_with_a_redundant_parent)
{
	/*
	 * m revises a and b, and a is also an ancestor of b.  Each parent's
	 * list is taken whole, the last parent's first: b's (b, then its
	 * parents' from its last one, a: a x, then y), then a's, each label
	 * once.  The old walk, blocked at a while it went up from b, gave
	 * "B Y A X"; where a was b's last parent too, the two agree.
	 */
	MgGraph    *g = t_graph("r x<r@X a<x@A y<r@Y b<y,a@B m<a,b");

	CHECK_STR(t_strs(t_keep_str(mg_graph_node_branches(g, t_node(g, "m")))), "B A X Y");
	CHECK_STR(t_strs(t_keep_str(old_branches(g, t_node(g, "m")))), "B Y A X");
	g = t_graph("r x<r@X a<x@A y<r@Y b<a,y@B m<a,b");
	CHECK_STR(t_strs(t_keep_str(mg_graph_node_branches(g, t_node(g, "m")))), "B Y A X");
	CHECK_STR(t_strs(t_keep_str(old_branches(g, t_node(g, "m")))), "B Y A X");
}

/* t_chain with a label on the root, and how long it took. */
static MgGraph *
labelled_chain(int n, double *build_ms)
{
	double		t0 = now_ms();
	MgGraph    *g = t_chain(n, "trunk");

	*build_ms = now_ms() - t0;
	return g;
}

/* Time of the labels of every node of g, the new way or the old. */
static double
all_branches_ms(const MgGraph *g, bool old)
{
	double		t0 = now_ms();

	for (int v = 0; v < g->n; v++)
	{
		MgStrList	l = old ? old_branches(g, v) : mg_graph_node_branches(g, v);

		CHECK_INT(l.count, 1);
		mg_strlist_free(&l);
	}
	return now_ms() - t0;
}

TEST(perf_branches_of_every_revision_of_a_labelled_chain)
{
	double		b10,
				b30,
				b100;
	MgGraph    *g10 = labelled_chain(10000, &b10);
	MgGraph    *g30 = labelled_chain(30000, &b30);
	MgGraph    *g100 = labelled_chain(100000, &b100);
	double		old10 = all_branches_ms(g10, true);

	t_note("perf: labels of every revision of a chain labelled at its root: "
		   "10,000 %.1f ms (the old walk %.0f ms), 30,000 %.1f ms, 100,000 %.1f ms "
		   "(builds %.1f / %.1f / %.1f ms)",
		   all_branches_ms(g10, false), old10, all_branches_ms(g30, false),
		   all_branches_ms(g100, false), b10, b30, b100);
}

const TestCase branches_cases[] = {
	TC(branches_match_the_old_walk_on_random_graphs),
	TC(branches_order_at_a_merge),
	TC(branches_at_a_merge_with_a_redundant_parent),
	TC(perf_branches_of_every_revision_of_a_labelled_chain),
	TC_END
};
