/*
 * What a generated migration is, as data. `modelgen` writes each migration as
 * a C file holding one `static const struct mg_migration` (plus the frozen
 * table definitions it needs) and a registry listing them in order; the
 * runtime applies them. Nothing here refers to the application's structs.
 */
#ifndef MODELGEN_MIGRATION_H
#define MODELGEN_MIGRATION_H

#include <stddef.h>

#include "modelgen/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Format of the structs below. A migration compiled against another version
 * is refused at build time through MG_MIGRATION_FORMAT checks in generated
 * code. */
#define MG_MIGRATION_FORMAT 1

struct mg_db;

enum mg_step_kind {
	MG_STEP_SQL = 1, /* run `sql` (one or more statements) */
	MG_STEP_REBUILD  /* SQLite table rebuild described by `rebuild` */
};

/*
 * A SQLite table rebuild: create `table` under a temporary name, copy the rows,
 * drop the old table, rename, recreate the indexes of `table`, and keep every
 * trigger and view that mentioned the old table. Run with foreign keys off and
 * checked before commit.
 */
struct mg_rebuild {
	const struct mg_table *table; /* the table after the rebuild */
	const char *old_name;         /* the table's name before */
	size_t n_copy;
	const char *const *copy_columns; /* columns of `table` filled from rows */
	const char *const *copy_exprs;   /* per copy column: an SQL expression
					  * over the old table's columns */
};

struct mg_step {
	enum mg_step_kind kind;
	const char *summary;              /* one line naming the operation */
	const char *sql;                  /* MG_STEP_SQL */
	const struct mg_rebuild *rebuild; /* MG_STEP_REBUILD */
};

/* The steps of one direction on one dialect, in order. */
struct mg_plan {
	size_t n_steps;
	const struct mg_step *steps;
};

#define MG_MIGRATION_IRREVERSIBLE 0x1u /* down cannot bring data back */
#define MG_MIGRATION_HANDWRITTEN  0x2u /* made by `modelgen new` */

/* A hand-written step. Runs inside the migration's transaction; returns 0 or
 * a negative MG_E* code, after setting the message with mg_db_error. */
typedef int (*mg_migration_fn)(struct mg_db *db);

struct mg_migration {
	unsigned number;               /* 1, 2, ... */
	const char *name;              /* "0003_rename_rating", the file's stem */
	const char *parent_hash;       /* schema hash before; "" for the first */
	const char *result_hash;       /* schema hash after */
	unsigned flags;                /* MG_MIGRATION_* */
	const char *irreversible_note; /* what `down` loses; NULL if nothing */
	/* Frozen definitions of the tables the migration touches, as they are
	 * before and after `up`; checked against the live database first. */
	const struct mg_schema *before;
	const struct mg_schema *after;
	struct mg_plan up[MG_DIALECT_COUNT]; /* indexed by enum mg_dialect */
	struct mg_plan down[MG_DIALECT_COUNT];
	mg_migration_fn run_up;   /* hand-written; after the up steps; or NULL */
	mg_migration_fn run_down; /* hand-written; before the down steps */
};

/* Every migration of an application, and the schema they end at. */
struct mg_registry {
	size_t n_migrations;
	const struct mg_migration *const *migrations; /* [i]->number == i + 1 */
	const struct mg_schema *schema;               /* after the last migration */
	const char *schema_hash;                      /* of `schema`; "" when no migration */
};

#ifdef __cplusplus
}
#endif

#endif
