/*
 * problems.c — what is wrong with a database's state (problems.h).
 */
#include "problems.h"

#include <string.h>

static void
add_problem(MgProblems *p, const char *revision, char *problem)
{
	if (p->count == p->cap)
	{
		p->cap = p->cap ? p->cap * 2 : 8;
		p->items = mg_realloc(p->items, sizeof(MgProblem) * (size_t) p->cap);
	}
	p->items[p->count].revision = mg_strdup(revision);
	p->items[p->count].problem = problem;
	p->count++;
}

static bool
listed(const char *const *versions, int nversions, const char *id)
{
	for (int i = 0; i < nversions; i++)
		if (strcmp(versions[i], id) == 0)
			return true;
	return false;
}

MgProblems
mg_state_problems(const MgGraph *g, const uint8_t *applied,
				  const char *const *checksum, const char *const *where,
				  const char *const *versions, int nversions,
				  const MgAppliedWith *hist, int nhist,
				  const MgPartial *partial, int npartial, MgKnownBy known_by)
{
	bool		files = known_by == MG_KNOWN_BY_FILES;
	MgProblems	p = {0};

	for (int i = 0; i < nversions; i++)
		if (mg_graph_find(g, versions[i]) < 0)
			add_problem(&p, versions[i], mg_strdup(files
												   ? "missing: the database is at this revision, but there is no file for it"
												   : "missing: the version set names it, but the catalog has no such revision"));
	for (int i = 0; i < nhist; i++)
	{
		const MgAppliedWith *h = &hist[i];
		int			node = mg_graph_find(g, h->revision);
		MgBuf		b;

		if (node < 0)
		{
			/* a version row naming it has already said it is missing */
			if (!listed(versions, nversions, h->revision))
				add_problem(&p, h->revision, mg_strdup(files
													   ? "missing: applied, but there is no file for it"
													   : "missing: applied, but no longer in the catalog"));
			continue;
		}
		if (!applied[node] || h->checksum == NULL || strcmp(h->checksum, checksum[node]) == 0)
			continue;
		mg_buf_init(&b);
		mg_buf_printf(&b, "checksum changed: applied with %s, now %s", h->checksum, checksum[node]);
		if (where && where[node])
			mg_buf_printf(&b, " (%s)", where[node]);
		add_problem(&p, h->revision, b.data);
	}
	for (int i = 0; i < npartial; i++)
		add_problem(&p, partial[i].revision, mg_partial_problem(&partial[i]));
	return p;
}

char *
mg_partial_problem(const MgPartial *p)
{
	MgBuf		b;

	mg_buf_init(&b);
	mg_buf_printf(&b, "partially %s: revision %s, statement %d of %d done; run the %s again to resume it",
				  p->downgrade ? "downgraded" : "applied", p->revision, p->done, p->total,
				  p->downgrade ? "downgrade" : "upgrade");
	return b.data;
}

void
mg_problems_free(MgProblems *p)
{
	for (int i = 0; i < p->count; i++)
	{
		mg_free(p->items[i].revision);
		mg_free(p->items[i].problem);
	}
	mg_free(p->items);
	memset(p, 0, sizeof(*p));
}
