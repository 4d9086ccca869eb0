/*
 * syntax.h — how a hint names a command: in the program's syntax when the
 * program asked (the server reads the migrate.caller setting the program
 * sets at connect), in SQL otherwise.  One table, so a hint raised by the
 * shared core reads right on every path.
 */
#ifndef MG_SYNTAX_H
#define MG_SYNTAX_H

#include "mg_base.h"

typedef enum MgCommand
{
	MG_CMD_UPGRADE,				/* upgrade to ARG */
	MG_CMD_DOWNGRADE,			/* downgrade to ARG */
	MG_CMD_STAMP,				/* stamp ARG */
	MG_CMD_STAMP_PURGE,			/* stamp ARG, purging the version set */
	MG_CMD_PUSH,				/* load the revision files into the catalog */
	MG_CMD_REPAIR,				/* accept the checksums of applied revisions */
	MG_CMD_VALIDATE				/* list the problems */
} MgCommand;

/* Per-side hook: true when the caller is the migrate program. */
extern bool mg_caller_is_program(void);

/*
 * The command, quoted, in the caller's syntax, e.g. "migrate stamp X
 * --purge" or "SELECT migrate.stamp('X', purge => true)".  ARG may be
 * NULL where the command takes none.  The result lives in one of a few
 * static buffers, enough for the arguments of one hint.
 */
const char *mg_command(MgCommand cmd, const char *arg);

#endif							/* MG_SYNTAX_H */
