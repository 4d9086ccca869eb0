/*
 * fuzz_target.c — libFuzzer harness of the target grammar (target.c) and
 * of history ranges (history.c), against a small fixed graph.
 *
 * Input: byte 0 and 1 pick the stored versions (one bit a revision, then
 * closed as a database state is), byte 2 the operation (upgrade,
 * downgrade, stamp, stamp --purge); the rest, up to a NUL, is the target
 * text.  Invariants: no crash, leak or undefined behaviour; an error is
 * complete; a target resolves the same way twice, to revisions whose ids
 * resolve to themselves (the canonical output), and the plan to it obeys
 * every plan invariant (fuzz_check_plan); a history range lists each
 * revision once, newest first, the same way twice.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Two roots, a branch point, labelled branches, a merge, dependencies by
 * id and by label, and ids that share prefixes of four and more
 * characters, so that every production of the grammar can resolve:
 *
 *   1a2b3c4d0001 - 1a2b3c4d0002 - 1a2bffff0003 (billing) - 1a2bffff0004 --+
 *                              \                                        9e9e00000007 - 9e9e00000008
 *                               +- 5c6d00000005 (reporting) - 5c6d00000006+
 *                               |                 (depends on billing)
 *                               +- abcd0000000b
 *   7f7f00000009 (audit) - 7f7f0000000a (depends on 1a2b3c4d0002)
 */
typedef struct FixedRev
{
	const char *id;
	const char *revises[2];
	const char *depends[1];
	const char *label;
} FixedRev;

static const FixedRev fixed[] = {
	{"1a2b3c4d0001", {NULL}, {NULL}, NULL},
	{"1a2b3c4d0002", {"1a2b3c4d0001"}, {NULL}, NULL},
	{"1a2bffff0003", {"1a2b3c4d0002"}, {NULL}, "billing"},
	{"1a2bffff0004", {"1a2bffff0003"}, {NULL}, NULL},
	{"5c6d00000005", {"1a2b3c4d0002"}, {NULL}, "reporting"},
	{"5c6d00000006", {"5c6d00000005"}, {"billing"}, NULL},
	{"9e9e00000007", {"1a2bffff0004", "5c6d00000006"}, {NULL}, NULL},
	{"9e9e00000008", {"9e9e00000007"}, {NULL}, NULL},
	{"7f7f00000009", {NULL}, {NULL}, "audit"},
	{"7f7f0000000a", {"7f7f00000009"}, {"1a2b3c4d0002"}, NULL},
	{"abcd0000000b", {"1a2b3c4d0002"}, {NULL}, NULL},
};

#define NFIXED ((int) (sizeof(fixed) / sizeof(fixed[0])))

static MgGraph graph;
static bool graph_ready;

static int
count_of(const char *const *l, int max)
{
	int			n = 0;

	while (n < max && l[n])
		n++;
	return n;
}

static void
build_fixed(void)
{
	MgError		err;

	mg_graph_init(&graph, NFIXED);
	for (int i = 0; i < NFIXED; i++)
		mg_graph_add(&graph, fixed[i].id, fixed[i].revises, count_of(fixed[i].revises, 2),
					 fixed[i].depends, count_of(fixed[i].depends, 1),
					 &fixed[i].label, fixed[i].label ? 1 : 0);
	FUZZ_CHECK(mg_graph_build(&graph, &err) == MG_OK, "fixed graph: %s", err.message);
	fuzz_check_graph(&graph);
	graph_ready = true;
}

/* Resolve text twice; check what it names and that each id names itself. */
static void
check_resolve(const char *text, MgOp op, const uint8_t *applied)
{
	MgTarget	t,
				again;
	MgError		err;
	MgStatus	st = mg_target_resolve(&graph, text, op, applied, &t, &err),
				st2;

	st2 = mg_target_resolve(&graph, text, op, applied, &again, &err);
	FUZZ_CHECK(st == st2, "\"%s\" resolved twice: %d, then %d", text, (int) st, (int) st2);
	if (st != MG_OK)
	{
		fuzz_check_error(st, &err, text);
		return;
	}
	FUZZ_CHECK(fuzz_same_target(&t, &again), "\"%s\" resolves two ways", text);
	FUZZ_CHECK(t.kind != MG_TARGET_BASE || t.nodes.count == 0, "\"%s\": base with nodes", text);
	for (int k = 0; k < t.nodes.count; k++)
	{
		int			v = t.nodes.items[k],
					self = -1;
		MgTarget	one;

		FUZZ_CHECK(v >= 0 && v < graph.n, "\"%s\": node %d out of range", text, v);
		for (int j = 0; j < k; j++)
			FUZZ_CHECK(t.nodes.items[j] != v, "\"%s\" names %s twice", text, graph.nodes[v].id);
		/* the canonical name of what it resolved to is the id */
		FUZZ_CHECK(mg_target_resolve(&graph, graph.nodes[v].id, MG_OP_UPGRADE, applied,
									 &one, &err) == MG_OK &&
				   one.kind == MG_TARGET_SET && one.nodes.count == 1 &&
				   one.nodes.items[0] == v,
				   "\"%s\": id %s does not resolve to itself", text, graph.nodes[v].id);
		mg_target_free(&one);
		FUZZ_CHECK(mg_target_single(&graph, graph.nodes[v].id, applied, &self, &err) == MG_OK &&
				   self == v, "single \"%s\" is not itself", graph.nodes[v].id);
	}
	mg_target_free(&t);
	mg_target_free(&again);
}

