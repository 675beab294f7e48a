/*
 * The stored copy of a migration (migration_copy.h): a writer and a reader
 * walking the field tables of fields.h, so that a field added to a table
 * (a step's lock facts, a column's collation) is stored and read back with
 * no edit here. Arrays and references (a table's columns, a step's
 * rebuild) are walked here, as the checksum walks them.
 */
#include "migration_copy.h"

#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "modelgen/errors.h"
#include "util/arena.h"

static const char *const dialect_names[MG_DIALECT_COUNT] = {"sqlite", "postgresql"};

/* ---- Writing ------------------------------------------------------------ */

static void put_string(struct mg_strbuf *b, const char *s)
{
	if (!s) {
		mg_strbuf_putc(b, '-');
		return;
	}
	mg_strbuf_printf(b, "%zu:", strlen(s));
	mg_strbuf_puts(b, s);
}

static void put_key(struct mg_strbuf *b, const char *key)
{
	mg_strbuf_puts(b, key);
	mg_strbuf_putc(b, '=');
}

/* Every field of `fields` that is set, one a line. */
static void put_fields(struct mg_strbuf *b, const struct mg_field *fields, const void *obj)
{
	for (; fields->name; fields++) {
		if (!mg_field_is_set(fields, obj))
			continue;
		put_key(b, fields->name);
		if (fields->type == MG_FIELD_STRING)
			put_string(b, mg_field_string(fields, obj));
		else
			mg_strbuf_printf(b, "%u;", mg_field_number(fields, obj));
		mg_strbuf_putc(b, '\n');
	}
}

static void put_strings(struct mg_strbuf *b, const char *key, size_t n, const char *const *s)
{
	size_t i;

	if (!n)
		return;
	put_key(b, key);
	mg_strbuf_putc(b, '[');
	for (i = 0; i < n; i++)
		put_string(b, s[i]);
	mg_strbuf_puts(b, "]\n");
}

static void put_table(struct mg_strbuf *b, const struct mg_table *t)
{
	size_t i;

	mg_strbuf_puts(b, "{");
	put_fields(b, mg_table_fields, t);
	put_key(b, "columns");
	mg_strbuf_putc(b, '[');
	for (i = 0; i < t->n_columns; i++) {
		mg_strbuf_putc(b, '{');
		put_fields(b, mg_column_fields, &t->columns[i]);
		mg_strbuf_putc(b, '}');
	}
	mg_strbuf_puts(b, "]\n");
	put_strings(b, "primary_key", t->n_primary_key, t->primary_key);
	if (t->n_indexes) {
		put_key(b, "indexes");
		mg_strbuf_putc(b, '[');
		for (i = 0; i < t->n_indexes; i++) {
			mg_strbuf_putc(b, '{');
			put_fields(b, mg_index_fields, &t->indexes[i]);
			put_strings(b, "columns", t->indexes[i].n_columns, t->indexes[i].columns);
			mg_strbuf_putc(b, '}');
		}
		mg_strbuf_puts(b, "]\n");
	}
	if (t->n_foreign_keys) {
		put_key(b, "foreign_keys");
		mg_strbuf_putc(b, '[');
		for (i = 0; i < t->n_foreign_keys; i++) {
			mg_strbuf_putc(b, '{');
			put_fields(b, mg_foreign_key_fields, &t->foreign_keys[i]);
			mg_strbuf_putc(b, '}');
		}
		mg_strbuf_puts(b, "]\n");
	}
	mg_strbuf_puts(b, "}");
}

static void put_schema(struct mg_strbuf *b, const char *key, const struct mg_schema *s)
{
	size_t i;

	if (!s)
		return;
	put_key(b, key);
	mg_strbuf_puts(b, "{tables=[");
	for (i = 0; i < s->n_tables; i++)
		put_table(b, &s->tables[i]);
	mg_strbuf_puts(b, "]}\n");
}

