/*
 * fuzz_plan.c — libFuzzer harness of graph building (graph*.c) and
 * planning (plan.c), on graphs made of fuzzed revision headers.
 *
 * Input: revision headers ("-- migrate:revision ...", "-- migrate:revises
 * ...", depends, branch), one revision per block of lines, blocks
 * separated by blank lines.  Each block, given an empty upgrade section,
 * goes through the real parser; the ones it accepts (at most MAX_REVS)
 * make the graph.  Invariants: no crash, leak or undefined behaviour; the
 * graph builds (or fails) the same way and with the same message whatever
 * order the revisions are added in; a built graph is consistent
 * (fuzz_check_graph); and from base, from everything applied and from
 * random states, upgrades, downgrades and stamps to heads, base, ids,
 * labels and relative targets obey every plan invariant
 * (fuzz_check_plan), and plan the same steps in both graphs; four
 * copies of the revisions under suffixed ids build alike.
 */
#include "fuzz.h"
#include "revfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REVS 48
/* (target, operation) pairs planned per state, beyond heads and base */
#define PLANS_PER_STATE 12

typedef struct Revs
{
	MgRevFile	rf[MAX_REVS];
	int			n;
} Revs;

/* Split the input into blocks and parse each as a revision's header. */
static void
parse_blocks(const uint8_t *data, size_t size, Revs *revs)
{
	static const char section[] = "\n-- migrate:upgrade\n";
	size_t		pos = 0;

	revs->n = 0;
	while (pos < size && revs->n < MAX_REVS)
	{
		size_t		end = pos;
		char	   *text;
		MgError		err;

		/* a block ends at a blank line ("\n\n") or at the end */
		while (end < size && !(data[end] == '\n' && end + 1 < size && data[end + 1] == '\n'))
			end++;
		text = mg_alloc(end - pos + sizeof(section));
		memcpy(text, data + pos, end - pos);
		memcpy(text + (end - pos), section, sizeof(section));
		if (mg_revfile_parse(text, end - pos + sizeof(section) - 1, "fuzz.sql",
							 &revs->rf[revs->n], &err) == MG_OK)
			revs->n++;
		mg_free(text);
		pos = end + 2;
	}
}

static MgStatus
build(MgGraph *g, const Revs *revs, bool reverse, MgError *err)
{
	mg_graph_init(g, revs->n);
	for (int k = 0; k < revs->n; k++)
	{
		const MgRevFile *rf = &revs->rf[reverse ? revs->n - 1 - k : k];

		mg_graph_add(g, rf->id, (const char *const *) rf->revises.items, rf->revises.count,
					 (const char *const *) rf->depends.items, rf->depends.count,
					 (const char *const *) rf->branch.items, rf->branch.count);
	}
	memset(err, 0, sizeof(*err));
	return mg_graph_build(g, err);
}

/*
 * The revisions COPIES times over, "<id>.<k>" revising and depending on
 * copy k of what the original names (labels too): ids of a copy share
 * all but their last bytes, and there are enough of them for the radix
 * sort of graph_ids.c and its second passes on the next eight bytes.
 */
#define COPIES 4

static char *
copy_name(const char *s, int k)
{
	char	   *out = mg_alloc(strlen(s) + 4);

	sprintf(out, "%s.%d", s, k);
	return out;
}

static char **
copy_list(const MgStrList *l, int k)
{
	char	  **out = mg_alloc(sizeof(char *) * (size_t) (l->count + 1));

	for (int i = 0; i < l->count; i++)
		out[i] = copy_name(l->items[i], k);
	return out;
}

static void
free_list(char **l, int n)
{
	for (int i = 0; i < n; i++)
		mg_free(l[i]);
	mg_free(l);
}

