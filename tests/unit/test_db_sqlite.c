/*
 * The data API and introspection on real SQLite databases: parameters,
 * rows, transactions, error messages, DQS and foreign keys; a schema created
 * by the shared renderer reads back equal to itself; a big-table rebuild
 * through mg_update reports progress while it copies and keeps every row and
 * child row; migration checksums.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "blob_round_trip.h"
#include "db_int.h"
#include "drift.h"
#include "inspect.h"
#include "modelgen/update.h"
#include "sql.h"

static struct mg_db *open_memory(void)
{
	struct mg_db *db = NULL;
	char err[256];

	assert_int_equal(mg_db_open(&db, "sqlite::memory:", err, sizeof(err)), 0);
	assert_int_equal(mg_db_dialect(db), MG_DIALECT_SQLITE);
	return db;
}

static char *value(struct mg_db *db, const char *sql)
{
	char *v = NULL;

	assert_int_equal(db_query_value(&v, db, sql, 0, NULL), 0);
	return v;
}

static void test_data_api(void **state)
{
	struct mg_db *db = open_memory();
	struct mg_rows *rows = NULL;
	const char *params[3] = {"2", NULL, "it's"};
	unsigned long long changes = 0;
	char *v;
	int n = 0;

	(void)state;
	assert_int_equal(mg_db_exec(db, "CREATE TABLE t (a INTEGER, b TEXT, c TEXT);\n"
					"INSERT INTO t VALUES (1, 'x', 'y');"),
			 0);
	/* $N placeholders bind by number, in any order, NULL is NULL. */
	assert_int_equal(
		mg_db_execp(db, "INSERT INTO t (c, b, a) VALUES ($3, $2, $1)", 3, params, &changes),
		0);
	assert_int_equal(changes, 1);
	/* Fewer parameters than placeholders: MG_E_USAGE, as on PostgreSQL. */
	assert_int_equal(mg_db_execp(db, "UPDATE t SET a = $1 WHERE b = $2", 1, params, NULL),
			 MG_E_USAGE);
	assert_int_equal(mg_db_query(&rows, db, "SELECT a, b, c FROM t WHERE a >= $1 ORDER BY a", 1,
				     (const char *const[]){"1"}),
			 0);
	assert_int_equal(mg_rows_columns(rows), 3);
	while (mg_rows_next(rows) == 1) {
		if (n++ == 1) {
			assert_string_equal(mg_rows_text(rows, 0), "2");
			assert_null(mg_rows_text(rows, 1));
			assert_string_equal(mg_rows_text(rows, 2), "it's");
		}
	}
	assert_int_equal(n, 2);
	mg_rows_free(rows);

	/* Transactions. */
	assert_int_equal(mg_db_begin(db), 0);
	assert_int_equal(mg_db_exec(db, "DELETE FROM t"), 0);
	assert_int_equal(mg_db_rollback(db), 0);
	v = value(db, "SELECT count(*) FROM t");
	assert_string_equal(v, "2");
	free(v);

	/* Errors name the statement and carry SQLite's message, one line. */
	assert_int_equal(mg_db_exec(db, "SELECT 1;\nSELECT nosuch FROM t;"), MG_E_SQL);
	assert_non_null(strstr(mg_db_errmsg(db), "'SELECT nosuch FROM t;'"));
	assert_non_null(strstr(mg_db_errmsg(db), "no such column: nosuch"));
	/* Double-quoted strings are identifiers, never literals. */
	assert_int_equal(mg_db_exec(db, "SELECT \"not a column\" FROM t"), MG_E_SQL);
	v = value(db, "PRAGMA foreign_keys");
	assert_string_equal(v, "1");
	free(v);
	assert_int_equal(mg_db_error(db, MG_E_STEP, "step %d failed:\nbadly", 3), MG_E_STEP);
	assert_string_equal(mg_db_errmsg(db), "step 3 failed: badly");
	mg_db_close(db);
}