static void put_step(struct mg_strbuf *b, const struct mg_step *st)
{
	size_t i;

	mg_strbuf_printf(b, "{kind=%u;\n", (unsigned)st->kind);
	if (st->op)
		mg_strbuf_printf(b, "op=%u;\n", st->op);
	if (st->sql) {
		put_key(b, "sql");
		put_string(b, st->sql);
		mg_strbuf_putc(b, '\n');
	}
	if (st->rebuild) {
		const struct mg_rebuild *rb = st->rebuild;

		put_key(b, "rebuild");
		mg_strbuf_putc(b, '{');
		if (rb->table) {
			put_key(b, "table");
			put_table(b, rb->table);
			mg_strbuf_putc(b, '\n');
		}
		if (rb->old_name) {
			put_key(b, "old_name");
			put_string(b, rb->old_name);
			mg_strbuf_putc(b, '\n');
		}
		put_strings(b, "copy_columns", rb->n_copy, rb->copy_columns);
		put_strings(b, "copy_exprs", rb->n_copy, rb->copy_exprs);
		mg_strbuf_puts(b, "}\n");
	}
	if (st->n_ops) {
		put_key(b, "ops");
		mg_strbuf_putc(b, '[');
		for (i = 0; i < st->n_ops; i++)
			mg_strbuf_printf(b, "%u;", st->ops[i]);
		mg_strbuf_puts(b, "]\n");
	}
	put_fields(b, mg_step_fields, st);
	mg_strbuf_puts(b, "}\n");
}

void mg_copy_write(struct mg_strbuf *out, const struct mg_migration *m, enum mg_dialect d)
{
	const struct mg_plan *p = &m->down[d];
	size_t i;

	mg_strbuf_printf(out, "modelgen-undo %d %s %s\n{", MG_COPY_VERSION, dialect_names[d],
			 m->run_down ? "code" : "steps");
	put_fields(out, mg_migration_fields, m);
	put_schema(out, "before", m->before);
	put_schema(out, "after", m->after);
	if (m->down_ops.n_ops) {
		put_key(out, "down_ops");
		mg_strbuf_putc(out, '[');
		for (i = 0; i < m->down_ops.n_ops; i++) {
			mg_strbuf_putc(out, '{');
			put_fields(out, mg_op_fields, &m->down_ops.ops[i]);
			mg_strbuf_putc(out, '}');
		}
		mg_strbuf_puts(out, "]\n");
	}
	if (p->n_steps) {
		put_key(out, "down");
		mg_strbuf_putc(out, '[');
		for (i = 0; i < p->n_steps; i++)
			put_step(out, &p->steps[i]);
		mg_strbuf_puts(out, "]\n");
	}
	mg_strbuf_puts(out, "}\n");
}

/* ---- Reading ------------------------------------------------------------ */

struct reader {
	const char *start, *p;
	struct mg_arena *arena;
	struct mg_strbuf *why;
	int failed; /* -1: damaged or unknown (why says), MG_E_NOMEM */
};

static int fail(struct reader *r, const char *what)
{
	if (!r->failed) {
		mg_strbuf_printf(r->why, "%s at byte %ld", what, (long)(r->p - r->start));
		r->failed = -1;
	}
	return -1;
}

static int nomem(struct reader *r)
{
	if (!r->failed)
		r->failed = MG_E_NOMEM;
	return -1;
}

static void skip_space(struct reader *r)
{
	while (*r->p == ' ' || *r->p == '\n')
		r->p++;
}

/* 1 and past `c` when it comes next, else 0. */
static int next_is(struct reader *r, char c)
{
	skip_space(r);
	if (*r->p != c)
		return 0;
	r->p++;
	return 1;
}

static int expect(struct reader *r, char c)
{
	char what[32];

	if (next_is(r, c))
		return 0;
	memcpy(what, "expected '?'", 13);
	what[10] = c;
	return fail(r, what);
}

/* Decimal digits into *v (at most 10 of them). */
static int digits(struct reader *r, size_t *v)
{
	size_t n = 0;

	*v = 0;
	while (*r->p >= '0' && *r->p <= '9' && n < 10) {
		*v = *v * 10 + (size_t)(*r->p - '0');
		r->p++;
		n++;
	}
	return n ? 0 : fail(r, "expected a number");
}

static int read_number(struct reader *r, unsigned *out)
{
	size_t v;

	skip_space(r);
	if (digits(r, &v) || v > 0xffffffffu)
		return fail(r, "expected a number");
	*out = (unsigned)v;
	return expect(r, ';');
}

static int read_string(struct reader *r, const char **out)
{
	size_t n, i;

	*out = NULL;
	skip_space(r);
	if (*r->p == '-') {
		r->p++;
		return 0;
	}
	if (digits(r, &n) || *r->p != ':')
		return fail(r, "expected a string");
	r->p++;
	for (i = 0; i < n; i++)
		if (!r->p[i])
			return fail(r, "a string runs past the end");
	*out = mg_arena_strndup(r->arena, r->p, n);
	if (!*out)
		return nomem(r);
	r->p += n;
	return 0;
}

