/*
 * emit (gen/emit.c) with a hand-built plan: the migration text is
 * deterministic, ASCII and free of trailing whitespace, reads back with its
 * header, SQL and schema delta, detects edits by its checksum, compiles
 * cleanly as C together with a registry, and slugs and deltas behave.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"
#include "snapshot.h"

static const char *const users_pk[] = {"id"};
static const char *const ix_email[] = {"email"};
static const struct mg_column users_cols_old[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "rating", .type = MG_COL_DOUBLE},
};
static const struct mg_column users_cols_new[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "score", .type = MG_COL_DOUBLE, .comment = "a \"score\" */ ?\?= \xc3\xa9"},
	{.name = "email",
	 .type = MG_COL_VARCHAR,
	 .length = 64,
	 .nullable = 1,
	 .default_sql = "'a''b'"},
};
static const struct mg_index users_ix[] = {
	{.name = "ix_users_email", .n_columns = 1, .columns = ix_email},
};
static const struct mg_foreign_key media_fk[] = {
	{.name = "fk_media_owner_id",
	 .column = "owner_id",
	 .ref_table = "users",
	 .ref_column = "id",
	 .on_delete = MG_FK_SET_NULL},
};
static const struct mg_column media_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "owner_id", .type = MG_COL_BIGINT, .nullable = 1},
};
static const struct mg_column keep_cols[] = {
	{.name = "k", .type = MG_COL_TEXT},
};

static const struct mg_table old_tables[] = {
	{.name = "keep", .n_columns = 1, .columns = keep_cols},
	{.name = "users",
	 .n_columns = 2,
	 .columns = users_cols_old,
	 .n_primary_key = 1,
	 .primary_key = users_pk},
};
static const struct mg_table new_tables[] = {
	{.name = "keep", .n_columns = 1, .columns = keep_cols},
	{.name = "media",
	 .n_columns = 2,
	 .columns = media_cols,
	 .n_foreign_keys = 1,
	 .foreign_keys = media_fk},
	{.name = "users",
	 .comment = "Accounts.",
	 .n_columns = 3,
	 .columns = users_cols_new,
	 .n_primary_key = 1,
	 .primary_key = users_pk,
	 .n_indexes = 1,
	 .indexes = users_ix},
};
static const struct mg_schema old_schema = {2, old_tables, NULL};
static const struct mg_schema new_schema = {3, new_tables, NULL};

static const char *const copy_cols[] = {"id", "score"};
static const char *const copy_exprs[] = {"id", "rating"};
static const struct mg_rebuild rb_up = {
	.table = &new_tables[2],
	.old_name = "users",
	.n_copy = 2,
	.copy_columns = copy_cols,
	.copy_exprs = copy_exprs,
};
static const struct mg_column users_cols_tmp[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
};
static const struct mg_table tmp_table = {
	.name = "users", .n_columns = 1, .columns = users_cols_tmp};
static const struct mg_rebuild rb_down = {.table = &tmp_table, .old_name = "users"};

static const struct mg_step sqlite_up[] = {
	{.kind = MG_STEP_SQL,
	 .summary = "create table media",
	 .sql = "CREATE TABLE media (\n  id INTEGER PRIMARY KEY\n);\n"
		"CREATE INDEX ix_media_id ON media (id);\n"},
	{.kind = MG_STEP_REBUILD, .summary = "rebuild users", .rebuild = &rb_up},
};
static const struct mg_step sqlite_down[] = {
	{.kind = MG_STEP_REBUILD, .summary = "rebuild users", .rebuild = &rb_down},
	{.kind = MG_STEP_SQL, .summary = "drop table media", .sql = "DROP TABLE media;"},
};
static const struct mg_step pg_up[] = {
	{.kind = MG_STEP_SQL,
	 .summary = "rename column users.rating to score, with a summary long enough to be "
		    "wrapped over three lines of the comment that names the step in the "
		    "migration file",
	 .sql = "ALTER TABLE users RENAME COLUMN rating TO score;"},
	{.kind = MG_STEP_SQL,
	 .summary = "odd \"text\" \\ ?\?! \t\x01 \xc3\xa9",
	 .sql = "SELECT '\"q\"', '\\', '?\?=', '\t', '\xc3\xa9';"},
};

static struct plan_summary_line summary[] = {
	{"create table media", 0},
	{"rename column users.rating to score", 0},
	{"drop column users.legacy */ with a very long explanation that should wrap over the "
	 "end of the line because it is so long",
	 1},
};
static const char *notes[] = {"SQLite rebuilds users: rows are copied, indexes recreated."};

