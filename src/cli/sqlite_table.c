/*
 * sqlite_table.c — CREATE TABLE text to its parts and back (the grammar
 * of sqlite.org/lang_createtable.html: column-def, column-constraint,
 * table-constraint, foreign-key-clause, table-options).
 */
#include "sqlite_table.h"
#include "sqlite_tok.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Words that start a column constraint (and so end a type name). */
static bool
starts_constraint(const char *s, SqTok t)
{
	static const char *const kw[] = {"constraint", "primary", "not", "null", "unique",
		"check", "default", "collate", "references", "generated", "as", NULL};

	for (int i = 0; kw[i]; i++)
		if (sq_tok_is(s, t, kw[i]))
			return true;
	return false;
}

/* ON CONFLICT <word> after a constraint, if there. */
static void
skip_conflict(SqLexer *lx)
{
	SqTok		t = sq_lex_peek(lx);

	if (sq_tok_is(lx->s, t, "on"))
	{
		SqLexer		save = *lx;

		sq_lex_next(lx);
		if (sq_tok_is(lx->s, sq_lex_next(lx), "conflict"))
			sq_lex_next(lx);
		else
			*lx = save;
	}
}

/* The names of a "(a, b COLLATE x DESC, …)" list whose "(" was just read. */
static bool
name_list(SqLexer *lx, MgStrList *out)
{
	bool		first = true;

	for (;;)
	{
		SqTok		t = sq_lex_next(lx);

		if (sq_tok_punct(lx->s, t, ")"))
			return true;
		if (sq_tok_punct(lx->s, t, ","))
		{
			first = true;
			continue;
		}
		if (sq_tok_punct(lx->s, t, "("))
		{
			sq_lex_skip_group(lx);
			continue;
		}
		if (t.kind == SQT_END)
			return false;
		if (first && sq_tok_is_name(t))
			mg_strlist_add(out, sq_tok_name(lx->s, t));
		first = false;
	}
}

/* After REFERENCES: parent [(cols)] then its ON/MATCH/DEFERRABLE clauses. */
static bool
fk_clause(SqLexer *lx, SqConstraint *k, char *err, size_t errlen)
{
	const char *s = lx->s;
	SqTok		t = sq_lex_next(lx);

	if (!sq_tok_is_name(t))
		return sq_failf(err, errlen, "expected the parent table after REFERENCES");
	k->ref_table = sq_tok_name(s, t);
	if (sq_tok_punct(s, sq_lex_peek(lx), "("))
	{
		sq_lex_next(lx);
		if (!name_list(lx, &k->ref_cols))
			return sq_failf(err, errlen, "unterminated column list after REFERENCES %s", k->ref_table);
	}
	for (;;)
	{
		SqLexer		save = *lx;

		t = sq_lex_next(lx);
		if (sq_tok_is(s, t, "on"))
		{
			sq_lex_next(lx);	/* DELETE / UPDATE */
			t = sq_lex_next(lx);
			if (sq_tok_is(s, t, "set") || sq_tok_is(s, t, "no"))
				sq_lex_next(lx);
		}
		else if (sq_tok_is(s, t, "match"))
			sq_lex_next(lx);
		else if (sq_tok_is(s, t, "not") && sq_tok_is(s, sq_lex_peek(lx), "deferrable"))
			continue;
		else if (sq_tok_is(s, t, "deferrable"))
		{
			if (sq_tok_is(s, sq_lex_peek(lx), "initially"))
			{
				sq_lex_next(lx);
				sq_lex_next(lx);
			}
		}
		else
		{
			*lx = save;
			return true;
		}
	}
}

/* A parenthesised expression whose "(" is next: its inside. */
static bool
paren_expr(SqLexer *lx, char **expr)
{
	SqTok		t = sq_lex_next(lx);
	size_t		inner;
	size_t		close;

	if (!sq_tok_punct(lx->s, t, "("))
		return false;
	inner = lx->pos;
	close = sq_lex_skip_group(lx);
	if (lx->bad)
		return false;
	*expr = mg_strndup(lx->s + inner, close - 1 - inner);
	return true;
}

