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

/* ---- heads, head, base ---- */

TEST(upgrade_heads_on_a_chain)
{
	MgGraph    *g = t_graph(CHAIN);
	MgPlan	   *p = t_plan(g, "heads", UP, t_applied(g, ""), false);

	CHECK(!p->downgrade);
	CHECK_STR(t_ids(g, &p->steps), "a1 b2 c3 d4");
	CHECK_STR(t_set(g, p->after), "a1 b2 c3 d4");
	CHECK_STR(t_vset(g, p->after), "d4");
	CHECK_STR(steps(g, "heads", UP, t_applied(g, "b2")), "c3 d4");
	CHECK_STR(steps(g, "heads", UP, t_applied(g, "d4")), "");
}

TEST(upgrade_heads_on_branches)
{
	MgGraph    *g = t_graph(BR);
	MgPlan	   *p = t_plan(g, "heads", UP, t_applied(g, ""), false);

	CHECK_STR(t_ids(g, &p->steps), "r a1 a2 b1 b2");
	CHECK_STR(t_vset(g, p->after), "a2 b2");
	CHECK_STR(steps(g, "heads", UP, t_applied(g, "a2")), "b1 b2");
}

TEST(upgrade_order_smallest_ready_first)
{
	MgGraph    *g = t_graph("m c a<m");

	CHECK_STR(steps(g, "heads", UP, t_applied(g, "")), "c m a");
	CHECK_STR(steps(g, "heads", UP, t_applied(g, "m")), "a c");
}

TEST(upgrade_head_with_one_head)
{
	MgGraph    *g = t_graph(CHAIN);

	CHECK_STR(steps(g, "head", UP, t_applied(g, "")), "a1 b2 c3 d4");
	CHECK_STR(steps(g, "head", UP, t_applied(g, "b2")), "c3 d4");
}

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

TEST(upgrade_to_a_revision)
{
	MgGraph    *g = t_graph(CHAIN);
	MgPlan	   *p = t_plan(g, "b2", UP, t_applied(g, ""), false);

	CHECK_STR(t_ids(g, &p->steps), "a1 b2");
	CHECK_STR(t_vset(g, p->after), "b2");
	CHECK_STR(steps(g, "c3", UP, t_applied(g, "a1")), "b2 c3");
}

TEST(upgrade_to_a_label)
{
	MgGraph    *g = t_graph(BR);

	CHECK_STR(steps(g, "B", UP, t_applied(g, "")), "r b1");
	CHECK_STR(steps(g, "A", UP, t_applied(g, "b2")), "a1");
}

TEST(resolution_order_id_label_prefix)
{
	/* "beef" is an id and a prefix of "beefcafe"; "1234" is a label and a
	 * prefix of "1234abcd" */
	MgGraph    *g = t_graph("beef beefcafe<beef 1234abcd 9999<1234abcd@1234");
	int			node = -1;
	MgError    *err = t_alloc(sizeof(MgError));

	CHECK_STATUS(mg_target_single(g, "beef", NULL, &node, err), MG_OK, err);
	CHECK_STR(g->nodes[node].id, "beef");
	CHECK_STATUS(mg_target_single(g, "1234", NULL, &node, err), MG_OK, err);
	CHECK_STR(g->nodes[node].id, "9999");
	CHECK_STATUS(mg_target_single(g, "beefc", NULL, &node, err), MG_OK, err);
	CHECK_STR(g->nodes[node].id, "beefcafe");
	CHECK_STATUS(mg_target_single(g, "1234a", NULL, &node, err), MG_OK, err);
	CHECK_STR(g->nodes[node].id, "1234abcd");
}

