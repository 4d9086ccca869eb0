/*
 * lint.h — the rules of `lint` (SPEC §9): what is dangerous to run on a
 * live database, one table of rules (name, what it catches, the safe
 * alternative) for both databases, and the one rule of silencing them.
 *
 * The detection is each side's: the server walks PostgreSQL's own parse
 * trees (src/server/lint.c), the program on SQLite walks SQLite's tokens
 * (src/cli/sqlite_lint.c); both report through mg_lint_add(), which
 * applies "-- migrate:lint-ignore RULE[, RULE...]" on the line before the
 * statement.  Rule names are squawk's where squawk has the rule.
 */
#ifndef MG_LINT_H
#define MG_LINT_H

#include "mg_base.h"

typedef enum MgLintRule
{
	MG_LINT_ADDING_REQUIRED_FIELD,
	MG_LINT_ADDING_FIELD_WITH_DEFAULT,
	MG_LINT_CHANGING_COLUMN_TYPE,
	MG_LINT_CONSTRAINT_MISSING_NOT_VALID,
	MG_LINT_ADDING_FOREIGN_KEY_CONSTRAINT,
	MG_LINT_DISALLOWED_UNIQUE_CONSTRAINT,
	MG_LINT_ADDING_PRIMARY_KEY,
	MG_LINT_REQUIRE_CONCURRENT_INDEX_CREATION,
	MG_LINT_REQUIRE_CONCURRENT_INDEX_DELETION,
	MG_LINT_CONCURRENT_INDEX_IN_TRANSACTION,
	MG_LINT_RENAMING_COLUMN,
	MG_LINT_RENAMING_TABLE,
	MG_LINT_BAN_DROP_COLUMN,
	MG_LINT_BAN_DROP_TABLE,
	MG_LINT_BAN_DROP_DATABASE,
	MG_LINT_ADDING_NOT_NULLABLE_FIELD,
	MG_LINT_PREFER_BIGINT_OVER_INT,
	MG_LINT_PREFER_IDENTITY,
	MG_LINT_BAN_CHAR_FIELD,
	MG_LINT_TRANSACTION_NESTING,
	MG_LINT_REQUIRE_LOCK_TIMEOUT,
	MG_LINT_SQLITE_TABLE_REBUILD,
	MG_LINT_UNKNOWN_RULE,
	MG_LINT_COUNT
} MgLintRule;

typedef struct MgLintRuleInfo
{
	const char *name;
	const char *what;			/* one line: why it is dangerous */
	const char *instead;		/* the safe alternative */
	bool		postgres;		/* checked on PostgreSQL */
	bool		sqlite;			/* checked on SQLite */
} MgLintRuleInfo;

extern const MgLintRuleInfo mg_lint_rules[MG_LINT_COUNT];

/* The rule named name, or -1. */
int			mg_lint_rule_find(const char *name);

typedef struct MgLintFinding
{
	char	   *revision;
	int			line;			/* file line of the statement */
	MgLintRule	rule;
	char	   *message;		/* what + the statement's specifics + instead */
} MgLintFinding;

typedef struct MgLint
{
	MgLintFinding *items;
	int			count;
	int			cap;
} MgLint;

/*
 * The section being linted: its body, the file line of its first line,
 * and the revision's id.
 */
typedef struct MgLintSection
{
	const char *revision;
	const char *body;
	int			body_line;
} MgLintSection;

/*
 * Report rule for the statement starting at byte off of the body, with
 * detail (may be NULL) naming the object; nothing when the line before
 * the statement's first line silences the rule.
 */
void		mg_lint_add(MgLint *l, const MgLintSection *sec, size_t off,
						MgLintRule rule, const char *detail);

/*
 * The lint-ignore lines of the section naming no known rule, reported as
 * unknown-lint-rule findings (a typo must not look like a silenced rule).
 */
void		mg_lint_check_ignores(MgLint *l, const MgLintSection *sec);

/* In file line order (findings of one line in the order they were found). */
void		mg_lint_sort(MgLint *l);

void		mg_lint_free(MgLint *l);

#endif							/* MG_LINT_H */
