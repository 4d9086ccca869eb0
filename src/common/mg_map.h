/*
 * mg_map.h — a string -> int hash map for the shared core (mg_map.c).
 * Included by mg_base.h; slots come from the per-side mg_alloc hook.
 */
#ifndef MG_MAP_H
#define MG_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A string -> int map (open addressing, keys are not copied).  Each slot
 * keeps the key's hash next to the key and value, so a probe reads one
 * slot and compares strings only when the hashes agree.
 */
typedef struct MgMapSlot
{
	const char *key;			/* NULL: empty */
	uint32_t	hash;
	int			val;
} MgMapSlot;

typedef struct MgMap
{
	MgMapSlot  *slots;
	size_t		cap;			/* power of two */
	size_t		count;
} MgMap;

/* The map's hash of a string, for other tables keyed by strings. */
uint32_t	mg_hash_str(const char *s);

void		mg_map_init(MgMap *m, size_t expected);
/* Returns false (and leaves the map unchanged) if key already present. */
bool		mg_map_put(MgMap *m, const char *key, int val);
int			mg_map_get(const MgMap *m, const char *key);	/* -1 if absent */
void		mg_map_free(MgMap *m);

#endif							/* MG_MAP_H */