TEST(unique_prefix)
{
	MgGraph    *g = t_graph("5aa5020316c5 5ab000000000<5aa5020316c5");

	CHECK_STR(steps(g, "5aa5", UP, t_applied(g, "")), "5aa5020316c5");
	CHECK_STR(steps(g, "5ab0", UP, t_applied(g, "")), "5aa5020316c5 5ab000000000");
	CHECK_STR(steps(g, "5aa502", DOWN, t_applied(g, "5ab000000000")), "5ab000000000");
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

TEST(short_prefix_is_not_found)
{
	MgGraph    *g = t_graph("abcd1111 ab<abcd1111");
	MgError    *e = t_plan_err(g, "abc", UP, t_applied(g, ""), MG_ERR_NOT_FOUND);

	CHECK_CONTAINS(e->message, "abc");
	/* an exact id shorter than 4 characters is fine */
	CHECK_STR(steps(g, "ab", UP, t_applied(g, "")), "abcd1111 ab");
}

TEST(unknown_revision_is_not_found)
{
	MgGraph    *g = t_graph(CHAIN);
	MgError    *e = t_plan_err(g, "ffff9999", UP, t_applied(g, ""), MG_ERR_NOT_FOUND);

	CHECK_CONTAINS(e->message, "ffff9999");
	e = t_plan_err(g, "nolabel", DOWN, t_applied(g, "d4"), MG_ERR_NOT_FOUND);
	CHECK_CONTAINS(e->message, "nolabel");
}

/* ---- label@head, label@base ---- */

TEST(label_at_head)
{
	MgGraph    *g = t_graph(BR);

	CHECK_STR(steps(g, "A@head", UP, t_applied(g, "")), "r a1 a2");
	CHECK_STR(steps(g, "B@head", UP, t_applied(g, "a2")), "b1 b2");
	CHECK_STR(steps(g, "B@head", DOWN, t_applied(g, "a2 b2")), "");
}

TEST(label_at_head_with_several_heads)
{
	MgGraph    *g = t_graph("r a1<r@A xx77<a1 yy88<a1 b1<r@B");
	MgError    *e = t_plan_err(g, "A@head", UP, t_applied(g, ""), MG_ERR_AMBIGUOUS);

	CHECK_CONTAINS(e->message, "xx77");
	CHECK_CONTAINS(e->message, "yy88");
	CHECK_STR(steps(g, "B@head", UP, t_applied(g, "")), "r b1");
}

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

TEST(label_at_base_downgrade_removes_the_branch)
{
	MgGraph    *g = t_graph(BR);
	MgPlan	   *p = t_plan(g, "A@base", DOWN, t_applied(g, "a2 b2"), false);

	CHECK_STR(t_ids(g, &p->steps), "a2 a1");
	CHECK_STR(t_set(g, p->after), "b1 b2 r");
}

TEST(label_at_base_on_a_single_line)
{
	MgGraph    *g = t_graph("r x<r y<x@L z<y");

	CHECK_STR(steps(g, "L@base", UP, t_applied(g, "")), "r");
	CHECK_STR(steps(g, "L@base", DOWN, t_applied(g, "z")), "z y x r");
}

/* ---- +N / -N from the current state ---- */

TEST(plus_n_from_base)
{
	MgGraph    *g = t_graph(CHAIN);
	MgError    *e;

	CHECK_STR(steps(g, "+1", UP, t_applied(g, "")), "a1");
	CHECK_STR(steps(g, "+2", UP, t_applied(g, "")), "a1 b2");
	CHECK_STR(steps(g, "+4", UP, t_applied(g, "")), "a1 b2 c3 d4");
	e = t_plan_err(g, "+5", UP, t_applied(g, ""), MG_ERR_STATE);
	CHECK_CONTAINS(e->message, "+5");
}

TEST(plus_n_from_current)
{
	MgGraph    *g = t_graph(CHAIN);

	CHECK_STR(steps(g, "+1", UP, t_applied(g, "b2")), "c3");
	CHECK_STR(steps(g, "+2", UP, t_applied(g, "b2")), "c3 d4");
	t_plan_err(g, "+3", UP, t_applied(g, "b2"), MG_ERR_STATE);
	t_plan_err(g, "+1", UP, t_applied(g, "d4"), MG_ERR_STATE);
}

TEST(plus_n_through_a_branch_point_is_ambiguous)
{
	MgGraph    *g = t_graph(BR);
	MgError    *e = t_plan_err(g, "+1", UP, t_applied(g, "r"), MG_ERR_AMBIGUOUS);

	CHECK_CONTAINS(e->message, "a1");
	CHECK_CONTAINS(e->message, "b1");
	t_plan_err(g, "+2", UP, t_applied(g, ""), MG_ERR_AMBIGUOUS);
	/* several bases are a branch point at base */
	g = t_graph("x1 y1 z1<x1");
	t_plan_err(g, "+1", UP, t_applied(g, ""), MG_ERR_AMBIGUOUS);
}

TEST(plus_n_with_several_current_heads)
{
	MgGraph    *g = t_graph(BR);
	uint8_t    *both = t_applied(g, "a1 b1");
	MgError    *e = t_plan_err(g, "+1", UP, both, MG_ERR_AMBIGUOUS);

	CHECK_CONTAINS(e->message, "a1");
	CHECK_CONTAINS(e->message, "b1");
	CHECK_STR(steps(g, "A@+1", UP, both), "a2");
	CHECK_STR(steps(g, "B@+1", UP, both), "b2");
	t_plan_err(g, "A@+2", UP, both, MG_ERR_STATE);
}

TEST(label_plus_n_from_base)
{
	MgGraph    *g = t_graph(BR);

	CHECK_STR(steps(g, "A@+2", UP, t_applied(g, "")), "r a1");
	CHECK_STR(steps(g, "B@+3", UP, t_applied(g, "")), "r b1 b2");
}

/*
 * Only the shared root r is applied on A's line (the database is at b1):
 * "A@+1" should move one step along A, i.e. apply a1.
 */
TEST(label_plus_n_from_shared_trunk)
{
	MgGraph    *g = t_graph(BR);

	CHECK_STR(steps(g, "A@+1", UP, t_applied(g, "b1")), "a1");
}

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

TEST(minus_n_on_a_chain)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *top = t_applied(g, "d4");
	MgPlan	   *p = t_plan(g, "-1", DOWN, top, false);
	MgError    *e;

	CHECK(p->downgrade);
	CHECK_STR(t_ids(g, &p->steps), "d4");
	CHECK_STR(t_set(g, p->after), "a1 b2 c3");
	CHECK_STR(steps(g, "-2", DOWN, top), "d4 c3");
	CHECK_STR(steps(g, "-4", DOWN, top), "d4 c3 b2 a1");
	CHECK_STR(after(g, "-4", DOWN, top), "");
	e = t_plan_err(g, "-5", DOWN, top, MG_ERR_STATE);
	CHECK_CONTAINS(e->message, "-5");
	CHECK_STR(steps(g, "-1", DOWN, t_applied(g, "b2")), "b2");
}

