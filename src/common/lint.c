/*
 * lint.c — the lint rules' table and the one rule of silencing them
 * (lint.h).
 */
#include "lint.h"
#include "sqltext.h"

#include <string.h>

const MgLintRuleInfo mg_lint_rules[MG_LINT_COUNT] = {
	[MG_LINT_ADDING_REQUIRED_FIELD] = {
		"adding-required-field",
		"a column added NOT NULL without a DEFAULT fails on a table with rows, and makes every writer that does not know it fail",
		"add it nullable (or with a non-volatile DEFAULT), backfill, then SET NOT NULL through a validated CHECK", true, true},
	[MG_LINT_ADDING_FIELD_WITH_DEFAULT] = {
		"adding-field-with-default",
		"a column added with a volatile DEFAULT (or GENERATED ... STORED) rewrites the whole table under an ACCESS EXCLUSIVE lock",
		"add it without the default (or with a non-volatile one), backfill in batches, then SET DEFAULT", true, false},
	[MG_LINT_CHANGING_COLUMN_TYPE] = {
		"changing-column-type",
		"changing a column's type rewrites the table (and its indexes) under an ACCESS EXCLUSIVE lock, and may break clients",
		"add a new column, backfill it, switch the clients, drop the old one", true, false},
	[MG_LINT_CONSTRAINT_MISSING_NOT_VALID] = {
		"constraint-missing-not-valid",
		"adding a CHECK or FOREIGN KEY constraint scans the whole table while blocking writes",
		"add it NOT VALID, then VALIDATE CONSTRAINT in a later revision (it takes a weaker lock)", true, false},
	[MG_LINT_ADDING_FOREIGN_KEY_CONSTRAINT] = {
		"adding-foreign-key-constraint",
		"adding a FOREIGN KEY takes SHARE ROW EXCLUSIVE locks on both tables and scans the referencing one, blocking writes to both",
		"add it NOT VALID, then VALIDATE CONSTRAINT in a later revision", true, false},
	[MG_LINT_DISALLOWED_UNIQUE_CONSTRAINT] = {
		"disallowed-unique-constraint",
		"adding a UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes",
		"CREATE UNIQUE INDEX CONCURRENTLY in a transaction-false revision, then ADD CONSTRAINT ... UNIQUE USING INDEX", true, false},
	[MG_LINT_ADDING_PRIMARY_KEY] = {
		"adding-serial-primary-key-field",
		"adding a PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes",
		"CREATE UNIQUE INDEX CONCURRENTLY in a transaction-false revision, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX", true, false},
	[MG_LINT_REQUIRE_CONCURRENT_INDEX_CREATION] = {
		"require-concurrent-index-creation",
		"CREATE INDEX on an existing table blocks its writes until the index is built",
		"CREATE INDEX CONCURRENTLY in a transaction-false revision", true, false},
	[MG_LINT_REQUIRE_CONCURRENT_INDEX_DELETION] = {
		"require-concurrent-index-deletion",
		"DROP INDEX takes an ACCESS EXCLUSIVE lock on the table",
		"DROP INDEX CONCURRENTLY in a transaction-false revision", true, false},
	[MG_LINT_CONCURRENT_INDEX_IN_TRANSACTION] = {
		"ban-concurrent-index-creation-in-transaction",
		"CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction: this revision fails when it runs",
		"mark the revision \"-- migrate:transaction false\" (and keep only such statements in it)", true, false},
	[MG_LINT_RENAMING_COLUMN] = {
		"renaming-column",
		"renaming a column breaks every client still using the old name",
		"add the new column, write both, switch the readers, drop the old one (or expose the old name through a view)", true, true},
	[MG_LINT_RENAMING_TABLE] = {
		"renaming-table",
		"renaming a table breaks every client still using the old name",
		"create the new table (or a view with the old name) and switch clients first", true, true},
	[MG_LINT_BAN_DROP_COLUMN] = {
		"ban-drop-column",
		"dropping a column breaks every client still reading it, and its data is gone",
		"stop using it in every client first, in a release before the one that drops it", true, true},
	[MG_LINT_BAN_DROP_TABLE] = {
		"ban-drop-table",
		"dropping a table breaks every client still using it, and its data is gone",
		"stop using it in every client first, in a release before the one that drops it", true, true},
	[MG_LINT_BAN_DROP_DATABASE] = {
		"ban-drop-database",
		"dropping a database loses everything in it",
		"do it by hand, not in a migration", true, false},
	[MG_LINT_ADDING_NOT_NULLABLE_FIELD] = {
		"adding-not-nullable-field",
		"SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
		"ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (it uses the validated check and skips the scan)", true, false},
	[MG_LINT_PREFER_BIGINT_OVER_INT] = {
		"prefer-bigint-over-int",
		"a 32-bit (or 16-bit) primary key runs out of values, and widening it later rewrites the table",
		"use bigint (bigint GENERATED ALWAYS AS IDENTITY)", true, false},
	[MG_LINT_PREFER_IDENTITY] = {
		"prefer-identity",
		"serial columns own a separate sequence with its own permissions and dump quirks",
		"use bigint GENERATED ALWAYS AS IDENTITY", true, false},
	[MG_LINT_BAN_CHAR_FIELD] = {
		"ban-char-field",
		"char(n) pads with blanks and compares surprisingly; it is almost always a mistake",
		"use text (with a CHECK on its length if needed) or varchar", true, false},
	[MG_LINT_TRANSACTION_NESTING] = {
		"transaction-nesting",
		"BEGIN/COMMIT/ROLLBACK in a revision fights migrate's own transaction handling (and a transaction-false revision is already run one statement per transaction)",
		"remove it: a revision runs in one transaction, or with \"transaction false\" statement by statement", true, true},
	[MG_LINT_REQUIRE_LOCK_TIMEOUT] = {
		"require-lock-timeout",
		"a statement waiting for an ACCESS EXCLUSIVE lock behind one long query blocks every query queued behind it",
		"set migrate.lock_timeout (or `migrate upgrade --lock-timeout 2s --lock-retries 10`), or SET lock_timeout before the statement", true, false},
	[MG_LINT_SQLITE_TABLE_REBUILD] = {
		"sqlite-table-rebuild",
		"this ALTER TABLE rebuilds the whole table (batch mode: copy into a new table, drop, rename) while holding the database's write lock",
		"run it when the table is small or writers can wait; split a large table's changes so it is rebuilt once", false, true},
	[MG_LINT_UNKNOWN_RULE] = {
		"unknown-lint-rule",
		"a \"-- migrate:lint-ignore\" line names no lint rule, so it silences nothing",
		"name one of the rules `migrate lint` reports", true, true},
};