/* The next key of an object into `key`: 1 when there is one, 0 at the
 * object's end ('}' read), -1 on error. */
static int read_key(struct reader *r, char key[32])
{
	size_t n = 0;

	if (next_is(r, '}'))
		return 0;
	while (((*r->p >= 'a' && *r->p <= 'z') || *r->p == '_') && n < 31)
		key[n++] = *r->p++;
	key[n] = 0;
	if (!n || *r->p != '=')
		return fail(r, "expected a key");
	r->p++;
	return 1;
}

/* A value for field `f` of `obj`; constants of ENUM and FLAGS fields must
 * be ones this program knows. */
static int read_field(struct reader *r, const struct mg_field *f, void *obj)
{
	const struct mg_field_const *c;
	const char *s;
	unsigned v, known = 0;

	if (f->type == MG_FIELD_STRING) {
		if (read_string(r, &s))
			return -1;
		mg_field_set_string(f, obj, s);
		return 0;
	}
	if (read_number(r, &v))
		return -1;
	if (f->type == MG_FIELD_ENUM && !mg_field_const_name(f, v))
		return fail(r, "a value this modelgen does not know (a newer one wrote it)");
	if (f->type == MG_FIELD_FLAGS) {
		for (c = f->consts; c && c->name; c++)
			known |= c->value;
		if (v & ~known)
			return fail(r, "a flag this modelgen does not know (a newer one wrote it)");
	}
	mg_field_set_number(f, obj, f->type == MG_FIELD_BOOL ? !!v : v);
	return 0;
}

/* Handles key `key` when it is a field of `fields`: 1 (read), 0 (no such
 * field), -1. */
static int try_field(struct reader *r, const struct mg_field *fields, const char *key, void *obj)
{
	const struct mg_field *f = mg_field_find(fields, key);

	if (!f)
		return 0;
	return read_field(r, f, obj) ? -1 : 1;
}

static int unknown_key(struct reader *r, const char *key)
{
	char what[96];

	memcpy(what, "a field this modelgen does not know: ", 38);
	strncat(what, key, sizeof(what) - 39);
	return fail(r, what);
}

/* Makes room for element n of an arena array of *cap elements of `size`
 * bytes (doubling; the old array stays in the arena). */
static void *grow(struct reader *r, void *array, size_t n, size_t *cap, size_t size)
{
	void *more;

	if (n < *cap)
		return array;
	more = mg_arena_calloc(r->arena, *cap ? *cap * 2 : 4, size);
	if (!more) {
		nomem(r);
		return NULL;
	}
	if (n)
		memcpy(more, array, n * size);
	*cap = *cap ? *cap * 2 : 4;
	return more;
}

static int read_strings(struct reader *r, size_t *n_out, const char *const **out)
{
	const char **a = NULL;
	size_t n = 0, cap = 0;

	if (expect(r, '['))
		return -1;
	while (!next_is(r, ']')) {
		if (!*r->p)
			return fail(r, "an array runs past the end");
		a = grow(r, a, n, &cap, sizeof(*a));
		if (!a || read_string(r, &a[n]))
			return -1;
		n++;
	}
	*n_out = n;
	*out = a;
	return 0;
}

/* An array of objects: `one` reads each ('{' already read) into element i
 * of an array of `size`-byte elements. */
static int read_objects(struct reader *r, size_t *n_out, void **out, size_t size,
			int (*one)(struct reader *, void *))
{
	char *a = NULL;
	size_t n = 0, cap = 0;

	if (expect(r, '['))
		return -1;
	while (!next_is(r, ']')) {
		if (expect(r, '{'))
			return -1;
		a = grow(r, a, n, &cap, size);
		if (!a || one(r, a + n * size))
			return -1;
		n++;
	}
	*n_out = n;
	*out = a;
	return 0;
}

/* The entries of an object of `fields` alone, up to its '}'. */
static int read_plain(struct reader *r, const struct mg_field *fields, void *obj)
{
	char key[32];
	int k;

	while ((k = read_key(r, key)) == 1) {
		k = try_field(r, fields, key, obj);
		if (k == 0)
			return unknown_key(r, key);
		if (k < 0)
			return -1;
	}
	return k;
}

