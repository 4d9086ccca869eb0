/*
 * model.c — reading the declarative model (model.h).
 */
#include "model.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The *.sql files of a directory, in name order, as paths. */
static int
list_sql(const char *dir, MgStrList *out)
{
	DIR		   *d = opendir(dir);
	MgStrList	names = {0};

	if (d == NULL)
		return fail(EXIT_USAGE, "cannot read the model directory \"%s\": %s", dir, strerror(errno));
	list_sql_names(d, &names);
	closedir(d);
	for (int i = 0; i < names.count; i++)
	{
		char	   *path = join_path(dir, names.items[i]);
		struct stat st;

		/* as in versions/ (revdir.c): a FIFO would block the read for ever */
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return fail(EXIT_USAGE, "cannot read the model \"%s\": it is %s, not a regular file",
						path, mg_file_kind(st.st_mode));
		mg_strlist_add(out, path);
	}
	if (out->count == 0)
		return fail(EXIT_USAGE, "the model directory \"%s\" has no *.sql file", dir);
	return EXIT_OK;
}

static int
append_file(MgBuf *text, const char *path)
{
	FILE	   *f = fopen(path, "rb");
	char		chunk[65536];
	size_t		n;

	if (f == NULL)
		return fail(EXIT_USAGE, "cannot read the model \"%s\": %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
	{
		if (memchr(chunk, '\0', n))
		{
			fclose(f);
			return fail(EXIT_USAGE, "the model \"%s\" is not a text file", path);
		}
		mg_buf_append(text, chunk, n);
	}
	fclose(f);
	if (text->len > 0 && text->data[text->len - 1] != '\n')
		mg_buf_puts(text, "\n");
	return EXIT_OK;
}

static int
count_lines(const char *s, size_t len)
{
	int			n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/*
 * pg_dump (15.14 and later) writes psql's \restrict and \unrestrict
 * around a dump; they are not SQL.  Blank them, keeping the lines.
 */
void
model_strip_psql(char *text)
{
	for (char *p = text; p && *p;)
	{
		char	   *end = strchr(p, '\n');

		if (strncmp(p, "\\restrict ", 10) == 0 || strncmp(p, "\\unrestrict ", 12) == 0)
			memset(p, ' ', end ? (size_t) (end - p) : strlen(p));
		p = end ? end + 1 : NULL;
	}
}

int
model_read(const char *path, Model *m, bool *found)
{
	MgBuf		text;
	struct stat st;
	char	   *where;
	int			rc;

	memset(m, 0, sizeof(*m));
	*found = false;
	if (path == NULL)
	{
		/* SQLite: migrations/schema.sqlite.sql when there is one */
		where = join_path(opt.dir, "schema.sqlite.sql");
		if (opt.url == NULL || db_ops_for(opt.url)->dialect != MG_DIALECT_SQLITE ||
			stat(where, &st) != 0)
			where = join_path(opt.dir, "schema.sql");
		if (stat(where, &st) != 0)
			return EXIT_OK;
	}
	else
	{
		where = mg_strdup(path);
		if (stat(where, &st) != 0)
			return fail(EXIT_USAGE, "cannot read the model \"%s\": %s", where, strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
	{
		if ((rc = list_sql(where, &m->files)) != EXIT_OK)
			return rc;
	}
	else
		mg_strlist_add(&m->files, where);
	m->first_line = mg_alloc0(sizeof(int) * (size_t) (m->files.count + 1));
	mg_buf_init(&text);
	for (int i = 0; i < m->files.count; i++)
	{
		m->first_line[i] = count_lines(text.data, text.len) + 1;
		if ((rc = append_file(&text, m->files.items[i])) != EXIT_OK)
			return rc;
	}
	m->text = text.data;
	model_strip_psql(m->text);
	*found = true;
	return EXIT_OK;
}

char *
model_map(const Model *m, const char *msg)
{
	MgBuf		b;
	const char *p;
	long		line;
	int			f = 0;

	if (m == NULL || strncmp(msg, "desired:", 8) != 0)
		return mg_strdup(msg);
	line = strtol(msg + 8, (char **) &p, 10);
	if (p == msg + 8 || *p != ':' || line < 1)
		return mg_strdup(msg);
	while (f + 1 < m->files.count && m->first_line[f + 1] <= line)
		f++;
	mg_buf_init(&b);
	mg_buf_printf(&b, "%s:%ld:%s", m->files.items[f], line - m->first_line[f] + 1, p + 1);
	return b.data;
}
