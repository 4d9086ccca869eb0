/*
 * verify.c — snapshots, drift and the test suite's driver (verify.h).
 *
 * Drift is the differ run from the live model to the recorded one: its
 * changes are exactly the repair, in the order it must run.  An item is a
 * run of consecutive changes on one object (a column's release and its
 * alteration, an enum's added labels), so the items' statements, taken in
 * order, are the whole repair.  The kind of an item is whether the object
 * exists on either side, not which statement repairs it: a changed index
 * is dropped and created, and reported as changed twice (once per step).
 *
 * The stairway, for every step of the plan: read the schema, upgrade the
 * step; when it has a downgrade, downgrade it and require the schema read
 * before the upgrade (any difference names the objects), and upgrade it
 * again.  Reading the whole schema twice a step makes the test quadratic
 * in the history's length, so a side with marks and a fingerprint (the
 * server, the SQLite copy) takes the fingerprint instead, under a mark:
 * when the downgrade gives it back the step passes unread, and only when
 * it does not is the step rewound, the schema read and the step run again
 * to compare for real.  A step that cannot run here (transaction false
 * without a scratch database) is skipped, and so is every later step that
 * needs it; a failed downgrade goes back to the mark, or, without one,
 * stops the stairway.
 */
#include "verify.h"

#include <string.h>

/* ---- snapshots ---- */

MgStatus
mg_snapshot_changes(MgSchemaModel *m, MgChangeList *out, MgError *err)
{
	MgSchemaModel *empty = mg_alloc(sizeof(MgSchemaModel));

	mg_model_init(empty);
	mg_model_finish(empty);
	/* m itself, not a copy: 5% of a snapshot of 1,000 tables */
	return mg_schema_diff(empty, m, NULL, out, err);
}

/* ---- drift ---- */

const char *
mg_drift_word(MgDriftKind kind, bool stairway)
{
	switch (kind)
	{
		case MG_DRIFT_EXTRA:
			return stairway ? "left behind" : "added";
		case MG_DRIFT_MISSING:
			return stairway ? "missing" : "dropped";
		case MG_DRIFT_CHANGED:
			break;
	}
	return "changed";
}

/* The grantee of a grant object's name ("alice*": with grant option). */
static char *
grantee(const char *name)
{
	size_t		n = strlen(name);

	if (n > 0 && (name[n - 1] == '*' || name[n - 1] == '-'))
		n--;
	return mg_strndup(name, n);
}

/* How a report names an object: its kind and how DDL names it. */
static char *
object_name(const MgObject *o)
{
	MgBuf		b;
	const char *kind = mg_obj_kind_name(o->kind);

	mg_buf_init(&b);
	if (o->kind == MG_OBJ_COMMENT)
		mg_buf_printf(&b, "comment on %s", o->ident);
	else if (o->kind == MG_OBJ_ACL)
		mg_buf_printf(&b, "grant on %s to %s", o->ident, grantee(o->name));
	else if (o->kind == MG_OBJ_COLUMN && o->tident)
		mg_buf_printf(&b, "column %s.%s", o->tident, o->ident);
	else if (o->kind == MG_OBJ_RLS && o->tident)
		mg_buf_printf(&b, "%s on %s", kind, o->tident);
	else if (o->tident && o->kind != MG_OBJ_INDEX)
		mg_buf_printf(&b, "%s %s on %s", kind, o->qname ? o->qname : o->ident,
					  o->tident);
	else
		mg_buf_printf(&b, "%s %s", kind, o->ident ? o->ident : o->name);
	return b.data;
}

/* The object a change is about: where it ends up, else where it was. */
static const MgObject *
change_object(const MgChange *c)
{
	return c->to ? c->to : c->from;
}

