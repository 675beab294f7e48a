/*
 * Generated files byte for byte (see emit.h for the migration file layout),
 * and the reader that gets a migration file's header, SQL and schema delta
 * back for check, sql and diff --amend.
 */
#include "emit.h"

#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "sql.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "xalloc.h"

static const char *const dialect_names[MG_DIALECT_COUNT] = {"sqlite", "postgresql"};
static const char *const dialect_titles[MG_DIALECT_COUNT] = {"SQLite", "PostgreSQL"};
static const char *const dir_names[2] = {"up", "down"};

/* ---- text helpers ------------------------------------------------------ */

/* Appends `s` for use inside a C comment: ASCII only, no comment end or start. */
static void put_comment_text(struct mg_strbuf *b, const char *s)
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

/* Removes trailing spaces and tabs at the end of `b`. */
static void trim_trailing(struct mg_strbuf *b)
{
	while (b->len && (b->ptr[b->len - 1] == ' ' || b->ptr[b->len - 1] == '\t'))
		b->ptr[--b->len] = '\0';
}

/*
 * Appends `text` as comment lines: each starts with `prefix` (" * ") and
 * `indent`, words wrapped at 78 columns, later lines indented by `hang`.
 */
static void put_comment_wrapped(struct mg_strbuf *b, const char *indent, const char *hang,
				const char *text)
{
	struct mg_strbuf clean = {0};
	const char *p;
	size_t col;

	put_comment_text(&clean, text);
	p = mg_strbuf_cstr(&clean);
	mg_strbuf_printf(b, " * %s", indent);
	col = 3 + strlen(indent);
	while (*p) {
		const char *w = p;
		size_t n;

		while (*w == ' ')
			w++;
		n = strcspn(w, " ");
		if (n == 0)
			break;
		if (col + 1 + n > 78 && col > 3 + strlen(hang)) {
			mg_strbuf_printf(b, "\n * %s", hang);
			col = 3 + strlen(hang);
		} else if (w != mg_strbuf_cstr(&clean) && col > 3 + strlen(indent)) {
			mg_strbuf_putc(b, ' ');
			col++;
		}
		mg_strbuf_putn(b, w, n);
		col += n;
		p = w + n;
	}
	trim_trailing(b);
	mg_strbuf_putc(b, '\n');
	mg_strbuf_free(&clean);
}

/* Appends the escaped bytes of `s` (no quotes). */
static void put_c_escaped(struct mg_strbuf *b, const char *s, size_t n)
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

/* Appends `s` as one C string literal (NULL as NULL). */
static void put_c_string(struct mg_strbuf *b, const char *s)
{
	if (!s) {
		mg_strbuf_puts(b, "NULL");
		return;
	}
	mg_strbuf_putc(b, '"');
	put_c_escaped(b, s, strlen(s));
	mg_strbuf_putc(b, '"');
}

/* Appends `s` as a literal split after each newline, one piece per line,
 * each line starting with `indent`, and a blank line after each piece that
 * ends a statement (";\n") so that every statement is its own group of
 * lines; no trailing newline. */
static void put_c_string_lines(struct mg_strbuf *b, const char *indent, const char *s)
{
	const char *p = s;

	if (!*s) {
		mg_strbuf_printf(b, "%s\"\"", indent);
		return;
	}
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (p != s) /* p follows a newline */
			mg_strbuf_puts(b, p - s >= 2 && p[-2] == ';' ? "\n\n" : "\n");
		mg_strbuf_printf(b, "%s\"", indent);
		put_c_escaped(b, p, n);
		mg_strbuf_putc(b, '"');
		p += n;
	}
}