static int read_column(struct reader *r, void *obj)
{
	return read_plain(r, mg_column_fields, obj);
}

static int read_foreign_key(struct reader *r, void *obj)
{
	return read_plain(r, mg_foreign_key_fields, obj);
}

static int read_op(struct reader *r, void *obj)
{
	return read_plain(r, mg_op_fields, obj);
}

static int read_index(struct reader *r, void *obj)
{
	struct mg_index *ix = obj;
	char key[32];
	int k;

	while ((k = read_key(r, key)) == 1) {
		k = try_field(r, mg_index_fields, key, ix);
		if (k < 0)
			return -1;
		if (k)
			continue;
		if (strcmp(key, "columns") != 0)
			return unknown_key(r, key);
		if (read_strings(r, &ix->n_columns, &ix->columns))
			return -1;
	}
	return k;
}

static int read_table(struct reader *r, void *obj)
{
	struct mg_table *t = obj;
	char key[32];
	void *a;
	int k;

	while ((k = read_key(r, key)) == 1) {
		k = try_field(r, mg_table_fields, key, t);
		if (k < 0)
			return -1;
		if (k)
			continue;
		if (strcmp(key, "columns") == 0) {
			if (read_objects(r, &t->n_columns, &a, sizeof(*t->columns), read_column))
				return -1;
			t->columns = a;
		} else if (strcmp(key, "primary_key") == 0) {
			if (read_strings(r, &t->n_primary_key, &t->primary_key))
				return -1;
		} else if (strcmp(key, "indexes") == 0) {
			if (read_objects(r, &t->n_indexes, &a, sizeof(*t->indexes), read_index))
				return -1;
			t->indexes = a;
		} else if (strcmp(key, "foreign_keys") == 0) {
			if (read_objects(r, &t->n_foreign_keys, &a, sizeof(*t->foreign_keys),
					 read_foreign_key))
				return -1;
			t->foreign_keys = a;
		} else {
			return unknown_key(r, key);
		}
	}
	return k;
}

/* A table object, '{' not read yet, into a new arena table. */
static int read_table_object(struct reader *r, const struct mg_table **out)
{
	struct mg_table *t = mg_arena_calloc(r->arena, 1, sizeof(*t));

	if (!t)
		return nomem(r);
	*out = t;
	if (expect(r, '{'))
		return -1;
	return read_table(r, t);
}

static int read_schema(struct reader *r, const struct mg_schema **out)
{
	struct mg_schema *s = mg_arena_calloc(r->arena, 1, sizeof(*s));
	char key[32];
	void *a;
	int k;

	if (!s)
		return nomem(r);
	*out = s;
	if (expect(r, '{'))
		return -1;
	while ((k = read_key(r, key)) == 1) {
		if (strcmp(key, "tables") != 0)
			return unknown_key(r, key);
		if (read_objects(r, &s->n_tables, &a, sizeof(*s->tables), read_table))
			return -1;
		s->tables = a;
	}
	return k;
}

static int read_rebuild(struct reader *r, const struct mg_rebuild **out)
{
	struct mg_rebuild *rb = mg_arena_calloc(r->arena, 1, sizeof(*rb));
	size_t n_columns = 0, n_exprs = 0;
	char key[32];
	int k;

	if (!rb)
		return nomem(r);
	*out = rb;
	if (expect(r, '{'))
		return -1;
	while ((k = read_key(r, key)) == 1) {
		if (strcmp(key, "table") == 0)
			k = read_table_object(r, &rb->table);
		else if (strcmp(key, "old_name") == 0)
			k = read_string(r, &rb->old_name);
		else if (strcmp(key, "copy_columns") == 0)
			k = read_strings(r, &n_columns, &rb->copy_columns);
		else if (strcmp(key, "copy_exprs") == 0)
			k = read_strings(r, &n_exprs, &rb->copy_exprs);
		else
			return unknown_key(r, key);
		if (k)
			return -1;
	}
	if (k == 0 && n_columns != n_exprs)
		return fail(r, "a rebuild's copy columns and expressions differ in number");
	rb->n_copy = n_columns;
	return k;
}

