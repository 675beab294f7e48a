/*
 * modelgen pull, stage 3: the text of one model header, laid out like the
 * demo models (tabs, 100 columns, doc comments above their field,
 * annotations after the declarator, long lines broken before an
 * annotation). Same input, same bytes.
 */
#include "pull.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WIDTH 100
#define TAB   8

/* Display width of `s` starting at column `col` (tabs to the next stop). */
static size_t width_from(size_t col, const char *s)
{
	for (; *s; s++) {
		if (*s == '\t')
			col = (col / TAB + 1) * TAB;
		else if (((unsigned char)*s & 0xC0) != 0x80)
			col++;
	}
	return col;
}

/* Appends `words` after `head` on one line, or on continuation lines
 * indented with `indent` when the line would pass the width. `tail` ends
 * the last line. */
static void put_wrapped(struct mg_strbuf *b, const char *head, size_t n, const char *const *words,
			const char *tail, const char *indent)
{
	size_t col = width_from(0, head), start = width_from(0, indent), tail_len = strlen(tail);
	size_t i;

	mg_strbuf_puts(b, head);
	for (i = 0; i < n; i++) {
		/* Annotations are ASCII apart from string contents: their byte
		 * length is their width but for UTF-8 in names and defaults. */
		size_t w = width_from(0, words[i]);
		size_t need = col + 1 + w + (i + 1 == n ? tail_len : 0);

		if (need > WIDTH && col > start) {
			mg_strbuf_putc(b, '\n');
			mg_strbuf_puts(b, indent);
			col = start + w;
		} else {
			mg_strbuf_putc(b, ' ');
			col += 1 + w;
		}
		mg_strbuf_puts(b, words[i]);
	}
	mg_strbuf_puts(b, tail);
	mg_strbuf_putc(b, '\n');
}

/* A doc comment at `indent`: one line when it fits, else a block. */
static void put_doc(struct mg_strbuf *b, const char *indent, const char *text)
{
	size_t base = width_from(0, indent);
	const char *p = text;

	if (width_from(base, "/** ") + strlen(text) + 3 <= WIDTH) {
		mg_strbuf_printf(b, "%s/** %s */\n", indent, text);
		return;
	}
	mg_strbuf_printf(b, "%s/**\n", indent);
	while (*p) {
		size_t room = WIDTH - width_from(base, " * "), len = 0, last_space = 0;

		while (p[len] && width_from(0, "") + len < room) {
			if (p[len] == ' ')
				last_space = len;
			len++;
		}
		if (p[len] && last_space)
			len = last_space;
		mg_strbuf_printf(b, "%s * %.*s\n", indent, (int)len, p);
		p += len;
		while (*p == ' ')
			p++;
	}
	mg_strbuf_printf(b, "%s */\n", indent);
}

/* `text` inside a comment: a "*" "/" or "/" "*" in it (a CHECK expression
 * may hold one) is written with a blank between, so the comment does not
 * end there, nor seem to nest (-Wcomment). */
static void put_comment_text(struct mg_strbuf *b, const char *text)
{
	for (; *text; text++) {
		mg_strbuf_putc(b, *text);
		if ((text[0] == '*' && text[1] == '/') || (text[0] == '/' && text[1] == '*'))
			mg_strbuf_putc(b, ' ');
	}
}

static int uses(const struct pm_struct *s, const char *what)
{
	size_t i;

	for (i = 0; i < s->n_fields; i++)
		if (strstr(s->fields[i].ctype, what))
			return 1;
	return 0;
}

/* The top of a header: the comment (`what`, one line), the guard made
 * from `file`, the includes its fields need. */
