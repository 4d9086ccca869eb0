/*
 * fuzz.h — what the libFuzzer harnesses of the shared core share
 * (fuzz_common.c): a failed invariant, a small deterministic random source,
 * and the checks of graphs, states and plans that both the target and the
 * planning harness make.
 *
 * Every check is written from the graph's node lists (parents, deps,
 * children, dependents) with plain walks, never with the closures and
 * orders of the code under test, so that a bug there cannot hide itself.
 * A failed check prints what it found and aborts: libFuzzer then saves the
 * input as a crash reproducer.
 */
#ifndef MG_FUZZ_H
#define MG_FUZZ_H

#include "graph.h"

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point each harness defines. */
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void		fuzz_fail(const char *fmt,...)
			__attribute__((noreturn, format(printf, 1, 2)));

#define FUZZ_CHECK(cond, ...) \
	do { if (!(cond)) fuzz_fail(__VA_ARGS__); } while (0)

/* A returned error is complete: its status, a message, NUL-terminated. */
void		fuzz_check_error(MgStatus st, const MgError *err, const char *what);

/* xorshift64*, seeded from bytes: the same input draws the same numbers. */
typedef struct FuzzRng
{
	uint64_t	s;
} FuzzRng;

void		fuzz_rng_seed(FuzzRng *r, const uint8_t *data, size_t size);
uint32_t	fuzz_rng_below(FuzzRng *r, uint32_t n);	/* 0 <= x < n, n > 0 */

/* ---- graph, state and plan invariants ---- */

/* Node lists, heads, bases, id order and upgrade order of a built graph. */
void		fuzz_check_graph(const MgGraph *g);
/* applied holds every parent and dependency of its members. */
void		fuzz_check_closed(const MgGraph *g, const uint8_t *applied,
							  const char *what);
/*
 * mg_version_set of applied is canonical: in id order, no member an
 * ancestor of another, its closure (and mg_state_from_versions of its ids)
 * is applied again.
 */
void		fuzz_check_version_set(const MgGraph *g, const uint8_t *applied);
/* A random closed state (the closure of a few random versions). */
uint8_t    *fuzz_random_state(const MgGraph *g, FuzzRng *r);

/*
 * Plan target with op (and purge) from applied, and check the result:
 * errors are complete; steps run one by one are each allowed
 * (a revision after all its parents and dependencies on upgrade, before
 * all its children and dependents on downgrade, as mg_rule_one_step says
 * too) and end at plan.after; the state after is closed and its version
 * set canonical; upgrades only add, downgrades only remove, the target is
 * reached; planning again gives the same plan, and planning from the
 * state reached, while the target still resolves the same, gives none.
 * Returns the plan's status.
 */
MgStatus	fuzz_check_plan(const MgGraph *g, const char *target, MgOp op,
							const uint8_t *applied, bool purge);

/* The same node numbers in the same order; the same kind and nodes. */
bool		fuzz_same_ints(const MgIntList *a, const MgIntList *b);
bool		fuzz_same_target(const MgTarget *a, const MgTarget *b);

/* Ids of a node list, space-separated, for messages (static buffer). */
const char *fuzz_ids(const MgGraph *g, const MgIntList *l);

#endif							/* MG_FUZZ_H */
