/*
 * test_graph.c — the revision graph (SPEC section 3): build errors, heads,
 * bases, branch points, branch labels, the deterministic order, version
 * sets and the closure of stored versions.
 */
#include "harness.h"
#include "problems.h"

#include <stdio.h>

/* "cycle in the revision graph: x -> y -> ... -> x" naming exactly ids */
static void
check_cycle_message(const char *msg, const char *const *ids, int nids)
{
	static const char prefix[] = "cycle in the revision graph: ";
	const char *p;
	int			arrows = 0;
	size_t		first_len;

	CHECK_MSG(strncmp(msg, prefix, sizeof(prefix) - 1) == 0,
			  "cycle message \"%s\" does not start with \"%s\"", msg, prefix);
	p = msg + sizeof(prefix) - 1;
	for (int i = 0; i < nids; i++)
		CHECK_CONTAINS(p, ids[i]);
	for (const char *q = p; (q = strstr(q, " -> ")) != NULL; q += 4)
		arrows++;
	CHECK_MSG(arrows == nids, "cycle message \"%s\": expected %d arrows, got %d",
			  msg, nids, arrows);
	/* it closes: the first id is also the last */
	first_len = strcspn(p, " ");
	CHECK_MSG(strlen(p) > first_len &&
			  strcmp(p + strlen(p) - first_len, t_printf("%.*s", (int) first_len, p)) == 0 &&
			  p[strlen(p) - first_len - 1] == ' ',
			  "cycle message \"%s\" does not end where it starts", msg);
}

/*
 * Graphs that must not build: one row a check, test naming the case it
 * belongs to.  Each fails with status; its message contains every
 * string of contains and none of absent, and when cycle is given it is the
 * message of a cycle through exactly those ids.
 */
typedef struct GraphErrRow
{
	const char *test;
	const char *spec;
	const char *contains[4];
	const char *absent[2];
	const char *cycle[3];
	MgStatus	status;
} GraphErrRow;

static const GraphErrRow graph_err_rows[] = {
	{"unknown_parent", "base1 child1<ghost1",
		{"child1", "ghost1"}, {NULL}, {NULL}, MG_ERR_GRAPH},
	{"unknown_dependency", "aaa1 bbb1<aaa1~ghost2",
		{"bbb1", "ghost2"}, {NULL}, {NULL}, MG_ERR_GRAPH},
	{"duplicate_id", "dup1 x1<dup1 dup1",
		{"dup1"}, {NULL}, {NULL}, MG_ERR_DUPLICATE},
	{"duplicate_branch_label", "r1 a1<r1@feat b1<r1@feat",
		{"feat", "a1", "b1"}, {NULL}, {NULL}, MG_ERR_DUPLICATE},
	{"label_equal_to_an_id", "r1 a1<r1@b1 b1<r1",
		{"b1", "a1"}, {NULL}, {NULL}, MG_ERR_GRAPH},
	{"cycle_of_two", "root0 aa<bb bb<aa",
		{NULL}, {"root0"}, {"aa", "bb"}, MG_ERR_GRAPH},
	/* out1 hangs off the cycle cy1 -> cy2 -> cy3 -> cy1 */
	{"cycle_names_only_its_members", "out1<cy1 root1 cy1<cy3 cy2<cy1 cy3<cy2 leaf<root1",
		{NULL}, {"out1", "root1"}, {"cy1", "cy2", "cy3"}, MG_ERR_GRAPH},
	/* b1 depends on c1, which revises b1 */
	{"cycle_via_depends", "a1 b1<a1~c1 c1<b1",
		{NULL}, {"a1"}, {"b1", "c1"}, MG_ERR_GRAPH},
	{"cycle_via_depends_on_label", "r0 x1<r0@lab x2<x1~y1 y1<r0~lab2 z1<x2@lab2",
		{"cycle", "x2", "y1", "z1"}, {NULL}, {NULL}, MG_ERR_GRAPH},
	/*
	 * The walk starts at the smallest id off the order, so the message is
	 * the same whatever order the revisions are added in.
	 */
	{"cycle_is_named_whatever_the_order", "aa<bb bb<aa",
		{"cycle in the revision graph: bb -> aa -> bb"}, {NULL}, {NULL}, MG_ERR_GRAPH},
	{"cycle_is_named_whatever_the_order", "bb<aa aa<bb",
		{"cycle in the revision graph: bb -> aa -> bb"}, {NULL}, {NULL}, MG_ERR_GRAPH},
	{"cycle_is_named_whatever_the_order", "out1<cy1 root1 cy1<cy3 cy2<cy1 cy3<cy2",
		{"cycle in the revision graph: cy2 -> cy3 -> cy1 -> cy2"}, {NULL}, {NULL}, MG_ERR_GRAPH},
	{"cycle_is_named_whatever_the_order", "cy3<cy2 cy2<cy1 cy1<cy3 root1 out1<cy1",
		{"cycle in the revision graph: cy2 -> cy3 -> cy1 -> cy2"}, {NULL}, {NULL}, MG_ERR_GRAPH},
	{"self_revise_and_self_depend", "r0 s1<s1",
		{"cycle", "s1 -> s1"}, {NULL}, {NULL}, MG_ERR_GRAPH},
	{"self_revise_and_self_depend", "r0 d1<r0~d1",
		{"cycle", "d1 -> d1"}, {NULL}, {NULL}, MG_ERR_GRAPH},
};

