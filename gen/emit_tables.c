/*
 * Frozen tables as static const C data (see emit.h): for each table, its
 * column, key, index and foreign key arrays, written once when the table is
 * the same before and after; then the table arrays and the schemas. Scalar
 * fields are written through the runtime's field tables (fields.h), so a new
 * field needs no change here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "emit_text.h"
#include "fields.h"
#include "xalloc.h"

/* ---- names ----------------------------------------------------------- */

/* A hash set of strings; with `values`, a map. */
struct str_map {
	char **keys; /* open addressing; NULL for a free slot */
	const char **values;
	size_t cap, n;
};

struct emit_names {
	struct str_map used;  /* every identifier taken */
	struct str_map lists; /* string list content -> its array's name */
	unsigned n_lists;
};

static size_t str_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void map_init(struct str_map *m)
{
	m->cap = 64;
	m->n = 0;
	m->keys = xcalloc(m->cap, sizeof(char *));
	m->values = xcalloc(m->cap, sizeof(char *));
}

static void map_free(struct str_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->values);
}

/* The slot of `s`: where it is, or the free slot where it would go. */
static size_t map_slot(const struct str_map *m, const char *s)
{
	size_t i = str_hash(s) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], s) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* Adds `key` (taken over, malloc'd) with `value`. */
static void map_add(struct str_map *m, char *key, const char *value)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		char **old = m->keys;
		const char **old_values = m->values;
		size_t old_cap = m->cap;

		m->cap *= 2;
		m->keys = xcalloc(m->cap, sizeof(char *));
		m->values = xcalloc(m->cap, sizeof(char *));
		for (i = 0; i < old_cap; i++)
			if (old[i]) {
				size_t k = map_slot(m, old[i]);

				m->keys[k] = old[i];
				m->values[k] = old_values[i];
			}
		free(old);
		free(old_values);
	}
	i = map_slot(m, key);
	m->keys[i] = key;
	m->values[i] = value;
	m->n++;
}

struct emit_names *emit_names_new(void)
{
	struct emit_names *n = xcalloc(1, sizeof(*n));

	map_init(&n->used);
	map_init(&n->lists);
	return n;
}

void emit_names_free(struct emit_names *names)
{
	if (!names)
		return;
	map_free(&names->used);
	map_free(&names->lists);
	free(names);
}

const char *emit_names_take(struct emit_names *names, const char *want)
{
	struct mg_strbuf b = {0};
	unsigned k = 1;
	char *s;

	mg_strbuf_puts(&b, want);
	while (names->used.keys[map_slot(&names->used, mg_strbuf_cstr(&b))]) {
		mg_strbuf_clear(&b);
		mg_strbuf_printf(&b, "%s_%u", want, ++k);
	}
	s = mg_strbuf_detach(&b);
	map_add(&names->used, s, s);
	return s;
}

const char *emit_list(struct mg_strbuf *b, struct emit_names *names, size_t n,
		      const char *const *items)
{
	struct mg_strbuf key = {0}, want = {0};
	const char *name;
	size_t i, slot;
	int plain = 1;

	for (i = 0; i < n; i++) {
		mg_strbuf_printf(&key, "%zu:%s", strlen(items[i]), items[i]);
		plain = plain && emit_ident_safe(items[i]);
	}
	slot = map_slot(&names->lists, mg_strbuf_cstr(&key));
	if (names->lists.keys[slot]) {
		mg_strbuf_free(&key);
		return names->lists.values[slot];
	}
	/* Named after its content when that makes a short identifier. */
	mg_strbuf_puts(&want, "c");
	for (i = 0; plain && i < n; i++)
		mg_strbuf_printf(&want, "_%s", items[i]);
	if (!plain || !n || want.len > 40) {
		mg_strbuf_clear(&want);
		mg_strbuf_printf(&want, "list_%u", ++names->n_lists);
	}
	name = emit_names_take(names, mg_strbuf_cstr(&want));
	map_add(&names->lists, mg_strbuf_detach(&key), name);
	mg_strbuf_printf(b, "static const char *const %s[] = {", name);
	for (i = 0; i < n; i++) {
		if (i)
			mg_strbuf_puts(b, ", ");
		emit_c_string(b, items[i]);
	}
	mg_strbuf_puts(b, "};\n");
	mg_strbuf_free(&want);
	return name;
}

