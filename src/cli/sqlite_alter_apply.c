/*
 * sqlite_alter_apply.c — PostgreSQL's ALTER TABLE actions on SQLite
 * (SPEC §7), once parsed (sqlite_alter.c): which of them SQLite runs
 * itself, and each one applied to the table's model for a rebuild, with
 * PostgreSQL's rules and messages (a dropped column takes the table's
 * constraints and indexes on it; unnamed constraints go by PostgreSQL's
 * default names).
 */
#include "sqlite_alter.h"
#include "sqlite_tok.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- native or rebuild ---- */

/* Does the index's column list or WHERE name the column? */
static bool
index_uses(const char *sql, const char *col)
{
	const char *open = sql ? strchr(sql, '(') : NULL;

	/* the first "(" is the column list's: names before it are not quoted with ( */
	return open != NULL && sq_text_mentions(open, col);
}

/* Does anything of the table, other than the column itself, use it? */
static bool
column_used(const SqTableInfo *ti, const char *col)
{
	const SqTable *t = &ti->table;
	int			ci = sq_table_column(t, col);

	if (ci < 0)
		return false;
	for (int i = 0; i < t->ncons; i++)
	{
		const SqConstraint *k = &t->cons[i];

		if (mg_strlist_contains(&k->cols, col) || (k->expr && sq_text_mentions(k->expr, col)))
			return true;
		for (int j = 0; j < k->cols.count; j++)
			if (strcasecmp(k->cols.items[j], col) == 0)
				return true;
	}
	for (int i = 0; i < t->ncols; i++)
		for (int j = 0; j < t->cols[i].ncons; j++)
		{
			const SqConstraint *k = &t->cols[i].cons[j];

			if (i == ci && (k->kind == SQC_PRIMARY || k->kind == SQC_UNIQUE || k->kind == SQC_FOREIGN))
				return true;
			if (i != ci && k->expr && sq_text_mentions(k->expr, col))
				return true;
		}
	for (int i = 0; i < ti->nindexes; i++)
		if (index_uses(ti->index_sql[i], col))
			return true;
	return false;
}

bool
sq_alter_native(const SqTableInfo *ti, const SqAltAction *a)
{
	switch (a->kind)
	{
		case SQA_RENAME_COLUMN:
		case SQA_RENAME_TABLE:
			return true;
		case SQA_DROP_COLUMN:
			return !column_used(ti, a->column);
		case SQA_ADD_COLUMN:
			{
				SqColumn	c;
				char		e[256];
				int			k;

				if (!sq_column_parse(a->text, &c, e, sizeof(e)))
					return false;
				if (sq_column_con(&c, SQC_PRIMARY) >= 0 || sq_column_con(&c, SQC_UNIQUE) >= 0)
					return false;
				k = sq_column_con(&c, SQC_GENERATED);
				if (k >= 0 && c.cons[k].stored)
					return false;
				k = sq_column_con(&c, SQC_DEFAULT);
				if (k >= 0)
				{
					const char *d = c.cons[k].expr;

					/* SQLite adds a column only with a constant default */
					if (d[0] == '(' || strncasecmp(d, "current_", 8) == 0)
						return false;
				}
				return true;
			}
		default:
			return false;
	}
}

char *
sq_alter_native_sql(const SqTableInfo *ti, const SqAltAction *a)
{
	MgBuf		b;
	const char *t = ti->table.name;

	mg_buf_init(&b);
	mg_buf_printf(&b, "ALTER TABLE %s ", sq_quote_ident(t));
	switch (a->kind)
	{
		case SQA_RENAME_COLUMN:
			mg_buf_printf(&b, "RENAME COLUMN %s TO %s", sq_quote_ident(a->column), sq_quote_ident(a->text));
			break;
		case SQA_RENAME_TABLE:
			mg_buf_printf(&b, "RENAME TO %s", sq_quote_ident(a->text));
			break;
		case SQA_DROP_COLUMN:
			mg_buf_printf(&b, "DROP COLUMN %s", sq_quote_ident(a->column));
			break;
		case SQA_ADD_COLUMN:
			mg_buf_printf(&b, "ADD COLUMN %s", a->text);
			break;
		default:
			mg_buf_free(&b);
			return NULL;
	}
	return b.data;
}

/* ---- applying an action to the model ---- */

static int
find_column(const SqTableInfo *ti, const char *name, char *err, size_t errlen)
{
	int			i = sq_table_column(&ti->table, name);

	if (i < 0)
		sq_failf(err, errlen, "column \"%s\" of relation \"%s\" does not exist", name, ti->table.name);
	return i;
}