/* A schema with every type, defaults, composite key, unique index, FKs. */
static const char *const a_pk[] = {"id"};
static const char *const b_pk[] = {"a_id", "code"};
static const char *const uq_cols[] = {"code", "label"};
static const char *const ix_cols[] = {"ratio"};
static const struct mg_column a_cols[] = {
	{.name = "id", .type = MG_COL_INTEGER, .identity = 1},
	{.name = "flag", .type = MG_COL_BOOLEAN, .default_sql = "false"},
	{.name = "small", .type = MG_COL_SMALLINT, .nullable = 1},
	{.name = "big", .type = MG_COL_BIGINT, .default_sql = "-5"},
	{.name = "ratio", .type = MG_COL_REAL, .default_sql = "1.5"},
	{.name = "dbl", .type = MG_COL_DOUBLE, .nullable = 1},
	{.name = "name", .type = MG_COL_VARCHAR, .length = 64, .default_sql = "'it''s'"},
	{.name = "body", .type = MG_COL_TEXT, .default_sql = "lower('X')"},
	{.name = "data", .type = MG_COL_BLOB, .nullable = 1},
	{.name = "at",
	 .type = MG_COL_CUSTOM,
	 .custom_type = "timestamp",
	 .default_sql = "CURRENT_TIMESTAMP"},
	{.name = "order", .type = MG_COL_INTEGER, .nullable = 1},
};
static const struct mg_column b_cols[] = {
	{.name = "a_id", .type = MG_COL_INTEGER},
	{.name = "code", .type = MG_COL_VARCHAR, .length = 8},
	{.name = "label", .type = MG_COL_TEXT, .nullable = 1},
	{.name = "other_id", .type = MG_COL_INTEGER, .nullable = 1},
};
static const struct mg_index a_ix[] = {
	{.name = "ix_a_ratio", .n_columns = 1, .columns = ix_cols},
};
static const struct mg_index b_ix[] = {
	{.name = "uq_b_code_label", .unique = 1, .n_columns = 2, .columns = uq_cols},
};
static const struct mg_foreign_key b_fk[] = {
	{.name = "fk_b_a_id",
	 .column = "a_id",
	 .ref_table = "a",
	 .ref_column = "id",
	 .on_delete = MG_FK_CASCADE},
	{.name = "fk_b_other_id",
	 .column = "other_id",
	 .ref_table = "a",
	 .ref_column = "id",
	 .on_delete = MG_FK_SET_NULL},
};
static const struct mg_table tables[] = {
	{.name = "a",
	 .n_columns = 11,
	 .columns = a_cols,
	 .n_primary_key = 1,
	 .primary_key = a_pk,
	 .n_indexes = 1,
	 .indexes = a_ix},
	{.name = "b",
	 .n_columns = 4,
	 .columns = b_cols,
	 .n_primary_key = 2,
	 .primary_key = b_pk,
	 .n_indexes = 1,
	 .indexes = b_ix,
	 .n_foreign_keys = 2,
	 .foreign_keys = b_fk},
};
static const struct mg_schema schema = {2, tables, NULL};

static void test_inspect_round_trip(void **state)
{
	struct mg_db *db = open_memory();
	struct mg_strbuf sql = {0}, report = {0};
	struct mg_schema *live = NULL, *norm = NULL, *one = NULL;
	const struct mg_table *b;

	(void)state;
	mg_sql_create_schema(&sql, MG_DIALECT_SQLITE, &schema);
	assert_int_equal(mg_db_exec(db, mg_strbuf_cstr(&sql)), 0);
	assert_int_equal(mg_db_exec(db, "CREATE TABLE modelgen_migrations (x);"), 0);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	assert_int_equal(live->n_tables, 2); /* bookkeeping left out */
	b = mg_schema_find_table(live, "b");
	assert_non_null(b);
	assert_int_equal(b->n_primary_key, 2);
	assert_string_equal(b->primary_key[1], "code");
	assert_int_equal(b->n_foreign_keys, 2);
	assert_string_equal(b->foreign_keys[1].name, "fk_b_other_id");
	assert_int_equal(b->foreign_keys[1].on_delete, MG_FK_SET_NULL);
	assert_int_equal(b->indexes[0].n_columns, 2);
	assert_true(mg_schema_find_table(live, "a")->columns[0].identity);

	assert_int_equal(inspect_normalize(&norm, db, &schema), 0);
	assert_int_equal(drift_report(&report, 1, norm, live, 0), 0);
	assert_string_equal(mg_strbuf_cstr(&report), "");

	/* A change is reported readably. */
	assert_int_equal(
		mg_db_exec(db, "DROP INDEX ix_a_ratio; ALTER TABLE a ADD COLUMN extra TEXT;"), 0);
	mg_schema_free(live);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	assert_int_equal(drift_report(&report, 1, norm, live, 0), 2);
	assert_non_null(strstr(mg_strbuf_cstr(&report),
			       "table a: index ix_a_ratio: expected (ratio), missing"));
	assert_non_null(
		strstr(mg_strbuf_cstr(&report), "table a: unexpected column extra (text NULL)"));

	assert_int_equal(mg_db_inspect_table(&one, db, "nosuch"), MG_E_NOTFOUND);
	assert_null(one);
	assert_int_equal(mg_db_inspect_table(&one, db, "b"), 0);
	assert_string_equal(one->tables[0].name, "b");
	mg_schema_free(one);
	mg_schema_free(norm);
	mg_schema_free(live);
	mg_strbuf_free(&sql);
	mg_strbuf_free(&report);
	mg_db_close(db);
}

