/*
 * test_samples.c — the example revisions shipped in migrations/versions
 * (used by the README and scripts/demo) go through the whole shared core:
 * every file parses, is named after its revision id, has an upgrade for
 * both dialects, and the files form a graph that plans from base to heads.
 * Run from the repository root (as `make unittest` does).
 */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#define SAMPLES_DIR "migrations/versions"

static void
close_dir(void *p)
{
	closedir(p);
}

/* Whole file as a string freed after the case; fails the case on error. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	CHECK_MSG(f != NULL, "cannot open %s", path);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
	{
		fclose(f);
		t_fail(__FILE__, __LINE__, "cannot read %s", path);
	}
	buf = t_alloc((size_t) n + 1);
	if (fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		fclose(f);
		t_fail(__FILE__, __LINE__, "short read on %s", path);
	}
	fclose(f);
	*len = (size_t) n;
	return buf;
}

TEST(sample_revisions_parse_and_plan)
{
	DIR		   *dir = opendir(SAMPLES_DIR);
	struct dirent *de;
	MgGraph    *g = t_new_graph(16);
	MgError    *err = t_alloc(sizeof(MgError));
	MgPlan	   *plan;
	uint8_t    *none;
	MgIntList  *heads;
	int			files = 0;
	MgStatus	st;

	CHECK_MSG(dir != NULL, "cannot open %s (run from the repository root)", SAMPLES_DIR);
	t_defer(close_dir, dir);
	while ((de = readdir(dir)) != NULL)
	{
		size_t		nlen = strlen(de->d_name),
					len;
		const char *path;
		char	   *text;
		MgRevFile  *rf;

		if (nlen < 5 || strcmp(de->d_name + nlen - 4, ".sql") != 0)
			continue;
		path = t_printf("%s/%s", SAMPLES_DIR, de->d_name);
		text = slurp(path, &len);
		rf = t_parse_len(text, len);
		files++;
		CHECK_MSG(strncmp(de->d_name, rf->id, strlen(rf->id)) == 0 &&
				  de->d_name[strlen(rf->id)] == '_',
				  "%s: file name does not start with \"%s_\"", path, rf->id);
		t_select(rf, MG_DIALECT_POSTGRESQL);
		t_select(rf, MG_DIALECT_SQLITE);
		mg_graph_add(g, rf->id,
					 (const char *const *) rf->revises.items, rf->revises.count,
					 (const char *const *) rf->depends.items, rf->depends.count,
					 (const char *const *) rf->branch.items, rf->branch.count);
	}
	CHECK(files >= 2);
	CHECK_INT(g->n, files);
	st = mg_graph_build(g, err);
	CHECK_STATUS(st, MG_OK, err);

	heads = t_keep(mg_graph_heads(g));
	CHECK_INT(heads->count, 1);
	none = t_alloc((size_t) g->n);
	plan = t_plan(g, "heads", UP, none, false);
	CHECK_INT(plan->steps.count, files);
	CHECK_CLOSED(g, plan->after);
	CHECK_STR(t_vset(g, plan->after), t_ids(g, heads));
	t_note("samples: %d revisions, upgrade order %s", files, t_ids(g, &plan->steps));
}

const TestCase samples_cases[] = {
	TC(sample_revisions_parse_and_plan),
	TC_END
};