static void
check_single(const char *text, const uint8_t *applied)
{
	int			node = -1;
	MgError		err;
	MgStatus	st = mg_target_single(&graph, text, applied, &node, &err);

	if (st != MG_OK)
		fuzz_check_error(st, &err, text);
	else
		FUZZ_CHECK(node >= 0 && node < graph.n, "single \"%s\": node %d", text, node);
}

/* A range lists each revision once, newest first (children before parents). */
static void
check_history(const char *range, const uint8_t *applied)
{
	MgIntList	l,
				again;
	MgError		err;
	MgStatus	st = mg_history(&graph, range, applied, &l, &err),
				st2 = mg_history(&graph, range, applied, &again, &err);
	int			pos[NFIXED];

	FUZZ_CHECK(st == st2, "history \"%s\" twice: %d, then %d", range, (int) st, (int) st2);
	if (st != MG_OK)
	{
		fuzz_check_error(st, &err, range);
		mg_intlist_free(&l);
		mg_intlist_free(&again);
		return;
	}
	FUZZ_CHECK(fuzz_same_ints(&l, &again), "history \"%s\" lists two ways", range);
	for (int i = 0; i < NFIXED; i++)
		pos[i] = -1;
	for (int k = 0; k < l.count; k++)
	{
		FUZZ_CHECK(l.items[k] >= 0 && l.items[k] < graph.n && pos[l.items[k]] < 0,
				   "history \"%s\": bad or repeated node", range);
		pos[l.items[k]] = k;
	}
	for (int k = 0; k < l.count; k++)
	{
		const MgNode *nd = &graph.nodes[l.items[k]];

		for (int j = 0; j < nd->parents.count; j++)
			FUZZ_CHECK(pos[nd->parents.items[j]] < 0 || pos[nd->parents.items[j]] > k,
					   "history \"%s\": %s listed before its child %s", range,
					   graph.nodes[nd->parents.items[j]].id, nd->id);
	}
	mg_intlist_free(&l);
	mg_intlist_free(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const MgOp ops[4] = {MG_OP_UPGRADE, MG_OP_DOWNGRADE, MG_OP_STAMP, MG_OP_STAMP};
	const char *versions[NFIXED];
	uint8_t		applied[NFIXED];
	unsigned	mask;
	int			nversions = 0;
	char	   *text;
	MgOp		op;
	bool		purge;
	MgError		err;

	if (!graph_ready)
		build_fixed();
	if (size < 3)
		return 0;
	mask = (unsigned) data[0] | (unsigned) data[1] << 8;
	op = ops[data[2] & 3];
	purge = (data[2] & 3) == 3;
	for (int i = 0; i < NFIXED; i++)
		if (mask & (1u << i))
			versions[nversions++] = fixed[i].id;
	FUZZ_CHECK(mg_state_from_versions(&graph, versions, nversions, applied, &err) == MG_OK,
			   "state: %s", err.message);
	fuzz_check_closed(&graph, applied, "state");

	text = malloc(size - 3 + 1);
	memcpy(text, data + 3, size - 3);
	text[size - 3] = '\0';

	check_resolve(text, op, applied);
	check_single(text, applied);
	fuzz_check_plan(&graph, text, op, applied, purge);
	if (op == MG_OP_UPGRADE)
	{
		MgPlan		p;
		MgStatus	st = mg_plan_auto(&graph, text, applied, &p, &err);

		if (st == MG_OK)
		{
			fuzz_check_closed(&graph, p.after, "plan_auto");
			mg_plan_free(&p);
		}
		else
			fuzz_check_error(st, &err, text);
	}
	check_history(text, applied);
	free(text);
	return 0;
}
