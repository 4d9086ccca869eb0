/*
 * graph_int.h — internals shared by the graph_*.c files and target.c only.
 */
#ifndef MG_GRAPH_INT_H
#define MG_GRAPH_INT_H

#include "graph.h"

typedef struct MgHeap
{
	const MgGraph *g;
	int		   *items;
	int			n;
} MgHeap;

void		mg_heap_init(MgHeap *h, const MgGraph *g, int cap);
void		mg_heap_push(MgHeap *h, int node);
int			mg_heap_pop(MgHeap *h);
void		mg_heap_free(MgHeap *h);

/* graph_ids.c: by_id and ranks, or the duplicate-id error */
MgStatus	mg_rank_ids(MgGraph *g, MgError *err);

int			mg_kahn(const MgGraph *g, const uint8_t *set, int *out);
void		mg_spread(const MgGraph *g, uint8_t *set, bool up);
MgStatus	mg_report_cycle(const MgGraph *g, const int *order, int done,
							MgError *err);

#endif
