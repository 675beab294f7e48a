/*
 * The stored copy of a migration (runtime/src/migration_copy.c): every
 * generated migration of the demo and the golden cases written, read back
 * and written again gives the same bytes and the same down SQL, on both
 * dialects; a damaged copy, one of the other dialect and one written by a
 * newer modelgen (a field, flag or step kind unknown here) are refused,
 * never crash.
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

#include "history.h"
#include "migration_copy.h"
#include "sql.h"
#include "util/arena.h"
#include "write.h"

/* Writes `m`'s copy for `d`, reads it back, and checks the two agree. */
static void round_trip(const struct mg_migration *m, enum mg_dialect d, const char *what)
{
	struct mg_strbuf a = {0}, b = {0}, why = {0}, sql_a = {0}, sql_b = {0};
	struct mg_arena *arena = mg_arena_new();
	struct mg_migration *back = NULL;
	int code = -1, rc;

	mg_copy_write(&a, m, d);
	assert_false(mg_strbuf_failed(&a));
	rc = mg_copy_read(&back, &code, arena, mg_strbuf_cstr(&a), d, &why);
	if (rc)
		fprintf(stderr, "%s: %s\n", what, mg_strbuf_cstr(&why));
	assert_int_equal(rc, 0);
	assert_int_equal(code, m->run_down != NULL);
	mg_copy_write(&b, back, d);
	/* Past the first line, which says whether the down is code: the copy
	 * read back has no code. */
	if (strcmp(strchr(mg_strbuf_cstr(&a), '\n'), strchr(mg_strbuf_cstr(&b), '\n')) != 0)
		fprintf(stderr, "%s: written back differently\n", what);
	assert_string_equal(strchr(mg_strbuf_cstr(&a), '\n'), strchr(mg_strbuf_cstr(&b), '\n'));
	/* What the undo runs and prints is the same. */
	mg_sql_plan(&sql_a, m, 1, d);
	mg_sql_plan(&sql_b, back, 1, d);
	if (!m->run_down)
		assert_string_equal(mg_strbuf_cstr(&sql_a), mg_strbuf_cstr(&sql_b));
	mg_strbuf_free(&a);
	mg_strbuf_free(&b);
	mg_strbuf_free(&why);
	mg_strbuf_free(&sql_a);
	mg_strbuf_free(&sql_b);
	mg_arena_free(arena);
}

static void test_generated(void **state)
{
	static const char *const patterns[] = {
		"/generated/migrations/*.c",
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
			char *text = NULL;

			if (write_read_file(&text, g.gl_pathv[i]) != 0 ||
			    !strstr(text, " * modelgen-migration: 2 generated\n") ||
			    history_read_migration(&h, a, text, g.gl_pathv[i], 1, &diags) != 0) {
				free(text);
				diag_free(&diags);
				mg_arena_free(a);
				continue;
			}
			round_trip(&h.m, MG_DIALECT_SQLITE, g.gl_pathv[i]);
			round_trip(&h.m, MG_DIALECT_POSTGRESQL, g.gl_pathv[i]);
			n_read++;
			free(text);
			diag_free(&diags);
			mg_arena_free(a);
		}
		globfree(&g);
	}
	assert_true(n_read >= 12); /* the demo alone has 12 */
}

/* A hand-built migration with every kind of value: a rebuild, step flags,
 * a guard, notes, lock facts and targets, NULL and empty strings, a down in
 * code. */
static const char *const pk[] = {"id"};
static const char *const ix_cols[] = {"a", "b"};
static const struct mg_column cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "a", .type = MG_COL_VARCHAR, .length = 16, .default_sql = "''", .comment = "a\nb"},
	{.name = "b", .type = MG_COL_CUSTOM, .custom_type = "numeric(10,2)", .nullable = 1},
};
static const struct mg_index ixs[] = {{"ix_t_a_b", 1, 2, ix_cols}};
static const struct mg_foreign_key fks[] = {{"fk_t_id", "id", "u", "id", MG_FK_SET_NULL}};
static const struct mg_table tables[] = {{.name = "t",
					  .n_columns = 3,
					  .columns = cols,
					  .n_primary_key = 1,
					  .primary_key = pk,
					  .n_indexes = 1,
					  .indexes = ixs,
					  .n_foreign_keys = 1,
					  .foreign_keys = fks}};
static const struct mg_schema schema = {1, tables, NULL};
static const char *const copy_cols[] = {"id", "a"};
static const char *const copy_exprs[] = {"id", "coalesce(a, '')"};
static const struct mg_rebuild rb = {&tables[0], "t_old", 2, copy_cols, copy_exprs};
static const struct mg_op ops[] = {{"rebuild t", MG_OP_DESTRUCTIVE}, {"x; y", 0}};
static const unsigned rb_ops[] = {1, 2};
static const struct mg_step steps[] = {
	{.kind = MG_STEP_SQL,
	 .op = 2,
	 .sql = "SELECT 1;\n",
	 .note = "",
	 .flags = MG_STEP_DROPS_TABLE,
	 .guard = "SELECT 0, NULL"},
	{.kind = MG_STEP_REBUILD,
	 .rebuild = &rb,
	 .n_ops = 2,
	 .ops = rb_ops,
	 .flags = MG_STEP_IN_PLACE},
};
/* PostgreSQL steps of issue 13: lock facts, a target, steps outside the
 * migration's transaction; the undo of a migration runs them as a recorded
 * sequence only when its copy keeps them. */
