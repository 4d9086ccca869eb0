/*
 * sqltext.h — small facts about SQL text shared by every executor: where
 * a statement's first token is, and which file line an offset is on.
 */
#ifndef MG_SQLTEXT_H
#define MG_SQLTEXT_H

#include "mg_base.h"

/* Offset of the first token at or after off: skips blanks and comments
 * ("--" to end of line, nested block comments). */
size_t		mg_sql_skip_blank(const char *s, size_t off, size_t end);

/* The file line of byte offset off in a section body starting on
 * body_line. */
int			mg_line_at(const char *body, int body_line, size_t off);

/*
 * Would the client that runs an offline script take part of body as its
 * own command?  psql: a backslash outside quotes and comments (a
 * meta-command, "\\! cmd" runs a shell); sqlite3: a line starting with
 * "." (a dot-command, ".shell cmd").  *off: where.
 */
bool		mg_sql_client_command(const char *body, bool psql, size_t *off);

#endif							/* MG_SQLTEXT_H */
