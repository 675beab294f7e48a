/*
 * The runtime's own allocations, every one of them through here. They
 * return NULL when memory runs out, and the library turns that into
 * MG_E_NOMEM. Which policy a build gets is chosen when alloc.c is compiled:
 *
 *   (default)        NULL: the library as installed;
 *   MG_ALLOC_ABORT   one line on stderr and abort(): the generator, a
 *                    program that cannot do anything useful without memory;
 *   MG_ALLOC_INJECT  NULL, and fails the n-th call on request
 *                    (mg_alloc_fail_at): the allocation-failure test.
 */
#ifndef MG_UTIL_ALLOC_H
#define MG_UTIL_ALLOC_H

#include <stddef.h>

void *mg_malloc(size_t size);
/* Zeroed; NULL also when n * size overflows. */
void *mg_calloc(size_t n, size_t size);
/* As realloc: on NULL, `p` is still allocated. */
void *mg_realloc(void *p, size_t size);
/* A malloc'd copy of `s` (not NULL). */
char *mg_strdup(const char *s);

/*
 * MG_ALLOC_INJECT builds only: from now, the n-th allocation (counted from
 * 1) fails, once; 0 turns that off. mg_alloc_calls returns the number of
 * allocations since the last mg_alloc_fail_at.
 */
void mg_alloc_fail_at(unsigned long n);
unsigned long mg_alloc_calls(void);

#endif
