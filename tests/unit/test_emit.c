/*
 * emit (gen/emit_*.c) and its reader (gen/history.c) with a hand-built
 * migration: the text is deterministic, ASCII and free of trailing
 * whitespace, reads back to the same data (emit -> read -> emit gives the
 * same bytes, over every golden migration and the demo history too), its
 * header checksum is the runtime checksum of that data, it compiles cleanly
 * as C together with a registry; and slugs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"
#include "history.h"
#include "modelgen/update.h"
#include "slug.h"
#include "util/arena.h"
#include "write.h"

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

static const struct mg_table old_tables[] = {
	{.name = "users",
	 .n_columns = 2,
	 .columns = users_cols_old,
	 .n_primary_key = 1,
	 .primary_key = users_pk},
};
static const struct mg_table new_tables[] = {
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
static const struct mg_schema old_schema = {1, old_tables, NULL};
static const struct mg_schema new_schema = {2, new_tables, NULL};

static const char *const copy_cols[] = {"id", "score"};
static const char *const copy_exprs[] = {"id", "rating"};
static const char *const down_cols[] = {"id", "rating"};
static const struct mg_rebuild rb_up = {
	.table = &new_tables[1],
	.old_name = "users",
	.n_copy = 2,
	.copy_columns = copy_cols,
	.copy_exprs = copy_exprs,
};
static const struct mg_rebuild rb_down = {
	.table = &old_tables[0],
	.old_name = "users",
	.n_copy = 2,
	.copy_columns = down_cols,
	.copy_exprs = down_cols,
};
static const unsigned rebuild_ops[] = {2, 3};

static const struct mg_op up_ops[] = {
	{.summary = "create table media"},
	{.summary = "rename column users.rating to score"},
	{.summary =
		 "drop column users.legacy */ with a very long explanation that should wrap over "
		 "the end of the line because it is so long, longer than any line of the file",
	 .flags = MG_OP_DESTRUCTIVE},
};
static const struct mg_op down_ops[] = {
	{.summary = "odd \"text\" \\ ?\?! \t\x01 \xc3\xa9"},
	{.summary = "drop table media", .flags = MG_OP_DESTRUCTIVE},
};
static const struct mg_step sqlite_up[] = {
	{.kind = MG_STEP_SQL,
	 .op = 1,
	 .sql = "CREATE TABLE media (\n  id INTEGER PRIMARY KEY\n);\n"
		"CREATE INDEX ix_media_id ON media (id);\n"},
	{.kind = MG_STEP_REBUILD, .rebuild = &rb_up, .n_ops = 2, .ops = rebuild_ops},
};
static const struct mg_step sqlite_down[] = {
	{.kind = MG_STEP_REBUILD, .rebuild = &rb_down, .n_ops = 1, .ops = rebuild_ops},
	{.kind = MG_STEP_SQL, .op = 2, .sql = "DROP TABLE media;", .flags = MG_STEP_DROPS_TABLE},
};
static const struct mg_step pg_up[] = {
	{.kind = MG_STEP_SQL,
	 .op = 2,
	 .note = "first to x: names swap",
	 .sql = "ALTER TABLE users RENAME COLUMN rating TO score;",
	 .guard = "SELECT count(*), min(id)::text FROM users WHERE length(\"x\") > 3"},
	{.kind = MG_STEP_SQL,
	 .op = 0,
	 .note = "odd \"text\" \\ ?\?! \t\x01 \xc3\xa9",
	 .sql = "SELECT '\"q\"', '\\', '?\?=', '\t', '\xc3\xa9';"},
};

static const char *const notes[] = {
	"SQLite rebuilds users: rows are copied, indexes recreated.",
	"A note */ with  two spaces and a very long text that goes on over the end of the line so "
	"that it wraps."};
static const char *const sources[] = {"models/user.h", "/abs/path/media.h"};

static const struct mg_migration migration = {
	.number = 2,
	.name = "0002_rename_rating",
	.parent_hash = "sha256:1111",
	.result_hash = "sha256:2222",
	.flags = MG_MIGRATION_IRREVERSIBLE,
	.irreversible_note = "down cannot bring back users.legacy",
	.before = &old_schema,
	.after = &new_schema,
	.up_ops = {3, up_ops},
	.down_ops = {2, down_ops},
	.up = {{2, sqlite_up}, {2, pg_up}},
	.down = {{2, sqlite_down}, {0, NULL}},
};
static const struct emit_file_info info = {"0.1.0", 2, sources, 1, 2, notes};