static void make_plan(struct plan_result *p)
{
	memset(p, 0, sizeof(*p));
	p->up[MG_DIALECT_SQLITE] = (struct mg_plan){2, sqlite_up};
	p->down[MG_DIALECT_SQLITE] = (struct mg_plan){2, sqlite_down};
	p->up[MG_DIALECT_POSTGRESQL] = (struct mg_plan){2, pg_up};
	p->before = (struct mg_schema){1, &old_tables[1], NULL};
	p->after = (struct mg_schema){2, &new_tables[1], NULL};
	p->n_summary = 3;
	p->summary = summary;
	p->n_notes = 1;
	p->notes = notes;
	p->irreversible_note = "down cannot bring back users.legacy";
}

static const char *const sources[] = {"models/user.h", "/abs/path/media.h"};

static char *make_migration(struct mg_schema *db, struct mg_schema *da)
{
	struct plan_result plan;
	struct emit_migration_input in;

	make_plan(&plan);
	emit_schema_delta(db, da, &old_schema, &new_schema);
	memset(&in, 0, sizeof(in));
	in.number = 2;
	in.name = "0002_rename_rating";
	in.n_sources = 2;
	in.sources = sources;
	in.parent_hash = "sha256:1111";
	in.result_hash = "sha256:2222";
	in.allow_drop = 1;
	in.plan = &plan;
	in.delta_before = db;
	in.delta_after = da;
	return emit_migration(&in);
}

static void assert_clean_text(const char *t)
{
	const char *p;

	for (p = t; *p; p++) {
		assert_true((unsigned char)*p < 0x80);
		assert_true(*p != '\r');
		if (*p == '\n' && p > t)
			assert_true(p[-1] != ' ' && p[-1] != '\t');
	}
	assert_true(p > t && p[-1] == '\n');
	assert_null(strstr(t, "/abs/"));
	assert_null(strstr(t, "??")); /* no trigraph anywhere, comments included */
}

static void test_deterministic_and_clean(void **state)
{
	struct mg_schema db, da, db2, da2;
	char *a = make_migration(&db, &da);
	char *b = make_migration(&db2, &da2);

	(void)state;
	assert_string_equal(a, b);
	assert_clean_text(a);
	assert_non_null(strstr(a, "[!] drop column users.legacy * / with"));
	assert_non_null(strstr(a, "#if MG_MIGRATION_FORMAT != 1"));
	assert_non_null(strstr(a, "const struct mg_migration mg_migration_0002 = {"));
	assert_non_null(strstr(a, " * models: models/user.h, media.h\n"));
	assert_non_null(strstr(a, " * allow-drop: yes\n"));
	free(a);
	free(b);
	emit_schema_free_shallow(&db);
	emit_schema_free_shallow(&da);
	emit_schema_free_shallow(&db2);
	emit_schema_free_shallow(&da2);
}

static void test_read_back(void **state)
{
	struct mg_schema db, da;
	char *text = make_migration(&db, &da);
	struct emit_file *f = NULL;
	struct diag_list diags = {0};
	const struct emit_sql_item *it;

	(void)state;
	if (emit_read(&f, text, "m.c", &diags) != 0)
		diag_print(&diags, stderr);
	assert_non_null(f);
	assert_int_equal(f->number, 2);
	assert_string_equal(f->name, "0002_rename_rating");
	assert_string_equal(f->parent_hash, "sha256:1111");
	assert_string_equal(f->result_hash, "sha256:2222");
	assert_false(f->handwritten);
	assert_true(f->allow_drop);
	assert_string_equal(f->checksum, f->actual_checksum);

	assert_int_equal(f->n_items[MG_DIALECT_SQLITE][0], 2);
	it = &f->items[MG_DIALECT_SQLITE][0][0];
	assert_string_equal(it->summary, "create table media");
	assert_string_equal(it->sql, sqlite_up[0].sql);
	it = &f->items[MG_DIALECT_SQLITE][0][1];
	assert_true(it->rebuild);
	assert_non_null(strstr(it->sql, "INSERT INTO"));
	assert_non_null(strstr(it->sql, "SELECT id, rating FROM users;"));
	assert_int_equal(f->n_items[MG_DIALECT_SQLITE][1], 2);
	assert_int_equal(f->n_items[MG_DIALECT_POSTGRESQL][0], 2);
	assert_string_equal(f->items[MG_DIALECT_POSTGRESQL][0][1].sql, pg_up[1].sql);
	assert_string_equal(f->items[MG_DIALECT_POSTGRESQL][0][0].summary, pg_up[0].summary);
	assert_string_equal(f->items[MG_DIALECT_POSTGRESQL][0][0].sql, pg_up[0].sql);
	assert_int_equal(f->n_items[MG_DIALECT_POSTGRESQL][1], 0);

	/* The delta: users before; media and users after; keep in neither. */
	assert_int_equal(f->delta_before->n_tables, 1);
	assert_string_equal(f->delta_before->tables[0].name, "users");
	assert_int_equal(f->delta_after->n_tables, 2);
	assert_string_equal(f->delta_after->tables[1].columns[1].comment,
			    users_cols_new[1].comment);
	{
		struct mg_schema applied;
		char h1[72], h2[72];

		emit_apply_delta(&applied, &old_schema, f->delta_before, f->delta_after);
		snapshot_hash(h1, &applied);
		snapshot_hash(h2, &new_schema);
		assert_string_equal(h1, h2);
		emit_schema_free_shallow(&applied);
	}
	emit_file_free(f);
	diag_free(&diags);
	free(text);
	emit_schema_free_shallow(&db);
	emit_schema_free_shallow(&da);
}