static void
check_graph_err_row(const void *row)
{
	const GraphErrRow *r = row;
	MgError    *e = t_graph_err(r->spec, r->status);
	int			ncycle = 0;

	while (ncycle < (int) T_LEN(r->cycle) && r->cycle[ncycle])
		ncycle++;
	if (ncycle > 0)
		check_cycle_message(e->message, r->cycle, ncycle);
	CHECK_CONTAINS_ALL(e->message, r->contains);
	for (size_t i = 0; i < T_LEN(r->absent) && r->absent[i]; i++)
		CHECK_NOT_CONTAINS(e->message, r->absent[i]);
}

ROWS_CASE(graph_err_case, graph_err_rows, check_graph_err_row)

TEST(build_and_find)
{
	MgGraph    *g = t_graph("a1 b2<a1 c3<b2");

	CHECK_INT(g->n, 3);
	CHECK(g->built);
	CHECK_STR(g->nodes[t_node(g, "b2")].id, "b2");
	CHECK_INT(mg_graph_find(g, "zz"), -1);
	CHECK_INT(mg_graph_find(g, "b"), -1);
	CHECK_STR(t_ids(g, &g->nodes[t_node(g, "b2")].parents), "a1");
	CHECK_STR(t_ids(g, &g->nodes[t_node(g, "b2")].children), "c3");
}

TEST(add_returns_sequential_node_numbers)
{
	MgGraph		g;
	const char *par[] = {"x1"};
	MgError		err;

	mg_graph_init(&g, 2);
	CHECK_INT(mg_graph_add(&g, "x1", NULL, 0, NULL, 0, NULL, 0), 0);
	for (int i = 1; i < 40; i++)
	{
		char		id[16];

		snprintf(id, sizeof(id), "y%02d", i);
		if (mg_graph_add(&g, id, par, 1, NULL, 0, NULL, 0) != i)
		{
			mg_graph_free(&g);
			t_fail(__FILE__, __LINE__, "node %s got a wrong number", id);
		}
	}
	if (mg_graph_build(&g, &err) != MG_OK || g.n != 40 ||
		mg_graph_find(&g, "y39") != 39)
	{
		mg_graph_free(&g);
		t_fail(__FILE__, __LINE__, "growing the graph past its initial size failed");
	}
	mg_graph_free(&g);
}

TEST(heads_bases_branch_points)
{
	MgGraph    *g = t_graph("r a1<r a2<a1 b1<r b2<b1");

	CHECK_STR(t_ids(g, t_keep(mg_graph_heads(g))), "a2 b2");
	CHECK_STR(t_ids(g, t_keep(mg_graph_bases(g))), "r");
	CHECK_STR(t_ids(g, t_keep(mg_graph_branch_points(g))), "r");
}

TEST(heads_and_bases_in_id_order)
{
	MgGraph    *g = t_graph("zz9 mm5 aa1 q<zz9 p<zz9 o<mm5");

	CHECK_STR(t_ids(g, t_keep(mg_graph_heads(g))), "aa1 o p q");
	CHECK_STR(t_ids(g, t_keep(mg_graph_bases(g))), "aa1 mm5 zz9");
	CHECK_STR(t_ids(g, t_keep(mg_graph_branch_points(g))), "zz9");
}

TEST(depends_do_not_make_heads)
{
	/* x depends on b but does not revise it: b stays a head */
	MgGraph    *g = t_graph("a b<a x~b");

	CHECK_STR(t_ids(g, t_keep(mg_graph_heads(g))), "b x");
	CHECK_STR(t_ids(g, t_keep(mg_graph_bases(g))), "a x");
	CHECK_INT(t_keep(mg_graph_branch_points(g))->count, 0);
}

