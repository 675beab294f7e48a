/*
 * SQLite table rebuilds, as the SQLite driver runs them (mg_driver.rebuild):
 * SQLite's documented procedure (new table, copy, drop, rename, indexes)
 * inside the migration's transaction, with views and triggers saved and
 * recreated around it and progress reported while a big table is copied.
 */
#include "rebuild_sqlite.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sql.h"
#include "util/alloc.h"

#define PROGRESS_MIN_ROWS 100000LL /* a rebuild reports progress from here */
/* VM instructions between two looks at a big copy's progress: a few
 * hundred rows, so the look costs nothing next to the copy. */
#define PROGRESS_INTERVAL 10000

static sqlite3 *conn(struct mg_db *db)
{
	return db->conn;
}

struct copy_progress {
	struct mg_db *db;
	sqlite3_stmt *stmt;
	const char *table;
	long long total, next_report;
};

/* sqlite3_progress_handler callback during a big copy: the rows read so
 * far are the steps of the copy's one full scan of the old table. */
static int copy_progress_cb(void *arg)
{
	struct copy_progress *p = arg;
	long long done = sqlite3_stmt_status(p->stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);

	if (done >= p->next_report && done < p->total) {
		db_progress(p->db, "rebuild %s: %lld of %lld rows copied", p->table, done,
			    p->total);
		p->next_report = done + p->total / 10;
	}
	return 0;
}

/* The error of the copy statement, worded as the driver words them. */
static int copy_error(struct mg_db *db, const char *sql)
{
	return db_statement_error(db, MG_E_SQL, sql, sqlite3_errmsg(conn(db)));
}

/*
 * Runs the copy `sql` of a rebuild as one INSERT ... SELECT, which streams:
 * memory does not grow with the rows. With a progress callback and at least
 * PROGRESS_MIN_ROWS rows in the old table, reports about every tenth of
 * them from a progress handler, then the total.
 */
static int copy_rows(struct mg_db *db, const char *sql, const struct mg_rebuild *rb)
{
	struct copy_progress p = {db, NULL, rb->table->name, 0, 0};
	struct mg_strbuf count = {0};
	char *v = NULL;
	int rc = 0, s;

	if (db->progress) {
		/* count(*) alone walks the smallest index; the copy reads the
		 * table itself. */
		mg_strbuf_puts(&count, "SELECT count(*) FROM ");
		mg_sql_ident(&count, rb->old_name);
		rc = mg_strbuf_failed(&count)
			     ? db_nomem(db)
			     : db_query_value(&v, db, mg_strbuf_cstr(&count), 0, NULL);
		if (rc)
			goto done;
		p.total = v ? atoll(v) : 0;
	}
	if (sqlite3_prepare_v2(conn(db), sql, -1, &p.stmt, NULL) != SQLITE_OK) {
		rc = copy_error(db, sql);
		goto done;
	}
	p.next_report = p.total / 10;
	if (p.total >= PROGRESS_MIN_ROWS)
		sqlite3_progress_handler(conn(db), PROGRESS_INTERVAL, copy_progress_cb, &p);
	while ((s = sqlite3_step(p.stmt)) == SQLITE_ROW)
		;
	sqlite3_progress_handler(conn(db), 0, NULL, NULL);
	if (s != SQLITE_DONE) {
		rc = copy_error(db, sql);
		goto done;
	}
	if (p.total >= PROGRESS_MIN_ROWS)
		db_progress(db, "rebuild %s: %lld of %lld rows copied", p.table,
			    (long long)sqlite3_changes64(conn(db)), p.total);
done:
	sqlite3_finalize(p.stmt);
	mg_strbuf_free(&count);
	free(v);
	return rc;
}

struct saved_object {
	char *type, *name, *sql;
};

