/*
 * rules.c — what every executed step must satisfy, each rule once, for
 * the server, the program and the offline writer alike.
 */
#include "exec.h"
#include "mg_defs.h"
#include "syntax.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *
message_of(const MgStep *s)
{
	return s->message ? s->message : "no message";
}

char *
mg_step_what(const MgStep *s)
{
	MgBuf		b;

	mg_buf_init(&b);
	mg_buf_printf(&b, "%s of revision %s (%s)", s->downgrade ? "downgrade" : "upgrade",
				  s->id, message_of(s));
	return b.data;
}

/*
 * "revision <id> (<message>) <what>", located at the step's file, with a
 * hint; returns status.
 */
static MgStatus step_error(const MgStep *s, MgStatus status, const char *what,
							MgError *err, const char *hint_fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 5, 6)))
#endif
			;

static MgStatus
step_error(const MgStep *s, MgStatus status, const char *what, MgError *err,
		   const char *hint_fmt,...)
{
	va_list		ap;

	mg_error(err, status, s->source ? s->source : s->id, 0,
			 "revision %s (%s) %s", s->id, message_of(s), what);
	if (err)
	{
		va_start(ap, hint_fmt);
		vsnprintf(err->hint, sizeof(err->hint), hint_fmt, ap);
		va_end(ap);
	}
	return status;
}

MgStatus
mg_rule_downgradable(const MgStep *s, MgError *err)
{
	return s->has_body ? MG_OK :
		step_error(s, MG_ERR_IRREVERSIBLE, "has no downgrade section and cannot be downgraded", err,
				   "Add a \"-- migrate:downgrade\" section%s%s, or move past it without running anything with %s.",
				   s->source ? " to " : "", s->source ? s->source : "",
				   mg_command(MG_CMD_STAMP, "<target>"));
}

MgStatus
mg_rule_transactional(const MgStep *s, MgError *err)
{
	const char *verb = s->downgrade ? "downgrade" : "upgrade";

	return s->transactional ? MG_OK :
		step_error(s, MG_ERR_NONTRANSACTIONAL, "must run outside a transaction block", err,
				   "It is marked \"-- migrate:transaction false\": apply it with the migrate program (\"migrate %s\"), or %s to the revision before it first.",
				   verb, verb);
}

MgStatus
mg_rule_one_step(const MgGraph *g, const uint8_t *applied, int node,
				 bool downgrade, MgError *err)
{
	const MgNode *nd = &g->nodes[node];
	bool		ok = (applied[node] != 0) == downgrade;

	for (int k = 0; ok && !downgrade && k < nd->parents.count; k++)
		ok = applied[nd->parents.items[k]];
	for (int k = 0; ok && !downgrade && k < nd->deps.count; k++)
		ok = applied[nd->deps.items[k]];
	for (int k = 0; ok && downgrade && k < nd->children.count; k++)
		ok = !applied[nd->children.items[k]];
	for (int k = 0; ok && downgrade && k < nd->dependents.count; k++)
		ok = !applied[nd->dependents.items[k]];
	if (ok)
		return MG_OK;
	return mg_error(err, MG_ERR_STATE, nd->id, 0,
					"revision %s cannot be recorded as %s from the current state",
					nd->id, downgrade ? "a downgrade" : "an upgrade");
}

bool
mg_history_applies(const char *action, const char *checksum)
{
	if (action == NULL)
		return false;
	return strcmp(action, "upgrade") == 0 || strcmp(action, "repair") == 0 ||
		(strcmp(action, "stamp") == 0 && checksum != NULL);
}

MgStatus
mg_rule_replace_applied(const char *id, const char *where,
						const char *old_checksum, const char *new_checksum,
						bool same_structure, bool repair, MgError *err)
{
	if (!repair && strcmp(old_checksum ? old_checksum : "", new_checksum) != 0)
	{
		mg_error(err, MG_ERR_CHECKSUM, id, 0,
				 "revision %s was applied with checksum %s but now has checksum %s",
				 id, old_checksum ? old_checksum : "(none)", new_checksum);
		mg_error_hint(err, "The upgrade section of an applied revision must not change. Restore it%s%s or write a new revision for the change; to accept the edit, %s%s.",
					  where ? " in " : "", where ? where : "",
					  mg_caller_is_program() ? "run " : "add it with repair => true and run ",
					  mg_command(MG_CMD_REPAIR, NULL));
		return MG_ERR_CHECKSUM;
	}
	if (!same_structure)
		return mg_error(err, MG_ERR_STATE, id, 0,
						"revision %s is applied, so its revises and depends cannot change", id);
	return MG_OK;
}
