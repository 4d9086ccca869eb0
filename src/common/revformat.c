/*
 * revformat.c — a revision written back as file text (SPEC section 2), in
 * the canonical layout: header keys in a fixed order, then every present
 * section.
 */
#include "revfile.h"

static void
format_list(MgBuf *b, const char *key, const MgStrList *l, const char *empty)
{
	if (l->count == 0 && empty == NULL)
		return;
	mg_buf_printf(b, "-- migrate:%s ", key);
	if (l->count == 0)
		mg_buf_puts(b, empty);
	for (int i = 0; i < l->count; i++)
	{
		if (i > 0)
			mg_buf_puts(b, ", ");
		mg_buf_puts(b, l->items[i]);
	}
	mg_buf_puts(b, "\n");
}

char *
mg_revfile_format(const MgRevFile *rf)
{
	MgBuf		b;

	mg_buf_init(&b);
	mg_buf_printf(&b, "-- migrate:revision %s\n", rf->id);
	format_list(&b, "revises", &rf->revises, "base");
	if (rf->message)
		mg_buf_printf(&b, "-- migrate:message %s\n", rf->message);
	if (rf->created)
		mg_buf_printf(&b, "-- migrate:created %s\n", rf->created);
	format_list(&b, "branch", &rf->branch, NULL);
	format_list(&b, "depends", &rf->depends, NULL);
	if (!rf->transactional)
		mg_buf_puts(&b, "-- migrate:transaction false\n");
	if (rf->batch_never)
		mg_buf_puts(&b, "-- migrate:batch never\n");
	for (int k = 0; k < MG_NUM_SECTION_KINDS; k++)
		for (int d = 0; d < MG_NUM_DIALECTS; d++)
		{
			const MgSection *s = &rf->sections[k][d];

			if (!s->present)
				continue;
			mg_buf_printf(&b, "\n-- migrate:%s%s%s\n",
						  k == MG_SECTION_UPGRADE ? "upgrade" : "downgrade",
						  d == MG_DIALECT_ANY ? "" : " ", mg_dialect_name(d));
			if (s->body[0])
				mg_buf_printf(&b, "%s\n", s->body);
		}
	return b.data;
}