/* A schema written by hand the way people write SQLite (issue 14): a key
 * without a name, REFERENCES without a column, an inline UNIQUE (an
 * automatic index), a text key without NOT NULL. Only the index named
 * otherwise differs, in one line. */
static const char *const hw_pk_id[] = {"id"}, *const hw_pk_code[] = {"code"};
static const char *const hw_email[] = {"email"}, *const hw_name[] = {"name"};
static const struct mg_column hw_users_cols[] = {
	{.name = "id", .type = MG_COL_INTEGER, .identity = 1},
	{.name = "email", .type = MG_COL_TEXT},
	{.name = "name", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_index hw_users_ix[] = {
	{.name = "ix_users_name", .n_columns = 1, .columns = hw_name},
	{.name = "uq_users_email", .unique = 1, .n_columns = 1, .columns = hw_email},
};
static const struct mg_column hw_codes_cols[] = {
	{.name = "code", .type = MG_COL_TEXT},
	{.name = "user_id", .type = MG_COL_INTEGER, .nullable = 1},
};
static const struct mg_foreign_key hw_codes_fk[] = {
	{.name = "fk_codes_user_id",
	 .column = "user_id",
	 .ref_table = "users",
	 .ref_column = "id",
	 .on_delete = MG_FK_CASCADE},
};
static const struct mg_table hw_tables[] = {
	{.name = "codes",
	 .n_columns = 2,
	 .columns = hw_codes_cols,
	 .n_primary_key = 1,
	 .primary_key = hw_pk_code,
	 .n_foreign_keys = 1,
	 .foreign_keys = hw_codes_fk},
	{.name = "users",
	 .n_columns = 3,
	 .columns = hw_users_cols,
	 .n_primary_key = 1,
	 .primary_key = hw_pk_id,
	 .n_indexes = 2,
	 .indexes = hw_users_ix},
};
static const struct mg_schema hw_schema = {2, hw_tables, NULL};

static void test_hand_written(void **state)
{
	struct mg_db *db = open_memory();
	struct mg_strbuf report = {0};
	struct mg_schema *live = NULL, *norm = NULL;

	(void)state;
	assert_int_equal(mg_db_exec(db, "CREATE TABLE users (id INTEGER PRIMARY KEY,"
					" email TEXT NOT NULL UNIQUE, name TEXT);"
					"CREATE INDEX users_by_name ON users (name);"
					"CREATE TABLE codes (code TEXT PRIMARY KEY,"
					" user_id INTEGER REFERENCES users ON DELETE CASCADE);"),
			 0);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	assert_int_equal(mg_schema_find_table(live, "codes")->columns[0].nullable, 0);
	assert_string_equal(mg_schema_find_table(live, "codes")->foreign_keys[0].ref_column, "id");
	assert_int_equal(inspect_normalize(&norm, db, &hw_schema), 0);
	assert_int_equal(drift_report(&report, 1, norm, live, 0), 1);
	assert_string_equal(mg_strbuf_cstr(&report),
			    "table users: index (name) is called users_by_name in the database, "
			    "ix_users_name in the migration\n");

	/* Renamed as the migration says: equal. */
	assert_int_equal(mg_db_exec(db, "DROP INDEX users_by_name;"
					"CREATE INDEX ix_users_name ON users (name);"),
			 0);
	mg_schema_free(live);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	mg_strbuf_clear(&report);
	assert_int_equal(drift_report(&report, 1, norm, live, 0), 0);

	/* An automatic index stands only for a unique on its columns. */
	assert_int_equal(mg_db_exec(db, "DROP INDEX ix_users_name;"
					"CREATE UNIQUE INDEX ix_users_name ON users (name);"),
			 0);
	mg_schema_free(live);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	mg_strbuf_clear(&report);
	assert_int_equal(drift_report(&report, 1, norm, live, 0), 1);
	assert_string_equal(mg_strbuf_cstr(&report), "table users: index ix_users_name: expected "
						     "(name), found unique (name)\n");
	mg_schema_free(norm);
	mg_schema_free(live);
	mg_strbuf_free(&report);
	mg_db_close(db);
}

/* A registry: create parent p and child c (cascade), then rebuild p. */
static const char *const id_only[] = {"id"};
static const struct mg_column p1_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "v", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_column p2_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "v", .type = MG_COL_TEXT, .default_sql = "''"},
};
static const struct mg_column c_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "p_id", .type = MG_COL_BIGINT},
};
static const struct mg_foreign_key c_fk[] = {
	{.name = "fk_c_p_id",
	 .column = "p_id",
	 .ref_table = "p",
	 .ref_column = "id",
	 .on_delete = MG_FK_CASCADE},
};
static const struct mg_table p1[] = {{.name = "p",
				      .n_columns = 2,
				      .columns = p1_cols,
				      .n_primary_key = 1,
				      .primary_key = id_only}};