/* 1 when `s` can be part of a C identifier as is. */
static int ident_safe(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* ---- frozen schema data ----------------------------------------------- */

static const char *coltype_constant(enum mg_coltype t)
{
	switch (t) {
	case MG_COL_BOOLEAN:
		return "MG_COL_BOOLEAN";
	case MG_COL_SMALLINT:
		return "MG_COL_SMALLINT";
	case MG_COL_INTEGER:
		return "MG_COL_INTEGER";
	case MG_COL_BIGINT:
		return "MG_COL_BIGINT";
	case MG_COL_REAL:
		return "MG_COL_REAL";
	case MG_COL_DOUBLE:
		return "MG_COL_DOUBLE";
	case MG_COL_VARCHAR:
		return "MG_COL_VARCHAR";
	case MG_COL_TEXT:
		return "MG_COL_TEXT";
	case MG_COL_BLOB:
		return "MG_COL_BLOB";
	case MG_COL_CUSTOM:
		return "MG_COL_CUSTOM";
	}
	return "0";
}

static const char *fk_action_constant(enum mg_fk_action a)
{
	switch (a) {
	case MG_FK_NO_ACTION:
		return "MG_FK_NO_ACTION";
	case MG_FK_CASCADE:
		return "MG_FK_CASCADE";
	case MG_FK_SET_NULL:
		return "MG_FK_SET_NULL";
	case MG_FK_RESTRICT:
		return "MG_FK_RESTRICT";
	}
	return "MG_FK_NO_ACTION";
}

/* The C name stem of table `i` of a schema emitted under `prefix`. */
static void table_stem(struct mg_strbuf *b, const char *prefix, const struct mg_table *t, size_t i)
{
	mg_strbuf_clear(b);
	if (ident_safe(t->name))
		mg_strbuf_printf(b, "%s_%s", prefix, t->name);
	else
		mg_strbuf_printf(b, "%s_t%zu", prefix, i);
}

static void put_name_array(struct mg_strbuf *b, const char *cname, size_t n,
			   const char *const *names)
{
	size_t i;

	mg_strbuf_printf(b, "static const char *const %s[] = {", cname);
	for (i = 0; i < n; i++) {
		if (i)
			mg_strbuf_puts(b, ", ");
		put_c_string(b, names[i]);
	}
	mg_strbuf_puts(b, "};\n");
}

/* The arrays of one table, named from `stem`. */
static void put_table_parts(struct mg_strbuf *b, const char *stem, const struct mg_table *t)
{
	size_t i;
	struct mg_strbuf name = {0};

	if (t->n_columns) {
		mg_strbuf_printf(b, "static const struct mg_column %s_columns[] = {\n", stem);
		for (i = 0; i < t->n_columns; i++) {
			const struct mg_column *c = &t->columns[i];

			mg_strbuf_puts(b, "\t{.name = ");
			put_c_string(b, c->name);
			mg_strbuf_printf(b, ", .type = %s", coltype_constant(c->type));
			if (c->length)
				mg_strbuf_printf(b, ", .length = %u", c->length);
			if (c->custom_type) {
				mg_strbuf_puts(b, ", .custom_type = ");
				put_c_string(b, c->custom_type);
			}
			if (c->nullable)
				mg_strbuf_puts(b, ", .nullable = 1");
			if (c->identity)
				mg_strbuf_puts(b, ", .identity = 1");
			if (c->default_sql) {
				mg_strbuf_puts(b, ",\n\t .default_sql = ");
				put_c_string(b, c->default_sql);
			}
			if (c->comment) {
				mg_strbuf_puts(b, ",\n\t .comment = ");
				put_c_string(b, c->comment);
			}
			mg_strbuf_puts(b, "},\n");
		}
		mg_strbuf_puts(b, "};\n");
	}
	if (t->n_primary_key) {
		mg_strbuf_clear(&name);
		mg_strbuf_printf(&name, "%s_pk", stem);
		put_name_array(b, mg_strbuf_cstr(&name), t->n_primary_key, t->primary_key);
	}
	for (i = 0; i < t->n_indexes; i++) {
		mg_strbuf_clear(&name);
		mg_strbuf_printf(&name, "%s_ix%zu", stem, i + 1);
		put_name_array(b, mg_strbuf_cstr(&name), t->indexes[i].n_columns,
			       t->indexes[i].columns);
	}
	if (t->n_indexes) {
		mg_strbuf_printf(b, "static const struct mg_index %s_indexes[] = {\n", stem);
		for (i = 0; i < t->n_indexes; i++) {
			const struct mg_index *ix = &t->indexes[i];

			mg_strbuf_puts(b, "\t{.name = ");
			put_c_string(b, ix->name);
			mg_strbuf_printf(
				b, ", .unique = %d, .n_columns = %zu, .columns = %s_ix%zu},\n",
				ix->unique ? 1 : 0, ix->n_columns, stem, i + 1);
		}
		mg_strbuf_puts(b, "};\n");
	}
	if (t->n_foreign_keys) {
		mg_strbuf_printf(b, "static const struct mg_foreign_key %s_fks[] = {\n", stem);
		for (i = 0; i < t->n_foreign_keys; i++) {
			const struct mg_foreign_key *fk = &t->foreign_keys[i];

			mg_strbuf_puts(b, "\t{.name = ");
			put_c_string(b, fk->name);
			mg_strbuf_puts(b, ",\n\t .column = ");
			put_c_string(b, fk->column);
			mg_strbuf_puts(b, ",\n\t .ref_table = ");
			put_c_string(b, fk->ref_table);
			mg_strbuf_puts(b, ",\n\t .ref_column = ");
			put_c_string(b, fk->ref_column);
			mg_strbuf_printf(b, ",\n\t .on_delete = %s},\n",
					 fk_action_constant(fk->on_delete));
		}
		mg_strbuf_puts(b, "};\n");
	}
	mg_strbuf_free(&name);
}

/* The initializer of one struct mg_table (inside an array). */
static void put_table_init(struct mg_strbuf *b, const char *stem, const struct mg_table *t)
{
	mg_strbuf_puts(b, "\t{\n\t\t.name = ");
	put_c_string(b, t->name);
	mg_strbuf_puts(b, ",\n");
	if (t->comment) {
		mg_strbuf_puts(b, "\t\t.comment = ");
		put_c_string(b, t->comment);
		mg_strbuf_puts(b, ",\n");
	}
	if (t->n_columns)
		mg_strbuf_printf(b, "\t\t.n_columns = %zu,\n\t\t.columns = %s_columns,\n",
				 t->n_columns, stem);
	if (t->n_primary_key)
		mg_strbuf_printf(b, "\t\t.n_primary_key = %zu,\n\t\t.primary_key = %s_pk,\n",
				 t->n_primary_key, stem);
	if (t->n_indexes)
		mg_strbuf_printf(b, "\t\t.n_indexes = %zu,\n\t\t.indexes = %s_indexes,\n",
				 t->n_indexes, stem);
	if (t->n_foreign_keys)
		mg_strbuf_printf(b, "\t\t.n_foreign_keys = %zu,\n\t\t.foreign_keys = %s_fks,\n",
				 t->n_foreign_keys, stem);
	mg_strbuf_puts(b, "\t},\n");
}

/*
 * Appends `schema` as static const data: the parts of every table, then
 * `<prefix>_tables[]` and `<prefix>_schema`.
 */
static void put_schema_data(struct mg_strbuf *b, const char *prefix, const struct mg_schema *s,
			    int with_schema)
{
	struct mg_strbuf stem = {0};
	size_t i;

	for (i = 0; i < s->n_tables; i++) {
		table_stem(&stem, prefix, &s->tables[i], i);
		put_table_parts(b, mg_strbuf_cstr(&stem), &s->tables[i]);
	}
	if (s->n_tables) {
		mg_strbuf_printf(b, "static const struct mg_table %s_tables[] = {\n", prefix);
		for (i = 0; i < s->n_tables; i++) {
			table_stem(&stem, prefix, &s->tables[i], i);
			put_table_init(b, mg_strbuf_cstr(&stem), &s->tables[i]);
		}
		mg_strbuf_puts(b, "};\n");
		if (with_schema)
			mg_strbuf_printf(
				b,
				"static const struct mg_schema %s_schema = {.n_tables = %zu, "
				".tables = %s_tables};\n",
				prefix, s->n_tables, prefix);
	} else if (with_schema) {
		mg_strbuf_printf(b, "static const struct mg_schema %s_schema = {.n_tables = 0};\n",
				 prefix);
	}
	mg_strbuf_free(&stem);
}

/* ---- migration file ---------------------------------------------------- */

/* Appends a section rule: blank line, then a 78-column comment line. */
static void put_rule(struct mg_strbuf *b, const char *title)
{
	size_t n = strlen(title) + 9;

	mg_strbuf_printf(b, "\n/* ---- %s ", title);
	for (; n < 75; n++)
		mg_strbuf_putc(b, '-');
	mg_strbuf_puts(b, " */\n");
}

static const char version_gate[] = "#if MG_MIGRATION_FORMAT != 1\n"
				   "#error \"generated for migration format 1: regenerate with "
				   "this modelgen\"\n"
				   "#endif\n";

static const char *file_source(const char *path)
{
	const char *slash;

	/* Never an absolute path in a generated file. */
	if (path[0] != '/')
		return path;
	slash = strrchr(path, '/');
	return slash + 1;
}

/* The SQL a rebuild runs, for review (the runtime also keeps triggers and
 * views it finds in the live database). */
static void put_rebuild_sql(struct mg_strbuf *b, const struct mg_rebuild *rb)
{
	struct mg_strbuf tmp = {0};
	size_t i;

	mg_strbuf_printf(&tmp, "%s__mg_new", rb->table->name);
	mg_sql_create_table(b, MG_DIALECT_SQLITE, rb->table, mg_strbuf_cstr(&tmp), 0);
	if (rb->n_copy) {
		mg_strbuf_puts(b, "INSERT INTO ");
		mg_sql_ident(b, mg_strbuf_cstr(&tmp));
		mg_strbuf_puts(b, " (");
		for (i = 0; i < rb->n_copy; i++) {
			if (i)
				mg_strbuf_puts(b, ", ");
			mg_sql_ident(b, rb->copy_columns[i]);
		}
		mg_strbuf_puts(b, ")\n  SELECT ");
		for (i = 0; i < rb->n_copy; i++) {
			if (i)
				mg_strbuf_puts(b, ", ");
			mg_strbuf_puts(b, rb->copy_exprs[i]);
		}
		mg_strbuf_puts(b, " FROM ");
		mg_sql_ident(b, rb->old_name);
		mg_strbuf_puts(b, ";\n");
	}
	mg_strbuf_puts(b, "DROP TABLE ");
	mg_sql_ident(b, rb->old_name);
	mg_strbuf_puts(b, ";\nALTER TABLE ");
	mg_sql_ident(b, mg_strbuf_cstr(&tmp));
	mg_strbuf_puts(b, " RENAME TO ");
	mg_sql_ident(b, rb->table->name);
	mg_strbuf_puts(b, ";\n");
	for (i = 0; i < rb->table->n_indexes; i++)
		mg_sql_create_index(b, MG_DIALECT_SQLITE, rb->table, &rb->table->indexes[i]);
	mg_strbuf_free(&tmp);
}

/* Appends `text` as comment lines " *   line". */
static void put_comment_block_lines(struct mg_strbuf *b, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct mg_strbuf line = {0};

		mg_strbuf_putn(&line, p, n);
		mg_strbuf_puts(b, " *   ");
		put_comment_text(b, mg_strbuf_cstr(&line));
		trim_trailing(b);
		mg_strbuf_putc(b, '\n');
		mg_strbuf_free(&line);
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* Where a rebuild's table is among the frozen before/after tables: the C
 * expression for a pointer to it, or "" when it needs its own copy. */
static void rebuild_table_ref(struct mg_strbuf *out, const struct plan_result *plan,
			      const struct mg_table *t)
{
	/* By address range (as integers: pointers into different arrays do not
	 * compare in C), so that a migration with many rebuilds stays linear. */
	uintptr_t p = (uintptr_t)t;
	uintptr_t a = (uintptr_t)plan->after.tables, b = (uintptr_t)plan->before.tables;

	mg_strbuf_clear(out);
	if (plan->after.n_tables && p >= a && p < a + plan->after.n_tables * sizeof(*t) &&
	    (p - a) % sizeof(*t) == 0)
		mg_strbuf_printf(out, "&after_tables[%zu]", (size_t)((p - a) / sizeof(*t)));
	else if (plan->before.n_tables && p >= b && p < b + plan->before.n_tables * sizeof(*t) &&
		 (p - b) % sizeof(*t) == 0)
		mg_strbuf_printf(out, "&before_tables[%zu]", (size_t)((p - b) / sizeof(*t)));
}

/*
 * The comment that names step `n`: "/ * sqlite up 2: summary * /", words
 * wrapped over " * " lines when long. emit_read parses it back.
 */
static void put_item_header(struct mg_strbuf *b, int d, int dir, size_t n, const char *summary)
{
	struct mg_strbuf clean = {0};
	const char *p;
	size_t col;

	put_comment_text(&clean, summary);
	mg_strbuf_printf(b, "\n/* %s %s %zu:", dialect_names[d], dir_names[dir], n);
	col = strlen(dialect_names[d]) + strlen(dir_names[dir]) + 8;
	for (p = mg_strbuf_cstr(&clean); *p;) {
		size_t w;

		while (*p == ' ')
			p++;
		w = strcspn(p, " ");
		if (!w)
			break;
		if (col + 1 + w > 76 && col > 3) {
			mg_strbuf_puts(b, "\n *");
			col = 2;
		}
		mg_strbuf_putc(b, ' ');
		mg_strbuf_putn(b, p, w);
		col += 1 + w;
		p += w;
	}
	mg_strbuf_puts(b, " */\n");
	mg_strbuf_free(&clean);
}

/* Appends `s` as adjacent C string literals of at most about 64 characters,
 * broken after spaces; later pieces start a new line with `indent`. */
static void put_c_string_wrapped(struct mg_strbuf *b, const char *s, const char *indent)
{
	size_t len = strlen(s);

	while (len > 64) {
		size_t cut = 64;

		while (cut > 16 && s[cut - 1] != ' ')
			cut--;
		if (s[cut - 1] != ' ')
			cut = 64;
		mg_strbuf_putc(b, '"');
		put_c_escaped(b, s, cut);
		mg_strbuf_printf(b, "\"\n%s", indent);
		s += cut;
		len -= cut;
	}
	put_c_string(b, s);
}

/* The SQL constants and rebuild comments of one dialect and direction. */
static void put_sql_section(struct mg_strbuf *b, const struct plan_result *plan, int d, int dir)
{
	const struct mg_plan *p = dir == 0 ? &plan->up[d] : &plan->down[d];
	size_t i;

	{
		struct mg_strbuf title = {0};

		mg_strbuf_printf(&title, "SQL: %s, %s", dialect_titles[d], dir_names[dir]);
		put_rule(b, mg_strbuf_cstr(&title));
		mg_strbuf_free(&title);
	}
	if (p->n_steps == 0) {
		mg_strbuf_puts(b, "\n/* (no steps) */\n");
		return;
	}
	for (i = 0; i < p->n_steps; i++) {
		const struct mg_step *s = &p->steps[i];

		put_item_header(b, d, dir, i + 1, s->summary ? s->summary : "");
		if (s->kind == MG_STEP_REBUILD) {
			struct mg_strbuf sql = {0};

			assert(s->rebuild);
			put_rebuild_sql(&sql, s->rebuild);
			mg_strbuf_puts(b,
				       "/*\n * Table rebuild, run by the runtime with foreign keys "
				       "off in one transaction,\n"
				       " * checked with PRAGMA foreign_key_check before commit; "
				       "triggers and views on\n"
				       " * the table are saved and recreated:\n");
			put_comment_block_lines(b, mg_strbuf_cstr(&sql));
			mg_strbuf_puts(b, " */\n");
			mg_strbuf_free(&sql);
		} else {
			mg_strbuf_printf(b, "static const char %s_%s_%zu[] =\n", dialect_names[d],
					 dir_names[dir], i + 1);
			put_c_string_lines(b, "\t", s->sql ? s->sql : "");
			mg_strbuf_puts(b, ";\n");
		}
	}
}

/* The rebuild structs of one dialect and direction. */
static void put_rebuilds(struct mg_strbuf *b, const struct plan_result *plan, int d, int dir)
{
	const struct mg_plan *p = dir == 0 ? &plan->up[d] : &plan->down[d];
	struct mg_strbuf stem = {0}, ref = {0};
	size_t i;

	for (i = 0; i < p->n_steps; i++) {
		const struct mg_rebuild *rb = p->steps[i].rebuild;

		if (p->steps[i].kind != MG_STEP_REBUILD)
			continue;
		mg_strbuf_clear(&stem);
		mg_strbuf_printf(&stem, "%s_%s_%zu", dialect_names[d], dir_names[dir], i + 1);
		rebuild_table_ref(&ref, plan, rb->table);
		if (!ref.len) {
			struct mg_schema one = {1, rb->table, NULL};
			struct mg_strbuf prefix = {0};

			mg_strbuf_printf(&prefix, "%s_t", mg_strbuf_cstr(&stem));
			put_schema_data(b, mg_strbuf_cstr(&prefix), &one, 0);
			mg_strbuf_printf(&ref, "&%s_tables[0]", mg_strbuf_cstr(&prefix));
			mg_strbuf_free(&prefix);
		}
		if (rb->n_copy) {
			struct mg_strbuf name = {0};

			mg_strbuf_printf(&name, "%s_copy_columns", mg_strbuf_cstr(&stem));
			put_name_array(b, mg_strbuf_cstr(&name), rb->n_copy, rb->copy_columns);
			mg_strbuf_clear(&name);
			mg_strbuf_printf(&name, "%s_copy_exprs", mg_strbuf_cstr(&stem));
			put_name_array(b, mg_strbuf_cstr(&name), rb->n_copy, rb->copy_exprs);
			mg_strbuf_free(&name);
		}
		mg_strbuf_printf(b, "static const struct mg_rebuild %s_rebuild = {\n",
				 mg_strbuf_cstr(&stem));
		mg_strbuf_printf(b, "\t.table = %s,\n\t.old_name = ", mg_strbuf_cstr(&ref));
		put_c_string(b, rb->old_name);
		mg_strbuf_puts(b, ",\n");
		if (rb->n_copy)
			mg_strbuf_printf(b,
					 "\t.n_copy = %zu,\n\t.copy_columns = %s_copy_columns,\n"
					 "\t.copy_exprs = %s_copy_exprs,\n",
					 rb->n_copy, mg_strbuf_cstr(&stem), mg_strbuf_cstr(&stem));
		mg_strbuf_puts(b, "};\n");
	}
	mg_strbuf_free(&stem);
	mg_strbuf_free(&ref);
}

static void put_steps(struct mg_strbuf *b, const struct plan_result *plan, int d, int dir)
{
	const struct mg_plan *p = dir == 0 ? &plan->up[d] : &plan->down[d];
	size_t i;

	if (!p->n_steps)
		return;
	mg_strbuf_printf(b, "static const struct mg_step %s_%s[] = {\n", dialect_names[d],
			 dir_names[dir]);
	for (i = 0; i < p->n_steps; i++) {
		const struct mg_step *s = &p->steps[i];

		mg_strbuf_printf(b, "\t{.kind = %s,\n\t .summary = ",
				 s->kind == MG_STEP_REBUILD ? "MG_STEP_REBUILD" : "MG_STEP_SQL");
		put_c_string_wrapped(b, s->summary ? s->summary : "", "\t\t    ");
		if (s->kind == MG_STEP_REBUILD)
			mg_strbuf_printf(b, ",\n\t .rebuild = &%s_%s_%zu_rebuild},\n",
					 dialect_names[d], dir_names[dir], i + 1);
		else
			mg_strbuf_printf(b, ",\n\t .sql = %s_%s_%zu},\n", dialect_names[d],
					 dir_names[dir], i + 1);
	}
	mg_strbuf_puts(b, "};\n");
}

static void put_plan_init(struct mg_strbuf *b, const struct plan_result *plan, int dir)
{
	int d;

	mg_strbuf_printf(b, "\t.%s = {\n", dir_names[dir]);
	for (d = 0; d < MG_DIALECT_COUNT; d++) {
		const struct mg_plan *p = dir == 0 ? &plan->up[d] : &plan->down[d];
		const char *c =
			d == MG_DIALECT_SQLITE ? "MG_DIALECT_SQLITE" : "MG_DIALECT_POSTGRESQL";

		if (p->n_steps)
			mg_strbuf_printf(b, "\t\t[%s] = {.n_steps = %zu, .steps = %s_%s},\n", c,
					 p->n_steps, dialect_names[d], dir_names[dir]);
		else
			mg_strbuf_printf(b, "\t\t[%s] = {.n_steps = 0},\n", c);
	}
	mg_strbuf_puts(b, "\t},\n");
}

/* Appends the JSON of `schema` between comment markers, so that it can
 * never end the comment. */
static void put_delta_json(struct mg_strbuf *b, const char *marker, const char *what,
			   const struct mg_schema *schema)
{
	char *json = snapshot_dump(schema);
	const char *p;

	mg_strbuf_printf(b, "\n/* %s: %s\n", marker, what);
	for (p = json; *p;) {
		size_t n = 0;

		/* Copy up to the next '*', '/' or '?', which may need an escape. */
		while (p[n] && p[n] != '*' && p[n] != '/' && p[n] != '?')
			n++;
		mg_strbuf_putn(b, p, n);
		p += n;
		if (!*p)
			break;
		if (p[0] == '*' && p[1] == '/') {
			mg_strbuf_puts(b, "*\\");
		} else if (p[0] == '/' && p[1] == '*') {
			/* JSON's "\u002f" is a slash; a comment start trips -Wcomment. */
			mg_strbuf_puts(b, "\\u002f");
		} else if (p[0] == '?' && p[1] == '?') {
			/* No trigraph even in a comment. */
			mg_strbuf_puts(b, "?\\u003f");
			p++;
		} else {
			mg_strbuf_putc(b, *p);
		}
		p++;
	}
	trim_trailing(b);
	if (b->len && b->ptr[b->len - 1] != '\n')
		mg_strbuf_putc(b, '\n');
	mg_strbuf_puts(b, "*/\n");
	free(json);
}

static void checksum_of(char out[72], const char *a, size_t na, const char *c, size_t nc)
{
	struct mg_sha256 ctx;
	unsigned char digest[32];
	static const char hex[] = "0123456789abcdef";
	size_t i;

	mg_sha256_init(&ctx);
	mg_sha256_update(&ctx, a, na);
	mg_sha256_update(&ctx, c, nc);
	mg_sha256_final(&ctx, digest);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[digest[i] >> 4];
		out[8 + 2 * i] = hex[digest[i] & 15];
	}
	out[71] = '\0';
}

static const char checksum_key[] = " * checksum: ";

void emit_checksum(char out[72], const char *text)
{
	const char *line = strstr(text, checksum_key);
	const char *end;

	if (line && (line == text || line[-1] == '\n')) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		checksum_of(out, text, (size_t)(line - text), end, strlen(end));
	} else {
		checksum_of(out, text, strlen(text), "", 0);
	}
}

