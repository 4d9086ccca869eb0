/*
 * fixtures.c — helpers shared by the unit tests: parsing revision files,
 * building graphs from a compact text spec, rendering node lists and sets
 * as id strings, and planning.  Everything they allocate is freed after
 * the running case (t_defer), so a failing check never leaks.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- cleanup callbacks ---- */

static void
free_revfile(void *p)
{
	mg_revfile_free(p);
	free(p);
}

static void
free_graph(void *p)
{
	mg_graph_free(p);
	free(p);
}

static void
free_plan(void *p)
{
	mg_plan_free(p);
	free(p);
}

static void
free_intlist(void *p)
{
	mg_intlist_free(p);
	free(p);
}

static void
free_strlist(void *p)
{
	mg_strlist_free(p);
	free(p);
}

static void
free_mg(void *p)
{
	mg_free(p);
}

static void *
raw_alloc(size_t n)
{
	void	   *p = calloc(1, n);

	if (p == NULL)
	{
		fprintf(stderr, "run_unit: out of memory\n");
		exit(2);
	}
	return p;
}

/*
 * A call that was to fail returned st: fail the case unless st is expected
 * and err->status agrees (what names the call in the messages).
 */
static void
check_failed_as(const char *what, MgStatus st, MgStatus expected,
				const MgError *err)
{
	if (st != expected)
		t_fail(__FILE__, __LINE__, "%sexpected %s, got %s: %s", what,
			   t_status_name(expected), t_status_name(st), err->message);
	if (err->status != st)
		t_fail(__FILE__, __LINE__, "err.status %s differs from the result %s",
			   t_status_name(err->status), t_status_name(st));
}

/* ---- table-driven cases ---- */

void
t_each_row(const char *test, const void *rows, size_t n, size_t size,
		   void (*check) (const void *row))
{
	int			found = 0;

	for (size_t i = 0; i < n; i++)
	{
		const void *row = (const char *) rows + i * size;

		if (strcmp(*(const char *const *) row, test) == 0)
		{
			check(row);
			found++;
		}
	}
	if (found == 0)
		t_fail(__FILE__, __LINE__, "no rows for %s", test);
}

/* ---- revision files ---- */

MgRevFile *
t_parse_len(const char *text, size_t len)
{
	MgRevFile  *rf = raw_alloc(sizeof(MgRevFile));
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st;

	t_defer(free_revfile, rf);
	st = mg_revfile_parse(text, len, T_SOURCE, rf, err);
	if (st != MG_OK)
		t_fail(__FILE__, __LINE__, "parse failed: %s at line %d: %s",
			   t_status_name(st), err->line, err->message);
	return rf;
}

MgRevFile *
t_parse(const char *text)
{
	return t_parse_len(text, strlen(text));
}

MgError *
t_parse_err_len(const char *text, size_t len, MgStatus expected, int line)
{
	MgRevFile  *rf = raw_alloc(sizeof(MgRevFile));
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st;

	t_defer(free_revfile, rf);
	st = mg_revfile_parse(text, len, T_SOURCE, rf, err);
	if (st == MG_OK)
		t_fail(__FILE__, __LINE__, "parse succeeded, expected %s at line %d",
			   t_status_name(expected), line);
	check_failed_as("", st, expected, err);
	if (line > 0 && err->line != line)
		t_fail(__FILE__, __LINE__, "err.line: expected %d, got %d (%s)",
			   line, err->line, err->message);
	if (strcmp(err->source, T_SOURCE) != 0)
		t_fail(__FILE__, __LINE__, "err.source: expected \"%s\", got \"%s\"",
			   T_SOURCE, err->source);
	if (err->message[0] == '\0')
		t_fail(__FILE__, __LINE__, "empty error message");
	if (rf->id != NULL || rf->revises.count != 0)
		t_fail(__FILE__, __LINE__, "a failed parse left data in the result");
	return err;
}

MgError *
t_parse_err(const char *text, MgStatus expected, int line)
{
	return t_parse_err_len(text, strlen(text), expected, line);
}

