/*
 * harness.h — a small self-contained unit-test harness for src/common.
 *
 * Each test case is a void function registered in a per-file table
 * (TC(name) entries ending with TC_END), or a table-driven case
 * (TC_ROWS(name, runner)): rows of a table, each naming its case, that one
 * function checks (T_ROWS, ROWS_CASE).  A failed check records a
 * "# detail" line and aborts the case (longjmp back to the runner), so
 * everything a case allocates must be registered with t_defer() or one of
 * the fixture helpers below, which do that: the runner frees it after the
 * case, pass or fail.
 *
 * Output (main.c): "ok N - name" / "not ok N - name" per case, "# ..."
 * detail lines, and as the last line "unit: X passed, Y failed".
 * A case registered with TC_TODO is a known failure awaiting a decision:
 * it prints "not ok N - name # TODO reason" and is counted in neither
 * number (a summary comment line counts them).
 */
#ifndef MG_UNIT_HARNESS_H
#define MG_UNIT_HARNESS_H

#include "mg_base.h"
#include "revfile.h"
#include "graph.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef void (*TestFn) (void);
typedef void (*RowsFn) (const char *name);

typedef struct TestCase
{
	const char *name;
	TestFn		fn;
	const char *todo;			/* non-NULL: known failure, with the reason */
	RowsFn		rows;			/* instead of fn: checks the rows of case name */
} TestCase;

#define TEST(name) static void name(void)
/* The number of elements of an array. */
#define T_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TC(name) { #name, name, NULL, NULL }
#define TC_TODO(name, why) { #name, name, why, NULL }
/* A table-driven case: rows(#name) checks its rows (see T_ROWS). */
#define TC_ROWS(name, rows) { #name, NULL, NULL, rows }
#define TC_END { NULL, NULL, NULL, NULL }

/* ---- core (main.c) ---- */

/* Record a failure detail and abort the running case. */
void		t_fail(const char *file, int line, const char *fmt,...)
			__attribute__((noreturn, format(printf, 3, 4)));
/* Print a "# ..." comment line now. */
void		t_note(const char *fmt,...) __attribute__((format(printf, 1, 2)));
/* Run fn(p) after the current case ends (in reverse registration order). */
void		t_defer(void (*fn) (void *), void *p);
/* Zeroed memory freed after the case. */
void	   *t_alloc(size_t n);
/* A formatted string freed after the case. */
char	   *t_printf(const char *fmt,...) __attribute__((format(printf, 1, 2)));
const char *t_status_name(MgStatus st);

/* ---- checks (abort the case on failure) ---- */

