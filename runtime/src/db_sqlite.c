/*
 * The SQLite driver: open with foreign keys on and double-quoted string
 * literals off, run statements with $N parameters, step rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db_int.h"

#define DEFAULT_LOCK_TIMEOUT_MS 60000u

/* Appends the first line of `sql` (at most 80 bytes) for error messages. */
static void put_statement(struct mg_strbuf *b, const char *sql)
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

static int stmt_error(struct mg_db *db, const char *sql)
{
	struct mg_strbuf b = {0};
	int code = sqlite3_errcode(db->sqlite);
	int rc = (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? MG_E_LOCKED : MG_E_SQL;

	mg_strbuf_puts(&b, "statement ");
	put_statement(&b, sql);
	db_errf(db, rc, "%s: %s", mg_strbuf_cstr(&b), sqlite3_errmsg(db->sqlite));
	mg_strbuf_free(&b);
	return rc;
}

int sqlite_open(struct mg_db **out, const char *path, char *errbuf, size_t errlen)
{
	struct mg_db *db = calloc(1, sizeof(*db));
	int rc = 0;

	*out = NULL;
	if (!db)
		return MG_E_NOMEM;
	db->dialect = MG_DIALECT_SQLITE;
	if (sqlite3_open_v2(path, &db->sqlite, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot open SQLite database '%s': %s", path,
				 db->sqlite ? sqlite3_errmsg(db->sqlite) : "out of memory");
		rc = MG_E_CONNECT;
		goto done;
	}
	sqlite3_extended_result_codes(db->sqlite, 0);
	/* "x" must name a column, never silently become a string. */
	sqlite3_db_config(db->sqlite, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
	sqlite3_db_config(db->sqlite, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
	rc = db_set_lock_timeout(db, DEFAULT_LOCK_TIMEOUT_MS);
	if (rc == 0)
		rc = sqlite_exec(db, "PRAGMA foreign_keys = ON");
	if (rc) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot open SQLite database '%s': %s", path,
				 mg_db_errmsg(db));
		rc = MG_E_CONNECT;
	}
done:
	if (rc) {
		sqlite_close(db);
		mg_strbuf_free(&db->err);
		free(db);
		return rc;
	}
	*out = db;
	return 0;
}

void sqlite_close(struct mg_db *db)
{
	sqlite3_close_v2(db->sqlite);
	db->sqlite = NULL;
}

int sqlite_exec(struct mg_db *db, const char *sql)
{
	const char *tail = sql;
	int rc = 0;

	while (*tail) {
		sqlite3_stmt *stmt = NULL;
		const char *start = tail;
		int s;

		if (sqlite3_prepare_v2(db->sqlite, start, -1, &stmt, &tail) != SQLITE_OK)
			return stmt_error(db, start);
		if (!stmt) /* whitespace or a comment */
			continue;
		while ((s = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		if (s != SQLITE_DONE) {
			rc = stmt_error(db, start);
			sqlite3_finalize(stmt);
			return rc;
		}
		sqlite3_finalize(stmt);
	}
	return rc;
}

int sqlite_query(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_params,
		 const char *const *params, unsigned long long *changes)
{
	struct mg_rows *rows = NULL;
	sqlite3_stmt *stmt = NULL;
	const char *tail = NULL;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (sqlite3_prepare_v2(db->sqlite, sql, -1, &stmt, &tail) != SQLITE_OK) {
		rc = stmt_error(db, sql);
		goto done;
	}
	if (!stmt) {
		rc = db_errf(db, MG_E_USAGE, "no statement in '%s'", sql);
		goto done;
	}
	for (; *tail; tail++)
		if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != ';') {
			rc = db_errf(db, MG_E_USAGE,
				     "one statement expected with parameters, got more: '%s'", sql);
			goto done;
		}
	for (i = 0; i < n_params; i++) {
		char name[24];
		int idx;

		snprintf(name, sizeof(name), "$%zu", i + 1);
		idx = sqlite3_bind_parameter_index(stmt, name);
		if (!idx)
			continue;
		if (sqlite3_bind_text(stmt, idx, params[i], -1, SQLITE_TRANSIENT) != SQLITE_OK) {
			rc = stmt_error(db, sql);
			goto done;
		}
	}
	if (changes) {
		int s;

		while ((s = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		if (s != SQLITE_DONE) {
			rc = stmt_error(db, sql);
			goto done;
		}
		*changes = (unsigned long long)sqlite3_changes64(db->sqlite);
	}
	rows = calloc(1, sizeof(*rows));
	if (!rows)
		abort();
	rows->db = db;
	rows->stmt = stmt;
	rows->n_columns = (size_t)sqlite3_column_count(stmt);
	stmt = NULL;
	*out = rows;
done:
	sqlite3_finalize(stmt);
	return rc;
}

int sqlite_rows_next(struct mg_rows *rows)
{
	int s = sqlite3_step(rows->stmt);

	if (s == SQLITE_ROW)
		return 1;
	if (s == SQLITE_DONE)
		return 0;
	return stmt_error(rows->db, sqlite3_sql(rows->stmt));
}

const char *sqlite_rows_text(const struct mg_rows *rows, size_t i)
{
	return (const char *)sqlite3_column_text(rows->stmt, (int)i);
}

void sqlite_rows_free(struct mg_rows *rows)
{
	sqlite3_finalize(rows->stmt);
	free(rows);
}

int sqlite_begin(struct mg_db *db)
{
	int rc = sqlite_exec(db, "BEGIN IMMEDIATE");

	if (rc == MG_E_LOCKED)
		db_errf(db, rc,
			"the database is locked by another process (waited %u ms; "
			"raise --lock-timeout)",
			db->lock_timeout_ms);
	return rc;
}
