/*
 * hooks.c — the shared core's hooks in the server: palloc in the current
 * memory context, PostgreSQL's own SHA-256, and CHECK_FOR_INTERRUPTS().
 */
#include "migrate.h"

#include "common/cryptohash.h"
#include "common/sha2.h"
#include "miscadmin.h"
#include "utils/guc.h"

void *
mg_alloc(size_t size)
{
	return palloc_extended(size ? size : 1, MCXT_ALLOC_HUGE);
}

void *
mg_realloc(void *ptr, size_t size)
{
	if (ptr == NULL)
		return mg_alloc(size);
	return repalloc_huge(ptr, size ? size : 1);
}

void
mg_free(void *ptr)
{
	if (ptr)
		pfree(ptr);
}

void
mg_sha256_hex(const void *data, size_t len, char out[65])
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	static const char hex[] = "0123456789abcdef";

	if (pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, data, len) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not compute SHA-256: %s",
			 pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	for (int i = 0; i < PG_SHA256_DIGEST_LENGTH; i++)
	{
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = '\0';
}

/* The program sets migrate.caller = 'program' when it connects. */
bool
mg_caller_is_program(void)
{
	const char *caller = GetConfigOption("migrate.caller", true, false);

	return caller != NULL && strcmp(caller, "program") == 0;
}

void
mg_random_bytes(void *buf, size_t len)
{
	if (!pg_strong_random(buf, len))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random bytes")));
}

/* MG_CHECK_INTERRUPTS() of the shared core's long loops (mg_base.h) */
static void
check_interrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

void		(*mg_interrupt_hook) (void) = check_interrupts;
