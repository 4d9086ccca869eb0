/*
 * test_targets.c — the target grammar of SPEC section 3 and the plans
 * built on it: upgrade, downgrade and stamp, with the order of the steps
 * and the applied set afterwards, and every error a user can hit.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

/* a1 -> b2 -> c3 -> d4 */
#define CHAIN "a1 b2<a1 c3<b2 d4<c3"
/* r -> a1 -> a2 (branch A), r -> b1 -> b2 (branch B) */
#define BR "r a1<r@A a2<a1 b1<r@B b2<b1"

#define MULTIPLE_HEADS "multiple heads are present; use 'heads' or '<label>@head'"

/* Steps of a plan that must succeed, as "x y z". */
static const char *
steps(const MgGraph *g, const char *target, MgOp op, const uint8_t *applied)
{
	return t_ids(g, &t_plan(g, target, op, applied, false)->steps);
}

/* Applied set after a plan that must succeed, in id order. */
static const char *
after(const MgGraph *g, const char *target, MgOp op, const uint8_t *applied)
{
	return t_set(g, t_plan(g, target, op, applied, false)->after);
}

/* mg_target_single that must succeed: the id of its node. */
static const char *
single(const MgGraph *g, const char *target, const uint8_t *applied)
{
	int			node = -1;
	MgError    *err = t_alloc(sizeof(MgError));

	CHECK_STATUS(mg_target_single(g, target, applied, &node, err), MG_OK, err);
	return g->nodes[node].id;
}

/*
 * Plans: one row a check, test naming the case it belongs to.  The plan of
 * target (op, purge) on graph with the applied versions must fail with
 * status, its message containing the strings of contains; or, with status
 * MG_OK, succeed with the steps (as "x y z"), the applied set after it
 * (after, in id order) and version set vset given (NULL: not checked), a
 * downgrade when downgrade is 1 and not one when it is -1.
 */
typedef struct PlanRow
{
	const char *test;
	const char *graph;
	const char *applied;
	const char *target;
	MgOp		op;
	MgStatus	status;
	const char *contains[2];
	bool		purge;
	int			downgrade;
	const char *steps;
	const char *after;
	const char *vset;
} PlanRow;

