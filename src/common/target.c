/*
 * target.c — the target grammar of SPEC section 3: what a target text
 * names, from the current state.  Plans (plan.c) and history ranges
 * (history.c) are built on mg_target_resolve.
 *
 *   heads | head | base | current | <id> | <label> | <prefix of 4+ chars>
 *   <label>@head | <label>@base | +N | -N | <label>@+N | <label>@-N
 *   <rev>+N | <rev>-N
 *
 * Resolution never guesses: several current heads under a relative step,
 * an ambiguous prefix, or a walk through a branch or merge point is an
 * error that says how to be precise.
 */
#include "graph.h"
#include "graph_int.h"

#include <string.h>

static const char multiple_heads_msg[] =
"multiple heads are present; use 'heads' or '<label>@head'";

void
mg_target_free(MgTarget *t)
{
	mg_intlist_free(&t->nodes);
}

static void
list_ids(MgBuf *b, const MgGraph *g, const MgIntList *l, int limit)
{
	for (int i = 0; i < l->count && i < limit; i++)
		mg_buf_printf(b, "%s%s", i ? ", " : "", g->nodes[l->items[i]].id);
	if (l->count > limit)
		mg_buf_printf(b, " and %d more", l->count - limit);
}

/* Exact id, then branch label, then unique prefix of at least 4 chars. */
static MgStatus
resolve_rev(const MgGraph *g, const char *text, int *node, MgError *err)
{
	int			v = mg_graph_find(g, text);
	size_t		plen = strlen(text);
	int			lo = 0,
				hi = g->n;
	MgIntList	matches = {0};
	MgStatus	st;

	if (v >= 0 || (v = mg_map_get(&g->labels, text)) >= 0)
	{
		*node = v;
		return MG_OK;
	}
	if (plen < 4)
	{
		mg_error(err, MG_ERR_NOT_FOUND, text, 0,
				 "no revision or branch label named \"%s\"", text);
		mg_error_hint(err, "A revision id prefix needs at least 4 characters.");
		return MG_ERR_NOT_FOUND;
	}
	/* lower bound of text in id order */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (strcmp(g->nodes[g->by_id[mid]].id, text) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int r = lo; r < g->n && strncmp(g->nodes[g->by_id[r]].id, text, plen) == 0; r++)
		mg_intlist_add(&matches, g->by_id[r]);
	if (matches.count == 1)
	{
		*node = matches.items[0];
		mg_intlist_free(&matches);
		return MG_OK;
	}
	if (matches.count == 0)
		st = mg_error(err, MG_ERR_NOT_FOUND, text, 0,
					  "no revision, branch label or revision prefix matches \"%s\"",
					  text);
	else
	{
		MgBuf		b;

		mg_buf_init(&b);
		list_ids(&b, g, &matches, 10);
		st = mg_error(err, MG_ERR_AMBIGUOUS, text, 0,
					  "revision prefix \"%s\" is ambiguous: it matches %s", text,
					  b.data);
		mg_buf_free(&b);
	}
	mg_intlist_free(&matches);
	return st;
}

/* "123" -> 123; false on anything else, zero, or overflow. */
static bool
parse_count(const char *s, int *out)
{
	long		v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++)
	{
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > 1000000000L)
			return false;
	}
	if (v == 0)
		return false;
	*out = (int) v;
	return true;
}

/* The nodes of branch "label": ancestors and descendants of its revision. */
static uint8_t *
branch_members(const MgGraph *g, int labelled)
{
	uint8_t    *up = mg_node_set(g),
			   *down = mg_node_set(g);
	int		   *stack = mg_alloc(sizeof(int) * g->n);
	int			sp;

	/* revises edges only: a branch follows its own line */
	for (int pass = 0; pass < 2; pass++)
	{
		uint8_t    *set = pass ? down : up;

		sp = 0;
		stack[sp++] = labelled;
		set[labelled] = 1;
		while (sp > 0)
		{
			const MgNode *nd = &g->nodes[stack[--sp]];
			const MgIntList *next = pass ? &nd->parents : &nd->children;

			MG_CHECK_INTERRUPTS();
			for (int k = 0; k < next->count; k++)
				if (!set[next->items[k]])
				{
					set[next->items[k]] = 1;
					stack[sp++] = next->items[k];
				}
		}
	}
	for (int i = 0; i < g->n; i++)
		up[i] |= down[i];
	mg_free(down);
	mg_free(stack);
	return up;
}

