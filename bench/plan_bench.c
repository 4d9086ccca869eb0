/*
 * plan_bench.c — time the shared core's graph code (src/common) on a
 * synthetic revision graph written by `bench/gen.py graph N DIR`.
 *
 *   plan_bench GRAPH_TXT [REPS]
 *
 * Reads DIR/graph.txt (one revision a line: id, parents, depends, labels,
 * tab-separated, comma-separated lists, "-" for none), then REPS times
 * (default 3): builds the graph (mg_graph_init + mg_graph_add for every
 * revision + mg_graph_build) and plans `heads` from base (mg_plan), checking
 * that the plan has every revision.  Reading the file is not timed.
 * Prints one line per repetition:
 *
 *   plan n=<revisions> heads=<h> build_ms=<b> plan_ms=<p> total_ms=<b+p>
 *
 * Built by bench/run from the C files of src/common plus src/cli/hooks.c
 * (-lcrypto), like the unit tests.
 */
#define _POSIX_C_SOURCE 200809L

#include "graph.h"
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Rev
{
	char	   *id;
	char	  **par;
	int			npar;
	char	  **dep;
	int			ndep;
	char	  **lab;
	int			nlab;
} Rev;

static void *
xmalloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (p == NULL)
	{
		fprintf(stderr, "plan_bench: out of memory\n");
		exit(2);
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	char	   *p = xmalloc(strlen(s) + 1);

	strcpy(p, s);
	return p;
}

/* Split a comma-separated field ("-" = empty) into a fresh array. */
static char **
split(const char *field, int *count)
{
	char	  **out;
	char	   *copy,
			   *tok,
			   *save = NULL;
	int			n = 1;

	*count = 0;
	if (strcmp(field, "-") == 0)
		return NULL;
	for (const char *c = field; *c; c++)
		n += *c == ',';
	out = xmalloc(sizeof(char *) * (size_t) n);
	copy = xstrdup(field);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		out[(*count)++] = xstrdup(tok);
	free(copy);
	return out;
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	char	   *line = NULL;
	size_t		linecap = 0;
	Rev		   *revs = NULL;
	int			n = 0,
				cap = 0,
				reps = 3;

	if (argc < 2 || argc > 3)
	{
		fprintf(stderr, "usage: plan_bench GRAPH_TXT [REPS]\n");
		return 2;
	}
	if (argc == 3)
		reps = atoi(argv[2]);
	if ((f = fopen(argv[1], "r")) == NULL)
	{
		perror(argv[1]);
		return 2;
	}
	while (getline(&line, &linecap, f) > 0)
	{
		char	   *fields[4],
				   *save = NULL;
		int			k = 0;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		for (char *tok = strtok_r(line, "\t", &save); tok && k < 4;
			 tok = strtok_r(NULL, "\t", &save))
			fields[k++] = tok;
		if (k != 4)
		{
			fprintf(stderr, "plan_bench: %s:%d: expected 4 fields\n", argv[1], n + 1);
			return 2;
		}
		if (n == cap)
		{
			cap = cap ? cap * 2 : 1024;
			revs = realloc(revs, sizeof(Rev) * (size_t) cap);
			if (revs == NULL)
				return 2;
		}
		revs[n].id = xstrdup(fields[0]);
		revs[n].par = split(fields[1], &revs[n].npar);
		revs[n].dep = split(fields[2], &revs[n].ndep);
		revs[n].lab = split(fields[3], &revs[n].nlab);
		n++;
	}
	fclose(f);
	free(line);

	for (int r = 0; r < reps; r++)
	{
		MgGraph		g;
		MgPlan		plan;
		MgError		err;
		MgIntList	heads;
		uint8_t    *none = calloc((size_t) n + 1, 1);
		double		t0,
					t1,
					t2;

		t0 = now_ms();
		mg_graph_init(&g, n);
		for (int i = 0; i < n; i++)
			mg_graph_add(&g, revs[i].id,
						 (const char *const *) revs[i].par, revs[i].npar,
						 (const char *const *) revs[i].dep, revs[i].ndep,
						 (const char *const *) revs[i].lab, revs[i].nlab);
		if (mg_graph_build(&g, &err) != MG_OK)
		{
			fprintf(stderr, "plan_bench: graph: %s\n", err.message);
			return 1;
		}
		t1 = now_ms();
		if (mg_plan(&g, "heads", MG_OP_UPGRADE, none, false, &plan, &err) != MG_OK)
		{
			fprintf(stderr, "plan_bench: plan: %s\n", err.message);
			return 1;
		}
		t2 = now_ms();
		if (plan.steps.count != n)
		{
			fprintf(stderr, "plan_bench: plan has %d steps, expected %d\n",
					plan.steps.count, n);
			return 1;
		}
		heads = mg_graph_heads(&g);
		printf("plan n=%d heads=%d build_ms=%.3f plan_ms=%.3f total_ms=%.3f\n",
			   n, heads.count, t1 - t0, t2 - t1, t2 - t0);
		fflush(stdout);
		mg_intlist_free(&heads);
		mg_plan_free(&plan);
		mg_graph_free(&g);
		free(none);
	}
	return 0;
}
