/*
 * A bump allocator: many small allocations, one free. The generator uses one
 * per run; the runtime uses one per introspected schema. Allocation failure
 * aborts, since neither program can do anything useful without memory.
 */
#ifndef MG_UTIL_ARENA_H
#define MG_UTIL_ARENA_H

#include <stddef.h>

struct mg_arena;

/* Returns a new empty arena; never NULL. Free with mg_arena_free. */
struct mg_arena *mg_arena_new(void);

/* Frees every block of the arena and the arena. Accepts NULL. */
void mg_arena_free(struct mg_arena *arena);

/* Returns `size` zeroed bytes aligned for any type, valid until the arena
 * is freed. */
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

#endif
