/*
 * The data API, introspection and the migration lock on a real PostgreSQL
 * server (the ctest fixture "pg"; skipped without one): parameters, SQLSTATE
 * in errors, notices kept off stderr, libpq key=value strings, a schema that
 * reads back equal to itself once normalised by the server, and an advisory
 * lock whose timeout names the holder and that a closed session releases.
 */
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

#ifdef MG_HAVE_POSTGRESQL

static char base_url[512], url[600];

static int setup(void **state)
{
	FILE *f = fopen(MG_PG_URL_FILE, "r");
	struct mg_db *db = NULL;
	char err[256], sql[128];

	(void)state;
	if (!f)
		return 0;
	if (!fgets(base_url, sizeof(base_url), f))
		base_url[0] = 0;
	fclose(f);
	base_url[strcspn(base_url, "\n")] = 0;
	if (!base_url[0] || mg_db_open(&db, base_url, err, sizeof(err)) != 0) {
		base_url[0] = 0;
		return 0;
	}
	/* CREATE DATABASE cannot run in a multi-statement string. */
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS mg_unit_%d", (int)getpid());
	assert_int_equal(mg_db_exec(db, sql), 0);
	snprintf(sql, sizeof(sql), "CREATE DATABASE mg_unit_%d", (int)getpid());
	assert_int_equal(mg_db_exec(db, sql), 0);
	mg_db_close(db);
	{
		const char *q = strstr(base_url, "@/postgres?");

		assert_non_null(q);
		snprintf(url, sizeof(url), "%.*s@/mg_unit_%d?%s", (int)(q - base_url), base_url,
			 (int)getpid(), q + strlen("@/postgres?"));
	}
	return 0;
}

static int teardown(void **state)
{
	struct mg_db *db = NULL;
	char err[256], sql[128];

	(void)state;
	if (!base_url[0] || mg_db_open(&db, base_url, err, sizeof(err)) != 0)
		return 0;
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS mg_unit_%d", (int)getpid());
	mg_db_exec(db, sql);
	mg_db_close(db);
	return 0;
}

static struct mg_db *open_test(void)
{
	struct mg_db *db = NULL;
	char err[256];

