/*
 * Inside a connection: the handle, a result's common part, and the driver
 * table through which db.c, bookkeeping.c, inspect.c and apply.c reach a
 * dialect. Each dialect fills one table in its own files (SQLite:
 * db_sqlite.c with inspect_sqlite.c; PostgreSQL: db_pg.c with inspect_pg.c)
 * and db.c lists the tables; nothing else names a dialect's functions.
 */
#ifndef MG_DB_INT_H
#define MG_DB_INT_H

#include <stddef.h>

#include "modelgen/db.h"
#include "modelgen/migration.h"
#include "modelgen/update.h"
#include "util/strbuf.h"

/* How long a new connection, and mg_update without a setting, waits for a
 * lock another connection holds. */
#define MG_DEFAULT_LOCK_TIMEOUT_MS 60000u

struct mg_driver;
struct schema_builder;

struct mg_db {
	const struct mg_driver *driver;
	enum mg_dialect dialect; /* driver->dialect, kept for the data API */
	struct mg_strbuf err;    /* the one-line message (errors.c) */
	void *conn;              /* the driver's connection (sqlite3 *, PGconn *) */
	int in_tx;               /* inside mg_db_begin's transaction */
	unsigned open_flags;     /* MG_DB_OPEN_* */
	unsigned lock_timeout_ms;
	mg_progress_fn progress; /* set by mg_update for its duration */
	void *progress_ctx;
	unsigned long round_trips; /* requests sent to a server (tests count them) */
	/* PostgreSQL: while a statement waits for a lock, look from a second
	 * connection who blocks it, into `blockers` (online.c sets it for
	 * migration steps). */
	int watch_locks;
	struct mg_strbuf blockers;
};

/* The part of a result every driver's rows begin with. */
struct mg_rows {
	struct mg_db *db;
	size_t n_columns;
};

/*
 * A dialect. Every function reports failure as the public API does: a
 * negative MG_E_* code with the message on the handle (open: in errbuf).
 * The query strings are run through `query` without parameters unless
 * said otherwise.
 */
struct mg_driver {
	enum mg_dialect dialect;

	/* Connects the new handle `db` (db->conn NULL, db->lock_timeout_ms
	 * and db->open_flags set) to `target` (the URL's path, or the libpq
	 * string) with the driver's session settings. Returns as
	 * mg_db_open_ext, the message in errbuf; on failure db->conn is
	 * NULL. */
	int (*open)(struct mg_db *db, const char *target, char *errbuf, size_t errlen);
	/* Closes db->conn when not NULL (an open transaction is rolled back)
	 * and sets it to NULL. */
	void (*close)(struct mg_db *db);
	/* mg_db_exec: one or more statements without parameters. */
	int (*exec)(struct mg_db *db, const char *sql);
	/* One statement with `n_params` text parameters (`params`) or
	 * mg_values (`values` not NULL; `params` then ignored). With
	 * `changes`, it runs to its end and *changes is the number of rows it
	 * changed. *out: the rows, positioned before the first. */
	int (*query)(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_params,
		     const char *const *params, const struct mg_value *values,
		     unsigned long long *changes);
	/* mg_rows_next, mg_rows_text, mg_rows_blob, mg_rows_free. */
	int (*rows_next)(struct mg_rows *rows);
	const char *(*rows_text)(const struct mg_rows *rows, size_t i);
	const void *(*rows_blob)(struct mg_rows *rows, size_t i, size_t *len);
	void (*rows_free)(struct mg_rows *rows);
	/* Starts a transaction that holds the write lock from its start
	 * (waiting at most db->lock_timeout_ms: MG_E_LOCKED naming the
	 * holder). */
	int (*begin)(struct mg_db *db);
	/* Applies db->lock_timeout_ms to the session. */
	int (*apply_lock_timeout)(struct mg_db *db);
	/* dbupdate's lock across transactions (MG_E_LOCKED naming the holder
	 * after db->lock_timeout_ms), and its release, which keeps the
	 * handle's message; NULL when `begin` already serialises updates. */
	int (*lock)(struct mg_db *db);
	void (*unlock)(struct mg_db *db);

