/*
 * fuzz_revfile.c — libFuzzer harness of the revision file parser
 * (revfile.c, revtoken.c) and of the two writers of revision text: the
 * canonical file layout (revformat.c) and the offline script (offline.c),
 * which carries the whole file to add_revision() in a dollar-quoted string.
 *
 * Input: the bytes of one revision file.  Invariants: no crash, leak or
 * undefined behaviour; a refused file gets a complete error on a line of
 * the file; the sections of an accepted file are on the lines they say
 * (errors in them name those lines); the file, written back in the
 * canonical layout, parses to the same revision, whose canonical text is
 * the same again,
 * with the same sections and checksums for every dialect; and an offline
 * PostgreSQL script of it, read back as PostgreSQL reads a dollar-quoted
 * string, holds exactly the file's text.
 */
#include "fuzz.h"
#include "offline.h"
#include "sqltext.h"
#include "revfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
same_str(const char *what, const char *a, const char *b)
{
	FUZZ_CHECK((a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0),
			   "round trip changes %s: \"%s\" -> \"%s\"", what, a ? a : "(null)",
			   b ? b : "(null)");
}

static void
same_list(const char *what, const MgStrList *a, const MgStrList *b)
{
	FUZZ_CHECK(a->count == b->count, "round trip changes the length of %s: %d -> %d",
			   what, a->count, b->count);
	for (int i = 0; i < a->count; i++)
		same_str(what, a->items[i], b->items[i]);
}

static void
same_revfile(const MgRevFile *a, const MgRevFile *b)
{
	same_str("the id", a->id, b->id);
	same_list("revises", &a->revises, &b->revises);
	same_list("depends", &a->depends, &b->depends);
	same_list("branch", &a->branch, &b->branch);
	same_str("the message", a->message, b->message);
	same_str("created", a->created, b->created);
	FUZZ_CHECK(a->transactional == b->transactional, "round trip changes transaction");
	FUZZ_CHECK(a->batch_never == b->batch_never, "round trip changes batch");
	for (int k = 0; k < MG_NUM_SECTION_KINDS; k++)
		for (int d = 0; d < MG_NUM_DIALECTS; d++)
		{
			const MgSection *x = &a->sections[k][d],
					   *y = &b->sections[k][d];

			FUZZ_CHECK(x->present == y->present, "round trip changes whether section %d/%d is there",
					   k, d);
			if (x->present)
				same_str("a section body", x->body, y->body);
		}
}

static int
count_lines(const uint8_t *data, size_t size)
{
	int			n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

/*
 * Line n (1-based) of the file as the parser reads it: no BOM, no CRs
 * before the newline; NULL past the end.
 */
static char *
file_line(const uint8_t *data, size_t size, int n)
{
	size_t		pos = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	size_t		end;

	for (int k = 1; k < n; k++)
	{
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);

		if (nl == NULL)
			return NULL;
		pos = (size_t) (nl - data) + 1;
	}
	if (pos >= size && n > 1)
		return NULL;
	end = pos;
	while (end < size && data[end] != '\n')
		end++;
	while (end > pos && data[end - 1] == '\r')
		end--;
	return mg_strndup((const char *) data + pos, end - pos);
}

/*
 * Errors in a section name file lines from marker_line and body_line:
 * the marker is on its line, and line k of the body is file line
 * body_line + k.
 */
static void
check_lines(const MgRevFile *rf, const uint8_t *data, size_t size)
{
	static const char *const kinds[] = {"upgrade", "downgrade"};

	for (int k = 0; k < MG_NUM_SECTION_KINDS; k++)
		for (int d = 0; d < MG_NUM_DIALECTS; d++)
		{
			const MgSection *sec = &rf->sections[k][d];
			char	   *marker;
			const char *p;
			int			n = sec->body_line;

			if (!sec->present)
				continue;
			marker = file_line(data, size, sec->marker_line);
			p = marker ? strstr(marker, "migrate:") : NULL;
			FUZZ_CHECK(p && strncmp(p + 8, kinds[k], strlen(kinds[k])) == 0 &&
					   strchr(" \t\r\v\f", p[8 + strlen(kinds[k])]),
					   "section %s/%d: line %d is \"%s\"", kinds[k], d, sec->marker_line,
					   marker ? marker : "(none)");
			mg_free(marker);
			FUZZ_CHECK(sec->body_line == sec->marker_line + 1, "body line %d after marker line %d",
					   sec->body_line, sec->marker_line);
			for (p = sec->body; sec->body[0]; n++)
			{
				const char *eol = strchr(p, '\n');
				size_t		len = eol ? (size_t) (eol - p) : strlen(p);
				char	   *line = file_line(data, size, n);

				FUZZ_CHECK(line && strlen(line) == len && memcmp(line, p, len) == 0,
						   "section %s/%d: body line %d is not file line %d (\"%s\")", kinds[k],
						   d, n - sec->body_line, n, line ? line : "(none)");
				mg_free(line);
				if (!eol)
					break;
				p = eol + 1;
			}
		}
}