static void put_head(struct mg_strbuf *b, const char *what, const char *file, int has_bool,
		     int has_int)
{
	struct mg_strbuf guard = {0};
	const char *p;

	mg_strbuf_puts(&guard, "MODELS_");
	for (p = file; *p && strcmp(p, ".h") != 0; p++)
		mg_strbuf_putc(&guard,
			       isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_');
	mg_strbuf_puts(&guard, "_H");

	mg_strbuf_puts(b, "/*\n * ");
	mg_strbuf_puts(b, what);
	mg_strbuf_puts(b, "\n */\n#ifndef ");
	mg_strbuf_puts(b, mg_strbuf_cstr(&guard));
	mg_strbuf_puts(b, "\n#define ");
	mg_strbuf_puts(b, mg_strbuf_cstr(&guard));
	mg_strbuf_puts(b, "\n\n");
	if (has_bool)
		mg_strbuf_puts(b, "#include <stdbool.h>\n");
	if (has_int)
		mg_strbuf_puts(b, "#include <stdint.h>\n");
	if (has_bool || has_int)
		mg_strbuf_putc(b, '\n');
	mg_strbuf_puts(b, "#include <modelgen/model.h>\n\n");
	mg_strbuf_free(&guard);
}

/* The struct of `s`, with its notes and doc comment above it. */
static void put_struct(struct mg_strbuf *b, const struct pm_struct *s)
{
	struct mg_strbuf line = {0};
	size_t i;

	for (i = 0; i < s->n_notes; i++) {
		mg_strbuf_puts(b, "/* ");
		put_comment_text(b, s->notes[i]);
		mg_strbuf_puts(b, " */\n");
	}
	if (s->doc)
		put_doc(b, "", s->doc);
	{
		/* struct MG_TABLE("t") ANNS... tag { */
		struct mg_strbuf head = {0};
		const char **v;
		size_t n = s->n_anns + 1;

		v = calloc(n + 1, sizeof(*v));
		for (i = 0; i < s->n_anns; i++)
			v[i] = s->anns[i];
		v[s->n_anns] = s->tag;
		mg_strbuf_puts(&head, "struct MG_TABLE(\"");
		mg_strbuf_puts(&head, s->table);
		mg_strbuf_puts(&head, "\")");
		put_wrapped(b, mg_strbuf_cstr(&head), n, v, " {", "\t");
		free(v);
		mg_strbuf_free(&head);
	}
	for (i = 0; i < s->n_fields; i++) {
		const struct pm_field *f = &s->fields[i];
		size_t len = strlen(f->ctype);

		if (f->doc)
			put_doc(b, "\t", f->doc);
		mg_strbuf_clear(&line);
		mg_strbuf_putc(&line, '\t');
		mg_strbuf_puts(&line, f->ctype);
		if (!(len && f->ctype[len - 1] == '*'))
			mg_strbuf_putc(&line, ' ');
		mg_strbuf_puts(&line, f->name);
		if (f->array)
			mg_strbuf_printf(&line, "[%u]", f->array);
		if (!f->n_anns) {
			mg_strbuf_puts(b, mg_strbuf_cstr(&line));
			mg_strbuf_puts(b, ";\n");
			continue;
		}
		put_wrapped(b, mg_strbuf_cstr(&line), f->n_anns, f->anns, ";", "\t\t");
	}
	mg_strbuf_puts(b, "};\n");
	mg_strbuf_free(&line);
}

void pull_render(struct mg_strbuf *b, const struct pm_struct *s)
{
	struct mg_strbuf what = {0};

	mg_strbuf_puts(&what, "Table ");
	mg_strbuf_puts(&what, s->table);
	mg_strbuf_puts(&what, ", as `modelgen pull` read it from the database.");
	put_head(b, mg_strbuf_cstr(&what), s->file, uses(s, "bool"), uses(s, "int"));
	put_struct(b, s);
	mg_strbuf_puts(b, "\n#endif\n");
	mg_strbuf_free(&what);
}

void pull_render_all(struct mg_strbuf *b, const struct pm_result *r, const char *file)
{
	int has_bool = 0, has_int = 0;
	size_t i;

	for (i = 0; i < r->n_structs; i++) {
		has_bool = has_bool || uses(&r->structs[i], "bool");
		has_int = has_int || uses(&r->structs[i], "int");
	}
	put_head(b, "The tables of the database, as `modelgen pull` read them.", file, has_bool,
		 has_int);
	for (i = 0; i < r->n_structs; i++) {
		if (i)
			mg_strbuf_putc(b, '\n');
		put_struct(b, &r->structs[i]);
	}
	mg_strbuf_puts(b, "\n#endif\n");
}

/* Why MG_FOREIGN_TABLE cannot name table `name` (parse.c's rules), or
 * NULL when it can. */
static const char *unnamable(const struct pm_result *r, const char *name)
{
	const unsigned char *c;
	size_t i;

	if (strncasecmp(name, "modelgen_", 9) == 0)
		return "names starting with modelgen_ are modelgen's; dbupdate does not read "
		       "them";
	for (c = (const unsigned char *)name; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return "its name holds a control character; dbupdate --verify and "
			       "--baseline report it";
	for (i = 0; i < r->n_structs; i++)
		if (strcasecmp(r->structs[i].table, name) == 0)
			return "a model table has its name, ignoring case; dbupdate --verify and "
			       "--baseline report it";
	return NULL;
}

void pull_render_foreign(struct mg_strbuf *b, const struct pm_result *r, struct mg_arena *arena)
{
	size_t i;

	mg_strbuf_puts(
		b, "/*\n"
		   " * Tables of the database that the models leave alone: no migration touches\n"
		   " * them, and dbupdate --verify and --baseline do not report them.\n"
		   " */\n"
		   "#ifndef MODELS_MODELGEN_FOREIGN_H\n"
		   "#define MODELS_MODELGEN_FOREIGN_H\n\n"
		   "#include <modelgen/model.h>\n\n");
	for (i = 0; i < r->n_foreign; i++) {
		const char *why = unnamable(r, r->foreign[i]);
		const char *lit = pull_c_string(arena, r->foreign[i]);

		if (why) {
			mg_strbuf_puts(b, "/* not listed: table ");
			put_comment_text(b, lit); /* a literal holds no newline */
			mg_strbuf_printf(b, " (%s) */\n", why);
		} else
			mg_strbuf_printf(b, "MG_FOREIGN_TABLE(%s);\n", lit);
	}
	mg_strbuf_puts(b, "\n#endif\n");
}
