/*
 * A bump allocator: many small allocations, one free. The generator uses one
 * per run; the runtime uses one per schema it builds. Out of memory, the
 * functions return NULL and the arena remembers it (mg_arena_failed), so a
 * builder can check once at the end; in the generator's build the
 * allocation wrapper aborts instead (util/alloc.h), so there they never
 * return NULL.
 */
#ifndef MG_UTIL_ARENA_H
#define MG_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct mg_arena;

/* Returns a new empty arena (NULL when out of memory). Free with
 * mg_arena_free. */
struct mg_arena *mg_arena_new(void);

/* 1 when an allocation from `arena` failed, or `arena` is NULL. */
int mg_arena_failed(const struct mg_arena *arena);

/* Frees every block of the arena and the arena. Accepts NULL. */
void mg_arena_free(struct mg_arena *arena);

/* Returns `size` zeroed bytes aligned for any type, valid until the arena
 * is freed. These return NULL when out of memory (or `arena` is NULL). */
void *mg_arena_alloc(struct mg_arena *arena, size_t size);

/* Returns an array of `n` zeroed elements of `size` bytes. */
void *mg_arena_calloc(struct mg_arena *arena, size_t n, size_t size);

/* Copies the NUL-terminated `s` into the arena; NULL stays NULL. */
char *mg_arena_strdup(struct mg_arena *arena, const char *s);

/* Copies `len` bytes of `s` into the arena and terminates them. */
char *mg_arena_strndup(struct mg_arena *arena, const char *s, size_t len);

/* printf into the arena. */
char *mg_arena_printf(struct mg_arena *arena, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* mg_arena_printf with a va_list. */
char *mg_arena_vprintf(struct mg_arena *arena, const char *fmt, va_list ap)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 0)))
#endif
	;

#endif
