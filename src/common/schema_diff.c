/*
 * schema_diff.c — two schema models in, the ordered changes out.
 *
 * Objects are matched by key.  One only in 'from' is dropped, one only in
 * 'to' is created, one in both with another definition is altered where
 * PostgreSQL has an ALTER for the difference (a column's type, default, not
 * null and identity; CREATE OR REPLACE FUNCTION while the signature holds;
 * enum ADD VALUE while the old labels keep their order; sequence options;
 * a domain's default and not null; SET LOGGED/UNLOGGED; VALIDATE of a
 * constraint that was NOT VALID; a comment) and otherwise dropped and
 * created again ("replaced").  Whatever depends on a dropped or replaced
 * object in 'from' is replaced with it (a view on a view, a foreign key on
 * a unique constraint, a trigger on its function); a column whose type
 * changes takes its views, policies and triggers along.
 *
 * Order: three phases.  Drops (dependants first: the reverse of a
 * dependency order of 'from'), except that schemas, extensions, types,
 * sequences and functions that go away are dropped last, once nothing that
 * stays uses them; then renames; then creations and alterations in a
 * dependency order of 'to'.  Both orders come from one depth-first walk
 * over the objects sorted by kind, schema, relation and name, so equal
 * inputs give equal output.  A relation stands for its columns,
 * constraints, indexes and triggers: it is placed after everything they
 * depend on (foreign keys aside, which are ordered on their own), so a
 * table that is dropped with its children goes before what they used.
 * Renames and rename hints are in schema_diff_names.c.
 */
#include "schema_model.h"

#include <stdlib.h>
#include <string.h>

#include "schema_diff_int.h"

bool
mg_diff_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

const char *
mg_diff_nz(const char *s)
{
	return s ? s : "";
}

