/*
 * revfile.c — the parser of revision files (SPEC section 2), and the
 * choice of sections for one dialect.  Tokens are checked in revtoken.c,
 * files are written back in revformat.c.
 *
 * A file is a header of "-- migrate:<key> <value>" lines, comments and
 * blank lines, then sections opened by "-- migrate:upgrade [dialect]" or
 * "-- migrate:downgrade [dialect]".  A section body is every line up to the
 * next marker, CRLF normalised to LF, trailing blank lines trimmed.  Any
 * line that looks like a directive ("--migrate:x" with or without a space)
 * is treated as one everywhere, so a typo cannot silently become SQL.
 */
#include "revfile.h"
#include "revfile_int.h"

#include <string.h>

typedef enum HeaderKey
{
	HK_REVISION,
	HK_REVISES,
	HK_MESSAGE,
	HK_CREATED,
	HK_BRANCH,
	HK_DEPENDS,
	HK_TRANSACTION,
	HK_BATCH,
	HK_COUNT
} HeaderKey;

static const char *const header_keys[HK_COUNT] = {
	"revision", "revises", "message", "created", "branch", "depends",
	"transaction", "batch"
};

typedef struct Parser
{
	const char *source;
	MgRevFile  *rf;
	MgError    *err;
	bool		seen[HK_COUNT];
	MgSection  *section;		/* the open section, NULL in the header */
	MgBuf		body;			/* lines of the open section */
	size_t		body_keep;		/* body length up to its last non-blank line */
	int			first_marker;	/* line of the first section marker */
	int			branch_line;	/* lines of the list headers */
	int			revises_line;
	int			depends_line;
} Parser;

static bool
line_is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!mg_rev_blank(s[i]))
			return false;
	return true;
}

