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

/* The expression over the old table that fills column `name` of rb->table
 * (with `copy`: the rebuild's copy list, NULL when none; else the column
 * itself, quoted in `tmp`). */
static const char *source_of(struct mg_strbuf *tmp, const struct mg_rebuild *rb, int copy,
			     const char *name)
{
	size_t k;

	if (!copy) {
		mg_strbuf_clear(tmp);
		mg_sql_ident(tmp, name);
		return mg_strbuf_cstr(tmp);
	}
	for (k = 0; k < rb->n_copy; k++)
		if (strcmp(rb->copy_columns[k], name) == 0)
			return rb->copy_exprs[k];
	return NULL;
}

/*
 * After the copy of a rebuild (`copy`) or an in-place change failed on a
 * CHECK: a table made before modelgen wrote SQLite's length checks
 * (mg_sql_length_check) may hold values longer than a varchar(N) takes,
 * and the new definition has the check. Finds the first varchar column of
 * rb->table with such values in the old table and refuses as a step's
 * guard does (MG_E_GUARD: column, count, example key), or returns 0 when
 * none has any (the failure is another's: the caller keeps its error).
 */
static int length_refusal(struct mg_db *db, const struct mg_rebuild *rb, int copy)
{
	const struct mg_table *t = rb->table;
	struct mg_strbuf sql = {0}, key = {0}, tmp = {0};
	struct mg_rows *rows = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < t->n_primary_key; i++) {
		const char *e = source_of(&tmp, rb, copy, t->primary_key[i]);

		if (!e) {
			mg_strbuf_clear(&key);
			break;
		}
		mg_strbuf_printf(&key, "%sCAST(%s AS TEXT)", i ? " || ', ' || " : "", e);
	}
	if (!key.len)
		mg_strbuf_puts(&key, "rowid");
	for (i = 0; rc == 0 && i < t->n_columns; i++) {
		const struct mg_column *c = &t->columns[i];
		const char *e =
			c->type == MG_COL_VARCHAR ? source_of(&tmp, rb, copy, c->name) : NULL;
		const char *count;

		if (!e)
			continue;
		mg_strbuf_clear(&sql);
		mg_strbuf_printf(&sql, "SELECT count(*), min(%s) FROM ", mg_strbuf_cstr(&key));
		mg_sql_ident(&sql, copy ? rb->old_name : t->name);
		mg_strbuf_printf(&sql, " WHERE length(%s) > %u", e, c->length);
		if (mg_strbuf_failed(&sql) || mg_strbuf_failed(&key) || mg_strbuf_failed(&tmp)) {
			rc = db_nomem(db);
			break;
		}
		rc = mg_db_query(&rows, db, mg_strbuf_cstr(&sql), 0, NULL);
		if (rc == 0 && (rc = mg_rows_next(rows)) == 1) {
			count = mg_rows_text(rows, 0);
			rc = 0;
			if (count && strcmp(count, "0") != 0)
				rc = mg_db_error(
					db, MG_E_GUARD,
					"refused: column %s.%s: %s row%s more than %u characters, "
					"which varchar(%u) refuses (on SQLite by its length "
					"check, which this table gets now) (for example the row "
					"with key %s); nothing changed",
					t->name, c->name, count,
					strcmp(count, "1") == 0 ? " holds" : "s hold", c->length,
					c->length,
					mg_rows_text(rows, 1) ? mg_rows_text(rows, 1) : "?");
		}
		mg_rows_free(rows);
		rows = NULL;
	}
	mg_strbuf_free(&sql);
	mg_strbuf_free(&key);
	mg_strbuf_free(&tmp);
	return rc;
}

/* `rc` of a failed rebuild copy or in-place check: the length refusal when
 * the failure is a varchar's length check (length_refusal), else `rc`. */
