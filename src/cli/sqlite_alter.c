/*
 * sqlite_alter.c — PostgreSQL's ALTER TABLE on SQLite (SPEC §7): the
 * statement read into actions (sqlite_alter_apply.c decides which SQLite
 * runs itself and applies the others to the table's model).
 *
 * The forms: ADD [COLUMN] [IF NOT EXISTS] def; ADD table-constraint [NOT
 * VALID]; DROP [COLUMN] [IF EXISTS] c [CASCADE|RESTRICT]; DROP CONSTRAINT
 * [IF EXISTS] n; ALTER [COLUMN] c [SET DATA] TYPE t [COLLATE x] [USING e]
 * (TYPE "": no declared type); ALTER [COLUMN] c SET/DROP NOT NULL, SET
 * DEFAULT e, DROP DEFAULT; ALTER [COLUMN] c ADD GENERATED {ALWAYS | BY
 * DEFAULT} AS IDENTITY [(…)] and DROP IDENTITY [IF EXISTS], which are
 * AUTOINCREMENT on an INTEGER PRIMARY KEY (SQLite's identity); RENAME
 * [COLUMN] a TO b; RENAME CONSTRAINT a TO b; RENAME TO t.  Anything else
 * has no SQLite form and is refused by name.
 */
#include "sqlite_alter.h"
#include "sqlite_tok.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- parsing ---- */

typedef struct AltParser
{
	SqLexer		lx;
	const char *s;
	char	   *err;
	size_t		errlen;
	size_t		erroff;
} AltParser;

static bool
next_is(AltParser *p, const char *kw)
{
	if (sq_tok_is(p->s, sq_lex_peek(&p->lx), kw))
	{
		sq_lex_next(&p->lx);
		return true;
	}
	return false;
}

static bool
perr(AltParser *p, SqTok at, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	p->erroff = at.start;
	return false;
}

/* [schema.]name: the name (main. and public. are this database). */
static char *
qualified_name(AltParser *p)
{
	SqTok		t = sq_lex_next(&p->lx);
	char	   *name;

	if (!sq_tok_is_name(t))
		return NULL;
	name = sq_tok_name(p->s, t);
	if (sq_tok_punct(p->s, sq_lex_peek(&p->lx), "."))
	{
		sq_lex_next(&p->lx);
		t = sq_lex_next(&p->lx);
		if (!sq_tok_is_name(t))
			return NULL;
		name = sq_tok_name(p->s, t);
	}
	return name;
}

static char *
name_token(AltParser *p)
{
	SqTok		t = sq_lex_next(&p->lx);

	return sq_tok_is_name(t) ? sq_tok_name(p->s, t) : NULL;
}

/* Does the next token start the stop phrase ("using", or "not valid")? */
static bool
at_phrase(const AltParser *p, const char *phrase)
{
	SqLexer		lx = p->lx;
	char		word[32];

	while (*phrase)
	{
		size_t		n = strcspn(phrase, " ");

		snprintf(word, sizeof(word), "%.*s", (int) n, phrase);
		if (!sq_tok_is(p->s, sq_lex_next(&lx), word))
			return false;
		phrase += n + (phrase[n] == ' ');
	}
	return true;
}

/*
 * The text from the next token up to a stop phrase (a word, or words:
 * "not valid" stops there and not at NOT DEFERRABLE) or the end.
 */
static char *
text_until(AltParser *p, const char *const *stop)
{
	size_t		start = sq_lex_peek(&p->lx).start;
	size_t		end = start;

	for (;;)
	{
		SqTok		t = sq_lex_peek(&p->lx);

		if (t.kind == SQT_END)
			break;
		for (int i = 0; stop && stop[i]; i++)
			if (at_phrase(p, stop[i]))
				goto done;
		sq_lex_next(&p->lx);
		if (sq_tok_punct(p->s, t, "("))
			sq_lex_skip_group(&p->lx);
		end = p->lx.pos;
	}
done:
	return end > start ? mg_strndup(p->s + start, end - start) : NULL;
}

static bool
unsupported(AltParser *p, SqTok at, const char *what)
{
	return perr(p, at, "ALTER TABLE … %s has no SQLite form and the batch rewriter cannot run it; write this revision's SQLite section (-- migrate:upgrade sqlite) by hand", what);
}

