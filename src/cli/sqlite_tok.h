/*
 * sqlite_tok.h — a tokenizer for SQLite's SQL text: what the batch
 * rewriter and the schema reader use instead of patterns over SQL.  It
 * knows SQLite's quoting ("x", [x], `x`, 'it''s', X'00') and comments
 * (-- to end of line, block comments), and splits a section into
 * statements (a trigger's BEGIN … END body is one statement).
 */
#ifndef MIGRATE_SQLITE_TOK_H
#define MIGRATE_SQLITE_TOK_H

#include "mg_base.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum SqTokKind
{
	SQT_END,					/* no more tokens */
	SQT_WORD,					/* a bare word: keyword or identifier */
	SQT_QUOTED,					/* "x", [x] or `x`: an identifier */
	SQT_STRING,					/* 'x' */
	SQT_NUMBER,
	SQT_BLOB,					/* X'..' */
	SQT_PARAM,					/* ?1, :a, @a, $a */
	SQT_PUNCT					/* ( ) , ; . and operators */
} SqTokKind;

typedef struct SqTok
{
	SqTokKind	kind;
	size_t		start;			/* byte offsets into the text */
	size_t		len;
} SqTok;

typedef struct SqLexer
{
	const char *s;
	size_t		pos;
	size_t		end;
	bool		bad;			/* an unterminated quote or comment */
} SqLexer;

void		sq_lex_init(SqLexer *lx, const char *s, size_t start, size_t end);
/* The next token (SQT_END at the end); skips blanks and comments. */
SqTok		sq_lex_next(SqLexer *lx);
/* The next token without consuming it. */
SqTok		sq_lex_peek(const SqLexer *lx);

/* Is the token the keyword (case-insensitive, bare words only)? */
bool		sq_tok_is(const char *s, SqTok t, const char *kw);
/* Is the token the punctuation p? */
bool		sq_tok_punct(const char *s, SqTok t, const char *p);
/* Is it a name (a bare word or a quoted identifier)? */
bool		sq_tok_is_name(SqTok t);
/* A name's value: quotes removed and doubled quotes undone (mg_alloc). */
char	   *sq_tok_name(const char *s, SqTok t);
/* The token's text as written (mg_alloc). */
char	   *sq_tok_text(const char *s, SqTok t);

/*
 * Skip a balanced parenthesised group whose "(" was just read; returns the
 * offset just after its ")" (or the end, lx->bad set, when unbalanced).
 */
size_t		sq_lex_skip_group(SqLexer *lx);

/* One statement of a section: [start, end) without its ";". */
typedef struct SqStmt
{
	size_t		start;			/* first token */
	size_t		end;			/* after its last token */
	size_t		next;			/* after its ";" (or the end) */
} SqStmt;

/*
 * Split s into statements; returns how many (an empty statement is
 * skipped).  *bad is set when a quote or comment is not closed.
 */
int			sq_split(const char *s, SqStmt **out, bool *bad);

/* name quoted for SQLite when it needs it ("x" with doubled quotes). */
char	   *sq_quote_ident(const char *name);
/* Always quoted. */
char	   *sq_quote_always(const char *name);
/* 'text' with doubled quotes. */
char	   *sq_quote_literal(const char *text);

/* Is the word one of SQLite's keywords? */
bool		sq_is_keyword(const char *word, size_t len);

/*
 * SQL text in one canonical spelling, for comparing definitions: comments
 * gone, one blank between tokens (none inside parentheses, before commas
 * or in calls), keywords upper case, identifiers quoted only when they
 * need it.
 */
char	   *sq_canonical(const char *sql);

/* Format a message into err; returns false (for "return sq_failf(…)"). */
bool		sq_failf(char *err, size_t errlen, const char *fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 3, 4)))
#endif
			;

#endif							/* MIGRATE_SQLITE_TOK_H */
