/*
 * Growable string buffer (see strbuf.h).
 */
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(struct mg_strbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;

	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->ptr = realloc(b->ptr, cap);
	if (!b->ptr) {
		fputs("modelgen: out of memory\n", stderr);
		abort();
	}
	b->cap = cap;
}

void mg_strbuf_free(struct mg_strbuf *b)
{
	if (!b)
		return;
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

const char *mg_strbuf_cstr(const struct mg_strbuf *b)
{
	return b->ptr ? b->ptr : "";
}

char *mg_strbuf_detach(struct mg_strbuf *b)
{
	char *p;

	grow(b, 0);
	p = b->ptr;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void mg_strbuf_clear(struct mg_strbuf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void mg_strbuf_putn(struct mg_strbuf *b, const char *s, size_t n)
{
	grow(b, n);
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
	if (b->len + 2 > b->cap)
		grow(b, 1);
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}

void mg_strbuf_vprintf(struct mg_strbuf *b, const char *fmt, va_list ap)
{
	va_list copy;
	size_t room;
	int n;

	/* Usually the text fits in the room left: one formatting pass. */
	grow(b, 63);
	room = b->cap - b->len;
	va_copy(copy, ap);
	n = vsnprintf(b->ptr + b->len, room, fmt, copy);
	va_end(copy);
	if (n < 0) {
		b->ptr[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		grow(b, (size_t)n);
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
