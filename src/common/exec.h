/*
 * exec.h — the one step executor, and the rules every executed step obeys.
 *
 * A plan (src/common/plan) is a list of graph nodes in execution order.
 * mg_execute() runs it over a small set of primitives that each side
 * implements: the server through SPI (src/server/commands.c), the program
 * on SQLite (src/cli/sqlite_exec.c) and for transaction-false revisions on
 * PostgreSQL (src/cli/pg_exec.c), and the offline writer (offline.c), whose
 * primitives append SQL text instead of running it.
 *
 * The protocol, for every step in order:
 *   - before anything runs, every step is described and checked: a
 *     downgrade step needs a downgrade section (MG_ERR_IRREVERSIBLE), a
 *     transaction-false step needs an executor that can leave its
 *     transaction (MG_ERR_NONTRANSACTIONAL);
 *   - a transaction-false step first commits what came before
 *     (commit(state so far)), runs in autocommit (run(in_tx = false)), and
 *     then begins the next transaction (begin());
 *   - every step is recorded (record()) inside the transaction that
 *     follows it, and state[node] follows the step.
 * The caller opens the first transaction and commits the last one with the
 * final state: the executor never decides when a run ends.
 */
#ifndef MG_EXEC_H
#define MG_EXEC_H

#include "graph.h"

/* What an executor knows of one step before running it. */
typedef struct MgStep
{
	int			node;
	const char *id;
	const char *message;		/* NULL: none */
	const char *source;			/* file (path or name) for errors; NULL: none */
	const char *checksum;		/* of the upgrade body */
	bool		transactional;
	bool		downgrade;		/* running the downgrade section */
	bool		has_body;		/* the section to run exists */
	/* filled by fetch(): the section to run and its first file line */
	const char *body;
	int			body_line;
	const char *script;			/* the whole revision file, when known */
} MgStep;

typedef struct MgExecOps
{
	/* may leave the transaction for transaction-false steps */
	bool		can_leave_transaction;
	/* Describe step node (everything but body); cheap, called up front. */
	MgStatus	(*describe) (void *ctx, int node, bool downgrade, MgStep *out,
							 MgError *err);
	/* Fill in body and body_line (and script, where the side has it). */
	MgStatus	(*fetch) (void *ctx, MgStep *step, MgError *err);
	/* Commit the open transaction, the version set being state. */
	MgStatus	(*commit) (void *ctx, const uint8_t *state, MgError *err);
	/* Open the next transaction (after a transaction-false step). */
	MgStatus	(*begin) (void *ctx, const uint8_t *state, MgError *err);
	/* Run the step's body; in_tx false: outside any transaction. */
	MgStatus	(*run) (void *ctx, const MgStep *step, bool in_tx, MgError *err);
	/* Log the step (history) in the open transaction. */
	MgStatus	(*record) (void *ctx, const MgStep *step, MgError *err);
	/* Progress: step i of n starts; the last one started has finished. */
	void		(*started) (void *ctx, int i, int n, const MgStep *step);
	void		(*finished) (void *ctx, const MgStep *step);
	/* Release what fetch() allocated for a step (may be NULL). */
	void		(*release) (void *ctx, MgStep *step);
} MgExecOps;

/*
 * Run steps (graph nodes, in order) with ops; state is the applied set
 * and follows the steps.  *done: how many steps were recorded.
 */
MgStatus	mg_execute(const MgGraph *g, const MgIntList *steps, bool downgrade,
					   uint8_t *state, const MgExecOps *ops, void *ctx,
					   int *done, MgError *err);

/* ---- the rules (rules.c), one function each ---- */

/* A downgrade step needs a downgrade section. */
MgStatus	mg_rule_downgradable(const MgStep *step, MgError *err);
/* A transaction-false step cannot run where a transaction is forced. */
MgStatus	mg_rule_transactional(const MgStep *step, MgError *err);
/*
 * node can be applied (downgrade: reverted) as one step from applied:
 * upgrade: not applied, parents and dependencies applied; downgrade:
 * applied, no child or dependent applied.
 */
MgStatus	mg_rule_one_step(const MgGraph *g, const uint8_t *applied, int node,
							 bool downgrade, MgError *err);

/*
 * An applied revision stored again with new text (a push, add_revision):
 * its upgrade checksum may change only when repairing, its revises and
 * depends never.  where names the file in the hint (may be NULL).
 */
MgStatus	mg_rule_replace_applied(const char *id, const char *where,
									const char *old_checksum, const char *new_checksum,
									bool same_structure, bool repair, MgError *err);

/* "upgrade of revision X (msg)" / "downgrade of ...", for error texts. */
char	   *mg_step_what(const MgStep *step);

#endif							/* MG_EXEC_H */
