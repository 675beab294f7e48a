/*
 * The runtime's allocation wrapper (see alloc.h): malloc and friends, plus
 * the build's policy for running out of memory.
 */
#include "util/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(MG_ALLOC_ABORT)
#include <stdio.h>

static void *checked(void *p)
{
	if (!p) {
		fputs("modelgen: out of memory\n", stderr);
		abort();
	}
	return p;
}
#elif defined(MG_ALLOC_INJECT)
static unsigned long calls, fail_at;

void mg_alloc_fail_at(unsigned long n)
{
	calls = 0;
	fail_at = n;
}

unsigned long mg_alloc_calls(void)
{
	return calls;
}

/* 1 when this call is the one to fail. */
static int injected(void)
{
	return ++calls == fail_at;
}

static void *checked(void *p)
{
	return p;
}
#else
static void *checked(void *p)
{
	return p;
}
#endif

#ifndef MG_ALLOC_INJECT
static int injected(void)
{
	return 0;
}
#endif

void *mg_malloc(size_t size)
{
	if (injected())
		return NULL;
	return checked(malloc(size ? size : 1));
}

void *mg_calloc(size_t n, size_t size)
{
	if (injected())
		return NULL;
	if (size && n > SIZE_MAX / size)
		return checked(NULL);
	return checked(calloc(n ? n : 1, size ? size : 1));
}

void *mg_realloc(void *p, size_t size)
{
	if (injected())
		return NULL;
	return checked(realloc(p, size ? size : 1));
}

char *mg_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = mg_malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}