/*
 * One constraint starting at the next token (CONSTRAINT name already
 * read); column: a column constraint, else a table constraint.
 */
static bool
parse_con(SqLexer *lx, bool column, SqConstraint *k, char *err, size_t errlen)
{
	const char *s = lx->s;
	SqTok		t = sq_lex_next(lx);
	size_t		start = t.start;

	if (sq_tok_is(s, t, "primary"))
	{
		k->kind = SQC_PRIMARY;
		if (!sq_tok_is(s, sq_lex_next(lx), "key"))
			return sq_failf(err, errlen, "expected KEY after PRIMARY");
		if (!column)
		{
			if (!sq_tok_punct(s, sq_lex_next(lx), "(") || !name_list(lx, &k->cols))
				return sq_failf(err, errlen, "expected the columns of PRIMARY KEY");
		}
		else if (sq_tok_is(s, sq_lex_peek(lx), "asc") || sq_tok_is(s, sq_lex_peek(lx), "desc"))
			k->desc = sq_tok_is(s, sq_lex_next(lx), "desc");
		skip_conflict(lx);
		if (sq_tok_is(s, sq_lex_peek(lx), "autoincrement"))
		{
			sq_lex_next(lx);
			k->autoinc = true;
		}
	}
	else if (sq_tok_is(s, t, "unique"))
	{
		k->kind = SQC_UNIQUE;
		if (!column && (!sq_tok_punct(s, sq_lex_next(lx), "(") || !name_list(lx, &k->cols)))
			return sq_failf(err, errlen, "expected the columns of UNIQUE");
		skip_conflict(lx);
	}
	else if (sq_tok_is(s, t, "check"))
	{
		k->kind = SQC_CHECK;
		if (!paren_expr(lx, &k->expr))
			return sq_failf(err, errlen, "expected (expression) after CHECK");
	}
	else if (!column && sq_tok_is(s, t, "foreign"))
	{
		k->kind = SQC_FOREIGN;
		if (!sq_tok_is(s, sq_lex_next(lx), "key") || !sq_tok_punct(s, sq_lex_next(lx), "(") ||
			!name_list(lx, &k->cols))
			return sq_failf(err, errlen, "expected KEY (columns) after FOREIGN");
		if (!sq_tok_is(s, sq_lex_next(lx), "references"))
			return sq_failf(err, errlen, "expected REFERENCES after FOREIGN KEY (…)");
		if (!fk_clause(lx, k, err, errlen))
			return false;
	}
	else if (column && sq_tok_is(s, t, "references"))
	{
		k->kind = SQC_FOREIGN;
		if (!fk_clause(lx, k, err, errlen))
			return false;
	}
	else if (column && sq_tok_is(s, t, "not"))
	{
		k->kind = SQC_NOTNULL;
		if (!sq_tok_is(s, sq_lex_next(lx), "null"))
			return sq_failf(err, errlen, "expected NULL after NOT");
		skip_conflict(lx);
	}
	else if (column && sq_tok_is(s, t, "null"))
	{
		k->kind = SQC_NULL;
		skip_conflict(lx);
	}
	else if (column && sq_tok_is(s, t, "default"))
	{
		SqTok		v;

		k->kind = SQC_DEFAULT;
		if (sq_tok_punct(s, sq_lex_peek(lx), "("))
		{
			size_t		at = sq_lex_peek(lx).start;

			if (!paren_expr(lx, &k->expr))
				return sq_failf(err, errlen, "unterminated DEFAULT (…)");
			k->expr = mg_strndup(s + at, lx->pos - at);
		}
		else
		{
			size_t		at = sq_lex_peek(lx).start;

			v = sq_lex_next(lx);
			if (sq_tok_punct(s, v, "-") || sq_tok_punct(s, v, "+"))
				v = sq_lex_next(lx);
			if (v.kind == SQT_END || v.kind == SQT_PUNCT)
				return sq_failf(err, errlen, "expected a value after DEFAULT");
			k->expr = mg_strndup(s + at, v.start + v.len - at);
		}
	}
	else if (column && sq_tok_is(s, t, "collate"))
	{
		k->kind = SQC_COLLATE;
		if (!sq_tok_is_name(sq_lex_next(lx)))
			return sq_failf(err, errlen, "expected a collation name after COLLATE");
	}
	else if (column && (sq_tok_is(s, t, "generated") || sq_tok_is(s, t, "as")))
	{
		k->kind = SQC_GENERATED;
		if (sq_tok_is(s, t, "generated") &&
			(!sq_tok_is(s, sq_lex_next(lx), "always") || !sq_tok_is(s, sq_lex_next(lx), "as")))
			return sq_failf(err, errlen, "expected ALWAYS AS after GENERATED");
		if (!paren_expr(lx, &k->expr))
			return sq_failf(err, errlen, "expected (expression) after AS");
		if (sq_tok_is(s, sq_lex_peek(lx), "stored") || sq_tok_is(s, sq_lex_peek(lx), "virtual"))
			k->stored = sq_tok_is(s, sq_lex_next(lx), "stored");
	}
	else
	{
		char	   *w = sq_tok_text(s, t);

		return sq_failf(err, errlen, "unexpected \"%s\" where a %s constraint was expected", w,
					 column ? "column" : "table");
	}
	if (lx->bad)
		return sq_failf(err, errlen, "an unterminated quote, comment or parenthesis");
	k->body = mg_strndup(s + start, lx->pos - start);
	return true;
}

