/*
 * sqlite_tok.c — SQLite's tokens, and a section split into statements.
 * The rules follow SQLite's tokenizer (tokenize.c): identifiers in "",
 * [] or ``, strings in '' (a doubled quote stands for one), X'hex' blobs,
 * -- and block comments (not nested), and words of letters, digits, _ and
 * $ (and every byte >= 0x80).
 */
#include "sqlite_tok.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool
word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

void
sq_lex_init(SqLexer *lx, const char *s, size_t start, size_t end)
{
	lx->s = s;
	lx->pos = start;
	lx->end = end;
	lx->bad = false;
}

/* Past blanks and comments. */
static size_t
skip_blank(SqLexer *lx, size_t p)
{
	const char *s = lx->s;

	while (p < lx->end)
	{
		if (isspace((unsigned char) s[p]))
			p++;
		else if (s[p] == '-' && p + 1 < lx->end && s[p + 1] == '-')
		{
			while (p < lx->end && s[p] != '\n')
				p++;
		}
		else if (s[p] == '/' && p + 1 < lx->end && s[p + 1] == '*')
		{
			const char *e = NULL;

			for (size_t q = p + 2; q + 1 < lx->end; q++)
				if (s[q] == '*' && s[q + 1] == '/')
				{
					e = s + q;
					break;
				}
			if (e == NULL)
			{
				lx->bad = true;
				return lx->end;
			}
			p = (size_t) (e - s) + 2;
		}
		else
			break;
	}
	return p;
}

/* The end of a quoted token starting at p with quote q (closing c). */
static size_t
quoted_end(SqLexer *lx, size_t p, char c)
{
	const char *s = lx->s;

	for (size_t q = p + 1; q < lx->end; q++)
		if (s[q] == c)
		{
			/* a doubled closing quote stands for one, except in [x] */
			if (c != ']' && q + 1 < lx->end && s[q + 1] == c)
			{
				q++;
				continue;
			}
			return q + 1;
		}
	lx->bad = true;
	return lx->end;
}

static SqTok
scan(SqLexer *lx, size_t *after)
{
	const char *s = lx->s;
	size_t		p = skip_blank(lx, lx->pos);
	SqTok		t = {SQT_END, p, 0};
	size_t		q = p;
	unsigned char c;

	if (p >= lx->end)
	{
		*after = lx->end;
		t.start = lx->end;
		return t;
	}
	c = (unsigned char) s[p];
	if (c == '"' || c == '`' || c == '[')
	{
		t.kind = SQT_QUOTED;
		q = quoted_end(lx, p, c == '[' ? ']' : (char) c);
	}
	else if (c == '\'')
	{
		t.kind = SQT_STRING;
		q = quoted_end(lx, p, '\'');
	}
	else if ((c == 'x' || c == 'X') && p + 1 < lx->end && s[p + 1] == '\'')
	{
		t.kind = SQT_BLOB;
		q = quoted_end(lx, p + 1, '\'');
	}
	else if (isdigit(c) || (c == '.' && p + 1 < lx->end && isdigit((unsigned char) s[p + 1])))
	{
		t.kind = SQT_NUMBER;
		while (q < lx->end && (isalnum((unsigned char) s[q]) || s[q] == '.' || s[q] == '_' ||
							   ((s[q] == '+' || s[q] == '-') && q > p &&
								(s[q - 1] == 'e' || s[q - 1] == 'E') &&
								!(s[p] == '0' && p + 1 < q && (s[p + 1] == 'x' || s[p + 1] == 'X')))))
			q++;
	}
	else if (c == '?' || ((c == ':' || c == '@' || c == '$') && p + 1 < lx->end &&
						  word_char((unsigned char) s[p + 1])))
	{
		t.kind = SQT_PARAM;
		q++;
		while (q < lx->end && word_char((unsigned char) s[q]))
			q++;
	}
	else if (word_char(c))
	{
		t.kind = SQT_WORD;
		while (q < lx->end && word_char((unsigned char) s[q]))
			q++;
	}
	else
	{
		static const char *const two[] = {"||", "<=", ">=", "<>", "!=", "==", "<<", ">>", "->", NULL};

		t.kind = SQT_PUNCT;
		q = p + 1;
		for (int i = 0; two[i]; i++)
			if (p + 1 < lx->end && s[p] == two[i][0] && s[p + 1] == two[i][1])
			{
				q = p + 2;
				if (strcmp(two[i], "->") == 0 && q < lx->end && s[q] == '>')
					q++;
				break;
			}
	}
	t.len = q - p;
	*after = q;
	return t;
}