TEST(merge_is_not_a_branch_point)
{
	MgGraph    *g = t_graph("r a<r b<r m<a,b t<m");

	CHECK_STR(t_ids(g, t_keep(mg_graph_heads(g))), "t");
	CHECK_STR(t_ids(g, t_keep(mg_graph_branch_points(g))), "r");
	CHECK_STR(t_ids(g, &g->nodes[t_node(g, "m")].parents), "a b");
}

TEST(empty_graph)
{
	MgGraph    *g = t_graph("");
	uint8_t		none = 0;
	MgPlan	   *p = t_plan(g, "heads", UP, &none, false);

	CHECK_INT(g->n, 0);
	CHECK_INT(t_keep(mg_graph_heads(g))->count, 0);
	CHECK_INT(p->steps.count, 0);
}

TEST(depends_may_name_a_label)
{
	/* b1 depends on branch "feat" (declared by x1): x1 comes first */
	MgGraph    *g = t_graph("r1 x1<r1@feat b1<r1~feat");
	uint8_t    *none = t_applied(g, "");
	MgPlan	   *p = t_plan(g, "b1", UP, none, false);

	CHECK_STR(t_ids(g, &g->nodes[t_node(g, "b1")].deps), "x1");
	CHECK_STR(t_ids(g, &p->steps), "r1 x1 b1");
}

TEST(rebuild_after_adding)
{
	MgGraph    *g = t_graph("a1 b1<a1");
	const char *par[] = {"b1"};
	MgError    *err = t_alloc(sizeof(MgError));

	CHECK_STR(t_ids(g, t_keep(mg_graph_heads(g))), "b1");
	mg_graph_add(g, "c1", par, 1, NULL, 0, NULL, 0);
	CHECK_STATUS(mg_graph_build(g, err), MG_OK, err);
	CHECK_STR(t_ids(g, t_keep(mg_graph_heads(g))), "c1");
	CHECK_STR(t_ids(g, &g->nodes[t_node(g, "b1")].children), "c1");
}

/* The same error message whichever of two orders the revisions arrive in. */
static void
check_error_independent_of_order(const char *spec, const char *reversed,
								 MgStatus status, const char *expected)
{
	MgError    *a = t_graph_err(spec, status);
	MgError    *b = t_graph_err(reversed, status);

	CHECK_STR(a->message, expected);
	CHECK_STR(b->message, expected);
	CHECK_STR(a->source, b->source);
}

TEST(errors_do_not_depend_on_arrival_order)
{
	check_error_independent_of_order("r1 a1<r1@feat b1<r1@feat",
									 "b1<r1@feat a1<r1@feat r1",
									 MG_ERR_DUPLICATE, "branch label \"feat\" is declared by both a1 and b1");
	check_error_independent_of_order("r1 a1<r1@b1 b1<r1 c1<r1@c0 c0",
									 "c0 c1<r1@c0 b1<r1 a1<r1@b1 r1",
									 MG_ERR_GRAPH, "branch label \"b1\" of revision a1 is also a revision id");
	check_error_independent_of_order("r1 b1<ghost1 a1<r1~ghost2",
									 "a1<r1~ghost2 b1<ghost1 r1",
									 MG_ERR_GRAPH, "revision a1 depends on unknown revision ghost2");
	check_error_independent_of_order("r1 d1<r1 d1 c1 c1<r1",
									 "c1<r1 c1 d1 d1<r1 r1",
									 MG_ERR_DUPLICATE, "duplicate revision id c1");
}

/* Add ids[0..n) in the order of a fixed shuffle, each a root. */
static MgGraph *
graph_of_ids(char **ids, int n)
{
	MgGraph    *g = t_new_graph(0);
	MgError    *err = t_alloc(sizeof(MgError));

	for (int i = 0; i < n; i++)
		mg_graph_add(g, ids[(i * 37) % n], NULL, 0, NULL, 0, NULL, 0);
	CHECK_STATUS(mg_graph_build(g, err), MG_OK, err);
	return g;
}