static char *make_migration(void)
{
	return emit_migration(&migration, &info);
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
	char *a = make_migration();
	char *b = make_migration();
	char sum[72], line[100];

	(void)state;
	assert_string_equal(a, b);
	assert_clean_text(a);
	assert_non_null(strstr(a, "[!] */ {.summary = \"drop column users.legacy */ with"));
	assert_non_null(strstr(a, "#if MG_MIGRATION_FORMAT < 2 || MG_MIGRATION_FORMAT_MIN > 2"));
	assert_non_null(strstr(a, "const struct mg_migration mg_migration_0002 = {"));
	assert_non_null(strstr(a, " * models: models/user.h, media.h\n"));
	assert_non_null(strstr(a, " * allow-drop: yes\n"));
	assert_non_null(strstr(a, "{MG_REBUILD(&rebuild_up_2, 2, 3)}"));
	assert_non_null(strstr(a, ".flags = MG_STEP_DROPS_TABLE"));
	/* The header carries the runtime's checksum of the data. */
	mg_migration_checksum(sum, &migration);
	snprintf(line, sizeof(line), " * checksum: %s\n", sum);
	assert_non_null(strstr(a, line));
	/* The rebuild shows the SQL the runtime runs. */
	assert_non_null(strstr(a, "\t *   SELECT id, rating FROM users;\n"));
	free(a);
	free(b);
}

static int steps_equal(const struct mg_plan *a, const struct mg_plan *b)
{
	size_t i;

	if (a->n_steps != b->n_steps)
		return 0;
	for (i = 0; i < a->n_steps; i++) {
		const struct mg_step *x = &a->steps[i], *y = &b->steps[i];

		if (x->kind != y->kind || x->op != y->op || x->flags != y->flags ||
		    x->n_ops != y->n_ops || (!x->sql != !y->sql) ||
		    (x->sql && strcmp(x->sql, y->sql) != 0) || (!x->guard != !y->guard) ||
		    (x->guard && strcmp(x->guard, y->guard) != 0) || (!x->note != !y->note) ||
		    (x->note && strcmp(x->note, y->note) != 0) || (!x->rebuild != !y->rebuild))
			return 0;
	}
	return 1;
}

static void test_read_back(void **state)
{
	char *text = make_migration(), *again;
	struct mg_arena *a = mg_arena_new();
	struct history_migration h;
	struct diag_list diags = {0};
	char sum[72];
	int d;

	(void)state;
	if (history_read_migration(&h, a, text, "m.c", 1, &diags) != 0)
		diag_print(&diags, stderr);
	assert_int_equal(diags.n_errors, 0);
	assert_int_equal(h.number, 2);
	assert_string_equal(h.name, "0002_rename_rating");
	assert_string_equal(h.parent_hash, "sha256:1111");
	assert_false(h.handwritten);
	assert_true(h.info.allow_drop);
	assert_string_equal(h.info.version, "0.1.0");
	assert_int_equal(h.info.n_sources, 2);
	assert_string_equal(h.info.sources[1], "media.h");
	assert_int_equal(h.info.n_notes, 2);

	/* The data is the same, so the runtime checksum is too. */
	mg_migration_checksum(sum, &h.m);
	assert_string_equal(sum, h.checksum);
	assert_int_equal(h.m.up_ops.n_ops, 3);
	assert_string_equal(h.m.up_ops.ops[2].summary, up_ops[2].summary);
	assert_int_equal(h.m.up_ops.ops[2].flags, MG_OP_DESTRUCTIVE);
	assert_string_equal(h.m.down_ops.ops[0].summary, down_ops[0].summary);
	for (d = 0; d < MG_DIALECT_COUNT; d++) {
		assert_true(steps_equal(&h.m.up[d], &migration.up[d]));
		assert_true(steps_equal(&h.m.down[d], &migration.down[d]));
	}
	assert_ptr_equal(h.m.up[0].steps[1].rebuild->table, &h.m.after->tables[1]);
	assert_int_equal(h.m.up[0].steps[1].ops[1], 3);
	assert_string_equal(h.m.after->tables[1].columns[1].comment, users_cols_new[1].comment);
	assert_string_equal(h.m.after->tables[1].columns[2].default_sql, "'a''b'");
	assert_int_equal(h.m.after->tables[0].foreign_keys[0].on_delete, MG_FK_SET_NULL);

	/* And it is written back byte for byte. */
	again = emit_migration(&h.m, &h.info);
	assert_string_equal(again, text);
	free(again);
	diag_free(&diags);
	mg_arena_free(a);
	free(text);
}