	/* Introspection (mg_db_inspect): adds the tables named in `names`
	 * that exist to `out`. */
	int (*inspect)(struct schema_builder *out, struct mg_db *db, size_t n_names,
		       const char *const *names);
	/* The expected schema as the database would store it (see
	 * inspect_normalize). */
	int (*normalize)(struct mg_schema **out, struct mg_db *db,
			 const struct mg_schema *expected);
	/* 1 when custom type names compare ignoring case and blank runs (the
	 * database keeps the declared text as written). */
	int loose_custom_types;

	/* Catalog queries: one row, one column, "0" for no. Whether the
	 * bookkeeping table exists; whether any object other than modelgen's
	 * exists. */
	const char *sql_managed;
	const char *sql_user_objects;
	/* Every user table's name (not modelgen_*), one a row, sorted. */
	const char *sql_table_names;
	/* The bookkeeping row of a migration: INSERT with $1..$8 = number,
	 * name, parent and result hash, checksum, tool version, how, when;
	 * DELETE with $1 = number. */
	const char *sql_stamp;
	const char *sql_unstamp;
	/* PostgreSQL only (NULL elsewhere: migrations run in one
	 * transaction): "0" or not, whether modelgen_progress exists; the
	 * state of the indexes named in $1 (text[]): rows (name, valid as
	 * t/f). */
	const char *sql_has_progress;
	const char *sql_index_states;

	/* Switches foreign key enforcement, outside a transaction only; NULL
	 * when table rebuilds and drops run with keys on. */
	int (*set_foreign_keys)(struct mg_db *db, int on);
	/* After a plan run with keys off: MG_E_FOREIGN_KEY naming the key
	 * (table, column, parent), how many rows break it and one of them;
	 * the child and parent table's names are appended to `table` and
	 * `parent`. */
	int (*foreign_key_check)(struct mg_db *db, struct mg_strbuf *table,
				 struct mg_strbuf *parent);
	/* Runs a table rebuild step (MG_STEP_REBUILD) inside the migration's
	 * transaction, keys off; NULL when the dialect has no such steps. */
	int (*rebuild)(struct mg_db *db, const struct mg_rebuild *rb);
	/* Runs the in-place definition changes of consecutive steps
	 * (MG_STEP_REBUILD with MG_STEP_IN_PLACE), rbs[0..n), inside the
	 * migration's transaction; *failed: which one an error is about. NULL
	 * when the dialect has no such steps. */
	int (*edit)(struct mg_db *db, const struct mg_rebuild *const *rbs, size_t n,
		    size_t *failed);
};

/* The drivers (connect.c lists the ones built in). */
extern const struct mg_driver mg_sqlite_driver;
extern const struct mg_driver mg_pg_driver;

/* ---- The handle's message (errors.c) ------------------------------------ */

/* Puts "PREFIX: " in front of the current message. */
void db_prefix(struct mg_db *db, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Appends the first line of the statement at `sql` (leading white space
 * skipped, at most 80 bytes, "..." when cut), quoted, for error messages. */
void db_put_statement(struct mg_strbuf *b, const char *sql);

/* Sets the message to "out of memory" and returns MG_E_NOMEM. */
int db_nomem(struct mg_db *db);

/* Sets the message to "statement '<first line of sql>': <why>" and
 * returns `code`. */
int db_statement_error(struct mg_db *db, int code, const char *sql, const char *why);

/* Appends to the current message (out of memory: leaves it as it is). */
void db_suffix(struct mg_db *db, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Takes the handle's message out (*saved) so that a clean-up call cannot
 * replace it, and puts it back. */
void db_save_error(struct mg_db *db, struct mg_strbuf *saved);
void db_restore_error(struct mg_db *db, struct mg_strbuf *saved);

/* Reports a progress line when a callback is set. */
void db_progress(struct mg_db *db, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* ---- Shared helpers (db.c) ---------------------------------------------- */

/* Runs `sql` and returns the first column of its first row as a malloc'd
 * string in *out (NULL when no row or NULL). MG_E_NOMEM when the copy
 * cannot be made. */
int db_query_value(char **out, struct mg_db *db, const char *sql, size_t n_params,
		   const char *const *params);

/* Runs the statements built in `sql`: MG_E_NOMEM when building them ran
 * out of memory, else as mg_db_exec. */
int db_exec_buf(struct mg_db *db, const struct mg_strbuf *sql);

#endif
