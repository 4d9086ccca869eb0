/*
 * errcodes.c — the one table of error kinds: SQLSTATE and exit status.
 */
#include "mg_defs.h"

#include <string.h>

typedef struct MgErrKind
{
	MgStatus	status;
	const char *sqlstate;
	int			exit_status;
} MgErrKind;

static const MgErrKind kinds[] = {
	{MG_OK, "00000", MG_EXIT_OK},
	{MG_ERR_SYNTAX, "22P02", MG_EXIT_USAGE},	/* invalid_text_representation */
	{MG_ERR_GRAPH, "42P17", MG_EXIT_USAGE}, /* invalid_object_definition */
	{MG_ERR_DUPLICATE, "42710", MG_EXIT_USAGE}, /* duplicate_object */
	{MG_ERR_TARGET, "22023", MG_EXIT_USAGE},	/* invalid_parameter_value */
	{MG_ERR_NOT_FOUND, "42704", MG_EXIT_USAGE}, /* undefined_object */
	{MG_ERR_AMBIGUOUS, "42P08", MG_EXIT_USAGE}, /* ambiguous_parameter */
	{MG_ERR_STATE, "55000", MG_EXIT_FAILED},	/* object_not_in_prerequisite_state */
	{MG_ERR_DIALECT, "0A000", MG_EXIT_USAGE},	/* feature_not_supported */
	{MG_ERR_CHECKSUM, "55000", MG_EXIT_FAILED},
	{MG_ERR_IRREVERSIBLE, "55000", MG_EXIT_FAILED},
	{MG_ERR_NONTRANSACTIONAL, "25001", MG_EXIT_FAILED}, /* active_sql_transaction */
	{MG_ERR_EXEC, "XX000", MG_EXIT_FAILED},
	{MG_ERR_INPUT, "22023", MG_EXIT_USAGE},
	{MG_ERR_UNREACHABLE, "08006", MG_EXIT_FAILED},	/* connection_failure */
};

static const MgErrKind *
kind_of(MgStatus status)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].status == status)
			return &kinds[i];
	return &kinds[MG_ERR_EXEC];
}

const char *
mg_status_sqlstate(MgStatus status)
{
	return kind_of(status)->sqlstate;
}

int
mg_status_exit(MgStatus status)
{
	return kind_of(status)->exit_status;
}

/* First row wins where kinds share a SQLSTATE; they share the exit too. */
MgStatus
mg_status_from_sqlstate(const char *sqlstate)
{
	if (sqlstate == NULL)
		return MG_ERR_EXEC;
	for (size_t i = 1; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].status != MG_ERR_EXEC && strcmp(kinds[i].sqlstate, sqlstate) == 0)
			return kinds[i].status;
	return MG_ERR_EXEC;
}
