/*
 * mg_base.c — errors as values, strings, buffers and lists for the shared
 * core.  The arena is in mg_arena.c, the string map in mg_map.c.
 * Allocation goes through the per-side hooks.
 */
#include "mg_base.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

MgStatus
mg_error(MgError *err, MgStatus status, const char *source, int line,
		 const char *fmt,...)
{
	va_list		ap;

	if (err == NULL)
		return status;
	err->status = status;
	err->line = line;
	err->hint[0] = '\0';
	snprintf(err->source, sizeof(err->source), "%s", source ? source : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return status;
}

void
mg_error_hint(MgError *err, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

void
mg_error_clear(MgError *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

char *
mg_strndup(const char *s, size_t n)
{
	char	   *r = mg_alloc(n + 1);

	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

char *
mg_strdup(const char *s)
{
	return mg_strndup(s, strlen(s));
}

void *
mg_alloc0(size_t size)
{
	void	   *p = mg_alloc(size);

	memset(p, 0, size);
	return p;
}

/* ---- buffers ---- */

void
mg_buf_init(MgBuf *b)
{
	b->cap = 256;
	b->len = 0;
	b->data = mg_alloc(b->cap);
	b->data[0] = '\0';
}

static void
buf_reserve(MgBuf *b, size_t extra)
{
	size_t		need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	while (b->cap < need)
		b->cap *= 2;
	b->data = mg_realloc(b->data, b->cap);
}

void
mg_buf_append(MgBuf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
mg_buf_puts(MgBuf *b, const char *s)
{
	mg_buf_append(b, s, strlen(s));
}

void
mg_buf_printf(MgBuf *b, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t) n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t) n;
}

void
mg_buf_free(MgBuf *b)
{
	mg_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* ---- lists ---- */

char *
mg_quoted(const char *s, char q)
{
	MgBuf		b;

	mg_buf_init(&b);
	mg_buf_append(&b, &q, 1);
	for (const char *p = s; *p; p++)
	{
		if (*p == q)
			mg_buf_append(&b, &q, 1);
		mg_buf_append(&b, p, 1);
	}
	mg_buf_append(&b, &q, 1);
	return b.data;
}

char *
mg_strlist_join(const MgStrList *l)
{
	MgBuf		b;

	mg_buf_init(&b);
	for (int i = 0; i < l->count; i++)
		mg_buf_printf(&b, "%s%s", i ? "," : "", l->items[i]);
	return b.data;
}

bool
mg_strlist_contains(const MgStrList *l, const char *s)
{
	for (int i = 0; i < l->count; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

void
mg_strlist_add(MgStrList *l, const char *s)
{
	/* grow by powers of two; count doubles as the capacity marker */
	if ((l->count & (l->count - 1)) == 0)
	{
		int			cap = l->count == 0 ? 1 : l->count * 2;

		l->items = mg_realloc(l->items, sizeof(char *) * cap);
	}
	l->items[l->count++] = mg_strdup(s);
}

void
mg_strlist_free(MgStrList *l)
{
	for (int i = 0; i < l->count; i++)
		mg_free(l->items[i]);
	mg_free(l->items);
	l->items = NULL;
	l->count = 0;
}

void
mg_intlist_add(MgIntList *l, int v)
{
	if (l->count == l->cap)
	{
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = mg_realloc(l->items, sizeof(int) * l->cap);
	}
	l->items[l->count++] = v;
}

void
mg_intlist_free(MgIntList *l)
{
	mg_free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}
