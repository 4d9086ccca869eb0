/*
 * syntax.c — commands named in hints, in the caller's syntax (syntax.h).
 */
#include "syntax.h"

#include <stdio.h>

typedef struct MgCommandSyntax
{
	MgCommand	cmd;
	const char *program;		/* %s: the argument */
	const char *sql;			/* %s: the argument, as a literal's body */
	const char *program_noarg;	/* without an argument (NULL: the same) */
	const char *sql_noarg;
} MgCommandSyntax;

static const MgCommandSyntax syntaxes[] = {
	{MG_CMD_UPGRADE, "\"migrate upgrade %s\"", "SELECT migrate.upgrade('%s')",
	"\"migrate upgrade\"", "SELECT migrate.upgrade()"},
	{MG_CMD_DOWNGRADE, "\"migrate downgrade %s\"", "SELECT migrate.downgrade('%s')",
	"\"migrate downgrade\"", "SELECT migrate.downgrade()"},
	{MG_CMD_STAMP, "\"migrate stamp %s\"", "SELECT migrate.stamp('%s')", NULL, NULL},
	{MG_CMD_STAMP_PURGE, "\"migrate stamp %s --purge\"",
	"SELECT migrate.stamp('%s', purge => true)", NULL, NULL},
	{MG_CMD_PUSH, "\"migrate push\"", "migrate.add_revision() (or \"migrate push\" with the migrate program)", NULL, NULL},
	{MG_CMD_REPAIR, "\"migrate repair\"", "SELECT migrate.repair()", NULL, NULL},
	{MG_CMD_VALIDATE, "\"migrate check\"", "SELECT * FROM migrate.validate()", NULL, NULL},
};

#define NBUFS 4

const char *
mg_command(MgCommand cmd, const char *arg)
{
	static char bufs[NBUFS][256];
	static int	next;
	char	   *out = bufs[next];
	const MgCommandSyntax *s = &syntaxes[0];

	next = (next + 1) % NBUFS;
	for (size_t i = 0; i < sizeof(syntaxes) / sizeof(syntaxes[0]); i++)
		if (syntaxes[i].cmd == cmd)
			s = &syntaxes[i];
	/* the argument is a target or an id: never a quote, but be safe */
	for (const char *p = arg; p && *p; p++)
		if (*p == '\'' || *p == '"' || *p == '\\')
			arg = "<target>";
	if (arg == NULL && s->program_noarg)
		snprintf(out, sizeof(bufs[0]), "%s",
				 mg_caller_is_program() ? s->program_noarg : s->sql_noarg);
	else
		snprintf(out, sizeof(bufs[0]), mg_caller_is_program() ? s->program : s->sql,
				 arg ? arg : "");
	return out;
}
