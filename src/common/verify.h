/*
 * verify.h — snapshots, drift and the built-in migration test suite
 * (SPEC §8), the rules both sides share (verify.c).
 *
 * A snapshot is the canonical description of the managed schemas: the
 * model the catalog reader produces (the same reader as diff), written as
 * the DDL that creates it from nothing, in the differ's deterministic
 * order, by the dialect's writer; its SHA-256 is what is compared first.
 *
 * Drift is the list of differences between two models, grouped into
 * items, one per object (consecutive changes of one object are one item),
 * in the order their repair statements must run, each with what happened
 * to the object and the changes that repair it.
 *
 * The test suite (pytest-alembic's tests) runs over primitives each side
 * implements: run one step, read the schema, report a row.  The server
 * runs it inside a subtransaction that is rolled back, the program on a
 * SQLite backup copy or on a scratch PostgreSQL database.
 */
#ifndef MG_VERIFY_H
#define MG_VERIFY_H

#include "exec.h"
#include "schema_model.h"

/* ---- snapshots ---- */

/*
 * The changes that create m from an empty schema (for the writer); m is
 * used up (the differ may change it) and the changes point into it.
 */
MgStatus	mg_snapshot_changes(MgSchemaModel *m, MgChangeList *out,
								MgError *err);

/* ---- drift ---- */

/* What happened to an object between the recorded and the live schema. */
typedef enum MgDriftKind
{
	MG_DRIFT_EXTRA,				/* in the live schema only */
	MG_DRIFT_MISSING,			/* in the recorded schema only */
	MG_DRIFT_CHANGED			/* in both, another definition */
} MgDriftKind;

typedef struct MgDriftItem
{
	MgDriftKind kind;
	char	   *object;			/* "index public.t_a_idx", "column public.t.a" */
	MgChangeList changes;		/* what turns live back into recorded */
} MgDriftItem;

typedef struct MgDriftList
{
	MgDriftItem *items;
	int			count;
} MgDriftList;

/*
 * The differences between live and recorded, as items whose changes turn
 * live into recorded (both models are copied, not changed).
 */
MgStatus	mg_drift(const MgSchemaModel *live, const MgSchemaModel *recorded,
					 MgDriftList *out, MgError *err);

/* How a report words a kind: drift ("added", "dropped", "changed") or a
 * failed stairway step ("left behind", "missing", "changed"). */
const char *mg_drift_word(MgDriftKind kind, bool stairway);

/* "left behind: index public.i; missing: column public.t.a" */
char	   *mg_drift_summary(const MgDriftList *l, bool stairway);

/* compare() for a side that reads models: *summary NULL when the same */
MgStatus	mg_drift_compare(const MgSchemaModel *live, const MgSchemaModel *before,
							 char **summary, MgError *err);

/* The kind drift() words as "added", "dropped" or "changed"; false: none. */
bool		mg_drift_kind_of(const char *word, MgDriftKind *out);

/* ---- the test suite ---- */

#define MG_TEST_SINGLE_HEAD	"test_single_head_revision"
#define MG_TEST_UPGRADE		"test_upgrade"
#define MG_TEST_STAIRWAY	"test_up_down_consistency"
#define MG_TEST_MODEL		"test_model_definitions_match_ddl"

/* A row's outcome. */
typedef enum MgTestOutcome
{
	MG_TEST_FAILED = 0,
	MG_TEST_PASSED = 1,
	MG_TEST_SKIPPED = 2			/* not run (ok is NULL on the server) */
} MgTestOutcome;

typedef struct MgTestOps
{
	/* can run transaction-false revisions (a scratch database) */
	bool		can_leave_transaction;
	/* describe a step (as the executor's describe: transactional, has_body) */
	MgStatus	(*describe) (void *ctx, int node, bool downgrade, MgStep *out,
							 MgError *err);
	/* run and record one step (upgrade or downgrade of node) */
	MgStatus	(*step) (void *ctx, int node, bool downgrade, MgError *err);
	/*
	 * Remember the compared schemas as they are now in slot 0 (slot 1 is
	 * spare), replacing (and freeing) what that slot held.
	 */
	MgStatus	(*read) (void *ctx, int slot, MgError *err);
	/*
	 * Compare the schemas as they are now with slot's reading: *summary
	 * NULL or "" when they are the same, else what the live schema has
	 * that the reading lacks and the reverse, in mg_drift_summary's
	 * stairway words ("left behind: index public.i; missing: ...").
	 */
	MgStatus	(*compare) (void *ctx, int slot, char **summary, MgError *err);
	/*
	 * The changes from the live schema to the model, as text ("" when they
	 * match); NULL: no model given.
	 */
	MgStatus	(*model_diff) (void *ctx, char **out, MgError *err);
	/*
	 * Optional: mark the state (a savepoint; marks nest) and later go back
	 * to the innermost mark (keep false) or forget it (keep true), so that
	 * the stairway goes on after a downgrade that fails; without them it
	 * stops there.
	 */
	MgStatus	(*mark) (void *ctx, MgError *err);
	void		(*rewind) (void *ctx, bool keep);
	/*
	 * Optional, with mark: a cheap value of the catalog such that equal
	 * values mean equal schemas (different ones mean nothing).  A step
	 * whose downgrade gives the fingerprint back passes without reading
	 * the schema; otherwise the step is rewound and compared for real.
	 * This makes the stairway linear in the schema's size instead of
	 * reading it twice per step.
	 */
	MgStatus	(*fingerprint) (void *ctx, char **out, MgError *err);
	/* one result row; revision may be NULL */
	void		(*row) (void *ctx, int step, const char *revision,
						const char *test, MgTestOutcome outcome,
						const char *detail);
	/* between revisions: free what the driver allocated for the last one */
	void		(*reset) (void *ctx);
} MgTestOps;

typedef struct MgTestCounts
{
	int			passed;
	int			failed;
	int			skipped;
} MgTestCounts;

/*
 * Run the suite: single head (over the graph), then the stairway for every
 * step of 'steps' (an upgrade plan from 'applied', which follows the
 * steps), then test_upgrade (the stairway's first upgrades are the straight
 * upgrade), then the model test when ops->model_diff is set (when every
 * step upgraded).  A failed upgrade skips the steps that need it; a failed
 * downgrade returns to the state after the upgrade (mark/rewind) and the
 * stairway goes on, or, without mark, stops.  Returns
 * MG_OK unless a primitive other than step() fails (a read, the model).
 */
MgStatus	mg_test_run(const MgGraph *g, uint8_t *applied, const MgIntList *steps,
						const MgTestOps *ops, void *ctx, MgTestCounts *counts,
						MgError *err);

#endif							/* MG_VERIFY_H */
