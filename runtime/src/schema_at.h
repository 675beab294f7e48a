/*
 * The one history algorithm: the schema at any migration of a history, from
 * the schema at another one (schema.c). The runtime walks back from the
 * registry's schema (verify, baseline); the generator walks forward from the
 * empty schema over the migrations it reads back (check, diff --amend).
 */
#ifndef MG_SCHEMA_AT_H
#define MG_SCHEMA_AT_H

#include <stddef.h>

#include "modelgen/migration.h"

/*
 * Sets *out to the schema after migration `number` of migrations[0..n)
 * (migrations[i]->number == i + 1), given `base`, the schema after migration
 * `base_number` (0: before the first). Walking back, each migration above
 * `number` is undone on the description: the tables of its `after` are
 * replaced by those of its `before` (the frozen definitions list every
 * table a migration creates, drops, alters or renames, and every table whose
 * foreign key follows a rename). Walking forward, each migration up to
 * `number` replaces the tables of its `before` by those of its `after`.
 * Tables are sorted by name. The schema owns its table array (free it with
 * mg_schema_free); the tables themselves are borrowed from `base` and the
 * migrations, which must outlive it. Returns 0, MG_E_RANGE when a number
 * is above n, or MG_E_NOMEM.
 */
int mg_schema_at(struct mg_schema **out, const struct mg_migration *const *migrations, size_t n,
		 const struct mg_schema *base, unsigned base_number, unsigned number);

#endif