/* ---- fields ---------------------------------------------------------- */

/* Appends the value of field `f` of `obj` as C. */
static void put_value(struct mg_strbuf *b, const struct mg_field *f, const void *obj)
{
	unsigned v = mg_field_number(f, obj);
	const struct mg_field_const *c;
	const char *sep = "";

	switch (f->type) {
	case MG_FIELD_STRING:
		emit_c_string(b, mg_field_string(f, obj));
		return;
	case MG_FIELD_ENUM:
		if (mg_field_const_name(f, v)) {
			mg_strbuf_puts(b, mg_field_const_name(f, v));
			return;
		}
		break;
	case MG_FIELD_FLAGS:
		for (c = f->consts; c && c->name; c++)
			if (v & c->value) {
				mg_strbuf_printf(b, "%s%s", sep, c->name);
				sep = " | ";
				v &= ~c->value;
			}
		if (!v && *sep)
			return;
		mg_strbuf_puts(b, sep);
		mg_strbuf_printf(b, "0x%xu", v);
		return;
	case MG_FIELD_UINT:
	case MG_FIELD_BOOL:
		break;
	}
	mg_strbuf_printf(b, "%u", v);
}

/* The column after `s` printed from column `col` (tabs to multiples of 8). */
static size_t column_after(const char *s, size_t n, size_t col)
{
	size_t i;

	for (i = 0; i < n; i++)
		col = s[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
	return col;
}

void emit_init_start(struct emit_init *it, struct mg_strbuf *b, const char *indent,
		     int one_per_line, size_t width)
{
	size_t start = b->len;

	while (start && b->ptr[start - 1] != '\n')
		start--;
	it->b = b;
	it->indent = indent;
	it->col = column_after(b->ptr ? b->ptr + start : "", b->len - start, 0);
	it->first = 1;
	it->one_per_line = one_per_line;
	it->width = width;
}

void emit_init_item(struct emit_init *it, const char *text, int own_line)
{
	size_t n = strlen(text);

	if (!it->first &&
	    (own_line || it->one_per_line || (it->width && it->col + 2 + n + 2 > it->width))) {
		mg_strbuf_printf(it->b, ",\n%s", it->indent);
		it->col = column_after(it->indent, strlen(it->indent), 0);
	} else if (!it->first) {
		mg_strbuf_puts(it->b, ", ");
		it->col += 2;
	}
	it->first = 0;
	mg_strbuf_puts(it->b, text);
	it->col = column_after(text, n, it->col);
}

void emit_init_fields(struct emit_init *it, const struct mg_field *fields, const void *obj)
{
	struct mg_strbuf item = {0};

	for (; fields->name; fields++) {
		if (!mg_field_is_set(fields, obj))
			continue;
		mg_strbuf_clear(&item);
		mg_strbuf_printf(&item, ".%s = ", fields->name);
		put_value(&item, fields, obj);
		emit_init_item(it, mg_strbuf_cstr(&item), (fields->flags & MG_FIELD_OWN_LINE) != 0);
	}
	mg_strbuf_free(&item);
}

/* Appends MG_ARRAY(field, name) when there is an array. */
static void put_array(struct emit_init *it, const char *field, const char *name)
{
	struct mg_strbuf item = {0};

	if (!name)
		return;
	mg_strbuf_printf(&item, "MG_ARRAY(%s, %s)", field, name);
	emit_init_item(it, mg_strbuf_cstr(&item), 0);
	mg_strbuf_free(&item);
}

/* ---- content equality -------------------------------------------------- */

static int names_equal(size_t n, const char *const *a, size_t m, const char *const *b)
{
	size_t i;

	if (n != m)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

static int columns_equal(const struct mg_table *a, const struct mg_table *b)
{
	size_t i;

	if (a->n_columns != b->n_columns)
		return 0;
	for (i = 0; i < a->n_columns; i++)
		if (!mg_fields_equal(mg_column_fields, &a->columns[i], &b->columns[i]))
			return 0;
	return 1;
}

static int indexes_equal(const struct mg_table *a, const struct mg_table *b)
{
	size_t i;

	if (a->n_indexes != b->n_indexes)
		return 0;
	for (i = 0; i < a->n_indexes; i++)
		if (!mg_fields_equal(mg_index_fields, &a->indexes[i], &b->indexes[i]) ||
		    !names_equal(a->indexes[i].n_columns, a->indexes[i].columns,
				 b->indexes[i].n_columns, b->indexes[i].columns))
			return 0;
	return 1;
}

static int fks_equal(const struct mg_table *a, const struct mg_table *b)
{
	size_t i;

	if (a->n_foreign_keys != b->n_foreign_keys)
		return 0;
	for (i = 0; i < a->n_foreign_keys; i++)
		if (!mg_fields_equal(mg_foreign_key_fields, &a->foreign_keys[i],
				     &b->foreign_keys[i]))
			return 0;
	return 1;
}

/* ---- one table, before and after -------------------------------------- */

/* The C names of the arrays of one side of a table. */
struct side {
	const char *columns, *pk, *indexes, *fks;
	const char **index_columns; /* per index */
};

struct pair_ctx {
	struct mg_strbuf *b;
	struct emit_names *names;
	const char *stem;
};

static const char *stem_name(struct pair_ctx *c, const char *suffix)
{
	struct mg_strbuf want = {0};
	const char *name;

	mg_strbuf_printf(&want, "%s_%s", c->stem, suffix);
	name = emit_names_take(c->names, mg_strbuf_cstr(&want));
	mg_strbuf_free(&want);
	return name;
}

static void put_indexes(struct pair_ctx *c, const char *name, const struct mg_table *t,
			const struct side *s)
{
	size_t i;

	mg_strbuf_printf(c->b, "static const struct mg_index %s[] = {\n", name);
	for (i = 0; i < t->n_indexes; i++) {
		struct emit_init it;

		mg_strbuf_puts(c->b, "\t{");
		emit_init_start(&it, c->b, "\t ", 0, 0);
		emit_init_fields(&it, mg_index_fields, &t->indexes[i]);
		put_array(&it, "columns", s->index_columns[i]);
		mg_strbuf_puts(c->b, "},\n");
	}
	mg_strbuf_puts(c->b, "};\n");
}

static void put_fks(struct pair_ctx *c, const char *name, const struct mg_table *t)
{
	size_t i;

	mg_strbuf_printf(c->b, "static const struct mg_foreign_key %s[] = {\n", name);
	for (i = 0; i < t->n_foreign_keys; i++) {
		struct emit_init it;

		mg_strbuf_puts(c->b, "\t{");
		emit_init_start(&it, c->b, "\t ", 0, 0);
		emit_init_fields(&it, mg_foreign_key_fields, &t->foreign_keys[i]);
		mg_strbuf_puts(c->b, "},\n");
	}
	mg_strbuf_puts(c->b, "};\n");
}

static void put_columns(struct pair_ctx *c, const char *name, const struct mg_table *t)
{
	size_t i;

	mg_strbuf_printf(c->b, "static const struct mg_column %s[] = {\n", name);
	for (i = 0; i < t->n_columns; i++) {
		struct emit_init it;

		mg_strbuf_puts(c->b, "\t{");
		emit_init_start(&it, c->b, "\t ", 0, 0);
		emit_init_fields(&it, mg_column_fields, &t->columns[i]);
		mg_strbuf_puts(c->b, "},\n");
	}
	mg_strbuf_puts(c->b, "};\n");
}

/* The lists (key, index columns) of one side. */
static void side_lists(struct pair_ctx *c, struct side *s, const struct mg_table *t)
{
	size_t i;

	if (t->n_primary_key)
		s->pk = emit_list(c->b, c->names, t->n_primary_key, t->primary_key);
	s->index_columns = xcalloc(t->n_indexes + 1, sizeof(char *));
	for (i = 0; i < t->n_indexes; i++)
		s->index_columns[i] =
			emit_list(c->b, c->names, t->indexes[i].n_columns, t->indexes[i].columns);
}

/*
 * Writes the arrays of a table as it is before (`bt`) and after (`at`),
 * either may be NULL, sharing what is equal, and fills the names of each
 * side.
 */
static void put_pair(struct pair_ctx *c, const struct mg_table *bt, const struct mg_table *at,
		     struct side *bs, struct side *as)
{
	int both = bt && at;
	const char *name;

	if (bt)
		side_lists(c, bs, bt);
	if (at)
		side_lists(c, as, at);

	if (both && bt->n_indexes && indexes_equal(bt, at)) {
		bs->indexes = as->indexes = stem_name(c, "indexes");
		put_indexes(c, bs->indexes, bt, bs);
	} else {
		if (bt && bt->n_indexes) {
			bs->indexes = stem_name(c, both ? "before_indexes" : "indexes");
			put_indexes(c, bs->indexes, bt, bs);
		}
		if (at && at->n_indexes) {
			as->indexes = stem_name(c, both ? "after_indexes" : "indexes");
			put_indexes(c, as->indexes, at, as);
		}
	}
	if (both && bt->n_foreign_keys && fks_equal(bt, at)) {
		bs->fks = as->fks = stem_name(c, "fks");
		put_fks(c, bs->fks, bt);
	} else {
		if (bt && bt->n_foreign_keys) {
			bs->fks = stem_name(c, both ? "before_fks" : "fks");
			put_fks(c, bs->fks, bt);
		}
		if (at && at->n_foreign_keys) {
			as->fks = stem_name(c, both ? "after_fks" : "fks");
			put_fks(c, as->fks, at);
		}
	}
	if (both && bt->n_columns && columns_equal(bt, at)) {
		name = stem_name(c, "columns");
		bs->columns = as->columns = name;
		put_columns(c, name, bt);
	} else {
		if (bt && bt->n_columns) {
			bs->columns = stem_name(c, both ? "before" : "columns");
			put_columns(c, bs->columns, bt);
		}
		if (at && at->n_columns) {
			as->columns = stem_name(c, both ? "after" : "columns");
			put_columns(c, as->columns, at);
		}
	}
}

/* The entry of one table in a table array. */
static void put_table_entry(struct mg_strbuf *b, const struct mg_table *t, const struct side *s)
{
	struct emit_init it;

	mg_strbuf_puts(b, "\t{");
	emit_init_start(&it, b, "\t ", 0, 0);
	emit_init_fields(&it, mg_table_fields, t);
	put_array(&it, "columns", s->columns);
	put_array(&it, "primary_key", s->pk);
	put_array(&it, "indexes", s->indexes);
	put_array(&it, "foreign_keys", s->fks);
	mg_strbuf_puts(b, "},\n");
}

/* The table array of one side (nothing for no table). */
static void put_table_array(struct mg_strbuf *b, const char *array, const struct mg_schema *s,
			    const struct side *sides)
{
	size_t i;

	if (!s->n_tables)
		return;
	mg_strbuf_printf(b, "static const struct mg_table %s[] = {\n", array);
	for (i = 0; i < s->n_tables; i++)
		put_table_entry(b, &s->tables[i], &sides[i]);
	mg_strbuf_puts(b, "};\n");
}

/* The initializer of a schema over its table array. */
static void put_schema_init(struct mg_strbuf *b, const char *name, const char *array,
			    const struct mg_schema *s)
{
	if (s->n_tables)
		mg_strbuf_printf(b, "%s = {MG_ARRAY(tables, %s)}", name, array);
	else
		mg_strbuf_printf(b, "%s = {.n_tables = 0}", name);
}

static void free_sides(struct side *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].index_columns);
	free(v);
}

