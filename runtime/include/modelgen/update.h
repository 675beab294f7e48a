/*
 * Bringing a database to a migration: what dbupdate does, callable from an
 * application at start-up. An empty database is created at the registry's
 * schema and stamped; an existing one gets each pending migration in its own
 * transaction with its bookkeeping row (table modelgen_migrations), after
 * checking the live tables against the migration's frozen definitions.
 *
 * The library prints nothing and never ends the program: every failure,
 * running out of memory included (MG_E_NOMEM), is a return code with a
 * one-line message on the handle, and progress lines go to the callback in
 * mg_update_options, if any.
 *
 * From an application, with the migrations linked in
 * (modelgen_add_migrations):
 *
 *     extern const struct mg_registry modelgen_registry;
 *     struct mg_update_result did;
 *     struct mg_db *db;
 *     char err[256];
 *     if (mg_db_open(&db, NULL, err, sizeof(err)) != 0)        // $DATABASE_URL
 *             die(err);
 *     if (mg_update(&did, db, &modelgen_registry, NULL) != 0)  // or NULL for &did
 *             die(mg_db_errmsg(db));
 *     if (did.actions)
 *             log("migrated from %u to %u", did.from, did.to);
 *     ... use db or open another connection ...
 *     mg_db_close(db);
 */
#ifndef MODELGEN_UPDATE_H
#define MODELGEN_UPDATE_H

#include <stdio.h>

#include "modelgen/db.h"
#include "modelgen/export.h"
#include "modelgen/migration.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A line of progress ("applying 0003_add_x", "rebuild users: 200000 of
 * 1000000 rows copied"), without newline. */
typedef void (*mg_progress_fn)(void *ctx, const char *line);

#define MG_UPDATE_TO      0x1u /* go to `to`, up or down, not the latest */
#define MG_UPDATE_DRY_RUN 0x2u /* print the SQL to `sql_out`, change nothing */
#define MG_UPDATE_FORCE   0x4u /* allow crossing irreversible migrations down */

struct mg_update_options {
	unsigned flags; /* MG_UPDATE_* */
	unsigned to;    /* with MG_UPDATE_TO: the migration number (0: none) */
	/* Longest wait for another process's lock (dbupdate's own lock, and
	 * SQLite's write lock), in milliseconds; 0: 60000. */
	unsigned lock_timeout_ms;
	FILE *sql_out;           /* MG_UPDATE_DRY_RUN: where the SQL goes (required) */
	mg_progress_fn progress; /* or NULL */
	void *progress_ctx;
	/*
	 * PostgreSQL. Every statement of a migration runs under this
	 * lock_timeout (ms; 0: 1000): a step whose lock is not granted in time
	 * is rolled back, the sessions that block it are named in a progress
	 * line, and it is tried again after a growing, jittered pause, until
	 * the run has spent max_lock_wait_ms (0: 300000) waiting; then
	 * mg_update returns MG_E_LOCKED with the database at a step boundary.
	 * batch_size: the rows of one batch of a NULL fill (0: 1000).
	 */
	unsigned ddl_lock_timeout_ms;
	unsigned max_lock_wait_ms;
	unsigned batch_size;
};

/* What mg_update did. */
struct mg_update_result {
	unsigned from;    /* the database's migration before the first change
			   * (0: none applied, or an empty database) */
	unsigned to;      /* its migration when mg_update returned */
	unsigned actions; /* migrations applied or reverted; creating an empty
			   * database at the latest schema counts as one */
};

/*
 * Brings `db` to the latest migration of `reg` (or to opts->to). `opts` may
 * be NULL. When `out` is not NULL it receives what was done, also on
 * failure (the migrations applied before the failing one stay applied).
 * With MG_UPDATE_DRY_RUN nothing is done: from and to are the database's
 * migration, actions 0. Returns 0 (also when there was nothing to do) or a
 * negative MG_E_* code with a one-line message on `db` naming the migration
 * and step: MG_E_AHEAD, MG_E_CHECKSUM, MG_E_OTHER_BRANCH, MG_E_UNMANAGED,
 * MG_E_DRIFT, MG_E_IRREVERSIBLE, MG_E_LOCKED, MG_E_RANGE, MG_E_SQL,
 * MG_E_FOREIGN_KEY, MG_E_NOMEM or a hand-written step's code. Nothing is
 * changed by a refused or failed migration; migrations applied before it
 * stay applied.
 */
