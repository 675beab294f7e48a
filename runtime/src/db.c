/*
 * Connections: open by URL, error messages on the handle, and dispatch of the
 * data API to the SQLite or PostgreSQL driver.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "url.h"

int mg_db_open(struct mg_db **out, const char *url, char *errbuf, size_t errlen)
{
	struct mg_url u;
	int rc;

	*out = NULL;
	if (errbuf && errlen)
		errbuf[0] = 0;
	rc = mg_url_parse(&u, mg_url_resolve(url), errbuf, errlen);
	if (rc)
		return rc;
	if (u.dialect == MG_DIALECT_SQLITE) {
		rc = sqlite_open(out, u.target, errbuf, errlen);
	} else {
#ifdef MG_HAVE_POSTGRESQL
		rc = pg_open(out, u.target, errbuf, errlen);
#else
		if (errbuf && errlen)
			snprintf(errbuf, errlen,
				 "PostgreSQL support is not built in (MG_WITH_POSTGRESQL=OFF)");
		rc = MG_E_UNSUPPORTED;
#endif
	}
	mg_url_free(&u);
	return rc;
}

void mg_db_close(struct mg_db *db)
{
	if (!db)
		return;
	if (db->dialect == MG_DIALECT_SQLITE)
		sqlite_close(db);
#ifdef MG_HAVE_POSTGRESQL
	else
		pg_close(db);
#endif
	mg_strbuf_free(&db->err);
	free(db);
}

enum mg_dialect mg_db_dialect(const struct mg_db *db)
{
	return db->dialect;
}

const char *mg_db_errmsg(const struct mg_db *db)
{
	return mg_strbuf_cstr(&db->err);
}

static int verrf(struct mg_db *db, int code, const char *fmt, va_list ap)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 0)))
#endif
	;

static int verrf(struct mg_db *db, int code, const char *fmt, va_list ap)
{
	mg_strbuf_clear(&db->err);
	mg_strbuf_vprintf(&db->err, fmt, ap);
	/* One line: the database's own messages may carry newlines. */
	for (size_t i = 0; i < db->err.len; i++)
		if (db->err.ptr[i] == '\n' || db->err.ptr[i] == '\r')
			db->err.ptr[i] = ' ';
	while (db->err.len && db->err.ptr[db->err.len - 1] == ' ')
		db->err.ptr[--db->err.len] = 0;
	return code;
}

int mg_db_error(struct mg_db *db, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrf(db, code, fmt, ap);
	va_end(ap);
	return code;
}

int db_errf(struct mg_db *db, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrf(db, code, fmt, ap);
	va_end(ap);
	return code;
}

void db_prefix(struct mg_db *db, const char *fmt, ...)
{
	struct mg_strbuf b = {0};
	va_list ap;

	va_start(ap, fmt);
	mg_strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	mg_strbuf_puts(&b, ": ");
	mg_strbuf_puts(&b, mg_strbuf_cstr(&db->err));
	mg_strbuf_free(&db->err);
	db->err = b;
}

void db_put_statement(struct mg_strbuf *b, const char *sql)
{
	size_t n = 0;

	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	while (sql[n] && sql[n] != '\n' && n < 80)
		n++;
	mg_strbuf_putc(b, '\'');
	mg_strbuf_putn(b, sql, n);
	if (sql[n] && sql[n] != '\n')
		mg_strbuf_puts(b, "...");
	mg_strbuf_putc(b, '\'');
}

