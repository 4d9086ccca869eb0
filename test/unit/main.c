/*
 * main.c — the unit-test runner: runs every registered case in order and
 * prints TAP-like lines, then "unit: X passed, Y failed" as the last line.
 * Exit status 1 when any case failed.
 *
 *   run_unit [SUBSTRING]   runs only the cases whose name contains it
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct Deferred
{
	void		(*fn) (void *);
	void	   *p;
} Deferred;

static jmp_buf case_jmp;
static bool case_running;
static bool case_failed;
static Deferred *deferred;
static int ndeferred,
			capdeferred;

#define MAX_DETAILS 8
static char details[MAX_DETAILS][1024];
static int ndetails;

static void
run_deferred(void)
{
	while (ndeferred > 0)
	{
		Deferred	d = deferred[--ndeferred];

		d.fn(d.p);
	}
}

void
t_defer(void (*fn) (void *), void *p)
{
	if (ndeferred == capdeferred)
	{
		capdeferred = capdeferred ? capdeferred * 2 : 64;
		deferred = realloc(deferred, sizeof(Deferred) * (size_t) capdeferred);
		if (deferred == NULL)
		{
			fprintf(stderr, "run_unit: out of memory\n");
			exit(2);
		}
	}
	deferred[ndeferred].fn = fn;
	deferred[ndeferred].p = p;
	ndeferred++;
}

void *
t_alloc(size_t n)
{
	void	   *p = calloc(1, n ? n : 1);

	if (p == NULL)
	{
		fprintf(stderr, "run_unit: out of memory\n");
		exit(2);
	}
	t_defer(free, p);
	return p;
}

char *
t_printf(const char *fmt,...)
{
	va_list		ap;
	int			n;
	char	   *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = t_alloc((size_t) n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t) n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Copy src into dst (size sz) with newlines and control bytes escaped. */
static void
escape_into(char *dst, size_t sz, const char *src)
{
	size_t		o = 0;

	for (; *src && o + 5 < sz; src++)
	{
		unsigned char c = (unsigned char) *src;

		if (c == '\n')
			o += (size_t) snprintf(dst + o, sz - o, "\\n");
		else if (c == '\r')
			o += (size_t) snprintf(dst + o, sz - o, "\\r");
		else if (c == '\t')
			o += (size_t) snprintf(dst + o, sz - o, "\\t");
		else if (c < 0x20)
			o += (size_t) snprintf(dst + o, sz - o, "\\x%02x", c);
		else
			dst[o++] = (char) c;
	}
	dst[o] = '\0';
}

void
t_fail(const char *file, int line, const char *fmt,...)
{
	char		raw[2048];
	char		msg[1024];
	va_list		ap;
	int			n;

	n = snprintf(raw, sizeof(raw), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(raw + n, sizeof(raw) - (size_t) n, fmt, ap);
	va_end(ap);
	escape_into(msg, sizeof(msg), raw);
	if (ndetails < MAX_DETAILS)
		snprintf(details[ndetails++], sizeof(details[0]), "%s", msg);
	case_failed = true;
	if (case_running)
		longjmp(case_jmp, 1);
	fprintf(stderr, "run_unit: check failed outside a test case: %s\n", msg);
	exit(2);
}

void
t_note(const char *fmt,...)
{
	char		raw[1024];
	char		msg[1024];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	escape_into(msg, sizeof(msg), raw);
	printf("# %s\n", msg);
	fflush(stdout);
}

const char *
t_status_name(MgStatus st)
{
	switch (st)
	{
		case MG_OK:
			return "MG_OK";
		case MG_ERR_SYNTAX:
			return "MG_ERR_SYNTAX";
		case MG_ERR_GRAPH:
			return "MG_ERR_GRAPH";
		case MG_ERR_TARGET:
			return "MG_ERR_TARGET";
		case MG_ERR_NOT_FOUND:
			return "MG_ERR_NOT_FOUND";
		case MG_ERR_AMBIGUOUS:
			return "MG_ERR_AMBIGUOUS";
		case MG_ERR_STATE:
			return "MG_ERR_STATE";
		case MG_ERR_DIALECT:
			return "MG_ERR_DIALECT";
		case MG_ERR_DUPLICATE:
			return "MG_ERR_DUPLICATE";
		case MG_ERR_CHECKSUM:
			return "MG_ERR_CHECKSUM";
		case MG_ERR_IRREVERSIBLE:
			return "MG_ERR_IRREVERSIBLE";
		case MG_ERR_NONTRANSACTIONAL:
			return "MG_ERR_NONTRANSACTIONAL";
		case MG_ERR_EXEC:
			return "MG_ERR_EXEC";
		case MG_ERR_INPUT:
			return "MG_ERR_INPUT";
		case MG_ERR_UNREACHABLE:
			return "MG_ERR_UNREACHABLE";
	}
	return "MG_ERR_?";
}

/* Run one case; a failed check longjmps back here. */
static void
run_case(const TestCase *tc)
{
	ndetails = 0;
	case_failed = false;
	case_running = true;
	if (setjmp(case_jmp) == 0)
	{
		if (tc->fn)
			tc->fn();
		else
			tc->rows(tc->name);
	}
	case_running = false;
	run_deferred();
}

static const TestCase *const suites[] = {
	revfile_cases,
	graph_cases,
	target_cases,
	history_cases,
	samples_cases,
	offline_cases,
	perf_cases,
	branches_cases,
	interrupt_cases,
};

int
main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int			num = 0,
				passed = 0,
				failed = 0,
				todo = 0;

	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++)
		for (const TestCase *tc = suites[s]; tc->name; tc++)
		{
			if (filter && !strstr(tc->name, filter))
				continue;
			num++;
			run_case(tc);

			if (tc->todo)
			{
				if (case_failed)
				{
					todo++;
					printf("not ok %d - %s # TODO %s\n", num, tc->name, tc->todo);
				}
				else
				{
					passed++;
					printf("ok %d - %s # TODO passed unexpectedly: %s\n",
						   num, tc->name, tc->todo);
				}
			}
			else if (case_failed)
			{
				failed++;
				printf("not ok %d - %s\n", num, tc->name);
			}
			else
			{
				passed++;
				printf("ok %d - %s\n", num, tc->name);
			}
			for (int i = 0; i < ndetails && case_failed; i++)
				printf("# %s\n", details[i]);
			fflush(stdout);
		}
	free(deferred);
	if (todo > 0)
		printf("# %d known failure%s (TODO) not counted\n", todo,
			   todo == 1 ? "" : "s");
	printf("unit: %d passed, %d failed\n", passed, failed);
	fflush(stdout);
	return failed > 0 ? 1 : 0;
}