/* DEFAULT e as SQLite writes it: a literal as is, an expression in (). */
static char *
default_body(const char *expr)
{
	SqLexer		lx;
	SqTok		t;
	int			n = 0;
	bool		literal = true;

	sq_lex_init(&lx, expr, 0, strlen(expr));
	/* already one (…): as it is, not ((…)) */
	if (sq_tok_punct(expr, sq_lex_next(&lx), "("))
	{
		sq_lex_skip_group(&lx);
		if (sq_lex_next(&lx).kind == SQT_END)
			return mg_strdup(expr);
	}
	sq_lex_init(&lx, expr, 0, strlen(expr));
	while ((t = sq_lex_next(&lx)).kind != SQT_END)
	{
		n++;
		if (n == 1 && (sq_tok_punct(expr, t, "-") || sq_tok_punct(expr, t, "+")))
			continue;
		if (!(t.kind == SQT_NUMBER || t.kind == SQT_STRING || t.kind == SQT_BLOB ||
			  sq_tok_is(expr, t, "null") || sq_tok_is(expr, t, "true") || sq_tok_is(expr, t, "false") ||
			  sq_tok_is(expr, t, "current_time") || sq_tok_is(expr, t, "current_date") ||
			  sq_tok_is(expr, t, "current_timestamp")))
			literal = false;
	}
	if (literal && n <= 2)
		return mg_strdup(expr);
	{
		char	   *out = mg_alloc(strlen(expr) + 3);

		sprintf(out, "(%s)", expr);
		return out;
	}
}

