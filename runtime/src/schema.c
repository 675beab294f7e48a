/*
 * Look-ups and names for the shared schema description (modelgen/schema.h),
 * and the schema at any migration of a history (schema_at.h).
 */
#include "modelgen/schema.h"

#include <stdlib.h>
#include <string.h>

#include "modelgen/errors.h"
#include "schema_at.h"
#include "util/arena.h"

void mg_schema_free(struct mg_schema *schema)
{
	if (!schema || !schema->owner)
		return;
	/* The schema struct itself lives in its arena. */
	mg_arena_free(schema->owner);
}

const struct mg_table *mg_schema_find_table(const struct mg_schema *schema, const char *name)
{
	size_t i;

	for (i = 0; i < schema->n_tables; i++)
		if (strcmp(schema->tables[i].name, name) == 0)
			return &schema->tables[i];
	return NULL;
}

const struct mg_column *mg_table_find_column(const struct mg_table *table, const char *name)
{
	size_t i;

	for (i = 0; i < table->n_columns; i++)
		if (strcmp(table->columns[i].name, name) == 0)
			return &table->columns[i];
	return NULL;
}

static const char *const coltype_names[] = {
	[MG_COL_BOOLEAN] = "boolean", [MG_COL_SMALLINT] = "smallint", [MG_COL_INTEGER] = "integer",
	[MG_COL_BIGINT] = "bigint",   [MG_COL_REAL] = "real",         [MG_COL_DOUBLE] = "double",
	[MG_COL_VARCHAR] = "varchar", [MG_COL_TEXT] = "text",         [MG_COL_BLOB] = "blob",
	[MG_COL_CUSTOM] = "custom",
};

const char *mg_coltype_name(enum mg_coltype type)
{
	if ((int)type <= 0 || (size_t)type >= sizeof(coltype_names) / sizeof(coltype_names[0]))
		return NULL;
	return coltype_names[type];
}

enum mg_coltype mg_coltype_from_name(const char *name)
{
	size_t i;

	for (i = 1; i < sizeof(coltype_names) / sizeof(coltype_names[0]); i++)
		if (strcmp(coltype_names[i], name) == 0)
			return (enum mg_coltype)i;
	return (enum mg_coltype)0;
}

static const char *const action_names[] = {
	[MG_FK_NO_ACTION] = "no action",
	[MG_FK_CASCADE] = "cascade",
	[MG_FK_SET_NULL] = "set null",
	[MG_FK_RESTRICT] = "restrict",
};

const char *mg_fk_action_name(enum mg_fk_action action)
{
	if ((int)action < 0 || (size_t)action >= sizeof(action_names) / sizeof(action_names[0]))
		return NULL;
	return action_names[action];
}

int mg_fk_action_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (strcmp(action_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* ---- The schema at a migration ----------------------------------------- */

static int cmp_table_ptr(const void *a, const void *b)
{
	return strcmp((*(const struct mg_table *const *)a)->name,
		      (*(const struct mg_table *const *)b)->name);
}

/* 1 when a table called `name` is among sorted[0..n). */
static int named_in(const struct mg_table *const *sorted, size_t n, const char *name)
{
	struct mg_table key = {0};
	const struct mg_table *k = &key;

	key.name = name;
	return n && bsearch(&k, sorted, n, sizeof(*sorted), cmp_table_ptr) != NULL;
}

/* The tables of `s` (may be NULL), sorted by name, into the arena (NULL
 * when out of memory). */
static const struct mg_table **sorted_tables(struct mg_arena *a, const struct mg_schema *s)
{
	size_t n = s ? s->n_tables : 0, i;
	const struct mg_table **v = mg_arena_calloc(a, n + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = &s->tables[i];
	qsort(v, n, sizeof(*v), cmp_table_ptr);
	return v;
}

/* cur[0..*n) without the tables named in `from` or `to`, plus those of
 * `to`, sorted: one migration done (from = before, to = after) or undone.
 * NULL when out of memory. */
static const struct mg_table **replace(struct mg_arena *a, const struct mg_table **cur, size_t *n,
				       const struct mg_schema *from, const struct mg_schema *to)
{
	const struct mg_table **f = sorted_tables(a, from), **t = sorted_tables(a, to);
	size_t n_from = from ? from->n_tables : 0, n_to = to ? to->n_tables : 0;
	const struct mg_table **out = mg_arena_calloc(a, *n + n_to + 1, sizeof(*out));
	size_t i, k = 0;

	if (!cur || !f || !t || !out)
		return NULL;

	for (i = 0; i < *n; i++)
		if (!named_in(f, n_from, cur[i]->name) && !named_in(t, n_to, cur[i]->name))
			out[k++] = cur[i];
	for (i = 0; i < n_to; i++)
		out[k++] = t[i];
	qsort(out, k, sizeof(*out), cmp_table_ptr);
	*n = k;
	return out;
}

int mg_schema_at(struct mg_schema **out, const struct mg_migration *const *migrations, size_t n,
		 const struct mg_schema *base, unsigned base_number, unsigned number)
{
	struct mg_arena *a;
	const struct mg_table **cur;
	struct mg_table *tables;
	struct mg_schema *s;
	size_t n_cur, i;
	unsigned k;

	*out = NULL;
	if (base_number > n || number > n)
		return MG_E_RANGE;
	a = mg_arena_new();
	if (!a)
		return MG_E_NOMEM;
	cur = sorted_tables(a, base);
	n_cur = base ? base->n_tables : 0;
	for (k = base_number; k > number; k--)
		cur = replace(a, cur, &n_cur, migrations[k - 1]->after, migrations[k - 1]->before);
	for (k = base_number; k < number; k++)
		cur = replace(a, cur, &n_cur, migrations[k]->before, migrations[k]->after);
	tables = cur ? mg_arena_calloc(a, n_cur + 1, sizeof(*tables)) : NULL;
	s = mg_arena_alloc(a, sizeof(*s));
	if (!tables || !s) {
		mg_arena_free(a);
		return MG_E_NOMEM;
	}
	for (i = 0; i < n_cur; i++)
		tables[i] = *cur[i];
	s->n_tables = n_cur;
	s->tables = tables;
	s->owner = a;
	*out = s;
	return 0;
}
