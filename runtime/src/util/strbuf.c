/*
 * Growable string buffer (see strbuf.h).
 */
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* Drops the text and marks the buffer failed. */
static void fail(struct mg_strbuf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = 1;
}

/* Room for `extra` more bytes and the NUL: 1, or 0 when the buffer has
 * failed (now or before). */
static int grow(struct mg_strbuf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return 0;
	if (extra > MG_STRBUF_MAX - b->len) {
		fail(b);
		return 0;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 1;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = mg_realloc(b->ptr, cap);
	if (!p) {
		fail(b);
		return 0;
	}
	b->ptr = p;
	b->cap = cap;
	return 1;
}

void mg_strbuf_reserve(struct mg_strbuf *b, size_t n)
{
	char *p;

	if (b->failed || n > MG_STRBUF_MAX - b->len || b->len + n + 1 <= b->cap)
		return;
	p = mg_realloc(b->ptr, b->len + n + 1);
	if (!p) {
		fail(b);
		return;
	}
	b->ptr = p;
	b->cap = b->len + n + 1;
}

void mg_strbuf_free(struct mg_strbuf *b)
{
	if (!b)
		return;
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

const char *mg_strbuf_cstr(const struct mg_strbuf *b)
{
	return b->ptr ? b->ptr : "";
}

int mg_strbuf_failed(const struct mg_strbuf *b)
{
	return b->failed;
}

char *mg_strbuf_detach(struct mg_strbuf *b)
{
	char *p = NULL;

	if (grow(b, 0)) {
		p = b->ptr;
		p[b->len] = '\0'; /* an empty buffer had no NUL yet */
	} else
		free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
	return p;
}

void mg_strbuf_fail(struct mg_strbuf *b)
{
	fail(b);
}

void mg_strbuf_clear(struct mg_strbuf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void mg_strbuf_putn(struct mg_strbuf *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void mg_strbuf_puts(struct mg_strbuf *b, const char *s)
{
	mg_strbuf_putn(b, s, strlen(s));
}

void mg_strbuf_putc(struct mg_strbuf *b, char c)
{
	/* Emitters write most text a character at a time. */
	if (b->len + 2 > b->cap && !grow(b, 1))
		return;
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}

void mg_strbuf_vprintf(struct mg_strbuf *b, const char *fmt, va_list ap)
{
	va_list copy;
	size_t room;
	int n;

	/* Usually the text fits in the room left: one formatting pass. */
	if (!grow(b, 63))
		return;
	room = b->cap - b->len;
	va_copy(copy, ap);
	n = vsnprintf(b->ptr + b->len, room, fmt, copy);
	va_end(copy);
	if (n < 0) {
		b->ptr[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		if (!grow(b, (size_t)n))
			return;
		vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void mg_strbuf_printf(struct mg_strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mg_strbuf_vprintf(b, fmt, ap);
	va_end(ap);
}
