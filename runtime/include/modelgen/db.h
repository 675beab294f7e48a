/*
 * Database connections and the small data API that dbupdate and hand-written
 * migrations use: open by URL, run SQL with bound parameters, iterate rows,
 * transactions, and read a table's live definition. SQLite and PostgreSQL
 * behind one interface; parameters are written $1, $2, ... on both.
 */
#ifndef MODELGEN_DB_H
#define MODELGEN_DB_H

#include <stddef.h>

#include "modelgen/errors.h"
#include "modelgen/export.h"
#include "modelgen/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mg_db;
struct mg_rows;

/*
 * Opens a connection. `url` is `sqlite:PATH`, `sqlite:///ABSOLUTE/PATH`,
 * `sqlite::memory:`, `postgresql://...`, `postgres://...` or a libpq
 * `key=value` string; NULL means $DATABASE_URL, or `sqlite:app.db` when that
 * is unset. SQLite files are created when missing, foreign keys are on and
 * double-quoted string literals off; PostgreSQL notices are not printed.
 *
 * On success *out is the handle (close it with mg_db_close). On failure
 * returns MG_E_URL, MG_E_CONNECT, MG_E_UNSUPPORTED or MG_E_NOMEM and, when
 * `errbuf` is not NULL, writes a one-line message into it (at most `errlen`
 * bytes, terminated); *out is NULL.
 */
MG_EXTERN int mg_db_open(struct mg_db **out, const char *url, char *errbuf, size_t errlen);

/* Flags of mg_db_open_ext. */
#define MG_DB_OPEN_READ_ONLY 0x1u /* write nothing, create nothing */

/*
 * As mg_db_open, with `flags` (MG_DB_OPEN_*; 0 gives mg_db_open).
 *
 * MG_DB_OPEN_READ_ONLY: the connection changes nothing. A SQLite file is
 * opened read-only and never created: when it does not exist, the open
 * fails with MG_E_NOTFOUND ("SQLite database file 'PATH' does not exist").
 * A PostgreSQL session has default_transaction_read_only on. A statement
 * that writes then fails (MG_E_SQL). mg_status, mg_verify and mg_update
 * with MG_UPDATE_DRY_RUN (dbupdate --status, --verify, --sql) work on such
 * a connection; mg_verify's PostgreSQL normalisation still creates its
 * temporary tables, in a read-write transaction it rolls back.
 *
 * Returns as mg_db_open, or MG_E_NOTFOUND as above; MG_E_USAGE for an
 * unknown flag.
 */
MG_EXTERN int mg_db_open_ext(struct mg_db **out, const char *url, unsigned flags, char *errbuf,
			     size_t errlen);

/* Closes the connection and frees the handle. Accepts NULL. An open
 * transaction is rolled back. */
MG_EXTERN void mg_db_close(struct mg_db *db);

/* Returns the dialect of the connection. */
MG_EXTERN enum mg_dialect mg_db_dialect(const struct mg_db *db);

/* Returns the message of the last error on `db` ("" when none), borrowed
 * until the next call on `db`. */
MG_EXTERN const char *mg_db_errmsg(const struct mg_db *db);

/*
 * Sets the error message of `db` (printf format) and returns `code`, so a
 * hand-written step can write `return mg_db_error(db, MG_E_STEP, "...")`.
 */