/* [CONSTRAINT name] then a constraint. */
static bool
named_con(SqLexer *lx, bool column, SqConstraint *k, char *err, size_t errlen)
{
	memset(k, 0, sizeof(*k));
	if (sq_tok_is(lx->s, sq_lex_peek(lx), "constraint"))
	{
		SqTok		n;

		sq_lex_next(lx);
		n = sq_lex_next(lx);
		if (!sq_tok_is_name(n))
			return sq_failf(err, errlen, "expected a name after CONSTRAINT");
		k->name = sq_tok_name(lx->s, n);
	}
	return parse_con(lx, column, k, err, errlen);
}

bool
sq_column_parse(const char *def, SqColumn *c, char *err, size_t errlen)
{
	SqLexer		lx;
	SqTok		t;
	size_t		tstart = 0,
				tend = 0;
	int			cap = 0;

	memset(c, 0, sizeof(*c));
	sq_lex_init(&lx, def, 0, strlen(def));
	t = sq_lex_next(&lx);
	if (!sq_tok_is_name(t))
		return sq_failf(err, errlen, "expected a column name");
	c->name = sq_tok_name(def, t);
	/* the type: names and one (…) group, up to a constraint */
	for (;;)
	{
		t = sq_lex_peek(&lx);
		if (t.kind == SQT_END || starts_constraint(def, t))
			break;
		sq_lex_next(&lx);
		if (tend == 0)
			tstart = t.start;
		if (sq_tok_punct(def, t, "("))
			sq_lex_skip_group(&lx);
		else if (!sq_tok_is_name(t))
			return sq_failf(err, errlen, "unexpected \"%s\" in the type of column %s",
						 sq_tok_text(def, t), c->name);
		tend = lx.pos;
	}
	c->type = tend ? mg_strndup(def + tstart, tend - tstart) : mg_strdup("");
	while (sq_lex_peek(&lx).kind != SQT_END)
	{
		if (c->ncons == cap)
			c->cons = mg_realloc(c->cons, sizeof(SqConstraint) * (size_t) (cap = cap ? cap * 2 : 4));
		if (!named_con(&lx, true, &c->cons[c->ncons], err, errlen))
			return false;
		c->ncons++;
	}
	return !lx.bad || sq_failf(err, errlen, "an unterminated quote or comment in column %s", c->name);
}

bool
sq_constraint_parse(const char *def, SqConstraint *k, char *err, size_t errlen)
{
	SqLexer		lx;

	sq_lex_init(&lx, def, 0, strlen(def));
	if (!named_con(&lx, false, k, err, errlen))
		return false;
	if (sq_lex_peek(&lx).kind != SQT_END)
		return sq_failf(err, errlen, "unexpected \"%s\" after a table constraint",
					 sq_tok_text(def, sq_lex_peek(&lx)));
	return true;
}