static const struct mg_step pg_steps[] = {
	{.kind = MG_STEP_SQL,
	 .op = 1,
	 .sql = "DROP INDEX CONCURRENTLY ix_t_a_b;\n",
	 .flags = MG_STEP_NO_TX,
	 .locks = "SHARE UPDATE EXCLUSIVE on t; no scan; no rewrite",
	 .target = "ix_t_a_b"},
	{.kind = MG_STEP_SQL,
	 .op = 2,
	 .sql = "WITH batch AS (SELECT 1) SELECT 1;\n",
	 .note = "existing NULLs filled in batches",
	 .flags = MG_STEP_BATCHED,
	 .locks = "ROW EXCLUSIVE on t; scans; no rewrite",
	 .target = "t.a"},
	{.kind = MG_STEP_SQL,
	 .op = 2,
	 .sql = "ALTER TABLE t VALIDATE CONSTRAINT fk_t_id;\n",
	 .flags = MG_STEP_OWN_TX,
	 .locks = "[!] ACCESS EXCLUSIVE on t; scans; rewrites"},
};
static int code_down(struct mg_db *db)
{
	(void)db;
	return 0;
}
static const struct mg_migration hand = {
	.number = 7,
	.name = "0007_x",
	.parent_hash = "",
	.result_hash = "sha256:7",
	.flags = MG_MIGRATION_IRREVERSIBLE | MG_MIGRATION_PLAIN_DDL | MG_MIGRATION_BLOCKING_OK,
	.irreversible_note = "rows of t",
	.before = &schema,
	.after = &schema,
	.down_ops = {2, ops},
	.down = {{2, steps}, {3, pg_steps}},
	.run_down = code_down,
};

static void test_hand_built(void **state)
{
	struct mg_strbuf a = {0};
	struct mg_migration plain = hand;

	(void)state;
	round_trip(&hand, MG_DIALECT_SQLITE, "hand");
	round_trip(&hand, MG_DIALECT_POSTGRESQL, "hand");
	plain.run_down = NULL;
	round_trip(&plain, MG_DIALECT_SQLITE, "plain");
	round_trip(&plain, MG_DIALECT_POSTGRESQL, "plain");
	/* The PostgreSQL copy keeps what its recorded run needs. */
	mg_copy_write(&a, &plain, MG_DIALECT_POSTGRESQL);
	assert_non_null(strstr(mg_strbuf_cstr(&a), "target=8:ix_t_a_b"));
	assert_non_null(strstr(mg_strbuf_cstr(&a), "target=3:t.a"));
	assert_non_null(strstr(mg_strbuf_cstr(&a), ":[!] ACCESS EXCLUSIVE on t; scans; rewrites"));
	assert_non_null(strstr(mg_strbuf_cstr(&a), "flags=16;")); /* MG_STEP_NO_TX */
	assert_non_null(strstr(mg_strbuf_cstr(&a), "flags=32;")); /* MG_STEP_BATCHED */
	assert_non_null(strstr(mg_strbuf_cstr(&a), "flags=64;")); /* MG_STEP_OWN_TX */
	mg_strbuf_clear(&a);
	mg_copy_write(&a, &hand, MG_DIALECT_SQLITE);
	assert_int_equal(mg_copy_needs_code(mg_strbuf_cstr(&a)), 1);
	mg_strbuf_clear(&a);
	mg_copy_write(&a, &plain, MG_DIALECT_SQLITE);
	assert_int_equal(mg_copy_needs_code(mg_strbuf_cstr(&a)), 0);
	assert_int_equal(mg_copy_needs_code("modelgen-undo 2 sqlite steps\n{}"), -1);
	assert_int_equal(mg_copy_needs_code(""), -1);
	mg_strbuf_free(&a);
}

/* Reads `text`: must be refused with `want` in the reason. */
static void refused(const char *text, enum mg_dialect d, const char *want)
{
	struct mg_arena *arena = mg_arena_new();
	struct mg_strbuf why = {0};
	struct mg_migration *m = NULL;
	int code;

	assert_int_equal(mg_copy_read(&m, &code, arena, text, d, &why), -1);
	assert_null(m);
	if (want && !strstr(mg_strbuf_cstr(&why), want))
		fail_msg("'%s' does not say '%s'", mg_strbuf_cstr(&why), want);
	mg_strbuf_free(&why);
	mg_arena_free(arena);
}

static void test_refused(void **state)
{
	struct mg_strbuf a = {0};
	struct mg_migration plain = hand;
	char *text, *cut;
	size_t n, i;

	(void)state;
	plain.run_down = NULL;
	mg_copy_write(&a, &plain, MG_DIALECT_SQLITE);
	text = strdup(mg_strbuf_cstr(&a));
	n = strlen(text);
	refused(text, MG_DIALECT_POSTGRESQL, "another dialect");
	/* Cut anywhere: refused, never a crash or a read past the end. */
	for (i = 0; i < n - 1; i++) {
		cut = strndup(text, i);
		refused(cut, MG_DIALECT_SQLITE, NULL);
		free(cut);
	}
	refused("modelgen-undo 1 sqlite steps\n{name=1:x\nnewfield=1;}", MG_DIALECT_SQLITE,
		"a field this modelgen does not know: newfield");
	refused("modelgen-undo 1 sqlite steps\n{name=1:x\nflags=256;}", MG_DIALECT_SQLITE,
		"a flag this modelgen does not know");
	refused("modelgen-undo 1 sqlite steps\n{name=1:x\ndown=[{kind=9;}]}", MG_DIALECT_SQLITE,
		"a step kind this modelgen does not know");
	refused("modelgen-undo 1 sqlite steps\n{name=99:x}", MG_DIALECT_SQLITE, "past the end");
	refused("modelgen-undo 1 sqlite steps\n{number=1;}", MG_DIALECT_SQLITE, "no name");
	refused("modelgen-undo 1 sqlite steps\n{name=1:x}}", MG_DIALECT_SQLITE, "after the end");
	free(text);
	mg_strbuf_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_hand_built),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
