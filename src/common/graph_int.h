/*
 * graph_int.h — internals shared by the graph_*.c files and by the target,
 * plan and history code built on them (target.c, plan.c, history.c) only.
 */
#ifndef MG_GRAPH_INT_H
#define MG_GRAPH_INT_H

#include "graph.h"

typedef struct MgHeap
{
	const MgGraph *g;
	uint64_t   *items;			/* rank << 32 | node */
	int			n;
	int			cap;
} MgHeap;

void		mg_heap_init(MgHeap *h, const MgGraph *g);
void		mg_heap_push(MgHeap *h, int node);
int			mg_heap_pop(MgHeap *h);
void		mg_heap_free(MgHeap *h);

/* graph_ids.c, graph_edges.c: the steps of mg_graph_build */
MgStatus	mg_rank_ids(MgGraph *g, MgError *err);
MgStatus	mg_resolve_edges(MgGraph *g, MgError *err);
void		mg_unlink_nodes(MgGraph *g);
void		mg_edges_free(MgGraph *g);
void		mg_sort_by_rank(const MgGraph *g, int *items, int n);

/* graph_index.c: id -> node */
void		mg_index_build(MgGraph *g);
int			mg_index_find(const MgGraph *g, const char *id);
void		mg_index_find_many(const MgGraph *g, const char *const *ids, int n,
							   int *nodes);
void		mg_index_free(MgIdIndex *x);

int			mg_kahn(const MgGraph *g, const uint8_t *set, int *out);

/* graph_branches.c: the branch labels of every node, after the order */
void		mg_branches_build(MgGraph *g);
void		mg_branches_free(MgBranchIndex *b);
void		mg_spread(const MgGraph *g, uint8_t *set, bool up);

/* graph_query.c: node sets, one byte per node, freed with mg_free */
uint8_t    *mg_node_set(const MgGraph *g);	/* all clear */
uint8_t    *mg_closure(const MgGraph *g, const MgIntList *nodes, bool up);
MgStatus	mg_report_cycle(const MgGraph *g, const int *order, int done,
							MgError *err);

#endif