static void
add_item(MgDriftList *l, int *cap, MgDriftKind kind, const MgObject *o)
{
	MgDriftItem *it;

	if (l->count == *cap)
	{
		*cap = *cap ? *cap * 2 : 8;
		l->items = mg_realloc(l->items, sizeof(MgDriftItem) * *cap);
	}
	it = &l->items[l->count++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->object = object_name(o);
}

static void
item_push(MgDriftItem *it, const MgChange *c)
{
	MgChangeList *cl = &it->changes;

	if (cl->count == cl->cap)
	{
		cl->cap = cl->cap ? cl->cap * 2 : 2;
		cl->items = mg_realloc(cl->items, sizeof(MgChange) * cl->cap);
	}
	cl->items[cl->count++] = *c;
}

MgStatus
mg_drift(const MgSchemaModel *live, const MgSchemaModel *recorded,
		 MgDriftList *out, MgError *err)
{
	MgSchemaModel *a = mg_alloc(sizeof(MgSchemaModel));
	MgSchemaModel *b = mg_alloc(sizeof(MgSchemaModel));
	MgChangeList changes;
	const char *last_key = NULL;
	const MgObject *last_table = NULL;	/* the last item's, when a table */
	int			cap = 0;
	MgStatus	st;

	memset(out, 0, sizeof(*out));
	mg_model_copy(a, live);
	mg_model_copy(b, recorded);
	if ((st = mg_schema_diff(a, b, NULL, &changes, err)) != MG_OK)
		return st;
	for (int i = 0; i < changes.count; i++)
	{
		const MgChange *c = &changes.items[i];
		const MgObject *o = change_object(c);
		MgDriftKind kind;

		if (c->op == MG_CH_HINT || o == NULL)
			continue;
		kind = mg_model_find(a, o->key) >= 0 ?
			(mg_model_find(b, o->key) >= 0 ? MG_DRIFT_CHANGED : MG_DRIFT_EXTRA) :
			MG_DRIFT_MISSING;
		/*
		 * A new item unless it is the last item's object, or a part of the
		 * table the last item adds or drops (its keys, checks, indexes).
		 */
		if (last_key == NULL || strcmp(last_key, o->key) != 0)
		{
			if (last_table && o->tident && strcmp(o->tident, last_table->ident) == 0 &&
				kind != MG_DRIFT_CHANGED && out->items[out->count - 1].kind == kind)
			{
				item_push(&out->items[out->count - 1], c);
				continue;
			}
			add_item(out, &cap, kind, o);
			last_key = o->key;
			last_table = o->kind == MG_OBJ_TABLE && kind != MG_DRIFT_CHANGED ? o : NULL;
		}
		item_push(&out->items[out->count - 1], c);
	}
	return MG_OK;
}

char *
mg_drift_summary(const MgDriftList *l, bool stairway)
{
	MgBuf		b;

	mg_buf_init(&b);
	for (int k = MG_DRIFT_EXTRA; k <= MG_DRIFT_CHANGED; k++)
	{
		bool		first = true;
		const char *last = NULL;

		for (int i = 0; i < l->count; i++)
		{
			if ((int) l->items[i].kind != k ||
				(last && strcmp(last, l->items[i].object) == 0))
				continue;
			mg_buf_printf(&b, "%s%s%s", first ? (b.len ? "; " : "") : ", ",
						  first ? mg_drift_word((MgDriftKind) k, stairway) : "",
						  first ? ": " : "");
			mg_buf_puts(&b, l->items[i].object);
			last = l->items[i].object;
			first = false;
		}
	}
	return b.data;
}

MgStatus
mg_drift_compare(const MgSchemaModel *live, const MgSchemaModel *before,
				 char **summary, MgError *err)
{
	MgDriftList drift;
	MgStatus	st;

	*summary = NULL;
	if ((st = mg_drift(live, before, &drift, err)) != MG_OK)
		return st;
	if (drift.count > 0)
		*summary = mg_drift_summary(&drift, true);
	return MG_OK;
}

bool
mg_drift_kind_of(const char *word, MgDriftKind *out)
{
	for (int k = MG_DRIFT_EXTRA; k <= MG_DRIFT_CHANGED; k++)
		if (strcmp(word, mg_drift_word((MgDriftKind) k, false)) == 0)
		{
			*out = (MgDriftKind) k;
			return true;
		}
	return false;
}

/* ---- the test suite ---- */

typedef struct Run
{
	const MgGraph *g;
	uint8_t    *applied;
	const MgTestOps *ops;
	void	   *ctx;
	MgTestCounts *counts;
	const char *stopped;		/* a failure left the schema unknown */
	bool		upgrade_failed; /* a first upgrade failed */
	const char *first_failed;
	int			upgraded;		/* steps whose first upgrade ran */
} Run;

static void
report(Run *r, int step, const char *revision, const char *test,
	   MgTestOutcome outcome, const char *detail)
{
	if (outcome == MG_TEST_PASSED)
		r->counts->passed++;
	else if (outcome == MG_TEST_FAILED)
		r->counts->failed++;
	else
		r->counts->skipped++;
	r->ops->row(r->ctx, step, revision, test, outcome, detail);
}

/* A revision node needs that the stairway left unapplied, or NULL. */
static const char *
unapplied_need(const Run *r, int node)
{
	const MgNode *n = &r->g->nodes[node];

	for (int i = 0; i < n->parents.count; i++)
		if (!r->applied[n->parents.items[i]])
			return r->g->nodes[n->parents.items[i]].id;
	for (int i = 0; i < n->deps.count; i++)
		if (!r->applied[n->deps.items[i]])
			return r->g->nodes[n->deps.items[i]].id;
	return NULL;
}

static char *
text3(const char *a, const char *b, const char *c)
{
	MgBuf		buf;

	mg_buf_init(&buf);
	mg_buf_puts(&buf, a);
	mg_buf_puts(&buf, b);
	mg_buf_puts(&buf, c);
	return buf.data;
}

static bool
run_step(Run *r, int node, bool downgrade, const char *what, char **detail)
{
	MgError		e;

	mg_error_clear(&e);
	if (r->ops->step(r->ctx, node, downgrade, &e) == MG_OK)
	{
		r->applied[node] = downgrade ? 0 : 1;
		return true;
	}
	*detail = text3(what, " failed: ", e.message);
	return false;
}

/*
 * After a failed downgrade (or one that does not restore the schema): go
 * back to the state after the upgrade when the side can, else stop.
 */
static void
recover(Run *r, int node, bool marked)
{
	if (marked)
	{
		r->ops->rewind(r->ctx, false);
		r->applied[node] = 1;
	}
	else
		r->stopped = r->g->nodes[node].id;
}

static bool
mark(Run *r)
{
	MgError		e;

	return r->ops->mark && r->ops->mark(r->ctx, &e) == MG_OK;
}

/*
 * Is the schema, after the downgrade, the one before the upgrade?  *left
 * what differs (NULL: nothing).  Slow step: compare with the reading of
 * slot 0.  Fast step: equal fingerprints mean the same catalog; when they
 * differ (a downgrade that recreates what the upgrade dropped, or one that
 * leaves a trace), go back to the outer mark, read the schema there, and
 * run the upgrade and the downgrade again to compare for real.
 */
static MgStatus
restored(Run *r, int node, bool fast, const char *fp_before, bool *inner,
		 char **left, char **detail, MgError *err)
{
	char	   *fp_now = NULL;
	MgStatus	st;

	*left = NULL;
	if (fast)
	{
		if ((st = r->ops->fingerprint(r->ctx, &fp_now, err)) != MG_OK)
			return st;
		if (strcmp(fp_now, fp_before) == 0)
			return MG_OK;
		/* back to before the upgrade (inner, then outer), read, redo */
		r->ops->rewind(r->ctx, false);
		r->ops->rewind(r->ctx, false);
		r->applied[node] = 0;
		*inner = false;
		if ((st = r->ops->read(r->ctx, 0, err)) != MG_OK)
			return st;
		if (!mark(r) || !run_step(r, node, false, "upgrade (run again to compare)", detail))
			return mg_error(err, MG_ERR_EXEC, r->g->nodes[node].id, 0,
							"the test could not run revision %s again: %s",
							r->g->nodes[node].id, *detail ? *detail : "no savepoint");
		*inner = mark(r);
		if (!run_step(r, node, true, "downgrade (run again to compare)", detail))
			return mg_error(err, MG_ERR_EXEC, r->g->nodes[node].id, 0,
							"the test could not run the downgrade of %s again: %s",
							r->g->nodes[node].id, *detail);
	}
	return r->ops->compare(r->ctx, 0, left, err);
}

/*
 * The down-and-up part of one step, the upgrade done (fast: under the
 * outer mark, which this releases): *detail what the row says; MG_OK
 * unless a primitive other than step() failed (err).
 */
static MgStatus
down_up(Run *r, int node, bool fast, const char *fp_before,
		MgTestOutcome *outcome, char **detail, MgError *err)
{
	char	   *left = NULL;
	MgStatus	st;
	bool		inner = mark(r);

	*outcome = MG_TEST_FAILED;
	if (!run_step(r, node, true, "downgrade", detail))
		recover(r, node, inner);
	else if ((st = restored(r, node, fast, fp_before, &inner, &left, detail, err)) != MG_OK)
		return st;
	else if (left && left[0])
	{
		*detail = text3("the downgrade does not restore the schema: ", left, "");
		recover(r, node, inner);
	}
	else
	{
		if (inner)
			r->ops->rewind(r->ctx, true);
		if (run_step(r, node, false, "upgrade after the downgrade", detail))
		{
			*outcome = MG_TEST_PASSED;
			*detail = mg_strdup("upgrade, downgrade, upgrade: the downgrade restores the schema");
		}
	}
	if (fast)
		r->ops->rewind(r->ctx, true);	/* the outer mark */
	return MG_OK;
}

/* One step of the stairway. */
static MgStatus
stair(Run *r, int node, MgTestOutcome *outcome, char **detail, MgError *err)
{
	MgStep		desc;
	MgStatus	st;
	const char *need;
	char	   *fp_before = NULL;
	bool		fast;

	*outcome = MG_TEST_SKIPPED;
	if (r->stopped)
	{
		*detail = text3("not run: the test stopped after the failure of ", r->stopped, "");
		return MG_OK;
	}
	if ((need = unapplied_need(r, node)) != NULL)
	{
		*detail = text3("not run: it needs ", need, ", which is not applied");
		return MG_OK;
	}
	if ((st = r->ops->describe(r->ctx, node, true, &desc, err)) != MG_OK)
		return st;
	if (!desc.transactional && !r->ops->can_leave_transaction)
	{
		*detail = mg_strdup("skipped: transaction false (it cannot run inside the test's rolled-back transaction)");
		return MG_OK;
	}
	/*
	 * "Before": a fingerprint under a mark (fast), or the schema read
	 * (a side without fingerprints or marks, or a step that leaves the
	 * transaction, where no savepoint holds).
	 */
	fast = r->ops->fingerprint && r->ops->mark && r->ops->rewind && desc.transactional &&
		desc.has_body;
	if (fast && (st = r->ops->fingerprint(r->ctx, &fp_before, err)) != MG_OK)
		return st;
	if (fast && !mark(r))
		fast = false;
	if (!fast && desc.has_body && (st = r->ops->read(r->ctx, 0, err)) != MG_OK)
		return st;
	if (!run_step(r, node, false, "upgrade", detail))
	{
		*outcome = MG_TEST_FAILED;
		r->upgrade_failed = true;
		if (fast)
			r->ops->rewind(r->ctx, true);
		return MG_OK;
	}
	r->upgraded++;
	if (!desc.has_body)
	{
		*outcome = MG_TEST_PASSED;
		*detail = mg_strdup("irreversible (no downgrade section): upgraded, not downgraded");
		if (fast)
			r->ops->rewind(r->ctx, true);
		return MG_OK;
	}
	return down_up(r, node, fast, fp_before, outcome, detail, err);
}

static void
single_head(Run *r)
{
	MgIntList	heads = mg_graph_heads(r->g);
	MgBuf		b;

	mg_buf_init(&b);
	if (heads.count == 0)
		mg_buf_puts(&b, "no revisions");
	else if (heads.count == 1)
		mg_buf_printf(&b, "one head: %s", r->g->nodes[heads.items[0]].id);
	else
	{
		mg_buf_printf(&b, "%d heads:", heads.count);
		for (int i = 0; i < heads.count; i++)
			mg_buf_printf(&b, "%s %s", i ? "," : "", r->g->nodes[heads.items[i]].id);
		mg_buf_puts(&b, " (merge them with migrate merge)");
	}
	report(r, 0, NULL, MG_TEST_SINGLE_HEAD,
		   heads.count <= 1 ? MG_TEST_PASSED : MG_TEST_FAILED, b.data);
}

MgStatus
mg_test_run(const MgGraph *g, uint8_t *applied, const MgIntList *steps,
			const MgTestOps *ops, void *ctx, MgTestCounts *counts, MgError *err)
{
	Run			r;
	MgStatus	st;
	char	   *detail;

	memset(&r, 0, sizeof(r));
	memset(counts, 0, sizeof(*counts));
	r.g = g;
	r.applied = applied;
	r.ops = ops;
	r.ctx = ctx;
	r.counts = counts;
	single_head(&r);
	for (int i = 0; i < steps->count; i++)
	{
		int			node = steps->items[i];
		MgTestOutcome outcome;

		detail = NULL;
		if ((st = stair(&r, node, &outcome, &detail, err)) != MG_OK)
			return st;
		if (outcome == MG_TEST_FAILED && r.first_failed == NULL)
			r.first_failed = g->nodes[node].id;
		report(&r, i + 1, g->nodes[node].id, MG_TEST_STAIRWAY, outcome, detail);
		if (ops->reset)
			ops->reset(ctx);
	}

	/* the straight upgrade: the stairway's first upgrades, in plan order */
	{
		MgBuf		b;
		MgTestOutcome outcome = MG_TEST_PASSED;

		mg_buf_init(&b);
		if (r.upgraded == steps->count)
			mg_buf_printf(&b, "%d revision%s upgraded in order", steps->count,
						  steps->count == 1 ? "" : "s");
		else if (r.upgrade_failed)
		{
			outcome = MG_TEST_FAILED;
			mg_buf_printf(&b, "%d of %d revisions upgraded: an upgrade failed",
						  r.upgraded, steps->count);
		}
		else
		{
			outcome = MG_TEST_SKIPPED;
			mg_buf_printf(&b, "not run to the end: %d of %d revisions upgraded",
						  r.upgraded, steps->count);
		}
		report(&r, steps->count + 1, NULL, MG_TEST_UPGRADE, outcome, b.data);
	}

	if (ops->model_diff)
	{
		char	   *pending = NULL;

		if (r.upgraded < steps->count)
			report(&r, steps->count + 2, NULL, MG_TEST_MODEL, MG_TEST_SKIPPED,
				   "not run: the upgrade did not reach the target");
		else if ((st = ops->model_diff(ctx, &pending, err)) != MG_OK)
			return st;
		else if (pending[0] == '\0')
			report(&r, steps->count + 2, NULL, MG_TEST_MODEL, MG_TEST_PASSED,
				   "the schema at the target matches the model");
		else
		{
			MgBuf		b;

			mg_buf_init(&b);
			mg_buf_printf(&b, "the schema at the target differs from the model; to reach it:\n%s",
						  pending);
			report(&r, steps->count + 2, NULL, MG_TEST_MODEL, MG_TEST_FAILED, b.data);
		}
	}
	return MG_OK;
}