char *emit_migration(const struct emit_migration_input *in)
{
	const struct plan_result *plan = in->plan;
	struct mg_strbuf out = {0}, line = {0};
	size_t head_len, body_start;
	char sum[72];
	size_t i;
	int d, dir;

	/* Banner and machine-readable header, then the checksum line (a fixed
	 * length placeholder, filled in at the end: the checksum covers every
	 * other byte), then the body, all in one buffer: a migration of
	 * thousands of tables is tens of megabytes. */
	mg_strbuf_printf(&out, "/*\n * %s.c: migration %u.\n *\n", in->name, in->number);
	mg_strbuf_printf(&out,
			 " * Generated by modelgen %s. DO NOT EDIT: while this is the newest\n"
			 " * migration, change the models and run `modelgen diff --amend`;\n"
			 " * otherwise add a new migration.\n *\n",
			 MG_VERSION);
	mg_strbuf_printf(&out, " * modelgen-migration: %d\n", EMIT_FILE_FORMAT);
	mg_strbuf_printf(&out, " * number: %u\n * name: %s\n * kind: generated\n", in->number,
			 in->name);
	mg_strbuf_clear(&line);
	for (i = 0; i < in->n_sources; i++) {
		if (i)
			mg_strbuf_puts(&line, ", ");
		put_comment_text(&line, file_source(in->sources[i]));
	}
	put_comment_wrapped(&out, "models: ", "  ", mg_strbuf_cstr(&line));
	mg_strbuf_printf(&out, " * parent: %s\n * result: %s\n * allow-drop: %s\n",
			 in->parent_hash[0] ? in->parent_hash : "none", in->result_hash,
			 in->allow_drop ? "yes" : "no");

	head_len = out.len;
	mg_strbuf_printf(&out, "%ssha256:%064d\n", checksum_key, 0);
	body_start = out.len;
	mg_strbuf_puts(&out,
		       " */\n\n/*\n * Operations, in order ([!] marks destructive ones):\n *\n");
	for (i = 0; i < plan->n_summary; i++) {
		mg_strbuf_clear(&line);
		mg_strbuf_printf(&line, "%3zu. %s ", i + 1,
				 plan->summary[i].destructive ? "[!]" : "   ");
		put_comment_wrapped(&out, mg_strbuf_cstr(&line), "         ",
				    plan->summary[i].text);
	}
	if (!plan->n_summary)
		mg_strbuf_puts(&out, " *   (none)\n");
	if (plan->n_notes) {
		mg_strbuf_puts(&out, " *\n * Review notes:\n *\n");
		for (i = 0; i < plan->n_notes; i++)
			put_comment_wrapped(&out, "  - ", "    ", plan->notes[i]);
	}
	if (plan->irreversible_note) {
		mg_strbuf_puts(&out, " *\n * Irreversible: down restores the structure only.\n");
		put_comment_wrapped(&out, "  ", "  ", plan->irreversible_note);
	}
	if (in->allow_drop)
		mg_strbuf_puts(&out, " *\n * Generated with --allow-drop.\n");
	mg_strbuf_puts(&out, " */\n\n#include <stddef.h>\n\n#include <modelgen/migration.h>\n\n");
	mg_strbuf_puts(&out, version_gate);

	for (d = 0; d < MG_DIALECT_COUNT; d++)
		for (dir = 0; dir < 2; dir++)
			put_sql_section(&out, plan, d, dir);

	put_rule(&out, "Frozen tables, as they are before up");
	mg_strbuf_putc(&out, '\n');
	put_schema_data(&out, "before", &plan->before, 1);
	put_rule(&out, "Frozen tables, as they are after up");
	mg_strbuf_putc(&out, '\n');
	put_schema_data(&out, "after", &plan->after, 1);

	put_rule(&out, "Steps");
	mg_strbuf_putc(&out, '\n');
	for (d = 0; d < MG_DIALECT_COUNT; d++)
		for (dir = 0; dir < 2; dir++)
			put_rebuilds(&out, plan, d, dir);
	for (d = 0; d < MG_DIALECT_COUNT; d++)
		for (dir = 0; dir < 2; dir++)
			put_steps(&out, plan, d, dir);

	mg_strbuf_printf(&out, "\nextern const struct mg_migration mg_migration_%04u;\n",
			 in->number);
	mg_strbuf_printf(&out, "const struct mg_migration mg_migration_%04u = {\n", in->number);
	mg_strbuf_printf(&out, "\t.number = %u,\n\t.name = ", in->number);
	put_c_string(&out, in->name);
	mg_strbuf_puts(&out, ",\n\t.parent_hash = ");
	put_c_string(&out, in->parent_hash);
	mg_strbuf_puts(&out, ",\n\t.result_hash = ");
	put_c_string(&out, in->result_hash);
	mg_strbuf_printf(&out, ",\n\t.flags = %s,\n",
			 plan->irreversible_note ? "MG_MIGRATION_IRREVERSIBLE" : "0");
	if (plan->irreversible_note) {
		mg_strbuf_puts(&out, "\t.irreversible_note = ");
		put_c_string(&out, plan->irreversible_note);
		mg_strbuf_puts(&out, ",\n");
	}
	mg_strbuf_puts(&out, "\t.before = &before_schema,\n\t.after = &after_schema,\n");
	put_plan_init(&out, plan, 0);
	put_plan_init(&out, plan, 1);
	mg_strbuf_puts(&out, "};\n");

	mg_strbuf_puts(
		&out,
		"\n/*\n * Schema delta, for `modelgen check` and `modelgen diff --amend`: the\n"
		" * full definitions of the tables that differ between the parent and the\n"
		" * result schema, as snapshot JSON (generated/schema.json format).\n */\n");
	put_delta_json(&out, "modelgen-delta-before", "tables as they are in the parent schema",
		       in->delta_before);
	put_delta_json(&out, "modelgen-delta-after", "tables as they are in the result schema",
		       in->delta_after);

	checksum_of(sum, out.ptr, head_len, out.ptr + body_start, out.len - body_start);
	memcpy(out.ptr + head_len + strlen(checksum_key), sum, strlen(sum));
	mg_strbuf_free(&line);
	return mg_strbuf_detach(&out);
}