static const struct mg_table p2[] = {{.name = "p",
				      .n_columns = 2,
				      .columns = p2_cols,
				      .n_primary_key = 1,
				      .primary_key = id_only}};
static const struct mg_table both1[] = {
	{.name = "c",
	 .n_columns = 2,
	 .columns = c_cols,
	 .n_primary_key = 1,
	 .primary_key = id_only,
	 .n_foreign_keys = 1,
	 .foreign_keys = c_fk},
	{.name = "p",
	 .n_columns = 2,
	 .columns = p1_cols,
	 .n_primary_key = 1,
	 .primary_key = id_only},
};
static const struct mg_table both2[] = {
	{.name = "c",
	 .n_columns = 2,
	 .columns = c_cols,
	 .n_primary_key = 1,
	 .primary_key = id_only,
	 .n_foreign_keys = 1,
	 .foreign_keys = c_fk},
	{.name = "p",
	 .n_columns = 2,
	 .columns = p2_cols,
	 .n_primary_key = 1,
	 .primary_key = id_only},
};
static const struct mg_schema s_empty = {0, NULL, NULL}, s_both1 = {2, both1, NULL},
			      s_both2 = {2, both2, NULL}, s_p1 = {1, p1, NULL},
			      s_p2 = {1, p2, NULL};
static const struct mg_step r1_up[] = {
	{.kind = MG_STEP_SQL,
	 .note = "create p, c",
	 .sql = "CREATE TABLE p (\n    id INTEGER NOT NULL PRIMARY KEY,\n    v TEXT\n);\n"
		"CREATE TABLE c (\n    id INTEGER NOT NULL PRIMARY KEY,\n    p_id BIGINT NOT "
		"NULL,\n"
		"    CONSTRAINT fk_c_p_id FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE "
		"CASCADE\n);\n"},
};
static const char *const copy_cols[] = {"id", "v"};
static const char *const copy_exprs[] = {"id", "coalesce(v, '')"};
static const struct mg_rebuild r2_rebuild = {&p2[0], "p", 2, copy_cols, copy_exprs};
static const struct mg_step r2_up[] = {
	{.kind = MG_STEP_REBUILD, .note = "rebuild p (v NOT NULL)", .rebuild = &r2_rebuild},
};
static const struct mg_migration r1 = {.number = 1,
				       .name = "0001_init",
				       .before = &s_empty,
				       .after = &s_both1,
				       .up = {{1, r1_up}, {0, NULL}}};
static const struct mg_migration r2 = {.number = 2,
				       .name = "0002_p_v_not_null",
				       .before = &s_p1,
				       .after = &s_p2,
				       .up = {{1, r2_up}, {0, NULL}}};
static const struct mg_migration *const r_migrations[] = {&r1, &r2};
static const struct mg_registry r_reg = {2, r_migrations, &s_both2, "h2", 0, NULL};

struct progress_lines {
	int n;         /* "rows copied" lines */
	long long max; /* the highest count seen so far */
	int ordered;   /* every count higher than the one before */
	char last[128];
};

static void count_progress(void *ctx, const char *line)
{
	struct progress_lines *p = ctx;
	long long done, total;

	if (!strstr(line, "rows copied"))
		return;
	p->n++;
	if (sscanf(line, "rebuild p: %lld of %lld", &done, &total) != 2 || done <= p->max)
		p->ordered = 0;
	p->max = done;
	snprintf(p->last, sizeof(p->last), "%s", line);
}