static void
add_con(SqColumn *c, SqConKind kind, const char *body, const char *expr)
{
	SqConstraint *k;

	c->cons = mg_realloc(c->cons, sizeof(SqConstraint) * (size_t) (c->ncons + 1));
	k = &c->cons[c->ncons++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->body = mg_strdup(body);
	k->expr = expr ? mg_strdup(expr) : NULL;
}

static void
remove_kind(SqColumn *c, SqConKind kind)
{
	int			k;

	while ((k = sq_column_con(c, kind)) >= 0)
		sq_column_remove_con(c, k);
}

/* PostgreSQL's name for an unnamed constraint: t_pkey, t_a_key, t_a_fkey, t_a_check, t_check. */
char *
sq_default_con_name(const SqTable *t, const SqColumn *c, const SqConstraint *k)
{
	MgBuf		b;
	const char *suffix = k->kind == SQC_PRIMARY ? "pkey" : k->kind == SQC_UNIQUE ? "key" :
		k->kind == SQC_FOREIGN ? "fkey" : k->kind == SQC_CHECK ? "check" : NULL;

	if (suffix == NULL)
		return NULL;
	mg_buf_init(&b);
	mg_buf_printf(&b, "%s_", t->name);
	if (k->kind == SQC_CHECK)
	{
		/*
		 * PostgreSQL names a CHECK, column or table one, by its column when
		 * it uses exactly one, else t_check
		 */
		int			used = -1,
					nused = 0;

		for (int i = 0; i < t->ncols; i++)
			if (sq_text_mentions(k->expr, t->cols[i].name))
			{
				used = i;
				nused++;
			}
		if (nused == 1)
			mg_buf_printf(&b, "%s_", t->cols[used].name);
	}
	else if (k->kind != SQC_PRIMARY)
	{
		if (c)
			mg_buf_printf(&b, "%s_", c->name);
		else if (k->cols.count > 0)
			for (int i = 0; i < k->cols.count; i++)
				mg_buf_printf(&b, "%s_", k->cols.items[i]);
	}
	mg_buf_puts(&b, suffix);
	return b.data;
}

static bool
con_matches(const SqTable *t, const SqColumn *c, const SqConstraint *k, const char *name)
{
	char	   *d;

	if (k->name)
		return strcasecmp(k->name, name) == 0;
	d = sq_default_con_name(t, c, k);
	return d != NULL && strcasecmp(d, name) == 0;
}

/*
 * The names as the schema reader (sqlite_schema.c) gives them: in its
 * order (each column's constraints, then the table's), a name already
 * taken (by a foreign key among foreign keys, by any other constraint
 * among the rest) gets 1, 2, ... appended, as PostgreSQL numbers a second
 * t_a_check.  Finds the constraint so named.
 */
static bool
find_numbered(const SqTable *t, const char *name, int *col, int *idx)
{
	MgStrList	used[2] = {{0}, {0}};
	bool		found = false;

	for (int i = 0; i <= t->ncols && !found; i++)
	{
		const SqConstraint *cons = i < t->ncols ? t->cols[i].cons : t->cons;
		int			n = i < t->ncols ? t->cols[i].ncons : t->ncons;

		for (int j = 0; j < n && !found; j++)
		{
			const SqConstraint *k = &cons[j];
			char	   *base = k->name ? mg_strdup(k->name) :
				sq_default_con_name(t, i < t->ncols ? &t->cols[i] : NULL, k);
			MgStrList  *u = &used[k->kind == SQC_FOREIGN];
			char	   *cand;

			if (base == NULL)
				continue;
			for (char *p = base; *p; p++)
				*p = (char) tolower((unsigned char) *p);
			cand = mg_strdup(base);
			for (int m = 1; mg_strlist_contains(u, cand); m++)
			{
				mg_free(cand);
				cand = mg_alloc(strlen(base) + 16);
				sprintf(cand, "%s%d", base, m);
			}
			mg_strlist_add(u, cand);
			if (strcasecmp(cand, name) == 0)
			{
				*col = i < t->ncols ? i : -1;
				*idx = j;
				found = true;
			}
			mg_free(cand);
			mg_free(base);
		}
	}
	mg_strlist_free(&used[0]);
	mg_strlist_free(&used[1]);
	return found;
}

/* Find a constraint by name: *col = its column (-1 for a table constraint). */
static bool
find_con(const SqTable *t, const char *name, int *col, int *idx)
{
	for (int i = 0; i < t->ncons; i++)
		if (con_matches(t, NULL, &t->cons[i], name))
		{
			*col = -1;
			*idx = i;
			return true;
		}
	for (int i = 0; i < t->ncols; i++)
		for (int j = 0; j < t->cols[i].ncons; j++)
			if (con_matches(t, &t->cols[i], &t->cols[i].cons[j], name))
			{
				*col = i;
				*idx = j;
				return true;
			}
	return find_numbered(t, name, col, idx);
}

static bool
has_primary(const SqTable *t)
{
	for (int i = 0; i < t->ncons; i++)
		if (t->cons[i].kind == SQC_PRIMARY)
			return true;
	for (int i = 0; i < t->ncols; i++)
		if (sq_column_con(&t->cols[i], SQC_PRIMARY) >= 0)
			return true;
	return false;
}

/* ADD GENERATED … AS IDENTITY: AUTOINCREMENT on the column, which must be
 * the table's INTEGER PRIMARY KEY (a table PRIMARY KEY (c) moves onto it). */
static bool
add_identity(SqTable *t, SqColumn *c, char *err, size_t errlen)
{
	int			k = sq_column_con(c, SQC_PRIMARY);
	int			tk = -1;

	for (int i = 0; k < 0 && i < t->ncons; i++)
		if (t->cons[i].kind == SQC_PRIMARY && t->cons[i].cols.count == 1 &&
			strcasecmp(t->cons[i].cols.items[0], c->name) == 0)
			tk = i;
	if (t->without_rowid || strcasecmp(c->type, "integer") != 0 || (k < 0 && tk < 0) ||
		(k >= 0 && c->cons[k].desc))
		return sq_failf(err, errlen, "column \"%s\" of relation \"%s\" cannot be an identity column on SQLite: AUTOINCREMENT needs an INTEGER PRIMARY KEY column of a rowid table",
					 c->name, t->name);
	if (k >= 0)
	{
		char	   *body;

		if (c->cons[k].autoinc)
			return sq_failf(err, errlen, "column \"%s\" of relation \"%s\" is already an identity column",
						 c->name, t->name);
		body = mg_alloc(strlen(c->cons[k].body) + 16);
		sprintf(body, "%s AUTOINCREMENT", c->cons[k].body);
		c->cons[k].body = body;
		c->cons[k].autoinc = true;
		return true;
	}
	{
		char	   *name = t->cons[tk].name;

		sq_table_remove_con(t, tk);
		add_con(c, SQC_PRIMARY, "PRIMARY KEY AUTOINCREMENT", NULL);
		c->cons[c->ncons - 1].name = name;
		c->cons[c->ncons - 1].autoinc = true;
	}
	return true;
}

/* DROP IDENTITY: the column's PRIMARY KEY without AUTOINCREMENT. */
static bool
drop_identity(SqTable *t, SqColumn *c, bool if_exists, char *err, size_t errlen)
{
	int			k = sq_column_con(c, SQC_PRIMARY);
	SqConstraint *pk = k >= 0 ? &c->cons[k] : NULL;
	SqLexer		lx;
	SqTok		tok;
	MgBuf		b;

	if (pk == NULL || !pk->autoinc)
		return if_exists ||
			sq_failf(err, errlen, "column \"%s\" of relation \"%s\" is not an identity column", c->name, t->name);
	mg_buf_init(&b);
	sq_lex_init(&lx, pk->body, 0, strlen(pk->body));
	while ((tok = sq_lex_next(&lx)).kind != SQT_END)
		if (!sq_tok_is(pk->body, tok, "autoincrement"))
			mg_buf_printf(&b, "%s%.*s", b.len ? " " : "", (int) tok.len, pk->body + tok.start);
	pk->body = b.data;
	pk->autoinc = false;
	return true;
}

static bool
drop_column(SqTableInfo *ti, const SqAltAction *a, char *err, size_t errlen)
{
	SqTable    *t = &ti->table;
	int			ci = sq_table_column(t, a->column);

	if (ci < 0)
		return a->if_exists || find_column(ti, a->column, err, errlen) >= 0;
	for (int i = 0; i < t->ncols; i++)
		if (i != ci && sq_column_generated(&t->cols[i]) &&
			sq_text_mentions(t->cols[i].cons[sq_column_con(&t->cols[i], SQC_GENERATED)].expr, a->column))
			return sq_failf(err, errlen, "cannot drop column %s of table %s because column %s depends on it",
						 a->column, t->name, t->cols[i].name);
	if (t->ncols == 1)
		return sq_failf(err, errlen, "cannot drop column %s: it is the only column of table %s, and SQLite tables need one",
					 a->column, t->name);
	/* as PostgreSQL: the table's constraints and indexes on it go too */
	for (int i = t->ncons - 1; i >= 0; i--)
	{
		const SqConstraint *k = &t->cons[i];
		bool		uses = k->expr && sq_text_mentions(k->expr, a->column);

		for (int j = 0; j < k->cols.count; j++)
			uses = uses || strcasecmp(k->cols.items[j], a->column) == 0;
		if (uses)
			sq_table_remove_con(t, i);
	}
	for (int i = 0; i < t->ncols; i++)
		for (int j = t->cols[i].ncons - 1; j >= 0; j--)
			if (i != ci && t->cols[i].cons[j].kind == SQC_CHECK &&
				sq_text_mentions(t->cols[i].cons[j].expr, a->column))
				sq_column_remove_con(&t->cols[i], j);
	for (int i = 0; i < ti->nindexes; i++)
		if (index_uses(ti->index_sql[i], a->column))
			ti->index_dropped[i] = true;
	memmove(&t->cols[ci], &t->cols[ci + 1], sizeof(SqColumn) * (size_t) (t->ncols - ci - 1));
	t->ncols--;
	return true;
}

static bool
add_constraint(SqTableInfo *ti, const SqAltAction *a, char *err, size_t errlen)
{
	SqTable    *t = &ti->table;
	SqConstraint k;
	int			col,
				idx;

	if (!sq_constraint_parse(a->text, &k, err, errlen))
		return false;
	if (k.name && find_con(t, k.name, &col, &idx))
		return sq_failf(err, errlen, "constraint \"%s\" for relation \"%s\" already exists", k.name, t->name);
	if (k.kind == SQC_PRIMARY && has_primary(t))
		return sq_failf(err, errlen, "multiple primary keys for table \"%s\" are not allowed", t->name);
	for (int i = 0; i < k.cols.count; i++)
		if (find_column(ti, k.cols.items[i], err, errlen) < 0)
			return false;
	t->cons = mg_realloc(t->cons, sizeof(SqConstraint) * (size_t) (t->ncons + 1));
	t->cons[t->ncons++] = k;
	return true;
}

static bool
drop_constraint(SqTableInfo *ti, const SqAltAction *a, char *err, size_t errlen)
{
	SqTable    *t = &ti->table;
	int			col,
				idx;

	if (!find_con(t, a->column, &col, &idx))
		return a->if_exists ||
			sq_failf(err, errlen, "constraint \"%s\" of relation \"%s\" does not exist (an unnamed constraint goes by PostgreSQL's name for it: %s_pkey, %s_<column>_key, %s_<column>_fkey, %s_<column>_check, or %s_check for a CHECK using several columns)",
				  a->column, t->name, t->name, t->name, t->name, t->name, t->name);
	if (col < 0)
		sq_table_remove_con(t, idx);
	else
		sq_column_remove_con(&t->cols[col], idx);
	return true;
}

bool
sq_alter_apply(SqTableInfo *ti, const SqAltAction *a, char *err, size_t errlen)
{
	SqTable    *t = &ti->table;
	SqColumn   *c = NULL;
	int			ci,
				col,
				idx;

	switch (a->kind)
	{
		case SQA_ADD_COLUMN:
			if (sq_table_column(t, a->column) >= 0)
				return a->if_exists ||
					sq_failf(err, errlen, "column \"%s\" of relation \"%s\" already exists", a->column, t->name);
			t->cols = mg_realloc(t->cols, sizeof(SqColumn) * (size_t) (t->ncols + 1));
			if (!sq_column_parse(a->text, &t->cols[t->ncols], err, errlen))
				return false;
			t->cols[t->ncols++].src = NULL;
			return true;
		case SQA_DROP_COLUMN:
			return drop_column(ti, a, err, errlen);
		case SQA_ADD_CONSTRAINT:
			return add_constraint(ti, a, err, errlen);
		case SQA_DROP_CONSTRAINT:
			return drop_constraint(ti, a, err, errlen);
		case SQA_RENAME_CONSTRAINT:
			if (!find_con(t, a->column, &col, &idx))
				return sq_failf(err, errlen, "constraint \"%s\" of relation \"%s\" does not exist", a->column, t->name);
			if (col < 0)
				t->cons[idx].name = mg_strdup(a->text);
			else
				t->cols[col].cons[idx].name = mg_strdup(a->text);
			return true;
		case SQA_RENAME_TABLE:
		case SQA_RENAME_COLUMN:
			/* native only: the rewriter ends a rebuild before them */
			return sq_failf(err, errlen, "internal: a rename inside a rebuild");
		default:
			break;
	}
	if ((ci = find_column(ti, a->column, err, errlen)) < 0)
		return false;
	c = &t->cols[ci];
	switch (a->kind)
	{
		case SQA_TYPE:
			/*
			 * The rowid alias (INTEGER PRIMARY KEY) is 64-bit already: an
			 * integer type (PostgreSQL's int → bigint of an id) keeps it, as
			 * any other name would make the column a plain one that new rows
			 * leave NULL, and AUTOINCREMENT impossible.  TYPE "": no declared
			 * type (SQLite's typeless column).
			 */
			if (!(sq_column_is_rowid(t, ci) && strcasestr(a->text, "int") != NULL))
				c->type = mg_strdup(strcmp(a->text, "\"\"") == 0 ? "" : a->text);
			if (a->collate)
			{
				char	   *body = mg_alloc(strlen(a->collate) + 16);

				remove_kind(c, SQC_COLLATE);
				sprintf(body, "COLLATE %s", sq_quote_ident(a->collate));
				add_con(c, SQC_COLLATE, body, NULL);
			}
			if (a->using_expr)
				c->expr = mg_strdup(a->using_expr);
			break;
		case SQA_SET_NOT_NULL:
			remove_kind(c, SQC_NULL);
			if (sq_column_con(c, SQC_NOTNULL) < 0)
				add_con(c, SQC_NOTNULL, "NOT NULL", NULL);
			break;
		case SQA_DROP_NOT_NULL:
			if (sq_column_con(c, SQC_PRIMARY) >= 0)
				return sq_failf(err, errlen, "column \"%s\" is in a primary key", c->name);
			remove_kind(c, SQC_NOTNULL);
			break;
		case SQA_SET_DEFAULT:
			{
				char	   *d = default_body(a->text);
				char	   *body = mg_alloc(strlen(d) + 9);

				remove_kind(c, SQC_DEFAULT);
				sprintf(body, "DEFAULT %s", d);
				add_con(c, SQC_DEFAULT, body, d);
			}
			break;
		case SQA_DROP_DEFAULT:
			remove_kind(c, SQC_DEFAULT);
			break;
		case SQA_ADD_IDENTITY:
			return add_identity(t, c, err, errlen);
		case SQA_DROP_IDENTITY:
			return drop_identity(t, c, a->if_exists, err, errlen);
		default:
			return sq_failf(err, errlen, "internal: unknown action");
	}
	return true;
}