/* Heads reachable from node through children. */
static MgIntList
heads_above(const MgGraph *g, int node)
{
	uint8_t    *set = mg_node_set(g);
	MgIntList	heads = {0};

	set[node] = 1;
	{
		int		   *stack = mg_alloc(sizeof(int) * g->n);
		int			sp = 0;

		stack[sp++] = node;
		while (sp > 0)
		{
			const MgNode *nd = &g->nodes[stack[--sp]];

			MG_CHECK_INTERRUPTS();
			for (int k = 0; k < nd->children.count; k++)
				if (!set[nd->children.items[k]])
				{
					set[nd->children.items[k]] = 1;
					stack[sp++] = nd->children.items[k];
				}
		}
		mg_free(stack);
	}
	for (int r = 0; r < g->n; r++)
	{
		int			i = g->by_id[r];

		if (set[i] && mg_graph_is_head(g, i))
			mg_intlist_add(&heads, i);
	}
	mg_free(set);
	return heads;
}

/* First revision of the branch: walk down while the line is unshared. */
static int
branch_base(const MgGraph *g, int node)
{
	for (;;)
	{
		const MgNode *nd = &g->nodes[node];
		const MgNode *p;

		MG_CHECK_INTERRUPTS();
		if (nd->parents.count != 1)
			return node;
		p = &g->nodes[nd->parents.items[0]];
		if (p->children.count != 1 || p->parents.count > 1)
			return node;
		node = nd->parents.items[0];
	}
}

static MgStatus
set_target(MgTarget *out, MgTargetKind kind, int node)
{
	out->kind = kind;
	if (node >= 0)
		mg_intlist_add(&out->nodes, node);
	return MG_OK;
}

/*
 * Walk N steps up (children) from start, or from base when start < 0.
 * members, when given, restricts the choice at branch points.
 */
static MgStatus
walk_up(const MgGraph *g, const char *text, int start, int steps,
		const uint8_t *members, int *result, MgError *err)
{
	int			cur = start;

	for (int s = 0; s < steps; s++)
	{
		MgIntList	cand = {0};
		MgIntList	next = {0};

		MG_CHECK_INTERRUPTS();
		if (cur < 0)
			next = mg_graph_bases(g);
		else
			for (int k = 0; k < g->nodes[cur].children.count; k++)
				mg_intlist_add(&next, g->nodes[cur].children.items[k]);
		for (int k = 0; k < next.count; k++)
			if (!members || members[next.items[k]])
				mg_intlist_add(&cand, next.items[k]);
		mg_intlist_free(&next);
		if (cand.count != 1)
		{
			MgStatus	st;

			if (cand.count == 0)
				st = mg_error(err, MG_ERR_STATE, text, 0,
						 "relative target \"%s\" goes past the head: only %d step%s available",
						 text, s, s == 1 ? "" : "s");
			else
			{
				MgBuf		b;

				mg_buf_init(&b);
				list_ids(&b, g, &cand, 10);
				st = mg_error(err, MG_ERR_AMBIGUOUS, text, 0,
							  "relative target \"%s\" is ambiguous: %s branches into %s",
							  text, cur < 0 ? "base" : g->nodes[cur].id, b.data);
				mg_error_hint(err, "Name the branch, as in \"<label>@+%d\", or use a revision id.",
							  steps);
				mg_buf_free(&b);
			}
			mg_intlist_free(&cand);
			return st;
		}
		cur = cand.items[0];
		mg_intlist_free(&cand);
	}
	*result = cur;
	return MG_OK;
}

/*
 * Walk down from start through steps-1 parents: *last is the last revision
 * the walk covers (so "-N" removes last and what is above it); *below its
 * parent (-1 when last is a root).
 */
static MgStatus
walk_down(const MgGraph *g, const char *text, int start, int steps,
		  int *last, MgError *err)
{
	int			cur = start;

	for (int s = 1; s < steps; s++)
	{
		const MgNode *nd = &g->nodes[cur];

		MG_CHECK_INTERRUPTS();
		if (nd->parents.count == 0)
			return mg_error(err, MG_ERR_STATE, text, 0,
							"relative target \"%s\" goes past base: only %d step%s available",
							text, s, s == 1 ? "" : "s");
		if (nd->parents.count > 1)
		{
			MgBuf		b;

			mg_buf_init(&b);
			list_ids(&b, g, &nd->parents, 10);
			mg_error(err, MG_ERR_AMBIGUOUS, text, 0,
					 "relative target \"%s\" is ambiguous: %s is a merge of %s",
					 text, nd->id, b.data);
			mg_error_hint(err, "Use a revision id as the target.");
			mg_buf_free(&b);
			return MG_ERR_AMBIGUOUS;
		}
		cur = nd->parents.items[0];
	}
	*last = cur;
	return MG_OK;
}

