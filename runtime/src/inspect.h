/*
 * Building introspected schemas in an arena (inspect.c), shared by the
 * per-dialect readers and by the schema replay of apply.c.
 */
#ifndef MG_INSPECT_H
#define MG_INSPECT_H

#include <stddef.h>

#include "modelgen/schema.h"
#include "util/arena.h"

/* One table being built. */
struct ib {
	struct mg_arena *arena;
	const char *name;
	struct mg_column *cols;
	size_t n_cols, cap_cols;
	const char **pk;
	size_t n_pk, cap_pk;
	struct mg_index *ix;
	size_t n_ix, cap_ix;
	const char ***ix_cols; /* per index, its column array */
	size_t *ix_cap;
	struct mg_foreign_key *fk;
	size_t n_fk, cap_fk;
};

/* A schema being built: tables in any order, sorted at the end. */
struct sb {
	struct mg_arena *arena;
	struct mg_table *tables;
	size_t n, cap;
};

void ib_init(struct ib *b, struct mg_arena *arena, const char *name);
struct mg_column *ib_column(struct ib *b);
void ib_pk(struct ib *b, const char *column);
size_t ib_index(struct ib *b, const char *name, int unique);
void ib_index_column(struct ib *b, size_t index, const char *column);
struct mg_foreign_key *ib_fk(struct ib *b);

void sb_init(struct sb *s, struct mg_arena *arena);
/* Adds the table of `b` (indexes and keys sorted by name). */
void sb_add(struct sb *s, struct ib *b);
/* Adds a copy of `t` (pointers shared; the caller keeps `t` alive). */
void sb_add_table(struct sb *s, const struct mg_table *t);
/* Returns the schema (tables sorted by name), owned by the arena. */
struct mg_schema *sb_finish(struct sb *s);

/* Maps a declared type back to a logical type (SQLite spelling or
 * PostgreSQL format_type spelling). */
void inspect_parse_type(struct mg_column *col, enum mg_dialect dialect, const char *sql_type,
			struct mg_arena *arena);

#endif