TEST(minus_n_with_nothing_applied)
{
	MgGraph    *g = t_graph(CHAIN);

	t_plan_err(g, "-1", DOWN, t_applied(g, ""), MG_ERR_STATE);
}

TEST(minus_n_with_several_current_heads)
{
	MgGraph    *g = t_graph(BR);
	uint8_t    *all = t_applied(g, "a2 b2");
	MgError    *e = t_plan_err(g, "-1", DOWN, all, MG_ERR_AMBIGUOUS);
	MgPlan	   *p;

	CHECK_CONTAINS(e->message, "a2");
	CHECK_CONTAINS(e->message, "b2");
	p = t_plan(g, "B@-1", DOWN, all, false);
	CHECK_STR(t_ids(g, &p->steps), "b2");
	CHECK_STR(t_set(g, p->after), "a1 a2 b1 r");
	p = t_plan(g, "A@-2", DOWN, all, false);
	CHECK_STR(t_ids(g, &p->steps), "a2 a1");
	CHECK_STR(t_set(g, p->after), "b1 b2 r");
}

TEST(label_minus_n_on_one_branch)
{
	MgGraph    *g = t_graph(BR);
	MgPlan	   *p = t_plan(g, "A@-1", DOWN, t_applied(g, "a1 b2"), false);

	CHECK_STR(t_ids(g, &p->steps), "a1");
	CHECK_STR(t_set(g, p->after), "b1 b2 r");
}

