/*
 * Operations -> per-dialect steps. For each dialect an `up` and a `down` list
 * of struct mg_step (modelgen/migration.h): PostgreSQL uses native ALTER
 * TABLE forms; SQLite uses native ALTER where SQLite can (rename table or
 * column, add column, drop a plain column) and otherwise a table rebuild,
 * with every change to one table folded into one rebuild. Also the review
 * notes and the frozen before/after definitions of the touched tables.
 */
#ifndef MG_GEN_PLAN_H
#define MG_GEN_PLAN_H

#include <stddef.h>

#include "diff.h"
#include "modelgen/migration.h"

struct mg_arena;

struct plan_result {
	struct mg_plan up[MG_DIALECT_COUNT];
	struct mg_plan down[MG_DIALECT_COUNT];
	/* The tables touched, and those with a foreign key to a renamed table
	 * or column (the key follows the rename), as before and after up
	 * (sorted by name). */
	struct mg_schema before;
	struct mg_schema after;
	/* The operations of up (one per diff op, in order) and of down (their
	 * inverses, in the order down runs them); steps name them by number. */
	struct mg_ops up_ops;
	struct mg_ops down_ops;
	size_t n_notes;
	const char **notes; /* review notes: what can fail, what a rebuild does */
	/* What running `down` cannot bring back (dropped tables, columns);
	 * NULL when down is lossless. */
	const char *irreversible_note;
	/* PostgreSQL up steps marked [!] in their lock facts (ACCESS EXCLUSIVE
	 * on an existing table while scanning or rewriting it, no safe form):
	 * "op summary: lock facts", for diff to refuse without
	 * --allow-blocking. */
	size_t n_blocking;
	const char **blocking;
};

/* How to plan (modelgen diff options). */
struct plan_options {
	int plain_ddl; /* --plain-ddl: PostgreSQL plain DDL on existing tables */
};

/*
 * Plans the operations of `diff` (from `old_schema` to `new_schema`).
 * Everything in `out` is allocated from `arena`. Cannot fail: what the
 * databases refuse was refused by the diff.
 */
void plan_migration(struct plan_result *out, struct mg_arena *arena, const struct diff_result *diff,
		    const struct mg_schema *old_schema, const struct mg_schema *new_schema);

/* As plan_migration, with options (NULL: the defaults). */
void plan_migration_opts(struct plan_result *out, struct mg_arena *arena,
			 const struct diff_result *diff, const struct mg_schema *old_schema,
			 const struct mg_schema *new_schema, const struct plan_options *opts);

#endif
