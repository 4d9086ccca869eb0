/*
 * sqlite_table.h — a SQLite table as its parts: columns with their
 * constraints, table constraints and options, parsed from the CREATE
 * TABLE text SQLite stores (sqlite_schema.sql) by the tokenizer, and
 * rendered back.  The batch rewriter changes a table here and rebuilds
 * it from the rendering; the schema reader describes it from here.
 * Every part keeps its text as written, so a rendering of an unchanged
 * table says what the original said.
 */
#ifndef MIGRATE_SQLITE_TABLE_H
#define MIGRATE_SQLITE_TABLE_H

#include "mg_base.h"

#include <stdbool.h>

typedef enum SqConKind
{
	SQC_PRIMARY,				/* PRIMARY KEY */
	SQC_UNIQUE,
	SQC_CHECK,
	SQC_FOREIGN,				/* FOREIGN KEY / REFERENCES */
	SQC_NOTNULL,				/* column only */
	SQC_NULL,					/* column only: an explicit NULL */
	SQC_DEFAULT,				/* column only */
	SQC_COLLATE,				/* column only */
	SQC_GENERATED				/* column only: [GENERATED ALWAYS] AS (…) */
} SqConKind;

typedef struct SqConstraint
{
	SqConKind	kind;
	char	   *name;			/* CONSTRAINT name, or NULL */
	char	   *body;			/* as written, after CONSTRAINT name */
	MgStrList	cols;			/* a table constraint's columns (names) */
	char	   *expr;			/* CHECK / DEFAULT / GENERATED: the expression */
	char	   *ref_table;		/* FOREIGN: the parent table */
	MgStrList	ref_cols;		/* FOREIGN: the parent's columns (may be empty) */
	bool		autoinc;		/* PRIMARY KEY … AUTOINCREMENT */
	bool		stored;			/* GENERATED … STORED */
	bool		desc;			/* column PRIMARY KEY DESC */
} SqConstraint;

typedef struct SqColumn
{
	char	   *name;
	char	   *type;			/* as written; "" when none */
	SqConstraint *cons;
	int			ncons;
	/* a rebuild's copy: from the old table's column src (NULL: not copied) */
	char	   *src;
	char	   *expr;			/* … or this expression over the old row */
} SqColumn;

typedef struct SqTable
{
	char	   *name;
	SqColumn   *cols;
	int			ncols;
	SqConstraint *cons;			/* table constraints */
	int			ncons;
	bool		without_rowid;
	bool		strict;
} SqTable;

/*
 * Parse CREATE TABLE text.  Returns false with a message in err (what,
 * and the text near it) when it is not a CREATE TABLE this reader knows.
 */
bool		sq_table_parse(const char *sql, SqTable *t, char *err, size_t errlen);

/* CREATE TABLE name (…) options, with the table named name. */
char	   *sq_table_render(const SqTable *t, const char *name);

/* Parse one column definition ("name type constraints…"). */
bool		sq_column_parse(const char *def, SqColumn *c, char *err, size_t errlen);

/* Parse one table constraint ("[CONSTRAINT n] PRIMARY KEY (…)" …). */
bool		sq_constraint_parse(const char *def, SqConstraint *k, char *err, size_t errlen);

/* The column named name (case-insensitive, as SQLite), or -1. */
int			sq_table_column(const SqTable *t, const char *name);

/* The column's constraint of a kind, or -1. */
int			sq_column_con(const SqColumn *c, SqConKind kind);

/* Remove constraint i of the column. */
void		sq_column_remove_con(SqColumn *c, int i);

/* Remove table constraint i. */
void		sq_table_remove_con(SqTable *t, int i);

/* Does the SQL text name the identifier (a token whose name is it)? */
bool		sq_text_mentions(const char *sql, const char *name);

/* Is the column the table's rowid alias (INTEGER PRIMARY KEY)? */
bool		sq_column_is_rowid(const SqTable *t, int col);

/* Is the column generated? */
bool		sq_column_generated(const SqColumn *c);

/* Has the table AUTOINCREMENT? */
bool		sq_table_autoinc(const SqTable *t);

#endif							/* MIGRATE_SQLITE_TABLE_H */
