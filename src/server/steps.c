/*
 * steps.c — the catalog as the step source of the shared executor and
 * offline writer (src/common/exec.h): describe() from the loaded catalog,
 * fetch() from migrate.revision.  Everything a step allocates lives in a
 * context reset when the step is released, so a 10,000-revision run keeps
 * one revision's text at a time.
 */
#include "migrate.h"

#include "utils/memutils.h"

void
server_steps_init(ServerSteps *ss, const MigrateCatalog *cat)
{
	memset(ss, 0, sizeof(*ss));
	ss->cat = cat;
	ss->per_rev = AllocSetContextCreate(CurrentMemoryContext, "migrate revision",
										ALLOCSET_DEFAULT_SIZES);
}

void
server_steps_done(ServerSteps *ss)
{
	MemoryContextDelete(ss->per_rev);
	ss->per_rev = NULL;
}

static void
fill_from_rev(const MigrateRevision *rev, MgStep *s)
{
	s->message = rev->message;
	s->source = rev->source;
	s->checksum = rev->checksum;
	s->transactional = rev->transactional;
	s->has_body = (s->downgrade ? rev->downgrade : rev->upgrade) != NULL;
	s->body = s->downgrade ? rev->downgrade : rev->upgrade;
	s->body_line = s->downgrade ? rev->downgrade_line : rev->upgrade_line;
	s->script = rev->script;
}

/*
 * Cheap for an upgrade (the loaded catalog says it all); a downgrade needs
 * to know whether the revision has a downgrade section, so it fetches.
 */
MgStatus
server_step_describe(void *ctx, int node, bool downgrade, MgStep *out,
					 MgError *err)
{
	ServerSteps *ss = ctx;
	const MigrateCatalog *cat = ss->cat;

	out->node = node;
	out->id = cat->graph.nodes[node].id;
	out->message = cat->message[node];
	out->transactional = cat->transactional[node];
	out->downgrade = downgrade;
	out->has_body = true;
	if (downgrade)
		return server_step_fetch(ctx, out, err);
	return MG_OK;
}

MgStatus
server_step_fetch(void *ctx, MgStep *s, MgError *err)
{
	ServerSteps *ss = ctx;
	MemoryContext old = MemoryContextSwitchTo(ss->per_rev);

	catalog_fetch(s->id, &ss->rev);
	MemoryContextSwitchTo(old);
	fill_from_rev(&ss->rev, s);
	return MG_OK;
}

void
server_step_release(void *ctx, MgStep *s)
{
	ServerSteps *ss = ctx;

	MemoryContextReset(ss->per_rev);
}

const MgExecOps server_source_ops = {
	false, server_step_describe, server_step_fetch, NULL, NULL, NULL, NULL,
	NULL, NULL, server_step_release
};