/* An edit of the SQL changes the data: its checksum no longer matches. */
static void test_edit_detected(void **state)
{
	char *text = make_migration();
	char *p = strstr(text, "RENAME COLUMN");
	struct mg_arena *a = mg_arena_new();
	struct history_migration h;
	struct diag_list diags = {0};
	char sum[72];

	(void)state;
	assert_non_null(p);
	p[0] = 'r';
	assert_int_equal(history_read_migration(&h, a, text, "m.c", 1, &diags), 0);
	mg_migration_checksum(sum, &h.m);
	assert_string_not_equal(sum, h.checksum);
	diag_free(&diags);
	mg_arena_free(a);
	free(text);
}

/* What the reader cannot read is an error at its line. */
static void test_bad_line(void **state)
{
	char *text = make_migration();
	char *bad = strstr(text, ".type = MG_COL_DOUBLE");
	struct mg_arena *a = mg_arena_new();
	struct history_migration h;
	struct diag_list diags = {0};
	unsigned line = 1;
	const char *p;

	(void)state;
	assert_non_null(bad);
	memcpy(bad + 1, "tipe", 4);
	for (p = text; p < bad; p++)
		line += *p == '\n';
	assert_int_equal(history_read_migration(&h, a, text, "m.c", 1, &diags), -1);
	assert_int_equal(diags.n_errors, 1);
	assert_int_equal(diags.items[0].loc.line, line);
	diag_free(&diags);
	mg_arena_free(a);
	free(text);
}

static void test_not_a_migration(void **state)
{
	struct mg_arena *a = mg_arena_new();
	struct history_migration h;
	struct diag_list diags = {0};

	(void)state;
	assert_int_equal(history_read_migration(&h, a, "int x;\n", "x.c", 1, &diags), -1);
	assert_int_equal(diags.n_errors, 1);
	diag_free(&diags);
	mg_arena_free(a);
}

static void test_handwritten(void **state)
{
	char *t = emit_handwritten(3, "0003_backfill", "sha256:2222");
	struct mg_arena *a = mg_arena_new();
	struct history_migration h;
	struct diag_list diags = {0};

	(void)state;
	assert_clean_text(t);
	assert_int_equal(history_read_migration(&h, a, t, "h.c", 1, &diags), 0);
	assert_true(h.handwritten);
	assert_int_equal(h.number, 3);
	assert_string_equal(h.name, "0003_backfill");
	assert_null(h.checksum);
	assert_string_equal(h.parent_hash, "sha256:2222");
	assert_string_equal(h.result_hash, "sha256:2222");
	assert_non_null(strstr(t, "static int up(struct mg_db *db)"));
	assert_non_null(strstr(t, "MG_MIGRATION_HANDWRITTEN"));
	diag_free(&diags);
	mg_arena_free(a);
	free(t);
}

/*
 * The round trip over every generated migration of the project: the demo
 * history and every golden case. Each reads back to data whose runtime
 * checksum is the one in its header and which the emitter writes again
 * byte for byte.
 */