void emit_tables(struct mg_strbuf *b, struct emit_names *names, const char *prefix,
		 const struct mg_schema *before, const struct mg_schema *after)
{
	static const struct mg_schema none = {0, NULL, NULL};
	const struct mg_schema *a = after ? after : &none;
	struct side *bs = xcalloc(before->n_tables + 1, sizeof(*bs));
	struct side *as = xcalloc(a->n_tables + 1, sizeof(*as));
	struct mg_strbuf stem = {0}, arr = {0};
	const char *before_array, *after_array = NULL;
	size_t i = 0, j = 0, k = 0;

	/* The schema names first: names made from table names never take
	 * them. */
	mg_strbuf_printf(&arr, "%s_tables", after ? "before" : prefix);
	(void)emit_names_take(names, after ? "before" : prefix);
	before_array = emit_names_take(names, mg_strbuf_cstr(&arr));
	if (after) {
		(void)emit_names_take(names, "after");
		after_array = emit_names_take(names, "after_tables");
	}
	/* Both sides are sorted by name: walk them together. */
	while (i < before->n_tables || j < a->n_tables) {
		const struct mg_table *bt = i < before->n_tables ? &before->tables[i] : NULL;
		const struct mg_table *at = j < a->n_tables ? &a->tables[j] : NULL;
		struct pair_ctx c;
		int cmp;

		if (bt && at)
			cmp = strcmp(bt->name, at->name);
		else
			cmp = bt ? -1 : 1;
		memset(&c, 0, sizeof(c));
		c.b = b;
		c.names = names;
		mg_strbuf_clear(&stem);
		if (emit_ident_safe((cmp <= 0 ? bt : at)->name))
			mg_strbuf_puts(&stem, (cmp <= 0 ? bt : at)->name);
		else
			mg_strbuf_printf(&stem, "t%zu", k);
		c.stem = mg_strbuf_cstr(&stem);
		put_pair(&c, cmp <= 0 ? bt : NULL, cmp >= 0 ? at : NULL, cmp <= 0 ? &bs[i] : NULL,
			 cmp >= 0 ? &as[j] : NULL);
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
		k++;
	}
	put_table_array(b, before_array, before, bs);
	if (after)
		put_table_array(b, after_array, after, as);
	mg_strbuf_puts(b, "static const struct mg_schema ");
	put_schema_init(b, after ? "before" : prefix, before_array, before);
	if (after) {
		mg_strbuf_puts(b, ", ");
		put_schema_init(b, "after", after_array, after);
	}
	mg_strbuf_puts(b, ";\n");
	free_sides(bs, before->n_tables);
	free_sides(as, a->n_tables);
	mg_strbuf_free(&stem);
	mg_strbuf_free(&arr);
}

char *emit_table_ref(const struct mg_schema *before, const struct mg_schema *after,
		     const struct mg_table *t)
{
	/* By address range (as integers: pointers into different arrays do
	 * not compare in C), so that many rebuilds stay linear. */
	uintptr_t p = (uintptr_t)t;
	const struct mg_schema *sides[2] = {after, before};
	static const char *const names[2] = {"after_tables", "before_tables"};
	struct mg_strbuf b = {0};
	int i;

	for (i = 0; i < 2; i++) {
		uintptr_t a = (uintptr_t)sides[i]->tables;

		if (sides[i]->n_tables && p >= a && p < a + sides[i]->n_tables * sizeof(*t) &&
		    (p - a) % sizeof(*t) == 0) {
			mg_strbuf_printf(&b, "&%s[%zu]", names[i], (size_t)((p - a) / sizeof(*t)));
			return mg_strbuf_detach(&b);
		}
	}
	return NULL;
}