/* ---- hand-written migration ------------------------------------------- */

char *emit_handwritten(unsigned number, const char *name, const char *hash)
{
	struct mg_strbuf b = {0};

	mg_strbuf_printf(&b, "/*\n * %s.c: migration %u, hand-written (a data migration).\n *\n",
			 name, number);
	mg_strbuf_puts(&b, " * Created by `modelgen new`; fill in up() and down(). modelgen never\n"
			   " * rewrites this file.\n *\n");
	mg_strbuf_printf(&b, " * modelgen-migration: %d\n", EMIT_FILE_FORMAT);
	mg_strbuf_printf(&b, " * number: %u\n * name: %s\n * kind: handwritten\n", number, name);
	mg_strbuf_printf(&b, " * parent: %s\n * result: %s\n", hash[0] ? hash : "none",
			 hash[0] ? hash : "none");
	mg_strbuf_puts(
		&b, " */\n\n"
		    "/*\n"
		    " * Rules for a data migration:\n"
		    " *\n"
		    " * - Never include the application's model headers or use its structs:\n"
		    " *   the models change, this migration must not. Work in SQL, and read\n"
		    " *   the live shape of a table with mg_db_inspect_table() when it\n"
		    " *   matters.\n"
		    " * - up() and down() run inside the migration's transaction, together\n"
		    " *   with its bookkeeping row: no BEGIN, COMMIT or ROLLBACK here. Return\n"
		    " *   0, the code of the call that failed, or\n"
		    " *   mg_db_error(db, MG_E_STEP, \"what went wrong\").\n"
		    " * - The same code runs on SQLite and PostgreSQL: parameters are $1, $2,\n"
		    " *   ... on both; branch on mg_db_dialect(db) where the SQL differs.\n"
		    " * - The schema does not change here (parent and result hash are the\n"
		    " *   same): change the models and run `modelgen diff` for that.\n"
		    " *\n"
		    " * The runtime's data API (modelgen/db.h), for example:\n"
		    " *\n"
		    " *   const char *params[] = {\"guest\"};\n"
		    " *   unsigned long long changed;\n"
		    " *   int rc = mg_db_execp(db, \"UPDATE users SET username = $1 \"\n"
		    " *                        \"WHERE username = ''\", 1, params, &changed);\n"
		    " *\n"
		    " *   struct mg_rows *rows;\n"
		    " *   rc = mg_db_query(&rows, db, \"SELECT id, email FROM users\", 0, NULL);\n"
		    " *   while (rc == 0 && (rc = mg_rows_next(rows)) == 1)\n"
		    " *           use(mg_rows_text(rows, 0), mg_rows_text(rows, 1));\n"
		    " *   mg_rows_free(rows);\n"
		    " *\n"
		    " *   struct mg_schema *live;\n"
		    " *   rc = mg_db_inspect_table(&live, db, \"users\");\n"
		    " *   ... live->tables[0].columns ...\n"
		    " *   mg_schema_free(live);\n"
		    " */\n\n"
		    "#include <stddef.h>\n\n"
		    "#include <modelgen/db.h>\n"
		    "#include <modelgen/migration.h>\n\n");
	mg_strbuf_puts(&b, version_gate);
	mg_strbuf_puts(&b, "\nstatic int up(struct mg_db *db)\n{\n\t(void)db;\n\treturn 0;\n}\n\n"
			   "static int down(struct mg_db *db)\n{\n\t(void)db;\n\treturn 0;\n}\n\n"
			   "static const struct mg_schema no_tables = {.n_tables = 0};\n\n");
	mg_strbuf_printf(&b, "extern const struct mg_migration mg_migration_%04u;\n", number);
	mg_strbuf_printf(&b, "const struct mg_migration mg_migration_%04u = {\n", number);
	mg_strbuf_printf(&b, "\t.number = %u,\n\t.name = ", number);
	put_c_string(&b, name);
	mg_strbuf_puts(&b, ",\n\t.parent_hash = ");
	put_c_string(&b, hash);
	mg_strbuf_puts(&b, ",\n\t.result_hash = ");
	put_c_string(&b, hash);
	mg_strbuf_puts(&b, ",\n\t.flags = MG_MIGRATION_HANDWRITTEN,\n"
			   "\t.before = &no_tables,\n\t.after = &no_tables,\n"
			   "\t.run_up = up,\n\t.run_down = down,\n};\n");
	return mg_strbuf_detach(&b);
}