/* ALTER [COLUMN] c …, after ALTER. */
static bool
alter_column(AltParser *p, SqAltAction *a)
{
	static const char *const type_stop[] = {"collate", "using", NULL};
	SqTok		at;

	next_is(p, "column");
	if ((a->column = name_token(p)) == NULL)
		return perr(p, sq_lex_peek(&p->lx), "expected a column name after ALTER COLUMN");
	at = sq_lex_peek(&p->lx);
	if (next_is(p, "type") || (next_is(p, "set") && (next_is(p, "data") ? next_is(p, "type") : false)))
	{
		a->kind = SQA_TYPE;
		if ((a->text = text_until(p, type_stop)) == NULL)
			return perr(p, sq_lex_peek(&p->lx), "expected a type after TYPE");
		if (next_is(p, "collate") && (a->collate = name_token(p)) == NULL)
			return perr(p, sq_lex_peek(&p->lx), "expected a collation after COLLATE");
		if (next_is(p, "using") && (a->using_expr = text_until(p, NULL)) == NULL)
			return perr(p, sq_lex_peek(&p->lx), "expected an expression after USING");
		return true;
	}
	/* "SET" was consumed above when it was not SET DATA TYPE */
	if (sq_tok_is(p->s, at, "set"))
	{
		if (next_is(p, "not"))
		{
			if (!next_is(p, "null"))
				return perr(p, sq_lex_peek(&p->lx), "expected NULL after SET NOT");
			a->kind = SQA_SET_NOT_NULL;
			return true;
		}
		if (next_is(p, "default"))
		{
			a->kind = SQA_SET_DEFAULT;
			if ((a->text = text_until(p, NULL)) == NULL)
				return perr(p, sq_lex_peek(&p->lx), "expected an expression after SET DEFAULT");
			return true;
		}
		return unsupported(p, at, "ALTER COLUMN … SET (other than NOT NULL, DEFAULT and DATA TYPE)");
	}
	if (next_is(p, "drop"))
	{
		if (next_is(p, "not") && next_is(p, "null"))
			a->kind = SQA_DROP_NOT_NULL;
		else if (next_is(p, "default"))
			a->kind = SQA_DROP_DEFAULT;
		else if (next_is(p, "identity"))
		{
			a->kind = SQA_DROP_IDENTITY;
			if (next_is(p, "if"))
			{
				if (!next_is(p, "exists"))
					return perr(p, sq_lex_peek(&p->lx), "expected EXISTS after IF");
				a->if_exists = true;
			}
		}
		else
			return unsupported(p, at, "ALTER COLUMN … DROP (other than NOT NULL, DEFAULT and IDENTITY)");
		return true;
	}
	if (next_is(p, "add"))
	{
		if (!next_is(p, "generated"))
			return unsupported(p, at, "ALTER COLUMN … ADD (other than GENERATED … AS IDENTITY)");
		if (!next_is(p, "always") && !(next_is(p, "by") && next_is(p, "default")))
			return perr(p, sq_lex_peek(&p->lx), "expected ALWAYS or BY DEFAULT after GENERATED");
		if (!next_is(p, "as") || !next_is(p, "identity"))
			return perr(p, sq_lex_peek(&p->lx), "expected AS IDENTITY");
		/* sequence options: SQLite's AUTOINCREMENT has none */
		if (sq_tok_punct(p->s, sq_lex_peek(&p->lx), "("))
		{
			sq_lex_next(&p->lx);
			sq_lex_skip_group(&p->lx);
		}
		a->kind = SQA_ADD_IDENTITY;
		return true;
	}
	return unsupported(p, at, "ALTER COLUMN (other than TYPE, SET/DROP NOT NULL, SET/DROP DEFAULT, ADD/DROP IDENTITY)");
}

static bool
starts_table_constraint(AltParser *p)
{
	SqTok		t = sq_lex_peek(&p->lx);

	return sq_tok_is(p->s, t, "constraint") || sq_tok_is(p->s, t, "primary") ||
		sq_tok_is(p->s, t, "unique") || sq_tok_is(p->s, t, "check") ||
		sq_tok_is(p->s, t, "foreign") || sq_tok_is(p->s, t, "exclude");
}

