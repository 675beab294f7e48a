/*
 * The SQL renderer (runtime/src/sql.c): quoting, types, CREATE statements
 * per dialect, foreign-key order, and that SQLite accepts what it renders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <string.h>

#include "sql.h"

static const char *const users_pk[] = {"id"};
static const char *const ix_email_cols[] = {"email"};
static const char *const uq_name_cols[] = {"user"};

static const struct mg_column users_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "user", .type = MG_COL_VARCHAR, .length = 64},
	{.name = "email", .type = MG_COL_TEXT, .nullable = 1, .comment = "it's mail"},
	{.name = "is_admin", .type = MG_COL_BOOLEAN, .default_sql = "false"},
	{.name = "score", .type = MG_COL_DOUBLE, .default_sql = "1.5"},
	{.name = "Created",
	 .type = MG_COL_CUSTOM,
	 .custom_type = "timestamp",
	 .nullable = 1,
	 .default_sql = "lower('x')"},
	{.name = "avatar_id", .type = MG_COL_BIGINT, .nullable = 1},
};
static const struct mg_index users_ix[] = {
	{.name = "ix_users_email", .n_columns = 1, .columns = ix_email_cols},
	{.name = "uq_users_user", .unique = 1, .n_columns = 1, .columns = uq_name_cols},
};
static const struct mg_foreign_key users_fk[] = {
	{.name = "fk_users_avatar_id",
	 .column = "avatar_id",
	 .ref_table = "media",
	 .ref_column = "id",
	 .on_delete = MG_FK_SET_NULL},
};

static const struct mg_column media_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "owner_id", .type = MG_COL_BIGINT, .nullable = 1},
	{.name = "data", .type = MG_COL_BLOB},
};
static const struct mg_foreign_key media_fk[] = {
	{.name = "fk_media_owner_id",
	 .column = "owner_id",
	 .ref_table = "users",
	 .ref_column = "id",
	 .on_delete = MG_FK_CASCADE},
};

static const char *const tag_pk[] = {"a", "b"};
static const struct mg_column tag_cols[] = {
	{.name = "a", .type = MG_COL_INTEGER},
	{.name = "b", .type = MG_COL_SMALLINT},
	{.name = "w", .type = MG_COL_REAL, .nullable = 1},
};

static const struct mg_table tables[] = {
	{.name = "media",
	 .n_columns = 3,
	 .columns = media_cols,
	 .n_primary_key = 1,
	 .primary_key = users_pk,
	 .n_foreign_keys = 1,
	 .foreign_keys = media_fk},
	{.name = "tag",
	 .n_columns = 3,
	 .columns = tag_cols,
	 .n_primary_key = 2,
	 .primary_key = tag_pk},
	{.name = "users",
	 .comment = "accounts",
	 .n_columns = 7,
	 .columns = users_cols,
	 .n_primary_key = 1,
	 .primary_key = users_pk,
	 .n_indexes = 2,
	 .indexes = users_ix,
	 .n_foreign_keys = 1,
	 .foreign_keys = users_fk},
};
static const struct mg_schema schema = {.n_tables = 3, .tables = tables};

static void test_ident(void **state)
{
	struct mg_strbuf b = {0};

	(void)state;
	mg_sql_ident(&b, "users");
	mg_strbuf_putc(&b, ' ');
	mg_sql_ident(&b, "order");
	mg_strbuf_putc(&b, ' ');
	mg_sql_ident(&b, "User");
	mg_strbuf_putc(&b, ' ');
	mg_sql_ident(&b, "a\"b");
	mg_strbuf_putc(&b, ' ');
	mg_sql_ident(&b, "_x1");
	mg_strbuf_putc(&b, ' ');
	mg_sql_ident(&b, "1x");
	mg_strbuf_putc(&b, ' ');
	mg_sql_string(&b, "it's");
	assert_string_equal(mg_strbuf_cstr(&b),
			    "users \"order\" \"User\" \"a\"\"b\" _x1 \"1x\" 'it''s'");
	mg_strbuf_free(&b);
}

static void test_literals(void **state)
{
	(void)state;
	assert_true(mg_sql_default_is_literal("0"));
	assert_true(mg_sql_default_is_literal("-1.5e-3"));
	assert_true(mg_sql_default_is_literal("'a''b'"));
	assert_true(mg_sql_default_is_literal("FALSE"));
	assert_true(mg_sql_default_is_literal("current_timestamp"));
	assert_false(mg_sql_default_is_literal("'a' || 'b'"));
	assert_false(mg_sql_default_is_literal("lower('x')"));
	assert_false(mg_sql_default_is_literal("-"));
	assert_false(mg_sql_default_is_literal("1e"));
	assert_false(mg_sql_default_is_literal("1.2.3"));
	assert_true(mg_sql_default_is_literal(".5"));
}

/* The length check of a SQLite varchar is read back in any spelling, and
 * nothing else is taken for one. */
