/*
 * exec.c — mg_execute(): the one loop that runs a plan's steps over an
 * executor's primitives (see exec.h for the protocol).
 */
#include "exec.h"

#include <string.h>

/* Every step described and checked before the first one runs. */
static MgStatus
check_steps(const MgIntList *steps, bool downgrade, const MgExecOps *ops,
			void *ctx, MgError *err)
{
	for (int i = 0; i < steps->count; i++)
	{
		MgStep		s;
		MgStatus	st;

		memset(&s, 0, sizeof(s));
		if ((st = ops->describe(ctx, steps->items[i], downgrade, &s, err)) != MG_OK)
			return st;
		if (!ops->can_leave_transaction &&
			(st = mg_rule_transactional(&s, err)) != MG_OK)
			return st;
		if (downgrade)
			st = mg_rule_downgradable(&s, err);
		if (ops->release)
			ops->release(ctx, &s);
		if (st != MG_OK)
			return st;
	}
	return MG_OK;
}

MgStatus
mg_execute(const MgGraph *g, const MgIntList *steps, bool downgrade,
		   uint8_t *state, const MgExecOps *ops, void *ctx, int *done,
		   MgError *err)
{
	MgStatus	st;

	*done = 0;
	if ((st = check_steps(steps, downgrade, ops, ctx, err)) != MG_OK)
		return st;
	for (int i = 0; i < steps->count; i++)
	{
		MgStep		s;
		int			node = steps->items[i];

		memset(&s, 0, sizeof(s));
		if ((st = ops->describe(ctx, node, downgrade, &s, err)) != MG_OK ||
			(st = ops->fetch(ctx, &s, err)) != MG_OK)
			return st;
		if (!s.transactional &&
			(st = ops->commit(ctx, state, err)) != MG_OK)
			return st;
		if (ops->started)
			ops->started(ctx, i, steps->count, &s);
		if ((st = ops->run(ctx, &s, s.transactional, err)) != MG_OK)
			return st;
		if (!s.transactional &&
			(st = ops->begin(ctx, state, err)) != MG_OK)
			return st;
		if ((st = ops->record(ctx, &s, err)) != MG_OK)
			return st;
		state[node] = downgrade ? 0 : 1;
		(*done)++;
		if (ops->finished)
			ops->finished(ctx, &s);
		if (ops->release)
			ops->release(ctx, &s);
	}
	(void) g;
	return MG_OK;
}
