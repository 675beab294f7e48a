/*
 * Inside a connection: the handle shared by the drivers (db_sqlite.c,
 * db_pg.c), dispatch (db.c), introspection, bookkeeping and apply.
 */
#ifndef MG_DB_INT_H
#define MG_DB_INT_H

#include <stddef.h>

#include "modelgen/db.h"
#include "modelgen/update.h"
#include "util/strbuf.h"

struct sqlite3;
struct sqlite3_stmt;

struct mg_db {
	enum mg_dialect dialect;
	struct mg_strbuf err;
	struct sqlite3 *sqlite;
	void *pg; /* PGconn */
	int in_tx;
	unsigned lock_timeout_ms;
	mg_progress_fn progress;
	void *progress_ctx;
};

struct mg_rows {
	struct mg_db *db;
	size_t n_columns;
	struct sqlite3_stmt *stmt; /* SQLite */
	void *res;                 /* PostgreSQL: PGresult */
	int row, n_rows;           /* PostgreSQL: current row (-1 before) */
	void **decoded;            /* PostgreSQL: per column, bytea decoded for
				    * the current row by mg_rows_blob, or NULL */
};

/* Replaces the message with `code`'s one; returns `code`. */
int db_errf(struct mg_db *db, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* Puts "PREFIX: " in front of the current message. */
void db_prefix(struct mg_db *db, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Appends the first line of the statement at `sql` (leading white space
 * skipped, at most 80 bytes, "..." when cut), quoted, for error messages. */
void db_put_statement(struct mg_strbuf *b, const char *sql);

/* Reports a progress line when a callback is set. */
void db_progress(struct mg_db *db, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Runs `sql` and returns the first column of its first row as a malloc'd
 * string in *out (NULL when no row or NULL). */
int db_query_value(char **out, struct mg_db *db, const char *sql, size_t n_params,
		   const char *const *params);

/* Drivers. */
int sqlite_open(struct mg_db **out, const char *path, char *errbuf, size_t errlen);
void sqlite_close(struct mg_db *db);
int sqlite_exec(struct mg_db *db, const char *sql);
/* Parameters come as text (`params`) or as mg_values (`values`, when not
 * NULL: then `params` is ignored). */
int sqlite_query(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_params,
		 const char *const *params, const struct mg_value *values,
		 unsigned long long *changes);
int sqlite_rows_next(struct mg_rows *rows);
const char *sqlite_rows_text(const struct mg_rows *rows, size_t i);
const void *sqlite_rows_blob(struct mg_rows *rows, size_t i, size_t *len);
void sqlite_rows_free(struct mg_rows *rows);
int sqlite_begin(struct mg_db *db);

#ifdef MG_HAVE_POSTGRESQL
int pg_open(struct mg_db **out, const char *conninfo, char *errbuf, size_t errlen);
void pg_close(struct mg_db *db);
int pg_exec(struct mg_db *db, const char *sql);
int pg_query(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_params,
	     const char *const *params, const struct mg_value *values, unsigned long long *changes);
int pg_rows_next(struct mg_rows *rows);
const char *pg_rows_text(const struct mg_rows *rows, size_t i);
const void *pg_rows_blob(struct mg_rows *rows, size_t i, size_t *len);
void pg_rows_free(struct mg_rows *rows);
/* Takes the session advisory lock of modelgen, waiting at most
 * db->lock_timeout_ms; on timeout MG_E_LOCKED naming the holder's pid. */
int pg_lock(struct mg_db *db);
int pg_unlock(struct mg_db *db);
#endif

/* Introspection per dialect (inspect.c, inspect_pg.c). `schema_name` NULL:
 * the connection's current schema (PostgreSQL). */
int inspect_sqlite(struct mg_schema **out, struct mg_db *db, size_t n_names,
		   const char *const *names);
int inspect_pg(struct mg_schema **out, struct mg_db *db, const char *schema_name, size_t n_names,
	       const char *const *names);

/* The names of every user table (not modelgen_*, not sqlite_*), sorted; and
 * whether the database holds any other user object (views, ...). */
int inspect_table_names(char ***out, size_t *n_out, struct mg_db *db);
void inspect_names_free(char **names, size_t n);

/*
 * The expected schema as this database would store it: types and defaults
 * normalised the way introspection reads them back (on PostgreSQL by
 * creating the columns in a scratch schema that is rolled back). *out is
 * freed with mg_schema_free.
 */
int inspect_normalize(struct mg_schema **out, struct mg_db *db, const struct mg_schema *expected);
#ifdef MG_HAVE_POSTGRESQL
int inspect_normalize_pg(struct mg_schema **out, struct mg_db *db,
			 const struct mg_schema *expected);
#endif

/*
 * Compares `expected` (normalised) with `live`, restricted to the tables of
 * `expected` when `only_expected`, else also reporting live tables that are
 * not expected. Appends one line per difference to `report`; returns the
 * number of differences.
 */
size_t inspect_compare(struct mg_strbuf *report, enum mg_dialect dialect,
		       const struct mg_schema *expected, const struct mg_schema *live,
		       int only_expected);

#endif