TEST(minus_n_through_a_merge)
{
	MgGraph    *g = t_graph("r a<r b<r mm1<a,b t<mm1");
	uint8_t    *all = t_applied(g, "t");
	MgError    *e;

	CHECK_STR(steps(g, "-2", DOWN, all), "t mm1");
	e = t_plan_err(g, "-3", DOWN, all, MG_ERR_AMBIGUOUS);
	CHECK_CONTAINS(e->message, "mm1");
	CHECK_STR(steps(g, "-1", DOWN, t_applied(g, "mm1")), "mm1");
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

/* ---- <rev>+N / <rev>-N ---- */

TEST(revision_plus_n)
{
	MgGraph    *g = t_graph(CHAIN);
	MgGraph    *br = t_graph(BR);

	CHECK_STR(steps(g, "a1+2", UP, t_applied(g, "")), "a1 b2 c3");
	CHECK_STR(steps(g, "b2+1", UP, t_applied(g, "a1")), "b2 c3");
	t_plan_err(g, "d4+1", UP, t_applied(g, ""), MG_ERR_STATE);
	t_plan_err(br, "r+1", UP, t_applied(br, ""), MG_ERR_AMBIGUOUS);
	CHECK_STR(steps(br, "a1+1", UP, t_applied(br, "")), "r a1 a2");
	CHECK_STR(steps(br, "A+1", UP, t_applied(br, "")), "r a1 a2");
}

TEST(revision_minus_n_downgrade)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *top = t_applied(g, "d4");

	CHECK_STR(steps(g, "d4-1", DOWN, top), "d4");
	CHECK_STR(after(g, "d4-1", DOWN, top), "a1 b2 c3");
	CHECK_STR(steps(g, "d4-3", DOWN, top), "d4 c3 b2");
	CHECK_STR(after(g, "d4-3", DOWN, top), "a1");
	/* one below the root: everything goes */
	CHECK_STR(steps(g, "d4-4", DOWN, top), "d4 c3 b2 a1");
	CHECK_STR(after(g, "d4-4", DOWN, top), "");
	CHECK_STR(steps(g, "a1-1", DOWN, top), "d4 c3 b2 a1");
	t_plan_err(g, "d4-5", DOWN, top, MG_ERR_STATE);
	CHECK_STR(steps(g, "c3-1", DOWN, top), "d4 c3");
	CHECK_STR(after(g, "c3-1", DOWN, top), "a1 b2");
}

TEST(revision_minus_n_upgrade)
{
	MgGraph    *g = t_graph(CHAIN);

	CHECK_STR(steps(g, "d4-1", UP, t_applied(g, "")), "a1 b2 c3");
	CHECK_STR(steps(g, "d4-4", UP, t_applied(g, "")), "");
}

TEST(revision_minus_n_through_a_merge)
{
	MgGraph    *g = t_graph("r a<r b<r mm1<a,b t<mm1");
	uint8_t    *all = t_applied(g, "t");
	MgError    *e = t_plan_err(g, "mm1-1", DOWN, all, MG_ERR_AMBIGUOUS);

	CHECK_CONTAINS(e->message, "mm1");
	CHECK_STR(steps(g, "t-1", DOWN, all), "t");
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

TEST(unknown_branch_labels)
{
	MgGraph    *g = t_graph(BR);
	uint8_t    *all = t_applied(g, "a2 b2");
	MgError    *e;

	e = t_plan_err(g, "nolabel@head", UP, all, MG_ERR_NOT_FOUND);
	CHECK_CONTAINS(e->message, "nolabel");
	e = t_plan_err(g, "nolabel@-1", DOWN, all, MG_ERR_NOT_FOUND);
	CHECK_CONTAINS(e->message, "nolabel");
	e = t_plan_err(g, "nolabel@base", DOWN, all, MG_ERR_NOT_FOUND);
	CHECK_CONTAINS(e->message, "nolabel");
	e = t_plan_err(g, "zzzz9+1", UP, all, MG_ERR_NOT_FOUND);
	CHECK_CONTAINS(e->message, "zzzz9");
}

/* ---- downgrade ---- */

TEST(downgrade_to_an_unapplied_revision)
{
	MgGraph    *g = t_graph(CHAIN);
	MgGraph    *br = t_graph(BR);
	MgError    *e = t_plan_err(g, "d4", DOWN, t_applied(g, "b2"), MG_ERR_STATE);

	CHECK_CONTAINS(e->message, "d4");
	t_plan_err(g, "heads", DOWN, t_applied(g, "b2"), MG_ERR_STATE);
	e = t_plan_err(br, "b1", DOWN, t_applied(br, "a2"), MG_ERR_STATE);
	CHECK_CONTAINS(e->message, "b1");
}

TEST(downgrade_keeps_other_branches)
{
	MgGraph    *g = t_graph(BR);
	uint8_t    *all = t_applied(g, "a2 b2");
	MgPlan	   *p = t_plan(g, "a1", DOWN, all, false);

	CHECK_STR(t_ids(g, &p->steps), "a2");
	CHECK_STR(t_set(g, p->after), "a1 b1 b2 r");
	CHECK_STR(t_vset(g, p->after), "a1 b2");
	CHECK_STR(steps(g, "B", DOWN, all), "b2");
}

TEST(downgrade_runs_in_reverse_order)
{
	MgGraph    *g = t_graph(BR);

	CHECK_STR(steps(g, "base", DOWN, t_applied(g, "a2 b2")), "b2 b1 a2 a1 r");
	g = t_graph("m c a<m");
	CHECK_STR(steps(g, "base", DOWN, t_applied(g, "a c")), "a m c");
}

TEST(downgrade_to_the_current_state_does_nothing)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *top = t_applied(g, "d4");

	CHECK_STR(steps(g, "d4", DOWN, top), "");
	CHECK_STR(steps(g, "heads", DOWN, top), "");
	CHECK_STR(steps(g, "head", DOWN, top), "");
}