SqTok
sq_lex_next(SqLexer *lx)
{
	size_t		after;
	SqTok		t = scan(lx, &after);

	lx->pos = after;
	return t;
}

SqTok
sq_lex_peek(const SqLexer *lx)
{
	SqLexer		copy = *lx;
	size_t		after;

	return scan(&copy, &after);
}

bool
sq_tok_is(const char *s, SqTok t, const char *kw)
{
	return t.kind == SQT_WORD && strlen(kw) == t.len &&
		strncasecmp(s + t.start, kw, t.len) == 0;
}

bool
sq_tok_punct(const char *s, SqTok t, const char *p)
{
	return t.kind == SQT_PUNCT && strlen(p) == t.len && strncmp(s + t.start, p, t.len) == 0;
}

bool
sq_tok_is_name(SqTok t)
{
	return t.kind == SQT_WORD || t.kind == SQT_QUOTED ||
	/* SQLite takes 'x' as a name where a name must be */
		t.kind == SQT_STRING;
}

char *
sq_tok_name(const char *s, SqTok t)
{
	char		close;
	char	   *out,
			   *o;

	if (t.kind == SQT_WORD || t.len < 2)
		return mg_strndup(s + t.start, t.len);
	close = s[t.start] == '[' ? ']' : s[t.start];
	out = o = mg_alloc(t.len);
	for (size_t i = t.start + 1; i < t.start + t.len - 1; i++)
	{
		*o++ = s[i];
		if (s[i] == close && close != ']' && i + 1 < t.start + t.len - 1 && s[i + 1] == close)
			i++;
	}
	*o = '\0';
	return out;
}

char *
sq_tok_text(const char *s, SqTok t)
{
	return mg_strndup(s + t.start, t.len);
}

size_t
sq_lex_skip_group(SqLexer *lx)
{
	int			depth = 1;

	for (;;)
	{
		SqTok		t = sq_lex_next(lx);

		if (t.kind == SQT_END)
		{
			lx->bad = true;
			return lx->pos;
		}
		if (sq_tok_punct(lx->s, t, "("))
			depth++;
		else if (sq_tok_punct(lx->s, t, ")") && --depth == 0)
			return lx->pos;
	}
}

/*
 * A statement ends at a ";" outside parentheses, except in CREATE TRIGGER,
 * whose BEGIN … END body holds statements: there BEGIN and CASE open a
 * block that END closes.
 */
int
sq_split(const char *s, SqStmt **out, bool *bad)
{
	SqLexer		lx;
	int			n = 0,
				cap = 8;
	SqStmt	   *v = mg_alloc(sizeof(SqStmt) * (size_t) cap);

	sq_lex_init(&lx, s, 0, strlen(s));
	for (;;)
	{
		SqTok		t = sq_lex_next(&lx);
		SqStmt		st;
		bool		trigger = false;
		int			words = 0,
					block = 0;

		if (t.kind == SQT_END)
			break;
		if (sq_tok_punct(s, t, ";"))
			continue;
		st.start = t.start;
		st.end = t.start + t.len;
		for (;;)
		{
			if (words < 4 && t.kind == SQT_WORD)
			{
				/* CREATE [TEMP|TEMPORARY] TRIGGER */
				if (words > 0 && sq_tok_is(s, t, "trigger"))
					trigger = true;
				words++;
			}
			if (sq_tok_punct(s, t, "("))
				block++;
			else if (sq_tok_punct(s, t, ")"))
				block--;
			else if (trigger && (sq_tok_is(s, t, "begin") || sq_tok_is(s, t, "case")))
				block++;
			else if (trigger && sq_tok_is(s, t, "end"))
				block--;
			st.end = t.start + t.len;
			t = sq_lex_next(&lx);
			if (t.kind == SQT_END || (block <= 0 && sq_tok_punct(s, t, ";")))
				break;
		}
		st.next = t.kind == SQT_END ? lx.end : t.start + 1;
		if (n == cap)
			v = mg_realloc(v, sizeof(SqStmt) * (size_t) (cap *= 2));
		v[n++] = st;
		if (t.kind == SQT_END)
			break;
	}
	*bad = lx.bad;
	*out = v;
	return n;
}

