/*
 * schema_online.c — the online plan of an upgrade (SPEC §6, online).
 *
 * CREATE INDEX CONCURRENTLY cannot run in a transaction, so an online
 * upgrade is two revisions: first everything that runs in a transaction
 * (constraints NOT VALID then validated, NOT NULL through a check), then a
 * "transaction false" revision that builds the new indexes of existing
 * tables CONCURRENTLY.  An index moves to the second revision only when
 * nothing in the first needs it: a foreign key needs its referenced
 * unique index, and a partitioned table cannot be indexed concurrently.
 */
#include "schema_model.h"

#include <string.h>

const char *
mg_online_index_blocker(const MgChange *c, const MgMap *needed)
{
	const MgObject *o = c->to;

	if (c->op != MG_CH_CREATE || o == NULL || o->kind != MG_OBJ_INDEX)
		return "it is not an index";
	if (!c->existing)
		return "its table is new";
	if (c->tomodel && o->owner >= 0 && c->tomodel->objs[o->owner].sub == 'p')
		return "its table is partitioned";
	if (needed && mg_map_get(needed, o->key) >= 0)
		return "an object in the same revision depends on it";
	return NULL;
}

/* The keys that objects other than comments depend on. */
static void
needed_keys(const MgSchemaModel *m, MgMap *needed)
{
	mg_map_init(needed, 64);
	for (int i = 0; i < m->count; i++)
	{
		const MgObject *o = &m->objs[i];

		if (o->kind == MG_OBJ_COMMENT)
			continue;
		for (int d = 0; d < o->deps.count; d++)
			mg_map_put(needed, o->deps.items[d], i);
	}
}

int
mg_online_split(const MgChangeList *changes, const MgSchemaModel *to,
				MgSchemaModel *mid)
{
	MgMap		needed,
				moved;
	int			n = 0;

	needed_keys(to, &needed);
	mg_map_init(&moved, 16);
	for (int i = 0; i < changes->count; i++)
	{
		const MgChange *c = &changes->items[i];

		if (mg_online_index_blocker(c, &needed) == NULL &&
			mg_map_put(&moved, c->to->key, i))
			n++;
	}
	if (n > 0)
	{
		/* the moved indexes' comments move with them */
		for (int i = 0; i < to->count; i++)
		{
			const MgObject *o = &to->objs[i];

			if (o->kind == MG_OBJ_COMMENT && o->table && mg_map_get(&moved, o->table) >= 0)
				mg_map_put(&moved, o->key, i);
		}
		mg_model_copy_without(mid, to, &moved);
	}
	mg_map_free(&needed);
	mg_map_free(&moved);
	return n;
}