static void test_big_rebuild(void **state)
{
	char path[] = "/tmp/mg_test_rebuild_XXXXXX";
	char url[64];
	struct mg_update_options opts = {0};
	struct mg_db *db = NULL;
	char err[256], *v;
	struct progress_lines lines = {0, 0, 1, ""};
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(mg_db_open(&db, url, err, sizeof(err)), 0);
	opts.flags = MG_UPDATE_TO;
	opts.to = 1;
	assert_int_equal(mg_update(NULL, db, &r_reg, &opts), 0);
	assert_int_equal(mg_db_exec(db,
				    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
				    " WHERE i < 250000) INSERT INTO p SELECT i, CASE WHEN i % 2"
				    " THEN NULL ELSE 'v' END FROM n;"
				    "INSERT INTO c (p_id) SELECT id FROM p WHERE id % 1000 = 0;"),
			 0);
	opts.flags = 0;
	opts.progress = count_progress;
	opts.progress_ctx = &lines;
	assert_int_equal(mg_update(NULL, db, &r_reg, &opts), 0);
	/* One statement copies the rows; a progress handler still reports
	 * about every tenth of them, in order, then the exact total. */
	assert_true(lines.n >= 5);
	assert_true(lines.ordered);
	assert_string_equal(lines.last, "rebuild p: 250000 of 250000 rows copied");
	v = value(db, "SELECT count(*) || ' ' || sum(v = '') FROM p");
	assert_string_equal(v, "250000 125000");
	free(v);
	v = value(db, "SELECT count(*) FROM c");
	assert_string_equal(v, "250");
	free(v);
	v = value(db, "PRAGMA foreign_keys");
	assert_string_equal(v, "1");
	free(v);
	/* The cascade still works on the rebuilt parent. */
	assert_int_equal(mg_db_exec(db, "DELETE FROM p WHERE id = 1000"), 0);
	v = value(db, "SELECT count(*) FROM c");
	assert_string_equal(v, "249");
	free(v);
	assert_int_equal(mg_verify(NULL, db, &r_reg, 0, 0), 0);
	mg_db_close(db);
	unlink(path);
}

static void test_checksum(void **state)
{
	struct mg_migration copy = r2;
	char a[72], b[72];

	(void)state;
	mg_migration_checksum(a, &r2);
	mg_migration_checksum(b, &r2);
	assert_string_equal(a, b);
	assert_memory_equal(a, "sha256:", 7);
	assert_int_equal(strlen(a), 71);
	copy.name = "0002_other";
	mg_migration_checksum(b, &copy);
	assert_string_not_equal(a, b);
	copy = r2;
	copy.up[MG_DIALECT_POSTGRESQL] = r1.up[MG_DIALECT_SQLITE];
	mg_migration_checksum(b, &copy);
	assert_string_not_equal(a, b);
}

/* Tables the registry lists as foreign (MG_FOREIGN_TABLE): --verify and
 * --baseline do not report them, and report every other table. */