static const PlanRow plan_rows[] = {
	{"upgrade_heads_on_a_chain", CHAIN, "", "heads", UP, .downgrade = -1, .steps = "a1 b2 c3 d4", .after = "a1 b2 c3 d4", .vset = "d4"},
	{"upgrade_heads_on_a_chain", CHAIN, "b2", "heads", UP, .steps = "c3 d4"},
	{"upgrade_heads_on_a_chain", CHAIN, "d4", "heads", UP, .steps = ""},
	{"upgrade_heads_on_branches", BR, "", "heads", UP, .steps = "r a1 a2 b1 b2", .vset = "a2 b2"},
	{"upgrade_heads_on_branches", BR, "a2", "heads", UP, .steps = "b1 b2"},
	{"upgrade_order_smallest_ready_first", "m c a<m", "", "heads", UP, .steps = "c m a"},
	{"upgrade_order_smallest_ready_first", "m c a<m", "m", "heads", UP, .steps = "a c"},
	{"upgrade_head_with_one_head", CHAIN, "", "head", UP, .steps = "a1 b2 c3 d4"},
	{"upgrade_head_with_one_head", CHAIN, "b2", "head", UP, .steps = "c3 d4"},
	{"upgrade_to_a_revision", CHAIN, "", "b2", UP, .steps = "a1 b2", .vset = "b2"},
	{"upgrade_to_a_revision", CHAIN, "a1", "c3", UP, .steps = "b2 c3"},
	{"upgrade_to_a_label", BR, "", "B", UP, .steps = "r b1"},
	{"upgrade_to_a_label", BR, "b2", "A", UP, .steps = "a1"},
	{"unique_prefix", "5aa5020316c5 5ab000000000<5aa5020316c5", "", "5aa5", UP, .steps = "5aa5020316c5"},
	{"unique_prefix", "5aa5020316c5 5ab000000000<5aa5020316c5", "", "5ab0", UP, .steps = "5aa5020316c5 5ab000000000"},
	{"unique_prefix", "5aa5020316c5 5ab000000000<5aa5020316c5", "5ab000000000", "5aa502", DOWN, .steps = "5ab000000000"},
	{"short_prefix_is_not_found", "abcd1111 ab<abcd1111", "", "abc", UP, .status = MG_ERR_NOT_FOUND, .contains = {"abc"}},
	/* an exact id shorter than 4 characters is fine */
	{"short_prefix_is_not_found", "abcd1111 ab<abcd1111", "", "ab", UP, .steps = "abcd1111 ab"},
	{"unknown_revision_is_not_found", CHAIN, "", "ffff9999", UP, .status = MG_ERR_NOT_FOUND, .contains = {"ffff9999"}},
	{"unknown_revision_is_not_found", CHAIN, "d4", "nolabel", DOWN, .status = MG_ERR_NOT_FOUND, .contains = {"nolabel"}},
	{"label_at_head", BR, "", "A@head", UP, .steps = "r a1 a2"},
	{"label_at_head", BR, "a2", "B@head", UP, .steps = "b1 b2"},
	{"label_at_head", BR, "a2 b2", "B@head", DOWN, .steps = ""},
	{"label_at_head_with_several_heads", "r a1<r@A xx77<a1 yy88<a1 b1<r@B", "", "A@head", UP, .status = MG_ERR_AMBIGUOUS, .contains = {"xx77", "yy88"}},
	{"label_at_head_with_several_heads", "r a1<r@A xx77<a1 yy88<a1 b1<r@B", "", "B@head", UP, .steps = "r b1"},
	{"label_at_base_downgrade_removes_the_branch", BR, "a2 b2", "A@base", DOWN, .steps = "a2 a1", .after = "b1 b2 r"},
	{"label_at_base_on_a_single_line", "r x<r y<x@L z<y", "", "L@base", UP, .steps = "r"},
	{"label_at_base_on_a_single_line", "r x<r y<x@L z<y", "z", "L@base", DOWN, .steps = "z y x r"},
	{"plus_n_from_base", CHAIN, "", "+1", UP, .steps = "a1"},
	{"plus_n_from_base", CHAIN, "", "+2", UP, .steps = "a1 b2"},
	{"plus_n_from_base", CHAIN, "", "+4", UP, .steps = "a1 b2 c3 d4"},
	{"plus_n_from_base", CHAIN, "", "+5", UP, .status = MG_ERR_STATE, .contains = {"+5"}},
	{"plus_n_from_current", CHAIN, "b2", "+1", UP, .steps = "c3"},
	{"plus_n_from_current", CHAIN, "b2", "+2", UP, .steps = "c3 d4"},
	{"plus_n_from_current", CHAIN, "b2", "+3", UP, .status = MG_ERR_STATE},
	{"plus_n_from_current", CHAIN, "d4", "+1", UP, .status = MG_ERR_STATE},
	{"plus_n_through_a_branch_point_is_ambiguous", BR, "r", "+1", UP, .status = MG_ERR_AMBIGUOUS, .contains = {"a1", "b1"}},
	{"plus_n_through_a_branch_point_is_ambiguous", BR, "", "+2", UP, .status = MG_ERR_AMBIGUOUS},
	/* several bases are a branch point at base */
	{"plus_n_through_a_branch_point_is_ambiguous", "x1 y1 z1<x1", "", "+1", UP, .status = MG_ERR_AMBIGUOUS},
	{"plus_n_with_several_current_heads", BR, "a1 b1", "+1", UP, .status = MG_ERR_AMBIGUOUS, .contains = {"a1", "b1"}},
	{"plus_n_with_several_current_heads", BR, "a1 b1", "A@+1", UP, .steps = "a2"},
	{"plus_n_with_several_current_heads", BR, "a1 b1", "B@+1", UP, .steps = "b2"},
	{"plus_n_with_several_current_heads", BR, "a1 b1", "A@+2", UP, .status = MG_ERR_STATE},
	{"label_plus_n_from_base", BR, "", "A@+2", UP, .steps = "r a1"},
	{"label_plus_n_from_base", BR, "", "B@+3", UP, .steps = "r b1 b2"},
	/*
	 * Only the shared root r is applied on A's line (the database is at b1):
	 * "A@+1" should move one step along A, i.e. apply a1.
	 */
	{"label_plus_n_from_shared_trunk", BR, "b1", "A@+1", UP, .steps = "a1"},
	{"minus_n_on_a_chain", CHAIN, "d4", "-1", DOWN, .downgrade = 1, .steps = "d4", .after = "a1 b2 c3"},
	{"minus_n_on_a_chain", CHAIN, "d4", "-2", DOWN, .steps = "d4 c3"},
	{"minus_n_on_a_chain", CHAIN, "d4", "-4", DOWN, .steps = "d4 c3 b2 a1", .after = ""},
	{"minus_n_on_a_chain", CHAIN, "d4", "-5", DOWN, .status = MG_ERR_STATE, .contains = {"-5"}},
	{"minus_n_on_a_chain", CHAIN, "b2", "-1", DOWN, .steps = "b2"},
	{"minus_n_with_nothing_applied", CHAIN, "", "-1", DOWN, .status = MG_ERR_STATE},
	{"minus_n_with_several_current_heads", BR, "a2 b2", "-1", DOWN, .status = MG_ERR_AMBIGUOUS, .contains = {"a2", "b2"}},
	{"minus_n_with_several_current_heads", BR, "a2 b2", "B@-1", DOWN, .steps = "b2", .after = "a1 a2 b1 r"},
	{"minus_n_with_several_current_heads", BR, "a2 b2", "A@-2", DOWN, .steps = "a2 a1", .after = "b1 b2 r"},
	{"label_minus_n_on_one_branch", BR, "a1 b2", "A@-1", DOWN, .steps = "a1", .after = "b1 b2 r"},
	{"minus_n_through_a_merge", "r a<r b<r mm1<a,b t<mm1", "t", "-2", DOWN, .steps = "t mm1"},
	{"minus_n_through_a_merge", "r a<r b<r mm1<a,b t<mm1", "t", "-3", DOWN, .status = MG_ERR_AMBIGUOUS, .contains = {"mm1"}},
	{"minus_n_through_a_merge", "r a<r b<r mm1<a,b t<mm1", "mm1", "-1", DOWN, .steps = "mm1"},

	/* ---- <rev>+N / <rev>-N ---- */
	{"revision_plus_n", CHAIN, "", "a1+2", UP, .steps = "a1 b2 c3"},
	{"revision_plus_n", CHAIN, "a1", "b2+1", UP, .steps = "b2 c3"},
	{"revision_plus_n", CHAIN, "", "d4+1", UP, .status = MG_ERR_STATE},
	{"revision_plus_n", BR, "", "r+1", UP, .status = MG_ERR_AMBIGUOUS},
	{"revision_plus_n", BR, "", "a1+1", UP, .steps = "r a1 a2"},
	{"revision_plus_n", BR, "", "A+1", UP, .steps = "r a1 a2"},
	{"revision_minus_n_downgrade", CHAIN, "d4", "d4-1", DOWN, .steps = "d4", .after = "a1 b2 c3"},
	{"revision_minus_n_downgrade", CHAIN, "d4", "d4-3", DOWN, .steps = "d4 c3 b2", .after = "a1"},
	/* one below the root: everything goes */
	{"revision_minus_n_downgrade", CHAIN, "d4", "d4-4", DOWN, .steps = "d4 c3 b2 a1", .after = ""},
	{"revision_minus_n_downgrade", CHAIN, "d4", "a1-1", DOWN, .steps = "d4 c3 b2 a1"},
	{"revision_minus_n_downgrade", CHAIN, "d4", "d4-5", DOWN, .status = MG_ERR_STATE},
	{"revision_minus_n_downgrade", CHAIN, "d4", "c3-1", DOWN, .steps = "d4 c3", .after = "a1 b2"},
	{"revision_minus_n_upgrade", CHAIN, "", "d4-1", UP, .steps = "a1 b2 c3"},
	{"revision_minus_n_upgrade", CHAIN, "", "d4-4", UP, .steps = ""},
	{"revision_minus_n_through_a_merge", "r a<r b<r mm1<a,b t<mm1", "t", "mm1-1", DOWN, .status = MG_ERR_AMBIGUOUS, .contains = {"mm1"}},
	{"revision_minus_n_through_a_merge", "r a<r b<r mm1<a,b t<mm1", "t", "t-1", DOWN, .steps = "t"},
	{"unknown_branch_labels", BR, "a2 b2", "nolabel@head", UP, .status = MG_ERR_NOT_FOUND, .contains = {"nolabel"}},
	{"unknown_branch_labels", BR, "a2 b2", "nolabel@-1", DOWN, .status = MG_ERR_NOT_FOUND, .contains = {"nolabel"}},
	{"unknown_branch_labels", BR, "a2 b2", "nolabel@base", DOWN, .status = MG_ERR_NOT_FOUND, .contains = {"nolabel"}},
	{"unknown_branch_labels", BR, "a2 b2", "zzzz9+1", UP, .status = MG_ERR_NOT_FOUND, .contains = {"zzzz9"}},
	{"downgrade_to_an_unapplied_revision", CHAIN, "b2", "d4", DOWN, .status = MG_ERR_STATE, .contains = {"d4"}},
	{"downgrade_to_an_unapplied_revision", CHAIN, "b2", "heads", DOWN, .status = MG_ERR_STATE},
	{"downgrade_to_an_unapplied_revision", BR, "a2", "b1", DOWN, .status = MG_ERR_STATE, .contains = {"b1"}},
	{"downgrade_keeps_other_branches", BR, "a2 b2", "a1", DOWN, .steps = "a2", .after = "a1 b1 b2 r", .vset = "a1 b2"},
	{"downgrade_keeps_other_branches", BR, "a2 b2", "B", DOWN, .steps = "b2"},
	{"downgrade_runs_in_reverse_order", BR, "a2 b2", "base", DOWN, .steps = "b2 b1 a2 a1 r"},
	{"downgrade_runs_in_reverse_order", "m c a<m", "a c", "base", DOWN, .steps = "a m c"},
	{"downgrade_to_the_current_state_does_nothing", CHAIN, "d4", "d4", DOWN, .steps = ""},
	{"downgrade_to_the_current_state_does_nothing", CHAIN, "d4", "heads", DOWN, .steps = ""},
	{"downgrade_to_the_current_state_does_nothing", CHAIN, "d4", "head", DOWN, .steps = ""},
	{"downgrade_below_a_merge", "r a<r b<r mm1<a,b t<mm1", "t", "a", DOWN, .steps = "t mm1", .after = "a b r"},
	{"upgrade_pulls_in_dependencies", "r a1<r a2<a1 b1<r~a2", "", "b1", UP, .steps = "r a1 a2 b1"},
	{"upgrade_pulls_in_dependencies", "r a1<r a2<a1 b1<r~a2", "a1", "b1", UP, .steps = "a2 b1"},
	{"stamp_moves_the_line_to_the_target", CHAIN, "d4", "b2", STAMP, .downgrade = -1, .steps = "d4 c3", .after = "a1 b2"},
	{"stamp_moves_the_line_to_the_target", CHAIN, "", "c3", STAMP, .steps = "a1 b2 c3", .after = "a1 b2 c3"},
	{"stamp_keeps_unrelated_branches", BR, "a2", "b1", STAMP, .steps = "b1", .after = "a1 a2 b1 r"},
	{"stamp_keeps_unrelated_branches", BR, "a2 b2", "b1", STAMP, .steps = "b2", .after = "a1 a2 b1 r"},
	{"stamp_base", BR, "a2 b2", "base", STAMP, .after = ""},
	{"stamp_base", BR, "a2 b2", "base", STAMP, .purge = true, .after = ""},
	{"stamp_relative", CHAIN, "d4", "-2", STAMP, .after = "a1 b2"},
	{"stamp_relative", CHAIN, "b2", "+1", STAMP, .after = "a1 b2 c3"},
};

