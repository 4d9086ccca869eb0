/*
 * test_perf.c — a sanity check that the graph code stays near-linear: a
 * synthetic graph of 100,000 revisions (a long chain with periodic side
 * branches that merge back, dangling heads, extra roots, branch labels and
 * depends by id and by label), planned from base to heads.  Elapsed times
 * are printed as "# " lines, never asserted.
 */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"
#include "../../bench/clock.h"

#include <stdio.h>
#include <stdlib.h>

#define PERF_N 100000

typedef struct Synth
{
	int			npar[PERF_N];
	int			par[PERF_N][2];
	int			dep[PERF_N];	/* node, or -1 */
	int			deplabel[PERF_N];	/* side branch number, or -1 */
	int			label[PERF_N];	/* side branch number, or -1 */
} Synth;

static void
synth_id(char *buf, size_t sz, int i)
{
	/* a bijection of 32-bit values: unique ids in scrambled order */
	snprintf(buf, sz, "%08x", (unsigned) ((uint32_t) i * 2654435761u));
}

/* Shape the graph; returns the number of side branches. */
static int
synth_shape(Synth *s)
{
	int			i = 1,
				trunk = 0,
				sides = 0,
				lastdang = -1;

	for (int k = 0; k < PERF_N; k++)
	{
		s->npar[k] = 0;
		s->dep[k] = s->deplabel[k] = s->label[k] = -1;
	}
	while (i < PERF_N)
	{
		if (i % 1000 == 500 && i + 21 <= PERF_N)
		{
			/* side branch of 10 and trunk of 10 from the same fork, merged */
			int			fork = trunk;

			for (int k = 0; k < 10; k++)
			{
				s->npar[i + k] = 1;
				s->par[i + k][0] = k == 0 ? fork : i + k - 1;
				s->npar[i + 10 + k] = 1;
				s->par[i + 10 + k][0] = k == 0 ? fork : i + 10 + k - 1;
			}
			s->label[i] = sides;
			if (sides % 2 == 0)
				s->deplabel[i + 15] = sides;	/* depends on the label */
			else
				s->dep[i + 15] = i + 5; /* depends on the id */
			s->npar[i + 20] = 2;
			s->par[i + 20][0] = i + 9;
			s->par[i + 20][1] = i + 19;
			trunk = i + 20;
			sides++;
			i += 21;
		}
		else if (i % 5000 == 2700 && i + 2 <= PERF_N)
		{
			/* a dangling head beside the trunk */
			s->npar[i] = 1;
			s->par[i][0] = trunk;
			lastdang = i;
			s->npar[i + 1] = 1;
			s->par[i + 1][0] = trunk;
			trunk = i + 1;
			i += 2;
		}
		else if (i % 20000 == 10000)
		{
			/* another root, a head of its own */
			i++;
		}
		else
		{
			s->npar[i] = 1;
			s->par[i][0] = trunk;
			if (i % 3000 == 0 && lastdang >= 0)
				s->dep[i] = lastdang;
			trunk = i;
			i++;
		}
	}
	return sides;
}

static MgGraph *
synth_graph(double *build_ms)
{
	Synth	   *s = t_alloc(sizeof(Synth));
	MgGraph    *g = t_new_graph(PERF_N);
	MgError    *err = t_alloc(sizeof(MgError));
	double		t0;
	MgStatus	st;

	synth_shape(s);
	t0 = now_ms();
	for (int i = 0; i < PERF_N; i++)
	{
		char		id[16],
					p0[16],
					p1[16],
					d[16],
					lab[24];
		const char *par[2] = {p0, p1};
		const char *deps[1] = {d};
		const char *labs[1] = {lab};

		synth_id(id, sizeof(id), i);
		for (int k = 0; k < s->npar[i]; k++)
			synth_id(k ? p1 : p0, 16, s->par[i][k]);
		if (s->dep[i] >= 0)
			synth_id(d, sizeof(d), s->dep[i]);
		else if (s->deplabel[i] >= 0)
			snprintf(d, sizeof(d), "side%d", s->deplabel[i]);
		if (s->label[i] >= 0)
			snprintf(lab, sizeof(lab), "side%d", s->label[i]);
		mg_graph_add(g, id, par, s->npar[i],
					 deps, (s->dep[i] >= 0 || s->deplabel[i] >= 0) ? 1 : 0,
					 labs, s->label[i] >= 0 ? 1 : 0);
	}
	st = mg_graph_build(g, err);
	*build_ms = now_ms() - t0;
	CHECK_STATUS(st, MG_OK, err);
	return g;
}