static void test_round_trip_all(void **state)
{
	static const char *const patterns[] = {
		"/generated/migrations/*.c",
		"/tests/golden/*/generated/migrations/*.c",
		"/tests/golden/*/expected/generated/migrations/*.c",
		"/tests/golden/_histories/*/migrations/*.c",
	};
	size_t i, k, n_read = 0;

	(void)state;
	for (k = 0; k < sizeof(patterns) / sizeof(patterns[0]); k++) {
		char pattern[1024];
		glob_t g;

		snprintf(pattern, sizeof(pattern), "%s%s", MG_TEST_SOURCE_DIR, patterns[k]);
		if (glob(pattern, 0, NULL, &g) != 0)
			continue;
		for (i = 0; i < g.gl_pathc; i++) {
			struct mg_arena *a = mg_arena_new();
			struct history_migration h;
			struct diag_list diags = {0};
			char *text = NULL, *again;
			char sum[72];

			/* A golden case holds a folder under a migration's name. */
			if (write_read_file(&text, g.gl_pathv[i]) != 0) {
				mg_arena_free(a);
				continue;
			}
			/* Golden inputs that are broken on purpose are not emitter output. */
			if (!strstr(text, " * modelgen-migration: 2 generated\n") ||
			    strstr(g.gl_pathv[i], "/check_edited") ||
			    strstr(g.gl_pathv[i], "/check_not_a_migration")) {
				free(text);
				mg_arena_free(a);
				continue;
			}
			if (history_read_migration(&h, a, text, g.gl_pathv[i], 1, &diags) != 0)
				diag_print(&diags, stderr);
			assert_int_equal(diags.n_errors, 0);
			mg_migration_checksum(sum, &h.m);
			if (strcmp(sum, h.checksum) != 0)
				fprintf(stderr, "%s: checksum differs\n", g.gl_pathv[i]);
			assert_string_equal(sum, h.checksum);
			again = emit_migration(&h.m, &h.info);
			if (strcmp(again, text) != 0)
				fprintf(stderr, "%s: written back differently\n", g.gl_pathv[i]);
			assert_string_equal(again, text);
			n_read++;
			free(again);
			free(text);
			diag_free(&diags);
			mg_arena_free(a);
		}
		globfree(&g);
	}
	assert_true(n_read >= 12); /* the demo alone has 12 */
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
	char *mig = make_migration();
	struct emit_registry_entry entries[] = {{1, "0001_init"}, {2, "0002_rename_rating"}};
	static const char *const foreign[] = {"audit log", "foreign_tables", "x\"y"};
	/* With foreign tables (names C must escape, one that is the array's). */
	char *reg = emit_registry(2, entries, &new_schema, "sha256:2222", 3, foreign);
	char *reg0 = emit_registry(0, NULL, &old_schema, "", 0, NULL);
	char *hand = emit_handwritten(1, "0001_init", "");
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
	snprintf(path, sizeof(path), "%s/h.c", dir);
	assert_int_equal(write_text(path, hand), 0);
	for (i = 0; i < sizeof(compilers) / sizeof(compilers[0]); i++) {
		const char *extra = strncmp(compilers[i], "clang", 5) == 0
					    ? " -Wmissing-variable-declarations"
					    : "";

		snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", compilers[i]);
		if (system(cmd) != 0)
			continue;
		snprintf(cmd, sizeof(cmd),
			 "cd %s && %s -std=c11 -Wall -Wextra -Werror -Wpedantic%s "
			 "-I %s/runtime/include -c m.c r.c r0.c h.c",
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
	free(hand);
}

static void test_slug(void **state)
{
	char s[SLUG_MAX + 1];
	struct diff_op ops[2];
	struct diff_result diff = {1, ops, NULL};

	(void)state;
	slug_make(s, "Add e-mail to Users!", NULL, 0);
	assert_string_equal(s, "add_e_mail_to_users");
	slug_make(s, "__", NULL, 0);
	assert_string_equal(s, "migration");
	slug_make(s, "a very long message that goes on and on and on beyond forty chars", NULL, 0);
	assert_true(strlen(s) <= SLUG_MAX);
	assert_string_equal(s, "a_very_long_message_that_goes_on_and_on");
	slug_make(s, NULL, &diff, 1);
	assert_string_equal(s, "init");

	memset(ops, 0, sizeof(ops));
	ops[0].kind = DIFF_ADD_COLUMN;
	ops[0].new_table = &new_tables[1];
	ops[0].new_column = &users_cols_new[2];
	slug_make(s, NULL, &diff, 0);
	assert_string_equal(s, "add_users_email");
	ops[0].kind = DIFF_RENAME_COLUMN;
	ops[0].old_column = &users_cols_old[1];
	slug_make(s, NULL, &diff, 0);
	assert_string_equal(s, "rename_rating");
	ops[1] = ops[0];
	diff.n_ops = 2;
	slug_make(s, NULL, &diff, 0);
	assert_string_equal(s, "rename_rating_and_more");
	/* A key renamed along with a column is not news of its own. */
	ops[1].kind = DIFF_ADD_INDEX;
	ops[1].index = &users_ix[0];
	ops[1].old_index = &users_ix[0];
	slug_make(s, NULL, &diff, 0);
	assert_string_equal(s, "rename_rating");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic_and_clean),
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_edit_detected),
		cmocka_unit_test(test_bad_line),
		cmocka_unit_test(test_not_a_migration),
		cmocka_unit_test(test_handwritten),
		cmocka_unit_test(test_round_trip_all),
		cmocka_unit_test(test_compiles),
		cmocka_unit_test(test_slug),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