int rebuild_sqlite(struct mg_db *db, const struct mg_rebuild *rb)
{
	struct mg_strbuf sql = {0};
	struct mg_rows *rows = NULL;
	struct saved_object *saved = NULL;
	size_t n_saved = 0, cap = 0, i;
	int rc;

	rc = mg_db_query(
		&rows, db,
		"SELECT type, name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger')"
		" AND sql IS NOT NULL ORDER BY rowid",
		0, NULL);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		struct saved_object *o;

		if (n_saved == cap) {
			struct saved_object *more =
				mg_realloc(saved, (cap ? cap * 2 : 8) * sizeof(*saved));

			if (!more) {
				rc = db_nomem(db);
				break;
			}
			saved = more;
			cap = cap ? cap * 2 : 8;
		}
		o = &saved[n_saved++];
		o->type = mg_strdup(mg_rows_text(rows, 0));
		o->name = mg_strdup(mg_rows_text(rows, 1));
		o->sql = mg_strdup(mg_rows_text(rows, 2));
		if (!o->type || !o->name || !o->sql) {
			rc = db_nomem(db);
			break;
		}
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rc < 0)
		goto done;
	for (i = 0; i < n_saved; i++) {
		mg_strbuf_printf(&sql, "DROP %s ",
				 strcmp(saved[i].type, "view") == 0 ? "VIEW" : "TRIGGER");
		mg_sql_ident(&sql, saved[i].name);
		mg_strbuf_puts(&sql, ";\n");
	}
	mg_sql_rebuild(&sql, rb, MG_REBUILD_CREATE);
	rc = db_exec_buf(db, &sql);
	if (rc)
		goto done;

	mg_strbuf_clear(&sql);
	mg_sql_rebuild(&sql, rb, MG_REBUILD_COPY);
	if (mg_strbuf_failed(&sql))
		rc = db_nomem(db);
	else if (sql.len)
		rc = copy_rows(db, mg_strbuf_cstr(&sql), rb);
	if (rc)
		goto done;

	mg_strbuf_clear(&sql);
	mg_sql_rebuild(&sql, rb, MG_REBUILD_FINISH);
	rc = db_exec_buf(db, &sql);
	for (i = 0; rc == 0 && i < n_saved; i++) {
		rc = mg_db_exec(db, saved[i].sql);
		if (rc)
			db_prefix(db, "recreating %s %s after the rebuild of %s", saved[i].type,
				  saved[i].name, rb->table->name);
	}
done:
	for (i = 0; i < n_saved; i++) {
		free(saved[i].type);
		free(saved[i].name);
		free(saved[i].sql);
	}
	free(saved);
	mg_rows_free(rows);
	mg_strbuf_free(&sql);
	return rc;
}

/*
 * Runs an in-place change of table rb->table's definition (a rebuild step
 * with MG_STEP_IN_PLACE): rewrites its CREATE TABLE text in sqlite_schema,
 * the columns in the order the table stores them (ADD COLUMN appends, so it
 * may differ from the model's; the text in any other order would misread
 * every row), then checks the table. The live columns must be the table's:
 * MG_E_DRIFT otherwise, nothing written.
 */
int edit_sqlite(struct mg_db *db, const struct mg_rebuild *rb)
{
	const char *p[1] = {rb->table->name};
	struct mg_rows *rows = NULL;
	struct mg_strbuf sql = {0};
	char **names = NULL, *version = NULL;
	size_t n = 0, i;
	int rc;

	names = mg_calloc(rb->table->n_columns + 1, sizeof(*names));
	if (!names)
		return db_nomem(db);
	rc = mg_db_query(&rows, db, "SELECT name FROM pragma_table_info($1) ORDER BY cid", 1, p);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		const char *name = mg_rows_text(rows, 0);

		if (n == rb->table->n_columns || !mg_table_find_column(rb->table, name)) {
			rc = mg_db_error(db, MG_E_DRIFT,
					 "table %s: column %s is not one the migration expects",
					 p[0], name);
			break;
		}
		if (!(names[n++] = mg_strdup(name)))
			rc = db_nomem(db);
	}
	if (rc < 0)
		goto done;
	if (n != rb->table->n_columns) {
		rc = mg_db_error(db, MG_E_DRIFT,
				 "table %s has %zu columns, the migration expects %zu", p[0], n,
				 rb->table->n_columns);
		goto done;
	}
	rc = db_query_value(&version, db, "PRAGMA schema_version", 0, NULL);
	if (rc)
		goto done;
	mg_sql_edit(&sql, rb, (const char *const *)names, n, version ? atoll(version) : 0);
	rc = db_exec_buf(db, &sql);
	if (rc)
		goto done;
	free(version);
	version = NULL;
	rc = db_query_value(&version, db,
			    "SELECT group_concat(quick_check, '; ') FROM "
			    "pragma_quick_check($1)",
			    1, p);
	if (rc == 0 && (!version || strcmp(version, "ok") != 0))
		rc = mg_db_error(db, MG_E_SQL, "table %s after its in-place change: %s", p[0],
				 version ? version : "no answer from quick_check");
done:
	mg_rows_free(rows);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(version);
	mg_strbuf_free(&sql);
	return rc;
}