static int check_failure(struct mg_db *db, const struct mg_rebuild *rb, int copy, int rc)
{
	int why;

	if (rc != MG_E_SQL || !strstr(mg_db_errmsg(db), "CHECK constraint failed"))
		return rc;
	why = length_refusal(db, rb, copy);
	return why ? why : rc;
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
	if (rc) {
		rc = check_failure(db, rb, 1, rc);
		goto done;
	}

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

/* 1 when a column's live default (pragma table_info's dflt_value) is not
 * the one `c` declares. */
static int default_changes(const struct mg_column *c, const char *live)
{
	struct mg_strbuf want = {0};
	int differs;

	if (!c->default_sql || c->identity)
		return live != NULL;
	if (!live)
		return 1;
	mg_sql_default(&want, c->default_sql);
	differs = strcmp(mg_strbuf_cstr(&want), live) != 0;
	mg_strbuf_free(&want);
	return differs;
}

/*
 * Reads the live columns of rb's table into names[0..*n) in stored order
 * (they must be rb->table's: MG_E_DRIFT otherwise), and appends to `touch`
 * "c = c" (", " between) for each column whose default changes: a row stored before
 * the column was added has no value for it, it reads the default, so it is
 * written out with the value it reads now before the default changes.
 */
static int live_columns(struct mg_db *db, const struct mg_rebuild *rb, char **names, size_t *n,
			struct mg_strbuf *touch)
{
	const char *p[1] = {rb->table->name};
	struct mg_rows *rows = NULL;
	int rc;

	*n = 0;
	rc = mg_db_query(&rows, db,
			 "SELECT name, dflt_value FROM pragma_table_info($1) ORDER BY cid", 1, p);
	if (rc)
		return rc;
	while ((rc = mg_rows_next(rows)) == 1) {
		const char *name = mg_rows_text(rows, 0);
		const struct mg_column *c = mg_table_find_column(rb->table, name);

		if (*n == rb->table->n_columns || !c) {
			rc = mg_db_error(db, MG_E_DRIFT,
					 "table %s: column %s is not one the migration expects",
					 p[0], name);
			break;
		}
		if (!(names[(*n)++] = mg_strdup(name))) {
			rc = db_nomem(db);
			break;
		}
		if (default_changes(c, mg_rows_text(rows, 1))) {
			mg_strbuf_puts(touch, touch->len ? ", " : "");
			mg_sql_ident(touch, name);
			mg_strbuf_puts(touch, " = ");
			mg_sql_ident(touch, name);
		}
	}
	mg_rows_free(rows);
	if (rc == 0 && *n != rb->table->n_columns)
		rc = mg_db_error(db, MG_E_DRIFT,
				 "table %s has %zu columns, the migration expects %zu", p[0], *n,
				 rb->table->n_columns);
	return rc < 0 ? rc : 0;
}

/*
 * Writes out the rows of rb's table for the columns listed in `touch`
 * ("c = c, ..."), or, when the table has triggers (an UPDATE would fire
 * them), rebuilds it instead (*rebuilt = 1): a rebuild copies every row
 * whole.
 */
static int write_out(struct mg_db *db, const struct mg_rebuild *rb, const struct mg_strbuf *touch,
		     int *rebuilt)
{
	const char *p[1] = {rb->table->name};
	struct mg_strbuf sql = {0};
	char *triggers = NULL;
	int rc;

	*rebuilt = 0;
	rc = db_query_value(&triggers, db,
			    "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
			    "tbl_name = $1",
			    1, p);
	if (rc)
		goto done;
	if (triggers && strcmp(triggers, "0") != 0) {
		*rebuilt = 1;
		rc = rebuild_sqlite(db, rb);
		goto done;
	}
	mg_strbuf_puts(&sql, "UPDATE ");
	mg_sql_ident(&sql, p[0]);
	mg_strbuf_printf(&sql, " SET %s", mg_strbuf_cstr(touch));
	if (mg_strbuf_failed(touch))
		mg_strbuf_fail(&sql);
	rc = db_exec_buf(db, &sql);
done:
	free(triggers);
	mg_strbuf_free(&sql);
	return rc;
}

/*
 * Runs the in-place changes of consecutive steps, tables rbs[0..n): one
 * schema edit for all of them (SQLite re-parses the whole schema at each
 * edit), the CREATE TABLE text of each written with its columns in the
 * order the table stores them (ADD COLUMN appends, so it may differ from
 * the model's; the text in any other order would misread every row), then
 * checks each table. The live columns must be the tables': MG_E_DRIFT
 * otherwise, nothing written. *failed is the index of the table a failure
 * is about.
 */
int edit_sqlite(struct mg_db *db, const struct mg_rebuild *const *rbs, size_t n, size_t *failed)
{
	struct mg_strbuf sql = {0}, touch = {0};
	char **names = NULL, *version = NULL;
	size_t k, i, n_names = 0, cap = 0;
	int rc = 0, rebuilt, edits = 0;

	*failed = 0;
	for (k = 0; k < n; k++)
		if (rbs[k]->table->n_columns > cap)
			cap = rbs[k]->table->n_columns;
	names = mg_calloc(cap + 1, sizeof(*names));
	if (!names)
		return db_nomem(db);
	mg_strbuf_puts(&sql, "PRAGMA writable_schema = ON;\n");
	for (k = 0; k < n && rc == 0; k++) {
		*failed = k;
		mg_strbuf_clear(&touch);
		rc = live_columns(db, rbs[k], names, &n_names, &touch);
		rebuilt = 0;
		if (rc == 0 && touch.len)
			rc = write_out(db, rbs[k], &touch, &rebuilt);
		if (rc == 0 && !rebuilt) {
			mg_sql_edit_text(&sql, rbs[k], (const char *const *)names, n_names);
			edits++;
		}
		for (i = 0; i < n_names; i++)
			free(names[i]);
		n_names = 0;
	}
	if (rc || !edits)
		goto done;
	rc = db_query_value(&version, db, "PRAGMA schema_version", 0, NULL);
	if (rc)
		goto done;
	mg_strbuf_printf(&sql, "PRAGMA schema_version = %lld;\nPRAGMA writable_schema = RESET;\n",
			 (version ? atoll(version) : 0) + 1);
	*failed = 0;
	rc = db_exec_buf(db, &sql);
	for (k = 0; k < n && rc == 0; k++) {
		const char *p[1] = {rbs[k]->table->name};

		*failed = k;
		free(version);
		version = NULL;
		rc = db_query_value(&version, db,
				    "SELECT group_concat(quick_check, '; ') FROM "
				    "pragma_quick_check($1)",
				    1, p);
		if (rc == 0 && (!version || strcmp(version, "ok") != 0))
			rc = check_failure(
				db, rbs[k], 0,
				mg_db_error(db, MG_E_SQL, "table %s after its in-place change: %s",
					    p[0],
					    version ? version : "no answer from quick_check"));
	}
done:
	free(names);
	free(version);
	mg_strbuf_free(&sql);
	mg_strbuf_free(&touch);
	return rc;
}
