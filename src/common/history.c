/*
 * history.c — history ranges of SPEC section 3: "A:B", "A:", ":B", each
 * end a target (target.c), listed newest first.
 */
#include "graph.h"
#include "graph_int.h"

#include <string.h>

/* One end of a range: the set of revisions it allows. */
static MgStatus
range_end(const MgGraph *g, const char *text, bool lower,
		  const uint8_t *applied, uint8_t **set, MgError *err)
{
	MgTarget	t;
	MgStatus	st;

	if (text[0] == '\0' || (lower && strcmp(text, "base") == 0))
	{
		*set = mg_node_set(g);
		memset(*set, 1, (size_t) g->n);
		return MG_OK;
	}
	st = mg_target_resolve(g, text, MG_OP_UPGRADE, applied, &t, err);
	if (st != MG_OK)
		return st;
	if (t.kind == MG_TARGET_SET)
		*set = mg_closure(g, &t.nodes, lower);
	else
		*set = mg_node_set(g);		/* ":base" selects nothing */
	mg_target_free(&t);
	return MG_OK;
}

MgStatus
mg_history(const MgGraph *g, const char *range, const uint8_t *applied,
		   MgIntList *out, MgError *err)
{
	uint8_t    *lo = NULL,
			   *hi = NULL;
	MgStatus	st = MG_OK;

	memset(out, 0, sizeof(*out));
	if (range && range[0])
	{
		const char *colon = strchr(range, ':');
		char	   *a;

		if (colon == NULL || strchr(colon + 1, ':'))
		{
			mg_error(err, MG_ERR_TARGET, range, 0,
					 "invalid history range \"%s\"", range);
			mg_error_hint(err, "Use \"A:B\", \"A:\" or \":B\".");
			return MG_ERR_TARGET;
		}
		a = mg_strndup(range, (size_t) (colon - range));
		st = range_end(g, a, true, applied, &lo, err);
		mg_free(a);
		if (st == MG_OK)
			st = range_end(g, colon + 1, false, applied, &hi, err);
	}
	if (st == MG_OK)
		for (int i = g->n - 1; i >= 0; i--)
		{
			int			v = g->topo[i];

			MG_CHECK_INTERRUPTS();
			if ((!lo || lo[v]) && (!hi || hi[v]))
				mg_intlist_add(out, v);
		}
	mg_free(lo);
	mg_free(hi);
	return st;
}
