/*
 * problems.h — what is wrong with a database's state, one rule for the
 * server (validate(), check(), status()) and the program (check, status):
 *
 *   - a version row that names no known revision: missing;
 *   - a revision the history says is applied but that is not known:
 *     missing (unless a version row already said so);
 *   - an applied revision whose checksum is not the one it was applied
 *     with (its last applying history row, mg_history_applies): changed.
 *
 * "Known" means in the catalog on the server and in the files in the
 * program; the messages say which.
 */
#ifndef MG_PROBLEMS_H
#define MG_PROBLEMS_H

#include "graph.h"

typedef enum MgKnownBy
{
	MG_KNOWN_BY_CATALOG,
	MG_KNOWN_BY_FILES
} MgKnownBy;

/* The last applying history row of a revision (checksum may be NULL). */
typedef struct MgAppliedWith
{
	const char *revision;
	const char *checksum;
} MgAppliedWith;

/* A journal row: a transaction-false revision run part-way. */
typedef struct MgPartial
{
	const char *revision;
	bool		downgrade;
	int			done;			/* statements completed */
	int			total;
} MgPartial;

typedef struct MgProblem
{
	char	   *revision;
	char	   *problem;
} MgProblem;

typedef struct MgProblems
{
	MgProblem  *items;
	int			count;
	int			cap;
} MgProblems;

/*
 * The problems, in this order: versions (as given), the history rows (as
 * given), then the partial runs (as given).  applied is the state of g; checksum[node] the checksum each
 * known revision has now; where[node], if not NULL, the file named after a
 * changed checksum.
 */
MgProblems	mg_state_problems(const MgGraph *g, const uint8_t *applied,
							  const char *const *checksum, const char *const *where,
							  const char *const *versions, int nversions,
							  const MgAppliedWith *hist, int nhist,
							  const MgPartial *partial, int npartial, MgKnownBy known_by);

/* "partially applied: revision X, statement 2 of 3 done; ..." */
char	   *mg_partial_problem(const MgPartial *p);
void		mg_problems_free(MgProblems *p);

#endif							/* MG_PROBLEMS_H */
