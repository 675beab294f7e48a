/*
 * What a generated migration is, as data. `modelgen` writes each migration as
 * a C file holding one `const struct mg_migration` (its operations, the steps
 * each dialect runs, and the frozen definitions of the tables it touches) and
 * a registry listing them in order; the runtime applies them. Nothing here
 * refers to the application's structs.
 */
#ifndef MODELGEN_MIGRATION_H
#define MODELGEN_MIGRATION_H

#include <stddef.h>

#include "modelgen/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Format of the structs below, and the oldest format this header still
 * builds. A generated file checks both at build time (a two-sided gate):
 * a file newer than the header, or older than the oldest it builds, is
 * refused with an #error that says which side to update.
 */
#define MG_MIGRATION_FORMAT     2
#define MG_MIGRATION_FORMAT_MIN 2

struct mg_db;

/* The number of elements of array `a` (never written by hand). */
#define MG_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Inside an initializer: `.n_<field> = MG_COUNT(a), .<field> = a`. */
#define MG_ARRAY(field, a) .n_##field = MG_COUNT(a), .field = (a)

/*
 * One operation of a direction ("add column users.email (text, nullable)"),
 * as a reviewer reads it. Its summary exists only here: steps name their
 * operation by number.
 */
struct mg_op {
	const char *summary;
	unsigned flags; /* MG_OP_* */
};

#define MG_OP_DESTRUCTIVE 0x1u /* loses data (a dropped table or column) */

/* The operations of one direction, in order; numbered from 1. */
struct mg_ops {
	size_t n_ops;
	const struct mg_op *ops;
};

enum mg_step_kind {
	MG_STEP_SQL = 1, /* run `sql` (one or more statements) */
	MG_STEP_REBUILD  /* SQLite table rebuild described by `rebuild` */
};

/*
 * A SQLite table rebuild: create `table` under a temporary name, copy the
 * rows, drop the old table, rename, recreate the indexes of `table`, and keep
 * every trigger and view that mentioned the old table. Run with foreign keys
 * off and checked before commit. mg_sql_rebuild (runtime) renders the SQL.
 */
struct mg_rebuild {
	const struct mg_table *table; /* the table after the rebuild */
	const char *old_name;         /* the table's name before */
	size_t n_copy;
	const char *const *copy_columns; /* columns of `table` filled from rows */
	const char *const *copy_exprs;   /* per copy column: an SQL expression
					  * over the old table's columns */
};

/* In an mg_rebuild initializer: the copy columns and their expressions. */
#define MG_COPY(columns, exprs)                                                                    \
	.n_copy = MG_COUNT(columns), .copy_columns = (columns), .copy_exprs = (exprs)

#define MG_STEP_DROPS_TABLE 0x1u /* drops a table (SQLite: foreign keys off) */
/* On a SQLite rebuild step: the rows need no copy, only the table's
 * definition differs in what SQLite does not store in them (the declared
 * width of an integer, a constraint's name): the runtime rewrites the
 * CREATE TABLE text in sqlite_schema in place (see mg_sql_edit in
 * runtime/src/sql.h). Without the flag the same step rebuilds. */
#define MG_STEP_IN_PLACE 0x2u
/*
 * PostgreSQL steps that do not run in the migration's one transaction; a
 * migration with any of them runs as a recorded sequence (each step in its
 * own transaction, its completion recorded in modelgen_progress, resumed
 * exactly after an interruption):
 * - MG_STEP_NO_TX: one CREATE [UNIQUE] INDEX CONCURRENTLY or DROP INDEX
 *   CONCURRENTLY of index `target`, outside any transaction; before it the
 *   runtime looks at pg_index (a valid index built: done; an invalid one
 *   left by an interrupted build: dropped first; dropped: done).
 * - MG_STEP_BATCHED: one statement that fills one batch of NULLs of
 *   `target` ("table.column"), keyset-paginated by primary key: $1..$k the
 *   last key done (all NULL: from the start), $k+1 the batch size; it
 *   returns the batch's last key (k columns, as text) and the number of
 *   rows it set, or no row at the end. Each batch is its own transaction.
 * - MG_STEP_OWN_TX: in a transaction of its own, after the steps before it
 *   committed (VALIDATE CONSTRAINT of a key or check added NOT VALID).
 */