/* One action, [start, end) of the statement. */
static bool
action(AltParser *p, SqAltAction *a)
{
	static const char *const not_valid[] = {"not valid", NULL};
	SqTok		t = sq_lex_next(&p->lx);

	memset(a, 0, sizeof(*a));
	a->start = t.start;
	if (sq_tok_is(p->s, t, "add"))
	{
		if (!sq_tok_is(p->s, sq_lex_peek(&p->lx), "column") && starts_table_constraint(p))
		{
			SqTok		k = sq_lex_peek(&p->lx);

			a->kind = SQA_ADD_CONSTRAINT;
			if (sq_tok_is(p->s, k, "exclude"))
				return unsupported(p, k, "ADD EXCLUDE");
			a->text = text_until(p, not_valid);
			/* NOT VALID: SQLite checks nothing when adding, rebuilds check all */
			if (next_is(p, "not") && !next_is(p, "valid"))
				return perr(p, sq_lex_peek(&p->lx), "expected VALID after NOT");
			return true;
		}
		next_is(p, "column");
		a->kind = SQA_ADD_COLUMN;
		if (sq_tok_is(p->s, sq_lex_peek(&p->lx), "if"))
		{
			sq_lex_next(&p->lx);
			if (!next_is(p, "not") || !next_is(p, "exists"))
				return perr(p, sq_lex_peek(&p->lx), "expected IF NOT EXISTS");
			a->if_exists = true;
		}
		if ((a->text = text_until(p, NULL)) == NULL)
			return perr(p, sq_lex_peek(&p->lx), "expected a column definition after ADD COLUMN");
		{
			SqColumn	c;
			char		e[256];

			if (!sq_column_parse(a->text, &c, e, sizeof(e)))
				return perr(p, t, "ADD COLUMN: %s", e);
			a->column = c.name;
		}
		return true;
	}
	if (sq_tok_is(p->s, t, "drop"))
	{
		a->kind = next_is(p, "constraint") ? SQA_DROP_CONSTRAINT : SQA_DROP_COLUMN;
		if (a->kind == SQA_DROP_COLUMN)
			next_is(p, "column");
		if (next_is(p, "if"))
		{
			if (!next_is(p, "exists"))
				return perr(p, sq_lex_peek(&p->lx), "expected EXISTS after IF");
			a->if_exists = true;
		}
		if ((a->column = name_token(p)) == NULL)
			return perr(p, sq_lex_peek(&p->lx), "expected a name after DROP");
		/* CASCADE / RESTRICT: the rebuild refuses what would need CASCADE */
		if (!next_is(p, "restrict"))
			next_is(p, "cascade");
		return true;
	}
	if (sq_tok_is(p->s, t, "alter"))
		return alter_column(p, a);
	if (sq_tok_is(p->s, t, "rename"))
	{
		if (next_is(p, "to"))
		{
			a->kind = SQA_RENAME_TABLE;
			if ((a->text = name_token(p)) == NULL)
				return perr(p, sq_lex_peek(&p->lx), "expected a name after RENAME TO");
			return true;
		}
		a->kind = next_is(p, "constraint") ? SQA_RENAME_CONSTRAINT : SQA_RENAME_COLUMN;
		if (a->kind == SQA_RENAME_COLUMN)
			next_is(p, "column");
		if ((a->column = name_token(p)) == NULL || !next_is(p, "to") ||
			(a->text = name_token(p)) == NULL)
			return perr(p, sq_lex_peek(&p->lx), "expected RENAME [COLUMN|CONSTRAINT] a TO b");
		return true;
	}
	return unsupported(p, t, sq_tok_text(p->s, t));
}

int
sq_alter_parse(const char *s, size_t start, size_t end, SqAlter *out,
			   char *err, size_t errlen, size_t *erroff)
{
	AltParser	p;
	int			cap = 0;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.s = s;
	p.err = err;
	p.errlen = errlen;
	sq_lex_init(&p.lx, s, start, end);
	if (!next_is(&p, "alter") || !next_is(&p, "table"))
		return 0;
	if (next_is(&p, "if"))
	{
		if (!next_is(&p, "exists"))
			goto bad;
		out->if_exists = true;
	}
	next_is(&p, "only");
	if ((out->table = qualified_name(&p)) == NULL)
	{
		perr(&p, sq_lex_peek(&p.lx), "expected a table name after ALTER TABLE");
		goto bad;
	}
	if (sq_tok_punct(s, sq_lex_peek(&p.lx), "*"))
		sq_lex_next(&p.lx);
	for (;;)
	{
		size_t		astart = sq_lex_peek(&p.lx).start;
		size_t		aend = astart;
		int			depth = 0;
		AltParser	ap = p;

		/* the action's extent: up to a "," at depth 0 */
		for (;;)
		{
			SqTok		t = sq_lex_peek(&p.lx);

			if (t.kind == SQT_END || (depth == 0 && sq_tok_punct(s, t, ",")))
				break;
			sq_lex_next(&p.lx);
			if (sq_tok_punct(s, t, "("))
				depth++;
			else if (sq_tok_punct(s, t, ")"))
				depth--;
			aend = p.lx.pos;
		}
		if (aend == astart)
		{
			perr(&p, sq_lex_peek(&p.lx), "expected an action after ALTER TABLE %s", out->table);
			goto bad;
		}
		if (out->nacts == cap)
			out->acts = mg_realloc(out->acts, sizeof(SqAltAction) * (size_t) (cap = cap ? cap * 2 : 4));
		sq_lex_init(&ap.lx, s, astart, aend);
		if (!action(&ap, &out->acts[out->nacts]))
		{
			p.erroff = ap.erroff;
			goto bad;
		}
		if (sq_lex_peek(&ap.lx).kind != SQT_END)
		{
			perr(&p, sq_lex_peek(&ap.lx), "unexpected \"%s\" in ALTER TABLE %s",
				 sq_tok_text(s, sq_lex_peek(&ap.lx)), out->table);
			goto bad;
		}
		out->nacts++;
		if (sq_lex_peek(&p.lx).kind == SQT_END)
			break;
		sq_lex_next(&p.lx);		/* "," */
	}
	if (p.lx.bad)
	{
		perr(&p, sq_lex_peek(&p.lx), "an unterminated quote or comment");
		goto bad;
	}
	return 1;
bad:
	if (err[0] == '\0')
		snprintf(err, errlen, "cannot read this ALTER TABLE");
	*erroff = p.erroff ? p.erroff : start;
	return -1;
}
