/*
 * graph.h — the revision graph of SPEC section 3.
 *
 * Revisions are added by id with their parents (revises), dependencies
 * (depends) and branch labels; mg_graph_build() resolves and validates the
 * edges (unknown ids, duplicates, cycles) and prepares what every query
 * needs.  The graph never knows where revisions came from: callers keep
 * their own per-revision data indexed by the node number mg_graph_add()
 * returns.
 *
 * Database state is an "applied" byte array indexed by node (1 = applied),
 * always closed under revises and depends.  Everything is linear in nodes
 * plus edges, except that orderings of sets not closed under revises and
 * depends use a heap keyed by id (log of the number of ready revisions per
 * step), and ids that agree on their first eight bytes are sorted again on
 * the next eight.
 */
#ifndef MG_GRAPH_H
#define MG_GRAPH_H

#include "mg_base.h"

/*
 * A revision.  Its strings and lists belong to the graph (they live in
 * its arena and arrays): read them, never free or extend them.
 */
typedef struct MgNode
{
	char	   *id;
	MgStrList	revises_txt;	/* as given; resolved by build */
	MgStrList	depends_txt;
	MgStrList	labels;			/* branch labels declared here */
	MgIntList	parents;		/* resolved revises */
	MgIntList	deps;			/* resolved depends */
	MgIntList	children;		/* reverse of parents */
	MgIntList	dependents;		/* reverse of deps */
	int			rank;			/* position in id order */
} MgNode;

/*
 * Edges of every node in two flat arrays (compressed rows): node i's are
 * items[off[i] .. off[i + 1]), those of the first kind before mid[i].
 * The MgNode lists point into items; the graph's own passes read these
 * arrays, a few bytes per node, instead of the wide MgNode structs.
 */
typedef struct MgEdges
{
	int		   *off;			/* n + 1 entries */
	int		   *mid;			/* n entries */
	int		   *items;
} MgEdges;

/* id -> node (graph_index.c) */
typedef struct MgIdIndex
{
	uint64_t   *slots;
	size_t		cap;			/* power of two; 0 until built */
} MgIdIndex;

/*
 * Branch labels per node (graph_branches.c), built with the graph when it
 * has labels: per node the first cell of two lists of labelled nodes, its
 * own and its ancestors' (anc) and those of its unshared line above
 * (chain); cells are (node, next) with -1 ending a list, and lists share
 * their tails.
 */
typedef struct MgBranchIndex
{
	int		   *anc;			/* n entries, NULL when no labels */
	int		   *chain;
	int		   *node;			/* per cell */
	int		   *next;
	int			ncells;
	int			cap;
} MgBranchIndex;

typedef struct MgGraph
{
	MgNode	   *nodes;
	int			n;
	int			cap;
	MgIdIndex	ids;
	MgMap		labels;			/* label -> node declaring it */
	int		   *by_id;			/* node numbers in id order */
	int		   *topo;			/* all nodes in upgrade order */
	bool		built;
	MgArena		text;			/* ids, references and labels as given */

	/*
	 * Packed copies kept by mg_graph_add, so that building reads a few
	 * bytes per node instead of walking the MgNode array again and again.
	 */
	const char **idtxt;			/* nodes[i].id */
	const char **reftxt;		/* revises then depends of each node */
	int			nrefs;
	int			refcap;
	MgIntList	labelled;		/* nodes declaring branch labels */

	/* what mg_graph_build derives */
	int		   *rank;			/* nodes[i].rank, packed */
	MgEdges		up;				/* parents, then deps; off and mid are
								 * the positions in reftxt */
	MgEdges		down;			/* children, then dependents (id order) */
	MgBranchIndex branches;		/* labels per node */
} MgGraph;

void		mg_graph_init(MgGraph *g, int expected);
/* Add one revision (all strings copied); returns its node number. */
int			mg_graph_add(MgGraph *g, const char *id,
						 const char *const *revises, int nrevises,
						 const char *const *depends, int ndepends,
						 const char *const *labels, int nlabels);