static void test_foreign_tables(void **state)
{
	static const char *const one[] = {"audit log"};
	static const char *const both[] = {"audit log", "legacy"};
	struct mg_registry r_one = r_reg, r_both = r_reg;
	char path[] = "/tmp/mg_test_foreign_XXXXXX";
	char url[64], err[256];
	struct mg_db *db = NULL;
	char *report = NULL;
	int fd;

	(void)state;
	r_one.n_foreign_tables = 1;
	r_one.foreign_tables = one;
	r_both.n_foreign_tables = 2;
	r_both.foreign_tables = both;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(mg_db_open(&db, url, err, sizeof(err)), 0);
	assert_int_equal(mg_update(NULL, db, &r_reg, NULL), 0);
	assert_int_equal(mg_db_exec(db, "CREATE TABLE \"audit log\" (at TEXT, what TEXT);"
					"CREATE TABLE legacy (k, v);"),
			 0);

	assert_int_equal(mg_verify(&report, db, &r_reg, 0, 0), MG_E_DRIFT);
	assert_non_null(strstr(report, "unexpected table audit log"));
	assert_non_null(strstr(report, "unexpected table legacy"));
	free(report);
	report = NULL;
	assert_int_equal(mg_verify(&report, db, &r_one, 0, 0), MG_E_DRIFT);
	assert_null(strstr(report, "audit log"));
	assert_non_null(strstr(report, "unexpected table legacy"));
	free(report);
	report = NULL;
	assert_int_equal(mg_verify(&report, db, &r_both, 0, 0), 0);
	free(report);
	report = NULL;

	/* Adopting: the same, and a change to a model table is still seen. */
	assert_int_equal(mg_db_exec(db, "DROP TABLE modelgen_migrations"), 0);
	assert_int_equal(mg_baseline(&report, db, &r_one, 2), MG_E_DRIFT);
	assert_non_null(strstr(report, "unexpected table legacy"));
	free(report);
	report = NULL;
	assert_int_equal(mg_db_exec(db, "ALTER TABLE p ADD COLUMN hand_made INTEGER"), 0);
	assert_int_equal(mg_baseline(&report, db, &r_both, 2), MG_E_DRIFT);
	assert_non_null(strstr(report, "hand_made"));
	assert_null(strstr(report, "legacy"));
	free(report);
	report = NULL;
	assert_int_equal(mg_db_exec(db, "ALTER TABLE p DROP COLUMN hand_made"), 0);
	assert_int_equal(mg_baseline(&report, db, &r_both, 2), 0);
	assert_int_equal(mg_verify(&report, db, &r_both, 0, 0), 0);
	mg_db_close(db);
	unlink(path);

	/* Only foreign tables: --baseline 0, then every migration applies. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mg_db_open(&db, url, err, sizeof(err)), 0);
	assert_int_equal(mg_db_exec(db, "CREATE TABLE legacy (k, v)"), 0);
	assert_int_equal(mg_update(NULL, db, &r_one, NULL), MG_E_UNMANAGED);
	assert_int_equal(mg_baseline(&report, db, &r_one, 0), MG_E_DRIFT);
	assert_non_null(strstr(report, "unexpected table legacy"));
	free(report);
	report = NULL;
	assert_int_equal(mg_baseline(&report, db, &r_both, 0), 0);
	assert_int_equal(mg_update(NULL, db, &r_both, NULL), 0);
	assert_int_equal(mg_verify(&report, db, &r_both, 0, 0), 0);
	mg_db_close(db);
	unlink(path);
}

/* MG_DB_OPEN_READ_ONLY: a missing file is reported and not created; an
 * existing one is read, never written; status, verify and --sql work. */
static void test_read_only(void **state)
{
	char dir[] = "/tmp/mg_test_ro_XXXXXX";
	char path[128], url[160], err[256];
	struct mg_update_options opts = {0};
	struct mg_status st;
	struct mg_db *db = NULL;
	FILE *sink;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.db", dir);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(mg_db_open_ext(&db, url, MG_DB_OPEN_READ_ONLY, err, sizeof(err)),
			 MG_E_NOTFOUND);
	assert_null(db);
	assert_non_null(strstr(err, "does not exist"));
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(mg_db_open_ext(&db, url, 0x100, err, sizeof(err)), MG_E_USAGE);

	assert_int_equal(mg_db_open(&db, url, err, sizeof(err)), 0);
	assert_int_equal(mg_update(NULL, db, &r_reg, NULL), 0);
	mg_db_close(db);
	assert_int_equal(mg_db_open_ext(&db, url, MG_DB_OPEN_READ_ONLY, err, sizeof(err)), 0);
	assert_int_equal(mg_status(&st, db, &r_reg), 0);
	assert_int_equal(st.current, 2);
	assert_int_equal(mg_verify(NULL, db, &r_reg, 0, 0), 0);
	sink = fopen("/dev/null", "w");
	opts.flags = MG_UPDATE_DRY_RUN | MG_UPDATE_TO;
	opts.sql_out = sink;
	assert_int_equal(mg_update(NULL, db, &r_reg, &opts), 0);
	fclose(sink);
	assert_int_equal(mg_db_exec(db, "INSERT INTO p (id) VALUES (1)"), MG_E_SQL);
	opts.flags = MG_UPDATE_TO;
	opts.to = 1;
	assert_int_equal(mg_update(NULL, db, &r_reg, &opts), MG_E_SQL);
	mg_db_close(db);
	unlink(path);
	rmdir(dir);
}

static void test_blobs(void **state)
{
	struct mg_db *db = open_memory();

	(void)state;
	blob_round_trip(db, "BLOB");
	mg_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_api),           cmocka_unit_test(test_blobs),
		cmocka_unit_test(test_inspect_round_trip), cmocka_unit_test(test_big_rebuild),
		cmocka_unit_test(test_checksum),           cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_foreign_tables),     cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_hand_written),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
