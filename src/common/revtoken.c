/*
 * revtoken.c — the single tokens of revision files (SPEC section 2):
 * revision ids, branch labels, timestamps, dialect names and the
 * comma-separated lists of the header.  The parser (revfile.c) and the
 * SQL-level entry points check values with these.
 */
#include "revfile.h"
#include "revfile_int.h"

#include <string.h>

static const char *const reserved_words[] = {"base", "head", "heads", "current"};

const char *
mg_dialect_name(MgDialect d)
{
	switch (d)
	{
		case MG_DIALECT_POSTGRESQL:
			return "postgresql";
		case MG_DIALECT_SQLITE:
			return "sqlite";
		default:
			return "";
	}
}

MgStatus
mg_dialect_parse(const char *name, MgDialect *out)
{
	if (name[0] == '\0')
		*out = MG_DIALECT_ANY;
	else if (strcmp(name, "postgresql") == 0)
		*out = MG_DIALECT_POSTGRESQL;
	else if (strcmp(name, "sqlite") == 0)
		*out = MG_DIALECT_SQLITE;
	else
		return MG_ERR_SYNTAX;
	return MG_OK;
}

static bool
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '.';
}

bool
mg_valid_id(const char *id)
{
	size_t		len = strlen(id);

	if (len < 1 || len > 64 || id[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_word_char(id[i]))
			return false;
	for (size_t i = 0; i < sizeof(reserved_words) / sizeof(*reserved_words); i++)
		if (strcmp(id, reserved_words[i]) == 0)
			return false;
	return true;
}

/* Labels share the id alphabet, which keeps "label@head" unambiguous. */
bool
mg_valid_label(const char *label)
{
	return mg_valid_id(label);
}

static bool
digits(const char **p, int n)
{
	for (int i = 0; i < n; i++, (*p)++)
		if (**p < '0' || **p > '9')
			return false;
	return true;
}

/* The value of the n digits just consumed by digits(). */
static int
last_value(const char *p, int n)
{
	int			v = 0;

	for (const char *q = p - n; q < p; q++)
		v = v * 10 + (*q - '0');
	return v;
}

/* YYYY-MM-DD[(T| )HH:MM[:SS[.f+]]][Z|(+|-)HH[[:]MM]] */
bool
mg_valid_timestamp(const char *ts)
{
	const char *p = ts;

	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			year,
				month,
				day;

	if (!digits(&p, 4))
		return false;
	year = last_value(p, 4);
	/* years 0001-9999, as PostgreSQL's timestamptz takes them */
	if (year < 1 || *p++ != '-' || !digits(&p, 2))
		return false;
	month = last_value(p, 2);
	if (month < 1 || month > 12 || *p++ != '-' || !digits(&p, 2))
		return false;
	day = last_value(p, 2);
	if (day < 1 || day > mdays[month - 1] ||
		(month == 2 && day == 29 &&
		 !((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)))
		return false;
	if (*p == '\0')
		return true;
	if (*p != 'T' && *p != ' ')
		return false;
	p++;
	if (!digits(&p, 2) || last_value(p, 2) > 23 || *p++ != ':' ||
		!digits(&p, 2) || last_value(p, 2) > 59)
		return false;
	if (*p == ':')
	{
		p++;
		if (!digits(&p, 2) || last_value(p, 2) > 60)
			return false;
		if (*p == '.')
		{
			p++;
			if (*p < '0' || *p > '9')
				return false;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-')
	{
		p++;
		if (!digits(&p, 2) || last_value(p, 2) > 14)
			return false;
		if (*p == ':')
		{
			p++;
			if (!digits(&p, 2) || last_value(p, 2) > 59)
				return false;
		}
		else if (*p && (!digits(&p, 2) || last_value(p, 2) > 59))
			return false;
	}
	return *p == '\0';
}

MgStrList
mg_split_list(const char *value, bool base_is_empty)
{
	MgStrList	l = {0};
	const char *p = value;

	while (*p)
	{
		const char *start,
				   *end;

		MG_CHECK_INTERRUPTS();
		while (*p == ',' || mg_rev_blank(*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && mg_rev_blank(end[-1]))
			end--;
		{
			char	   *item = mg_strndup(start, (size_t) (end - start));

			mg_strlist_add(&l, item);
			mg_free(item);
		}
	}
	if (base_is_empty && l.count == 1 && strcmp(l.items[0], "base") == 0)
		mg_strlist_free(&l);
	return l;
}
