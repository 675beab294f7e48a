/*
 * Building a schema description in an arena, a table at a time: what
 * introspection, normalisation and the schema-at-N replay use to produce
 * a struct mg_schema that mg_schema_free frees. Out of memory, the calls
 * that return a pointer return NULL (the caller stops there), the others
 * do nothing, and schema_builder_finish fails: one check at the end.
 */
#ifndef MG_SCHEMA_BUILDER_H
#define MG_SCHEMA_BUILDER_H

#include <stddef.h>

#include "modelgen/schema.h"
#include "util/arena.h"

/* A schema being built: tables in any order, sorted by name at the end. */
struct schema_builder {
	struct mg_arena *arena;
	struct mg_table *tables;
	size_t n_tables, cap_tables;
};

/* One table being built (schema_builder_add puts it in its schema). */
struct table_builder {
	struct mg_arena *arena;
	const char *name;
	const char *comment; /* set by the caller, in the arena */
	/* set by the caller, in the arena: see mg_table.primary_key_name */
	const char *primary_key_name;
	struct mg_column *columns;
	size_t n_columns, cap_columns;
	const char **primary_key;
	size_t n_primary_key, cap_primary_key;
	struct mg_index *indexes;
	size_t n_indexes, cap_indexes;
	size_t cap_last_index; /* room in the column array of the last index */
	struct mg_foreign_key *foreign_keys;
	size_t n_foreign_keys, cap_foreign_keys;
};

/* Starts an empty schema in a new arena (when that fails, finish will). */
void schema_builder_init(struct schema_builder *s);

/* Frees what was built when it is not finished (after a failure). Accepts
 * a zeroed or finished builder. */
void schema_builder_abandon(struct schema_builder *s);

/* Adds a copy of `t`'s struct (its arrays and strings shared: the caller
 * keeps them alive as long as the schema). */
void schema_builder_add_copy(struct schema_builder *s, const struct mg_table *t);

/* Adds the table `b` built (its indexes and foreign keys sorted by name)
 * and returns it, in the schema's arena, for last touches (a comment);
 * NULL when out of memory. */
struct mg_table *schema_builder_add(struct schema_builder *s, struct table_builder *b);

/* Sets *out to the schema (tables sorted by name), owning the arena: free
 * it with mg_schema_free. Returns 0, or MG_E_NOMEM (*out NULL, everything
 * freed) when anything ran out of memory. `s` is spent either way. */
int schema_builder_finish(struct mg_schema **out, struct schema_builder *s);

/* Starts table `name` (copied) of schema `s`. */
void table_builder_init(struct table_builder *b, struct schema_builder *s, const char *name);

/* Appends a zeroed column named `name` (copied) and returns it (NULL when
 * out of memory). */
struct mg_column *table_builder_column(struct table_builder *b, const char *name);

/* Appends `column` (copied) to the primary key. */
void table_builder_primary_key(struct table_builder *b, const char *column);

/* Appends an index without columns and returns it (NULL when out of
 * memory). */
struct mg_index *table_builder_index(struct table_builder *b, const char *name, int unique);

/* Appends `column` (copied) to the columns of the index added last. */
void table_builder_index_column(struct table_builder *b, const char *column);

/* Appends a zeroed foreign key and returns it, NULL when out of memory
 * (strings are the caller's to copy into the arena). */
struct mg_foreign_key *table_builder_foreign_key(struct table_builder *b);

#endif