int
mg_lint_rule_find(const char *name)
{
	for (int i = 0; i < MG_LINT_COUNT; i++)
		if (strcmp(mg_lint_rules[i].name, name) == 0)
			return i;
	return -1;
}

/* The text of line k (1-based) of body, without its newline. */
static const char *
line_start(const char *body, int k, size_t *len)
{
	const char *p = body;

	for (int i = 1; i < k && p; i++)
	{
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (p == NULL)
		return NULL;
	*len = strchr(p, '\n') ? (size_t) (strchr(p, '\n') - p) : strlen(p);
	return p;
}

/*
 * If the line is "-- migrate:lint-ignore a, b", the list after the key
 * (and its length); else NULL.
 */
static const char *
ignore_list(const char *line, size_t len, size_t *list_len)
{
	static const char key[] = "migrate:lint-ignore";
	size_t		i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i + 2 > len || line[i] != '-' || line[i + 1] != '-')
		return NULL;
	i += 2;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (len - i < sizeof(key) - 1 || strncmp(line + i, key, sizeof(key) - 1) != 0)
		return NULL;
	i += sizeof(key) - 1;
	*list_len = len - i;
	return line + i;
}

/*
 * The next comma- or blank-separated word of list from *i: its start and
 * length (0 at the end); *i moves past it.
 */