/* ---- the offline script, from a graph of the revision and its parents ---- */

typedef struct Source
{
	const MgRevFile *rf;
	MgRevSelected sel;
	const char *text;			/* the file, as the program passes it */
} Source;

static MgStatus
src_describe(void *ctx, int node, bool downgrade, MgStep *out, MgError *err)
{
	const Source *s = ctx;

	FUZZ_CHECK(node == 0, "offline script runs node %d, not the revision", node);
	out->node = node;
	out->id = s->rf->id;
	out->message = s->rf->message;
	out->source = "fuzz.sql";
	out->checksum = s->sel.checksum;
	out->transactional = s->rf->transactional;
	out->downgrade = downgrade;
	out->has_body = downgrade ? s->sel.downgrade != NULL : true;
	return MG_OK;
}

static MgStatus
src_fetch(void *ctx, MgStep *step, MgError *err)
{
	const Source *s = ctx;
	const MgSection *sec = step->downgrade ? s->sel.downgrade : s->sel.upgrade;

	step->body = sec ? sec->body : NULL;
	step->body_line = sec ? sec->body_line : 0;
	step->script = s->text;
	return MG_OK;
}

static const MgExecOps source_ops = {
	true, src_describe, src_fetch, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

/*
 * The string of "SELECT migrate.add_revision($tag$...$tag$" read the way
 * PostgreSQL's lexer (and psql's) reads it: up to the first occurrence of
 * the opening tag.
 */
static char *
dollar_string(const char *script)
{
	const char *p = strstr(script, "SELECT migrate.add_revision(");
	const char *tag_end,
			   *close;
	char	   *tag,
			   *carried;

	FUZZ_CHECK(p != NULL, "offline script without add_revision():\n%s", script);
	p += strlen("SELECT migrate.add_revision(");
	FUZZ_CHECK(*p == '$', "add_revision() without a dollar-quoted string");
	tag_end = strchr(p + 1, '$');
	FUZZ_CHECK(tag_end != NULL, "unterminated dollar-quote tag");
	tag = mg_strndup(p, (size_t) (tag_end - p) + 1);
	close = strstr(tag_end + 1, tag);
	FUZZ_CHECK(close != NULL, "unterminated dollar-quoted string");
	carried = mg_strndup(tag_end + 1, (size_t) (close - (tag_end + 1)));
	mg_free(tag);
	return carried;
}

static void
check_offline(const MgRevFile *rf, const char *text)
{
	MgGraph		g;
	MgError		err;
	MgPlan		plan;
	Source		src = {rf, {0}, text};
	uint8_t    *applied;
	int			nparents = rf->revises.count + rf->depends.count;

	/* the revision, and its parents and dependencies as plain roots */
	mg_graph_init(&g, nparents + 1);
	mg_graph_add(&g, rf->id, (const char *const *) rf->revises.items, rf->revises.count,
				 (const char *const *) rf->depends.items, rf->depends.count,
				 (const char *const *) rf->branch.items, rf->branch.count);
	for (int i = 0; i < rf->revises.count; i++)
		mg_graph_add(&g, rf->revises.items[i], NULL, 0, NULL, 0, NULL, 0);
	for (int i = 0; i < rf->depends.count; i++)
		if (!mg_strlist_contains(&rf->revises, rf->depends.items[i]))
			mg_graph_add(&g, rf->depends.items[i], NULL, 0, NULL, 0, NULL, 0);
	if (mg_graph_build(&g, &err) != MG_OK)
	{
		/* a label that is also a parent's id, or one depended on */
		mg_graph_free(&g);
		return;
	}
	applied = calloc((size_t) g.n, 1);
	memset(applied + 1, 1, (size_t) g.n - 1);

	for (int d = MG_DIALECT_POSTGRESQL; d <= MG_DIALECT_SQLITE; d++)
	{
		MgOfflineInput in = {0};
		MgBuf		out;
		MgStatus	st;
		size_t		off_down;

		if (mg_revfile_select(rf, (MgDialect) d, "fuzz.sql", &src.sel, &err) != MG_OK)
			continue;
		FUZZ_CHECK(mg_plan(&g, rf->id, MG_OP_UPGRADE, applied, false, &plan, &err) == MG_OK &&
				   plan.steps.count == 1 && plan.steps.items[0] == 0,
				   "plan of the one revision: %s", err.message);
		in.graph = &g;
		in.dialect = (MgDialect) d;
		in.target = rf->id;
		in.steps = &plan.steps;
		in.from = applied;
		in.source = &source_ops;
		in.source_ctx = &src;
		in.role = "fuzz";
		in.xid = "1";
		mg_buf_init(&out);
		st = mg_offline_script(&in, &out, &err);
		{
			size_t		off;
			bool		meta = mg_sql_client_command(src.sel.upgrade->body,
													 d == MG_DIALECT_POSTGRESQL, &off);

			/* a body the client would run as its own command is refused */
			FUZZ_CHECK(meta ? st == MG_ERR_SYNTAX : st == MG_OK, "offline upgrade script: %s",
					   meta ? "a client command in the body was not refused" : err.message);
			if (meta)
			{
				mg_buf_free(&out);
				mg_plan_free(&plan);
				continue;
			}
		}
		if (d == MG_DIALECT_POSTGRESQL)
		{
			char	   *carried = dollar_string(out.data);

			FUZZ_CHECK(strcmp(carried, text) == 0,
					   "the offline script carries other text than the file's:\n%s\n---\n%s",
					   carried, text);
			mg_free(carried);
		}
		mg_buf_free(&out);

		/* and back down, from where the upgrade ends */
		in.downgrade = true;
		in.from = plan.after;
		mg_buf_init(&out);
		st = mg_offline_script(&in, &out, &err);
		if (src.sel.downgrade && mg_sql_client_command(src.sel.downgrade->body,
													   d == MG_DIALECT_POSTGRESQL, &off_down))
			FUZZ_CHECK(st == MG_ERR_SYNTAX, "a client command in the downgrade was not refused");
		else if (src.sel.downgrade)
			FUZZ_CHECK(st == MG_OK, "offline downgrade script: %s", err.message);
		else
			FUZZ_CHECK(st == MG_ERR_IRREVERSIBLE, "downgrade without a section: %d", (int) st);
		mg_buf_free(&out);
		mg_plan_free(&plan);
	}
	free(applied);
	mg_graph_free(&g);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	MgRevFile	a,
				b;
	MgError		err;
	MgStatus	st;
	char	   *text,
			   *again,
			   *raw;

	memset(&err, 0, sizeof(err));
	st = mg_revfile_parse((const char *) data, size, "fuzz.sql", &a, &err);
	if (st != MG_OK)
	{
		fuzz_check_error(st, &err, "parse");
		FUZZ_CHECK(st == MG_ERR_SYNTAX, "parse fails with status %d", (int) st);
		FUZZ_CHECK(err.line >= 1 && err.line <= count_lines(data, size),
				   "error on line %d of a file of %d lines", err.line,
				   count_lines(data, size));
		FUZZ_CHECK(strcmp(err.source, "fuzz.sql") == 0, "error names source \"%s\"", err.source);
		return 0;
	}

	check_lines(&a, data, size);
	text = mg_revfile_format(&a);
	memset(&err, 0, sizeof(err));
	st = mg_revfile_parse(text, strlen(text), "canonical.sql", &b, &err);
	FUZZ_CHECK(st == MG_OK, "canonical text does not parse (line %d: %s):\n%s",
			   err.line, err.message, text);
	same_revfile(&a, &b);
	again = mg_revfile_format(&b);
	FUZZ_CHECK(strcmp(text, again) == 0, "canonical text changes when written again:\n%s\n---\n%s",
			   text, again);

	for (int d = 0; d < MG_NUM_DIALECTS; d++)
	{
		MgRevSelected sa,
					sb;
		MgStatus	xa = mg_revfile_select(&a, (MgDialect) d, "fuzz.sql", &sa, &err),
					xb = mg_revfile_select(&b, (MgDialect) d, "fuzz.sql", &sb, &err);

		FUZZ_CHECK(xa == xb, "dialect %d selectable in one text only", d);
		if (xa != MG_OK)
		{
			fuzz_check_error(xa, &err, "select");
			continue;
		}
		FUZZ_CHECK(strcmp(sa.checksum, sb.checksum) == 0, "round trip changes the checksum");
		FUZZ_CHECK((sa.downgrade == NULL) == (sb.downgrade == NULL),
				   "round trip changes reversibility");
	}

	/* the file's own bytes, as the program reads them (it has no NUL) */
	raw = mg_strndup((const char *) data, size);
	check_offline(&a, raw);
	check_offline(&a, text);

	mg_free(raw);
	mg_free(again);
	mg_free(text);
	mg_revfile_free(&a);
	mg_revfile_free(&b);
	return 0;
}