static int read_step(struct reader *r, void *obj)
{
	struct mg_step *st = obj;
	unsigned *ops = NULL, kind = 0;
	size_t cap = 0;
	char key[32];
	int k;

	while ((k = read_key(r, key)) == 1) {
		k = try_field(r, mg_step_fields, key, st);
		if (k < 0)
			return -1;
		if (k)
			continue;
		if (strcmp(key, "kind") == 0) {
			k = read_number(r, &kind);
			if (k == 0 && kind != MG_STEP_SQL && kind != MG_STEP_REBUILD)
				return fail(r, "a step kind this modelgen does not know (a newer "
					       "one wrote it)");
			st->kind = (enum mg_step_kind)kind;
		} else if (strcmp(key, "op") == 0) {
			k = read_number(r, &st->op);
		} else if (strcmp(key, "sql") == 0) {
			k = read_string(r, &st->sql);
		} else if (strcmp(key, "rebuild") == 0) {
			k = read_rebuild(r, &st->rebuild);
		} else if (strcmp(key, "ops") == 0) {
			if (expect(r, '['))
				return -1;
			while (!next_is(r, ']')) {
				if (!*r->p)
					return fail(r, "an array runs past the end");
				ops = grow(r, ops, st->n_ops, &cap, sizeof(*ops));
				if (!ops || read_number(r, &ops[st->n_ops]))
					return -1;
				st->n_ops++;
			}
			st->ops = ops;
		} else {
			return unknown_key(r, key);
		}
		if (k)
			return -1;
	}
	if (k == 0 && ((st->kind == MG_STEP_SQL && !st->sql) ||
		       (st->kind == MG_STEP_REBUILD && (!st->rebuild || !st->rebuild->table))))
		return fail(r, "a step without its SQL or rebuild");
	return k;
}

int mg_copy_needs_code(const char *text)
{
	static const char head[] = "modelgen-undo 1 ";
	const char *p, *nl;

	if (!text || strncmp(text, head, sizeof(head) - 1) != 0)
		return -1;
	p = strchr(text + sizeof(head) - 1, ' ');
	nl = strchr(text, '\n');
	if (!p || !nl || p > nl)
		return -1;
	if (nl - p == 5 && strncmp(p, " code", 5) == 0)
		return 1;
	if (nl - p == 6 && strncmp(p, " steps", 6) == 0)
		return 0;
	return -1;
}

int mg_copy_read(struct mg_migration **out, int *needs_code, struct mg_arena *arena,
		 const char *text, enum mg_dialect d, struct mg_strbuf *why)
{
	struct reader r = {text, text, arena, why, 0};
	struct mg_migration *m;
	const char *dialect;
	size_t n = strlen(dialect_names[d]);
	char key[32];
	void *a = NULL;
	int k;

	*out = NULL;
	*needs_code = mg_copy_needs_code(text);
	if (*needs_code < 0) {
		mg_strbuf_puts(why,
			       "not a stored copy this modelgen reads (a newer one wrote it?)");
		return -1;
	}
	dialect = text + strlen("modelgen-undo 1 ");
	if (strncmp(dialect, dialect_names[d], n) != 0 || dialect[n] != ' ') {
		mg_strbuf_puts(why, "a stored copy for another dialect");
		return -1;
	}
	r.p = strchr(text, '\n');
	m = mg_arena_calloc(arena, 1, sizeof(*m));
	if (!m)
		return MG_E_NOMEM;
	if (expect(&r, '{'))
		goto done;
	while ((k = read_key(&r, key)) == 1) {
		k = try_field(&r, mg_migration_fields, key, m);
		if (k < 0)
			goto done;
		if (k)
			continue;
		if (strcmp(key, "before") == 0)
			k = read_schema(&r, &m->before);
		else if (strcmp(key, "after") == 0)
			k = read_schema(&r, &m->after);
		else if (strcmp(key, "down_ops") == 0) {
			k = read_objects(&r, &m->down_ops.n_ops, &a, sizeof(*m->down_ops.ops),
					 read_op);
			m->down_ops.ops = a;
		} else if (strcmp(key, "down") == 0) {
			k = read_objects(&r, &m->down[d].n_steps, &a, sizeof(*m->down[d].steps),
					 read_step);
			m->down[d].steps = a;
		} else {
			unknown_key(&r, key);
			goto done;
		}
		if (k)
			goto done;
	}
	if (k == 0) {
		skip_space(&r);
		if (*r.p)
			fail(&r, "text after the end");
	}
	if (k == 0 && !m->name)
		fail(&r, "no name");
done:
	if (r.failed)
		return r.failed;
	*out = m;
	return 0;
}