/* A target expressed as "keep this revision": the parents of the walk. */
static MgStatus
remove_or_keep(const MgGraph *g, MgOp op, int last, MgTarget *out)
{
	if (op != MG_OP_UPGRADE)
		return set_target(out, MG_TARGET_REMOVE, last);
	out->kind = MG_TARGET_SET;
	for (int k = 0; k < g->nodes[last].parents.count; k++)
		mg_intlist_add(&out->nodes, g->nodes[last].parents.items[k]);
	return MG_OK;
}

/* +N / -N from the current state, on the branch of label when given. */
static MgStatus
resolve_current_relative(const MgGraph *g, const char *text,
						 const char *label, char sign, int steps, MgOp op,
						 const uint8_t *applied, MgTarget *out, MgError *err)
{
	MgIntList	cur = mg_version_set(g, applied);
	uint8_t    *members = NULL;
	int			start = -1,
				ncand = 0,
				result;
	MgStatus	st;

	if (label)
	{
		int			lab = mg_map_get(&g->labels, label);

		if (lab < 0)
		{
			mg_intlist_free(&cur);
			return mg_error(err, MG_ERR_NOT_FOUND, text, 0,
							"no branch label named \"%s\"", label);
		}
		members = branch_members(g, lab);
		if (sign == '-')
		{
			/* walking down starts on the branch's own line, not the trunk */
			uint8_t    *own = mg_node_set(g);

			own[branch_base(g, lab)] = 1;
			mg_spread(g, own, true);
			for (int i = 0; i < g->n; i++)
				members[i] &= own[i];
			mg_free(own);
		}
	}
	if (members)
	{
		/*
		 * On a named branch, start from the branch's applied tip: an applied
		 * member none of whose children on the branch is applied (the trunk
		 * below a branch point counts, as do heads other branches depend on).
		 */
		mg_intlist_free(&cur);
		for (int r = 0; r < g->n; r++)
		{
			int			v = g->by_id[r];
			const MgNode *nd = &g->nodes[v];
			bool		tip = members[v] && applied[v];

			for (int k = 0; tip && k < nd->children.count; k++)
				tip = !(members[nd->children.items[k]] && applied[nd->children.items[k]]);
			if (tip)
				mg_intlist_add(&cur, v);
		}
	}
	for (int k = 0; k < cur.count; k++)
	{
		ncand++;
		start = cur.items[k];
	}
	if (ncand > 1)
	{
		MgBuf		b;

		mg_buf_init(&b);
		list_ids(&b, g, &cur, 10);
		mg_error(err, MG_ERR_AMBIGUOUS, text, 0,
				 "relative target \"%s\" is ambiguous: the database has several current heads (%s)",
				 text, b.data);
		mg_error_hint(err, "Name the branch, as in \"<label>@%c%d\", or use a revision id.",
					  sign, steps);
		mg_buf_free(&b);
		st = MG_ERR_AMBIGUOUS;
	}
	else if (sign == '+')
	{
		st = walk_up(g, text, start, steps, members, &result, err);
		if (st == MG_OK)
			st = set_target(out, MG_TARGET_SET, result);
	}
	else if (start < 0)
		st = mg_error(err, MG_ERR_STATE, text, 0,
					  "relative target \"%s\": nothing is applied%s",
					  text, label ? " on that branch" : "");
	else
	{
		st = walk_down(g, text, start, steps, &result, err);
		if (st == MG_OK)
			st = remove_or_keep(g, op, result, out);
	}
	mg_intlist_free(&cur);
	mg_free(members);
	return st;
}