void db_progress(struct mg_db *db, const char *fmt, ...)
{
	struct mg_strbuf b = {0};
	va_list ap;

	if (!db->progress)
		return;
	va_start(ap, fmt);
	mg_strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	db->progress(db->progress_ctx, mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
}

int mg_db_exec(struct mg_db *db, const char *sql)
{
#ifdef MG_HAVE_POSTGRESQL
	if (db->dialect == MG_DIALECT_POSTGRESQL)
		return pg_exec(db, sql);
#endif
	return sqlite_exec(db, sql);
}

/* One statement with text `params` or mg_value `values` (the other NULL);
 * with `changes`, run to its end and the rows it changed counted. */
static int query_any(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n,
		     const char *const *params, const struct mg_value *values,
		     unsigned long long *changes)
{
#ifdef MG_HAVE_POSTGRESQL
	if (db->dialect == MG_DIALECT_POSTGRESQL)
		return pg_query(out, db, sql, n, params, values, changes);
#endif
	return sqlite_query(out, db, sql, n, params, values, changes);
}

static int exec_any(struct mg_db *db, const char *sql, size_t n, const char *const *params,
		    const struct mg_value *values, unsigned long long *changes)
{
	struct mg_rows *rows = NULL;
	unsigned long long count = 0;
	int rc;

	/* A changes counter makes the driver run the statement to its end. */
	rc = query_any(&rows, db, sql, n, params, values, changes ? changes : &count);
	mg_rows_free(rows);
	return rc;
}

int mg_db_execp(struct mg_db *db, const char *sql, size_t n_params, const char *const *params,
		unsigned long long *changes)
{
	return exec_any(db, sql, n_params, params, NULL, changes);
}

int mg_db_query(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_params,
		const char *const *params)
{
	return query_any(out, db, sql, n_params, params, NULL, NULL);
}

int mg_db_execv(struct mg_db *db, const char *sql, size_t n_values, const struct mg_value *values,
		unsigned long long *changes)
{
	return exec_any(db, sql, n_values, NULL, values, changes);
}

int mg_db_queryv(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_values,
		 const struct mg_value *values)
{
	return query_any(out, db, sql, n_values, NULL, values, NULL);
}

int mg_rows_next(struct mg_rows *rows)
{
#ifdef MG_HAVE_POSTGRESQL
	if (rows->db->dialect == MG_DIALECT_POSTGRESQL)
		return pg_rows_next(rows);
#endif
	return sqlite_rows_next(rows);
}

size_t mg_rows_columns(const struct mg_rows *rows)
{
	return rows->n_columns;
}

const char *mg_rows_text(const struct mg_rows *rows, size_t i)
{
	assert(i < rows->n_columns);
#ifdef MG_HAVE_POSTGRESQL
	if (rows->db->dialect == MG_DIALECT_POSTGRESQL)
		return pg_rows_text(rows, i);
#endif
	return sqlite_rows_text(rows, i);
}

const void *mg_rows_blob(struct mg_rows *rows, size_t i, size_t *len)
{
	assert(i < rows->n_columns);
#ifdef MG_HAVE_POSTGRESQL
	if (rows->db->dialect == MG_DIALECT_POSTGRESQL)
		return pg_rows_blob(rows, i, len);
#endif
	return sqlite_rows_blob(rows, i, len);
}

void mg_rows_free(struct mg_rows *rows)
{
	if (!rows)
		return;
#ifdef MG_HAVE_POSTGRESQL
	if (rows->db->dialect == MG_DIALECT_POSTGRESQL) {
		pg_rows_free(rows);
		return;
	}
#endif
	sqlite_rows_free(rows);
}

int mg_db_begin(struct mg_db *db)
{
	int rc;

	if (db->dialect == MG_DIALECT_SQLITE)
		rc = sqlite_begin(db);
	else
		rc = mg_db_exec(db, "BEGIN");
	if (rc == 0)
		db->in_tx = 1;
	return rc;
}

int mg_db_commit(struct mg_db *db)
{
	int rc = mg_db_exec(db, "COMMIT");

	db->in_tx = 0;
	return rc;
}

int mg_db_rollback(struct mg_db *db)
{
	struct mg_strbuf saved = db->err;
	int rc;

	/* Keep the error that made the caller roll back. */
	db->err = (struct mg_strbuf){0};
	rc = mg_db_exec(db, "ROLLBACK");
	mg_strbuf_free(&db->err);
	db->err = saved;
	db->in_tx = 0;
	return rc;
}

int db_query_value(char **out, struct mg_db *db, const char *sql, size_t n_params,
		   const char *const *params)
{
	struct mg_rows *rows = NULL;
	int rc;

	*out = NULL;
	rc = mg_db_query(&rows, db, sql, n_params, params);
	if (rc)
		goto done;
	rc = mg_rows_next(rows);
	if (rc < 0)
		goto done;
	if (rc == 1 && mg_rows_text(rows, 0)) {
		*out = strdup(mg_rows_text(rows, 0));
		if (!*out)
			abort();
	}
	rc = 0;
done:
	mg_rows_free(rows);
	return rc;
}

int mg_db_set_lock_timeout(struct mg_db *db, unsigned ms)
{
	char sql[64];

	/* PostgreSQL's lock_timeout 0 would mean waiting forever. */
	if (ms == 0)
		ms = 1;
	db->lock_timeout_ms = ms;
	if (db->dialect == MG_DIALECT_SQLITE)
		return sqlite_exec(
			db, (snprintf(sql, sizeof(sql), "PRAGMA busy_timeout = %u", ms), sql));
	snprintf(sql, sizeof(sql), "SET lock_timeout = %u", ms);
	return mg_db_exec(db, sql);
}