	if (!base_url[0])
		skip();
	if (mg_db_open(&db, url, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(mg_db_dialect(db), MG_DIALECT_POSTGRESQL);
	return db;
}

static void test_data_api(void **state)
{
	struct mg_db *db = open_test();
	struct mg_rows *rows = NULL;
	const char *params[2] = {"7", NULL};
	unsigned long long changes = 0;
	char errfile[] = "/tmp/mg_test_stderr_XXXXXX";
	int fd, saved;
	long size;
	FILE *f;

	(void)state;
	assert_int_equal(
		mg_db_exec(db, "CREATE TABLE t (a integer, b text); INSERT INTO t VALUES (1, 'x')"),
		0);
	assert_int_equal(
		mg_db_execp(db, "INSERT INTO t VALUES ($1::integer, $2)", 2, params, &changes), 0);
	assert_int_equal(changes, 1);
	/* Fewer parameters than placeholders: MG_E_USAGE, as on SQLite. */
	assert_int_equal(
		mg_db_execp(db, "UPDATE t SET a = $1::integer WHERE b = $2", 1, params, NULL),
		MG_E_USAGE);
	assert_int_equal(mg_db_query(&rows, db, "SELECT a, b, a > 1 FROM t ORDER BY a", 0, NULL),
			 0);
	assert_int_equal(mg_rows_next(rows), 1);
	assert_string_equal(mg_rows_text(rows, 1), "x");
	assert_string_equal(mg_rows_text(rows, 2), "f");
	assert_int_equal(mg_rows_next(rows), 1);
	assert_string_equal(mg_rows_text(rows, 0), "7");
	assert_null(mg_rows_text(rows, 1));
	assert_int_equal(mg_rows_next(rows), 0);
	mg_rows_free(rows);

	/* An error without a position names the statement that failed, not
	 * the first of the batch; semicolons in literals, quoted names, dollar
	 * quotes and comments do not split statements. */
	assert_int_equal(mg_db_exec(db, "CREATE TABLE u1 (a text DEFAULT ';');\n"
					"CREATE TABLE \"u;2\" (a text); /* ; */ -- ;\n"
					"DO $x$ BEGIN PERFORM ';'; END $x$; SELECT E'\\';'\n"
					"; CREATE TABLE u1 (b text);\nCREATE TABLE u3 (a int);"),
			 MG_E_SQL);
	assert_non_null(strstr(mg_db_errmsg(db), "SQLSTATE 42P07"));
	assert_non_null(strstr(mg_db_errmsg(db), "'CREATE TABLE u1 (b text);'"));
	assert_int_equal(mg_db_exec(db, "ROLLBACK"), 0);
	assert_int_equal(mg_db_exec(db, "SELECT 1;\nSELECT nosuch FROM t;"), MG_E_SQL);
	assert_non_null(strstr(mg_db_errmsg(db), "SQLSTATE 42703"));
	assert_non_null(strstr(mg_db_errmsg(db), "'SELECT nosuch FROM t;'"));
	assert_null(strchr(mg_db_errmsg(db), '\n'));

	assert_int_equal(mg_db_begin(db), 0);
	assert_int_equal(mg_db_exec(db, "DELETE FROM t"), 0);
	assert_int_equal(mg_db_exec(db, "SELECT 1/0"), MG_E_SQL);
	assert_non_null(strstr(mg_db_errmsg(db), "SQLSTATE 22012"));
	assert_int_equal(mg_db_rollback(db), 0);
	assert_non_null(strstr(mg_db_errmsg(db), "SQLSTATE 22012")); /* kept */

	/* Notices never reach stderr. */
	fd = mkstemp(errfile);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	assert_int_equal(mg_db_exec(db, "DROP TABLE IF EXISTS no_such_table"), 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	f = fopen(errfile, "r");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	unlink(errfile);
	assert_int_equal(size, 0);
	mg_db_close(db);
}

static void test_keyword_value(void **state)
{
	struct mg_db *db = NULL;
	char kv[700], err[256], host[512] = "", *v = NULL;
	const char *h = strstr(url, "host="), *p = strstr(url, "port=");

	(void)state;
	if (!base_url[0])
		skip();
	assert_non_null(h);
	assert_non_null(p);
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(h + 5, "&"), h + 5);
	snprintf(kv, sizeof(kv), "host=%s port=%d dbname=mg_unit_%d user=postgres", host,
		 atoi(p + 5), (int)getpid());
	assert_int_equal(mg_db_open(&db, kv, err, sizeof(err)), 0);
	assert_int_equal(db_query_value(&v, db, "SELECT current_database()", 0, NULL), 0);
	assert_non_null(strstr(v, "mg_unit_"));
	free(v);
	mg_db_close(db);
	assert_int_equal(mg_db_open(&db, "host=/nonexistent port=1 dbname=x", err, sizeof(err)),
			 MG_E_CONNECT);
	assert_non_null(strstr(err, "cannot connect to PostgreSQL"));
	assert_null(strchr(err, '\n'));
}

static const char *const a_pk[] = {"id"};
static const char *const b_pk[] = {"a_id", "code"};
static const char *const uq_cols[] = {"code", "label"};
static const struct mg_column a_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "flag", .type = MG_COL_BOOLEAN, .default_sql = "false"},
	{.name = "small", .type = MG_COL_SMALLINT, .nullable = 1, .default_sql = "3"},
	{.name = "ratio", .type = MG_COL_REAL, .default_sql = "1.5"},
	{.name = "dbl", .type = MG_COL_DOUBLE, .nullable = 1},
	{.name = "name", .type = MG_COL_VARCHAR, .length = 64, .default_sql = "'it''s'"},
	{.name = "body", .type = MG_COL_TEXT, .default_sql = "lower('X')"},
	{.name = "data", .type = MG_COL_BLOB, .nullable = 1},
	{.name = "at", .type = MG_COL_CUSTOM, .custom_type = "timestamptz", .default_sql = "now()"},
	{.name = "price",
	 .type = MG_COL_CUSTOM,
	 .custom_type = "numeric(10,2)",
	 .default_sql = "0"},
	{.name = "order", .type = MG_COL_INTEGER, .nullable = 1},
};
static const struct mg_column b_cols[] = {
	{.name = "a_id", .type = MG_COL_BIGINT},
	{.name = "code", .type = MG_COL_VARCHAR, .length = 8, .comment = "the code"},
	{.name = "label", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_index b_ix[] = {
	{.name = "uq_b_code_label", .unique = 1, .n_columns = 2, .columns = uq_cols},
};
static const struct mg_foreign_key b_fk[] = {
	{.name = "fk_b_a_id",
	 .column = "a_id",
	 .ref_table = "a",
	 .ref_column = "id",
	 .on_delete = MG_FK_RESTRICT},
};
static const struct mg_table tables[] = {
	{.name = "a", .n_columns = 11, .columns = a_cols, .n_primary_key = 1, .primary_key = a_pk},
	{.name = "b",
	 .comment = "it's b",
	 .n_columns = 3,
	 .columns = b_cols,
	 .n_primary_key = 2,
	 .primary_key = b_pk,
	 .n_indexes = 1,
	 .indexes = b_ix,
	 .n_foreign_keys = 1,
	 .foreign_keys = b_fk},
};
static const struct mg_schema schema = {2, tables, NULL};

static void test_inspect_round_trip(void **state)
{
	struct mg_db *db = open_test();
	struct mg_strbuf sql = {0}, report = {0};
	struct mg_schema *live = NULL, *norm = NULL;
	const struct mg_table *a, *b;
	char *v = NULL;

	(void)state;
	mg_sql_create_schema(&sql, MG_DIALECT_POSTGRESQL, &schema);
	assert_int_equal(mg_db_exec(db, "CREATE SCHEMA s; SET search_path = s"), 0);
	assert_int_equal(mg_db_exec(db, mg_strbuf_cstr(&sql)), 0);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	assert_int_equal(live->n_tables, 2);
	a = mg_schema_find_table(live, "a");
	b = mg_schema_find_table(live, "b");
	assert_true(a->columns[0].identity);
	assert_int_equal(a->columns[0].type, MG_COL_BIGINT);
	assert_int_equal(a->columns[5].type, MG_COL_VARCHAR);
	assert_int_equal(a->columns[5].length, 64);
	assert_string_equal(a->columns[5].default_sql, "'it''s'::character varying");
	assert_string_equal(a->columns[8].custom_type, "timestamp with time zone");
	assert_int_equal(b->n_primary_key, 2);
	assert_string_equal(b->comment, "it's b");
	assert_string_equal(b->columns[1].comment, "the code");
	assert_null(a->comment);
	assert_int_equal(b->foreign_keys[0].on_delete, MG_FK_RESTRICT);
	assert_int_equal(b->indexes[0].n_columns, 2);

	assert_int_equal(inspect_normalize(&norm, db, &schema), 0);
	assert_int_equal(drift_report(&report, 0, norm, live, 0), 0);
	assert_string_equal(mg_strbuf_cstr(&report), "");
	/* The temporary tables are gone again. */
	assert_int_equal(db_query_value(&v, db,
					"SELECT count(*) FROM pg_class WHERE relpersistence = 't'",
					0, NULL),
			 0);
	assert_string_equal(v, "0");
	free(v);

	assert_int_equal(mg_db_exec(db, "ALTER TABLE a ALTER COLUMN name SET DEFAULT 'x'"), 0);
	mg_schema_free(live);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	assert_int_equal(drift_report(&report, 0, norm, live, 0), 1);
	assert_non_null(strstr(
		mg_strbuf_cstr(&report),
		"table a: column name: expected varchar(64) NOT NULL DEFAULT 'it''s'::character "
		"varying, found varchar(64) NOT NULL DEFAULT 'x'::character varying"));
	mg_schema_free(norm);
	mg_schema_free(live);
	mg_strbuf_free(&sql);
	mg_strbuf_free(&report);
	mg_db_close(db);
}

/* MG_DB_OPEN_READ_ONLY: the session writes nothing, and mg_verify's
 * normalisation (temporary tables) still works. */
static void test_read_only(void **state)
{
	struct mg_db *db = NULL;
	struct mg_strbuf sql = {0};
	struct mg_schema *norm = NULL;
	char err[256];

	(void)state;
	if (!base_url[0])
		skip();
	assert_int_equal(mg_db_open_ext(&db, url, MG_DB_OPEN_READ_ONLY, err, sizeof(err)), 0);
	assert_int_equal(mg_db_exec(db, "CREATE TABLE ro_x (id integer)"), MG_E_SQL);
	assert_non_null(strstr(mg_db_errmsg(db), "read-only transaction"));
	assert_int_equal(inspect_normalize(&norm, db, &schema), 0);
	assert_int_equal(norm->n_tables, 2);
	mg_schema_free(norm);
	mg_strbuf_free(&sql);
	mg_db_close(db);
}

/* A schema written by hand (issue 14): serial reads as an identity,
 * varchar without a length as text; a key named otherwise is one line,
 * the primary key's too. */
static const char *const hw_pk[] = {"id"};
static const struct mg_column hw_cols[] = {
	{.name = "id", .type = MG_COL_INTEGER, .identity = 1},
	{.name = "note", .type = MG_COL_TEXT, .nullable = 1},
	{.name = "parent_id", .type = MG_COL_INTEGER, .nullable = 1},
};
static const struct mg_foreign_key hw_fk[] = {
	{.name = "fk_items_parent_id",
	 .column = "parent_id",
	 .ref_table = "items",
	 .ref_column = "id"},
};
static const struct mg_table hw_table = {.name = "items",
					 .n_columns = 3,
					 .columns = hw_cols,
					 .n_primary_key = 1,
					 .primary_key = hw_pk,
					 .n_foreign_keys = 1,
					 .foreign_keys = hw_fk};
static const struct mg_schema hw_schema = {1, &hw_table, NULL};

static void test_hand_written(void **state)
{
	struct mg_db *db = open_test();
	struct mg_strbuf report = {0};
	struct mg_schema *live = NULL, *norm = NULL;
	const struct mg_table *t;

	(void)state;
	assert_int_equal(mg_db_exec(db,
				    "CREATE SCHEMA hw; SET search_path = hw;"
				    "CREATE TABLE items (id serial PRIMARY KEY, note varchar,"
				    " parent_id int CONSTRAINT items_parent_fkey REFERENCES items);"
				    "CREATE INDEX ON items (note)"),
			 0);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	t = mg_schema_find_table(live, "items");
	assert_true(t->columns[0].identity);
	assert_null(t->columns[0].default_sql);
	assert_int_equal(t->columns[1].type, MG_COL_TEXT);
	/* One column of items; the index on note is not the serial. */
	assert_int_equal(t->n_columns, 3);
	assert_int_equal(inspect_normalize(&norm, db, &hw_schema), 0);
	/* The key PostgreSQL named itself (items_pkey) stands for the derived
	 * pk_items; a name of its own does not. */
	assert_int_equal(drift_report(&report, 0, norm, live, 0), 2);
	assert_string_equal(
		mg_strbuf_cstr(&report),
		"table items: unexpected index items_note_idx (note)\n"
		"table items: foreign key (parent_id) -> items(id) on delete no action "
		"is called items_parent_fkey in the database, fk_items_parent_id in the "
		"migration\n");
	assert_int_equal(
		mg_db_exec(db, "ALTER TABLE items RENAME CONSTRAINT items_pkey TO items_key"), 0);
	mg_schema_free(live);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	mg_strbuf_clear(&report);
	assert_int_equal(drift_report(&report, 0, norm, live, 0), 3);
	assert_non_null(strstr(mg_strbuf_cstr(&report),
			       "table items: primary key (id) is called items_key in the database, "
			       "pk_items in the migration\n"));
	/* A default from another sequence stays a default. */
	assert_int_equal(mg_db_exec(db, "CREATE SEQUENCE other;"
					"ALTER TABLE items ALTER id SET DEFAULT nextval('other')"),
			 0);
	mg_schema_free(live);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	t = mg_schema_find_table(live, "items");
	assert_false(t->columns[0].identity);
	assert_string_equal(t->columns[0].default_sql, "nextval('other'::regclass)");
	mg_schema_free(norm);
	mg_schema_free(live);
	mg_strbuf_free(&report);
	mg_db_close(db);
}

static void test_lock(void **state)
{
	struct mg_db *a = open_test(), *b = open_test();
	char *pid = NULL, expect[64];

	(void)state;
	assert_int_equal(db_query_value(&pid, a, "SELECT pg_backend_pid()", 0, NULL), 0);
	assert_int_equal(a->driver->lock(a), 0);
	assert_int_equal(mg_db_set_lock_timeout(b, 200), 0);
	assert_int_equal(b->driver->lock(b), MG_E_LOCKED);
	snprintf(expect, sizeof(expect), "server process %s", pid);
	assert_non_null(strstr(mg_db_errmsg(b), expect));
	assert_non_null(strstr(mg_db_errmsg(b), "200 ms"));
	/* A session that ends (or crashes) leaves no lock behind. */
	mg_db_close(a);
	assert_int_equal(mg_db_set_lock_timeout(b, 5000), 0);
	assert_int_equal(b->driver->lock(b), 0);
	b->driver->unlock(b);
	free(pid);
	mg_db_close(b);
}

static void test_blobs(void **state)
{
	struct mg_db *db = open_test();

	(void)state;
	blob_round_trip(db, "bytea");
	mg_db_close(db);
}

/*
 * Two migrations over `n` tables t00, t01, ...: 1 creates them (id, v), 2
 * adds a column w with an index to every one; each migration is one step,
 * so what grows with n in its round trips can only be the runtime's own
 * catalog work.
 */
struct wide {
	char (*names)[24], (*ix_names)[32]; /* room for any size_t: gcc -Wformat-truncation */
	struct mg_table *v1, *v2;
	struct mg_index *ix;
	struct mg_schema s1, s2;
	struct mg_strbuf sql1, sql2;
	struct mg_step step1, step2;
	struct mg_migration m1, m2;
	const struct mg_migration *list[2];
	struct mg_registry reg;
};

static const char *const wide_pk[] = {"id"};
static const char *const wide_w[] = {"w"};
static const struct mg_column wide_v1[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "v", .type = MG_COL_INTEGER, .nullable = 1},
};
static const struct mg_column wide_v2[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "v", .type = MG_COL_INTEGER, .nullable = 1},
	{.name = "w", .type = MG_COL_INTEGER, .nullable = 1, .default_sql = "0"},
};
static const struct mg_schema wide_empty = {0, NULL, NULL};