static void
check_plan_row(const void *row)
{
	const PlanRow *r = row;
	MgGraph    *g = t_graph(r->graph);
	const uint8_t *applied = t_applied(g, r->applied);
	MgPlan	   *p;

	if (r->status != MG_OK)
	{
		MgError    *e = t_plan_err(g, r->target, r->op, applied, r->status);

		CHECK_CONTAINS_ALL(e->message, r->contains);
		return;
	}
	p = t_plan(g, r->target, r->op, applied, r->purge);
	if (r->downgrade)
		CHECK_MSG(p->downgrade == (r->downgrade > 0),
				  "plan \"%s\": expected %sa downgrade", r->target,
				  r->downgrade > 0 ? "" : "not ");
	if (r->steps)
		CHECK_STR(t_ids(g, &p->steps), r->steps);
	if (r->after)
		CHECK_STR(t_set(g, p->after), r->after);
	if (r->vset)
		CHECK_STR(t_vset(g, p->after), r->vset);
}

ROWS_CASE(plan_case, plan_rows, check_plan_row)

/* ---- heads, head, base ---- */

TEST(head_with_several_heads_is_ambiguous)
{
	MgGraph    *g = t_graph(BR);
	MgOp		ops[] = {UP, DOWN, STAMP};

	for (int i = 0; i < 3; i++)
	{
		MgError    *e = t_plan_err(g, "head", ops[i], t_applied(g, "a2 b2"),
								   MG_ERR_AMBIGUOUS);

		CHECK_STR(e->message, MULTIPLE_HEADS);
	}
}

