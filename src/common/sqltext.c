/*
 * sqltext.c — SQL text helpers shared by the server's and the program's
 * executors (see sqltext.h).
 */
#include "sqltext.h"

#include <string.h>

size_t
mg_sql_skip_blank(const char *s, size_t off, size_t end)
{
	while (off < end)
	{
		char		c = s[off];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
			off++;
		else if (c == '-' && off + 1 < end && s[off + 1] == '-')
		{
			while (off < end && s[off] != '\n')
				off++;
		}
		else if (c == '/' && off + 1 < end && s[off + 1] == '*')
		{
			int			depth = 1;

			off += 2;
			while (off < end && depth > 0)
			{
				if (s[off] == '/' && off + 1 < end && s[off + 1] == '*')
					depth++, off++;
				else if (s[off] == '*' && off + 1 < end && s[off + 1] == '/')
					depth--, off++;
				off++;
			}
		}
		else
			break;
	}
	return off;
}

int
mg_line_at(const char *body, int body_line, size_t off)
{
	int			line = body_line;

	for (size_t i = 0; i < off && body[i]; i++)
		if (body[i] == '\n')
			line++;
	return line;
}

static bool
ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '$' || (unsigned char) c >= 0x80;
}

/* End of the quoted text starting at s[i] (the quote), with q doubled inside. */
static size_t
skip_quoted(const char *s, size_t i, size_t n, char q, bool backslash)
{
	for (i++; i < n; i++)
	{
		if (backslash && s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == q)
		{
			if (i + 1 < n && s[i + 1] == q)
				i++;
			else
				return i + 1;
		}
	}
	return n;
}

/* A dollar quote's end, or i itself when s[i] starts none ($1, a$b). */
static size_t
skip_dollar(const char *s, size_t i, size_t n)
{
	size_t		t = i + 1,
				len;

	if (i > 0 && ident_char(s[i - 1]))
		return i;
	while (t < n && s[t] != '$' && ident_char(s[t]) && !(t == i + 1 && s[t] >= '0' && s[t] <= '9'))
		t++;
	if (t >= n || s[t] != '$')
		return i;
	len = t - i + 1;
	for (size_t k = t + 1; k + len <= n; k++)
		if (s[k] == '$' && strncmp(s + k, s + i, len) == 0)
			return k + len;
	return n;
}

static size_t
skip_comment(const char *s, size_t i, size_t n)
{
	if (s[i] == '-')
	{
		while (i < n && s[i] != '\n')
			i++;
		return i;
	}
	return mg_sql_skip_blank(s, i, n) > i ? mg_sql_skip_blank(s, i, n) : i + 2;
}

/*
 * psql runs a backslash outside quotes and comments as a meta-command
 * ("\! cmd" runs a shell), wherever it is on the line.
 */
static bool
psql_command(const char *s, size_t n, size_t *off)
{
	for (size_t i = 0; i < n;)
	{
		char		c = s[i];

		if ((c == '-' && i + 1 < n && s[i + 1] == '-') || (c == '/' && i + 1 < n && s[i + 1] == '*'))
			i = skip_comment(s, i, n);
		else if (c == '\'')
			i = skip_quoted(s, i, n, '\'', i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
							(i < 2 || !ident_char(s[i - 2])));
		else if (c == '"')
			i = skip_quoted(s, i, n, '"', false);
		else if (c == '$' && skip_dollar(s, i, n) > i)
			i = skip_dollar(s, i, n);
		else if (c == '\\')
		{
			*off = i;
			return true;
		}
		else
			i++;
	}
	return false;
}

/*
 * The sqlite3 shell runs a line that starts with "." between statements
 * as a dot-command (".shell cmd").  Conservatively, any line starting with
 * "." outside quotes and comments counts.
 */
static bool
sqlite_command(const char *s, size_t n, size_t *off)
{
	for (size_t i = 0; i < n;)
	{
		char		c = s[i];

		if (c == '.' && (i == 0 || s[i - 1] == '\n'))
		{
			*off = i;
			return true;
		}
		if ((c == '-' && i + 1 < n && s[i + 1] == '-') || (c == '/' && i + 1 < n && s[i + 1] == '*'))
			i = skip_comment(s, i, n);
		else if (c == '\'' || c == '"' || c == '`')
			i = skip_quoted(s, i, n, c, false);
		else if (c == '[')
		{
			while (i < n && s[i] != ']')
				i++;
			i++;
		}
		else
			i++;
	}
	return false;
}

bool
mg_sql_client_command(const char *body, bool psql, size_t *off)
{
	size_t		n = body ? strlen(body) : 0;

	return psql ? psql_command(body, n, off) : sqlite_command(body, n, off);
}
