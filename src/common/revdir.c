/*
 * revdir.c — which entries of a migrations directory are revision files,
 * one rule for migrate.load() (src/server/load.c) and the program's scan
 * (src/cli/repo.c).
 *
 * A revision file is an entry whose name ends in ".sql" and does not
 * start with "."; every other entry is skipped, whatever it is.  An entry
 * with such a name must be a regular file (or a symbolic link to one):
 * anything else — a FIFO, a socket, a device, a directory — is refused
 * with an error naming it, as an unreadable revision file is, and it is
 * never read (opening a FIFO for reading waits for a writer, forever).
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L	/* S_ISSOCK under -std=c99 */
#endif

#include "revfile.h"

#include <string.h>
#include <sys/stat.h>

bool
mg_revision_file_name(const char *name)
{
	size_t		len = strlen(name);

	return len > 4 && strcmp(name + len - 4, ".sql") == 0 && name[0] != '.';
}

const char *
mg_file_kind(unsigned int mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "not a regular file";
}