TEST(base_target)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *top = t_applied(g, "d4");
	MgPlan	   *up = t_plan(g, "base", UP, top, false);
	MgPlan	   *down = t_plan(g, "base", DOWN, top, false);

	CHECK_INT(up->steps.count, 0);
	CHECK_STR(t_set(g, up->after), "a1 b2 c3 d4");
	CHECK(down->downgrade);
	CHECK_STR(t_ids(g, &down->steps), "d4 c3 b2 a1");
	CHECK_STR(t_set(g, down->after), "");
}

/* ---- ids, labels, prefixes ---- */

TEST(resolution_order_id_label_prefix)
{
	/* "beef" is an id and a prefix of "beefcafe"; "1234" is a label and a
	 * prefix of "1234abcd" */
	MgGraph    *g = t_graph("beef beefcafe<beef 1234abcd 9999<1234abcd@1234");

	CHECK_STR(single(g, "beef", NULL), "beef");
	CHECK_STR(single(g, "1234", NULL), "9999");
	CHECK_STR(single(g, "beefc", NULL), "beefcafe");
	CHECK_STR(single(g, "1234a", NULL), "1234abcd");
}

TEST(ambiguous_prefix_lists_candidates)
{
	MgGraph    *g = t_graph("abcd1111 abcd2222<abcd1111 abcd3333<abcd1111 abce4444");
	MgError    *e = t_plan_err(g, "abcd", UP, t_applied(g, ""), MG_ERR_AMBIGUOUS);
	int			node = -1;

	CHECK_CONTAINS(e->message, "abcd1111");
	CHECK_CONTAINS(e->message, "abcd2222");
	CHECK_CONTAINS(e->message, "abcd3333");
	CHECK_NOT_CONTAINS(e->message, "abce4444");
	CHECK_STATUS(mg_target_single(g, "abcd", NULL, &node, e), MG_ERR_AMBIGUOUS, e);
	CHECK_STR(steps(g, "abcd2", UP, t_applied(g, "")), "abcd1111 abcd2222");
}

/* ---- label@head, label@base ---- */

TEST(label_at_base)
{
	/* A is declared on a2; its branch starts at a1 */
	MgGraph    *g = t_graph("r a1<r a2<a1@A a3<a2 b1<r");
	MgPlan	   *down;

	CHECK_STR(steps(g, "A@base", UP, t_applied(g, "")), "r a1");
	down = t_plan(g, "A@base", DOWN, t_applied(g, "a3 b1"), false);
	CHECK_STR(t_ids(g, &down->steps), "a3 a2 a1");
	CHECK_STR(t_set(g, down->after), "b1 r");
}

/* ---- +N / -N from the current state ---- */

/*
 * Branch A has nothing of its own applied (the database is at b1, only the
 * shared root r is on A's line): "A@-1" must not take branch B's b1 away.
 * Refusing (as before the branch-tip change) or doing nothing are both
 * fine; removing r, and with it b1, is not.
 */
TEST(label_minus_n_keeps_other_branches)
{
	MgGraph    *g = t_graph(BR);
	uint8_t    *at_b1 = t_applied(g, "b1");
	MgPlan		p;
	MgError		err;
	MgStatus	st = mg_plan(g, "A@-1", DOWN, at_b1, false, &p, &err);

	if (st == MG_OK)
	{
		const char *removed = t_ids(g, &p.steps);
		bool		kept = p.after[t_node(g, "b1")];

		mg_plan_free(&p);
		CHECK_MSG(kept, "downgrade A@-1 from b1 removes \"%s\", b1 included", removed);
	}
	/* with A's own revision applied it is that one that goes */
	CHECK_STR(steps(g, "A@-1", DOWN, t_applied(g, "a1 b1")), "a1");
}

TEST(minus_n_removes_what_depends_on_it)
{
	/* d depends on b: removing b removes d too, dependents first */
	MgGraph    *g = t_graph("a b<a c<b@C d<a~b");
	uint8_t    *all = t_applied(g, "c d");
	MgPlan	   *p = t_plan(g, "C@-2", DOWN, all, false);

	CHECK_STR(t_vset(g, all), "c d");
	CHECK_STR(t_ids(g, &p->steps), "d c b");
	CHECK_STR(t_set(g, p->after), "a");
}

/* ---- malformed targets ---- */

TEST(malformed_targets)
{
	static const char *const bad[] = {
		"+x", "+0", "-0", "+", "-", "", "+1x", "++1", "a1@b@c", "@head",
		"A@", "A@foo", "A@+x", "a1+", "a1+x", "a1-0", "a1+-1",
	};
	MgGraph    *g = t_graph(BR);
	uint8_t    *all = t_applied(g, "a2 b2");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (int op = UP; op <= STAMP; op++)
		{
			MgPlan		p;
			MgError		err;
			MgStatus	st = mg_plan(g, bad[i], (MgOp) op, all, false, &p, &err);

			if (st == MG_OK)
			{
				mg_plan_free(&p);
				t_fail(__FILE__, __LINE__, "target \"%s\" accepted", bad[i]);
			}
			CHECK_MSG(st == MG_ERR_TARGET,
					  "target \"%s\": expected MG_ERR_TARGET, got %s (%s)",
					  bad[i], t_status_name(st), err.message);
		}
}

/* ---- downgrade ---- */

