/*
 * Allocation for the generator: a program, not a library, so running out of
 * memory prints one line and aborts instead of threading an error through
 * every stage.
 */
#ifndef MG_GEN_XALLOC_H
#define MG_GEN_XALLOC_H

#include <stddef.h>

/* calloc that never returns NULL (a zero count or size still allocates). */
void *xcalloc(size_t n, size_t size);

/* The first `n` bytes of `s` and a NUL, malloc'd. */
char *xstrndup(const char *s, size_t n);

char *xstrdup(const char *s);

#endif