/* ---- registry ---------------------------------------------------------- */

char *emit_registry(size_t n_entries, const struct emit_registry_entry *entries,
		    const struct mg_schema *schema, const char *hash)
{
	struct mg_strbuf b = {0};
	size_t i;

	mg_strbuf_puts(&b,
		       "/*\n * registry.c: every migration of the application, in order, and the\n"
		       " * schema they end at (what an empty database is created with).\n *\n"
		       " * Generated by modelgen. DO NOT EDIT: `modelgen diff` and `modelgen new`\n"
		       " * rewrite it, and `modelgen check` fails when it does not match the\n"
		       " * migrations on disk.\n */\n\n"
		       "#include <stddef.h>\n\n#include <modelgen/migration.h>\n\n");
	mg_strbuf_puts(&b, version_gate);
	mg_strbuf_puts(&b, "\n");
	for (i = 0; i < n_entries; i++)
		mg_strbuf_printf(&b,
				 "extern const struct mg_migration mg_migration_%04u; /* %s */\n",
				 entries[i].number, entries[i].name);
	mg_strbuf_puts(&b, "extern const struct mg_registry modelgen_registry;\n");
	put_rule(&b, "The schema after the last migration (create path)");
	mg_strbuf_putc(&b, '\n');
	put_schema_data(&b, "schema", schema, 1);
	if (n_entries) {
		mg_strbuf_puts(&b, "\nstatic const struct mg_migration *const migrations[] = {\n");
		for (i = 0; i < n_entries; i++)
			mg_strbuf_printf(&b, "\t&mg_migration_%04u,\n", entries[i].number);
		mg_strbuf_puts(&b, "};\n");
	}
	mg_strbuf_printf(&b,
			 "\nconst struct mg_registry modelgen_registry = {\n"
			 "\t.n_migrations = %zu,\n\t.migrations = %s,\n"
			 "\t.schema = &schema_schema,\n\t.schema_hash = ",
			 n_entries, n_entries ? "migrations" : "NULL");
	put_c_string(&b, hash);
	mg_strbuf_puts(&b, ",\n};\n");
	return mg_strbuf_detach(&b);
}