TEST(upgrade_never_removes)
{
	MgGraph    *g = t_graph(CHAIN);
	MgPlan	   *p = t_plan(g, "b2", UP, t_applied(g, "d4"), false);

	CHECK_INT(p->steps.count, 0);
	CHECK_STR(t_set(g, p->after), "a1 b2 c3 d4");
}

TEST(expand_contract_round_trip)
{
	MgGraph    *g = t_graph("r e1<r@expand e2<e1 c1<r@contract c2<c1~e2");
	MgPlan	   *up = t_plan(g, "heads", UP, t_applied(g, ""), false);
	MgPlan	   *down = t_plan(g, "-1", DOWN, up->after, false);
	MgPlan	   *down2 = t_plan(g, "expand@-1", DOWN, down->after, false);

	CHECK_STR(t_vset(g, up->after), "c2");
	CHECK_STR(t_ids(g, &down->steps), "c2");
	CHECK_STR(t_vset(g, down->after), "c1 e2");
	CHECK_STR(t_ids(g, &down2->steps), "e2");
	CHECK_STR(t_vset(g, down2->after), "c1 e1");
	/* removing e2 while c2 is applied takes c2 with it */
	CHECK_STR(steps(g, "e1", DOWN, up->after), "c2 e2");
	CHECK_STR(steps(g, "expand@-1", DOWN, up->after), "c2 e2");
	CHECK_STR(steps(g, "contract@-1", DOWN, up->after), "c2");
}

TEST(current_target)
{
	MgGraph    *g = t_graph(BR);
	uint8_t    *at = t_applied(g, "a1 b2");
	int			node = -1;
	MgError    *err = t_alloc(sizeof(MgError));

	CHECK_STR(steps(g, "current", UP, at), "");
	CHECK_STR(steps(g, "current", DOWN, at), "");
	CHECK_STR(after(g, "current", STAMP, at), "a1 b1 b2 r");
	CHECK_STATUS(mg_target_single(g, "current", at, &node, err), MG_ERR_AMBIGUOUS, err);
	CHECK_STR(single(g, "current", t_applied(g, "b1")), "b1");
}

/* ---- stamp ---- */

TEST(stamp_purge_keeps_only_the_target)
{
	MgGraph    *g = t_graph(BR);
	MgPlan	   *p = t_plan(g, "b1", STAMP, t_applied(g, "a2 b2"), true);

	CHECK_STR(t_set(g, p->after), "b1 r");
	CHECK_STR(t_vset(g, p->after), "b1");
	CHECK_INT(p->steps.count, 3);
	p = t_plan(g, "heads", STAMP, t_applied(g, "a1"), true);
	CHECK_STR(t_vset(g, p->after), "a2 b2");
}

/* ---- plan_auto, target_single, target_resolve ---- */

static void
plan_free_cb(void *p)
{
	mg_plan_free(p);
}

static MgPlan *
auto_plan(const MgGraph *g, const char *target, const uint8_t *applied)
{
	MgPlan	   *p = t_alloc(sizeof(MgPlan));
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st = mg_plan_auto(g, target, applied, p, err);

	if (st != MG_OK)
		t_fail(__FILE__, __LINE__, "plan_auto \"%s\" failed: %s", target, err->message);
	t_defer(plan_free_cb, p);
	return p;
}

TEST(plan_auto_picks_the_direction)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *at = t_applied(g, "b2");
	MgPlan	   *p;

	p = auto_plan(g, "d4", at);
	CHECK(!p->downgrade);
	CHECK_STR(t_ids(g, &p->steps), "c3 d4");
	p = auto_plan(g, "a1", at);
	CHECK(p->downgrade);
	CHECK_STR(t_ids(g, &p->steps), "b2");
	p = auto_plan(g, "b2", at);
	CHECK_INT(p->steps.count, 0);
	p = auto_plan(g, "-1", at);
	CHECK(p->downgrade);
	CHECK_STR(t_ids(g, &p->steps), "b2");
	p = auto_plan(g, "base", at);
	CHECK_STR(t_ids(g, &p->steps), "b2 a1");
}

TEST(target_single)
{
	MgGraph    *g = t_graph(CHAIN);
	MgGraph    *br = t_graph(BR);
	MgError    *err = t_alloc(sizeof(MgError));
	int			node = -1;

	CHECK_STR(single(g, "c3", NULL), "c3");
	CHECK_STR(single(g, "b2+1", NULL), "c3");
	CHECK_STR(single(g, "heads", NULL), "d4");
	CHECK_STR(single(g, "+1", t_applied(g, "a1")), "b2");
	CHECK_STATUS(mg_target_single(g, "base", NULL, &node, err), MG_ERR_NOT_FOUND, err);
	CHECK_STR(single(br, "A", NULL), "a1");
	CHECK_STR(single(br, "A@head", NULL), "a2");
	CHECK_STATUS(mg_target_single(br, "heads", NULL, &node, err), MG_ERR_AMBIGUOUS, err);
	CHECK_STATUS(mg_target_single(br, "head", NULL, &node, err), MG_ERR_AMBIGUOUS, err);
	CHECK_STR(err->message, MULTIPLE_HEADS);
	CHECK_STATUS(mg_target_single(br, "nope", NULL, &node, err), MG_ERR_NOT_FOUND, err);
}

/* mg_target_resolve that must succeed with kind; its nodes as "x y". */
static const char *
resolved(const MgGraph *g, const char *target, MgOp op, const uint8_t *applied,
		 MgTargetKind kind)
{
	MgTarget	t;
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st = mg_target_resolve(g, target, op, applied, &t, err);
	MgTargetKind got;
	const char *ids;

	CHECK_STATUS(st, MG_OK, err);
	got = t.kind;
	ids = t_ids(g, &t.nodes);
	mg_target_free(&t);
	CHECK_INT(got, kind);
	return ids;
}

