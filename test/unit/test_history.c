/*
 * test_history.c — mg_history: all revisions newest first (the reverse of
 * the upgrade order), and the ranges "A:B", "A:", ":B" with "base",
 * "current" and any target as an end.
 */
#include "harness.h"

#define CHAIN "a1 b2<a1 c3<b2 d4<c3"
#define BR "r a1<r@A a2<a1 b1<r@B b2<b1"

/* History that must succeed, as "x y z". */
static const char *
hist(const MgGraph *g, const char *range, const uint8_t *applied)
{
	MgIntList  *l = t_alloc(sizeof(MgIntList));
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st = mg_history(g, range, applied, l, err);
	const char *s;

	if (st != MG_OK)
		t_fail(__FILE__, __LINE__, "history \"%s\" failed: %s: %s",
			   range ? range : "(null)", t_status_name(st), err->message);
	s = t_ids(g, l);
	mg_intlist_free(l);
	return s;
}

/* History that must fail with expected; returns the error. */
static MgError *
hist_err(const MgGraph *g, const char *range, const uint8_t *applied,
		 MgStatus expected)
{
	MgIntList  *l = t_alloc(sizeof(MgIntList));
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st = mg_history(g, range, applied, l, err);
	int			count = l->count;

	mg_intlist_free(l);
	if (st == MG_OK)
		t_fail(__FILE__, __LINE__, "history \"%s\" succeeded, expected %s",
			   range, t_status_name(expected));
	if (st != expected)
		t_fail(__FILE__, __LINE__, "history \"%s\": expected %s, got %s: %s",
			   range, t_status_name(expected), t_status_name(st), err->message);
	if (count != 0)
		t_fail(__FILE__, __LINE__, "history \"%s\" failed but returned %d revisions",
			   range, count);
	return err;
}

TEST(history_all_newest_first)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *none = t_applied(g, "");

	CHECK_STR(hist(g, NULL, none), "d4 c3 b2 a1");
	CHECK_STR(hist(g, "", none), "d4 c3 b2 a1");
	CHECK_STR(hist(g, ":", none), "d4 c3 b2 a1");
}

TEST(history_is_reverse_upgrade_order)
{
	MgGraph    *g = t_graph(BR);
	MgGraph    *m = t_graph("r a<r b<r m<a,b");
	MgGraph    *d = t_graph("b a~b");

	CHECK_STR(hist(g, NULL, t_applied(g, "")), "b2 b1 a2 a1 r");
	CHECK_STR(hist(m, NULL, t_applied(m, "")), "m b a r");
	CHECK_STR(hist(d, NULL, t_applied(d, "")), "a b");
}

TEST(history_does_not_depend_on_state)
{
	MgGraph    *g = t_graph(BR);

	CHECK_STR(hist(g, NULL, t_applied(g, "a2")), "b2 b1 a2 a1 r");
	CHECK_STR(hist(g, "a1:", t_applied(g, "b2")), "a2 a1");
}

TEST(range_a_to_b)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *none = t_applied(g, "");

	CHECK_STR(hist(g, "b2:c3", none), "c3 b2");
	CHECK_STR(hist(g, "a1:d4", none), "d4 c3 b2 a1");
	CHECK_STR(hist(g, "c3:c3", none), "c3");
	CHECK_STR(hist(g, "c3:b2", none), "");
}

TEST(range_open_ends)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *none = t_applied(g, "");

	CHECK_STR(hist(g, "b2:", none), "d4 c3 b2");
	CHECK_STR(hist(g, ":b2", none), "b2 a1");
}

TEST(range_base_and_heads)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *none = t_applied(g, "");

	CHECK_STR(hist(g, "base:", none), "d4 c3 b2 a1");
	CHECK_STR(hist(g, "base:c3", none), "c3 b2 a1");
	CHECK_STR(hist(g, "base:heads", none), "d4 c3 b2 a1");
	CHECK_STR(hist(g, "b2:head", none), "d4 c3 b2");
	CHECK_STR(hist(g, ":base", none), "");
}

