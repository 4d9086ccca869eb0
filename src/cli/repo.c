/*
 * repo.c — the migrations directory: the .sql files of DIR/versions, parsed and
 * turned into a revision graph.  Every error names the file (and line,
 * where there is one).
 */
#include "cli.h"
#include "syntax.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * One file of the versions directory, read relative to the open directory
 * (no path walk per file) with one read of its size: at 10,000 files this
 * is most of what a no-op command costs.
 */
static char *
read_file(int dirfd, const char *name, size_t *len)
{
	int			fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char	   *buf;
	size_t		have = 0,
				cap;

	if (fd < 0)
		return NULL;
	cap = (fstat(fd, &st) == 0 && st.st_size > 0) ? (size_t) st.st_size + 1 : 8192;
	buf = mg_alloc(cap + 1);
	for (;;)
	{
		ssize_t		n = read(fd, buf + have, cap - have);

		if (n < 0)
		{
			int			e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			mg_free(buf);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		have += (size_t) n;
		if (have == cap)
		{
			cap *= 2;
			buf = mg_realloc(buf, cap + 1);
		}
	}
	close(fd);
	buf[have] = '\0';
	*len = have;
	return buf;
}

int
repo_find(const Repo *repo, const char *id)
{
	return mg_graph_find(&repo->graph, id);
}

int
repo_load(Repo *repo, const char *dir, MgDialect dialect)
{
	DIR		   *d;
	struct dirent *de;
	MgStrList	names = {0};
	MgMap		ids;
	MgError		err;

	memset(repo, 0, sizeof(*repo));
	repo->dir = mg_strdup(dir);
	repo->dialect = dialect;
	{
		MgBuf		b;

		mg_buf_init(&b);
		mg_buf_printf(&b, "%s/versions", dir);
		repo->versions = b.data;
	}
	d = opendir(repo->versions);
	if (d == NULL)
		return fail(EXIT_USAGE, "cannot read migrations directory \"%s\": %s%s",
					repo->versions, strerror(errno),
					errno == ENOENT ? " (run \"migrate init\" first, or pass --dir)" : "");
	while ((de = readdir(d)) != NULL)
	{
		size_t		len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".sql") == 0 && de->d_name[0] != '.')
			mg_strlist_add(&names, de->d_name);
	}
	if (names.count > 1)
		qsort(names.items, names.count, sizeof(char *), cmp_str);

	repo->revs = mg_alloc0(sizeof(RepoRev) * (names.count + 1));
	mg_map_init(&ids, (size_t) names.count);
	mg_graph_init(&repo->graph, names.count);
	for (int i = 0; i < names.count; i++)
	{
		RepoRev    *r = &repo->revs[i];
		MgBuf		path;
		size_t		len = 0;
		int			other;

		mg_buf_init(&path);
		mg_buf_printf(&path, "%s/%s", repo->versions, names.items[i]);
		r->path = path.data;
		r->file = mg_strdup(names.items[i]);
		r->text = read_file(dirfd(d), names.items[i], &len);
		if (r->text == NULL)
		{
			closedir(d);
			return fail(EXIT_USAGE, "cannot read \"%s\": %s", r->path, strerror(errno));
		}
		if (memchr(r->text, '\0', len))
			return fail(EXIT_USAGE, "%s: contains a NUL byte", r->path);
		if (mg_revfile_parse(r->text, len, r->path, &r->rf, &err) != MG_OK)
			return fail_mg(&err);
		if (dialect != MG_DIALECT_ANY &&
			mg_revfile_select(&r->rf, dialect, r->path, &r->sel, &err) != MG_OK)
			return fail_mg(&err);
		if (!mg_map_put(&ids, r->rf.id, i))
		{
			other = mg_map_get(&ids, r->rf.id);
			return fail(EXIT_USAGE, "duplicate revision id %s in %s and %s",
						r->rf.id, repo->revs[other].path, r->path);
		}
		mg_graph_add(&repo->graph, r->rf.id,
					 (const char *const *) r->rf.revises.items, r->rf.revises.count,
					 (const char *const *) r->rf.depends.items, r->rf.depends.count,
					 (const char *const *) r->rf.branch.items, r->rf.branch.count);
	}
	closedir(d);
	repo->n = names.count;
	mg_strlist_free(&names);
	if (mg_graph_build(&repo->graph, &err) != MG_OK)
	{
		/* the core names revisions; add the file of the one at fault */
		int			node = mg_graph_find(&repo->graph, err.source);

		if (node >= 0)
			return fail(EXIT_USAGE, "%s: %s", repo->revs[node].path, err.message);
		return fail_mg(&err);
	}
	return EXIT_OK;
}

int
repo_applied(const Repo *repo, const MgStrList *versions, bool ignore_unknown,
			 uint8_t *applied)
{
	const char **known = mg_alloc(sizeof(char *) * (versions->count + 1));
	int			nknown = 0;
	MgError		err;
	int			st = EXIT_OK;

	for (int i = 0; i < versions->count && st == EXIT_OK; i++)
	{
		if (repo_find(repo, versions->items[i]) >= 0)
			known[nknown++] = versions->items[i];
		else if (!ignore_unknown)
		{
			mg_error(&err, MG_ERR_STATE, versions->items[i], 0,
					 "the database is at revision %s, which is not in %s",
					 versions->items[i], repo->versions);
			mg_error_hint(&err, "Restore the revision file for %s, or reset the version with %s.",
						  versions->items[i], mg_command(MG_CMD_STAMP_PURGE, "<target>"));
			st = fail_mg(&err);
		}
	}
	if (st == EXIT_OK &&
		mg_state_from_versions(&repo->graph, known, nknown, applied, &err) != MG_OK)
		st = fail_mg(&err);
	mg_free(known);
	return st;
}

/* ---- the revision files as the executor's step source (exec.h) ---- */

MgStatus
repo_step_describe(void *ctx, int node, bool downgrade, MgStep *out,
				   MgError *err)
{
	const Repo *repo = ctx;
	const RepoRev *r = &repo->revs[node];

	out->node = node;
	out->id = r->rf.id;
	out->message = r->rf.message;
	out->source = r->file;
	out->checksum = r->sel.checksum;
	out->transactional = r->rf.transactional;
	out->downgrade = downgrade;
	out->has_body = downgrade ? r->sel.downgrade != NULL : true;
	return MG_OK;
}

MgStatus
repo_step_fetch(void *ctx, MgStep *s, MgError *err)
{
	const Repo *repo = ctx;
	const RepoRev *r = &repo->revs[s->node];
	const MgSection *sec = s->downgrade ? r->sel.downgrade : r->sel.upgrade;

	s->body = sec ? sec->body : NULL;
	s->body_line = sec ? sec->body_line : 0;
	s->script = r->text;
	return MG_OK;
}

const MgExecOps repo_source_ops = {
	true, repo_step_describe, repo_step_fetch, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL
};