static void wide_init(struct wide *w, size_t n)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	w->names = calloc(n, sizeof(*w->names));
	w->ix_names = calloc(n, sizeof(*w->ix_names));
	w->v1 = calloc(n, sizeof(*w->v1));
	w->v2 = calloc(n, sizeof(*w->v2));
	w->ix = calloc(n, sizeof(*w->ix));
	for (i = 0; i < n; i++) {
		snprintf(w->names[i], sizeof(w->names[i]), "t%02zu", i);
		snprintf(w->ix_names[i], sizeof(w->ix_names[i]), "ix_t%02zu_w", i);
		w->ix[i] = (struct mg_index){
			.name = w->ix_names[i], .n_columns = 1, .columns = wide_w};
		w->v1[i] = (struct mg_table){.name = w->names[i],
					     .n_columns = 2,
					     .columns = wide_v1,
					     .n_primary_key = 1,
					     .primary_key = wide_pk};
		w->v2[i] = w->v1[i];
		w->v2[i].n_columns = 3;
		w->v2[i].columns = wide_v2;
		w->v2[i].n_indexes = 1;
		w->v2[i].indexes = &w->ix[i];
		mg_strbuf_printf(
			&w->sql1,
			"CREATE TABLE %s (id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,"
			" v integer, CONSTRAINT pk_%s PRIMARY KEY (id));\n",
			w->names[i], w->names[i]);
		mg_strbuf_printf(&w->sql2,
				 "ALTER TABLE %s ADD COLUMN w integer DEFAULT 0;\n"
				 "CREATE INDEX %s ON %s (w);\n",
				 w->names[i], w->ix_names[i], w->names[i]);
	}
	w->s1 = (struct mg_schema){n, w->v1, NULL};
	w->s2 = (struct mg_schema){n, w->v2, NULL};
	w->step1 = (struct mg_step){.kind = MG_STEP_SQL, .note = "create", .sql = w->sql1.ptr};
	w->step2 = (struct mg_step){.kind = MG_STEP_SQL, .note = "add w", .sql = w->sql2.ptr};
	w->m1 = (struct mg_migration){.number = 1,
				      .name = "0001_create",
				      .parent_hash = "",
				      .result_hash = "sha256:1",
				      .before = &wide_empty,
				      .after = &w->s1,
				      .up = {{1, &w->step1}, {1, &w->step1}}};
	w->m2 = (struct mg_migration){.number = 2,
				      .name = "0002_add_w",
				      .parent_hash = "sha256:1",
				      .result_hash = "sha256:2",
				      .before = &w->s1,
				      .after = &w->s2,
				      .up = {{1, &w->step2}, {1, &w->step2}}};
	w->list[0] = &w->m1;
	w->list[1] = &w->m2;
	w->reg = (struct mg_registry){2, w->list, &w->s2, "sha256:2", 0, NULL};
}