static const char *const reserved[] = {
		"abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as",
		"asc", "attach", "autoincrement", "before", "begin", "between", "by", "cascade",
		"case", "cast", "check", "collate", "column", "commit", "conflict", "constraint",
		"create", "cross", "current", "current_date", "current_time", "current_timestamp",
		"database", "default", "deferrable", "deferred", "delete", "desc", "detach",
		"distinct", "do", "drop", "each", "else", "end", "escape", "except", "exclude",
		"exclusive", "exists", "explain", "fail", "filter", "first", "following", "for",
		"foreign", "from", "full", "generated", "glob", "group", "groups", "having", "if",
		"ignore", "immediate", "in", "index", "indexed", "initially", "inner", "insert",
		"instead", "intersect", "into", "is", "isnull", "join", "key", "last", "left",
		"like", "limit", "match", "materialized", "natural", "no", "not", "nothing",
		"notnull", "null", "nulls", "of", "offset", "on", "or", "order", "others", "outer",
		"over", "partition", "plan", "pragma", "preceding", "primary", "query", "raise",
		"range", "recursive", "references", "regexp", "reindex", "release", "rename",
		"replace", "restrict", "returning", "right", "rollback", "row", "rows", "savepoint",
		"select", "set", "table", "temp", "temporary", "then", "ties", "to", "transaction",
		"trigger", "unbounded", "union", "unique", "update", "using", "vacuum", "values",
		"view", "virtual", "when", "where", "window", "with", "without", NULL
};

bool
sq_is_keyword(const char *word, size_t len)
{
	for (int i = 0; reserved[i]; i++)
		if (strlen(reserved[i]) == len && strncasecmp(word, reserved[i], len) == 0)
			return true;
	return false;
}

static bool
plain_name(const char *name)
{
	if (name[0] == '\0' || isdigit((unsigned char) name[0]))
		return false;
	for (const char *p = name; *p; p++)
		if (!(isalnum((unsigned char) *p) || *p == '_'))
			return false;
	return !sq_is_keyword(name, strlen(name));
}

char *
sq_quote_always(const char *name)
{
	MgBuf		b;

	mg_buf_init(&b);
	mg_buf_puts(&b, "\"");
	for (const char *p = name; *p; p++)
		mg_buf_append(&b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
	mg_buf_puts(&b, "\"");
	return b.data;
}

char *
sq_quote_ident(const char *name)
{
	return plain_name(name) ? mg_strdup(name) : sq_quote_always(name);
}

char *
sq_quote_literal(const char *text)
{
	MgBuf		b;

	mg_buf_init(&b);
	mg_buf_puts(&b, "'");
	for (const char *p = text; *p; p++)
		mg_buf_append(&b, *p == '\'' ? "''" : p, *p == '\'' ? 2 : 1);
	mg_buf_puts(&b, "'");
	return b.data;
}

char *
sq_canonical(const char *sql)
{
	SqLexer		lx;
	SqTok		prev = {SQT_END, 0, 0};
	MgBuf		b;

	mg_buf_init(&b);
	sq_lex_init(&lx, sql, 0, strlen(sql));
	for (;;)
	{
		SqTok		t = sq_lex_next(&lx);
		bool		space;

		if (t.kind == SQT_END || (sq_tok_punct(sql, t, ";") && sq_lex_peek(&lx).kind == SQT_END))
			break;
		space = prev.kind != SQT_END &&
			!sq_tok_punct(sql, prev, "(") && !sq_tok_punct(sql, prev, ".") &&
			!sq_tok_punct(sql, t, ")") && !sq_tok_punct(sql, t, ",") &&
			!sq_tok_punct(sql, t, ".") && !sq_tok_punct(sql, t, ";") &&
			!(sq_tok_punct(sql, t, "(") &&
			  (prev.kind == SQT_QUOTED ||
			   (prev.kind == SQT_WORD && !sq_is_keyword(sql + prev.start, prev.len))));
		if (space)
			mg_buf_puts(&b, " ");
		if (t.kind == SQT_QUOTED)
			mg_buf_puts(&b, sq_quote_ident(sq_tok_name(sql, t)));
		else if (t.kind == SQT_WORD && sq_is_keyword(sql + t.start, t.len))
			for (size_t i = 0; i < t.len; i++)
			{
				char		c = (char) toupper((unsigned char) sql[t.start + i]);

				mg_buf_append(&b, &c, 1);
			}
		else
			mg_buf_append(&b, sql + t.start, t.len);
		prev = t;
	}
	return b.data ? b.data : mg_strdup("");
}

bool
sq_failf(char *err, size_t errlen, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}
