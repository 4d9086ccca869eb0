/*
 * sqlite_repair.c — migrate repair on SQLite (the extension's repair(),
 * src/server/repair.c, on the program's own tables): in one write
 * transaction, every applied revision whose file's checksum differs from
 * the one it was applied with gets a migrate_history row "repair"
 * (checksum: the new one, previous_checksum: the old one), and
 * migrate_revision takes the new text (PUSH_REPAIR).  A database without
 * the migrate tables has nothing to repair and is left as it is.
 */
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

static int
cmp_repaired(const void *a, const void *b)
{
	return strcmp(((const Repaired *) a)->id, ((const Repaired *) b)->id);
}

/* The repairs to make, from the history read in the open transaction. */
static int
find_repairs(Db *db, Repo *repo, const uint8_t *applied, Repaired *out, int *n)
{
	AppliedInfo *ai = mg_alloc0(sizeof(AppliedInfo) * (size_t) (repo->n + 1));
	MgStrList	unknown = {0};
	int			st = sq_read_applied(db, repo, applied, ai, &unknown);

	for (int i = 0; st == EXIT_OK && i < repo->n; i++)
	{
		const char *now = repo->revs[i].sel.checksum;

		if (applied[i] && ai[i].checksum && strcmp(ai[i].checksum, now) != 0)
		{
			out[*n].id = mg_strdup(repo->revs[i].rf.id);
			out[*n].old_checksum = mg_strdup(ai[i].checksum);
			out[*n].new_checksum = mg_strdup(now);
			(*n)++;
		}
	}
	for (int i = 0; i < repo->n; i++)
	{
		mg_free(ai[i].checksum);
		mg_free(ai[i].applied_at);
	}
	mg_free(ai);
	mg_strlist_free(&unknown);
	if (*n > 1)
		qsort(out, (size_t) *n, sizeof(Repaired), cmp_repaired);
	return st;
}

int
sq_repair(Db *db, Repo *repo, Repaired **out, int *n)
{
	uint8_t    *applied = NULL;
	bool		absent = false;
	History		h = {0};
	char		now[32];
	int			changed,
				st;

	*n = 0;
	*out = mg_alloc0(sizeof(Repaired) * (size_t) (repo->n + 1));
	/* an applied revision without a file is an error here, never repaired */
	if (sq_begin_change(db, repo, false, &absent, &applied) != EXIT_OK)
	{
		mg_free(applied);
		return EXIT_FAILED;
	}
	if (absent)
	{
		sq_rollback(db);
		mg_free(applied);
		return EXIT_OK;
	}
	st = find_repairs(db, repo, applied, *out, n);
	sq_iso_now(now);
	for (int i = 0; st == EXIT_OK && i < *n; i++)
	{
		const RepoRev *r = &repo->revs[repo_find(repo, (*out)[i].id)];

		sq_history_add(&h, r->rf.id, "repair", r->sel.checksum, now, 0.0);
		h.rows[h.count - 1].previous_checksum = (*out)[i].old_checksum;
	}
	if (st == EXIT_OK)
		st = sq_push_in_tx(db, repo, applied, PUSH_REPAIR, &changed);
	if (st == EXIT_OK)
		st = sq_history_write(db, &h);
	if (st == EXIT_OK)
		st = sq_commit(db);
	else
	{
		sq_rollback(db);
		*n = 0;
	}
	sq_history_free(&h);
	mg_free(applied);
	return st;
}
