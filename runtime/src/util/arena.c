/*
 * Bump allocator: blocks chained from the arena, each carved front to back.
 */
#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* Blocks start at ARENA_BLOCK and double up to ARENA_BLOCK_MAX: a small
 * arena stays small, a large one (a schema of thousands of tables) takes
 * its memory in blocks big enough for the C library to map them fresh from
 * the system, already zero, so that only pages actually used are touched. */
#define ARENA_BLOCK     65536
#define ARENA_BLOCK_MAX (1024 * 1024)
#define ARENA_ALIGN     16

struct block {
	struct block *next;
	size_t used;
	size_t size;
	_Alignas(16) unsigned char data[];
};

struct mg_arena {
	struct block *head;
	size_t next_block; /* the size of the next ordinary block */
	int failed;
};

struct mg_arena *mg_arena_new(void)
{
	struct mg_arena *a = mg_malloc(sizeof(*a));

	if (a) {
		a->head = NULL;
		a->next_block = ARENA_BLOCK;
		a->failed = 0;
	}
	return a;
}

int mg_arena_failed(const struct mg_arena *arena)
{
	return !arena || arena->failed;
}

void mg_arena_free(struct mg_arena *arena)
{
	struct block *b, *next;

	if (!arena)
		return;
	for (b = arena->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(arena);
}

void *mg_arena_alloc(struct mg_arena *arena, size_t size)
{
	struct block *b;
	void *p;

	if (!arena)
		return NULL;
	if (size > SIZE_MAX / 2) {
		arena->failed = 1;
		return NULL;
	}
	b = arena->head;
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	if (!b || b->size - b->used < size) {
		int own = size > arena->next_block / 4;
		size_t cap = own ? size : arena->next_block;

		/* Zeroed once here (calloc skips that for fresh pages from the
		 * system), since each byte of a block is handed out once. */
		b = mg_calloc(1, sizeof(*b) + cap);
		if (!b) {
			arena->failed = 1;
			return NULL;
		}
		b->used = 0;
		b->size = cap;
		/* A large allocation gets its own block behind the current one so
		 * the current block's free space is not wasted. */
		if (own && arena->head) {
			b->next = arena->head->next;
			arena->head->next = b;
		} else {
			b->next = arena->head;
			arena->head = b;
			if (!own && arena->next_block < ARENA_BLOCK_MAX)
				arena->next_block *= 2;
		}
	}
	p = b->data + b->used;
	b->used += size;
	return p;
}

void *mg_arena_calloc(struct mg_arena *arena, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		if (arena)
			arena->failed = 1;
		return NULL;
	}
	return mg_arena_alloc(arena, n * size);
}

char *mg_arena_strndup(struct mg_arena *arena, const char *s, size_t len)
{
	char *p = mg_arena_alloc(arena, len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *mg_arena_strdup(struct mg_arena *arena, const char *s)
{
	return s ? mg_arena_strndup(arena, s, strlen(s)) : NULL;
}

char *mg_arena_vprintf(struct mg_arena *arena, const char *fmt, va_list ap)
{
	char small[512];
	va_list again;
	int n;
	char *p;

	/* Most texts are short: one formatting pass into `small`, a second
	 * one only for a longer text. */
	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0 || (size_t)n < sizeof(small)) {
		va_end(again);
		return mg_arena_strndup(arena, small, n < 0 ? 0 : (size_t)n);
	}
	p = mg_arena_alloc(arena, (size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, again);
	va_end(again);
	return p;
}

char *mg_arena_printf(struct mg_arena *arena, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = mg_arena_vprintf(arena, fmt, ap);
	va_end(ap);
	return p;
}
