/*
 * mg_base.h — the ground floor of the shared core (src/common).
 *
 * Everything in src/common is plain C99 that compiles both into the
 * server module and into frontend programs.  It never reports errors by
 * itself: functions return an MgStatus and fill an MgError, and each side
 * turns that into its own kind of error (ereport in the server, a message
 * and exit status in the program).
 *
 * Memory is obtained through a tiny hook that each side implements:
 * palloc in the server (so a memory-context reset frees everything), malloc
 * in frontend programs.  SHA-256 is also a per-side hook: PostgreSQL's
 * pg_cryptohash in the server, OpenSSL on the client.
 */
#ifndef MG_BASE_H
#define MG_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* the arena and the string map, exported from here as before */
#include "mg_arena.h"
#include "mg_map.h"

/* Error kinds; mg_defs.h gives each its SQLSTATE and exit status. */
typedef enum MgStatus
{
	MG_OK = 0,
	MG_ERR_SYNTAX,				/* malformed revision file */
	MG_ERR_GRAPH,				/* cycle, unknown parent, label = an id */
	MG_ERR_DUPLICATE,			/* one id, or one branch label, declared
								 * by two revisions */
	MG_ERR_TARGET,				/* malformed target or range text */
	MG_ERR_NOT_FOUND,			/* target names no revision */
	MG_ERR_AMBIGUOUS,			/* prefix, several heads, branch point */
	MG_ERR_STATE,				/* target not valid from the current state */
	MG_ERR_DIALECT,				/* no section for the database's dialect */
	MG_ERR_CHECKSUM,			/* an applied revision was edited */
	MG_ERR_IRREVERSIBLE,		/* a downgrade step has no downgrade section */
	MG_ERR_NONTRANSACTIONAL,	/* a transaction-false step inside a
								 * transaction */
	MG_ERR_EXEC,				/* a revision's statement failed */
	MG_ERR_INPUT,				/* other bad input: a file, an argument */
	MG_ERR_UNREACHABLE			/* the database cannot be reached */
} MgStatus;

#define MG_ERRMSG_LEN 1024

typedef struct MgError
{
	MgStatus	status;
	int			line;			/* 1-based line in source, 0 if none */
	char		source[256];	/* file or revision the error is about */
	char		message[MG_ERRMSG_LEN];
	char		hint[256];		/* optional, a full sentence */
} MgError;

/* Fill *err (if not NULL) and return its status. */
MgStatus	mg_error(MgError *err, MgStatus status, const char *source,
					 int line, const char *fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 5, 6)))
#endif
			;
void		mg_error_hint(MgError *err, const char *fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 2, 3)))
#endif
			;
void		mg_error_clear(MgError *err);

/* Per-side hooks (src/server/mg_hooks.c, src/cli/hooks.c). */
extern void *mg_alloc(size_t size);		/* never returns NULL */
extern void *mg_realloc(void *ptr, size_t size);
extern void mg_free(void *ptr);
extern void mg_sha256_hex(const void *data, size_t len, char out[65]);
extern void mg_random_bytes(void *buf, size_t len);	/* strong; never fails */

/*
 * MG_CHECK_INTERRUPTS(): called in every loop whose length the input
 * decides (the lines of a file, the items of a header list, the revisions
 * of a graph walk, the steps of a plan, the objects of a schema model),
 * and between the phases of a graph build whose inner loops are a few
 * instructions per node.  The hook is each side's (src/server/hooks.c,
 * src/cli/hooks.c): CHECK_FOR_INTERRUPTS() in the server, so that a
 * cancel, statement_timeout or terminate is honoured however large the
 * input; none in the program, where SIGINT and SIGTERM keep their default
 * action and end it in any loop.  The hook may not return (the server's
 * error unwinds through the caller, whose memory is the aborted context's),
 * so the core calls it only where nothing is half-made that the caller
 * would have to free by hand.
 */
extern void (*mg_interrupt_hook)(void);
#define MG_CHECK_INTERRUPTS() \
	do { \
		if (mg_interrupt_hook) \
			mg_interrupt_hook(); \
	} while (0)

/* Small helpers built on the hooks (mg_base.c). */
char	   *mg_strdup(const char *s);
char	   *mg_strndup(const char *s, size_t n);
void	   *mg_alloc0(size_t size);

/* A growable byte buffer, NUL-terminated at all times. */
typedef struct MgBuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} MgBuf;

void		mg_buf_init(MgBuf *b);
void		mg_buf_append(MgBuf *b, const char *s, size_t n);
void		mg_buf_puts(MgBuf *b, const char *s);
void		mg_buf_printf(MgBuf *b, const char *fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 2, 3)))
#endif
			;
void		mg_buf_free(MgBuf *b);

/* Lists of strings and of node numbers. */
typedef struct MgStrList
{
	char	  **items;
	int			count;
} MgStrList;

typedef struct MgIntList
{
	int		   *items;
	int			count;
	int			cap;
} MgIntList;

void		mg_strlist_add(MgStrList *l, const char *s);	/* copies s */
bool		mg_strlist_contains(const MgStrList *l, const char *s);
/* "a,b": the items joined by commas, as the catalogs store lists */
char	   *mg_strlist_join(const MgStrList *l);
/* s between two q, every q inside doubled ('it''s', "a""b") */
char	   *mg_quoted(const char *s, char q);
void		mg_strlist_free(MgStrList *l);
void		mg_intlist_add(MgIntList *l, int v);
void		mg_intlist_free(MgIntList *l);

#endif							/* MG_BASE_H */