/* ---- slug --------------------------------------------------------------- */

/* Appends `s` lowercased, [a-z0-9] kept, runs of anything else as one '_'. */
static void slug_put(struct mg_strbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) && c < 0x80)
			mg_strbuf_putc(b, (char)tolower(c));
		else if (b->len && b->ptr[b->len - 1] != '_')
			mg_strbuf_putc(b, '_');
	}
}

static void op_slug(struct mg_strbuf *b, const struct diff_op *op)
{
	const struct mg_table *t = op->new_table ? op->new_table : op->old_table;
	const char *table = t ? t->name : "";

	switch (op->kind) {
	case DIFF_CREATE_TABLE:
		mg_strbuf_printf(b, "create_%s", table);
		break;
	case DIFF_DROP_TABLE:
		mg_strbuf_printf(b, "drop_%s", table);
		break;
	case DIFF_RENAME_TABLE:
		mg_strbuf_printf(b, "rename_%s", op->old_table ? op->old_table->name : table);
		break;
	case DIFF_ADD_COLUMN:
		mg_strbuf_printf(b, "add_%s_%s", table, op->new_column ? op->new_column->name : "");
		break;
	case DIFF_DROP_COLUMN:
		mg_strbuf_printf(b, "drop_%s_%s", table,
				 op->old_column ? op->old_column->name : "");
		break;
	case DIFF_RENAME_COLUMN:
		mg_strbuf_printf(b, "rename_%s", op->old_column ? op->old_column->name : "");
		break;
	case DIFF_ALTER_COLUMN:
		mg_strbuf_printf(b, "alter_%s_%s", table,
				 op->new_column   ? op->new_column->name
				 : op->old_column ? op->old_column->name
						  : "");
		break;
	case DIFF_ADD_INDEX:
		if (op->old_index)
			mg_strbuf_printf(b, "rename_%s", op->old_index->name);
		else
			mg_strbuf_printf(b, "add_%s", op->index ? op->index->name : table);
		break;
	case DIFF_DROP_INDEX:
		mg_strbuf_printf(b, "drop_%s", op->index ? op->index->name : table);
		break;
	case DIFF_ADD_FOREIGN_KEY:
		if (op->old_fk)
			mg_strbuf_printf(b, "rename_%s", op->old_fk->name);
		else
			mg_strbuf_printf(b, "add_%s", op->fk ? op->fk->name : table);
		break;
	case DIFF_DROP_FOREIGN_KEY:
		mg_strbuf_printf(b, "drop_%s", op->fk ? op->fk->name : table);
		break;
	case DIFF_ALTER_PRIMARY_KEY:
		mg_strbuf_printf(b, "alter_%s_primary_key", table);
		break;
	case DIFF_SET_COMMENT:
		mg_strbuf_printf(b, "comment_%s", table);
		break;
	default:
		mg_strbuf_printf(b, "change_%s", table);
		break;
	}
}

void emit_slug(char *out, const char *message, const struct diff_result *diff, int first)
{
	struct mg_strbuf raw = {0}, slug = {0};
	size_t n;

	if (message) {
		mg_strbuf_puts(&raw, message);
	} else if (first) {
		mg_strbuf_puts(&raw, "init");
	} else if (diff && diff->n_ops) {
		/* Index and key renames that follow a table or column rename are
		 * not news of their own. */
		const struct diff_op *lead = NULL;
		size_t i, n_main = 0;

		for (i = 0; i < diff->n_ops; i++) {
			const struct diff_op *op = &diff->ops[i];

			if (op->old_index || op->old_fk)
				continue;
			if (!lead)
				lead = op;
			n_main++;
		}
		if (!lead) {
			lead = &diff->ops[0];
			n_main = diff->n_ops;
		}
		op_slug(&raw, lead);
		if (n_main > 1)
			mg_strbuf_puts(&raw, "_and_more");
	}
	slug_put(&slug, mg_strbuf_cstr(&raw));
	n = slug.len;
	if (n > EMIT_SLUG_MAX && !message && strstr(mg_strbuf_cstr(&slug), "_and_more")) {
		/* Keep the "_and_more" when cutting an operation slug. */
		mg_strbuf_clear(&raw);
		mg_strbuf_putn(&raw, slug.ptr, EMIT_SLUG_MAX - 9);
		while (raw.len && raw.ptr[raw.len - 1] == '_')
			raw.ptr[--raw.len] = '\0';
		mg_strbuf_puts(&raw, "_and_more");
		mg_strbuf_clear(&slug);
		mg_strbuf_puts(&slug, mg_strbuf_cstr(&raw));
		n = slug.len;
	}
	if (n > EMIT_SLUG_MAX)
		n = EMIT_SLUG_MAX;
	while (n && slug.ptr[n - 1] == '_')
		n--;
	if (n == 0) {
		strcpy(out, "migration");
	} else {
		memcpy(out, slug.ptr, n);
		out[n] = '\0';
	}
	mg_strbuf_free(&raw);
	mg_strbuf_free(&slug);
}