static void wide_free(struct wide *w)
{
	free(w->names);
	free(w->ix_names);
	free(w->v1);
	free(w->v2);
	free(w->ix);
	mg_strbuf_free(&w->sql1);
	mg_strbuf_free(&w->sql2);
}

/* The round trips of applying migration 2 of `n` tables. */
static unsigned long round_trips_of_migration(size_t n)
{
	struct mg_update_options to1 = {MG_UPDATE_TO, 1, 0, NULL, NULL, NULL, 0, 0, 0};
	struct mg_update_result did;
	struct mg_db *db = open_test();
	struct wide w;
	unsigned long rt;

	wide_init(&w, n);
	assert_int_equal(mg_db_exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public"), 0);
	assert_int_equal(mg_update(NULL, db, &w.reg, &to1), 0);
	db->round_trips = 0;
	if (mg_update(&did, db, &w.reg, NULL))
		fail_msg("%s", mg_db_errmsg(db));
	rt = db->round_trips;
	assert_int_equal(did.to, 2);
	assert_int_equal(did.actions, 1);
	mg_db_close(db);
	wide_free(&w);
	return rt;
}

/* A migration's round trips, the catalog queries of its drift check
 * included, do not grow with the number of tables it touches (issue 15). */
static void test_round_trips(void **state)
{
	unsigned long few = round_trips_of_migration(2), many = round_trips_of_migration(24);

	(void)state;
	print_message("round trips of one migration: %lu with 2 tables, %lu with 24\n", few, many);
	assert_int_equal(few, many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_api),      cmocka_unit_test(test_blobs),
		cmocka_unit_test(test_keyword_value), cmocka_unit_test(test_inspect_round_trip),
		cmocka_unit_test(test_lock),          cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_read_only),     cmocka_unit_test(test_hand_written),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

#else

static void test_not_built(void **state)
{
	(void)state;
	skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_not_built)};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
