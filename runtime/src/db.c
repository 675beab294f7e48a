/*
 * The data API (statements, rows, transactions, the lock wait), passed on
 * to the handle's driver.
 */
#include <assert.h>
#include <stdlib.h>

#include "db_int.h"
#include "url.h"
#include "util/alloc.h"

enum mg_dialect mg_db_dialect(const struct mg_db *db)
{
	return db->dialect;
}

int mg_db_exec(struct mg_db *db, const char *sql)
{
	return db->driver->exec(db, sql);
}

/* One statement with text `params` or mg_value `values` (the other NULL),
 * run to its end; the rows it changed in *changes when not NULL. */
static int exec_any(struct mg_db *db, const char *sql, size_t n, const char *const *params,
		    const struct mg_value *values, unsigned long long *changes)
{
	struct mg_rows *rows = NULL;
	unsigned long long count = 0;
	int rc;

	/* A changes counter makes the driver run the statement to its end. */
	rc = db->driver->query(&rows, db, sql, n, params, values, changes ? changes : &count);
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
	return db->driver->query(out, db, sql, n_params, params, NULL, NULL);
}

int mg_db_execv(struct mg_db *db, const char *sql, size_t n_values, const struct mg_value *values,
		unsigned long long *changes)
{
	return exec_any(db, sql, n_values, NULL, values, changes);
}

int mg_db_queryv(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_values,
		 const struct mg_value *values)
{
	return db->driver->query(out, db, sql, n_values, NULL, values, NULL);
}

int mg_rows_next(struct mg_rows *rows)
{
	return rows->db->driver->rows_next(rows);
}

size_t mg_rows_columns(const struct mg_rows *rows)
{
	return rows->n_columns;
}

const char *mg_rows_text(const struct mg_rows *rows, size_t i)
{
	assert(i < rows->n_columns);
	return rows->db->driver->rows_text(rows, i);
}

const void *mg_rows_blob(struct mg_rows *rows, size_t i, size_t *len)
{
	assert(i < rows->n_columns);
	return rows->db->driver->rows_blob(rows, i, len);
}

void mg_rows_free(struct mg_rows *rows)
{
	if (rows)
		rows->db->driver->rows_free(rows);
}

int mg_db_begin(struct mg_db *db)
{
	int rc = db->driver->begin(db);

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
	struct mg_strbuf saved;
	int rc;

	/* Keep the error that made the caller roll back. */
	db_save_error(db, &saved);
	rc = mg_db_exec(db, "ROLLBACK");
	db_restore_error(db, &saved);
	db->in_tx = 0;
	return rc;
}

int mg_db_set_lock_timeout(struct mg_db *db, unsigned ms)
{
	/* PostgreSQL's lock_timeout 0 would mean waiting forever. */
	db->lock_timeout_ms = ms ? ms : 1;
	return db->driver->apply_lock_timeout(db);
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
	if (rc <= 0)
		goto done;
	rc = 0;
	if (mg_rows_text(rows, 0) && !(*out = mg_strdup(mg_rows_text(rows, 0))))
		rc = db_nomem(db);
done:
	mg_rows_free(rows);
	return rc;
}

int db_exec_buf(struct mg_db *db, const struct mg_strbuf *sql)
{
	if (mg_strbuf_failed(sql))
		return db_nomem(db);
	return mg_db_exec(db, mg_strbuf_cstr(sql));
}
