/*
 * mg_base.c — errors as values, strings, buffers, an arena, lists and a
 * string map for the shared core.  Allocation goes through the per-side
 * hooks.
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
	if (b->data)
		mg_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* ---- arena ---- */

#define ARENA_MIN_BLOCK 4096
#define ARENA_MAX_BLOCK (64 * 1024)

typedef struct MgArenaBlock
{
	struct MgArenaBlock *prev;
	size_t		size;			/* usable bytes after the header */
} MgArenaBlock;

/* the header rounded up so that block data stays pointer-aligned */
#define ARENA_HEADER \
	((sizeof(MgArenaBlock) + sizeof(void *) - 1) & ~(sizeof(void *) - 1))

void
mg_arena_init(MgArena *a)
{
	a->blocks = NULL;
	a->next = NULL;
	a->left = 0;
}

/*
 * A new block for at least need bytes.  Blocks double up to a cap, so a
 * small graph costs a few kilobytes and a large one few allocations.
 */
static void
arena_grow(MgArena *a, size_t need)
{
	size_t		size = a->blocks ? a->blocks->size * 2 : ARENA_MIN_BLOCK;
	MgArenaBlock *b;

	if (size > ARENA_MAX_BLOCK)
		size = ARENA_MAX_BLOCK;
	if (size < need)
		size = need;
	b = mg_alloc(ARENA_HEADER + size);
	b->prev = a->blocks;
	b->size = size;
	a->blocks = b;
	a->next = (char *) b + ARENA_HEADER;
	a->left = size;
}

void *
mg_arena_alloc(MgArena *a, size_t size)
{
	size_t		pad = (size_t) (-(uintptr_t) a->next) & (sizeof(void *) - 1);
	void	   *p;

	if (a->next == NULL || pad + size > a->left)
	{
		arena_grow(a, size);
		pad = 0;
	}
	p = a->next + pad;
	a->next += pad + size;
	a->left -= pad + size;
	return p;
}

char *
mg_arena_strdup(MgArena *a, const char *s)
{
	size_t		len = strlen(s) + 1;
	char	   *p;

	/* strings need no alignment: pack them */
	if (a->next == NULL || len > a->left)
		arena_grow(a, len);
	p = a->next;
	memcpy(p, s, len);
	a->next += len;
	a->left -= len;
	return p;
}

void
mg_arena_free(MgArena *a)
{
	while (a->blocks)
	{
		MgArenaBlock *prev = a->blocks->prev;

		mg_free(a->blocks);
		a->blocks = prev;
	}
	mg_arena_init(a);
}

/* ---- lists ---- */

void
mg_strlist_add(MgStrList *l, const char *s)
{
	/* grow by powers of two; count doubles as the capacity marker */
	if ((l->count & (l->count - 1)) == 0)
	{
		int			cap = l->count == 0 ? 1 : l->count * 2;

		l->items = l->items ? mg_realloc(l->items, sizeof(char *) * cap)
			: mg_alloc(sizeof(char *) * cap);
	}
	l->items[l->count++] = mg_strdup(s);
}

void
mg_strlist_free(MgStrList *l)
{
	for (int i = 0; i < l->count; i++)
		mg_free(l->items[i]);
	if (l->items)
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
		l->items = l->items ? mg_realloc(l->items, sizeof(int) * l->cap)
			: mg_alloc(sizeof(int) * l->cap);
	}
	l->items[l->count++] = v;
}

void
mg_intlist_free(MgIntList *l)
{
	if (l->items)
		mg_free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}

/* ---- string map: open addressing, linear probing, stored hashes ---- */

/*
 * Hash eight bytes at a time (ids are mostly 8 to 40 characters): each
 * word is folded in with one multiply, so the loop is not a chain of one
 * multiply per byte.  The last word is zero-padded, which cannot make two
 * strings alike: a string ends at its first zero byte.
 */
uint32_t
mg_hash_str(const char *s)
{
	uint64_t	h = 0x9E3779B97F4A7C15ULL;

	for (;;)
	{
		uint64_t	w = 0;
		int			k;

		for (k = 0; k < 8 && s[k]; k++)
			w |= (uint64_t) (unsigned char) s[k] << (8 * k);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
		h ^= h >> 31;
		if (k < 8)
			break;
		s += 8;
	}
	h *= 0x94D049BB133111EBULL;
	h ^= h >> 29;
	/* one 32-bit value both places the key and tags its slot */
	return (uint32_t) (h ^ (h >> 32));
}

void
mg_map_init(MgMap *m, size_t expected)
{
	size_t		cap = 16;

	while (cap < expected * 2)
		cap *= 2;
	m->cap = cap;
	m->count = 0;
	m->slots = mg_alloc0(sizeof(MgMapSlot) * cap);
}

/* The slot holding key, or the empty slot where it would go. */
static MgMapSlot *
map_find(const MgMap *m, const char *key, uint32_t hash)
{
	size_t		i = (size_t) hash & (m->cap - 1);

	for (;;)
	{
		MgMapSlot  *s = &m->slots[i];

		if (s->key == NULL ||
			(s->hash == hash && strcmp(s->key, key) == 0))
			return s;
		i = (i + 1) & (m->cap - 1);
	}
}

static void
map_grow(MgMap *m)
{
	MgMap		bigger;

	mg_map_init(&bigger, m->cap);
	for (size_t i = 0; i < m->cap; i++)
	{
		const MgMapSlot *s = &m->slots[i];

		if (s->key)
		{
			size_t		j = (size_t) s->hash & (bigger.cap - 1);

			/* keys are distinct: only an empty slot can stop the probe */
			while (bigger.slots[j].key)
				j = (j + 1) & (bigger.cap - 1);
			bigger.slots[j] = *s;
		}
	}
	bigger.count = m->count;
	mg_map_free(m);
	*m = bigger;
}

bool
mg_map_put(MgMap *m, const char *key, int val)
{
	uint32_t	h = mg_hash_str(key);
	MgMapSlot  *s;

	if ((m->count + 1) * 2 > m->cap)
		map_grow(m);
	s = map_find(m, key, h);
	if (s->key)
		return false;
	s->key = key;
	s->hash = h;
	s->val = val;
	m->count++;
	return true;
}

int
mg_map_get(const MgMap *m, const char *key)
{
	const MgMapSlot *s;

	if (m->cap == 0)
		return -1;
	s = map_find(m, key, mg_hash_str(key));
	return s->key ? s->val : -1;
}

void
mg_map_free(MgMap *m)
{
	if (m->slots)
		mg_free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}
