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

/*
 * One row a check: the history of range on graph with the applied
 * versions; test names the case the row belongs to.  With status MG_OK the
 * history must be want; otherwise mg_history must fail with status and its
 * message contain want (equal it, when exact).
 */
typedef struct HistRow
{
	const char *test;
	MgStatus	status;
	const char *graph;
	const char *applied;
	const char *range;
	const char *want;
	bool		exact;
} HistRow;

#define OK_ROW(t, g, a, r, want) {t, MG_OK, g, a, r, want, false}
#define ERR_ROW(t, g, a, r, want, st) {t, st, g, a, r, want, false}
#define NF MG_ERR_NOT_FOUND

static const HistRow hist_rows[] = {
	OK_ROW("history_all_newest_first", CHAIN, "", NULL, "d4 c3 b2 a1"),
	OK_ROW("history_all_newest_first", CHAIN, "", "", "d4 c3 b2 a1"),
	OK_ROW("history_all_newest_first", CHAIN, "", ":", "d4 c3 b2 a1"),

	OK_ROW("history_is_reverse_upgrade_order", BR, "", NULL, "b2 b1 a2 a1 r"),
	OK_ROW("history_is_reverse_upgrade_order", "r a<r b<r m<a,b", "", NULL, "m b a r"),
	OK_ROW("history_is_reverse_upgrade_order", "b a~b", "", NULL, "a b"),

	OK_ROW("history_does_not_depend_on_state", BR, "a2", NULL, "b2 b1 a2 a1 r"),
	OK_ROW("history_does_not_depend_on_state", BR, "b2", "a1:", "a2 a1"),

	OK_ROW("range_a_to_b", CHAIN, "", "b2:c3", "c3 b2"),
	OK_ROW("range_a_to_b", CHAIN, "", "a1:d4", "d4 c3 b2 a1"),
	OK_ROW("range_a_to_b", CHAIN, "", "c3:c3", "c3"),
	OK_ROW("range_a_to_b", CHAIN, "", "c3:b2", ""),

	OK_ROW("range_open_ends", CHAIN, "", "b2:", "d4 c3 b2"),
	OK_ROW("range_open_ends", CHAIN, "", ":b2", "b2 a1"),

	OK_ROW("range_base_and_heads", CHAIN, "", "base:", "d4 c3 b2 a1"),
	OK_ROW("range_base_and_heads", CHAIN, "", "base:c3", "c3 b2 a1"),
	OK_ROW("range_base_and_heads", CHAIN, "", "base:heads", "d4 c3 b2 a1"),
	OK_ROW("range_base_and_heads", CHAIN, "", "b2:head", "d4 c3 b2"),
	OK_ROW("range_base_and_heads", CHAIN, "", ":base", ""),

	OK_ROW("range_current", CHAIN, "b2", "current:", "d4 c3 b2"),
	OK_ROW("range_current", CHAIN, "b2", ":current", "b2 a1"),
	OK_ROW("range_current", CHAIN, "b2", "current:current", "b2"),
	OK_ROW("range_current", BR, "a1 b2", "current:", "b2 a2 a1"),
	OK_ROW("range_current", BR, "a1 b2", ":current", "b2 b1 a1 r"),

	OK_ROW("range_on_branches", BR, "", "a1:", "a2 a1"),
	OK_ROW("range_on_branches", BR, "", ":a2", "a2 a1 r"),
	OK_ROW("range_on_branches", BR, "", "b1:heads", "b2 b1"),
	OK_ROW("range_on_branches", BR, "", "r:a2", "a2 a1 r"),
	/* unrelated ends select nothing */
	OK_ROW("range_on_branches", BR, "", "a2:b2", ""),
	OK_ROW("range_on_branches", BR, "", "a1:b2", ""),

	OK_ROW("range_with_labels_prefixes_and_relative_ends", BR, "", "A:", "a2 a1"),
	OK_ROW("range_with_labels_prefixes_and_relative_ends", BR, "", "A@head:", "a2"),
	OK_ROW("range_with_labels_prefixes_and_relative_ends", BR, "", ":B@head", "b2 b1 r"),
	OK_ROW("range_with_labels_prefixes_and_relative_ends",
		   "abcd1111 abcd2222<abcd1111 ffff0000<abcd2222", "", "abcd2:", "ffff0000 abcd2222"),
	OK_ROW("range_with_labels_prefixes_and_relative_ends", CHAIN, "b2", ":+1", "c3 b2 a1"),
	OK_ROW("range_with_labels_prefixes_and_relative_ends", CHAIN, "", "b2+1:", "d4 c3"),

	ERR_ROW("invalid_ranges", CHAIN, "", "a1", "a1", MG_ERR_TARGET),
	ERR_ROW("invalid_ranges", CHAIN, "", "a1:b2:c3", "a1:b2:c3", MG_ERR_TARGET),
	ERR_ROW("invalid_ranges", CHAIN, "", "::", NULL, MG_ERR_TARGET),
	ERR_ROW("invalid_ranges", CHAIN, "", "a1:+x", NULL, MG_ERR_TARGET),

	ERR_ROW("range_ends_that_name_nothing", CHAIN, "", "zzzz9:", "zzzz9", NF),
	ERR_ROW("range_ends_that_name_nothing", CHAIN, "", "a1:nope", "nope", NF),
	{"range_ends_that_name_nothing", MG_ERR_AMBIGUOUS, BR, "", ":head",
		"multiple heads are present; use 'heads' or '<label>@head'", true},
};

static void
check_hist_row(const void *row)
{
	const HistRow *r = row;
	MgGraph    *g = t_graph(r->graph);
	const uint8_t *applied = t_applied(g, r->applied);

	if (r->status == MG_OK)
	{
		const char *got = hist(g, r->range, applied);

		CHECK_MSG(strcmp(got, r->want) == 0,
				  "history \"%s\" of \"%s\" at \"%s\": expected \"%s\", got \"%s\"",
				  r->range ? r->range : "(null)", r->graph, r->applied,
				  r->want, got);
	}
	else
	{
		MgError    *e = hist_err(g, r->range, applied, r->status);

		if (r->exact)
			CHECK_STR(e->message, r->want);
		else if (r->want)
			CHECK_CONTAINS(e->message, r->want);
	}
}

ROWS_CASE(hist_case, hist_rows, check_hist_row)

const TestCase history_cases[] = {
	TC_ROWS(history_all_newest_first, hist_case),
	TC_ROWS(history_is_reverse_upgrade_order, hist_case),
	TC_ROWS(history_does_not_depend_on_state, hist_case),
	TC_ROWS(range_a_to_b, hist_case),
	TC_ROWS(range_open_ends, hist_case),
	TC_ROWS(range_base_and_heads, hist_case),
	TC_ROWS(range_current, hist_case),
	TC_ROWS(range_on_branches, hist_case),
	TC_ROWS(range_with_labels_prefixes_and_relative_ends, hist_case),
	TC_ROWS(invalid_ranges, hist_case),
	TC_ROWS(range_ends_that_name_nothing, hist_case),
	TC_END
};