MgRevSelected *
t_select(const MgRevFile *rf, MgDialect d)
{
	MgRevSelected *sel = t_alloc(sizeof(MgRevSelected));
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st = mg_revfile_select(rf, d, T_SOURCE, sel, err);

	if (st != MG_OK)
		t_fail(__FILE__, __LINE__, "select(%s) failed: %s",
			   mg_dialect_name(d), err->message);
	return sel;
}

char *
t_format(const MgRevFile *rf)
{
	char	   *s = mg_revfile_format(rf);

	t_defer(free_mg, s);
	return s;
}

static bool
same_strlist(const MgStrList *a, const MgStrList *b)
{
	if (a->count != b->count)
		return false;
	for (int i = 0; i < a->count; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return false;
	return true;
}

static bool
same_opt(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

void
t_same_revfile(const char *file, int line, const MgRevFile *a,
			   const MgRevFile *b)
{
	if (!same_opt(a->id, b->id))
		t_fail(file, line, "id differs: \"%s\" vs \"%s\"", a->id, b->id);
	if (!same_strlist(&a->revises, &b->revises))
		t_fail(file, line, "revises differ: \"%s\" vs \"%s\"",
			   t_strs(&a->revises), t_strs(&b->revises));
	if (!same_strlist(&a->depends, &b->depends))
		t_fail(file, line, "depends differ: \"%s\" vs \"%s\"",
			   t_strs(&a->depends), t_strs(&b->depends));
	if (!same_strlist(&a->branch, &b->branch))
		t_fail(file, line, "branch differs: \"%s\" vs \"%s\"",
			   t_strs(&a->branch), t_strs(&b->branch));
	if (!same_opt(a->message, b->message))
		t_fail(file, line, "message differs: \"%s\" vs \"%s\"",
			   a->message ? a->message : "(null)",
			   b->message ? b->message : "(null)");
	if (!same_opt(a->created, b->created))
		t_fail(file, line, "created differs: \"%s\" vs \"%s\"",
			   a->created ? a->created : "(null)",
			   b->created ? b->created : "(null)");
	if (a->transactional != b->transactional)
		t_fail(file, line, "transactional differs: %d vs %d",
			   a->transactional, b->transactional);
	for (int k = 0; k < MG_NUM_SECTION_KINDS; k++)
		for (int d = 0; d < MG_NUM_DIALECTS; d++)
		{
			const MgSection *sa = &a->sections[k][d];
			const MgSection *sb = &b->sections[k][d];

			if (sa->present != sb->present)
				t_fail(file, line, "section %d/%s present: %d vs %d", k,
					   mg_dialect_name((MgDialect) d), sa->present, sb->present);
			if (sa->present && !same_opt(sa->body, sb->body))
				t_fail(file, line, "section %d/%s body: \"%s\" vs \"%s\"", k,
					   mg_dialect_name((MgDialect) d), sa->body, sb->body);
		}
}

/* ---- graphs ---- */

typedef struct SpecEntry
{
	char	   *id;
	MgStrList	revises;
	MgStrList	depends;
	MgStrList	labels;
} SpecEntry;

/* Split "a,b" (up to end) into l. */
static void
spec_list(MgStrList *l, const char *start, const char *end)
{
	while (start < end)
	{
		const char *comma = start;
		char	   *item;

		while (comma < end && *comma != ',')
			comma++;
		if (comma > start)
		{
			item = mg_strndup(start, (size_t) (comma - start));
			mg_strlist_add(l, item);
			mg_free(item);
		}
		start = comma + 1;
	}
}

static void
spec_add(MgGraph *g, const char *tok, size_t len)
{
	const char *end = tok + len;
	const char *p = tok;
	SpecEntry	e;

	memset(&e, 0, sizeof(e));
	while (p < end && *p != '<' && *p != '~' && *p != '@')
		p++;
	e.id = mg_strndup(tok, (size_t) (p - tok));
	while (p < end)
	{
		char		kind = *p++;
		const char *start = p;

		while (p < end && *p != '<' && *p != '~' && *p != '@')
			p++;
		spec_list(kind == '<' ? &e.revises : kind == '~' ? &e.depends : &e.labels,
				  start, p);
	}
	mg_graph_add(g, e.id,
				 (const char *const *) e.revises.items, e.revises.count,
				 (const char *const *) e.depends.items, e.depends.count,
				 (const char *const *) e.labels.items, e.labels.count);
	mg_free(e.id);
	mg_strlist_free(&e.revises);
	mg_strlist_free(&e.depends);
	mg_strlist_free(&e.labels);
}

static MgGraph *
spec_graph(const char *spec)
{
	MgGraph    *g = raw_alloc(sizeof(MgGraph));
	const char *p = spec;

	mg_graph_init(g, 0);
	t_defer(free_graph, g);
	while (*p)
	{
		const char *start;

		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ' && *p != '\n' && *p != '\t')
			p++;
		spec_add(g, start, (size_t) (p - start));
	}
	return g;
}

MgGraph *
t_new_graph(int capacity)
{
	MgGraph    *g = raw_alloc(sizeof(MgGraph));

	mg_graph_init(g, capacity);
	t_defer(free_graph, g);
	return g;
}

MgGraph *
t_chain(int n, const char *root_label)
{
	MgGraph    *g = t_new_graph(n);
	MgError    *err = t_alloc(sizeof(MgError));
	const char *lab[1] = {root_label};

	for (int i = 0; i < n; i++)
	{
		char		id[16],
					p[16];
		const char *par[1] = {p};

		snprintf(id, sizeof(id), "c%07d", i);
		snprintf(p, sizeof(p), "c%07d", i - 1);
		mg_graph_add(g, id, par, i ? 1 : 0, NULL, 0, lab, i == 0 && root_label ? 1 : 0);
	}
	if (mg_graph_build(g, err) != MG_OK)
		t_fail(__FILE__, __LINE__, "chain of %d: %s", n, err->message);
	return g;
}

MgGraph *
t_graph(const char *spec)
{
	MgGraph    *g = spec_graph(spec);
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st = mg_graph_build(g, err);

	if (st != MG_OK)
		t_fail(__FILE__, __LINE__, "graph build failed: %s: %s",
			   t_status_name(st), err->message);
	return g;
}

MgError *
t_graph_err(const char *spec, MgStatus expected)
{
	MgGraph    *g = spec_graph(spec);
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st = mg_graph_build(g, err);

	if (st == MG_OK)
		t_fail(__FILE__, __LINE__, "graph built, expected %s",
			   t_status_name(expected));
	check_failed_as("", st, expected, err);
	return err;
}

int
t_node(const MgGraph *g, const char *id)
{
	int			v = mg_graph_find(g, id);

	if (v < 0)
		t_fail(__FILE__, __LINE__, "no node \"%s\" in the graph", id);
	return v;
}

const char *
t_ids(const MgGraph *g, const MgIntList *l)
{
	MgBuf		b;
	char	   *s;

	mg_buf_init(&b);
	for (int i = 0; i < l->count; i++)
	{
		int			v = l->items[i];

		if (v < 0 || v >= g->n)
			mg_buf_printf(&b, "%s<bad node %d>", i ? " " : "", v);
		else
			mg_buf_printf(&b, "%s%s", i ? " " : "", g->nodes[v].id);
	}
	s = t_printf("%s", b.data);
	mg_buf_free(&b);
	return s;
}

const char *
t_set(const MgGraph *g, const uint8_t *set)
{
	MgIntList	l = {0};
	const char *s;

	/* id order without relying on the graph's internals */
	for (int i = 0; i < g->n; i++)
		if (set[i])
		{
			int			k = l.count;

			mg_intlist_add(&l, i);
			while (k > 0 && strcmp(g->nodes[l.items[k - 1]].id, g->nodes[i].id) > 0)
			{
				l.items[k] = l.items[k - 1];
				k--;
			}
			l.items[k] = i;
		}
	s = t_ids(g, &l);
	mg_intlist_free(&l);
	return s;
}

uint8_t *
t_applied(const MgGraph *g, const char *versions)
{
	uint8_t    *applied = t_alloc((size_t) (g->n > 0 ? g->n : 1));
	MgStrList	l = {0};
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st;

	for (char *v = strtok(t_printf("%s", versions), " "); v; v = strtok(NULL, " "))
		mg_strlist_add(&l, v);
	st = mg_state_from_versions(g, (const char *const *) l.items, l.count,
								applied, err);
	mg_strlist_free(&l);
	if (st != MG_OK)
		t_fail(__FILE__, __LINE__, "state from \"%s\" failed: %s", versions,
			   err->message);
	return applied;
}

const char *
t_vset(const MgGraph *g, const uint8_t *applied)
{
	MgIntList	l = mg_version_set(g, applied);
	const char *s = t_ids(g, &l);

	mg_intlist_free(&l);
	return s;
}

MgIntList *
t_keep(MgIntList l)
{
	MgIntList  *p = raw_alloc(sizeof(MgIntList));

	*p = l;
	t_defer(free_intlist, p);
	return p;
}

MgStrList *
t_keep_str(MgStrList l)
{
	MgStrList  *p = raw_alloc(sizeof(MgStrList));

	*p = l;
	t_defer(free_strlist, p);
	return p;
}

const char *
t_strs(const MgStrList *l)
{
	MgBuf		b;
	char	   *s;

	mg_buf_init(&b);
	for (int i = 0; i < l->count; i++)
		mg_buf_printf(&b, "%s%s", i ? " " : "", l->items[i]);
	s = t_printf("%s", b.data);
	mg_buf_free(&b);
	return s;
}

MgPlan *
t_plan(const MgGraph *g, const char *target, MgOp op, const uint8_t *applied,
	   bool purge)
{
	MgPlan	   *plan = raw_alloc(sizeof(MgPlan));
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st;

	t_defer(free_plan, plan);
	st = mg_plan(g, target, op, applied, purge, plan, err);
	if (st != MG_OK)
		t_fail(__FILE__, __LINE__, "plan \"%s\" failed: %s: %s", target,
			   t_status_name(st), err->message);
	if (plan->after == NULL)
		t_fail(__FILE__, __LINE__, "plan \"%s\": after is NULL", target);
	return plan;
}

MgError *
t_plan_err(const MgGraph *g, const char *target, MgOp op,
		   const uint8_t *applied, MgStatus expected)
{
	MgPlan	   *plan = raw_alloc(sizeof(MgPlan));
	MgError    *err = t_alloc(sizeof(MgError));
	MgStatus	st;

	t_defer(free_plan, plan);
	st = mg_plan(g, target, op, applied, false, plan, err);
	if (st == MG_OK)
		t_fail(__FILE__, __LINE__, "plan \"%s\" succeeded (steps \"%s\"), expected %s",
			   target, t_ids(g, &plan->steps), t_status_name(expected));
	check_failed_as(t_printf("plan \"%s\": ", target), st, expected, err);
	if (err->message[0] == '\0')
		t_fail(__FILE__, __LINE__, "plan \"%s\": empty error message", target);
	return err;
}

void
t_check_closed(const char *file, int line, const MgGraph *g,
			   const uint8_t *set)
{
	for (int i = 0; i < g->n; i++)
	{
		const MgNode *nd = &g->nodes[i];

		if (!set[i])
			continue;
		for (int k = 0; k < nd->parents.count; k++)
			if (!set[nd->parents.items[k]])
				t_fail(file, line, "set not closed: %s without its parent %s",
					   nd->id, g->nodes[nd->parents.items[k]].id);
		for (int k = 0; k < nd->deps.count; k++)
			if (!set[nd->deps.items[k]])
				t_fail(file, line, "set not closed: %s without its dependency %s",
					   nd->id, g->nodes[nd->deps.items[k]].id);
	}
}