static void test_checksum_detects_edit(void **state)
{
	struct mg_schema db, da;
	char *text = make_migration(&db, &da);
	struct emit_file *f = NULL;
	struct diag_list diags = {0};
	char *p = strstr(text, "RENAME COLUMN");

	(void)state;
	assert_non_null(p);
	p[0] = 'r';
	assert_int_equal(emit_read(&f, text, "m.c", &diags), 0);
	assert_string_not_equal(f->checksum, f->actual_checksum);
	emit_file_free(f);
	diag_free(&diags);
	free(text);
	emit_schema_free_shallow(&db);
	emit_schema_free_shallow(&da);
}

/* An error in the embedded schema delta names the line of the file. */
static void test_bad_delta_line(void **state)
{
	struct mg_schema db, da;
	char *text = make_migration(&db, &da);
	struct emit_file *f = NULL;
	struct diag_list diags = {0};
	char *delta = strstr(text, "/* modelgen-delta-before:");
	char *bad;
	unsigned line = 1;
	const char *p;

	(void)state;
	assert_non_null(delta);
	bad = strstr(delta, "\"bigint\"");
	assert_non_null(bad);
	memcpy(bad + 1, "bogus ", 6);
	for (p = text; p < bad; p++)
		line += *p == '\n';
	assert_int_equal(emit_read(&f, text, "m.c", &diags), -1);
	assert_int_equal(diags.n_errors, 1);
	assert_int_equal(diags.items[0].loc.line, line);
	diag_free(&diags);
	free(text);
	emit_schema_free_shallow(&db);
	emit_schema_free_shallow(&da);
}

static void test_not_a_migration(void **state)
{
	struct emit_file *f = NULL;
	struct diag_list diags = {0};

	(void)state;
	assert_int_equal(emit_read(&f, "int x;\n", "x.c", &diags), -1);
	assert_null(f);
	assert_int_equal(diags.n_errors, 1);
	diag_free(&diags);
}

