/*
 * PostgreSQL introspection (inspect_pg.c), for the PostgreSQL driver's table.
 */
#ifndef MG_INSPECT_PG_H
#define MG_INSPECT_PG_H

#include "inspect.h"

/* mg_driver.inspect: the named tables of the current schema, from the
 * catalogs. */
int inspect_pg(struct schema_builder *out, struct mg_db *db, size_t n_names,
	       const char *const *names);

/* mg_driver.normalize: the expected columns created as temporary tables in
 * a rolled-back transaction or savepoint and read back. */
int inspect_normalize_pg(struct mg_schema **out, struct mg_db *db,
			 const struct mg_schema *expected);

#endif
