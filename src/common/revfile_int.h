/*
 * revfile_int.h — what the revision file sources (revfile.c, revtoken.c)
 * share and nothing else needs.
 */
#ifndef MG_REVFILE_INT_H
#define MG_REVFILE_INT_H

#include <stdbool.h>

/* Blanks of the format: within a line, so not the newline. */
static inline bool
mg_rev_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

#endif							/* MG_REVFILE_INT_H */
