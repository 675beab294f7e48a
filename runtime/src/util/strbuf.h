/*
 * A growable string buffer, always NUL-terminated, in the style of curl's
 * dynbuf: when an append cannot get memory, or would pass MG_STRBUF_MAX
 * bytes, the buffer drops its text and fails (mg_strbuf_failed), and every
 * later append is ignored until mg_strbuf_clear or mg_strbuf_free; so a
 * caller builds the whole text and checks once, before using it.
 * Zero-initialise (`struct mg_strbuf b = {0};`) and release with
 * mg_strbuf_free, or take ownership of the text with mg_strbuf_detach.
 */
#ifndef MG_UTIL_STRBUF_H
#define MG_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* The longest text a buffer holds: far beyond any statement or message. */
#define MG_STRBUF_MAX ((size_t)1 << 30)

struct mg_strbuf {
	char *ptr; /* NULL until the first append, and after a failure */
	size_t len;
	size_t cap;
	int failed; /* an append ran out of memory or past MG_STRBUF_MAX */
};

void mg_strbuf_free(struct mg_strbuf *b);

/* Returns the text (never NULL; "" when empty or failed), borrowed from
 * `b`. */
const char *mg_strbuf_cstr(const struct mg_strbuf *b);

/* 1 when an append failed since the buffer was last cleared. */
int mg_strbuf_failed(const struct mg_strbuf *b);

/* Returns the malloc'd text (caller frees), or NULL when the buffer failed
 * or memory runs out, and empties `b`. */
char *mg_strbuf_detach(struct mg_strbuf *b);

/* Marks `b` failed, as if an append had run out of memory (for code that
 * builds into it and could not get memory of its own). */
void mg_strbuf_fail(struct mg_strbuf *b);

/* Room for `n` more bytes without growing (a hint: a text that outgrows
 * it still grows; one that cannot get memory marks `b` failed). For a text
 * of many megabytes whose size is known roughly in advance: growing by
 * doubling copies it up to twice over. */
void mg_strbuf_reserve(struct mg_strbuf *b, size_t n);

/* Empties `b` and forgets a failure. */
void mg_strbuf_clear(struct mg_strbuf *b);
void mg_strbuf_putn(struct mg_strbuf *b, const char *s, size_t n);
void mg_strbuf_puts(struct mg_strbuf *b, const char *s);
void mg_strbuf_putc(struct mg_strbuf *b, char c);
void mg_strbuf_vprintf(struct mg_strbuf *b, const char *fmt, va_list ap)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 0)))
#endif
	;
void mg_strbuf_printf(struct mg_strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

#endif
