/*
 * Schema and table builders (see schema_builder.h): arrays that grow in the
 * arena, sorted once at the end.
 */
#include "schema_builder.h"

#include <stdlib.h>
#include <string.h>

/* `ptr` with room for element `n` (doubling `*cap`), in the arena. */
static void *grow(struct mg_arena *a, void *ptr, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n < *cap)
		return ptr;
	*cap = *cap ? *cap * 2 : 8;
	p = mg_arena_calloc(a, *cap, size);
	if (n)
		memcpy(p, ptr, n * size);
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
	s->tables = grow(s->arena, s->tables, &s->cap_tables, s->n_tables, sizeof(*s->tables));
	s->tables[s->n_tables++] = *t;
}

struct mg_table *schema_builder_add(struct schema_builder *s, struct table_builder *b)
{
	struct mg_table t = {0};

	if (b->n_indexes)
		qsort(b->indexes, b->n_indexes, sizeof(*b->indexes), cmp_index);
	if (b->n_foreign_keys)
		qsort(b->foreign_keys, b->n_foreign_keys, sizeof(*b->foreign_keys),
		      cmp_foreign_key);
	t.name = b->name;
	t.n_columns = b->n_columns;
	t.columns = b->columns;
	t.n_primary_key = b->n_primary_key;
	t.primary_key = b->primary_key;
	t.n_indexes = b->n_indexes;
	t.indexes = b->indexes;
	t.n_foreign_keys = b->n_foreign_keys;
	t.foreign_keys = b->foreign_keys;
	schema_builder_add_copy(s, &t);
	return &s->tables[s->n_tables - 1];
}

struct mg_schema *schema_builder_finish(struct schema_builder *s)
{
	struct mg_schema *schema = mg_arena_alloc(s->arena, sizeof(*schema));

	if (s->n_tables)
		qsort(s->tables, s->n_tables, sizeof(*s->tables), cmp_table);
	schema->n_tables = s->n_tables;
	schema->tables = s->tables;
	schema->owner = s->arena;
	memset(s, 0, sizeof(*s));
	return schema;
}

void table_builder_init(struct table_builder *b, struct schema_builder *s, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->arena = s->arena;
	b->name = mg_arena_strdup(b->arena, name);
}

struct mg_column *table_builder_column(struct table_builder *b, const char *name)
{
	struct mg_column *c;

	b->columns = grow(b->arena, b->columns, &b->cap_columns, b->n_columns, sizeof(*b->columns));
	c = &b->columns[b->n_columns++];
	c->name = mg_arena_strdup(b->arena, name);
	return c;
}

void table_builder_primary_key(struct table_builder *b, const char *column)
{
	b->primary_key = grow(b->arena, b->primary_key, &b->cap_primary_key, b->n_primary_key,
			      sizeof(*b->primary_key));
	b->primary_key[b->n_primary_key++] = mg_arena_strdup(b->arena, column);
}

size_t table_builder_index(struct table_builder *b, const char *name, int unique)
{
	size_t cap = b->cap_indexes, cap2 = b->cap_indexes;

	b->indexes = grow(b->arena, b->indexes, &b->cap_indexes, b->n_indexes, sizeof(*b->indexes));
	b->index_columns =
		grow(b->arena, b->index_columns, &cap, b->n_indexes, sizeof(*b->index_columns));
	b->cap_index_columns = grow(b->arena, b->cap_index_columns, &cap2, b->n_indexes,
				    sizeof(*b->cap_index_columns));
	b->indexes[b->n_indexes].name = mg_arena_strdup(b->arena, name);
	b->indexes[b->n_indexes].unique = unique;
	return b->n_indexes++;
}

void table_builder_index_column(struct table_builder *b, size_t index, const char *column)
{
	struct mg_index *ix = &b->indexes[index];

	b->index_columns[index] = grow(b->arena, b->index_columns[index],
				       &b->cap_index_columns[index], ix->n_columns, sizeof(char *));
	b->index_columns[index][ix->n_columns++] = mg_arena_strdup(b->arena, column);
	ix->columns = b->index_columns[index];
}

struct mg_foreign_key *table_builder_foreign_key(struct table_builder *b)
{
	b->foreign_keys = grow(b->arena, b->foreign_keys, &b->cap_foreign_keys, b->n_foreign_keys,
			       sizeof(*b->foreign_keys));
	return &b->foreign_keys[b->n_foreign_keys++];
}