/* Strict UTF-8 check of one line; returns false on a bad sequence. */
static bool
valid_utf8(const unsigned char *s, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		unsigned char c = s[i];
		int			extra;
		uint32_t	cp;

		if (c == 0)
			return false;
		if (c < 0x80)
		{
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0)
			extra = 1, cp = c & 0x1F;
		else if ((c & 0xF0) == 0xE0)
			extra = 2, cp = c & 0x0F;
		else if ((c & 0xF8) == 0xF0)
			extra = 3, cp = c & 0x07;
		else
			return false;
		for (int k = 1; k <= extra; k++)
		{
			if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
			(extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
			(cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += extra + 1;
	}
	return true;
}

static void
close_section(Parser *ps)
{
	if (ps->section == NULL)
		return;
	ps->section->body = mg_strndup(ps->body.data, ps->body_keep);
	mg_buf_free(&ps->body);
	ps->section = NULL;
}

static MgStatus
syntax(Parser *ps, int line, const char *fmt, const char *arg)
{
	return mg_error(ps->err, MG_ERR_SYNTAX, ps->source, line, fmt, arg);
}

/*
 * Every item of a list header valid and listed once.  Linear: the items
 * seen go into a hash map (a header may list tens of thousands of ids,
 * and comparing each with all before it made such a file take seconds).
 */
static MgStatus
check_ids(Parser *ps, int line, const char *key, const MgStrList *l,
		  bool labels)
{
	MgMap		seen;
	MgStatus	st = MG_OK;

	mg_map_init(&seen, (size_t) l->count);
	for (int i = 0; i < l->count && st == MG_OK; i++)
	{
		MG_CHECK_INTERRUPTS();
		if (!(labels ? mg_valid_label(l->items[i]) : mg_valid_id(l->items[i])))
			st = mg_error(ps->err, MG_ERR_SYNTAX, ps->source, line,
						  "invalid %s \"%s\" in \"%s\"",
						  labels ? "branch label" : "revision id",
						  l->items[i], key);
		else if (!mg_map_put(&seen, l->items[i], i))
			st = mg_error(ps->err, MG_ERR_SYNTAX, ps->source, line,
						  "\"%s\" is listed twice in \"%s\"",
						  l->items[i], key);
	}
	mg_map_free(&seen);
	return st;
}

static MgStatus
header_line(Parser *ps, int line, HeaderKey key, const char *value)
{
	MgRevFile  *rf = ps->rf;

	if (ps->section != NULL || ps->first_marker)
		return syntax(ps, line,
					  "header line \"%s\" after the first section",
					  header_keys[key]);
	if (ps->seen[key])
		return syntax(ps, line, "duplicate header \"%s\"", header_keys[key]);
	ps->seen[key] = true;

	switch (key)
	{
		case HK_REVISION:
			if (!mg_valid_id(value))
				return mg_error(ps->err, MG_ERR_SYNTAX, ps->source, line,
								"invalid revision id \"%s\"", value);
			rf->id = mg_strdup(value);
			break;
		case HK_REVISES:
			rf->revises = mg_split_list(value, true);
			ps->revises_line = line;
			if (rf->revises.count == 0 && value[0] && strcmp(value, "base") != 0)
				return syntax(ps, line, "invalid parent list \"%s\" in \"revises\"", value);
			for (int i = 0; i < rf->revises.count; i++)
				if (strcmp(rf->revises.items[i], "base") == 0)
					return syntax(ps, line,
								  "\"base\" cannot be combined with other parents in \"%s\"",
								  "revises");
			return check_ids(ps, line, "revises", &rf->revises, false);
		case HK_DEPENDS:
			rf->depends = mg_split_list(value, false);
			ps->depends_line = line;
			return check_ids(ps, line, "depends", &rf->depends, false);
		case HK_BRANCH:
			rf->branch = mg_split_list(value, false);
			ps->branch_line = line;
			return check_ids(ps, line, "branch", &rf->branch, true);
		case HK_MESSAGE:
			if (value[0])
				rf->message = mg_strdup(value);
			break;
		case HK_CREATED:
			if (!mg_valid_timestamp(value))
				return syntax(ps, line,
							  "invalid timestamp \"%s\" in \"created\" (expected ISO-8601)",
							  value);
			rf->created = mg_strdup(value);
			break;
		case HK_TRANSACTION:
			if (strcmp(value, "true") == 0)
				rf->transactional = true;
			else if (strcmp(value, "false") == 0)
				rf->transactional = false;
			else
				return syntax(ps, line,
							  "invalid value \"%s\" for \"transaction\" (expected true or false)",
							  value);
			break;
		case HK_BATCH:
			if (strcmp(value, "auto") == 0)
				rf->batch_never = false;
			else if (strcmp(value, "never") == 0)
				rf->batch_never = true;
			else
				return syntax(ps, line,
							  "invalid value \"%s\" for \"batch\" (expected auto or never)",
							  value);
			break;
		default:
			break;
	}
	return MG_OK;
}

static MgStatus
section_line(Parser *ps, int line, MgSectionKind kind, const char *dialect)
{
	MgDialect	d;
	MgSection  *s;

	if (mg_dialect_parse(dialect, &d) != MG_OK)
		return syntax(ps, line,
					  "unknown dialect \"%s\" (expected postgresql or sqlite)",
					  dialect);
	s = &ps->rf->sections[kind][d];
	if (s->present)
	{
		char		what[64];

		strcpy(what, kind == MG_SECTION_UPGRADE ? "upgrade" : "downgrade");
		if (d != MG_DIALECT_ANY)
		{
			strcat(what, " ");
			strcat(what, mg_dialect_name(d));
		}
		return syntax(ps, line, "duplicate section \"%s\"", what);
	}
	close_section(ps);
	s->present = true;
	s->marker_line = line;
	s->body_line = line + 1;
	if (!ps->first_marker)
		ps->first_marker = line;
	ps->section = s;
	mg_buf_init(&ps->body);
	ps->body_keep = 0;
	return MG_OK;
}

/*
 * A directive is "--" blanks "migrate:" key [blanks value].  Returns false
 * when the line is not one.
 */
static bool
split_directive(const char *line, char *key, size_t keysz, const char **value)
{
	const char *p = line;
	size_t		k = 0;

	while (mg_rev_blank(*p))
		p++;
	if (p[0] != '-' || p[1] != '-')
		return false;
	p += 2;
	while (mg_rev_blank(*p))
		p++;
	if (strncmp(p, "migrate:", 8) != 0)
		return false;
	p += 8;
	while (*p && !mg_rev_blank(*p))
	{
		if (k + 1 < keysz)
			key[k++] = *p;
		p++;
	}
	key[k] = '\0';
	while (mg_rev_blank(*p))
		p++;
	*value = p;
	return true;
}

static MgStatus
directive(Parser *ps, int line, char *text)
{
	char		key[64];
	const char *value;
	char	   *end;

	split_directive(text, key, sizeof(key), &value);
	/* trim trailing blanks of the value in place */
	end = (char *) value + strlen(value);
	while (end > value && mg_rev_blank(end[-1]))
		*--end = '\0';
	/*
	 * A control character (a carriage return above all) would end the
	 * "-- " comment that carries the value into an offline script, and
	 * what follows it would run as SQL: refused, whatever the key.
	 */
	for (const unsigned char *c = (const unsigned char *) value; *c; c++)
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
			return mg_error(ps->err, MG_ERR_SYNTAX, ps->source, line,
							"control character U+%04X in the value of \"migrate:%s\" (only TAB is allowed)",
							*c, key);

	if (strcmp(key, "upgrade") == 0)
		return section_line(ps, line, MG_SECTION_UPGRADE, value);
	if (strcmp(key, "downgrade") == 0)
		return section_line(ps, line, MG_SECTION_DOWNGRADE, value);
	for (int k = 0; k < HK_COUNT; k++)
		if (strcmp(key, header_keys[k]) == 0)
			return header_line(ps, line, (HeaderKey) k, value);
	if (strcmp(key, "lint-ignore") == 0)
		return syntax(ps, line, "\"migrate:%s\" belongs in a section, on the line before the statement it is about", key);
	return syntax(ps, line, "unknown directive \"migrate:%s\"", key);
}

MgStatus
mg_revfile_parse(const char *text, size_t len, const char *source,
				 MgRevFile *out, MgError *err)
{
	Parser		ps;
	size_t		pos = 0;
	int			lineno = 0;
	MgStatus	st = MG_OK;

	memset(out, 0, sizeof(*out));
	out->transactional = true;
	memset(&ps, 0, sizeof(ps));
	ps.source = source ? source : "";
	ps.rf = out;
	ps.err = err;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;

	while (pos < len && st == MG_OK)
	{
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t		n = nl ? (size_t) (nl - start) : len - pos;
		size_t		content = n;

		MG_CHECK_INTERRUPTS();
		lineno++;
		pos += n + (nl ? 1 : 0);
		/* CRLF (and any CRs stacked before the LF) end the line */
		while (content > 0 && start[content - 1] == '\r')
			content--;
		if (!valid_utf8((const unsigned char *) start, content))
		{
			st = mg_error(err, MG_ERR_SYNTAX, ps.source, lineno,
						  "invalid UTF-8 or NUL byte");
			break;
		}
		{
			char	   *line = mg_strndup(start, content);
			char		key[64];
			const char *value;

			/* "-- migrate:lint-ignore RULE" in a body is SQL text (a comment) */
			if (split_directive(line, key, sizeof(key), &value) &&
				!(ps.section != NULL && strcmp(key, "lint-ignore") == 0))
				st = directive(&ps, lineno, line);
			else if (ps.section != NULL)
			{
				if (ps.body.len > 0 || ps.section->body_line != lineno)
					mg_buf_append(&ps.body, "\n", 1);
				mg_buf_append(&ps.body, line, content);
				if (!line_is_blank(line, content))
					ps.body_keep = ps.body.len;
			}
			else if (!line_is_blank(line, content) &&
					 !(content >= 2 && line[0] == '-' && line[1] == '-'))
			{
				/* allow leading blanks before a comment */
				const char *p = line;

				while (mg_rev_blank(*p))
					p++;
				if (!(p[0] == '-' && p[1] == '-'))
					st = mg_error(err, MG_ERR_SYNTAX, ps.source, lineno,
								  "unexpected text before the first section");
			}
			mg_free(line);
		}
	}
	if (st != MG_OK)
	{
		if (ps.section)
			mg_buf_free(&ps.body);
		mg_revfile_free(out);
		return st;
	}
	close_section(&ps);

	if (!ps.seen[HK_REVISION])
		st = mg_error(err, MG_ERR_SYNTAX, ps.source, 1,
					  "missing required header \"revision\"");
	else if (!ps.seen[HK_REVISES])
		st = mg_error(err, MG_ERR_SYNTAX, ps.source, 1,
					  "missing required header \"revises\" (use \"base\" for a first revision)");
	else if (!out->sections[MG_SECTION_UPGRADE][MG_DIALECT_ANY].present &&
			 !out->sections[MG_SECTION_UPGRADE][MG_DIALECT_POSTGRESQL].present &&
			 !out->sections[MG_SECTION_UPGRADE][MG_DIALECT_SQLITE].present)
		st = mg_error(err, MG_ERR_SYNTAX, ps.source, lineno > 0 ? lineno : 1,
					  "missing required section \"upgrade\"");
	for (int i = 0; st == MG_OK && i < out->branch.count; i++)
		if (strcmp(out->branch.items[i], out->id) == 0)
			st = syntax(&ps, ps.branch_line,
						"branch label \"%s\" is the revision's own id", out->id);
	for (int i = 0; st == MG_OK && i < out->revises.count; i++)
		if (strcmp(out->revises.items[i], out->id) == 0)
			st = syntax(&ps, ps.revises_line,
						"revision %s revises itself", out->id);
	for (int i = 0; st == MG_OK && i < out->depends.count; i++)
		if (strcmp(out->depends.items[i], out->id) == 0)
			st = syntax(&ps, ps.depends_line,
						"revision %s depends on itself", out->id);
	if (st != MG_OK)
		mg_revfile_free(out);
	return st;
}

MgStatus
mg_revfile_select(const MgRevFile *rf, MgDialect dialect, const char *source,
				  MgRevSelected *out, MgError *err)
{
	const MgSection *up = &rf->sections[MG_SECTION_UPGRADE][dialect];
	const MgSection *down = &rf->sections[MG_SECTION_DOWNGRADE][dialect];

	memset(out, 0, sizeof(*out));
	if (!up->present)
		up = &rf->sections[MG_SECTION_UPGRADE][MG_DIALECT_ANY];
	if (!down->present)
		down = &rf->sections[MG_SECTION_DOWNGRADE][MG_DIALECT_ANY];
	if (!up->present)
	{
		int			line = 1;

		for (int d = 0; d < MG_NUM_DIALECTS; d++)
			if (rf->sections[MG_SECTION_UPGRADE][d].present)
			{
				line = rf->sections[MG_SECTION_UPGRADE][d].marker_line;
				break;
			}
		mg_error(err, MG_ERR_DIALECT, source, line,
				 "revision %s has no upgrade section for %s",
				 rf->id, mg_dialect_name(dialect));
		mg_error_hint(err, "Add a \"-- migrate:upgrade\" or \"-- migrate:upgrade %s\" section.",
					  mg_dialect_name(dialect));
		return MG_ERR_DIALECT;
	}
	out->upgrade = up;
	out->downgrade = down->present ? down : NULL;
	mg_sha256_hex(up->body, strlen(up->body), out->checksum);
	return MG_OK;
}

void
mg_revfile_free(MgRevFile *rf)
{
	mg_free(rf->id);
	mg_strlist_free(&rf->revises);
	mg_strlist_free(&rf->depends);
	mg_strlist_free(&rf->branch);
	mg_free(rf->message);
	mg_free(rf->created);
	for (int k = 0; k < MG_NUM_SECTION_KINDS; k++)
		for (int d = 0; d < MG_NUM_DIALECTS; d++)
			mg_free(rf->sections[k][d].body);
	memset(rf, 0, sizeof(*rf));
}
