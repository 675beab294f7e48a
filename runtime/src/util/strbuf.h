/*
 * A growable string buffer. Always NUL-terminated; allocation failure aborts.
 * Zero-initialise (`struct mg_strbuf b = {0};`) and release with
 * mg_strbuf_free, or take ownership of the text with mg_strbuf_detach.
 */
#ifndef MG_UTIL_STRBUF_H
#define MG_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct mg_strbuf {
	char *ptr; /* NULL until the first append */
	size_t len;
	size_t cap;
};

void mg_strbuf_free(struct mg_strbuf *b);

/* Returns the text (never NULL; "" when empty), borrowed from `b`. */
const char *mg_strbuf_cstr(const struct mg_strbuf *b);

/* Returns the malloc'd text (caller frees) and empties `b`. */
char *mg_strbuf_detach(struct mg_strbuf *b);

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
