/*
 * schema_model.c — building a schema model: objects, keys, owners.
 *
 * A key is "kind|schema|table|name" (empty for NULL parts); the string map
 * points keys at objects.  mg_model_finish links every column, constraint,
 * index, trigger, policy and row-level security switch to its relation, and
 * gives each relation its children in the order they were added (columns
 * by attnum, as the reader adds them).
 */
#include "schema_model.h"

#include <stddef.h>
#include <string.h>

static const char *const kind_names[MG_NUM_OBJ_KINDS] = {
	"schema", "extension", "type", "domain constraint", "sequence",
	"function", "table", "column", "constraint", "index", "foreign key",
	"view", "materialized view", "sequence ownership", "trigger",
	"row level security", "policy", "comment", "grant"
};

const char *
mg_obj_kind_name(MgObjKind kind)
{
	return kind_names[kind];
}

void
mg_model_init(MgSchemaModel *m)
{
	memset(m, 0, sizeof(*m));
	mg_map_init(&m->index, 256);
}

char *
mg_model_key(MgObjKind kind, const char *schema, const char *table,
			 const char *name)
{
	MgBuf		b;

	mg_buf_init(&b);
	/* an index is a relation: its name is unique in its schema */
	if (kind == MG_OBJ_INDEX)
		table = NULL;
	mg_buf_printf(&b, "%02d|%s|%s|%s", (int) kind, schema ? schema : "",
				  table ? table : "", name ? name : "");
	return b.data;
}

MgObject *
mg_model_add(MgSchemaModel *m, MgObjKind kind, const char *schema,
			 const char *table, const char *name)
{
	MgObject   *o;
	char	   *key = mg_model_key(kind, schema, table, name);

	if (mg_map_get(&m->index, key) >= 0)
	{
		mg_free(key);
		return NULL;
	}
	if (m->count == m->cap)
	{
		m->cap = m->cap ? m->cap * 2 : 256;
		/* the map's keys are the objects' own strings, which stay put */
		m->objs = mg_realloc(m->objs, m->cap * sizeof(MgObject));
	}
	o = &m->objs[m->count];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->schema = schema ? mg_strdup(schema) : NULL;
	o->table = table ? mg_strdup(table) : NULL;
	o->name = mg_strdup(name ? name : "");
	o->key = key;
	o->owner = -1;
	mg_map_put(&m->index, o->key, m->count);
	m->count++;
	m->finished = false;
	return o;
}

int
mg_model_find(const MgSchemaModel *m, const char *key)
{
	return mg_map_get(&m->index, key);
}

void
mg_model_dep(MgObject *o, const char *key)
{
	if (strcmp(key, o->key) == 0)
		return;
	for (int i = 0; i < o->deps.count; i++)
		if (strcmp(o->deps.items[i], key) == 0)
			return;
	mg_strlist_add(&o->deps, key);
}

/* The relation a child object lives on: a table, view or materialized view. */
static int
find_owner(const MgSchemaModel *m, const MgObject *o)
{
	static const MgObjKind rels[] = {MG_OBJ_TABLE, MG_OBJ_VIEW, MG_OBJ_MATVIEW,
	MG_OBJ_TYPE};

	if (o->table == NULL || o->kind == MG_OBJ_COMMENT || o->kind == MG_OBJ_ACL ||
		o->kind == MG_OBJ_SEQOWNER)
		return -1;
	for (size_t k = 0; k < sizeof(rels) / sizeof(rels[0]); k++)
	{
		char	   *key = mg_model_key(rels[k], o->schema, NULL, o->table);
		int			i = mg_model_find(m, key);

		mg_free(key);
		if (i >= 0)
			return i;
	}
	return -1;
}

void
mg_model_finish(MgSchemaModel *m)
{
	for (int i = 0; i < m->count; i++)
	{
		m->objs[i].children.count = 0;
		m->objs[i].owner = -1;
	}
	for (int i = 0; i < m->count; i++)
	{
		MgObject   *o = &m->objs[i];

		o->owner = find_owner(m, o);
		if (o->owner >= 0)
			mg_intlist_add(&m->objs[o->owner].children, i);
	}
	m->finished = true;
}

static char *
dup_or_null(const char *s)
{
	return s ? mg_strdup(s) : NULL;
}

static void
copy_strlist(MgStrList *dst, const MgStrList *src)
{
	memset(dst, 0, sizeof(*dst));
	for (int i = 0; i < src->count; i++)
		mg_strlist_add(dst, src->items[i]);
}

/* The string fields of an object a deep copy duplicates (besides the key). */
static const size_t copied_strings[] = {
	offsetof(MgObject, ident), offsetof(MgObject, qname), offsetof(MgObject, tident),
	offsetof(MgObject, target), offsetof(MgObject, def), offsetof(MgObject, drop),
	offsetof(MgObject, orig_ident), offsetof(MgObject, orig_tident),
	offsetof(MgObject, type), offsetof(MgObject, collation), offsetof(MgObject, defval),
	offsetof(MgObject, identity_opts), offsetof(MgObject, identity_set),
	offsetof(MgObject, generated), offsetof(MgObject, args), offsetof(MgObject, result),
};

/* A deep copy (the differ renames its 'from' model in place). */
void
mg_model_copy(MgSchemaModel *dst, const MgSchemaModel *src)
{
	mg_model_copy_without(dst, src, NULL);
}

/* The same, leaving out the objects whose keys are in 'skip' (if given). */
void
mg_model_copy_without(MgSchemaModel *dst, const MgSchemaModel *src, const MgMap *skip)
{
	mg_model_init(dst);
	for (int i = 0; i < src->count; i++)
	{
		const MgObject *s = &src->objs[i];
		MgObject   *d;

		if (skip && mg_map_get(skip, s->key) >= 0)
			continue;
		d = mg_model_add(dst, s->kind, s->schema, s->table, s->name);

		d->sub = s->sub;
		d->attnum = s->attnum;
		d->identity = s->identity;
		d->notnull = s->notnull;
		d->persistence = s->persistence;
		d->partition = s->partition;
		d->unnamed = s->unnamed;
		for (size_t k = 0; k < sizeof(copied_strings) / sizeof(copied_strings[0]); k++)
			*(char **) ((char *) d + copied_strings[k]) =
				dup_or_null(*(char *const *) ((const char *) s + copied_strings[k]));
		copy_strlist(&d->values, &s->values);
		copy_strlist(&d->deps, &s->deps);
	}
	mg_model_finish(dst);
}

char *
mg_schema_literal(const char *text)
{
	return mg_quoted(text, '\'');
}
