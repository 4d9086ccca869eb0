/*
 * out.c — messages, errors, JSON strings and progress lines.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

Options		opt = {NULL, "migrations", 0, false, false, false, NULL, NULL, false, -1};

/* ---- text for a terminal ---- */

/* A control character at p: C0 but TAB (and LF with lines), or DEL. */
static bool
is_control(unsigned char c, bool lines)
{
	return (c < 0x20 && c != '\t' && !(lines && c == '\n')) || c == 0x7f;
}

/* A C1 control (U+0080..U+009F) as UTF-8 writes it: C2 80..C2 9F. */
static bool
is_c1(const unsigned char *p)
{
	return p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
}

const char *
printable(const char *s, bool lines)
{
	const unsigned char *p = (const unsigned char *) s;
	MgBuf		b;

	if (s == NULL)
		return NULL;
	while (*p && !is_control(*p, lines) && !is_c1(p))
		p++;
	if (*p == '\0')
		return s;
	mg_buf_init(&b);
	mg_buf_append(&b, s, (size_t) (p - (const unsigned char *) s));
	for (; *p; p++)
	{
		if (is_c1(p))
		{
			mg_buf_printf(&b, "\\x%02x\\x%02x", p[0], p[1]);
			p++;
		}
		else if (is_control(*p, lines))
			mg_buf_printf(&b, "\\x%02x", *p);
		else
			mg_buf_append(&b, (const char *) p, 1);
	}
	return b.data;
}

/* fmt and its arguments as an allocated string */
static char *
vformat(const char *fmt, va_list ap)
{
	va_list		again;
	int			n;
	char	   *s;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0)
		return mg_strdup("");
	s = mg_alloc((size_t) n + 1);
	vsnprintf(s, (size_t) n + 1, fmt, ap);
	return s;
}

/* fmt's text on f through printable() (lines kept) */
void
put_printable(FILE *f, const char *fmt,...)
{
	va_list		ap;
	char	   *s;
	const char *p;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	p = printable(s, true);
	fputs(p, f);
	if (p != s)
		mg_free((void *) p);
	mg_free(s);
}

int
fail(int status, const char *fmt,...)
{
	va_list		ap;
	char	   *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	put_printable(stderr, "migrate: %s\n", s);
	mg_free(s);
	return status;
}

int
fail_mg(const MgError *err)
{
	if (err->line > 0)
		put_printable(stderr, "migrate: %s:%d: %s\n", err->source, err->line, err->message);
	else
		put_printable(stderr, "migrate: %s\n", err->message);
	if (err->hint[0])
		put_printable(stderr, "hint: %s\n", err->hint);
	return exit_for_status(err->status);
}

/*
 * The one exit-status mapper: an error kind's status (mg_defs.h), and for
 * an error the server raised, its SQLSTATE's kind, except that anything
 * raised while revisions run is a failed migration (1) whatever its code.
 */
int
exit_for_status(MgStatus status)
{
	return mg_status_exit(status);
}

int
exit_for_sqlstate(const char *sqlstate, bool running)
{
	if (running)
		return EXIT_FAILED;
	return exit_for_status(mg_status_from_sqlstate(sqlstate));
}

void
say(int level, const char *fmt,...)
{
	va_list		ap;
	FILE	   *f = level > 0 ? stderr : stdout;
	char	   *s;

	if (opt.verbosity < level)
		return;
	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	put_printable(f, "%s", s);
	mg_free(s);
	fflush(f);
}

void
json_string(FILE *f, const char *s)
{
	if (s == NULL)
	{
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++)
	{
		unsigned char c = (unsigned char) *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

void
progress_begin(Progress *p, int total)
{
	p->total = total;
	p->done = 0;
	p->started_ms = 0;
}

/* "[3/12] 5aa5020316c5 create colors table ... " then progress_done */
void
progress_step(Progress *p, bool downgrade, const char *id, const char *message)
{
	p->done++;
	p->started_ms = now_ms();
	info("[%d/%d] %s %s ... ", p->done, p->total, printable(id, false),
		 message ? printable(message, false) : "");
}

void
progress_done(Progress *p)
{
	info("%.0f ms\n", now_ms() - p->started_ms);
}

/*
 * ---- what a step prints when it fails, as text (migrate test) ----
 * The executors report a failing statement on stderr as they go; while a
 * test step runs, stderr is a memory stream (glibc documents stderr as a
 * variable one may set) and the progress lines are silenced.
 */
static FILE *saved_stderr;
static char *capture_buf;
static size_t capture_len;
static int	saved_verbosity;

void
capture_begin(void)
{
	FILE	   *mem = open_memstream(&capture_buf, &capture_len);

	saved_verbosity = opt.verbosity;
	opt.verbosity = -1;
	if (mem == NULL)
		return;
	saved_stderr = stderr;
	stderr = mem;
}

char *
capture_end(void)
{
	MgBuf		b;
	char	   *line;

	opt.verbosity = saved_verbosity;
	if (saved_stderr == NULL)
		return mg_strdup("");
	fclose(stderr);
	stderr = saved_stderr;
	saved_stderr = NULL;
	/* one line: "migrate: " prefixes dropped, lines joined with "; " */
	mg_buf_init(&b);
	for (line = strtok(capture_buf, "\n"); line; line = strtok(NULL, "\n"))
	{
		if (strncmp(line, "migrate: ", 9) == 0)
			line += 9;
		if (strcmp(line, "failed") == 0 || line[0] == '\0')
			continue;
		mg_buf_printf(&b, "%s%s", b.len ? "; " : "", line);
	}
	free(capture_buf);
	capture_buf = NULL;
	return b.data ? b.data : mg_strdup("");
}

long
duration_ms(const char *s)
{
	char	   *end;
	double		v = strtod(s, &end);

	if (end == s || v < 0)
		return -1;
	while (*end == ' ')
		end++;
	if (*end == '\0' || strcmp(end, "ms") == 0)
		;
	else if (strcmp(end, "s") == 0)
		v *= 1000;
	else if (strcmp(end, "min") == 0)
		v *= 60000;
	else
		return -1;
	return v > 2147483647.0 ? -1 : (long) v;
}

int
lock_wait_option(const char *value)
{
	long		ms = duration_ms(value);

	if (ms < 0)
		return fail(EXIT_USAGE, "invalid --lock-wait \"%s\" (expected milliseconds, or a number with ms, s or min)",
					value);
	opt.lock_wait_ms = ms;
	return EXIT_OK;
}