static void test_length_check(void **state)
{
	static const char *const yes[] = {
		"length(name) <= 40",
		"LENGTH( \"name\" )<=40",
		" ( length(`name`) <= 40 ) ",
		"length([name])\n<=\t40",
	};
	static const char *const no[] = {
		"length(name) < 40",     "length(name) <= 4O",      "length(name) <= 40 AND 1",
		"length(name, 2) <= 40", "(length(name) <= 40",     "length(name) <= 99999999999",
		"length() <= 40",        "char_length(name) <= 40",
	};
	char col[64];
	unsigned n = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		col[0] = 0;
		if (!mg_sql_parse_length_check(yes[i], col, sizeof(col), &n))
			fail_msg("not read: %s", yes[i]);
		assert_string_equal(col, "name");
		assert_int_equal(n, 40);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (mg_sql_parse_length_check(no[i], col, sizeof(col), &n))
			fail_msg("read as a length check: %s", no[i]);
}

static void test_create_table_sqlite(void **state)
{
	struct mg_strbuf b = {0};

	(void)state;
	mg_sql_create_table(&b, MG_DIALECT_SQLITE, &tables[2], NULL);
	assert_string_equal(
		mg_strbuf_cstr(&b),
		"CREATE TABLE users (\n"
		"    id INTEGER NOT NULL PRIMARY KEY,\n"
		"    \"user\" VARCHAR(64) NOT NULL CHECK (length(\"user\") <= 64),\n"
		"    email TEXT,\n"
		"    is_admin BOOLEAN NOT NULL DEFAULT false,\n"
		"    score DOUBLE PRECISION NOT NULL DEFAULT 1.5,\n"
		"    \"Created\" timestamp DEFAULT (lower('x')),\n"
		"    avatar_id BIGINT,\n"
		"    CONSTRAINT fk_users_avatar_id FOREIGN KEY (avatar_id) REFERENCES media "
		"(id) ON DELETE SET NULL\n"
		");\n");
	mg_strbuf_clear(&b);
	mg_sql_create_table(&b, MG_DIALECT_SQLITE, &tables[1], "tag_new");
	assert_string_equal(mg_strbuf_cstr(&b), "CREATE TABLE tag_new (\n"
						"    a INTEGER NOT NULL,\n"
						"    b SMALLINT NOT NULL,\n"
						"    w REAL,\n"
						"    CONSTRAINT pk_tag PRIMARY KEY (a, b)\n"
						");\n");
	mg_strbuf_free(&b);
}