/* Every step comes after its parents and dependencies. */
static void
check_topological(const MgGraph *g, const MgIntList *steps)
{
	int		   *pos = t_alloc(sizeof(int) * (size_t) g->n);

	for (int i = 0; i < g->n; i++)
		pos[i] = -1;
	for (int k = 0; k < steps->count; k++)
	{
		CHECK_MSG(pos[steps->items[k]] < 0, "node %s planned twice",
				  g->nodes[steps->items[k]].id);
		pos[steps->items[k]] = k;
	}
	for (int i = 0; i < g->n; i++)
	{
		const MgNode *nd = &g->nodes[i];

		for (int j = 0; j < nd->parents.count; j++)
			CHECK_MSG(pos[nd->parents.items[j]] < pos[i],
					  "%s planned before its parent %s", nd->id,
					  g->nodes[nd->parents.items[j]].id);
		for (int j = 0; j < nd->deps.count; j++)
			CHECK_MSG(pos[nd->deps.items[j]] < pos[i],
					  "%s planned before its dependency %s", nd->id,
					  g->nodes[nd->deps.items[j]].id);
	}
}

/* t_plan, and how long it took. */
static MgPlan *
timed_plan(const MgGraph *g, const char *target, MgOp op,
		   const uint8_t *applied, double *ms)
{
	double		t0 = now_ms();
	MgPlan	   *p = t_plan(g, target, op, applied, false);

	*ms = now_ms() - t0;
	return p;
}

TEST(perf_100k_upgrade_heads_from_base)
{
	double		build_ms,
				plan_ms;
	MgGraph    *g = synth_graph(&build_ms);
	MgPlan	   *p = timed_plan(g, "heads", UP, t_alloc((size_t) g->n), &plan_ms);
	MgIntList  *heads = t_keep(mg_graph_heads(g));
	MgIntList  *bases = t_keep(mg_graph_bases(g));
	MgIntList  *vset;
	int			labels = 0;

	CHECK_INT(g->n, PERF_N);
	for (int i = 0; i < g->n; i++)
		labels += g->nodes[i].labels.count;
	CHECK_INT(p->steps.count, PERF_N);
	check_topological(g, &p->steps);
	vset = t_keep(mg_version_set(g, p->after));
	CHECK(vset->count >= 1 && vset->count <= heads->count);
	CHECK(bases->count > 1);
	CHECK(labels > 50);
	t_note("perf: %d revisions (%d heads, %d bases, %d labels): build %.1f ms, "
		   "plan heads %.1f ms, version set %d",
		   g->n, heads->count, bases->count, labels, build_ms, plan_ms,
		   vset->count);
}

TEST(perf_100k_downgrade_history_and_targets)
{
	double		build_ms,
				t0;
	MgGraph    *g = synth_graph(&build_ms);
	uint8_t    *all = t_alloc((size_t) g->n);
	MgPlan	   *p;
	MgError    *err = t_alloc(sizeof(MgError));
	MgIntList  *hist = t_alloc(sizeof(MgIntList));
	MgStatus	st;
	double		down_ms,
				hist_ms,
				resolve_ms;
	char		last[16],
				target[40];
	int			node = -1;

	memset(all, 1, (size_t) g->n);
	p = timed_plan(g, "base", DOWN, all, &down_ms);
	CHECK_INT(p->steps.count, PERF_N);

	t0 = now_ms();
	st = mg_history(g, NULL, all, hist, err);
	hist_ms = now_ms() - t0;
	CHECK_STATUS(st, MG_OK, err);
	{
		int			n = hist->count;

		mg_intlist_free(hist);
		CHECK_INT(n, PERF_N);
	}

	/* resolving a prefix, label bases and heads, and a relative step stays cheap */
	t0 = now_ms();
	synth_id(last, sizeof(last), PERF_N - 1);
	snprintf(target, sizeof(target), "%.6s", last);
	st = mg_target_single(g, target, all, &node, err);
	CHECK_MSG(st == MG_OK || st == MG_ERR_AMBIGUOUS, "prefix %s: %s", target, err->message);
	st = mg_target_single(g, "side7@base", all, &node, err);
	CHECK_STATUS(st, MG_OK, err);
	CHECK_INT(g->nodes[node].labels.count, 1);
	CHECK_STR(g->nodes[node].labels.items[0], "side7");
	st = mg_target_single(g, "side7@head", all, &node, err);
	CHECK_STATUS(st, MG_ERR_AMBIGUOUS, err);
	snprintf(target, sizeof(target), "%s-3", last);
	st = mg_target_single(g, target, all, &node, err);
	CHECK_STATUS(st, MG_OK, err);
	resolve_ms = now_ms() - t0;
	t_note("perf: downgrade base %.1f ms, history %.1f ms, four resolutions %.1f ms",
		   down_ms, hist_ms, resolve_ms);
}

const TestCase perf_cases[] = {
	TC(perf_100k_upgrade_heads_from_base),
	TC(perf_100k_downgrade_history_and_targets),
	TC_END
};