TEST(id_order_past_shared_prefixes)
{
	/*
	 * Enough ids for the radix path of the id sort, many of them alike in
	 * their first eight bytes and more: shared prefixes, ids that end
	 * inside the prefix or right at eight bytes, and bytes above 0x7f.
	 */
	static const char *const stems[] = {"commonprefix_", "commonpr", "co",
	"commonprefix_long_shared_part_", "\xc3\xa9t\xc3\xa9", "C", ""};
	int			n = 0;
	char	  **ids = t_alloc(sizeof(char *) * 7 * 41);
	MgGraph    *g;

	for (int s = 0; s < 7; s++)
		for (int k = 0; k < 41; k++)
			ids[n++] = t_printf("%s%d", stems[s], k * 7 % 41);
	g = graph_of_ids(ids, n);
	CHECK_INT(g->n, n);
	for (int r = 1; r < g->n; r++)
		CHECK_MSG(strcmp(g->nodes[g->by_id[r - 1]].id, g->nodes[g->by_id[r]].id) < 0,
				  "id order: \"%s\" before \"%s\"",
				  g->nodes[g->by_id[r - 1]].id, g->nodes[g->by_id[r]].id);
	for (int r = 0; r < g->n; r++)
		CHECK_INT(g->nodes[g->by_id[r]].rank, r);
}

TEST(duplicate_id_past_shared_prefixes)
{
	int			n = 120;
	char	  **ids = t_alloc(sizeof(char *) * (size_t) n);
	MgGraph    *g = t_new_graph(n);
	MgError    *err = t_alloc(sizeof(MgError));

	for (int i = 0; i < n; i++)
		ids[i] = t_printf("shared_prefix_of_twenty_%03d", i == 77 ? 5 : i);
	for (int i = 0; i < n; i++)
		mg_graph_add(g, ids[i], NULL, 0, NULL, 0, NULL, 0);
	CHECK_STATUS(mg_graph_build(g, err), MG_ERR_DUPLICATE, err);
	CHECK_STR(err->message, "duplicate revision id shared_prefix_of_twenty_005");
}

/* ---- order ---- */

/*
 * mg_order over members (space-separated ids; NULL: every node) of the
 * graph of spec, as "x y z".
 */
static const char *
order_of(const char *spec, const char *members)
{
	MgGraph    *g = t_graph(spec);
	uint8_t    *set = t_alloc((size_t) g->n);

	if (members == NULL)
		memset(set, 1, (size_t) g->n);
	else
		for (char *id = strtok(t_printf("%s", members), " "); id; id = strtok(NULL, " "))
			set[t_node(g, id)] = 1;
	return t_ids(g, t_keep(mg_order(g, set)));
}

TEST(order_smallest_ready_id_first)
{
	CHECK_STR(order_of("m c a<m", NULL), "c m a");
}

TEST(order_of_a_subset)
{
	/* with m already applied, a is ready at once and comes before c */
	CHECK_STR(order_of("m c a<m", "a c"), "a c");
}

TEST(order_diamond)
{
	CHECK_STR(order_of("r z<r y<r m<z,y n<r", NULL), "r n y z m");
}

TEST(order_respects_depends)
{
	CHECK_STR(order_of("b a~b c<a", NULL), "b a c");
}

TEST(order_of_a_closed_subset)
{
	/* {c, m, a} holds every parent of its members: the full order, minus z */
	CHECK_STR(order_of("m c a<m z<c", "c m a"), "c m a");
}

TEST(order_of_a_subset_missing_a_dependency)
{
	/* without b, which a depends on, a is ready at once */
	CHECK_STR(order_of("b z a~b c<a", "a c z"), "a c z");
}

TEST(order_is_byte_order_of_ids)
{
	/* uppercase sorts before lowercase, digits before letters, '.' and '_' by byte */
	CHECK_STR(order_of("b a B 9 a.1 a_1", NULL), "9 B a a.1 a_1 b");
}

/* ---- branch labels ---- */

/* The branches of node id, as "A B". */
static const char *
branches_of(const MgGraph *g, const char *id)
{
	return t_strs(t_keep_str(mg_graph_node_branches(g, t_node(g, id))));
}

TEST(node_branches_from_ancestors)
{
	MgGraph    *g = t_graph("r a<r@A a2<a b<r@B b2<b@B2");

	CHECK_STR(branches_of(g, "a2"), "A");
	CHECK_STR(branches_of(g, "a"), "A");
	CHECK_STR(branches_of(g, "b"), "B B2");
	CHECK_INT(t_keep_str(mg_graph_node_branches(g, t_node(g, "r")))->count, 0);
}

TEST(node_branches_down_an_unshared_line)
{
	/* L is declared on y; r and x lead only to it */
	MgGraph    *g = t_graph("r x<r y<x@L z<y");

	CHECK_STR(branches_of(g, "r"), "L");
	CHECK_STR(branches_of(g, "x"), "L");
	CHECK_STR(branches_of(g, "z"), "L");
}