static void test_handwritten(void **state)
{
	char *t = emit_handwritten(3, "0003_backfill", "sha256:2222");
	struct emit_file *f = NULL;
	struct diag_list diags = {0};

	(void)state;
	assert_clean_text(t);
	assert_int_equal(emit_read(&f, t, "h.c", &diags), 0);
	assert_true(f->handwritten);
	assert_null(f->checksum);
	assert_string_equal(f->parent_hash, "sha256:2222");
	assert_string_equal(f->result_hash, "sha256:2222");
	assert_non_null(strstr(t, "static int up(struct mg_db *db)"));
	assert_non_null(strstr(t, "MG_MIGRATION_HANDWRITTEN"));
	emit_file_free(f);
	diag_free(&diags);
	free(t);
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* The generated C compiles with every warning as an error, under each
 * compiler found. */
static void test_compiles(void **state)
{
	struct mg_schema db, da;
	char *mig = make_migration(&db, &da);
	struct emit_registry_entry entries[] = {{1, "0001_init"}, {2, "0002_rename_rating"}};
	char *reg = emit_registry(2, entries, &new_schema, "sha256:2222");
	char *reg0 = emit_registry(0, NULL, &old_schema, "");
	char dir[] = "/tmp/mg-test-emit.XXXXXX";
	char path[256], cmd[1024];
	static const char *const compilers[] = {"gcc", "clang-14", "clang"};
	size_t i;
	int ran = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m.c", dir);
	assert_int_equal(write_text(path, mig), 0);
	snprintf(path, sizeof(path), "%s/r.c", dir);
	assert_int_equal(write_text(path, reg), 0);
	snprintf(path, sizeof(path), "%s/r0.c", dir);
	assert_int_equal(write_text(path, reg0), 0);
	for (i = 0; i < sizeof(compilers) / sizeof(compilers[0]); i++) {
		const char *extra = strncmp(compilers[i], "clang", 5) == 0
					    ? " -Wmissing-variable-declarations"
					    : "";

		snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", compilers[i]);
		if (system(cmd) != 0)
			continue;
		snprintf(cmd, sizeof(cmd),
			 "cd %s && %s -std=c11 -Wall -Wextra -Werror -Wpedantic%s "
			 "-I %s/runtime/include -c m.c r.c r0.c",
			 dir, compilers[i], extra, MG_TEST_SOURCE_DIR);
		assert_int_equal(system(cmd), 0);
		ran++;
	}
	assert_true(ran > 0);
	if (getenv("MG_TEST_KEEP")) {
		fprintf(stderr, "kept %s\n", dir);
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
out:
	free(mig);
	free(reg);
	free(reg0);
	emit_schema_free_shallow(&db);
	emit_schema_free_shallow(&da);
}

static void test_slug(void **state)
{
	char s[EMIT_SLUG_MAX + 1];
	struct diff_op ops[2];
	struct diff_result diff = {1, ops, NULL};

	(void)state;
	emit_slug(s, "Add e-mail to Users!", NULL, 0);
	assert_string_equal(s, "add_e_mail_to_users");
	emit_slug(s, "__", NULL, 0);
	assert_string_equal(s, "migration");
	emit_slug(s, "a very long message that goes on and on and on beyond forty chars", NULL, 0);
	assert_true(strlen(s) <= EMIT_SLUG_MAX);
	assert_string_equal(s, "a_very_long_message_that_goes_on_and_on");
	emit_slug(s, NULL, &diff, 1);
	assert_string_equal(s, "init");

	memset(ops, 0, sizeof(ops));
	ops[0].kind = DIFF_ADD_COLUMN;
	ops[0].new_table = &new_tables[2];
	ops[0].new_column = &users_cols_new[2];
	emit_slug(s, NULL, &diff, 0);
	assert_string_equal(s, "add_users_email");
	ops[0].kind = DIFF_RENAME_COLUMN;
	ops[0].old_column = &users_cols_old[1];
	emit_slug(s, NULL, &diff, 0);
	assert_string_equal(s, "rename_rating");
	ops[1] = ops[0];
	diff.n_ops = 2;
	emit_slug(s, NULL, &diff, 0);
	assert_string_equal(s, "rename_rating_and_more");
	/* A key renamed along with a column is not news of its own. */
	ops[1].kind = DIFF_ADD_INDEX;
	ops[1].index = &users_ix[0];
	ops[1].old_index = &users_ix[0];
	emit_slug(s, NULL, &diff, 0);
	assert_string_equal(s, "rename_rating");
}

static void test_delta(void **state)
{
	struct mg_schema before, after, applied, back;

	(void)state;
	emit_schema_delta(&before, &after, &old_schema, &new_schema);
	assert_int_equal(before.n_tables, 1);
	assert_int_equal(after.n_tables, 2);
	emit_apply_delta(&applied, &old_schema, &before, &after);
	assert_int_equal(applied.n_tables, 3);
	assert_string_equal(applied.tables[0].name, "keep");
	assert_string_equal(applied.tables[1].name, "media");
	/* And backwards. */
	emit_apply_delta(&back, &applied, &after, &before);
	assert_int_equal(back.n_tables, 2);
	assert_string_equal(back.tables[1].name, "users");
	assert_int_equal(back.tables[1].n_columns, 2);
	emit_schema_free_shallow(&before);
	emit_schema_free_shallow(&after);
	emit_schema_free_shallow(&applied);
	emit_schema_free_shallow(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic_and_clean),
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_checksum_detects_edit),
		cmocka_unit_test(test_not_a_migration),
		cmocka_unit_test(test_bad_delta_line),
		cmocka_unit_test(test_handwritten),
		cmocka_unit_test(test_compiles),
		cmocka_unit_test(test_slug),
		cmocka_unit_test(test_delta),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
