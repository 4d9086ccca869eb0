/*
 * errors.c — turning the shared core's error values into ereports with a
 * SQLSTATE.  The message starts with "source:line:" when the error has a
 * position in a file, the way compilers report it.
 */
#include "migrate.h"

int
mg_sqlstate(MgStatus status)
{
	switch (status)
	{
		case MG_ERR_SYNTAX:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case MG_ERR_GRAPH:
			return ERRCODE_INVALID_OBJECT_DEFINITION;
		case MG_ERR_TARGET:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case MG_ERR_NOT_FOUND:
			return ERRCODE_UNDEFINED_OBJECT;
		case MG_ERR_AMBIGUOUS:
			return ERRCODE_AMBIGUOUS_PARAMETER;
		case MG_ERR_STATE:
			return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
		case MG_ERR_DIALECT:
			return ERRCODE_FEATURE_NOT_SUPPORTED;
		default:
			return ERRCODE_INTERNAL_ERROR;
	}
}

void
mg_report(const MgError *err)
{
	if (err->line > 0)
		ereport(ERROR,
				(errcode(mg_sqlstate(err->status)),
				 errmsg("%s:%d: %s", err->source, err->line, err->message),
				 err->hint[0] ? errhint("%s", err->hint) : 0));
	ereport(ERROR,
			(errcode(mg_sqlstate(err->status)),
			 errmsg("%s", err->message),
			 err->hint[0] ? errhint("%s", err->hint) : 0));
	pg_unreachable();
}