TEST(node_branches_stop_at_branch_and_merge_points)
{
	MgGraph    *g = t_graph("r a<r@A b<r@B m<a,b@M t<m");

	/* a leads to m, but m also has parent b: a does not get M */
	CHECK_STR(branches_of(g, "a"), "A");
	CHECK_INT(t_keep_str(mg_graph_node_branches(g, t_node(g, "r")))->count, 0);
	{
		MgStrList  *m = t_keep_str(mg_graph_node_branches(g, t_node(g, "t")));
		const char *s = t_strs(m);

		CHECK_INT(m->count, 3);
		CHECK_CONTAINS(s, "A");
		CHECK_CONTAINS(s, "B");
		CHECK_CONTAINS(s, "M");
	}
}

TEST(node_branches_without_labels)
{
	MgGraph    *g = t_graph("r a<r");

	CHECK_INT(t_keep_str(mg_graph_node_branches(g, t_node(g, "a")))->count, 0);
}

/* ---- version sets ---- */

TEST(version_set_of_a_chain_is_its_head)
{
	MgGraph    *g = t_graph("a1 b2<a1 c3<b2");

	CHECK_STR(t_vset(g, t_applied(g, "c3")), "c3");
	CHECK_STR(t_vset(g, t_applied(g, "b2")), "b2");
	CHECK_STR(t_vset(g, t_applied(g, "")), "");
}

TEST(version_set_of_branches)
{
	MgGraph    *g = t_graph("r b1<r b2<b1 a1<r a2<a1");

	CHECK_STR(t_vset(g, t_applied(g, "b2 a2")), "a2 b2");
	CHECK_STR(t_vset(g, t_applied(g, "b1 r")), "b1");
	CHECK_STR(t_vset(g, t_applied(g, "r")), "r");
}

TEST(version_set_expand_contract)
{
	/* the contract head depends on the expand head (Alembic's example) */
	MgGraph    *g = t_graph("r e1<r@expand e2<e1 c1<r@contract c2<c1~e2");
	uint8_t    *none = t_applied(g, "");
	MgPlan	   *p = t_plan(g, "heads", UP, none, false);

	CHECK_STR(t_ids(g, &p->steps), "r c1 e1 e2 c2");
	CHECK_STR(t_vset(g, p->after), "c2");
}

TEST(version_set_is_canonical)
{
	MgGraph    *g = t_graph("r a1<r a2<a1 b1<r m<a2,b1 x~a1");
	uint8_t    *none = t_applied(g, "");
	MgPlan	   *direct = t_plan(g, "heads", UP, none, false);
	MgPlan	   *step1 = t_plan(g, "a1", UP, none, false);
	MgPlan	   *step2 = t_plan(g, "b1", UP, step1->after, false);
	MgPlan	   *step3 = t_plan(g, "heads", UP, step2->after, false);

	CHECK_STR(t_vset(g, direct->after), "m x");
	CHECK_STR(t_vset(g, step3->after), "m x");
	/* redundant stored versions give the same set */
	CHECK_STR(t_vset(g, t_applied(g, "r a1 a2 b1 m x")), "m x");
	CHECK_STR(t_vset(g, t_applied(g, "x a1")), "x");
}

TEST(state_from_versions_is_closed)
{
	MgGraph    *g = t_graph("r e1<r@expand e2<e1 c1<r@contract c2<c1~e2 z");
	uint8_t    *a = t_applied(g, "c2");

	CHECK_STR(t_set(g, a), "c1 c2 e1 e2 r");
	CHECK_CLOSED(g, a);
	CHECK_STR(t_set(g, t_applied(g, "e1 z")), "e1 r z");
}

TEST(state_from_unknown_version)
{
	MgGraph    *g = t_graph("a1 b2<a1");
	uint8_t    *applied = t_alloc((size_t) g->n);
	MgError    *err = t_alloc(sizeof(MgError));
	const char *versions[] = {"a1", "deadbeef0001"};
	MgStatus	st = mg_state_from_versions(g, versions, 2, applied, err);

	CHECK_STATUS(st, MG_ERR_STATE, err);
	CHECK_INT(err->status, MG_ERR_STATE);
	CHECK_CONTAINS(err->message, "deadbeef0001");
}
static void
free_problems(void *p)
{
	mg_problems_free(p);
}