static void
check_copies(const Revs *revs, MgStatus want)
{
	MgGraph		c;
	MgError		err;
	MgStatus	st;

	mg_graph_init(&c, revs->n * COPIES);
	for (int k = 0; k < COPIES; k++)
		for (int i = 0; i < revs->n; i++)
		{
			const MgRevFile *rf = &revs->rf[i];
			char	   *id = copy_name(rf->id, k);
			char	  **rev = copy_list(&rf->revises, k),
					  **dep = copy_list(&rf->depends, k),
					  **lab = copy_list(&rf->branch, k);

			mg_graph_add(&c, id, (const char *const *) rev, rf->revises.count,
						 (const char *const *) dep, rf->depends.count,
						 (const char *const *) lab, rf->branch.count);
			mg_free(id);
			free_list(rev, rf->revises.count);
			free_list(dep, rf->depends.count);
			free_list(lab, rf->branch.count);
		}
	memset(&err, 0, sizeof(err));
	st = mg_graph_build(&c, &err);
	FUZZ_CHECK(st == want, "%d copies of the revisions build with %d, the revisions with %d (%s)",
			   COPIES, (int) st, (int) want, err.message);
	if (st == MG_OK)
		fuzz_check_graph(&c);
	else
		fuzz_check_error(st, &err, "build of the copies");
	mg_graph_free(&c);
}

/* The same revisions by id in the other graph. */
static uint8_t *
map_state(const MgGraph *from, const MgGraph *to, const uint8_t *applied)
{
	uint8_t    *out = calloc((size_t) to->n + 1, 1);

	for (int i = 0; i < from->n; i++)
		if (applied[i])
			out[mg_graph_find(to, from->nodes[i].id)] = 1;
	return out;
}

/* Plan in both graphs: the same status, the same steps by id. */
static void
plan_both(const MgGraph *g, const MgGraph *h, const char *target, MgOp op,
		  const uint8_t *applied, bool purge)
{
	uint8_t    *applied_h = map_state(g, h, applied);
	MgPlan		pg,
				ph;
	MgError		err;
	MgStatus	st = fuzz_check_plan(g, target, op, applied, purge),
				sg = mg_plan(g, target, op, applied, purge, &pg, &err),
				sh = mg_plan(h, target, op, applied_h, purge, &ph, &err);

	FUZZ_CHECK(sg == st && sh == st, "%s: plans %d and %d in the two graphs", target,
			   (int) sg, (int) sh);
	if (st == MG_OK)
	{
		FUZZ_CHECK(pg.steps.count == ph.steps.count, "%s: %d and %d steps in the two graphs",
				   target, pg.steps.count, ph.steps.count);
		for (int k = 0; k < pg.steps.count; k++)
			FUZZ_CHECK(strcmp(g->nodes[pg.steps.items[k]].id, h->nodes[ph.steps.items[k]].id) == 0,
					   "%s: step %d is %s in one graph, %s in the other", target, k,
					   g->nodes[pg.steps.items[k]].id, h->nodes[ph.steps.items[k]].id);
		mg_plan_free(&pg);
		mg_plan_free(&ph);
	}
	free(applied_h);
}

/* A random target: a keyword, an id, a prefix, a label, relative steps. */
static char *
random_target(const MgGraph *g, FuzzRng *r)
{
	static const char *const words[] = {"heads", "head", "base", "current", "+1", "-1", "+2", "-2"};
	static const char *const after_label[] = {"", "@head", "@base", "@+1", "@-1", "@+2"};
	static const char *const after_id[] = {"", "+1", "-1", "+2", "-2"};
	char		buf[128];
	int			v = (int) fuzz_rng_below(r, (uint32_t) g->n);
	const MgNode *nd = &g->nodes[v];

	switch (fuzz_rng_below(r, 4))
	{
		case 0:
			snprintf(buf, sizeof(buf), "%s", words[fuzz_rng_below(r, 8)]);
			break;
		case 1:
			snprintf(buf, sizeof(buf), "%s%s", nd->id, after_id[fuzz_rng_below(r, 5)]);
			break;
		case 2:
			snprintf(buf, sizeof(buf), "%.*s", 4 + (int) fuzz_rng_below(r, 3), nd->id);
			break;
		default:
			if (g->labelled.count == 0)
				snprintf(buf, sizeof(buf), "%s", nd->id);
			else
			{
				const MgNode *ld = &g->nodes[g->labelled.items[fuzz_rng_below(r, (uint32_t) g->labelled.count)]];

				snprintf(buf, sizeof(buf), "%s%s", ld->labels.items[fuzz_rng_below(r, (uint32_t) ld->labels.count)],
						 after_label[fuzz_rng_below(r, 6)]);
			}
			break;
	}
	return mg_strdup(buf);
}

