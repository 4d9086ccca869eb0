/*
 * hooks.c — the shared core's hooks for frontend programs (the migrate
 * program and the unit tests): malloc, OpenSSL's SHA-256, and an interrupt
 * check that does nothing.
 */
#include "../common/syntax.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

static void
out_of_memory(void)
{
	fprintf(stderr, "migrate: out of memory\n");
	exit(2);
}

void *
mg_alloc(size_t size)
{
	void	   *p = malloc(size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
mg_realloc(void *ptr, size_t size)
{
	void	   *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void
mg_free(void *ptr)
{
	free(ptr);
}

void
mg_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char digest[32];
	unsigned int dlen = 0;
	static const char hex[] = "0123456789abcdef";

	if (!EVP_Digest(data, len, digest, &dlen, EVP_sha256(), NULL) || dlen != 32)
	{
		fprintf(stderr, "migrate: SHA-256 failed\n");
		exit(2);
	}
	for (int i = 0; i < 32; i++)
	{
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = '\0';
}

/* Hints raised in the program name program commands. */
bool
mg_caller_is_program(void)
{
	return true;
}

void
mg_random_bytes(void *buf, size_t len)
{
	FILE	   *f = fopen("/dev/urandom", "rb");

	if (f == NULL || fread(buf, 1, len, f) != len)
	{
		fprintf(stderr, "migrate: cannot read /dev/urandom\n");
		exit(1);
	}
	fclose(f);
}

/*
 * MG_CHECK_INTERRUPTS() (mg_base.h): no hook.  The program installs no
 * SIGINT or SIGTERM handler, so either signal ends it in any loop.  The
 * unit tests set one to see that long loops check.
 */
void		(*mg_interrupt_hook) (void) = NULL;
