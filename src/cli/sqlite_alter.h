/*
 * sqlite_alter.h — PostgreSQL's ALTER TABLE forms, read from a revision
 * that runs on SQLite: parsed into actions, sorted into what SQLite runs
 * itself and what needs a table rebuild, and applied to a table model
 * (sqlite_table.h) for the rebuild.
 */
#ifndef MIGRATE_SQLITE_ALTER_H
#define MIGRATE_SQLITE_ALTER_H

#include "sqlite_table.h"

typedef enum SqAltKind
{
	SQA_ADD_COLUMN,
	SQA_DROP_COLUMN,
	SQA_RENAME_COLUMN,
	SQA_RENAME_TABLE,
	SQA_RENAME_CONSTRAINT,
	SQA_TYPE,
	SQA_SET_NOT_NULL,
	SQA_DROP_NOT_NULL,
	SQA_SET_DEFAULT,
	SQA_DROP_DEFAULT,
	SQA_ADD_CONSTRAINT,
	SQA_DROP_CONSTRAINT,
	SQA_ADD_IDENTITY,			/* SQLite: AUTOINCREMENT on the INTEGER PRIMARY KEY */
	SQA_DROP_IDENTITY
} SqAltKind;

typedef struct SqAltAction
{
	SqAltKind	kind;
	char	   *column;			/* the column (or constraint) acted on */
	char	   *text;			/* column def, type, default, constraint def, new name */
	char	   *using_expr;		/* TYPE … USING */
	char	   *collate;		/* TYPE … COLLATE */
	bool		if_exists;		/* IF [NOT] EXISTS */
	size_t		start;			/* offset of the action in the section */
} SqAltAction;

typedef struct SqAlter
{
	char	   *table;
	bool		if_exists;
	SqAltAction *acts;
	int			nacts;
} SqAlter;

/*
 * Parse the statement [start, end) of s.  Returns 1 for an ALTER TABLE
 * (into out), 0 for any other statement, -1 for an ALTER TABLE it cannot
 * run on SQLite: err says what, *erroff where.
 */
int			sq_alter_parse(const char *s, size_t start, size_t end, SqAlter *out,
						   char *err, size_t errlen, size_t *erroff);

/* What the rewriter knows of the table beyond its CREATE TABLE. */
typedef struct SqTableInfo
{
	SqTable		table;
	char	  **index_names;	/* its indexes with SQL (not automatic ones) */
	char	  **index_sql;
	int			nindexes;
	bool	   *index_dropped;	/* a rebuild leaves it out (a dropped column) */
} SqTableInfo;

/*
 * Does SQLite run this action itself?  (ADD COLUMN within SQLite's limits,
 * DROP COLUMN of a column nothing of the table uses, the renames.)
 */
bool		sq_alter_native(const SqTableInfo *ti, const SqAltAction *a);

/* The action as one SQLite statement (when native), else NULL. */
char	   *sq_alter_native_sql(const SqTableInfo *ti, const SqAltAction *a);

/*
 * Apply one action to ti->table for a rebuild.  Returns false with err set
 * (PostgreSQL's message where there is one) when the action cannot apply.
 */
bool		sq_alter_apply(SqTableInfo *ti, const SqAltAction *a, char *err, size_t errlen);

/*
 * The name PostgreSQL would give an unnamed constraint (c: its column for
 * a column constraint, else NULL): t_pkey, t_a_key, t_a_b_key, t_a_fkey,
 * t_a_check (a CHECK, column or table one, that uses column a alone; one
 * using several columns or none is t_check).  NULL for the kinds without
 * one.  DROP CONSTRAINT and the schema reader both use it.
 */
char	   *sq_default_con_name(const SqTable *t, const SqColumn *c, const SqConstraint *k);

#endif							/* MIGRATE_SQLITE_ALTER_H */
