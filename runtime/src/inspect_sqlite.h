/*
 * SQLite introspection (inspect_sqlite.c), for the SQLite driver's table.
 */
#ifndef MG_INSPECT_SQLITE_H
#define MG_INSPECT_SQLITE_H

#include "inspect.h"

/* mg_driver.inspect: the named tables from sqlite_schema and the pragmas. */
int inspect_sqlite(struct schema_builder *out, struct mg_db *db, size_t n_names,
		   const char *const *names);

/* mg_driver.normalize: the declared type and default text, as SQLite keeps
 * them (no database needed). */
int inspect_normalize_sqlite(struct mg_schema **out, struct mg_db *db,
			     const struct mg_schema *expected);

#endif