static size_t
next_word(const char *list, size_t len, size_t *i, const char **word)
{
	size_t		j;

	while (*i < len && (list[*i] == ' ' || list[*i] == '\t' || list[*i] == ','))
		(*i)++;
	j = *i;
	while (j < len && list[j] != ' ' && list[j] != '\t' && list[j] != ',')
		j++;
	*word = list + *i;
	len = j - *i;
	*i = j;
	return len;
}

/* Is name one of the words of list? */
static bool
list_names(const char *list, size_t len, const char *name)
{
	const char *w;
	size_t		n;

	for (size_t i = 0; (n = next_word(list, len, &i, &w)) > 0;)
		if (n == strlen(name) && strncmp(w, name, n) == 0)
			return true;
	return false;
}

static void
push(MgLint *l, const char *revision, int line, MgLintRule rule, const char *detail)
{
	MgLintFinding *f;
	MgBuf		b;

	if (l->count == l->cap)
	{
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = mg_realloc(l->items, sizeof(MgLintFinding) * (size_t) l->cap);
	}
	f = &l->items[l->count++];
	f->revision = mg_strdup(revision);
	f->line = line;
	f->rule = rule;
	mg_buf_init(&b);
	mg_buf_printf(&b, "%s%s%s; instead: %s", detail ? detail : "", detail ? ": " : "",
				  mg_lint_rules[rule].what, mg_lint_rules[rule].instead);
	f->message = b.data;
}

void
mg_lint_add(MgLint *l, const MgLintSection *sec, size_t off, MgLintRule rule,
			const char *detail)
{
	size_t		first = mg_sql_skip_blank(sec->body, off, strlen(sec->body));
	int			k = mg_line_at(sec->body, 1, first);	/* line in the body */

	if (k > 1)
	{
		size_t		len,
					list_len;
		const char *line = line_start(sec->body, k - 1, &len);
		const char *list = line ? ignore_list(line, len, &list_len) : NULL;

		if (list && list_names(list, list_len, mg_lint_rules[rule].name))
			return;
	}
	push(l, sec->revision, sec->body_line + k - 1, rule, detail);
}

void
mg_lint_check_ignores(MgLint *l, const MgLintSection *sec)
{
	int			k = 1;

	for (const char *p = sec->body; p && *p; k++)
	{
		const char *nl = strchr(p, '\n');
		size_t		len = nl ? (size_t) (nl - p) : strlen(p);
		size_t		list_len;
		const char *list = ignore_list(p, len, &list_len);
		const char *w;
		size_t		wn;

		for (size_t i = 0; list && (wn = next_word(list, list_len, &i, &w)) > 0;)
		{
			char	   *name = mg_strndup(w, wn);

			if (mg_lint_rule_find(name) < 0)
			{
				MgBuf		d;

				mg_buf_init(&d);
				mg_buf_printf(&d, "\"%s\"", name);
				/* reported at its own line, never silenced */
				push(l, sec->revision, sec->body_line + k - 1, MG_LINT_UNKNOWN_RULE, d.data);
				mg_buf_free(&d);
			}
			mg_free(name);
		}
		p = nl ? nl + 1 : NULL;
	}
}

void
mg_lint_sort(MgLint *l)
{
	/* insertion sort: stable, and a section has few findings */
	for (int i = 1; i < l->count; i++)
	{
		MgLintFinding f = l->items[i];
		int			j = i;

		while (j > 0 && l->items[j - 1].line > f.line)
		{
			l->items[j] = l->items[j - 1];
			j--;
		}
		l->items[j] = f;
	}
}

void
mg_lint_free(MgLint *l)
{
	for (int i = 0; i < l->count; i++)
	{
		mg_free(l->items[i].revision);
		mg_free(l->items[i].message);
	}
	mg_free(l->items);
	memset(l, 0, sizeof(*l));
}
