/*
 * test_interrupts.c — the shared core checks for interrupts in its long
 * loops (MG_CHECK_INTERRUPTS, mg_base.h), so that the server, whose hook
 * is CHECK_FOR_INTERRUPTS(), honours a cancel or statement_timeout however
 * large the input.  Here the hook counts its calls: a loop over N items
 * must call it at least N times, and a hook that does not return (the
 * server's ereport) stops the work where it is.
 */
#include "harness.h"
#include "schema_model.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Two cases leak on purpose (a parse abandoned by longjmp, as the server's
 * ereport abandons it to its memory context; models the core has no free
 * for): under LeakSanitizer (test/suites/sanitize.sh) what they allocate
 * is not reported.
 */
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#include <sanitizer/lsan_interface.h>
#define LEAKS_IGNORED_BEGIN() __lsan_disable()
#define LEAKS_IGNORED_END() __lsan_enable()
#else
#define LEAKS_IGNORED_BEGIN() ((void) 0)
#define LEAKS_IGNORED_END() ((void) 0)
#endif

static long checks;
static long cancel_at;			/* > 0: the call that "cancels" */
static jmp_buf cancel_jmp;

static void
counting_hook(void)
{
	if (++checks == cancel_at)
		longjmp(cancel_jmp, 1);
}

static void
restore_hook(void *p)
{
	mg_interrupt_hook = NULL;
	cancel_at = 0;
}

/* Count from now on (the hook is removed after the case). */
static void
count_checks(void)
{
	checks = 0;
	cancel_at = 0;
	mg_interrupt_hook = counting_hook;
	t_defer(restore_hook, NULL);
}

/* A revision whose depends header lists n ids (d0000000, ...). */
static char *
long_list_file(int n, int bad_at)
{
	MgBuf		b;
	char	   *text;

	mg_buf_init(&b);
	mg_buf_puts(&b, "-- migrate:revision a1\n-- migrate:revises base\n-- migrate:depends ");
	for (int i = 0; i < n; i++)
		mg_buf_printf(&b, "%sd%07d", i ? "," : "", i == bad_at ? 0 : i);
	mg_buf_puts(&b, "\n\n-- migrate:upgrade\nSELECT 1;\n");
	text = t_printf("%s", b.data);
	mg_buf_free(&b);
	return text;
}

TEST(interrupts_checked_per_item_of_a_header_list)
{
	const int	n = 50000;
	char	   *text = long_list_file(n, -1);
	MgRevFile  *rf;

	count_checks();
	rf = t_parse(text);
	CHECK_INT(rf->depends.count, n);
	CHECK_MSG(checks >= n, "%ld checks while parsing a list of %d ids", checks, n);
}

TEST(interrupts_checked_per_line)
{
	const int	n = 20000;
	MgBuf		b;
	MgRevFile  *rf;

	mg_buf_init(&b);
	mg_buf_puts(&b, "-- migrate:revision a1\n-- migrate:revises base\n\n-- migrate:upgrade\n");
	for (int i = 0; i < n; i++)
		mg_buf_printf(&b, "SELECT %d;\n", i);
	count_checks();
	rf = t_parse(t_printf("%s", b.data));
	mg_buf_free(&b);
	CHECK(rf->sections[MG_SECTION_UPGRADE][MG_DIALECT_ANY].present);
	CHECK_MSG(checks >= n, "%ld checks while parsing %d lines", checks, n);
}

TEST(interrupts_stop_a_parse_where_it_is)
{
	/*
	 * A hook that does not return, as the server's ereport: the parse of
	 * a list whose last id is a duplicate stops long before it would have
	 * found it.
	 */
	const int	n = 50000;
	char	   *text = long_list_file(n, n - 1);
	MgRevFile  *rf = t_alloc(sizeof(MgRevFile));
	MgError    *err = t_alloc(sizeof(MgError));
	volatile bool cancelled = false;

	count_checks();
	cancel_at = 100;
	LEAKS_IGNORED_BEGIN();
	if (setjmp(cancel_jmp) == 0)
		mg_revfile_parse(text, strlen(text), T_SOURCE, rf, err);	/* leaks */
	else
		cancelled = true;
	LEAKS_IGNORED_END();
	mg_interrupt_hook = NULL;
	CHECK_MSG(cancelled, "the parse ran to its end (%ld checks)", checks);
	CHECK_INT(checks, 100);
	/* without the hook, the same text is refused for the duplicate */
	t_parse_err(text, MG_ERR_SYNTAX, 3);
}