MG_EXTERN int mg_db_error(struct mg_db *db, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/*
 * Runs `sql`, one or more statements without parameters. Returns 0 or
 * MG_E_SQL (message: the failing statement and the database's message,
 * with SQLSTATE on PostgreSQL).
 */
MG_EXTERN int mg_db_exec(struct mg_db *db, const char *sql);

/*
 * Runs one statement with `n_params` text parameters ($1..$n; a NULL
 * element is SQL NULL). Returns 0 or MG_E_SQL. When `changes` is not NULL
 * it receives the number of rows the statement changed.
 */
MG_EXTERN int mg_db_execp(struct mg_db *db, const char *sql, size_t n_params,
			  const char *const *params, unsigned long long *changes);

/*
 * Runs one query with text parameters as mg_db_execp and returns its rows
 * in *out (free with mg_rows_free before the next statement on `db`).
 * Returns 0 or MG_E_SQL.
 */
MG_EXTERN int mg_db_query(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_params,
			  const char *const *params);

/*
 * A parameter given with its length, for values that are not NUL-terminated
 * text: `len` bytes at `data` (data NULL: SQL NULL), bound as binary when
 * `blob` is nonzero (SQLite BLOB, PostgreSQL bytea), as text otherwise.
 */
struct mg_value {
	const void *data;
	size_t len;
	int blob;
};

/* mg_db_execp and mg_db_query with mg_value parameters. */
MG_EXTERN int mg_db_execv(struct mg_db *db, const char *sql, size_t n_values,
			  const struct mg_value *values, unsigned long long *changes);
MG_EXTERN int mg_db_queryv(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_values,
			   const struct mg_value *values);

/* Moves to the next row: returns 1 when there is one, 0 at the end, or a
 * negative MG_E_* code (message on the handle). */
MG_EXTERN int mg_rows_next(struct mg_rows *rows);

/* Number of columns of the result. */
MG_EXTERN size_t mg_rows_columns(const struct mg_rows *rows);

/* Returns column `i` of the current row as text, or NULL for SQL NULL;
 * borrowed until the next mg_rows_next. PostgreSQL booleans are "t"/"f". */
MG_EXTERN const char *mg_rows_text(const struct mg_rows *rows, size_t i);

/*
 * Returns column `i` of the current row as bytes, with their number in
 * *len, or NULL for SQL NULL (*len 0): a BLOB as stored, a PostgreSQL
 * bytea decoded, anything else as the text mg_rows_text gives. Borrowed
 * until the next mg_rows_next. When decoding a bytea runs out of memory:
 * NULL with *len SIZE_MAX, and MG_E_NOMEM's message on the handle.
 */
MG_EXTERN const void *mg_rows_blob(struct mg_rows *rows, size_t i, size_t *len);

/* Frees a result. Accepts NULL. */
MG_EXTERN void mg_rows_free(struct mg_rows *rows);

/*
 * Sets how long calls on `db` wait for a lock another connection holds, in
 * milliseconds (0 is taken as 1: do not wait): SQLite's busy timeout; on
 * PostgreSQL the session's lock_timeout, which also bounds mg_update's and
 * mg_baseline's wait for another dbupdate. A new connection waits 60000 ms;
 * mg_update sets its own (mg_update_options.lock_timeout_ms). Returns 0 or
 * MG_E_SQL.
 */
MG_EXTERN int mg_db_set_lock_timeout(struct mg_db *db, unsigned ms);

/* Transactions. mg_db_begin starts one (on SQLite BEGIN IMMEDIATE, waiting
 * for the busy timeout); commit and rollback end it. Return 0 or MG_E_SQL
 * (MG_E_LOCKED when the wait timed out). A hand-written migration step
 * already runs inside its migration's transaction and must not call them. */
MG_EXTERN int mg_db_begin(struct mg_db *db);
MG_EXTERN int mg_db_commit(struct mg_db *db);
MG_EXTERN int mg_db_rollback(struct mg_db *db);

/*
 * Reads the live definition of the tables named in `names` (n_names of
 * them; n_names 0 means every table except modelgen_* bookkeeping) into a
 * schema: columns with types mapped back to enum mg_coltype (anything else is
 * MG_COL_CUSTOM with the database's spelling), nullability, defaults as the
 * database stores them, identity, primary key, indexes (unique ones too) and
 * foreign keys with their ON DELETE action; comments on PostgreSQL (SQLite
 * has none). Tables come sorted by name; a
 * name that does not exist is left out. *out is freed with mg_schema_free.
 * Returns 0 or MG_E_SQL.
 */
MG_EXTERN int mg_db_inspect(struct mg_schema **out, struct mg_db *db, size_t n_names,
			    const char *const *names);

/*
 * As mg_db_inspect for one table; *out holds exactly that table
 * ((*out)->tables[0]). Returns 0, MG_E_NOTFOUND when there is no such table
 * (*out is NULL), or MG_E_SQL.
 */
MG_EXTERN int mg_db_inspect_table(struct mg_schema **out, struct mg_db *db, const char *name);

#ifdef __cplusplus
}
#endif

#endif