/* ---- schema delta ------------------------------------------------------ */

/* Tables of `a` that `b` does not hold identically, into `out`. */
static void tables_not_in(struct mg_schema *out, const struct mg_schema *a,
			  const struct mg_schema *b)
{
	struct mg_table *tables = xcalloc(a->n_tables, sizeof(*tables));
	size_t i, n = 0;

	for (i = 0; i < a->n_tables; i++) {
		const struct mg_table *other = model_find_table(b, a->tables[i].name);

		if (!other || !model_table_eq(&a->tables[i], other))
			tables[n++] = a->tables[i];
	}
	out->n_tables = n;
	out->tables = tables;
	out->owner = NULL;
}

void emit_schema_delta(struct mg_schema *before, struct mg_schema *after,
		       const struct mg_schema *parent, const struct mg_schema *result)
{
	tables_not_in(before, parent, result);
	tables_not_in(after, result, parent);
}

static int table_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mg_table *)a)->name, ((const struct mg_table *)b)->name);
}

void emit_apply_delta(struct mg_schema *out, const struct mg_schema *base,
		      const struct mg_schema *before, const struct mg_schema *after)
{
	struct mg_table *tables = xcalloc(base->n_tables + after->n_tables, sizeof(*tables));
	size_t i, n = 0;

	for (i = 0; i < base->n_tables; i++)
		if (!model_find_table(before, base->tables[i].name) &&
		    !model_find_table(after, base->tables[i].name))
			tables[n++] = base->tables[i];
	for (i = 0; i < after->n_tables; i++)
		tables[n++] = after->tables[i];
	qsort(tables, n, sizeof(*tables), table_cmp);
	out->n_tables = n;
	out->tables = tables;
	out->owner = NULL;
}

void emit_schema_free_shallow(struct mg_schema *schema)
{
	if (!schema)
		return;
	free((void *)schema->tables);
	schema->tables = NULL;
	schema->n_tables = 0;
}

/* ---- reader ------------------------------------------------------------ */

void emit_file_free(struct emit_file *f)
{
	int d, dir;
	size_t i;

	if (!f)
		return;
	free(f->name);
	free(f->parent_hash);
	free(f->result_hash);
	free(f->checksum);
	free(f->actual_checksum);
	mg_schema_free(f->delta_before);
	mg_schema_free(f->delta_after);
	for (d = 0; d < MG_DIALECT_COUNT; d++)
		for (dir = 0; dir < 2; dir++) {
			for (i = 0; i < f->n_items[d][dir]; i++) {
				free(f->items[d][dir][i].summary);
				free(f->items[d][dir][i].sql);
			}
			free(f->items[d][dir]);
		}
	free(f);
}

/* Decodes the C string literals of one line ("...", "..."; ) onto `b`.
 * Returns 1 when the line ends the initializer (`;`), 0 to go on, -1 when
 * it is not a literal line. */
static int decode_literal_line(struct mg_strbuf *b, const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '"')
		return -1;
	p++;
	while (p < end && *p != '"') {
		if (*p == '\\' && p + 1 < end) {
			p++;
			switch (*p) {
			case 'n':
				mg_strbuf_putc(b, '\n');
				p++;
				break;
			case 't':
				mg_strbuf_putc(b, '\t');
				p++;
				break;
			case '0':
			case '1':
			case '2':
			case '3': {
				int v = 0, k;

				for (k = 0; k < 3 && p < end && *p >= '0' && *p <= '7'; k++, p++)
					v = v * 8 + (*p - '0');
				mg_strbuf_putc(b, (char)v);
				break;
			}
			default:
				mg_strbuf_putc(b, *p++);
			}
		} else {
			mg_strbuf_putc(b, *p++);
		}
	}
	if (p >= end)
		return -1;
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p < end && *p == ';';
}

static void add_item(struct emit_file *f, int d, int dir, const char *summary, size_t n_summary)
{
	size_t n = f->n_items[d][dir];
	struct emit_sql_item *items = realloc(f->items[d][dir], (n + 1) * sizeof(*items));

	if (!items) {
		fputs("modelgen: out of memory\n", stderr);
		abort();
	}
	memset(&items[n], 0, sizeof(items[n]));
	items[n].summary = xstrndup(summary, n_summary);
	items[n].sql = xstrdup("");
	f->items[d][dir] = items;
	f->n_items[d][dir] = n + 1;
}

/* Parses "/ * <dialect> <dir> <n>: summary * /". Returns 1 when it is one. */
static int item_header(const char *p, const char *end, int *d, int *dir, const char **summary,
		       size_t *n_summary, int *closed)
{
	int i, j;

	if (end - p < 6 || strncmp(p, "/* ", 3) != 0)
		return 0;
	*closed = strncmp(end - 3, " */", 3) == 0;
	if (!*closed)
		end += 3; /* the summary runs to the end of the line */
	p += 3;
	for (i = 0; i < MG_DIALECT_COUNT; i++) {
		size_t n = strlen(dialect_names[i]);

		if (strncmp(p, dialect_names[i], n) != 0 || p[n] != ' ')
			continue;
		for (j = 0; j < 2; j++) {
			size_t m = strlen(dir_names[j]);
			const char *q = p + n + 1;

			if (strncmp(q, dir_names[j], m) != 0 || q[m] != ' ')
				continue;
			q += m + 1;
			if (!isdigit((unsigned char)*q))
				return 0;
			while (isdigit((unsigned char)*q))
				q++;
			if (*q != ':')
				return 0;
			q++;
			if (*q == ' ')
				q++;
			*d = i;
			*dir = j;
			*summary = q;
			*n_summary = (size_t)(end - 3 - q);
			if (q > end - 3)
				*n_summary = 0;
			return 1;
		}
	}
	return 0;
}

static int header_value(const char *line, const char *end, const char *key, char **out)
{
	size_t n = strlen(key);

	if ((size_t)(end - line) < 3 + n + 2 || strncmp(line, " * ", 3) != 0 ||
	    strncmp(line + 3, key, n) != 0 || strncmp(line + 3 + n, ": ", 2) != 0)
		return 0;
	free(*out);
	*out = xstrndup(line + 3 + n + 2, (size_t)(end - line - 3 - (ptrdiff_t)n - 2));
	return 1;
}