TEST(interrupts_checked_in_graph_build_plan_and_history)
{
	const int	n = 20000;
	MgGraph    *g;
	MgPlan	   *p;
	MgIntList  *hist = t_alloc(sizeof(MgIntList));
	MgError    *err = t_alloc(sizeof(MgError));
	uint8_t    *none,
			   *all;
	long		build,
				plan,
				down,
				history;

	count_checks();
	g = t_chain(n, "trunk");
	build = checks;
	none = t_alloc((size_t) n);
	all = t_alloc((size_t) n);
	memset(all, 1, (size_t) n);
	checks = 0;
	p = t_plan(g, "heads", UP, none, false);
	plan = checks;
	CHECK_INT(p->steps.count, n);
	checks = 0;
	p = t_plan(g, "base", DOWN, all, false);
	down = checks;
	CHECK_INT(p->steps.count, n);
	checks = 0;
	CHECK_STATUS(mg_history(g, NULL, all, hist, err), MG_OK, err);
	history = checks;
	CHECK_INT(hist->count, n);
	mg_intlist_free(hist);
	CHECK_MSG(build >= 2 * n, "%ld checks building %d revisions (adding, ordering, labels)", build, n);
	CHECK_MSG(plan >= n, "%ld checks planning %d upgrades", plan, n);
	CHECK_MSG(down >= n, "%ld checks planning %d downgrades", down, n);
	CHECK_MSG(history >= n, "%ld checks listing %d revisions", history, n);
}

TEST(interrupts_checked_in_relative_targets)
{
	const int	n = 20000;
	MgGraph    *g = t_chain(n, "trunk");
	uint8_t    *none = t_alloc((size_t) n);
	MgPlan	   *p;

	count_checks();
	p = t_plan(g, t_printf("+%d", n), UP, none, false);
	CHECK_INT(p->steps.count, n);
	CHECK_MSG(checks >= n, "%ld checks walking %d steps", checks, n);
}

TEST(interrupts_checked_in_the_schema_diff)
{
	const int	n = 5000;
	MgSchemaModel *from = t_alloc(sizeof(MgSchemaModel));
	MgSchemaModel *to = t_alloc(sizeof(MgSchemaModel));
	MgChangeList *out = t_alloc(sizeof(MgChangeList));
	MgError    *err = t_alloc(sizeof(MgError));

	LEAKS_IGNORED_BEGIN();
	mg_model_init(from);
	mg_model_init(to);
	for (int i = 0; i < n; i++)
	{
		char		name[16];
		MgObject   *o;

		snprintf(name, sizeof(name), "t%05d", i);
		o = mg_model_add(i % 2 ? from : to, MG_OBJ_TABLE, "public", NULL, name);
		o->def = mg_strdup("");
		o->drop = mg_strdup(t_printf("DROP TABLE public.%s", name));
	}
	count_checks();
	{
		MgStatus	st = mg_schema_diff(from, to, NULL, out, err);	/* leaks */

		LEAKS_IGNORED_END();
		CHECK_STATUS(st, MG_OK, err);
	}
	CHECK_INT(out->count, n);
	CHECK_MSG(checks >= n, "%ld checks diffing %d objects", checks, n);
}

const TestCase interrupt_cases[] = {
	TC(interrupts_checked_per_item_of_a_header_list),
	TC(interrupts_checked_per_line),
	TC(interrupts_stop_a_parse_where_it_is),
	TC(interrupts_checked_in_graph_build_plan_and_history),
	TC(interrupts_checked_in_relative_targets),
	TC(interrupts_checked_in_the_schema_diff),
	TC_END
};
