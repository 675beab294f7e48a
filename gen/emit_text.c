/*
 * Text helpers of the emitters (see emit_text.h).
 */
#include "emit_text.h"

#include <ctype.h>
#include <string.h>

void emit_comment_text(struct mg_strbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n = 0;

		/* A run of characters that pass as they are, in one piece. */
		while (s[n] >= 0x20 && s[n] < 0x7f && s[n] != '*' && s[n] != '/' && s[n] != '?')
			n++;
		if (n) {
			mg_strbuf_putn(b, s, n);
			s += n - 1;
			continue;
		}
		if (c == '*' && s[1] == '/') {
			mg_strbuf_puts(b, "* ");
		} else if (c == '/' && s[1] == '*') {
			/* No comment start either (-Wcomment under -Werror). */
			mg_strbuf_puts(b, "/ ");
		} else if (c == '\n' || c == '\t') {
			mg_strbuf_putc(b, ' ');
		} else if (c == '?' || c < 0x20 || c >= 0x7f) {
			/* Never two '?' in a row: no trigraph, even in a comment. */
			if (b->len && b->ptr[b->len - 1] == '?')
				mg_strbuf_putc(b, ' ');
			mg_strbuf_putc(b, '?');
		} else {
			mg_strbuf_putc(b, (char)c);
		}
	}
}

void emit_trim_trailing(struct mg_strbuf *b)
{
	while (b->len && (b->ptr[b->len - 1] == ' ' || b->ptr[b->len - 1] == '\t'))
		b->ptr[--b->len] = '\0';
}

/* The column after `s` printed from column `col` (tabs to multiples of 8). */
static size_t column_after(const char *s, size_t col)
{
	for (; *s; s++)
		col = *s == '\t' ? (col / 8 + 1) * 8 : col + 1;
	return col;
}

void emit_comment_wrapped(struct mg_strbuf *b, const char *lead, const char *first,
			  const char *hang, const char *text)
{
	struct mg_strbuf clean = {0};
	const char *p;
	size_t col, start;

	emit_comment_text(&clean, text);
	p = mg_strbuf_cstr(&clean);
	mg_strbuf_printf(b, "%s%s", lead, first);
	col = start = column_after(first, column_after(lead, 0));
	while (*p) {
		const char *w = p;
		size_t n;

		while (*w == ' ')
			w++;
		n = strcspn(w, " ");
		if (n == 0)
			break;
		if (col + 1 + n > 78 && col > column_after(hang, column_after(lead, 0))) {
			mg_strbuf_printf(b, "\n%s%s", lead, hang);
			col = column_after(hang, column_after(lead, 0));
		} else if (col > start) {
			mg_strbuf_putc(b, ' ');
			col++;
		}
		mg_strbuf_putn(b, w, n);
		col += n;
		p = w + n;
	}
	emit_trim_trailing(b);
	mg_strbuf_putc(b, '\n');
	mg_strbuf_free(&clean);
}

void emit_c_escaped(struct mg_strbuf *b, const char *s, size_t n)
{
	size_t i, run;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* A run of characters that pass as they are, in one piece. */
		for (run = i;
		     run < n && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7f &&
		     s[run] != '"' && s[run] != '\\' && s[run] != '?';
		     run++)
			;
		if (run > i) {
			mg_strbuf_putn(b, s + i, run - i);
			i = run - 1;
			continue;
		}
		switch (c) {
		case '"':
			mg_strbuf_puts(b, "\\\"");
			break;
		case '\\':
			mg_strbuf_puts(b, "\\\\");
			break;
		case '\n':
			mg_strbuf_puts(b, "\\n");
			break;
		case '\t':
			mg_strbuf_puts(b, "\\t");
			break;
		case '?':
			/* No trigraphs under -std=c11. */
			mg_strbuf_puts(b, i + 1 < n && s[i + 1] == '?' ? "?\\" : "?");
			break;
		default:
			if (c < 0x20 || c >= 0x7f)
				mg_strbuf_printf(b, "\\%03o", c);
			else
				mg_strbuf_putc(b, (char)c);
		}
	}
}

void emit_c_string(struct mg_strbuf *b, const char *s)
{
	if (!s) {
		mg_strbuf_puts(b, "NULL");
		return;
	}
	mg_strbuf_putc(b, '"');
	emit_c_escaped(b, s, strlen(s));
	mg_strbuf_putc(b, '"');
}

void emit_c_string_lines(struct mg_strbuf *b, const char *s, const char *indent)
{
	const char *p = s;

	if (!*s) {
		mg_strbuf_puts(b, "\"\"");
		return;
	}
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (p != s)
			mg_strbuf_printf(b, "\n%s", indent);
		mg_strbuf_putc(b, '"');
		emit_c_escaped(b, p, n);
		mg_strbuf_putc(b, '"');
		p += n;
	}
}

int emit_ident_safe(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

void emit_rule(struct mg_strbuf *b, const char *title)
{
	size_t n = strlen(title) + 9;

	mg_strbuf_printf(b, "/* ---- %s ", title);
	for (; n < 75; n++)
		mg_strbuf_putc(b, '-');
	mg_strbuf_puts(b, " */\n");
}