#define MG_STEP_NO_TX   0x10u
#define MG_STEP_BATCHED 0x20u
#define MG_STEP_OWN_TX  0x40u

/*
 * One step. Its summary is its operation's (`op`), with `note` after it in
 * parentheses. A step that carries out several operations (a rebuild) has
 * op 0 and their numbers in `ops`; its summary is made of theirs. A step of
 * no operation has op 0 and `note` as its whole summary.
 *
 * New fields go at the end, and into the field table of the runtime
 * (runtime/src/fields.c), which the generator's emitter and reader and the
 * runtime's checksum all walk: one edit adds a field to all three.
 */
struct mg_step {
	enum mg_step_kind kind;
	unsigned op;                      /* 1-based number in the direction's mg_ops; or 0 */
	const char *sql;                  /* MG_STEP_SQL */
	const struct mg_rebuild *rebuild; /* MG_STEP_REBUILD */
	size_t n_ops;                     /* with op 0: the operations the step carries out */
	const unsigned *ops;
	const char *note; /* NULL, or what the step does beyond its op */
	unsigned flags;   /* MG_STEP_* */
	/*
	 * NULL, or a query run just before the step, in the same transaction,
	 * that returns one row: the number of rows the step cannot keep as
	 * they are (a value too long for a narrower type, ...) and, as text,
	 * the key of one of them. A count above 0 refuses the migration
	 * (MG_E_GUARD) and nothing is changed.
	 */
	const char *guard;
	/*
	 * PostgreSQL: the lock facts of the step, for review and for the lock
	 * claim test: "SHARE UPDATE EXCLUSIVE on photos; scans; no rewrite"
	 * (the strongest lock per table that existed before the migration,
	 * strongest first; whether it reads every row; whether it rewrites a
	 * table). "[!] " in front: ACCESS EXCLUSIVE on an existing table while
	 * it scans or rewrites it. NULL on SQLite.
	 */
	const char *locks;
	/* MG_STEP_NO_TX: the index; MG_STEP_BATCHED: "table.column". */
	const char *target;
};

/*
 * Step initializers for generated files: {MG_SQL(1, "..."), .flags = ...},
 * {MG_REBUILD(&rebuild_up_2, 3, 4)} for a rebuild carrying out operations 3
 * and 4 (one operation at least).
 */
/* clang-format off */
#define MG_SQL(op_number, text) .kind = MG_STEP_SQL, .op = (op_number), .sql = (text)
#define MG_REBUILD(rb, ...)                                                                        \
	.kind = MG_STEP_REBUILD, .rebuild = (rb),                                                  \
	.n_ops = MG_COUNT(((const unsigned[]){__VA_ARGS__})), .ops = (const unsigned[]){__VA_ARGS__}
/* clang-format on */

/* The steps of one direction on one dialect, in order. */
struct mg_plan {
	size_t n_steps;
	const struct mg_step *steps;
};

/* An mg_plan or mg_ops initializer from an array. */
/* clang-format off */
#define MG_STEPS(a) {MG_COUNT(a), (a)}
#define MG_OPS(a)   {MG_COUNT(a), (a)}
/* clang-format on */

#define MG_MIGRATION_IRREVERSIBLE 0x1u /* down cannot bring data back */
#define MG_MIGRATION_HANDWRITTEN  0x2u /* made by `modelgen new` */
/* PostgreSQL plain DDL on existing tables (modelgen diff --plain-ddl): no
 * CONCURRENTLY, NOT VALID or batches; for small tables or a maintenance
 * window. */
#define MG_MIGRATION_PLAIN_DDL 0x4u
/* Steps marked [!] (ACCESS EXCLUSIVE while scanning or rewriting an
 * existing table, no safe form) acknowledged (modelgen diff
 * --allow-blocking). */
#define MG_MIGRATION_BLOCKING_OK 0x8u

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
	/* The operations of each direction; steps refer to them by number. */
	struct mg_ops up_ops;
	struct mg_ops down_ops;
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
	/* Tables of the database the models leave alone (MG_FOREIGN_TABLE),
	 * sorted (strcmp): --verify and --baseline do not report them. */
	size_t n_foreign_tables;
	const char *const *foreign_tables;
};

#ifdef __cplusplus
}
#endif

#endif