static bool
is_table_constraint(const char *s, SqTok t)
{
	return sq_tok_is(s, t, "constraint") || sq_tok_is(s, t, "primary") ||
		sq_tok_is(s, t, "unique") || sq_tok_is(s, t, "check") || sq_tok_is(s, t, "foreign");
}

bool
sq_table_parse(const char *sql, SqTable *t, char *err, size_t errlen)
{
	SqLexer		lx;
	SqTok		k;
	int			ccap = 0,
				kcap = 0;

	memset(t, 0, sizeof(*t));
	sq_lex_init(&lx, sql, 0, strlen(sql));
	if (!sq_tok_is(sql, sq_lex_next(&lx), "create"))
		return sq_failf(err, errlen, "not a CREATE TABLE statement");
	k = sq_lex_next(&lx);
	if (sq_tok_is(sql, k, "temp") || sq_tok_is(sql, k, "temporary"))
		k = sq_lex_next(&lx);
	if (!sq_tok_is(sql, k, "table"))
		return sq_failf(err, errlen, "not a CREATE TABLE statement");
	k = sq_lex_next(&lx);
	if (sq_tok_is(sql, k, "if"))
	{
		sq_lex_next(&lx);
		sq_lex_next(&lx);
		k = sq_lex_next(&lx);
	}
	if (!sq_tok_is_name(k))
		return sq_failf(err, errlen, "expected the table name");
	t->name = sq_tok_name(sql, k);
	if (sq_tok_punct(sql, sq_lex_peek(&lx), "."))
	{
		sq_lex_next(&lx);
		k = sq_lex_next(&lx);
		t->name = sq_tok_name(sql, k);
	}
	if (!sq_tok_punct(sql, sq_lex_next(&lx), "("))
		return sq_failf(err, errlen, "table %s: expected (column definitions)", t->name);
	for (bool constraints = false;;)
	{
		size_t		start = sq_lex_peek(&lx).start;
		size_t		end;
		char	   *def;
		int			depth = 0;

		/* one definition: up to a "," or the closing ")" at depth 0 */
		for (;;)
		{
			k = sq_lex_next(&lx);
			if (k.kind == SQT_END)
				return sq_failf(err, errlen, "table %s: unterminated column definitions", t->name);
			if (sq_tok_punct(sql, k, "("))
				depth++;
			else if (sq_tok_punct(sql, k, ")") && depth-- == 0)
				break;
			else if (depth == 0 && sq_tok_punct(sql, k, ","))
				break;
		}
		end = k.start;
		def = mg_strndup(sql + start, end - start);
		{
			SqLexer		d;

			sq_lex_init(&d, def, 0, strlen(def));
			constraints = constraints || is_table_constraint(def, sq_lex_peek(&d));
		}
		if (constraints)
		{
			if (t->ncons == kcap)
				t->cons = mg_realloc(t->cons, sizeof(SqConstraint) * (size_t) (kcap = kcap ? kcap * 2 : 4));
			if (!sq_constraint_parse(def, &t->cons[t->ncons], err, errlen))
				return false;
			t->ncons++;
		}
		else
		{
			if (t->ncols == ccap)
				t->cols = mg_realloc(t->cols, sizeof(SqColumn) * (size_t) (ccap = ccap ? ccap * 2 : 8));
			if (!sq_column_parse(def, &t->cols[t->ncols], err, errlen))
				return false;
			t->cols[t->ncols].src = t->cols[t->ncols].name;
			t->ncols++;
		}
		if (sq_tok_punct(sql, k, ")"))
			break;
	}
	/* table options: WITHOUT ROWID, STRICT */
	for (;;)
	{
		k = sq_lex_next(&lx);
		if (k.kind == SQT_END || sq_tok_punct(sql, k, ";"))
			break;
		if (sq_tok_is(sql, k, "without") && sq_tok_is(sql, sq_lex_next(&lx), "rowid"))
			t->without_rowid = true;
		else if (sq_tok_is(sql, k, "strict"))
			t->strict = true;
		else if (!sq_tok_punct(sql, k, ","))
			return sq_failf(err, errlen, "table %s: unexpected \"%s\" after the column definitions",
						 t->name, sq_tok_text(sql, k));
	}
	if (t->ncols == 0)
		return sq_failf(err, errlen, "table %s has no columns", t->name);
	return true;
}

