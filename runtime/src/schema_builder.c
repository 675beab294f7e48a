/*
 * Schema and table builders (see schema_builder.h): arrays that grow in the
 * arena, sorted once at the end.
 */
#include "schema_builder.h"

#include <stdlib.h>
#include <string.h>

#include "modelgen/errors.h"

/* `ptr` with room for element `n` (doubling `*cap`), in the arena; NULL
 * when out of memory (`ptr` and *cap unchanged). */
static void *grow(struct mg_arena *a, void *ptr, size_t *cap, size_t n, size_t size)
{
	size_t new_cap;
	void *p;

	if (n < *cap)
		return ptr;
	new_cap = *cap ? *cap * 2 : 8;
	p = mg_arena_calloc(a, new_cap, size);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, ptr, n * size);
	*cap = new_cap;
	return p;
}

static int cmp_index(const void *a, const void *b)
{
	return strcmp(((const struct mg_index *)a)->name, ((const struct mg_index *)b)->name);
}

static int cmp_foreign_key(const void *a, const void *b)
{
	return strcmp(((const struct mg_foreign_key *)a)->name,
		      ((const struct mg_foreign_key *)b)->name);
}

static int cmp_table(const void *a, const void *b)
{
	return strcmp(((const struct mg_table *)a)->name, ((const struct mg_table *)b)->name);
}

void schema_builder_init(struct schema_builder *s)
{
	memset(s, 0, sizeof(*s));
	s->arena = mg_arena_new();
}

void schema_builder_abandon(struct schema_builder *s)
{
	mg_arena_free(s->arena);
	memset(s, 0, sizeof(*s));
}

void schema_builder_add_copy(struct schema_builder *s, const struct mg_table *t)
{
	struct mg_table *tables =
		grow(s->arena, s->tables, &s->cap_tables, s->n_tables, sizeof(*s->tables));

	if (!tables)
		return;
	s->tables = tables;
	s->tables[s->n_tables++] = *t;
}

struct mg_table *schema_builder_add(struct schema_builder *s, struct table_builder *b)
{
	struct mg_table t = {0};
	size_t n = s->n_tables;

	if (mg_arena_failed(s->arena))
		return NULL;
	if (b->n_indexes)
		qsort(b->indexes, b->n_indexes, sizeof(*b->indexes), cmp_index);
	if (b->n_foreign_keys)
		qsort(b->foreign_keys, b->n_foreign_keys, sizeof(*b->foreign_keys),
		      cmp_foreign_key);
	t.name = b->name;
	t.comment = b->comment;
	t.n_columns = b->n_columns;
	t.columns = b->columns;
	t.n_primary_key = b->n_primary_key;
	t.primary_key = b->primary_key;
	t.n_indexes = b->n_indexes;
	t.indexes = b->indexes;
	t.n_foreign_keys = b->n_foreign_keys;
	t.foreign_keys = b->foreign_keys;
	t.primary_key_name = b->primary_key_name;
	schema_builder_add_copy(s, &t);
	return s->n_tables > n ? &s->tables[n] : NULL;
}

int schema_builder_finish(struct mg_schema **out, struct schema_builder *s)
{
	struct mg_schema *schema = mg_arena_alloc(s->arena, sizeof(*schema));

	*out = NULL;
	if (!schema || mg_arena_failed(s->arena)) {
		schema_builder_abandon(s);
		return MG_E_NOMEM;
	}
	if (s->n_tables)
		qsort(s->tables, s->n_tables, sizeof(*s->tables), cmp_table);
	schema->n_tables = s->n_tables;
	schema->tables = s->tables;
	schema->owner = s->arena;
	memset(s, 0, sizeof(*s));
	*out = schema;
	return 0;
}

void table_builder_init(struct table_builder *b, struct schema_builder *s, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->arena = s->arena;
	b->name = mg_arena_strdup(b->arena, name);
}

struct mg_column *table_builder_column(struct table_builder *b, const char *name)
{
	struct mg_column *columns =
		grow(b->arena, b->columns, &b->cap_columns, b->n_columns, sizeof(*b->columns));
	const char *copy = mg_arena_strdup(b->arena, name);

	if (!columns || !copy)
		return NULL;
	b->columns = columns;
	b->columns[b->n_columns].name = copy;
	return &b->columns[b->n_columns++];
}

void table_builder_primary_key(struct table_builder *b, const char *column)
{
	const char **pk = grow(b->arena, b->primary_key, &b->cap_primary_key, b->n_primary_key,
			       sizeof(*b->primary_key));
	const char *copy = mg_arena_strdup(b->arena, column);

	if (!pk || !copy)
		return;
	b->primary_key = pk;
	b->primary_key[b->n_primary_key++] = copy;
}

struct mg_index *table_builder_index(struct table_builder *b, const char *name, int unique)
{
	struct mg_index *indexes =
		grow(b->arena, b->indexes, &b->cap_indexes, b->n_indexes, sizeof(*b->indexes));
	const char *copy = mg_arena_strdup(b->arena, name);

	if (!indexes || !copy)
		return NULL;
	b->indexes = indexes;
	b->indexes[b->n_indexes].name = copy;
	b->indexes[b->n_indexes].unique = unique;
	b->cap_last_index = 0;
	return &b->indexes[b->n_indexes++];
}

void table_builder_index_column(struct table_builder *b, const char *column)
{
	struct mg_index *ix = &b->indexes[b->n_indexes - 1];
	const char **columns = grow(b->arena, (void *)ix->columns, &b->cap_last_index,
				    ix->n_columns, sizeof(*ix->columns));
	const char *copy = mg_arena_strdup(b->arena, column);

	if (!columns || !copy)
		return;
	columns[ix->n_columns++] = copy;
	ix->columns = columns;
}

struct mg_foreign_key *table_builder_foreign_key(struct table_builder *b)
{
	struct mg_foreign_key *fks = grow(b->arena, b->foreign_keys, &b->cap_foreign_keys,
					  b->n_foreign_keys, sizeof(*b->foreign_keys));

	if (!fks)
		return NULL;
	b->foreign_keys = fks;
	return &b->foreign_keys[b->n_foreign_keys++];
}