static void test_create_table_pg(void **state)
{
	struct mg_strbuf b = {0};

	(void)state;
	mg_sql_create_table(&b, MG_DIALECT_POSTGRESQL, &tables[0], NULL);
	assert_string_equal(
		mg_strbuf_cstr(&b),
		"CREATE TABLE media (\n"
		"    id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n"
		"    owner_id bigint,\n"
		"    data bytea NOT NULL,\n"
		"    CONSTRAINT pk_media PRIMARY KEY (id),\n"
		"    CONSTRAINT fk_media_owner_id FOREIGN KEY (owner_id) REFERENCES users "
		"(id) ON DELETE CASCADE\n"
		");\n");
	mg_strbuf_clear(&b);
	mg_sql_create_index(&b, MG_DIALECT_POSTGRESQL, &tables[2], &tables[2].indexes[1]);
	mg_sql_comments(&b, MG_DIALECT_POSTGRESQL, &tables[2]);
	assert_string_equal(mg_strbuf_cstr(&b),
			    "CREATE UNIQUE INDEX uq_users_user ON users (\"user\");\n"
			    "COMMENT ON TABLE users IS 'accounts';\n"
			    "COMMENT ON COLUMN users.email IS 'it''s mail';\n");
	mg_strbuf_free(&b);
}

static void test_order(void **state)
{
	const struct mg_table *t[3] = {&tables[0], &tables[1], &tables[2]};
	size_t order[3];
	static const struct mg_foreign_key child_fk[] = {
		{.name = "fk", .column = "p", .ref_table = "zparent", .ref_column = "id"}};
	static const struct mg_table a = {
		.name = "achild", .n_foreign_keys = 1, .foreign_keys = child_fk};
	static const struct mg_table m = {.name = "middle"};
	static const struct mg_table z = {.name = "zparent"};
	const struct mg_table *u[3] = {&a, &m, &z};

	(void)state;
	/* tag is free; media <-> users is a cycle, broken at media, the first
	 * by name. */
	mg_sql_table_order(order, t, 3);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	assert_int_equal(order[2], 2);
	mg_sql_table_order(order, u, 3);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 0);
}

static void test_schema_pg(void **state)
{
	struct mg_strbuf b = {0};
	const char *s;

	(void)state;
	mg_sql_create_schema(&b, MG_DIALECT_POSTGRESQL, &schema);
	s = mg_strbuf_cstr(&b);
	/* media is first and points at users, created later: by ALTER. */
	assert_non_null(strstr(s, "ALTER TABLE media ADD CONSTRAINT fk_media_owner_id FOREIGN KEY "
				  "(owner_id) REFERENCES users (id) ON DELETE CASCADE;\n"));
	assert_null(strstr(s, "    CONSTRAINT fk_media_owner_id"));
	assert_non_null(strstr(s, "    CONSTRAINT fk_users_avatar_id"));
	assert_true(strstr(s, "CREATE TABLE tag") < strstr(s, "CREATE TABLE media"));
	assert_true(strstr(s, "CREATE TABLE media") < strstr(s, "CREATE TABLE users"));
	mg_strbuf_free(&b);
}

static void test_schema_sqlite_runs(void **state)
{
	struct mg_strbuf b = {0};
	sqlite3 *db;
	sqlite3_stmt *st;
	char *err = NULL;

	(void)state;
	mg_sql_create_schema(&b, MG_DIALECT_SQLITE, &schema);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	if (sqlite3_exec(db, mg_strbuf_cstr(&b), NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s\n%s", err, mg_strbuf_cstr(&b));
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO users (\"user\") VALUES ('a');"
				      "INSERT INTO users (\"user\") VALUES ('b');",
				      NULL, NULL, &err),
			 SQLITE_OK);
	/* id is the rowid alias: the database numbered the rows. */
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT max(id), max(is_admin), max(score) FROM users",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);
	assert_int_equal(sqlite3_column_int(st, 1), 0);
	assert_true(sqlite3_column_double(st, 2) == 1.5);
	sqlite3_finalize(st);
	sqlite3_close(db);
	mg_strbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident),           cmocka_unit_test(test_literals),
		cmocka_unit_test(test_length_check),    cmocka_unit_test(test_create_table_sqlite),
		cmocka_unit_test(test_create_table_pg), cmocka_unit_test(test_order),
		cmocka_unit_test(test_schema_pg),       cmocka_unit_test(test_schema_sqlite_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
