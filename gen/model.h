/*
 * The generator's in-memory model: the shared schema description
 * (modelgen/schema.h) plus where each table and column came from, for
 * diagnostics. Built by parse.c, checked by model_validate; no I/O here.
 */
#ifndef MG_GEN_MODEL_H
#define MG_GEN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "modelgen/schema.h"

struct mg_arena;

/* Where a column's annotations are; a location equals the field's when the
 * annotation is absent. */
struct model_column_info {
	struct diag_loc name;         /* MG_COLUMN, else the field */
	struct diag_loc default_sql;  /* MG_DEFAULT */
	struct diag_loc type;         /* MG_TYPE */
	struct diag_loc renamed_from; /* MG_RENAMED_FROM */
	struct diag_loc references;   /* MG_REFERENCES */
	struct diag_loc on_delete;    /* MG_ON_DELETE, else MG_REFERENCES */
};

struct model_table_info {
	struct diag_loc loc;               /* the struct's MG_TABLE */
	struct diag_loc *column_locs;      /* per column of the table, same order */
	struct model_column_info *columns; /* per column, same order */
	struct diag_loc renamed_from;      /* MG_RENAMED_FROM, else loc */
	struct diag_loc primary_key;       /* MG_PRIMARY_KEY_ON or the first MG_PRIMARY_KEY */
	struct diag_loc *index_locs;       /* per index of the table, same order */
};

struct model {
	struct mg_arena *arena;        /* owns everything below */
	struct mg_schema schema;       /* tables sorted by name */
	struct model_table_info *info; /* per table of schema, same order */
	size_t n_sources;
	const char **sources; /* the model files, as given, sorted */
	/* MG_FOREIGN_TABLE: tables of the database the models leave alone,
	 * sorted (strcmp); not part of `schema` nor of any migration. */
	size_t n_foreign_tables;
	const char **foreign_tables;
};

/*
 * Returns the table called `name` in `s`, or NULL (borrowed from `s`). The
 * tables of `s` must be sorted by name (strcmp order), as models, snapshots
 * and plans keep them: a binary search, so large schemas stay fast.
 */
const struct mg_table *model_find_table(const struct mg_schema *s, const char *name);

/* Decodes the UTF-8 sequence at `s` into *cp; returns its length in bytes,
 * or 0 when it is not valid UTF-8 (overlong, surrogate, past U+10FFFF,
 * truncated). */
size_t model_utf8_decode(const unsigned char *s, uint32_t *cp);

/* 1 when the NUL-terminated `s` is valid UTF-8 (model_utf8_decode). */
int model_utf8_valid(const char *s);

/* 1 when two tables have the same definition: name, comment, columns in
 * order, keys, indexes and foreign keys (renamed_from, generator input, is
 * not compared). */
int model_table_eq(const struct mg_table *a, const struct mg_table *b);

/* Frees a model and everything it owns. Accepts NULL. */
void model_free(struct model *model);

/*
 * Checks the model against the rules of the model language that do not need
 * the C parser (names, keys, references, defaults, ...), adding one error per
 * problem to `diags`. Returns the number of errors added.
 */
size_t model_validate(const struct model *model, struct diag_list *diags);

#endif