MgStatus
mg_target_resolve(const MgGraph *g, const char *text, MgOp op,
				  const uint8_t *applied, MgTarget *out, MgError *err)
{
	const char *at = strchr(text, '@');
	int			node,
				steps = 0;
	MgStatus	st;

	memset(out, 0, sizeof(*out));
	if (text[0] == '\0')
		return mg_error(err, MG_ERR_TARGET, text, 0, "empty target");
	if (strcmp(text, "heads") == 0)
	{
		out->kind = MG_TARGET_SET;
		out->nodes = mg_graph_heads(g);
		return MG_OK;
	}
	if (strcmp(text, "head") == 0)
	{
		MgIntList	heads = mg_graph_heads(g);

		if (heads.count > 1)
		{
			mg_intlist_free(&heads);
			return mg_error(err, MG_ERR_AMBIGUOUS, text, 0, "%s",
							multiple_heads_msg);
		}
		out->kind = MG_TARGET_SET;
		out->nodes = heads;
		return MG_OK;
	}
	if (strcmp(text, "base") == 0)
		return set_target(out, MG_TARGET_BASE, -1);
	if (strcmp(text, "current") == 0)
	{
		out->kind = MG_TARGET_SET;
		out->nodes = mg_version_set(g, applied);
		return MG_OK;
	}
	if ((text[0] == '+' || text[0] == '-'))
	{
		if (!parse_count(text + 1, &steps))
			return mg_error(err, MG_ERR_TARGET, text, 0,
							"invalid relative target \"%s\"", text);
		return resolve_current_relative(g, text, NULL, text[0], steps, op,
										applied, out, err);
	}
	if (at)
	{
		char	   *label = mg_strndup(text, (size_t) (at - text));
		const char *rest = at + 1;
		int			lab = mg_map_get(&g->labels, label);

		st = MG_OK;
		if (strchr(rest, '@') || label[0] == '\0')
			st = mg_error(err, MG_ERR_TARGET, text, 0,
						  "invalid target \"%s\"", text);
		else if ((rest[0] == '+' || rest[0] == '-') && parse_count(rest + 1, &steps))
			st = resolve_current_relative(g, text, label, rest[0], steps, op,
										  applied, out, err);
		else if (lab < 0)
			st = mg_error(err, MG_ERR_NOT_FOUND, text, 0,
						  "no branch label named \"%s\"", label);
		else if (strcmp(rest, "head") == 0)
		{
			MgIntList	heads = heads_above(g, lab);

			if (heads.count > 1)
			{
				MgBuf		b;

				mg_buf_init(&b);
				list_ids(&b, g, &heads, 10);
				st = mg_error(err, MG_ERR_AMBIGUOUS, text, 0,
							  "branch \"%s\" has multiple heads: %s", label, b.data);
				mg_buf_free(&b);
				mg_intlist_free(&heads);
			}
			else
			{
				out->kind = MG_TARGET_SET;
				out->nodes = heads;
			}
		}
		else if (strcmp(rest, "base") == 0)
			st = set_target(out, op == MG_OP_UPGRADE ? MG_TARGET_SET : MG_TARGET_REMOVE,
							branch_base(g, lab));
		else
			st = mg_error(err, MG_ERR_TARGET, text, 0,
						  "invalid target \"%s\": expected \"%s@head\", \"%s@base\" or \"%s@-N\"",
						  text, label, label, label);
		mg_free(label);
		return st;
	}
	/* <rev>+N or <rev>-N: ids and labels never contain '+' or '-' */
	{
		const char *sign = strpbrk(text, "+-");

		if (sign && sign > text)
		{
			char	   *base = mg_strndup(text, (size_t) (sign - text));
			int			result;

			st = MG_OK;
			if (!parse_count(sign + 1, &steps))
				st = mg_error(err, MG_ERR_TARGET, text, 0,
							  "invalid relative target \"%s\"", text);
			else
				st = resolve_rev(g, base, &node, err);
			if (st == MG_OK && *sign == '+')
			{
				st = walk_up(g, text, node, steps, NULL, &result, err);
				if (st == MG_OK)
					set_target(out, MG_TARGET_SET, result);
			}
			else if (st == MG_OK)
			{
				/* <rev>-N lands N revisions below rev: keep that one */
				st = walk_down(g, text, node, steps, &result, err);
				if (st == MG_OK && g->nodes[result].parents.count == 0)
					remove_or_keep(g, op, result, out); /* lands on base */
				else if (st == MG_OK)
				{
					st = walk_down(g, text, node, steps + 1, &result, err);
					if (st == MG_OK)
						set_target(out, MG_TARGET_SET, result);
				}
			}
			mg_free(base);
			return st;
		}
		if (sign)
			return mg_error(err, MG_ERR_TARGET, text, 0,
							"invalid target \"%s\"", text);
	}
	st = resolve_rev(g, text, &node, err);
	if (st == MG_OK)
		set_target(out, MG_TARGET_SET, node);
	return st;
}

MgStatus
mg_target_single(const MgGraph *g, const char *text, const uint8_t *applied,
				 int *node, MgError *err)
{
	MgTarget	t;
	MgStatus	st = mg_target_resolve(g, text, MG_OP_UPGRADE, applied, &t, err);

	if (st != MG_OK)
		return st;
	if (t.kind != MG_TARGET_SET || t.nodes.count != 1)
		st = mg_error(err, t.nodes.count > 1 ? MG_ERR_AMBIGUOUS : MG_ERR_NOT_FOUND,
					  text, 0, "\"%s\" does not name a single revision", text);
	else
		*node = t.nodes.items[0];
	mg_target_free(&t);
	return st;
}
