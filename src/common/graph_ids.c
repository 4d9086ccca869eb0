/*
 * graph_ids.c — the id order of the graph: every id sorted once (strcmp
 * order), giving each node its rank, the by-rank node array that prefix
 * search and id-ordered listings walk, and duplicate detection.
 *
 * Sorting is a radix sort on the first eight bytes of each id packed
 * big-endian into an integer, which orders exactly as strcmp orders
 * those bytes.  Ids are mostly distinct within eight bytes, so one
 * linear sort settles nearly everything; runs that tie are sorted again
 * on their next eight bytes.  A comparison sort calling strcmp was the
 * largest single cost of building a big graph, and grows as n log n.
 */
#include "graph.h"
#include "graph_int.h"

#include <string.h>

typedef struct IdKey
{
	uint64_t	key;			/* eight bytes of the id from depth on */
	int			node;
} IdKey;

/* below this many ids an insertion sort is cheaper than eight passes */
#define SMALL_SORT 48

/* The first eight bytes of s (zero-padded past its end), big-endian. */
static uint64_t
prefix_key(const char *s)
{
	uint64_t	k = 0;
	int			i;

	for (i = 0; i < 8 && s[i]; i++)
		k = (k << 8) | (unsigned char) s[i];
	return i == 0 ? 0 : k << (8 * (8 - i));
}

static int
cmp_ids(const MgGraph *g, const IdKey *a, const IdKey *b, size_t depth)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	/* equal keys with a zero last byte: both ids ended, they are equal */
	if ((a->key & 0xff) == 0)
		return 0;
	return strcmp(g->idtxt[a->node] + depth + 8,
				  g->idtxt[b->node] + depth + 8);
}

static void
insertion_sort(const MgGraph *g, IdKey *a, int n, size_t depth)
{
	for (int i = 1; i < n; i++)
	{
		IdKey		v = a[i];
		int			j = i;

		while (j > 0 && cmp_ids(g, &a[j - 1], &v, depth) > 0)
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

/*
 * LSD radix sort of a[0..n) on key, a byte per pass, with tmp as scratch
 * space.  One pass counts all eight digits; a digit that is the same in
 * every key (common: ids share a character set, often a prefix) costs
 * nothing more.
 */
static void
radix_sort(IdKey *a, IdKey *tmp, int n)
{
	int			count[8][256];
	IdKey	   *src = a,
			   *dst = tmp;

	memset(count, 0, sizeof(count));
	for (int i = 0; i < n; i++)
		for (int d = 0; d < 8; d++)
			count[d][(a[i].key >> (8 * d)) & 0xff]++;
	for (int d = 0; d < 8; d++)
	{
		int			sum = 0;

		if (count[d][(a[0].key >> (8 * d)) & 0xff] == n)
			continue;
		for (int b = 0; b < 256; b++)
		{
			int			c = count[d][b];

			count[d][b] = sum;
			sum += c;
		}
		for (int i = 0; i < n; i++)
			dst[count[d][(src[i].key >> (8 * d)) & 0xff]++] = src[i];
		{
			IdKey	   *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != a)
		memcpy(a, src, sizeof(IdKey) * (size_t) n);
}

/*
 * Sort a[0..n), whose ids agree on their first depth bytes, by the rest.
 * Keys hold bytes depth..depth+7 on entry.
 */
static void
sort_ids(const MgGraph *g, IdKey *a, IdKey *tmp, int n, size_t depth)
{
	int			start = 0;

	if (n < SMALL_SORT)
	{
		insertion_sort(g, a, n, depth);
		return;
	}
	radix_sort(a, tmp, n);
	/* runs that tie on these eight bytes and go on: sort on the next */
	for (int i = 1; i <= n; i++)
	{
		if (i < n && a[i].key == a[start].key)
			continue;
		if (i - start > 1 && (a[start].key & 0xff) != 0)
		{
			for (int j = start; j < i; j++)
				a[j].key = prefix_key(g->idtxt[a[j].node] + depth + 8);
			sort_ids(g, a + start, tmp + start, i - start, depth + 8);
		}
		start = i;
	}
}

/*
 * Fill g->by_id and the ranks, or report the smallest duplicated id.
 */
MgStatus
mg_rank_ids(MgGraph *g, MgError *err)
{
	int			n = g->n;
	IdKey	   *a = mg_alloc(sizeof(IdKey) * (size_t) (n > 0 ? 2 * n : 1));
	IdKey	   *tmp = a + n;

	for (int i = 0; i < n; i++)
	{
		a[i].key = prefix_key(g->idtxt[i]);
		a[i].node = i;
	}
	sort_ids(g, a, tmp, n, 0);

	/*
	 * Equal ids end up next to each other with equal keys (at whatever
	 * depth their run was keyed last), so only equal keys need strcmp.
	 */
	for (int r = 1; r < n; r++)
		if (a[r].key == a[r - 1].key &&
			strcmp(g->idtxt[a[r].node], g->idtxt[a[r - 1].node]) == 0)
		{
			const char *id = g->idtxt[a[r].node];

			mg_free(a);
			return mg_error(err, MG_ERR_DUPLICATE, id, 0,
							"duplicate revision id %s", id);
		}
	g->by_id = mg_alloc(sizeof(int) * (size_t) (n > 0 ? n : 1));
	g->rank = mg_alloc(sizeof(int) * (size_t) (n > 0 ? n : 1));
	for (int r = 0; r < n; r++)
	{
		g->by_id[r] = a[r].node;
		g->rank[a[r].node] = r;
	}
	mg_free(a);
	return MG_OK;
}
