/*
 * Text helpers of the emitters (emit_*.c): C string literals, comment text,
 * word-wrapped comment lines. Output is ASCII, with no trailing whitespace
 * and nothing a C11 compiler warns about (no trigraph, no comment inside a
 * comment).
 */
#ifndef MG_GEN_EMIT_TEXT_H
#define MG_GEN_EMIT_TEXT_H

#include <stddef.h>

#include "util/strbuf.h"

/* Appends `s` for use inside a C comment: ASCII only, newlines and tabs as
 * spaces, no comment end or start, no two '?' in a row. */
void emit_comment_text(struct mg_strbuf *b, const char *s);

/*
 * Appends `text` as comment lines of at most about 78 columns, words
 * wrapped: the first line starts with `lead` and `first`, later ones with
 * `lead` and `hang` (lead is " * " or "\t * ").
 */
void emit_comment_wrapped(struct mg_strbuf *b, const char *lead, const char *first,
			  const char *hang, const char *text);

/* Removes spaces and tabs at the end of `b`. */
void emit_trim_trailing(struct mg_strbuf *b);

/* Appends the C-escaped bytes s[0..n) (no quotes). */
void emit_c_escaped(struct mg_strbuf *b, const char *s, size_t n);

/* Appends `s` as one C string literal (NULL as NULL). */
void emit_c_string(struct mg_strbuf *b, const char *s);

/* Appends `s` as adjacent literals, one per line of `s` (split after each
 * newline), later ones on new lines that start with `indent`. */
void emit_c_string_lines(struct mg_strbuf *b, const char *s, const char *indent);

/* Appends a section rule, a 78-column comment line with `title`. */
void emit_rule(struct mg_strbuf *b, const char *title);

/* 1 when `s` can be part of a C identifier as it is. */
int emit_ident_safe(const char *s);

#endif
