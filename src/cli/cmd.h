/*
 * cmd.h — helpers shared by the command implementations.
 */
#ifndef MIGRATE_CMD_H
#define MIGRATE_CMD_H

#include "cli.h"
#include "model.h"

#include <getopt.h>

/*
 * getopt_long over the one table of command options (cmd_common.c):
 * ACCEPTED lists the option letters the command takes (see the table;
 * --help and --json go with every command).  Handles --help (returns -2,
 * *status set), --json and unknown options (-2, *status = 2).
 */
int			cmd_getopt(int argc, char **argv, const char *accepted, int *status);
int			command_help(const char *name);
/* -1: the command has no options of its own and none were given */
int			no_options(int argc, char **argv);
int			open_db(const DbOps **ops, bool write, Db **db);
int			open_both(const DbOps **ops, bool write, Db **db, Repo *repo);
int			read_versions(Repo *repo, MgStrList *versions);
/* The options of the model commands (cmd_model.c). */
typedef struct ModelOpts
{
	const char *schema;			/* --schema FILE|DIR */
	const char *schemas;		/* --schemas LIST|all */
	MgStrList	renames;		/* --rename A:B ... */
	bool		online;			/* --online */
	const char *from;			/* diff --from URL --to URL */
	const char *to;
} ModelOpts;

#define MODEL_OPTIONS "MCRO"
bool		model_option(ModelOpts *o, int c);	/* false: not one of them */
int			model_autogenerate(const ModelOpts *o, const char *message, const char *rev_id);
int			model_check(const ModelOpts *o);	/* no model: nothing to check */

int			write_revision_text(const Repo *repo, const char *id, const char *message,
								const char *text);
int			open_scanned(const DbOps **ops, bool write, Db **db, Repo *repo);

#define LINE_PARENTS	0x01
#define LINE_BRANCHES	0x02
#define LINE_TREE		0x04
#define LINE_MESSAGE	0x08
char	   *rev_line(const Repo *repo, int node, int flags, const uint8_t *current);
void		json_ids(FILE *f, const MgGraph *g, const MgIntList *l);
void		json_strs(FILE *f, const MgStrList *l);

#endif
