/*
 * sqlite_lint.c — lint on SQLite (SPEC §9): the rules of the shared table
 * (src/common/lint.c) that apply to SQLite, found with SQLite's tokenizer
 * and the batch rewriter's ALTER TABLE parser, without opening the
 * database: a NOT NULL column added without a default (SQLite refuses it
 * on a table with rows), renames and drops (they break running clients),
 * transaction control in a revision, and the ALTER TABLE forms SQLite
 * cannot run itself, which batch mode runs by rebuilding the whole table
 * (type, NOT NULL, default and constraint changes).  A table the section
 * created itself is exempt.
 */
#include "sqlite_int.h"
#include "lint.h"
#include "sqlite_alter.h"
#include "sqlite_tok.h"

#include <stdlib.h>
#include <string.h>

typedef struct SqLinter
{
	MgLint		out;
	MgLintSection sec;
	MgStrList	created;
} SqLinter;

static bool
created_here(const SqLinter *lt, const char *table)
{
	for (int i = 0; i < lt->created.count; i++)
		if (strcasecmp(lt->created.items[i], table) == 0)
			return true;
	return false;
}

static void
add(SqLinter *lt, size_t off, MgLintRule rule, const char *fmt, const char *a, const char *b)
{
	MgBuf		d;

	mg_buf_init(&d);
	mg_buf_printf(&d, fmt, a, b);
	mg_lint_add(&lt->out, &lt->sec, off, rule, d.len ? d.data : NULL);
	mg_buf_free(&d);
}

/* ADD COLUMN ... NOT NULL without DEFAULT (the column text, tokenized). */
static bool
required_column(const char *text)
{
	SqLexer		lx;
	bool		not_null = false,
				def = false;
	SqTok		prev = {SQT_END, 0, 0};

	sq_lex_init(&lx, text, 0, strlen(text));
	for (SqTok t = sq_lex_next(&lx); t.kind != SQT_END; prev = t, t = sq_lex_next(&lx))
	{
		if (sq_tok_is(text, t, "NULL") && sq_tok_is(text, prev, "NOT"))
			not_null = true;
		if (sq_tok_is(text, t, "DEFAULT") || sq_tok_is(text, t, "GENERATED") ||
			sq_tok_is(text, t, "AS"))
			def = true;
	}
	return not_null && !def;
}

static void
lint_alter(SqLinter *lt, const SqAlter *a, size_t off)
{
	if (created_here(lt, a->table))
		return;
	for (int i = 0; i < a->nacts; i++)
	{
		const SqAltAction *act = &a->acts[i];

		switch (act->kind)
		{
			case SQA_ADD_COLUMN:
				if (required_column(act->text))
					add(lt, off, MG_LINT_ADDING_REQUIRED_FIELD, "column %s of %s", act->column, a->table);
				break;
			case SQA_DROP_COLUMN:
				add(lt, off, MG_LINT_BAN_DROP_COLUMN, "column %s of %s", act->column, a->table);
				break;
			case SQA_RENAME_COLUMN:
				add(lt, off, MG_LINT_RENAMING_COLUMN, "column %s of %s", act->column, a->table);
				break;
			case SQA_RENAME_TABLE:
				add(lt, off, MG_LINT_RENAMING_TABLE, "table %s%s", a->table, "");
				break;
			case SQA_RENAME_CONSTRAINT:
				break;
			default:
				add(lt, off, MG_LINT_SQLITE_TABLE_REBUILD, "table %s%s", a->table, "");
				break;
		}
	}
}

static void
lint_statement(SqLinter *lt, const char *body, const SqStmt *st)
{
	SqLexer		lx;
	SqTok		t1,
				t2,
				t3;

	sq_lex_init(&lx, body, st->start, st->end);
	t1 = sq_lex_next(&lx);
	t2 = sq_lex_next(&lx);
	if (sq_tok_is(body, t1, "BEGIN") || sq_tok_is(body, t1, "COMMIT") ||
		sq_tok_is(body, t1, "END") || sq_tok_is(body, t1, "ROLLBACK"))
		add(lt, st->start, MG_LINT_TRANSACTION_NESTING, "%s%s", "", "");
	else if (sq_tok_is(body, t1, "CREATE"))
	{
		/* CREATE [TEMP] TABLE [IF NOT EXISTS] name */
		while (sq_tok_is(body, t2, "TEMP") || sq_tok_is(body, t2, "TEMPORARY"))
			t2 = sq_lex_next(&lx);
		if (!sq_tok_is(body, t2, "TABLE"))
			return;
		t3 = sq_lex_next(&lx);
		if (sq_tok_is(body, t3, "IF"))
		{
			sq_lex_next(&lx);
			sq_lex_next(&lx);
			t3 = sq_lex_next(&lx);
		}
		if (sq_tok_is_name(t3))
		{
			char	   *name = sq_tok_name(body, t3);

			mg_strlist_add(&lt->created, name);
			mg_free(name);
		}
	}
	else if (sq_tok_is(body, t1, "DROP") && sq_tok_is(body, t2, "TABLE"))
	{
		t3 = sq_lex_next(&lx);
		if (sq_tok_is(body, t3, "IF"))
		{
			sq_lex_next(&lx);
			t3 = sq_lex_next(&lx);
		}
		if (sq_tok_is_name(t3))
		{
			char	   *name = sq_tok_name(body, t3);

			if (!created_here(lt, name))
				add(lt, st->start, MG_LINT_BAN_DROP_TABLE, "table %s%s", name, "");
			mg_free(name);
		}
	}
	else if (sq_tok_is(body, t1, "ALTER") && sq_tok_is(body, t2, "TABLE"))
	{
		SqAlter		a;
		char		err[256];
		size_t		erroff;

		memset(&a, 0, sizeof(a));
		if (sq_alter_parse(body, st->start, st->end, &a, err, sizeof(err), &erroff) == 1)
			lint_alter(lt, &a, st->start);
	}
}

int
sq_lint(Db *db, Repo *repo, const MgIntList *nodes, MgStrList *rows)
{
	for (int i = 0; i < nodes->count; i++)
	{
		const RepoRev *r = &repo->revs[nodes->items[i]];
		const MgSection *sec = r->sel.upgrade;
		SqLinter	lt;
		SqStmt	   *stmts = NULL;
		bool		bad = false;
		int			n;

		memset(&lt, 0, sizeof(lt));
		lt.sec.revision = r->rf.id;
		lt.sec.body = sec->body;
		lt.sec.body_line = sec->body_line;
		mg_lint_check_ignores(&lt.out, &lt.sec);
		n = sq_split(sec->body, &stmts, &bad);
		for (int k = 0; k < n; k++)
			lint_statement(&lt, sec->body, &stmts[k]);
		mg_lint_sort(&lt.out);
		for (int k = 0; k < lt.out.count; k++)
		{
			char		line[16];

			snprintf(line, sizeof(line), "%d", lt.out.items[k].line);
			mg_strlist_add(rows, lt.out.items[k].revision);
			mg_strlist_add(rows, line);
			mg_strlist_add(rows, mg_lint_rules[lt.out.items[k].rule].name);
			mg_strlist_add(rows, lt.out.items[k].message);
		}
		mg_lint_free(&lt.out);
		mg_strlist_free(&lt.created);
		mg_free(stmts);
	}
	return EXIT_OK;
}