/* emit_read and emit_read_header: the whole file, or its header block. */
static int read_file_text(struct emit_file **out, const char *text, const char *path,
			  int header_only, struct diag_list *diags)
{
	struct emit_file *f = xcalloc(1, sizeof(*f));
	const char *p = text;
	unsigned line_no = 0;
	char *format = NULL, *number = NULL, *kind = NULL, *allow_drop = NULL;
	int in_header = 1, cur_d = -1, cur_dir = -1, in_literal = 0, in_rebuild = 0;
	struct mg_strbuf json = {0};
	int in_json = 0;        /* 1 before, 2 after */
	unsigned json_line = 0; /* the line before the JSON */
	struct diag_loc loc = {path, 0, 0};
	int rc = -1;

	*out = NULL;
	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		int d, dir, closed;
		const char *summary;
		size_t n_summary;

		line_no++;
		if (in_header) {
			if (strncmp(p, " */", 3) == 0 && end - p == 3) {
				in_header = 0;
				if (header_only)
					break;
			} else
				(void)(header_value(p, end, "modelgen-migration", &format) ||
				       header_value(p, end, "number", &number) ||
				       header_value(p, end, "name", &f->name) ||
				       header_value(p, end, "kind", &kind) ||
				       header_value(p, end, "parent", &f->parent_hash) ||
				       header_value(p, end, "result", &f->result_hash) ||
				       header_value(p, end, "allow-drop", &allow_drop) ||
				       header_value(p, end, "checksum", &f->checksum));
		} else if (in_json) {
			if (end - p == 2 && strncmp(p, "*/", 2) == 0) {
				struct mg_schema **dst =
					in_json == 1 ? &f->delta_before : &f->delta_after;
				size_t first = diags->n_items, k;

				if (snapshot_parse_delta(dst, mg_strbuf_cstr(&json), path, diags)) {
					/* Lines of the JSON -> lines of the file. */
					for (k = first; k < diags->n_items; k++)
						if (diags->items[k].loc.line)
							diags->items[k].loc.line += json_line;
					goto done;
				}
				in_json = 0;
				mg_strbuf_clear(&json);
			} else {
				mg_strbuf_putn(&json, p, (size_t)(end - p));
				mg_strbuf_putc(&json, '\n');
			}
		} else if (in_literal && end == p) {
			/* A blank line between two statements of one step. */
		} else if (in_literal) {
			struct emit_sql_item *it =
				&f->items[cur_d][cur_dir][f->n_items[cur_d][cur_dir] - 1];
			struct mg_strbuf sql = {0};
			int r;

			mg_strbuf_puts(&sql, it->sql);
			r = decode_literal_line(&sql, p, end);
			free(it->sql);
			it->sql = mg_strbuf_detach(&sql);
			if (r < 0) {
				loc.line = line_no;
				diag_error(diags, &loc, "malformed SQL string in migration");
				goto done;
			}
			if (r == 1)
				in_literal = 0;
		} else if (in_rebuild) {
			struct emit_sql_item *it =
				&f->items[cur_d][cur_dir][f->n_items[cur_d][cur_dir] - 1];

			if (end - p == 3 && strncmp(p, " */", 3) == 0) {
				in_rebuild = 0;
			} else if (end - p > 5 && strncmp(p, " *   ", 5) == 0) {
				struct mg_strbuf sql = {0};

				mg_strbuf_puts(&sql, it->sql);
				mg_strbuf_putn(&sql, p + 5, (size_t)(end - p - 5));
				mg_strbuf_putc(&sql, '\n');
				free(it->sql);
				it->sql = mg_strbuf_detach(&sql);
			}
		} else if (item_header(p, end, &d, &dir, &summary, &n_summary, &closed)) {
			add_item(f, d, dir, summary, n_summary);
			cur_d = d;
			cur_dir = dir;
			/* A long summary goes on over " * " lines up to " * /". */
			while (!closed && nl && strncmp(nl + 1, " * ", 3) == 0) {
				struct emit_sql_item *it =
					&f->items[d][dir][f->n_items[d][dir] - 1];
				const char *q = nl + 4, *qe;
				struct mg_strbuf more = {0};

				nl = strchr(q, '\n');
				qe = nl ? nl : q + strlen(q);
				line_no++;
				closed = qe - q >= 3 && strncmp(qe - 3, " */", 3) == 0;
				mg_strbuf_printf(&more, "%s ", it->summary);
				mg_strbuf_putn(&more, q, (size_t)(qe - q - (closed ? 3 : 0)));
				free(it->summary);
				it->summary = mg_strbuf_detach(&more);
			}
			if (nl && strncmp(nl + 1, "static const char ", 18) == 0) {
				/* The declaration line; literals follow. */
				nl = strchr(nl + 1, '\n');
				line_no++;
				in_literal = 1;
			} else if (nl && strncmp(nl + 1, "/*\n", 3) == 0) {
				f->items[d][dir][f->n_items[d][dir] - 1].rebuild = 1;
				in_rebuild = 1;
			}
		} else if (strncmp(p, "/* modelgen-delta-before:", 25) == 0) {
			in_json = 1;
			json_line = line_no;
		} else if (strncmp(p, "/* modelgen-delta-after:", 24) == 0) {
			in_json = 2;
			json_line = line_no;
		}
		if (!nl)
			break;
		p = nl + 1;
	}

	loc.line = 1;
	if (!format || !number || !f->name || !kind || !f->parent_hash || !f->result_hash) {
		diag_error(diags, &loc, "not a modelgen migration (no header block)");
		goto done;
	}
	if (strcmp(format, "1") != 0) {
		diag_error(diags, &loc,
			   "migration file format %s is not supported (this modelgen reads 1)",
			   format);
		goto done;
	}
	{
		char *e;
		unsigned long v = strtoul(number, &e, 10);

		if (*e || !v || v > 999999) {
			diag_error(diags, &loc, "bad migration number '%s'", number);
			goto done;
		}
		f->number = (unsigned)v;
	}
	if (strcmp(f->parent_hash, "none") == 0) {
		free(f->parent_hash);
		f->parent_hash = xstrdup("");
	}
	f->handwritten = strcmp(kind, "handwritten") == 0;
	f->allow_drop = allow_drop && strcmp(allow_drop, "yes") == 0;
	if (!f->handwritten && !header_only) {
		char sum[72];

		if (strcmp(kind, "generated") != 0) {
			diag_error(diags, &loc, "unknown migration kind '%s'", kind);
			goto done;
		}
		if (!f->checksum) {
			diag_error(diags, &loc, "generated migration without a checksum line");
			goto done;
		}
		if (in_json || !f->delta_before || !f->delta_after) {
			diag_error(diags, &loc, "generated migration without its schema delta");
			goto done;
		}
		emit_checksum(sum, text);
		f->actual_checksum = xstrdup(sum);
	}
	rc = 0;
done:
	free(format);
	free(number);
	free(kind);
	free(allow_drop);
	mg_strbuf_free(&json);
	if (rc == 0)
		*out = f;
	else
		emit_file_free(f);
	return rc;
}

int emit_read(struct emit_file **out, const char *text, const char *path, struct diag_list *diags)
{
	return read_file_text(out, text, path, 0, diags);
}

int emit_read_header(struct emit_file **out, const char *text, const char *path,
		     struct diag_list *diags)
{
	return read_file_text(out, text, path, 1, diags);
}