TEST(downgrade_below_a_merge)
{
	MgGraph    *g = t_graph("r a<r b<r mm1<a,b t<mm1");
	MgPlan	   *p = t_plan(g, "a", DOWN, t_applied(g, "t"), false);

	CHECK_STR(t_ids(g, &p->steps), "t mm1");
	CHECK_STR(t_set(g, p->after), "a b r");
}

TEST(upgrade_never_removes)
{
	MgGraph    *g = t_graph(CHAIN);
	MgPlan	   *p = t_plan(g, "b2", UP, t_applied(g, "d4"), false);

	CHECK_INT(p->steps.count, 0);
	CHECK_STR(t_set(g, p->after), "a1 b2 c3 d4");
}

TEST(upgrade_pulls_in_dependencies)
{
	MgGraph    *g = t_graph("r a1<r a2<a1 b1<r~a2");

	CHECK_STR(steps(g, "b1", UP, t_applied(g, "")), "r a1 a2 b1");
	CHECK_STR(steps(g, "b1", UP, t_applied(g, "a1")), "a2 b1");
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
	CHECK_STATUS(mg_target_single(g, "current", t_applied(g, "b1"), &node, err), MG_OK, err);
	CHECK_STR(g->nodes[node].id, "b1");
}

/* ---- stamp ---- */

TEST(stamp_moves_the_line_to_the_target)
{
	MgGraph    *g = t_graph(CHAIN);
	MgPlan	   *p = t_plan(g, "b2", STAMP, t_applied(g, "d4"), false);

	CHECK(!p->downgrade);
	CHECK_STR(t_set(g, p->after), "a1 b2");
	CHECK_STR(t_ids(g, &p->steps), "d4 c3");
	p = t_plan(g, "c3", STAMP, t_applied(g, ""), false);
	CHECK_STR(t_set(g, p->after), "a1 b2 c3");
	CHECK_STR(t_ids(g, &p->steps), "a1 b2 c3");
}

TEST(stamp_keeps_unrelated_branches)
{
	MgGraph    *g = t_graph(BR);
	MgPlan	   *p = t_plan(g, "b1", STAMP, t_applied(g, "a2"), false);

	CHECK_STR(t_set(g, p->after), "a1 a2 b1 r");
	CHECK_STR(t_ids(g, &p->steps), "b1");
	p = t_plan(g, "b1", STAMP, t_applied(g, "a2 b2"), false);
	CHECK_STR(t_set(g, p->after), "a1 a2 b1 r");
	CHECK_STR(t_ids(g, &p->steps), "b2");
}

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

TEST(stamp_base)
{
	MgGraph    *g = t_graph(BR);
	MgPlan	   *p = t_plan(g, "base", STAMP, t_applied(g, "a2 b2"), false);

	CHECK_STR(t_set(g, p->after), "");
	p = t_plan(g, "base", STAMP, t_applied(g, "a2 b2"), true);
	CHECK_STR(t_set(g, p->after), "");
}

TEST(stamp_relative)
{
	MgGraph    *g = t_graph(CHAIN);

	CHECK_STR(after(g, "-2", STAMP, t_applied(g, "d4")), "a1 b2");
	CHECK_STR(after(g, "+1", STAMP, t_applied(g, "b2")), "a1 b2 c3");
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

	CHECK_STATUS(mg_target_single(g, "c3", NULL, &node, err), MG_OK, err);
	CHECK_STR(g->nodes[node].id, "c3");
	CHECK_STATUS(mg_target_single(g, "b2+1", NULL, &node, err), MG_OK, err);
	CHECK_STR(g->nodes[node].id, "c3");
	CHECK_STATUS(mg_target_single(g, "heads", NULL, &node, err), MG_OK, err);
	CHECK_STR(g->nodes[node].id, "d4");
	CHECK_STATUS(mg_target_single(g, "+1", t_applied(g, "a1"), &node, err), MG_OK, err);
	CHECK_STR(g->nodes[node].id, "b2");
	CHECK_STATUS(mg_target_single(g, "base", NULL, &node, err), MG_ERR_NOT_FOUND, err);
	CHECK_STATUS(mg_target_single(br, "A", NULL, &node, err), MG_OK, err);
	CHECK_STR(br->nodes[node].id, "a1");
	CHECK_STATUS(mg_target_single(br, "A@head", NULL, &node, err), MG_OK, err);
	CHECK_STR(br->nodes[node].id, "a2");
	CHECK_STATUS(mg_target_single(br, "heads", NULL, &node, err), MG_ERR_AMBIGUOUS, err);
	CHECK_STATUS(mg_target_single(br, "head", NULL, &node, err), MG_ERR_AMBIGUOUS, err);
	CHECK_STR(err->message, MULTIPLE_HEADS);
	CHECK_STATUS(mg_target_single(br, "nope", NULL, &node, err), MG_ERR_NOT_FOUND, err);
}

