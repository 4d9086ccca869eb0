/*
 * mg_map.c — the string -> int map of mg_map.h: open addressing, linear
 * probing, stored hashes.
 */
#include "mg_base.h"

#include <string.h>

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
	mg_free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}
