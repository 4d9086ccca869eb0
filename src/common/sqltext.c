/*
 * sqltext.c — SQL text helpers shared by the server's and the program's
 * executors (see sqltext.h).
 */
#include "sqltext.h"

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