MG_EXTERN int mg_update(struct mg_update_result *out, struct mg_db *db,
			const struct mg_registry *reg, const struct mg_update_options *opts);

/* What mg_status reports. */
struct mg_status {
	int managed;      /* the database has modelgen bookkeeping */
	int empty;        /* no tables at all (the create path would run) */
	unsigned current; /* highest applied migration number; 0 for none */
	unsigned latest;  /* reg->n_migrations */
	/* PostgreSQL: a migration left half-done (interrupted while it ran
	 * as a recorded sequence of steps), which mg_update finishes first;
	 * 0 when none. */
	unsigned partial;
	int partial_down;       /* it was going down */
	unsigned partial_done;  /* its steps done */
	unsigned partial_steps; /* its steps in all */
};

/*
 * Reads the bookkeeping of `db` into *out and checks it against `reg`
 * (same refusals as mg_update: ahead, edited, other branch). Changes
 * nothing. Returns 0 or a negative MG_E_* code.
 */
MG_EXTERN int mg_status(struct mg_status *out, struct mg_db *db, const struct mg_registry *reg);

/*
 * Compares the live schema of `db` with the schema after its current
 * migration (or after `number` when `use_number`). Without `use_number`, a
 * database without bookkeeping has no current migration: MG_E_UNMANAGED,
 * for an empty database as for one with tables.
 *
 * The expected schema after migration N is computed from the registry alone:
 * starting at reg->schema, every later migration is undone on the
 * description by swapping the tables of its `after` for those of its
 * `before`. Both sides are then read the same way: the live tables by
 * introspection, the expected ones normalised as the database stores them
 * (SQLite: declared type text and default text; PostgreSQL: the expected
 * columns are created as temporary tables inside a transaction or savepoint
 * that is rolled back, and read back with format_type and pg_get_expr, so
 * 'x' compares as 'x'::character varying and timestamptz as timestamp with
 * time zone). Compared: columns by name (type, length, nullability,
 * identity, default), primary key, indexes and foreign keys by name. Not
 * compared: column order, comments, constraint names of primary keys,
 * objects other than tables (views, triggers), and the tables the registry
 * lists as foreign (MG_FOREIGN_TABLE). Returns 0 when equal,
 * MG_E_DRIFT when not (then *report, when not NULL, receives a malloc'd
 * text of one line per difference that the caller frees), MG_E_UNMANAGED,
 * or another code. Changes nothing; works on a read-only connection. A
 * match can come with notes, lines "note: ..." in *report (malloc'd too):
 * SQLite varchar(N) columns of a table made before modelgen wrote their
 * length check, which take longer values. The caller frees *report
 * whenever it is not NULL.
 */
MG_EXTERN int mg_verify(char **report, struct mg_db *db, const struct mg_registry *reg,
			int use_number, unsigned number);

/*
 * Adopts a database without bookkeeping: checks that its live schema equals
 * the schema after migration `number` and stamps migrations 1..number as
 * applied. `number` 0 adopts a database that has only tables the registry
 * lists as foreign (MG_FOREIGN_TABLE): mg_update then applies every
 * migration. Returns 0 (*report: NULL or notes, as for mg_verify),
 * MG_E_DRIFT (*report as for mg_verify), MG_E_RANGE,
 * MG_E_INCONSISTENT (it already has bookkeeping) or another code.
 */
MG_EXTERN int mg_baseline(char **report, struct mg_db *db, const struct mg_registry *reg,
			  unsigned number);

/* Returns the checksum of a migration as stored in the bookkeeping
 * ("sha256:" and 64 hex digits) in out: SHA-256 over its number, name,
 * hashes, flags, frozen tables and every step on both dialects. */
MG_EXTERN void mg_migration_checksum(char out[72], const struct mg_migration *m);

#ifdef __cplusplus
}
#endif

#endif
