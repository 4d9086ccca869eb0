/*
 * schema_diff_names.c — names in the differ: renames the caller asks for
 * ("table.old:table.new", "old:new"), applied to the 'from' model before
 * matching, and hints where a drop and an add look like a rename.
 */
#include "schema_diff_int.h"

#include <string.h>


/* ---- renames ---- */

static int
find_named(const MgSchemaModel *m, MgObjKind kind, const char *schema,
		   const char *table, const char *name)
{
	for (int i = 0; i < m->count; i++)
	{
		const MgObject *o = &m->objs[i];

		if (o->kind == kind && strcmp(o->name, name) == 0 &&
			(schema == NULL || mg_diff_streq(o->schema, schema)) &&
			(table == NULL || mg_diff_streq(o->table, table)))
			return i;
	}
	return -1;
}

static void
rekey(MgSchemaModel *m, MgObject *o, MgMap *moved, MgStrList *newkeys)
{
	char	   *key = mg_model_key(o->kind, o->schema, o->table, o->name);

	if (strcmp(key, o->key) != 0)
	{
		mg_strlist_add(newkeys, key);
		mg_map_put(moved, o->key, newkeys->count - 1);
		o->key = newkeys->items[newkeys->count - 1];
	}
	mg_free(key);
	(void) m;
}

MgStatus
mg_diff_rename(Diff *d, const char *entry)
{
	MgSchemaModel *f = d->f.m;
	MgSchemaModel *t = d->t.m;
	const char *colon = strchr(entry, ':');
	const char *dot = strchr(entry, '.');
	MgMap		moved;
	MgStrList	newkeys = {0};

	if (colon == NULL || strchr(colon + 1, ':') != NULL)
		return mg_error(d->err, MG_ERR_INPUT, "renames", 0,
						"invalid rename \"%s\"", entry);
	mg_map_init(&moved, 64);
	if (dot && dot < colon)
	{
		char	   *tbl = mg_strndup(entry, dot - entry);
		char	   *old = mg_strndup(dot + 1, colon - dot - 1);
		const char *right = colon + 1;
		const char *rdot = strchr(right, '.');
		const char *new = rdot ? rdot + 1 : right;
		int			fi = find_named(f, MG_OBJ_COLUMN, NULL, tbl, old);
		int			ti = fi < 0 ? -1 :
			find_named(t, MG_OBJ_COLUMN, f->objs[fi].schema, tbl, new);
		MgObject   *o;

		if (rdot && (size_t) (rdot - right) != strlen(tbl))
			return mg_error(d->err, MG_ERR_INPUT, "renames", 0,
							"invalid rename \"%s\": both sides must name the same table", entry);
		if (fi < 0 || ti < 0)
			return mg_error(d->err, MG_ERR_INPUT, "renames", 0,
							"rename \"%s\": no column \"%s\" of table \"%s\" %s", entry,
							fi < 0 ? old : new, tbl,
							fi < 0 ? "in the database" : "in the desired schema");
		o = &f->objs[fi];
		mg_diff_push(&d->renames, MG_CH_RENAME, o, &t->objs[ti], o->ident);
		d->renames.items[d->renames.count - 1].text2 = o->tident;
		o->name = mg_strdup(new);
		if (o->orig_ident == NULL)
			o->orig_ident = o->ident;
		o->ident = t->objs[ti].ident;
		rekey(f, o, &moved, &newkeys);
	}
	else
	{
		char	   *old = mg_strndup(entry, colon - entry);
		const char *new = colon + 1;
		int			fi = find_named(f, MG_OBJ_TABLE, NULL, NULL, old);
		int			ti = fi < 0 ? -1 :
			find_named(t, MG_OBJ_TABLE, f->objs[fi].schema, NULL, new);
		MgObject   *o;
		const char *schema;

		if (fi < 0 || ti < 0)
			return mg_error(d->err, MG_ERR_INPUT, "renames", 0,
							"rename \"%s\": no table \"%s\" %s", entry,
							fi < 0 ? old : new,
							fi < 0 ? "in the database" : "in the desired schema");
		o = &f->objs[fi];
		schema = o->schema;
		mg_diff_push(&d->renames, MG_CH_RENAME, o, &t->objs[ti], o->ident);
		o->name = mg_strdup(new);
		if (o->orig_ident == NULL)
			o->orig_ident = o->ident;
		o->ident = t->objs[ti].ident;
		rekey(f, o, &moved, &newkeys);
		for (int i = 0; i < f->count; i++)
		{
			MgObject   *c = &f->objs[i];

			if (c->kind != MG_OBJ_COMMENT && c->kind != MG_OBJ_ACL &&
				mg_diff_streq(c->schema, schema) && mg_diff_streq(c->table, old))
			{
				c->table = o->name;
				if (c->orig_tident == NULL)
					c->orig_tident = c->tident;
				c->tident = o->ident;
				rekey(f, c, &moved, &newkeys);
			}
		}
	}
	/* comments, grants and dependencies name objects by key */
	for (int i = 0; i < f->count; i++)
	{
		MgObject   *c = &f->objs[i];
		int			k;

		if ((c->kind == MG_OBJ_COMMENT || c->kind == MG_OBJ_ACL) &&
			(k = mg_map_get(&moved, c->table)) >= 0)
		{
			c->table = newkeys.items[k];
			rekey(f, c, &moved, &newkeys);
		}
		for (int j = 0; j < c->deps.count; j++)
			if ((k = mg_map_get(&moved, c->deps.items[j])) >= 0)
				c->deps.items[j] = newkeys.items[k];
	}
	mg_map_free(&f->index);
	mg_map_init(&f->index, f->count);
	for (int i = 0; i < f->count; i++)
		mg_map_put(&f->index, f->objs[i].key, i);
	return MG_OK;
}