TEST(target_resolve_kinds)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *top = t_applied(g, "d4");

	CHECK_STR(resolved(g, "base", UP, top, MG_TARGET_BASE), "");
	CHECK_STR(resolved(g, "-2", DOWN, top, MG_TARGET_REMOVE), "c3");
	CHECK_STR(resolved(g, "c3", DOWN, top, MG_TARGET_SET), "c3");
}

/*
 * mg_error() accepts a NULL MgError; the status a function returns must be
 * the same whether or not the caller asked for the details.
 */
TEST(status_does_not_depend_on_err)
{
	MgGraph    *g = t_graph("abcd1111 abcd2222<abcd1111 r2 x<r2 y<r2");
	uint8_t    *none = t_applied(g, "");
	uint8_t    *at_r2 = t_applied(g, "r2");
	static const struct
	{
		const char *target;
		int			state;		/* 0: nothing applied, 1: r2 applied */
		MgStatus	expected;
	}			cases[] = {
		{"abcd", 0, MG_ERR_AMBIGUOUS},	/* ambiguous prefix */
		{"+1", 0, MG_ERR_AMBIGUOUS},	/* two bases */
		{"+1", 1, MG_ERR_AMBIGUOUS},	/* r2 branches into x and y */
		{"r2+1", 0, MG_ERR_AMBIGUOUS},
		{"zzzz", 0, MG_ERR_NOT_FOUND},
		{"y+1", 0, MG_ERR_STATE},
	};
	MgBuf		b;
	char	   *list;

	mg_buf_init(&b);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		const uint8_t *applied = cases[i].state ? at_r2 : none;
		MgPlan		p;
		MgError		err;
		MgStatus	with = mg_plan(g, cases[i].target, UP, applied, false, &p, &err);
		MgStatus	without;

		if (with == MG_OK)
			mg_plan_free(&p);
		without = mg_plan(g, cases[i].target, UP, applied, false, &p, NULL);
		if (without == MG_OK)
			mg_plan_free(&p);
		if (with != cases[i].expected || without != cases[i].expected)
			mg_buf_printf(&b, "%s\"%s\": expected %s, got %s with an MgError and %s without",
						  b.len ? "; " : "", cases[i].target,
						  t_status_name(cases[i].expected),
						  t_status_name(with), t_status_name(without));
	}
	list = t_printf("%s", b.data);
	mg_buf_free(&b);
	CHECK_MSG(list[0] == '\0', "%s", list);
}

/* ---- invariants over many states and targets ---- */

static void
check_plan_invariants(const MgGraph *g, const char *target, MgOp op,
					  const uint8_t *applied, bool purge, int *ok, int *failed)
{
	MgPlan		p;
	MgError		err;
	MgStatus	st;
	uint8_t    *done = t_alloc((size_t) g->n);
	int			adds = 0,
				removes = 0;

	mg_error_clear(&err);
	st = mg_plan(g, target, op, applied, purge, &p, &err);
	if (st != MG_OK)
	{
		(*failed)++;
		CHECK_MSG(st != MG_ERR_SYNTAX && st != MG_ERR_GRAPH && st != MG_ERR_DIALECT &&
				  err.status == st && err.message[0] != '\0',
				  "\"%s\" (op %d): bad error %s \"%s\"", target, (int) op,
				  t_status_name(st), err.message);
		return;
	}
	(*ok)++;
	memcpy(done, applied, (size_t) g->n);
	for (int i = 0; i < g->n; i++)
	{
		if (p.after[i] && !applied[i])
			adds++;
		if (!p.after[i] && applied[i])
			removes++;
	}
	if (op == UP && removes > 0)
	{
		mg_plan_free(&p);
		t_fail(__FILE__, __LINE__, "upgrade \"%s\" removes revisions", target);
	}
	if (op == DOWN && adds > 0)
	{
		mg_plan_free(&p);
		t_fail(__FILE__, __LINE__, "downgrade \"%s\" adds revisions", target);
	}
	if (p.steps.count != adds + removes)
	{
		int			n = p.steps.count;

		mg_plan_free(&p);
		t_fail(__FILE__, __LINE__, "\"%s\" (op %d): %d steps for %d changes",
			   target, (int) op, n, adds + removes);
	}
	/* replay the steps: each one keeps the applied set closed */
	for (int k = 0; k < p.steps.count; k++)
	{
		int			v = p.steps.items[k];

		done[v] = !done[v];
		for (int i = 0; i < g->n; i++)
		{
			const MgNode *nd = &g->nodes[i];
			bool		bad = false;

			if (!done[i])
				continue;
			for (int j = 0; j < nd->parents.count; j++)
				bad |= !done[nd->parents.items[j]];
			for (int j = 0; j < nd->deps.count; j++)
				bad |= !done[nd->deps.items[j]];
			if (bad && op != STAMP)
			{
				const char *id = g->nodes[v].id;

				mg_plan_free(&p);
				t_fail(__FILE__, __LINE__, "\"%s\" (op %d): step %d (%s) leaves %s without its parents",
					   target, (int) op, k, id, nd->id);
			}
		}
	}
	if (memcmp(done, p.after, (size_t) g->n) != 0)
	{
		mg_plan_free(&p);
		t_fail(__FILE__, __LINE__, "\"%s\": replaying the steps does not give after", target);
	}
	{
		uint8_t    *copy = t_alloc((size_t) g->n);

		memcpy(copy, p.after, (size_t) g->n);
		mg_plan_free(&p);
		CHECK_CLOSED(g, copy);
		/* the version set is stored; its closure must give the set back */
		CHECK_MSG(memcmp(t_applied(g, t_vset(g, copy)), copy, (size_t) g->n) == 0,
				  "\"%s\": version set %s does not give back %s", target,
				  t_vset(g, copy), t_set(g, copy));
	}
}