#define CHECK(cond) \
	do { if (!(cond)) t_fail(__FILE__, __LINE__, "check failed: %s", #cond); } while (0)

#define CHECK_MSG(cond, ...) \
	do { if (!(cond)) t_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

#define CHECK_INT(actual, expected) \
	do { \
		long long a_ = (long long) (actual), e_ = (long long) (expected); \
		if (a_ != e_) \
			t_fail(__FILE__, __LINE__, "%s: expected %lld, got %lld", \
				   #actual, e_, a_); \
	} while (0)

#define CHECK_STR(actual, expected) \
	do { \
		const char *a_ = (actual), *e_ = (expected); \
		if (!(a_ == e_ || (a_ && e_ && strcmp(a_, e_) == 0))) \
			t_fail(__FILE__, __LINE__, "%s: expected \"%s\", got \"%s\"", \
				   #actual, e_ ? e_ : "(null)", a_ ? a_ : "(null)"); \
	} while (0)

#define CHECK_NULL(actual) \
	do { \
		const void *a_ = (actual); \
		if (a_ != NULL) \
			t_fail(__FILE__, __LINE__, "%s: expected NULL", #actual); \
	} while (0)

#define CHECK_CONTAINS(hay, needle) \
	do { \
		const char *h_ = (hay), *n_ = (needle); \
		if (!h_ || !strstr(h_, n_)) \
			t_fail(__FILE__, __LINE__, "%s: expected to contain \"%s\", got \"%s\"", \
				   #hay, n_, h_ ? h_ : "(null)"); \
	} while (0)

/* hay contains every string of the array needles up to its first NULL. */
#define CHECK_CONTAINS_ALL(hay, needles) \
	do { \
		for (size_t i_ = 0; i_ < T_LEN(needles) && (needles)[i_]; i_++) \
			CHECK_CONTAINS((hay), (needles)[i_]); \
	} while (0)

#define CHECK_NOT_CONTAINS(hay, needle) \
	do { \
		const char *h_ = (hay), *n_ = (needle); \
		if (h_ && strstr(h_, n_)) \
			t_fail(__FILE__, __LINE__, "%s: expected not to contain \"%s\", got \"%s\"", \
				   #hay, n_, h_); \
	} while (0)

/* st must equal expected; on mismatch the error message is shown. */
#define CHECK_STATUS(st, expected, errp) \
	do { \
		MgStatus s_ = (st), x_ = (expected); \
		const MgError *ep_ = (errp); \
		if (s_ != x_) \
			t_fail(__FILE__, __LINE__, "%s: expected %s, got %s (%s)", #st, \
				   t_status_name(x_), t_status_name(s_), \
				   ep_ && s_ != MG_OK ? ep_->message : ""); \
	} while (0)

/* ---- fixtures (fixtures.c) ---- */

#define T_SOURCE "versions/test.sql"

/* Parse text (source T_SOURCE); fails the case unless it parses. */
MgRevFile  *t_parse(const char *text);
MgRevFile  *t_parse_len(const char *text, size_t len);
/* Parse text that must fail with status expected at line (0: any line). */
MgError    *t_parse_err(const char *text, MgStatus expected, int line);
MgError    *t_parse_err_len(const char *text, size_t len, MgStatus expected,
							int line);
/* mg_revfile_select that must succeed. */
MgRevSelected *t_select(const MgRevFile *rf, MgDialect d);
/* mg_revfile_format, freed after the case. */
char	   *t_format(const MgRevFile *rf);
/* Fail unless a and b have the same header fields and sections. */
void		t_same_revfile(const char *file, int line, const MgRevFile *a,
						   const MgRevFile *b);
#define CHECK_SAME_REVFILE(a, b) t_same_revfile(__FILE__, __LINE__, (a), (b))

/*
 * Graph from a compact spec: whitespace-separated entries
 *     id[<parent,parent][~depends,depends][@label,label]
 * e.g. "r a1<r@A a2<a1 b1<r~a2".  t_graph fails the case unless it builds.
 */
MgGraph    *t_graph(const char *spec);
/* A chain of n revisions c0000000 <- c0000001 ..., root_label (if not
 * NULL) on the root. */
MgGraph    *t_chain(int n, const char *root_label);
/* An empty graph (mg_graph_init), freed after the case. */
MgGraph    *t_new_graph(int capacity);
/* Build a graph that must fail with expected; returns the error. */
MgError    *t_graph_err(const char *spec, MgStatus expected);
/* Node number of id; fails the case when absent. */
int			t_node(const MgGraph *g, const char *id);
/* "a b c": ids of a node list in list order ("" when empty). */
const char *t_ids(const MgGraph *g, const MgIntList *l);
/* ids of the members of a set, in id order. */
const char *t_set(const MgGraph *g, const uint8_t *set);
/* Applied set from space-separated stored versions ("" = base). */
uint8_t    *t_applied(const MgGraph *g, const char *versions);
/* The version set of an applied set, as "a b". */
const char *t_vset(const MgGraph *g, const uint8_t *applied);
/*
 * Table-driven cases: rows is an array whose elements start with the name
 * (const char *) of the case they belong to; check is called on each row
 * of case test, in order, and the case fails when it has none.
 */
void		t_each_row(const char *test, const void *rows, size_t n,
					   size_t size, void (*check) (const void *row));
#define T_ROWS(test, rows, check) \
	t_each_row((test), (rows), T_LEN(rows), sizeof((rows)[0]), (check))
/* static void fn(const char *name): the T_ROWS of name, for TC_ROWS. */
#define ROWS_CASE(fn, rows, check) \
	static void fn(const char *name) { T_ROWS(name, rows, check); }
/* Keep a list until the end of the case. */
MgIntList  *t_keep(MgIntList l);
MgStrList  *t_keep_str(MgStrList l);
/* "a b": a string list joined by spaces. */
const char *t_strs(const MgStrList *l);

/* mg_plan that must succeed / must fail with expected. */
MgPlan	   *t_plan(const MgGraph *g, const char *target, MgOp op,
				   const uint8_t *applied, bool purge);
MgError    *t_plan_err(const MgGraph *g, const char *target, MgOp op,
					   const uint8_t *applied, MgStatus expected);
/* Fail unless set is closed under revises and depends. */
void		t_check_closed(const char *file, int line, const MgGraph *g,
						   const uint8_t *set);
#define CHECK_CLOSED(g, set) t_check_closed(__FILE__, __LINE__, (g), (set))

#define UP MG_OP_UPGRADE
#define DOWN MG_OP_DOWNGRADE
#define STAMP MG_OP_STAMP

/* ---- the suites ---- */

extern const TestCase revfile_cases[];
extern const TestCase graph_cases[];
extern const TestCase target_cases[];
extern const TestCase history_cases[];
extern const TestCase samples_cases[];
extern const TestCase offline_cases[];
extern const TestCase perf_cases[];
extern const TestCase branches_cases[];
extern const TestCase interrupt_cases[];

#endif							/* MG_UNIT_HARNESS_H */