MgStatus	mg_graph_build(MgGraph *g, MgError *err);
void		mg_graph_free(MgGraph *g);
int			mg_graph_find(const MgGraph *g, const char *id);	/* -1: none */

/* Heads (no children), bases (no parents), branch points (2+ children). */
MgIntList	mg_graph_heads(const MgGraph *g);
MgIntList	mg_graph_bases(const MgGraph *g);
MgIntList	mg_graph_branch_points(const MgGraph *g);

/*
 * The two flags, each defined once: a head has no children (what
 * "heads" lists, and "(head)" in the program); a tip has neither
 * children nor dependents, so the version set at heads is the tips
 * (migrate.revision.tip on the server).
 */
bool		mg_graph_is_head(const MgGraph *g, int node);
bool		mg_graph_is_tip(const MgGraph *g, int node);

/*
 * Branch labels that apply to a node, as Alembic propagates them: labels
 * of the node and its ancestors, and of descendants for which the node is
 * an exclusive ancestor (below no branch point).  Strings are the graph's;
 * computed for every node by the build, so a call costs its answer's
 * length (graph_branches.c says in which order the labels come).
 */
MgStrList	mg_graph_node_branches(const MgGraph *g, int node);

/*
 * "Running upgrade A, B -> C, message" / "Running downgrade C -> A, B,
 * message", as Alembic logs a step (parents empty for a root).
 */
char	   *mg_running_text(const MgGraph *g, int node, bool downgrade,
							const char *message);

/* ---- state ---- */

/* Closure of a stored version set; unknown ids are an error. */
MgStatus	mg_state_from_versions(const MgGraph *g,
								   const char *const *versions, int nversions,
								   uint8_t *applied, MgError *err);
/* The canonical version set of an applied set, in id order. */
MgIntList	mg_version_set(const MgGraph *g, const uint8_t *applied);
/* Topological order of the nodes in set (smallest ready id first). */
MgIntList	mg_order(const MgGraph *g, const uint8_t *set);

/* ---- targets and plans ---- */

typedef enum MgOp
{
	MG_OP_UPGRADE,
	MG_OP_DOWNGRADE,
	MG_OP_STAMP
} MgOp;

typedef enum MgTargetKind
{
	MG_TARGET_BASE,				/* nothing applied */
	MG_TARGET_SET,				/* these revisions (and ancestors) applied */
	MG_TARGET_REMOVE			/* these revisions and descendants removed */
} MgTargetKind;

typedef struct MgTarget
{
	MgTargetKind kind;
	MgIntList	nodes;
} MgTarget;

MgStatus	mg_target_resolve(const MgGraph *g, const char *text, MgOp op,
							  const uint8_t *applied, MgTarget *out,
							  MgError *err);
/* Resolve text that must name exactly one revision (show, range ends). */
MgStatus	mg_target_single(const MgGraph *g, const char *text,
							 const uint8_t *applied, int *node, MgError *err);
void		mg_target_free(MgTarget *t);

typedef struct MgPlan
{
	bool		downgrade;
	MgIntList	steps;			/* node numbers in execution order */
	uint8_t    *after;			/* applied set once the plan has run */
} MgPlan;

MgStatus	mg_plan(const MgGraph *g, const char *target, MgOp op,
					const uint8_t *applied, bool purge, MgPlan *out,
					MgError *err);
/* Upgrade if that would do anything, else downgrade (migrate.plan()). */
MgStatus	mg_plan_auto(const MgGraph *g, const char *target,
						 const uint8_t *applied, MgPlan *out, MgError *err);
void		mg_plan_free(MgPlan *p);

/* History: the revisions of a range "A:B", "A:", ":B" (NULL = all), newest
 * first. */
MgStatus	mg_history(const MgGraph *g, const char *range,
					   const uint8_t *applied, MgIntList *out, MgError *err);

#endif							/* MG_GRAPH_H */