TEST(target_resolve_kinds)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *top = t_applied(g, "d4");
	MgTarget	t;
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st;

	st = mg_target_resolve(g, "base", UP, top, &t, err);
	CHECK_STATUS(st, MG_OK, err);
	CHECK_INT(t.kind, MG_TARGET_BASE);
	CHECK_INT(t.nodes.count, 0);
	mg_target_free(&t);

	st = mg_target_resolve(g, "-2", DOWN, top, &t, err);
	CHECK_STATUS(st, MG_OK, err);
	CHECK_INT(t.kind, MG_TARGET_REMOVE);
	{
		MgIntList	n = t.nodes;
		const char *s = t_ids(g, &n);

		mg_target_free(&t);
		CHECK_STR(s, "c3");
	}

	st = mg_target_resolve(g, "c3", DOWN, top, &t, err);
	CHECK_STATUS(st, MG_OK, err);
	CHECK_INT(t.kind, MG_TARGET_SET);
	{
		MgIntList	n = t.nodes;
		const char *s = t_ids(g, &n);

		mg_target_free(&t);
		CHECK_STR(s, "c3");
	}
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
	TC(upgrade_heads_on_a_chain),
	TC(upgrade_heads_on_branches),
	TC(upgrade_order_smallest_ready_first),
	TC(upgrade_head_with_one_head),
	TC(head_with_several_heads_is_ambiguous),
	TC(base_target),
	TC(upgrade_to_a_revision),
	TC(upgrade_to_a_label),
	TC(resolution_order_id_label_prefix),
	TC(unique_prefix),
	TC(ambiguous_prefix_lists_candidates),
	TC(short_prefix_is_not_found),
	TC(unknown_revision_is_not_found),
	TC(label_at_head),
	TC(label_at_head_with_several_heads),
	TC(label_at_base),
	TC(label_at_base_downgrade_removes_the_branch),
	TC(label_at_base_on_a_single_line),
	TC(plus_n_from_base),
	TC(plus_n_from_current),
	TC(plus_n_through_a_branch_point_is_ambiguous),
	TC(plus_n_with_several_current_heads),
	TC(label_plus_n_from_base),
	TC(label_plus_n_from_shared_trunk),
	TC(label_minus_n_keeps_other_branches),
	TC(minus_n_on_a_chain),
	TC(minus_n_with_nothing_applied),
	TC(minus_n_with_several_current_heads),
	TC(label_minus_n_on_one_branch),
	TC(minus_n_through_a_merge),
	TC(minus_n_removes_what_depends_on_it),
	TC(revision_plus_n),
	TC(revision_minus_n_downgrade),
	TC(revision_minus_n_upgrade),
	TC(revision_minus_n_through_a_merge),
	TC(malformed_targets),
	TC(unknown_branch_labels),
	TC(downgrade_to_an_unapplied_revision),
	TC(downgrade_keeps_other_branches),
	TC(downgrade_runs_in_reverse_order),
	TC(downgrade_to_the_current_state_does_nothing),
	TC(downgrade_below_a_merge),
	TC(upgrade_never_removes),
	TC(upgrade_pulls_in_dependencies),
	TC(expand_contract_round_trip),
	TC(current_target),
	TC(stamp_moves_the_line_to_the_target),
	TC(stamp_keeps_unrelated_branches),
	TC(stamp_purge_keeps_only_the_target),
	TC(stamp_base),
	TC(stamp_relative),
	TC(plan_auto_picks_the_direction),
	TC(target_single),
	TC(target_resolve_kinds),
	TC(status_does_not_depend_on_err),
	TC(plans_are_consistent_everywhere),
	TC(plans_are_consistent_on_random_graphs),
	TC_END
};