/* ---- hints: a drop and an add that look like a rename ---- */

static bool
same_column(const MgObject *a, const MgObject *b)
{
	return mg_diff_streq(a->type, b->type) && mg_diff_streq(a->collation, b->collation) &&
		a->notnull == b->notnull;
}

static void
column_hints(Diff *d, int fi, int ti)
{
	const MgObject *ft = &d->f.m->objs[fi];
	const MgObject *tt = &d->t.m->objs[ti];

	for (int a = 0; a < ft->children.count; a++)
	{
		const MgObject *gone = &d->f.m->objs[ft->children.items[a]];

		if (gone->kind != MG_OBJ_COLUMN || d->f.state[ft->children.items[a]] != S_DROP)
			continue;
		for (int b = 0; b < tt->children.count; b++)
		{
			const MgObject *added = &d->t.m->objs[tt->children.items[b]];
			MgBuf		h;

			if (added->kind != MG_OBJ_COLUMN ||
				d->t.state[tt->children.items[b]] != S_CREATE ||
				!same_column(gone, added))
				continue;
			mg_buf_init(&h);
			mg_buf_printf(&h, "column \"%s\" dropped and \"%s\" added with the same type; pass --rename %s.%s:%s.%s if it is a rename",
						  gone->name, added->name, ft->name, gone->name,
						  ft->name, added->name);
			mg_diff_push(&d->hints, MG_CH_HINT, gone, added, h.data);
			mg_buf_free(&h);
			break;
		}
	}
}

static bool
same_columns(const MgSchemaModel *fm, const MgObject *a,
			 const MgSchemaModel *tm, const MgObject *b)
{
	int			i = 0,
				j = 0,
				n = 0;

	for (;; i++, j++, n++)
	{
		while (i < a->children.count && fm->objs[a->children.items[i]].kind != MG_OBJ_COLUMN)
			i++;
		while (j < b->children.count && tm->objs[b->children.items[j]].kind != MG_OBJ_COLUMN)
			j++;
		if (i == a->children.count || j == b->children.count)
			return i == a->children.count && j == b->children.count && n > 0;
		if (!same_column(&fm->objs[a->children.items[i]], &tm->objs[b->children.items[j]]) ||
			strcmp(fm->objs[a->children.items[i]].name, tm->objs[b->children.items[j]].name) != 0)
			return false;
	}
}

void
mg_diff_hints(Diff *d)
{
	for (int k = 0; k < d->t.m->count; k++)
	{
		int			ti = d->t.order[k];
		const MgObject *t = &d->t.m->objs[ti];
		int			fi = d->t.other[ti];

		MG_CHECK_INTERRUPTS();
		if (t->kind != MG_OBJ_TABLE)
			continue;
		if (fi >= 0 && d->f.state[fi] == S_NONE)
			column_hints(d, fi, ti);
		else if (fi < 0)
			for (int j = 0; j < d->f.m->count; j++)
			{
				const MgObject *f = &d->f.m->objs[d->f.order[j]];
				MgBuf		h;

				MG_CHECK_INTERRUPTS();
				if (f->kind != MG_OBJ_TABLE || d->f.state[d->f.order[j]] != S_DROP ||
					!mg_diff_streq(f->schema, t->schema) ||
					!same_columns(d->f.m, f, d->t.m, t))
					continue;
				mg_buf_init(&h);
				mg_buf_printf(&h, "table \"%s\" dropped and \"%s\" added with the same columns; pass --rename %s:%s if it is a rename",
							  f->name, t->name, f->name, t->name);
				mg_diff_push(&d->hints, MG_CH_HINT, f, t, h.data);
				mg_buf_free(&h);
				break;
			}
	}
}