void
mg_diff_push(MgChangeList *l, MgChangeOp op, const MgObject *from, const MgObject *to,
	 const char *text)
{
	MgChange   *c;

	if (l->count == l->cap)
	{
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = mg_realloc(l->items, l->cap * sizeof(MgChange));
	}
	c = &l->items[l->count++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->from = from;
	c->to = to;
	c->text = text ? mg_strdup(text) : NULL;
}

/* ---- sides: dependencies resolved, a dependency order ---- */

static int
cmp_objs(const void *a, const void *b)
{
	const MgObject *x = *(const MgObject *const *) a;
	const MgObject *y = *(const MgObject *const *) b;
	int			c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((c = strcmp(mg_diff_nz(x->schema), mg_diff_nz(y->schema))) != 0)
		return c;
	if ((c = strcmp(mg_diff_nz(x->table), mg_diff_nz(y->table))) != 0)
		return c;
	return strcmp(x->name, y->name);
}

static void
visit(Side *s, char *mark, int i, int *n)
{
	const MgSchemaModel *m = s->m;
	const MgObject *o = &m->objs[i];

	if (mark[i])
		return;
	MG_CHECK_INTERRUPTS();
	mark[i] = 1;
	if (o->owner >= 0)
		visit(s, mark, o->owner, n);
	for (int k = 0; k < s->deps[i].count; k++)
		visit(s, mark, s->deps[i].items[k], n);
	for (int c = 0; c < o->children.count; c++)
	{
		int			ci = o->children.items[c];

		if (m->objs[ci].kind == MG_OBJ_FKEY)
			continue;
		for (int k = 0; k < s->deps[ci].count; k++)
		{
			int			u = s->deps[ci].items[k];

			if (u != i && m->objs[u].owner != i)
				visit(s, mark, u, n);
		}
	}
	s->order[(*n)++] = i;
}

static void
side_init(Side *s, MgSchemaModel *m)
{
	int			n = m->count;
	const MgObject **sorted = mg_alloc(sizeof(MgObject *) * (n ? n : 1));
	char	   *mark = mg_alloc0(n ? n : 1);
	int			done = 0;

	mg_model_finish(m);
	s->m = m;
	s->state = mg_alloc0(n ? n : 1);
	s->other = mg_alloc(sizeof(int) * (n ? n : 1));
	s->deps = mg_alloc0(sizeof(MgIntList) * (n ? n : 1));
	s->rdeps = mg_alloc0(sizeof(MgIntList) * (n ? n : 1));
	s->changes = mg_alloc0(sizeof(MgChangeList) * (n ? n : 1));
	s->order = mg_alloc(sizeof(int) * (n ? n : 1));
	for (int i = 0; i < n; i++)
	{
		const MgObject *o = &m->objs[i];

		MG_CHECK_INTERRUPTS();
		s->other[i] = -1;
		for (int k = 0; k < o->deps.count; k++)
		{
			int			u = mg_model_find(m, o->deps.items[k]);

			if (u >= 0 && u != i)
			{
				mg_intlist_add(&s->deps[i], u);
				mg_intlist_add(&s->rdeps[u], i);
			}
		}
		sorted[i] = o;
	}
	qsort(sorted, n, sizeof(MgObject *), cmp_objs);
	for (int i = 0; i < n; i++)
		visit(s, mark, (int) (sorted[i] - m->objs), &done);
	mg_free(sorted);
	mg_free(mark);
}

/* ---- comparing ---- */

static void
replace(Diff *d, int fi, int ti)
{
	d->f.state[fi] = S_REPLACE;
	d->t.state[ti] = S_REPLACE;
	mg_intlist_add(&d->work, fi * 2 + 1);
}

static void
compare_column(Diff *d, int fi, int ti)
{
	const MgObject *a = &d->f.m->objs[fi];
	const MgObject *b = &d->t.m->objs[ti];
	bool		retype = !mg_diff_streq(a->type, b->type) || !mg_diff_streq(a->collation, b->collation);
	bool		defchg = !mg_diff_streq(a->defval, b->defval) || (retype && a->defval);

	if (!mg_diff_streq(a->generated, b->generated))
	{
		replace(d, fi, ti);
		return;
	}
	if (defchg && a->defval)
		mg_diff_push(&d->f.changes[fi], MG_CH_COLUMN_RELEASE, a, b, "DROP DEFAULT");
	if (a->identity && !b->identity)
		mg_diff_push(&d->f.changes[fi], MG_CH_COLUMN_RELEASE, a, b, "DROP IDENTITY");
	if (a->notnull && !b->notnull)
		mg_diff_push(&d->f.changes[fi], MG_CH_COLUMN_RELEASE, a, b, "DROP NOT NULL");
	if (retype)
	{
		mg_diff_push(&d->t.changes[ti], MG_CH_COLUMN_ALTER, a, b, "TYPE");
		d->flags[fi] |= F_RETYPED;
		mg_intlist_add(&d->work, fi * 2);
	}
	if (defchg)
		d->flags[fi] |= F_DEFAULT;
	if (defchg && b->defval)
		mg_diff_push(&d->t.changes[ti], MG_CH_COLUMN_ALTER, a, b, "SET DEFAULT");
	if (!a->notnull && b->notnull)
		mg_diff_push(&d->t.changes[ti], MG_CH_COLUMN_ALTER, a, b, "SET NOT NULL");
	if (b->identity && !a->identity)
		mg_diff_push(&d->t.changes[ti], MG_CH_COLUMN_ALTER, a, b, "ADD IDENTITY");
	else if (b->identity && a->identity != b->identity)
		mg_diff_push(&d->t.changes[ti], MG_CH_COLUMN_ALTER, a, b, "SET GENERATED");
	if (a->identity && b->identity && !mg_diff_streq(a->identity_opts, b->identity_opts))
		mg_diff_push(&d->t.changes[ti], MG_CH_COLUMN_ALTER, a, b, "SET IDENTITY OPTIONS");
}

/* ADD VALUE for each new label, or false when old labels go or move. */
static bool
enum_additions(Diff *d, const MgObject *a, const MgObject *b, int ti)
{
	int			k = 0;

	for (int i = 0; i < b->values.count && k < a->values.count; i++)
		if (strcmp(b->values.items[i], a->values.items[k]) == 0)
			k++;
	if (k < a->values.count)
		return false;
	for (int i = 0; i < b->values.count; i++)
	{
		MgChange   *c;

		if (mg_strlist_contains(&a->values, b->values.items[i]))
			continue;
		mg_diff_push(&d->t.changes[ti], MG_CH_ENUM_ADD, a, b, b->values.items[i]);
		c = &d->t.changes[ti].items[d->t.changes[ti].count - 1];
		if (i > 0)
			c->text2 = b->values.items[i - 1];
		else
			for (int j = 1; j < b->values.count; j++)
				if (mg_strlist_contains(&a->values, b->values.items[j]))
				{
					c->text2 = b->values.items[j];
					c->before = true;
					break;
				}
	}
	return true;
}

/*
 * Labels removed or reordered: rename the type away, create it again,
 * cast every column of the type through text, drop the old one.  The
 * columns' defaults go first and come back after; their views, policies
 * and triggers are recreated as for any type change.
 */
static void
enum_rebuild(Diff *d, int fi, int ti)
{
	const MgObject *a = &d->f.m->objs[fi];
	MgChange   *c;

	mg_diff_push(&d->t.changes[ti], MG_CH_ENUM_REBUILD, a, &d->t.m->objs[ti], NULL);
	c = &d->t.changes[ti].items[d->t.changes[ti].count - 1];
	c->frommodel = d->f.m;
	for (int r = 0; r < d->f.rdeps[fi].count; r++)
	{
		int			ci = d->f.rdeps[fi].items[r];
		const MgObject *col = &d->f.m->objs[ci];

		if (col->kind != MG_OBJ_COLUMN || d->f.other[ci] < 0)
			continue;
		mg_intlist_add(&c->columns, ci);
		d->flags[ci] |= F_RETYPED;
		mg_intlist_add(&d->work, ci * 2);
	}
}

static void
compare(Diff *d, int fi, int ti)
{
	const MgObject *a = &d->f.m->objs[fi];
	const MgObject *b = &d->t.m->objs[ti];
	MgChangeList *tc = &d->t.changes[ti];

	switch (a->kind)
	{
		case MG_OBJ_COLUMN:
			compare_column(d, fi, ti);
			return;
		case MG_OBJ_TYPE:
			if (a->sub == 'd' && b->sub == 'd' && mg_diff_streq(a->type, b->type) &&
				mg_diff_streq(a->collation, b->collation))
			{
				if (!mg_diff_streq(a->defval, b->defval))
					mg_diff_push(tc, MG_CH_DOMAIN_ALTER, a, b, b->defval ? "SET DEFAULT" : "DROP DEFAULT");
				if (a->notnull != b->notnull)
					mg_diff_push(tc, MG_CH_DOMAIN_ALTER, a, b, b->notnull ? "SET NOT NULL" : "DROP NOT NULL");
				return;
			}
			if (mg_diff_streq(a->def, b->def))
				return;
			if (a->sub == 'e' && b->sub == 'e')
			{
				if (!enum_additions(d, a, b, ti))
					enum_rebuild(d, fi, ti);
				return;
			}
			break;
		case MG_OBJ_SEQUENCE:
		case MG_OBJ_COMMENT:
			/* altered in place: ALTER SEQUENCE, COMMENT ON again */
			if (!mg_diff_streq(a->def, b->def))
				mg_diff_push(tc, a->kind == MG_OBJ_SEQUENCE ? MG_CH_SEQUENCE_ALTER : MG_CH_REPLACE,
							 a, b, NULL);
			return;
		case MG_OBJ_FUNCTION:
			if (mg_diff_streq(a->def, b->def))
				return;
			if (a->sub == b->sub && mg_diff_streq(a->args, b->args) && mg_diff_streq(a->result, b->result))
			{
				mg_diff_push(tc, MG_CH_REPLACE, a, b, NULL);
				return;
			}
			break;
		case MG_OBJ_TABLE:
			if (mg_diff_streq(a->def, b->def) && a->partition == b->partition)
			{
				if (a->persistence != b->persistence)
					mg_diff_push(tc, MG_CH_PERSISTENCE, a, b, NULL);
				return;
			}
			break;
		case MG_OBJ_CONSTRAINT:
		case MG_OBJ_FKEY:
			if (mg_diff_streq(a->def, b->def))
				return;
			if (strlen(a->def) == strlen(b->def) + strlen(" NOT VALID") &&
				strncmp(a->def, b->def, strlen(b->def)) == 0 &&
				strcmp(a->def + strlen(b->def), " NOT VALID") == 0)
			{
				mg_diff_push(tc, MG_CH_VALIDATE, a, b, NULL);
				return;
			}
			break;
		default:
			if (mg_diff_streq(a->def, b->def))
				return;
			break;
	}
	replace(d, fi, ti);
}

/* ---- what depends on a dropped or replaced object goes with it ---- */

static bool
follows_retype(MgObjKind k)
{
	return k == MG_OBJ_VIEW || k == MG_OBJ_MATVIEW || k == MG_OBJ_POLICY ||
		k == MG_OBJ_TRIGGER;
}

static MgStatus
closure_one(Diff *d, int fi, bool generic)
{
	const MgObject *x = &d->f.m->objs[fi];
	MgIntList	implied = {0};

	/* a relation going away takes its children: they count as dropped */
	if (generic && (d->f.state[fi] == S_DROP || d->f.state[fi] == S_REPLACE))
		for (int c = 0; c < x->children.count; c++)
		{
			int			ci = x->children.items[c];
			int			ti = d->f.other[ci];

			d->f.changes[ci].count = 0;
			if (d->f.state[ci] == S_NONE)
			{
				d->f.state[ci] = S_DROP;
				mg_intlist_add(&implied, ci);
			}
			if (ti >= 0)
			{
				d->t.changes[ti].count = 0;
				d->t.state[ti] = S_CREATE;
			}
		}
	for (int c = 0; c < implied.count; c++)
		mg_intlist_add(&d->work, implied.items[c] * 2 + 1);
	for (int r = 0; r < d->f.rdeps[fi].count; r++)
	{
		int			di = d->f.rdeps[fi].items[r];
		const MgObject *dep = &d->f.m->objs[di];
		int			ti = d->f.other[di];

		if (d->f.state[di] != S_NONE || dep->owner == fi)
			continue;
		if (!generic && !follows_retype(dep->kind))
			continue;
		if (dep->kind == MG_OBJ_COLUMN || dep->kind == MG_OBJ_TABLE)
		{
			if (dep->kind == MG_OBJ_COLUMN &&
				(x->kind == MG_OBJ_FUNCTION || x->kind == MG_OBJ_SEQUENCE))
			{
				/* the column's default uses it: set the default again */
				if (!(d->flags[di] & F_DEFAULT) && dep->defval)
				{
					d->flags[di] |= F_DEFAULT;
					mg_diff_push(&d->f.changes[di], MG_CH_COLUMN_RELEASE, dep,
						 ti >= 0 ? &d->t.m->objs[ti] : NULL, "DROP DEFAULT");
					if (ti >= 0 && d->t.m->objs[ti].defval)
						mg_diff_push(&d->t.changes[ti], MG_CH_COLUMN_ALTER, dep,
							 &d->t.m->objs[ti], "SET DEFAULT");
				}
				continue;
			}
			if (dep->kind == MG_OBJ_COLUMN && (d->flags[di] & F_RETYPED))
				continue;
			mg_error(d->err, MG_ERR_DIALECT, NULL, 0,
					 "cannot recreate %s %s: %s %s%s%s depends on it",
					 mg_obj_kind_name(x->kind), x->ident,
					 mg_obj_kind_name(dep->kind),
					 dep->tident ? dep->tident : "", dep->tident ? "." : "",
					 dep->ident);
			mg_error_hint(d->err, "Change it in two revisions: first move the %s off it, then change it.",
						  mg_obj_kind_name(dep->kind));
			return MG_ERR_DIALECT;
		}
		if (ti < 0)
			d->f.state[di] = S_DROP;
		else
		{
			d->f.state[di] = S_REPLACE;
			d->t.state[ti] = S_REPLACE;
			d->f.changes[di].count = 0;
			d->t.changes[ti].count = 0;
		}
		mg_intlist_add(&d->work, di * 2 + 1);
	}
	mg_intlist_free(&implied);
	return MG_OK;
}

/* ---- emitting in order ---- */

static void
append(MgChangeList *out, const MgChangeList *l)
{
	for (int i = 0; i < l->count; i++)
	{
		mg_diff_push(out, l->items[i].op, l->items[i].from, l->items[i].to, NULL);
		out->items[out->count - 1] = l->items[i];
	}
}

/* A drop PostgreSQL does by itself: a child of a dropped relation. */
static bool
drop_implied(const Diff *d, int fi)
{
	const MgObject *o = &d->f.m->objs[fi];

	if (o->kind == MG_OBJ_COMMENT || o->kind == MG_OBJ_ACL)
	{
		int			target = mg_model_find(d->f.m, o->table);

		return target >= 0 && d->f.state[target] != S_NONE;
	}
	return o->owner >= 0 && o->kind != MG_OBJ_FKEY &&
		d->f.state[o->owner] != S_NONE;
}

static bool
drops_last(const MgObject *o)
{
	return o->kind == MG_OBJ_SCHEMA || o->kind == MG_OBJ_EXTENSION ||
		o->kind == MG_OBJ_TYPE || o->kind == MG_OBJ_SEQUENCE ||
		o->kind == MG_OBJ_FUNCTION;
}

static void
emit_drops(Diff *d, MgChangeList *out, bool last)
{
	for (int k = d->f.m->count - 1; k >= 0; k--)
	{
		int			fi = d->f.order[k];
		const MgObject *o = &d->f.m->objs[fi];
		bool		dropping = d->f.state[fi] == S_DROP || d->f.state[fi] == S_REPLACE;

		MG_CHECK_INTERRUPTS();
		if (dropping && (last != (drops_last(o) && d->f.state[fi] == S_DROP)))
			continue;
		if (!dropping && last)
			continue;
		if (dropping && !drop_implied(d, fi))
			mg_diff_push(out, MG_CH_DROP, o, NULL, NULL);
		else if (!dropping)
			append(out, &d->f.changes[fi]);
	}
}

static void
emit_creates(Diff *d, MgChangeList *out)
{
	for (int k = 0; k < d->t.m->count; k++)
	{
		int			ti = d->t.order[k];
		const MgObject *o = &d->t.m->objs[ti];
		int			owner = o->owner;
		bool		owner_new = owner >= 0 && d->t.state[owner] != S_NONE;

		MG_CHECK_INTERRUPTS();
		if (d->t.state[ti] == S_NONE)
		{
			append(out, &d->t.changes[ti]);
			continue;
		}
		if (o->kind == MG_OBJ_COLUMN && owner_new)
			continue;			/* written in its CREATE TABLE */
		mg_diff_push(out, MG_CH_CREATE, NULL, o, NULL);
		out->items[out->count - 1].tomodel = d->t.m;
		out->items[out->count - 1].existing = owner >= 0 && !owner_new;
	}
}

MgStatus
mg_schema_diff(MgSchemaModel *from, MgSchemaModel *to,
			   const MgStrList *renames, MgChangeList *out, MgError *err)
{
	Diff		d;

	memset(&d, 0, sizeof(d));
	memset(out, 0, sizeof(*out));
	d.err = err;
	d.f.m = from;
	d.t.m = to;
	for (int i = 0; renames && i < renames->count; i++)
		if (mg_diff_rename(&d, renames->items[i]) != MG_OK)
			return err ? err->status : MG_ERR_INPUT;
	side_init(&d.f, from);
	side_init(&d.t, to);
	d.flags = mg_alloc0(from->count ? from->count : 1);

	for (int i = 0; i < from->count; i++)
	{
		int			ti = mg_model_find(to, from->objs[i].key);

		MG_CHECK_INTERRUPTS();
		d.f.other[i] = ti;
		if (ti >= 0)
			d.t.other[ti] = i;
		else
		{
			d.f.state[i] = S_DROP;
			mg_intlist_add(&d.work, i * 2 + 1);
		}
	}
	for (int i = 0; i < to->count; i++)
		if (d.t.other[i] < 0)
			d.t.state[i] = S_CREATE;
	for (int k = 0; k < from->count; k++)
	{
		int			fi = d.f.order[k];

		MG_CHECK_INTERRUPTS();
		if (d.f.other[fi] >= 0)
			compare(&d, fi, d.f.other[fi]);
	}
	for (int w = 0; w < d.work.count; w++)
	{
		MG_CHECK_INTERRUPTS();
		if (closure_one(&d, d.work.items[w] / 2, d.work.items[w] % 2) != MG_OK)
			return err ? err->status : MG_ERR_DIALECT;
	}
	mg_diff_hints(&d);

	append(out, &d.hints);
	emit_drops(&d, out, false);
	append(out, &d.renames);
	emit_creates(&d, out);
	emit_drops(&d, out, true);
	return MG_OK;
}
