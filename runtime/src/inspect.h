/*
 * Introspection shared by the dialects: reading live tables through the
 * driver (mg_db_inspect), the list of user tables, the expected schema as
 * the database would store it, and reading a declared type back.
 */
#ifndef MG_INSPECT_H
#define MG_INSPECT_H

#include <stddef.h>

#include "db_int.h"
#include "schema_builder.h"

/* The names of every user table (not modelgen_*, not sqlite_*), sorted,
 * malloc'd; free with inspect_names_free. */
int inspect_table_names(char ***out, size_t *n_out, struct mg_db *db);
void inspect_names_free(char **names, size_t n);

/*
 * The expected schema as this database would store it: types and defaults
 * normalised the way introspection reads them back (on PostgreSQL by
 * creating the columns in a scratch schema that is rolled back). *out is
 * freed with mg_schema_free.
 */
int inspect_normalize(struct mg_schema **out, struct mg_db *db, const struct mg_schema *expected);

/* How a dialect spells a logical type. */
struct inspect_type_name {
	const char *spelling;
	enum mg_coltype type;
};

/*
 * Sets col->type (and length, custom_type) from `sql_type` as the database
 * spells it: one of `names` (compared ignoring case and blank runs),
 * `varchar_prefix` + N + ")" for VARCHAR(N), anything else MG_COL_CUSTOM
 * with the text copied into `arena`.
 */
void inspect_parse_type(struct mg_column *col, const char *sql_type,
			const struct inspect_type_name *names, size_t n_names,
			const char *varchar_prefix, struct mg_arena *arena);

/* 1 when `a` equals `b` ignoring ASCII case and runs of blanks. */
int inspect_loose_eq(const char *a, const char *b);

#endif