TEST(range_current)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *at = t_applied(g, "b2");
	MgGraph    *br = t_graph(BR);
	uint8_t    *both = t_applied(br, "a1 b2");

	CHECK_STR(hist(g, "current:", at), "d4 c3 b2");
	CHECK_STR(hist(g, ":current", at), "b2 a1");
	CHECK_STR(hist(g, "current:current", at), "b2");
	CHECK_STR(hist(br, "current:", both), "b2 a2 a1");
	CHECK_STR(hist(br, ":current", both), "b2 b1 a1 r");
}

TEST(range_on_branches)
{
	MgGraph    *g = t_graph(BR);
	uint8_t    *none = t_applied(g, "");

	CHECK_STR(hist(g, "a1:", none), "a2 a1");
	CHECK_STR(hist(g, ":a2", none), "a2 a1 r");
	CHECK_STR(hist(g, "b1:heads", none), "b2 b1");
	CHECK_STR(hist(g, "r:a2", none), "a2 a1 r");
	/* unrelated ends select nothing */
	CHECK_STR(hist(g, "a2:b2", none), "");
	CHECK_STR(hist(g, "a1:b2", none), "");
}

TEST(range_with_labels_prefixes_and_relative_ends)
{
	MgGraph    *g = t_graph(BR);
	MgGraph    *p = t_graph("abcd1111 abcd2222<abcd1111 ffff0000<abcd2222");
	MgGraph    *c = t_graph(CHAIN);

	CHECK_STR(hist(g, "A:", t_applied(g, "")), "a2 a1");
	CHECK_STR(hist(g, "A@head:", t_applied(g, "")), "a2");
	CHECK_STR(hist(g, ":B@head", t_applied(g, "")), "b2 b1 r");
	CHECK_STR(hist(p, "abcd2:", t_applied(p, "")), "ffff0000 abcd2222");
	CHECK_STR(hist(c, ":+1", t_applied(c, "b2")), "c3 b2 a1");
	CHECK_STR(hist(c, "b2+1:", t_applied(c, "")), "d4 c3");
}

TEST(invalid_ranges)
{
	MgGraph    *g = t_graph(CHAIN);
	uint8_t    *none = t_applied(g, "");
	MgError    *e;

	e = hist_err(g, "a1", none, MG_ERR_TARGET);
	CHECK_CONTAINS(e->message, "a1");
	e = hist_err(g, "a1:b2:c3", none, MG_ERR_TARGET);
	CHECK_CONTAINS(e->message, "a1:b2:c3");
	hist_err(g, "::", none, MG_ERR_TARGET);
	hist_err(g, "a1:+x", none, MG_ERR_TARGET);
}

TEST(range_ends_that_name_nothing)
{
	MgGraph    *g = t_graph(CHAIN);
	MgGraph    *br = t_graph(BR);
	MgError    *e;

	e = hist_err(g, "zzzz9:", t_applied(g, ""), MG_ERR_NOT_FOUND);
	CHECK_CONTAINS(e->message, "zzzz9");
	e = hist_err(g, "a1:nope", t_applied(g, ""), MG_ERR_NOT_FOUND);
	CHECK_CONTAINS(e->message, "nope");
	e = hist_err(br, ":head", t_applied(br, ""), MG_ERR_AMBIGUOUS);
	CHECK_STR(e->message, "multiple heads are present; use 'heads' or '<label>@head'");
}

const TestCase history_cases[] = {
	TC(history_all_newest_first),
	TC(history_is_reverse_upgrade_order),
	TC(history_does_not_depend_on_state),
	TC(range_a_to_b),
	TC(range_open_ends),
	TC(range_base_and_heads),
	TC(range_current),
	TC(range_on_branches),
	TC(range_with_labels_prefixes_and_relative_ends),
	TC(invalid_ranges),
	TC(range_ends_that_name_nothing),
	TC_END
};
