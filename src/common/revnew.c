/*
 * revnew.c — a new revision as `revision` and `merge` create it, the same
 * on the server and in the program: a random 12-hex-digit id, the
 * creation time in UTC, transactional, empty upgrade and downgrade
 * sections, and a one-line message.
 */
/* gmtime_r is POSIX; the unit tests build with plain -std=c99 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "revfile.h"

#include <string.h>
#include <time.h>

char *
mg_new_revision_id(void)
{
	unsigned char bytes[6];
	char	   *id = mg_alloc(13);
	static const char hex[] = "0123456789abcdef";

	mg_random_bytes(bytes, sizeof(bytes));
	for (int i = 0; i < 6; i++)
	{
		id[2 * i] = hex[bytes[i] >> 4];
		id[2 * i + 1] = hex[bytes[i] & 15];
	}
	id[12] = '\0';
	return id;
}

char *
mg_utc_now(void)
{
	time_t		now = time(NULL);
	struct tm	tm;
	char	   *buf = mg_alloc(32);

	gmtime_r(&now, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/*
 * The parser's rule for header values (revfile.c): no control character
 * but TAB, so that the file written can be read back.
 */
bool
mg_valid_message(const char *message)
{
	for (const unsigned char *c = (const unsigned char *) message; c && *c; c++)
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
			return false;
	return true;
}

void
mg_revfile_set_section(MgRevFile *rf, MgSectionKind kind, const char *body)
{
	MgSection  *s = &rf->sections[kind][MG_DIALECT_ANY];

	mg_free(s->body);			/* the empty section mg_revfile_new made */
	s->present = body != NULL;
	s->body = body ? mg_strdup(body) : NULL;
}

void
mg_revfile_new(MgRevFile *rf, const char *id, const char *message)
{
	memset(rf, 0, sizeof(*rf));
	rf->id = id ? mg_strdup(id) : mg_new_revision_id();
	rf->message = message && *message ? mg_strdup(message) : NULL;
	rf->created = mg_utc_now();
	rf->transactional = true;
	for (int k = 0; k < MG_NUM_SECTION_KINDS; k++)
		mg_revfile_set_section(rf, (MgSectionKind) k, "");
}