/* mg_state_problems: the one rule of validate()/check and their order. */
TEST(state_problems)
{
	MgGraph    *g = t_graph("a1 b2<a1 c3<b2");
	uint8_t    *applied = t_applied(g, "b2");
	const char *now[3] = {NULL, NULL, NULL};
	const char *where[3] = {NULL, NULL, NULL};
	const char *versions[] = {"b2", "gone1"};
	MgAppliedWith hist[] = {
		{"a1", "aaaa"},			/* same checksum: fine */
		{"b2", "old2"},			/* applied with another: changed */
		{"c3", "old3"},			/* changed, but not applied now: fine */
		{"gone1", "x"},			/* missing, already said by the version row */
		{"gone2", NULL},		/* missing */
	};
	MgProblems	p;

	now[t_node(g, "a1")] = "aaaa";
	now[t_node(g, "b2")] = "new2";
	now[t_node(g, "c3")] = "new3";
	where[t_node(g, "b2")] = "b2.sql";
	p = mg_state_problems(g, applied, now, where, versions, 2, hist, 5, NULL, 0, MG_KNOWN_BY_FILES);
	t_defer(free_problems, &p);	/* whichever p holds when the case ends */
	CHECK_INT(p.count, 3);
	CHECK_STR(p.items[0].revision, "gone1");
	CHECK_STR(p.items[0].problem, "missing: the database is at this revision, but there is no file for it");
	CHECK_STR(p.items[1].revision, "b2");
	CHECK_STR(p.items[1].problem, "checksum changed: applied with old2, now new2 (b2.sql)");
	CHECK_STR(p.items[2].revision, "gone2");
	CHECK_STR(p.items[2].problem, "missing: applied, but there is no file for it");
	mg_problems_free(&p);
	{
		MgPartial	partial[1] = {{"c3", false, 2, 3}};

		p = mg_state_problems(g, applied, now, NULL, versions, 2, hist, 5, partial, 1,
							  MG_KNOWN_BY_CATALOG);
	}
	CHECK_INT(p.count, 4);
	CHECK_STR(p.items[0].problem, "missing: the version set names it, but the catalog has no such revision");
	CHECK_STR(p.items[1].problem, "checksum changed: applied with old2, now new2");
	CHECK_STR(p.items[2].problem, "missing: applied, but no longer in the catalog");
	CHECK_STR(p.items[3].revision, "c3");
	CHECK_STR(p.items[3].problem, "partially applied: revision c3, statement 2 of 3 done; run the upgrade again to resume it");
}


const TestCase graph_cases[] = {
	TC(build_and_find),
	TC(state_problems),
	TC(add_returns_sequential_node_numbers),
	TC(heads_bases_branch_points),
	TC(heads_and_bases_in_id_order),
	TC(depends_do_not_make_heads),
	TC(merge_is_not_a_branch_point),
	TC(empty_graph),
	TC_ROWS(unknown_parent, graph_err_case),
	TC_ROWS(unknown_dependency, graph_err_case),
	TC_ROWS(duplicate_id, graph_err_case),
	TC_ROWS(duplicate_branch_label, graph_err_case),
	TC_ROWS(label_equal_to_an_id, graph_err_case),
	TC_ROWS(cycle_of_two, graph_err_case),
	TC_ROWS(cycle_names_only_its_members, graph_err_case),
	TC_ROWS(cycle_via_depends, graph_err_case),
	TC_ROWS(cycle_via_depends_on_label, graph_err_case),
	TC_ROWS(cycle_is_named_whatever_the_order, graph_err_case),
	TC_ROWS(self_revise_and_self_depend, graph_err_case),
	TC(depends_may_name_a_label),
	TC(rebuild_after_adding),
	TC(errors_do_not_depend_on_arrival_order),
	TC(id_order_past_shared_prefixes),
	TC(duplicate_id_past_shared_prefixes),
	TC(order_smallest_ready_id_first),
	TC(order_of_a_subset),
	TC(order_diamond),
	TC(order_respects_depends),
	TC(order_of_a_closed_subset),
	TC(order_of_a_subset_missing_a_dependency),
	TC(order_is_byte_order_of_ids),
	TC(node_branches_from_ancestors),
	TC(node_branches_down_an_unshared_line),
	TC(node_branches_stop_at_branch_and_merge_points),
	TC(node_branches_without_labels),
	TC(version_set_of_a_chain_is_its_head),
	TC(version_set_of_branches),
	TC(version_set_expand_contract),
	TC(version_set_is_canonical),
	TC(state_from_versions_is_closed),
	TC(state_from_unknown_version),
	TC_END
};

