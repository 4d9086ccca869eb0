/*
 * schema_diff_int.h — the differ's working state, shared by schema_diff.c
 * (matching, closure, order) and schema_diff_names.c (renames and
 * rename hints).
 */
#ifndef MG_SCHEMA_DIFF_INT_H
#define MG_SCHEMA_DIFF_INT_H

#include "schema_model.h"

enum
{
	S_NONE, S_DROP, S_REPLACE, S_CREATE
};

#define F_RETYPED	1			/* column: ALTER TYPE planned */
#define F_DEFAULT	2			/* column: DROP/SET DEFAULT planned */

typedef struct Side
{
	MgSchemaModel *m;
	char	   *state;
	int		   *other;			/* matching object on the other side, -1 */
	MgIntList  *deps;			/* resolved dependencies */
	MgIntList  *rdeps;			/* dependants */
	MgChangeList *changes;		/* per object, besides DROP / CREATE */
	int		   *order;			/* a dependency order (dependencies first) */
} Side;

typedef struct Diff
{
	Side		f;
	Side		t;
	char	   *flags;			/* per 'from' object */
	MgIntList	work;			/* closure worklist: from index * 2 + generic */
	MgChangeList hints;
	MgChangeList renames;
	MgError    *err;
	MgStatus	status;
} Diff;

bool		mg_diff_streq(const char *a, const char *b);
const char *mg_diff_nz(const char *s);
void		mg_diff_push(MgChangeList *l, MgChangeOp op, const MgObject *from,
						 const MgObject *to, const char *text);

/* schema_diff_names.c */
MgStatus	mg_diff_rename(Diff *d, const char *entry);
void		mg_diff_hints(Diff *d);

#endif							/* MG_SCHEMA_DIFF_INT_H */
