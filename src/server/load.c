/*
 * load.c — migrate.load(directory): read every *.sql revision file of a
 * server-side directory (its versions/ subdirectory when there is one)
 * and add them all, or none.  Reading server files needs superuser or
 * pg_read_server_files, as pg_read_file() does.  Which entries are
 * revision files is revdir.c's rule: other names are skipped, and a
 * "*.sql" entry that is not a regular file (a FIFO, a directory) is an
 * error naming it (42809).
 */
#include "migrate.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/pg_authid.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(migrate_load);

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static bool
is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void
not_regular(const char *path, mode_t mode)
{
	ereport(ERROR,
			(errcode(ERRCODE_WRONG_OBJECT_TYPE),
			 errmsg("revision file \"%s\" is not a regular file", path),
			 errdetail("It is %s; load() reads only regular files whose names end in \".sql\".",
					   mg_file_kind(mode)),
			 errhint("Remove it from the directory, or rename it so that its name does not end in \".sql\".")));
}

/*
 * The text of one revision file.  Only a regular file is read (revdir.c):
 * anything else is refused, naming it, before it is opened, and the open
 * itself does not wait (O_NONBLOCK), so a FIFO put there after the check
 * is refused too instead of blocking the backend where no cancel reaches
 * it.  Interrupts are checked between reads.
 */
static char *
read_whole_file(const char *path)
{
	struct stat st;
	int			fd;
	StringInfoData buf;
	char		chunk[8192];
	ssize_t		n;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		not_regular(path, st.st_mode);
	fd = OpenTransientFile(path, O_RDONLY | PG_BINARY | O_NONBLOCK);
	if (fd < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open revision file \"%s\": %m", path)));
	if (fstat(fd, &st) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat revision file \"%s\": %m", path)));
	if (!S_ISREG(st.st_mode))
		not_regular(path, st.st_mode);
	initStringInfo(&buf);
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not read revision file \"%s\": %m", path)));
		if (n == 0)
			break;
		appendBinaryStringInfo(&buf, chunk, (int) n);
	}
	CloseTransientFile(fd);
	if (memchr(buf.data, '\0', buf.len))
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("revision file \"%s\" contains a NUL byte", path)));
	return buf.data;
}

Datum
migrate_load(PG_FUNCTION_ARGS)
{
	char	   *dir = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *versions = psprintf("%s/versions", dir);
	const char *path;
	DIR		   *d;
	struct dirent *de;
	char	  **names = NULL;
	int			n = 0,
				cap = 0;
	char	  **texts;

	if (!superuser() && !has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to read revision files on the server"),
				 errdetail("Only superusers and roles with privileges of pg_read_server_files can use migrate.load()."),
				 errhint("Use migrate.add_revisions() with the files' contents, or the migrate program.")));
	migrate_begin_change();

	path = is_directory(versions) ? versions : dir;
	d = AllocateDir(path);
	if (d == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open directory \"%s\": %m", path)));
	while ((de = ReadDir(d, path)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (!mg_revision_file_name(de->d_name))
			continue;
		if (n == cap)
		{
			cap = cap ? cap * 2 : 64;
			names = names ? repalloc(names, sizeof(char *) * cap)
				: palloc(sizeof(char *) * cap);
		}
		names[n++] = pstrdup(de->d_name);
	}
	FreeDir(d);
	if (n > 0)
		qsort(names, n, sizeof(char *), cmp_names);

	texts = palloc(sizeof(char *) * (n + 1));
	for (int i = 0; i < n; i++)
		texts[i] = read_whole_file(psprintf("%s/%s", path, names[i]));

	PG_RETURN_INT32(store_files(n, texts, names, false));
}