static void
plan_from(const MgGraph *g, const MgGraph *h, const uint8_t *applied, FuzzRng *r)
{
	static const MgOp ops[4] = {MG_OP_UPGRADE, MG_OP_DOWNGRADE, MG_OP_STAMP, MG_OP_STAMP};

	fuzz_check_closed(g, applied, "state");
	fuzz_check_version_set(g, applied);
	plan_both(g, h, "heads", MG_OP_UPGRADE, applied, false);
	plan_both(g, h, "base", MG_OP_DOWNGRADE, applied, false);
	for (int k = 0; k < PLANS_PER_STATE; k++)
	{
		char	   *target = random_target(g, r);
		int			o = (int) fuzz_rng_below(r, 4);

		plan_both(g, h, target, ops[o], applied, o == 3);
		mg_free(target);
	}
}

/* Everything else a built graph answers: no crash, no leak. */
static void
query_all(const MgGraph *g)
{
	MgIntList	hist;
	MgError		err;

	for (int i = 0; i < g->n; i++)
	{
		MgStrList	br = mg_graph_node_branches(g, i);
		char	   *up = mg_running_text(g, i, false, "m"),
				   *down = mg_running_text(g, i, true, NULL);

		for (int a = 0; a < br.count; a++)
			for (int b = 0; b < a; b++)
				FUZZ_CHECK(strcmp(br.items[a], br.items[b]) != 0,
						   "branches of %s list %s twice", g->nodes[i].id, br.items[a]);

		mg_strlist_free(&br);
		mg_free(up);
		mg_free(down);
	}
	FUZZ_CHECK(mg_history(g, NULL, NULL, &hist, &err) == MG_OK && hist.count == g->n,
			   "the whole history does not list every revision");
	for (int k = 0; k < g->n; k++)
		FUZZ_CHECK(hist.items[k] == g->topo[g->n - 1 - k], "history is not newest first");
	mg_intlist_free(&hist);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Revs	   *revs = malloc(sizeof(Revs));
	MgGraph		g,
				h;
	MgError		eg,
				eh;
	MgStatus	sg,
				sh;
	FuzzRng		rng;

	parse_blocks(data, size, revs);
	sg = build(&g, revs, false, &eg);
	sh = build(&h, revs, true, &eh);
	FUZZ_CHECK(sg == sh, "the graph builds with %d, added in reverse with %d (%s / %s)",
			   (int) sg, (int) sh, eg.message, eh.message);
	if (sg != MG_OK)
	{
		check_copies(revs, sg);
		fuzz_check_error(sg, &eg, "build");
		FUZZ_CHECK(sg == MG_ERR_GRAPH || sg == MG_ERR_DUPLICATE, "build fails with %d", (int) sg);
		FUZZ_CHECK(strcmp(eg.message, eh.message) == 0,
				   "the build error depends on the order revisions are added in:\n%s\n%s",
				   eg.message, eh.message);
	}
	else if (g.n > 0)
	{
		check_copies(revs, sg);
		uint8_t    *state = calloc((size_t) g.n, 1);

		fuzz_check_graph(&g);
		fuzz_check_graph(&h);
		for (int k = 0; k < g.n; k++)
			FUZZ_CHECK(strcmp(g.nodes[g.topo[k]].id, h.nodes[h.topo[k]].id) == 0,
					   "the upgrade order depends on the order revisions are added in");
		query_all(&g);
		fuzz_rng_seed(&rng, data, size);
		plan_from(&g, &h, state, &rng);
		memset(state, 1, (size_t) g.n);
		plan_from(&g, &h, state, &rng);
		free(state);
		for (int k = 0; k < 2; k++)
		{
			state = fuzz_random_state(&g, &rng);
			plan_from(&g, &h, state, &rng);
			free(state);
		}
	}
	mg_graph_free(&g);
	mg_graph_free(&h);
	for (int k = 0; k < revs->n; k++)
		mg_revfile_free(&revs->rf[k]);
	free(revs);
	return 0;
}