static void
render_con(MgBuf *b, const SqConstraint *k)
{
	if (k->name)
		mg_buf_printf(b, "CONSTRAINT %s ", sq_quote_ident(k->name));
	mg_buf_puts(b, k->body);
}

char *
sq_table_render(const SqTable *t, const char *name)
{
	MgBuf		b;

	mg_buf_init(&b);
	mg_buf_printf(&b, "CREATE TABLE %s (", sq_quote_ident(name));
	for (int i = 0; i < t->ncols; i++)
	{
		const SqColumn *c = &t->cols[i];

		mg_buf_printf(&b, "%s\n    %s", i ? "," : "", sq_quote_ident(c->name));
		if (c->type[0])
			mg_buf_printf(&b, " %s", c->type);
		for (int j = 0; j < c->ncons; j++)
		{
			mg_buf_puts(&b, " ");
			render_con(&b, &c->cons[j]);
		}
	}
	for (int i = 0; i < t->ncons; i++)
	{
		mg_buf_puts(&b, ",\n    ");
		render_con(&b, &t->cons[i]);
	}
	mg_buf_puts(&b, "\n)");
	if (t->without_rowid)
		mg_buf_puts(&b, " WITHOUT ROWID");
	if (t->strict)
		mg_buf_printf(&b, "%s STRICT", t->without_rowid ? "," : "");
	return b.data;
}

int
sq_table_column(const SqTable *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcasecmp(t->cols[i].name, name) == 0)
			return i;
	return -1;
}

int
sq_column_con(const SqColumn *c, SqConKind kind)
{
	for (int i = 0; i < c->ncons; i++)
		if (c->cons[i].kind == kind)
			return i;
	return -1;
}

void
sq_column_remove_con(SqColumn *c, int i)
{
	memmove(&c->cons[i], &c->cons[i + 1], sizeof(SqConstraint) * (size_t) (c->ncons - i - 1));
	c->ncons--;
}

void
sq_table_remove_con(SqTable *t, int i)
{
	memmove(&t->cons[i], &t->cons[i + 1], sizeof(SqConstraint) * (size_t) (t->ncons - i - 1));
	t->ncons--;
}

bool
sq_text_mentions(const char *sql, const char *name)
{
	SqLexer		lx;

	if (sql == NULL)
		return false;
	sq_lex_init(&lx, sql, 0, strlen(sql));
	for (;;)
	{
		SqTok		t = sq_lex_next(&lx);

		if (t.kind == SQT_END)
			return false;
		if ((t.kind == SQT_WORD || t.kind == SQT_QUOTED) &&
			strcasecmp(sq_tok_name(sql, t), name) == 0)
			return true;
	}
}

bool
sq_column_is_rowid(const SqTable *t, int col)
{
	const SqColumn *c = &t->cols[col];
	int			k;

	if (t->without_rowid || strcasecmp(c->type, "integer") != 0)
		return false;
	k = sq_column_con(c, SQC_PRIMARY);
	/* "INTEGER PRIMARY KEY DESC" is not an alias (SQLite's quirk) */
	if (k >= 0)
		return !c->cons[k].desc;
	for (int i = 0; i < t->ncons; i++)
		if (t->cons[i].kind == SQC_PRIMARY && t->cons[i].cols.count == 1 &&
			strcasecmp(t->cons[i].cols.items[0], c->name) == 0)
			return true;
	return false;
}

bool
sq_column_generated(const SqColumn *c)
{
	return sq_column_con(c, SQC_GENERATED) >= 0;
}

bool
sq_table_autoinc(const SqTable *t)
{
	for (int i = 0; i < t->ncols; i++)
	{
		int			k = sq_column_con(&t->cols[i], SQC_PRIMARY);

		if (k >= 0 && t->cols[i].cons[k].autoinc)
			return true;
	}
	return false;
}
