/*
 * The drift report (drift.c): what differs between an expected and a live
 * schema.
 */
#ifndef MG_DRIFT_H
#define MG_DRIFT_H

#include <stddef.h>

#include "modelgen/schema.h"
#include "util/strbuf.h"

/*
 * Compares `expected` (normalised) with `live`, restricted to the tables of
 * `expected` when `only_expected`, else also reporting live tables that are
 * not expected. With `loose_types` (the driver's loose_custom_types:
 * SQLite), types compare as SQLite keeps them: custom type names ignoring
 * case and blank runs, the integer widths alike (one affinity, one
 * storage), a foreign key whose name differs matches the one that does
 * the same (SQLite never uses the name), and an automatic index
 * (sqlite_autoindex_*) matches the expected unique index on its columns.
 * A varchar(N) found as a VARCHAR(N) without SQLite's length check (a
 * table made before modelgen wrote the check, or by hand) is alike too,
 * so that such a database still verifies and migrates: it gets a line
 * "note: ..." that is not counted. Appends one line per difference to
 * `report`; returns the number of differences (notes not counted).
 */
size_t drift_report(struct mg_strbuf *report, int loose_types, const struct mg_schema *expected,
		    const struct mg_schema *live, int only_expected);

#endif