TEST(plans_are_consistent_everywhere)
{
	MgGraph    *g = t_graph("r a1<r@A a2<a1 a3<a2 b1<r@B b2<b1 mm<a2,b2 t1<mm "
							"x1~b1@X x2<x1 c1<r~a3 c2<c1");
	static const char *const targets[] = {
		"heads", "head", "base", "+1", "+2", "-1", "-2", "+9", "-9",
		"A@head", "A@base", "A@+1", "A@-1", "B@head", "B@base", "B@+2", "B@-2",
		"X@-1", "X@+1", "a1+1", "a2-1", "mm-2", "t1-1", "mm+1", "c2-2", "r+2",
		"x2-1", "b1", "a3", "A", "B", "X",
	};
	int			ok = 0,
				failed = 0;

	for (int s = -1; s <= g->n; s++)
	{
		uint8_t    *applied;

		if (s < 0)
			applied = t_applied(g, "");
		else if (s == g->n)
			applied = t_applied(g, "t1 x2 c2");
		else
			applied = t_applied(g, g->nodes[s].id);
		for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++)
		{
			const char *tg = targets[k];

			check_plan_invariants(g, tg, UP, applied, false, &ok, &failed);
			check_plan_invariants(g, tg, DOWN, applied, false, &ok, &failed);
			check_plan_invariants(g, tg, STAMP, applied, false, &ok, &failed);
			check_plan_invariants(g, tg, STAMP, applied, true, &ok, &failed);
		}
		for (int v = 0; v < g->n; v++)
		{
			check_plan_invariants(g, g->nodes[v].id, UP, applied, false, &ok, &failed);
			check_plan_invariants(g, g->nodes[v].id, DOWN, applied, false, &ok, &failed);
			check_plan_invariants(g, g->nodes[v].id, STAMP, applied, false, &ok, &failed);
		}
	}
	CHECK(ok > 100);
	CHECK(failed > 0);
}

