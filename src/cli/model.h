/*
 * model.h — the declarative model of autogenerate (SPEC §6): the desired
 * schema as SQL, read from migrations/schema.sql (the default), a file
 * given with --schema, or a directory of *.sql files in name order.  The
 * server reports a position in it as "desired:LINE:"; model_map turns that
 * into "FILE:LINE:".
 */
#ifndef MIGRATE_MODEL_H
#define MIGRATE_MODEL_H

#include "cli.h"

typedef struct Model
{
	char	   *text;			/* every file, in order, each ending in \n */
	MgStrList	files;
	int		   *first_line;		/* line of text where files.items[i] starts */
} Model;

/*
 * Read the model at path (a file or a directory), or, with path NULL, at
 * DIR/schema.sql.  *found is false (and EXIT_OK returned) when path is
 * NULL and there is no default model; an explicit path must exist.
 */
int			model_read(const char *path, Model *m, bool *found);
/* Blank pg_dump's psql-only \restrict / \unrestrict lines in place. */
void		model_strip_psql(char *text);
/* msg with a leading "desired:LINE:" replaced by "FILE:LINE:" (new copy) */
char	   *model_map(const Model *m, const char *msg);

/* What the model operations ask of a backend (DbOps.model). */
typedef enum ModelOp
{
	MODEL_DIFF,					/* the DDL from the database to the model */
	MODEL_CHECK,				/* fail when they differ */
	MODEL_AUTOGENERATE			/* store a revision with that DDL */
} ModelOp;

typedef struct ModelCall
{
	ModelOp		op;
	const Model *model;
	const char *schemas;		/* a text[] literal; NULL: every schema */
	const char *renames;		/* a text[] literal or NULL */
	const MgStrList *rename_list;	/* the same, as a list */
	bool		online;
	const char *message;		/* autogenerate */
	const char *rev_id;			/* autogenerate, NULL: a new one */
	/* autogenerate: write each stored revision's file before it commits */
	int			(*write) (void *arg, const char *id, const char *message,
						  const char *script);
	void	   *arg;
} ModelCall;

#endif							/* MIGRATE_MODEL_H */