/* A small deterministic generator (no libc rand: same graphs everywhere). */
static uint32_t
next_rand(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/* Random DAG as a t_graph spec: edges always point to earlier nodes. */
static const char *
random_spec(uint32_t *rs, int n)
{
	MgBuf		b;
	const char *spec;
	int			labels = 0;

	mg_buf_init(&b);
	for (int i = 0; i < n; i++)
	{
		uint32_t	r = next_rand(rs) % 100;
		int			p1 = i > 0 ? (int) (next_rand(rs) % (uint32_t) i) : -1;
		int			p2 = i > 1 ? (int) (next_rand(rs) % (uint32_t) i) : -1;

		mg_buf_printf(&b, "%sn%02d", i ? " " : "", i);
		if (i > 0 && r >= 10)
		{
			mg_buf_printf(&b, "<n%02d", p1);
			if (r >= 80 && p2 >= 0 && p2 != p1)
				mg_buf_printf(&b, ",n%02d", p2);
		}
		if (i > 1 && next_rand(rs) % 100 < 15)
			mg_buf_printf(&b, "~n%02d", (int) (next_rand(rs) % (uint32_t) i));
		if (next_rand(rs) % 100 < 20)
			mg_buf_printf(&b, "@L%d", labels++);
	}
	spec = t_printf("%s", b.data);
	mg_buf_free(&b);
	return spec;
}

/* Strict descendants of v through children and dependents. */
static uint8_t *
above_of(const MgGraph *g, int v)
{
	uint8_t    *set = t_alloc((size_t) g->n);
	int		   *stack = t_alloc(sizeof(int) * (size_t) g->n);
	int			sp = 0;

	stack[sp++] = v;
	while (sp > 0)
	{
		const MgNode *nd = &g->nodes[stack[--sp]];

		for (int pass = 0; pass < 2; pass++)
		{
			const MgIntList *l = pass ? &nd->dependents : &nd->children;

			for (int k = 0; k < l->count; k++)
				if (!set[l->items[k]])
				{
					set[l->items[k]] = 1;
					stack[sp++] = l->items[k];
				}
		}
	}
	return set;
}

/* What upgrade, downgrade and stamp to one revision id must do. */
static void
check_id_semantics(const MgGraph *g, int v, const uint8_t *applied)
{
	const char *id = g->nodes[v].id;
	uint8_t    *above = above_of(g, v);
	MgPlan	   *up = t_plan(g, id, UP, applied, false);
	MgPlan	   *stamp = t_plan(g, id, STAMP, applied, false);
	MgPlan	   *purge = t_plan(g, id, STAMP, applied, true);

	CHECK_MSG(up->after[v], "upgrade %s leaves it unapplied", id);
	CHECK_MSG(stamp->after[v] && purge->after[v], "stamp %s leaves it unapplied", id);
	for (int i = 0; i < g->n; i++)
	{
		CHECK_MSG(!(above[i] && stamp->after[i]),
				  "stamp %s keeps %s above it", id, g->nodes[i].id);
		CHECK_MSG(!(above[i] && purge->after[i]),
				  "stamp --purge %s keeps %s above it", id, g->nodes[i].id);
		CHECK_MSG(above[i] || !applied[i] || stamp->after[i],
				  "stamp %s drops unrelated %s", id, g->nodes[i].id);
	}
	if (applied[v])
	{
		MgPlan	   *down = t_plan(g, id, DOWN, applied, false);

		for (int i = 0; i < g->n; i++)
			CHECK_MSG(down->after[i] == (applied[i] && !above[i]),
					  "downgrade %s: %s is %s afterwards", id, g->nodes[i].id,
					  down->after[i] ? "applied" : "not applied");
	}
	else
		t_plan_err(g, id, DOWN, applied, MG_ERR_STATE);
}

#ifndef RANDOM_ROUNDS
#define RANDOM_ROUNDS 40
#endif

/* MG_UNIT_SEED in the environment picks other graphs (default 12345). */
TEST(plans_are_consistent_on_random_graphs)
{
	const char *seed = getenv("MG_UNIT_SEED");
	uint32_t	rs = seed ? (uint32_t) strtoul(seed, NULL, 10) : 12345u;
	int			ok = 0,
				failed = 0;

	for (int round = 0; round < RANDOM_ROUNDS; round++)
	{
		int			n = 5 + (int) (next_rand(&rs) % 10);
		const char *spec = random_spec(&rs, n);
		MgGraph    *g = t_graph(spec);
		const char *targets[64];
		int			nt = 0;

		targets[nt++] = "heads";
		targets[nt++] = "head";
		targets[nt++] = "base";
		targets[nt++] = "+1";
		targets[nt++] = "+2";
		targets[nt++] = "-1";
		targets[nt++] = "-2";
		for (int i = 0; i < g->n && nt < 60; i++)
		{
			const MgNode *nd = &g->nodes[i];

			targets[nt++] = nd->id;
			if (i % 3 == 0)
				targets[nt++] = t_printf("%s-%d", nd->id, 1 + i % 2);
			if (i % 3 == 1)
				targets[nt++] = t_printf("%s+1", nd->id);
			if (nd->labels.count > 0 && nt < 58)
			{
				targets[nt++] = t_printf("%s@%s", nd->labels.items[0],
										 i % 2 ? "head" : "base");
				targets[nt++] = t_printf("%s@%s", nd->labels.items[0],
										 i % 2 ? "-1" : "+1");
			}
		}
		for (int st = 0; st < 4; st++)
		{
			const char *versions = st == 0 ? "" :
				t_printf("%s %s", g->nodes[next_rand(&rs) % (uint32_t) g->n].id,
						 st > 1 ? g->nodes[next_rand(&rs) % (uint32_t) g->n].id : "");
			uint8_t    *applied = t_applied(g, versions);

			for (int k = 0; k < nt; k++)
			{
				check_plan_invariants(g, targets[k], UP, applied, false, &ok, &failed);
				check_plan_invariants(g, targets[k], DOWN, applied, false, &ok, &failed);
				check_plan_invariants(g, targets[k], STAMP, applied, st % 2 == 1, &ok, &failed);
			}
			for (int v = 0; v < g->n; v++)
				check_id_semantics(g, v, applied);
		}
	}
	CHECK(ok > 1000);
}

const TestCase target_cases[] = {
	TC_ROWS(upgrade_heads_on_a_chain, plan_case),
	TC_ROWS(upgrade_heads_on_branches, plan_case),
	TC_ROWS(upgrade_order_smallest_ready_first, plan_case),
	TC_ROWS(upgrade_head_with_one_head, plan_case),
	TC(head_with_several_heads_is_ambiguous),
	TC(base_target),
	TC_ROWS(upgrade_to_a_revision, plan_case),
	TC_ROWS(upgrade_to_a_label, plan_case),
	TC(resolution_order_id_label_prefix),
	TC_ROWS(unique_prefix, plan_case),
	TC(ambiguous_prefix_lists_candidates),
	TC_ROWS(short_prefix_is_not_found, plan_case),
	TC_ROWS(unknown_revision_is_not_found, plan_case),
	TC_ROWS(label_at_head, plan_case),
	TC_ROWS(label_at_head_with_several_heads, plan_case),
	TC(label_at_base),
	TC_ROWS(label_at_base_downgrade_removes_the_branch, plan_case),
	TC_ROWS(label_at_base_on_a_single_line, plan_case),
	TC_ROWS(plus_n_from_base, plan_case),
	TC_ROWS(plus_n_from_current, plan_case),
	TC_ROWS(plus_n_through_a_branch_point_is_ambiguous, plan_case),
	TC_ROWS(plus_n_with_several_current_heads, plan_case),
	TC_ROWS(label_plus_n_from_base, plan_case),
	TC_ROWS(label_plus_n_from_shared_trunk, plan_case),
	TC(label_minus_n_keeps_other_branches),
	TC_ROWS(minus_n_on_a_chain, plan_case),
	TC_ROWS(minus_n_with_nothing_applied, plan_case),
	TC_ROWS(minus_n_with_several_current_heads, plan_case),
	TC_ROWS(label_minus_n_on_one_branch, plan_case),
	TC_ROWS(minus_n_through_a_merge, plan_case),
	TC(minus_n_removes_what_depends_on_it),
	TC_ROWS(revision_plus_n, plan_case),
	TC_ROWS(revision_minus_n_downgrade, plan_case),
	TC_ROWS(revision_minus_n_upgrade, plan_case),
	TC_ROWS(revision_minus_n_through_a_merge, plan_case),
	TC(malformed_targets),
	TC_ROWS(unknown_branch_labels, plan_case),
	TC_ROWS(downgrade_to_an_unapplied_revision, plan_case),
	TC_ROWS(downgrade_keeps_other_branches, plan_case),
	TC_ROWS(downgrade_runs_in_reverse_order, plan_case),
	TC_ROWS(downgrade_to_the_current_state_does_nothing, plan_case),
	TC_ROWS(downgrade_below_a_merge, plan_case),
	TC(upgrade_never_removes),
	TC_ROWS(upgrade_pulls_in_dependencies, plan_case),
	TC(expand_contract_round_trip),
	TC(current_target),
	TC_ROWS(stamp_moves_the_line_to_the_target, plan_case),
	TC_ROWS(stamp_keeps_unrelated_branches, plan_case),
	TC(stamp_purge_keeps_only_the_target),
	TC_ROWS(stamp_base, plan_case),
	TC_ROWS(stamp_relative, plan_case),
	TC(plan_auto_picks_the_direction),
	TC(target_single),
	TC(target_resolve_kinds),
	TC(status_does_not_depend_on_err),
	TC(plans_are_consistent_everywhere),
	TC(plans_are_consistent_on_random_graphs),
	TC_END
};
