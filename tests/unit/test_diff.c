/*
 * The schema diff (gen/diff.c): pairing by name and MG_RENAMED_FROM, the
 * operations and their order, and the refusals with their messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "diff.h"

static const char *const pk_id[] = {"id"};
static const char *const pk_ab[] = {"id", "n"};
static const char *const c_n[] = {"n"};
static const char *const c_nm[] = {"n", "m"};

#define ID_COL                                                                                     \
	{                                                                                          \
		.name = "id", .type = MG_COL_BIGINT, .identity = 1                                 \
	}

static const struct mg_column base_cols[] = {
	ID_COL,
	{.name = "n", .type = MG_COL_INTEGER},
	{.name = "m", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_index base_ix[] = {{.name = "ix_t_n", .n_columns = 1, .columns = c_n}};
static const struct mg_table base_t = {.name = "t",
				       .n_columns = 3,
				       .columns = base_cols,
				       .n_primary_key = 1,
				       .primary_key = pk_id,
				       .n_indexes = 1,
				       .indexes = base_ix};
static const struct mg_schema base = {1, &base_t, NULL};

struct result {
	struct diff_result r;
	struct diag_list d;
	int rc;
};

static void run(struct result *res, const struct mg_schema *a, const struct mg_schema *b,
		const struct model *model, int allow_drop)
{
	struct diff_options o = {allow_drop, 0, NULL};

	memset(res, 0, sizeof(*res));
	res->rc = diff_schemas(&res->r, a, b, model, &o, &res->d);
}

static void done(struct result *res)
{
	diff_result_free(&res->r);
	diag_free(&res->d);
}

static void test_no_change(void **state)
{
	struct result r;

	(void)state;
	run(&r, &base, &base, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 0);
	done(&r);
}

static void test_rename_column_and_hint_ignored(void **state)
{
	static const struct mg_column cols[] = {
		ID_COL,
		{.name = "k", .type = MG_COL_INTEGER, .renamed_from = "n"},
		{.name = "m", .type = MG_COL_TEXT, .nullable = 1, .renamed_from = "gone"},
	};
	static const char *const c_k[] = {"k"};
	static const struct mg_index ix[] = {{.name = "ix_t_k", .n_columns = 1, .columns = c_k}};
	static const struct mg_table t = {.name = "t",
					  .n_columns = 3,
					  .columns = cols,
					  .n_primary_key = 1,
					  .primary_key = pk_id,
					  .n_indexes = 1,
					  .indexes = ix};
	static const struct mg_schema s = {1, &t, NULL};
	struct result r;

	(void)state;
	run(&r, &base, &s, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 2);
	assert_int_equal(r.r.ops[0].kind, DIFF_RENAME_COLUMN);
	assert_string_equal(r.r.ops[0].old_column->name, "n");
	assert_string_equal(r.r.ops[0].new_column->name, "k");
	/* The index follows the rename: renamed, not dropped and added. */
	assert_int_equal(r.r.ops[1].kind, DIFF_ADD_INDEX);
	assert_string_equal(r.r.ops[1].old_index->name, "ix_t_n");
	assert_string_equal(r.r.ops[1].index->name, "ix_t_k");
	done(&r);
}

static void test_drop_refused_with_rename_hint(void **state)
{
	static const struct mg_column cols[] = {
		ID_COL,
		{.name = "k", .type = MG_COL_INTEGER, .default_sql = "0"},
		{.name = "m", .type = MG_COL_TEXT, .nullable = 1},
	};
	static const struct mg_table t = {.name = "t",
					  .n_columns = 3,
					  .columns = cols,
					  .n_primary_key = 1,
					  .primary_key = pk_id};
	static const struct mg_schema s = {1, &t, NULL};
	static struct diag_loc col_locs[3] = {
		{"models/t.h", 3, 5}, {"models/t.h", 4, 5}, {"models/t.h", 5, 5}};
	static struct model_table_info info[1] = {{.loc = {"models/t.h", 2, 1}}};
	struct model model = {0};
	struct result r;

	(void)state;
	info[0].column_locs = col_locs;
	model.schema = s;
	model.info = info;
	run(&r, &base, &s, &model, 0);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.n_errors, 1);
	assert_string_equal(r.d.items[0].loc.file, "models/t.h");
	assert_int_equal(r.d.items[0].loc.line, 4);
	assert_string_equal(
		r.d.items[0].text,
		"column 't.n' would be dropped and 't.k' added (same type integer): if "
		"it was renamed, add MG_RENAMED_FROM(\"n\") to 'k'; to drop 'n' and its "
		"data, pass --allow-drop");
	done(&r);

	run(&r, &base, &s, &model, 1);
	assert_int_equal(r.rc, 0);
	/* Allowed, but the probable rename is still pointed out. */
	assert_int_equal(r.d.n_items, 1);
	assert_int_equal(r.d.items[0].level, DIAG_WARNING);
	assert_non_null(strstr(r.d.items[0].text, "MG_RENAMED_FROM(\"n\") to 'k'"));
	assert_int_equal(r.r.ops[0].kind, DIFF_DROP_INDEX);
	assert_int_equal(r.r.ops[1].kind, DIFF_DROP_COLUMN);
	assert_true(r.r.ops[1].destructive);
	assert_int_equal(r.r.ops[2].kind, DIFF_ADD_COLUMN);
	done(&r);
}

static void test_drop_table_refused(void **state)
{
	static const struct mg_schema empty = {0, NULL, NULL};
	struct result r;

	(void)state;
	run(&r, &base, &empty, NULL, 0);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.d.items[0].text, "table 't' would be dropped"));
	assert_non_null(strstr(r.d.items[0].text, "MG_RENAMED_FROM(\"t\")"));
	done(&r);
	run(&r, &base, &empty, NULL, 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 1);
	assert_int_equal(r.r.ops[0].kind, DIFF_DROP_TABLE);
	done(&r);
}

static void test_not_null_rules(void **state)
{
	static const struct mg_column no_default[] = {
		ID_COL,
		{.name = "n", .type = MG_COL_INTEGER},
		{.name = "m", .type = MG_COL_TEXT},
		{.name = "z", .type = MG_COL_TEXT},
	};
	static const struct mg_column with_default[] = {
		ID_COL,
		{.name = "n", .type = MG_COL_INTEGER},
		{.name = "m", .type = MG_COL_TEXT, .default_sql = "'x'"},
	};
	static const struct mg_table t1 = {.name = "t",
					   .n_columns = 4,
					   .columns = no_default,
					   .n_primary_key = 1,
					   .primary_key = pk_id,
					   .n_indexes = 1,
					   .indexes = base_ix};
	static const struct mg_table t2 = {.name = "t",
					   .n_columns = 3,
					   .columns = with_default,
					   .n_primary_key = 1,
					   .primary_key = pk_id,
					   .n_indexes = 1,
					   .indexes = base_ix};
	static const struct mg_schema s1 = {1, &t1, NULL}, s2 = {1, &t2, NULL};
	struct result r;

	(void)state;
	run(&r, &base, &s1, NULL, 0);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.n_errors, 2);
	assert_non_null(
		strstr(r.d.items[0].text, "new column 't.z' is NOT NULL without a default"));
	assert_non_null(strstr(r.d.items[1].text, "'t.m' becomes NOT NULL without a default"));
	done(&r);

	run(&r, &base, &s2, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 1);
	assert_int_equal(r.r.ops[0].kind, DIFF_ALTER_COLUMN);
	assert_int_equal(r.r.ops[0].changes, DIFF_CHANGE_NULLABLE | DIFF_CHANGE_DEFAULT);
	assert_true(r.r.ops[0].fill_nulls);
	done(&r);
}

static void test_index_pk_comment_changes(void **state)
{
	static const struct mg_column cols[] = {
		ID_COL,
		{.name = "n", .type = MG_COL_SMALLINT, .comment = "count"},
		{.name = "m", .type = MG_COL_TEXT, .nullable = 1},
	};
	static const struct mg_index ix[] = {
		{.name = "ix_t_n", .unique = 1, .n_columns = 1, .columns = c_n},
		{.name = "ix_t_n_m", .n_columns = 2, .columns = c_nm},
	};
	static const struct mg_table t = {.name = "t",
					  .comment = "a table",
					  .n_columns = 3,
					  .columns = cols,
					  .n_primary_key = 2,
					  .primary_key = pk_ab,
					  .n_indexes = 2,
					  .indexes = ix};
	static const struct mg_schema s = {1, &t, NULL};
	static const enum diff_op_kind want[] = {
		DIFF_DROP_INDEX, DIFF_ALTER_COLUMN, DIFF_ALTER_PRIMARY_KEY, DIFF_ADD_INDEX,
		DIFF_ADD_INDEX,  DIFF_SET_COMMENT,  DIFF_SET_COMMENT,
	};
	struct result r;
	size_t i;

	(void)state;
	run(&r, &base, &s, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < r.r.n_ops; i++)
		assert_int_equal(r.r.ops[i].kind, want[i]);
	/* Uniqueness changed: drop + add under the same name. */
	assert_string_equal(r.r.ops[0].index->name, "ix_t_n");
	assert_null(r.r.ops[3].old_index);
	assert_int_equal(r.r.ops[1].changes, DIFF_CHANGE_TYPE);
	assert_true(r.r.ops[1].destructive); /* integer -> smallint narrows */
	assert_null(r.r.ops[5].new_column);
	assert_string_equal(r.r.ops[6].new_column->name, "n");
	done(&r);
}

static void test_table_order_and_fk_action(void **state)
{
	static const struct mg_column child_cols[] = {
		ID_COL,
		{.name = "p", .type = MG_COL_BIGINT},
	};
	static const struct mg_foreign_key fk_a[] = {
		{.name = "fk_a_p", .column = "p", .ref_table = "z", .ref_column = "id"}};
	static const struct mg_foreign_key fk_a2[] = {{.name = "fk_a_p",
						       .column = "p",
						       .ref_table = "z",
						       .ref_column = "id",
						       .on_delete = MG_FK_CASCADE}};
	static const struct mg_table new_tables[] = {
		{.name = "a",
		 .n_columns = 2,
		 .columns = child_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id,
		 .n_foreign_keys = 1,
		 .foreign_keys = fk_a},
		{.name = "m", .n_columns = 1, .columns = child_cols},
		{.name = "z",
		 .n_columns = 1,
		 .columns = child_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
	};
	static const struct mg_table changed[] = {
		{.name = "a",
		 .n_columns = 2,
		 .columns = child_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id,
		 .n_foreign_keys = 1,
		 .foreign_keys = fk_a2},
		{.name = "m", .n_columns = 1, .columns = child_cols},
		{.name = "z",
		 .n_columns = 1,
		 .columns = child_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
	};
	static const struct mg_schema empty = {0, NULL, NULL}, s = {3, new_tables, NULL},
				      s2 = {3, changed, NULL};
	struct result r;

	(void)state;
	run(&r, &empty, &s, NULL, 0);
	assert_int_equal(r.r.n_ops, 3);
	assert_string_equal(r.r.ops[0].new_table->name, "m");
	assert_string_equal(r.r.ops[1].new_table->name, "z");
	assert_string_equal(r.r.ops[2].new_table->name, "a");
	done(&r);
	run(&r, &s, &empty, NULL, 1);
	assert_int_equal(r.r.n_ops, 3);
	assert_string_equal(r.r.ops[0].old_table->name, "a");
	assert_string_equal(r.r.ops[1].old_table->name, "z");
	assert_string_equal(r.r.ops[2].old_table->name, "m");
	done(&r);
	run(&r, &s, &s2, NULL, 0);
	assert_int_equal(r.r.n_ops, 2);
	assert_int_equal(r.r.ops[0].kind, DIFF_DROP_FOREIGN_KEY);
	assert_int_equal(r.r.ops[1].kind, DIFF_ADD_FOREIGN_KEY);
	assert_null(r.r.ops[1].old_fk);
	done(&r);
}

static void test_rename_table(void **state)
{
	static const struct mg_table t = {.name = "u",
					  .renamed_from = "t",
					  .n_columns = 3,
					  .columns = base_cols,
					  .n_primary_key = 1,
					  .primary_key = pk_id,
					  .n_indexes = 1,
					  .indexes = base_ix};
	static const struct mg_schema s = {1, &t, NULL};
	static const struct mg_table t_done = {.name = "t",
					       .renamed_from = "old",
					       .n_columns = 3,
					       .columns = base_cols,
					       .n_primary_key = 1,
					       .primary_key = pk_id,
					       .n_indexes = 1,
					       .indexes = base_ix};
	static const struct mg_schema s_done = {1, &t_done, NULL};
	struct result r;

	(void)state;
	run(&r, &base, &s, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 1);
	assert_int_equal(r.r.ops[0].kind, DIFF_RENAME_TABLE);
	done(&r);
	/* The hint of a rename already done is ignored. */
	run(&r, &base, &s_done, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 0);
	done(&r);
}

static void test_fk_follows_renames(void **state)
{
	/* Parent p renamed to q, its column id renamed to pid: the child's key
	 * is the same key under a new name, not a drop and an add. */
	static const struct mg_column p_cols[] = {ID_COL};
	static const struct mg_column q_cols[] = {
		{.name = "pid", .type = MG_COL_BIGINT, .identity = 1, .renamed_from = "id"}};
	static const char *const pk_pid[] = {"pid"};
	static const struct mg_column c_cols[] = {ID_COL, {.name = "p_id", .type = MG_COL_BIGINT}};
	static const struct mg_foreign_key fk1[] = {
		{.name = "fk_c_p_id", .column = "p_id", .ref_table = "p", .ref_column = "id"}};
	static const struct mg_foreign_key fk2[] = {
		{.name = "fk_c_p_id_q", .column = "p_id", .ref_table = "q", .ref_column = "pid"}};
	static const struct mg_table t1[] = {
		{.name = "c",
		 .n_columns = 2,
		 .columns = c_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id,
		 .n_foreign_keys = 1,
		 .foreign_keys = fk1},
		{.name = "p",
		 .n_columns = 1,
		 .columns = p_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
	};
	static const struct mg_table t2[] = {
		{.name = "c",
		 .n_columns = 2,
		 .columns = c_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id,
		 .n_foreign_keys = 1,
		 .foreign_keys = fk2},
		{.name = "q",
		 .renamed_from = "p",
		 .n_columns = 1,
		 .columns = q_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_pid},
	};
	static const struct mg_schema s1 = {2, t1, NULL}, s2 = {2, t2, NULL};
	struct result r;

	(void)state;
	run(&r, &s1, &s2, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 3);
	assert_int_equal(r.r.ops[0].kind, DIFF_RENAME_TABLE);
	assert_int_equal(r.r.ops[1].kind, DIFF_ADD_FOREIGN_KEY);
	assert_string_equal(r.r.ops[1].old_fk->name, "fk_c_p_id");
	assert_string_equal(r.r.ops[1].fk->name, "fk_c_p_id_q");
	assert_int_equal(r.r.ops[2].kind, DIFF_RENAME_COLUMN);
	done(&r);
}

static void test_fk_readded_when_parent_key_moves(void **state)
{
	static const char *const c_code[] = {"code"};
	static const struct mg_column o_cols[] = {
		{.name = "id", .type = MG_COL_BIGINT},
		{.name = "code", .type = MG_COL_TEXT},
	};
	static const struct mg_index uq[] = {
		{.name = "uq_o_code", .unique = 1, .n_columns = 1, .columns = c_code}};
	static const struct mg_column i_cols[] = {ID_COL, {.name = "o_code", .type = MG_COL_TEXT}};
	static const struct mg_foreign_key fk[] = {{.name = "fk_i_o_code",
						    .column = "o_code",
						    .ref_table = "o",
						    .ref_column = "code"}};
	static const struct mg_table t1[] = {
		{.name = "i",
		 .n_columns = 2,
		 .columns = i_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id,
		 .n_foreign_keys = 1,
		 .foreign_keys = fk},
		{.name = "o",
		 .n_columns = 2,
		 .columns = o_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id,
		 .n_indexes = 1,
		 .indexes = uq},
	};
	static const struct mg_table t2[] = {
		{.name = "i",
		 .n_columns = 2,
		 .columns = i_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id,
		 .n_foreign_keys = 1,
		 .foreign_keys = fk},
		{.name = "o",
		 .n_columns = 2,
		 .columns = o_cols,
		 .n_primary_key = 1,
		 .primary_key = c_code},
	};
	static const struct mg_schema s1 = {2, t1, NULL}, s2 = {2, t2, NULL};
	static const enum diff_op_kind want[] = {DIFF_DROP_FOREIGN_KEY, DIFF_DROP_INDEX,
						 DIFF_ALTER_PRIMARY_KEY, DIFF_ADD_FOREIGN_KEY};
	struct result r;
	size_t i;

	(void)state;
	run(&r, &s1, &s2, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(r.r.ops[i].kind, want[i]);
	done(&r);
}

static void test_tighten_refused_at_column(void **state)
{
	static const struct mg_column cols[] = {
		ID_COL,
		{.name = "n", .type = MG_COL_INTEGER},
		{.name = "m", .type = MG_COL_TEXT},
	};
	static const struct mg_table t = {.name = "t",
					  .n_columns = 3,
					  .columns = cols,
					  .n_primary_key = 1,
					  .primary_key = pk_id,
					  .n_indexes = 1,
					  .indexes = base_ix};
	static const struct mg_schema s = {1, &t, NULL};
	static struct diag_loc col_locs[3] = {
		{"models/t.h", 3, 5}, {"models/t.h", 4, 5}, {"models/t.h", 9, 7}};
	static struct model_table_info info[1] = {{.loc = {"models/t.h", 2, 1}}};
	struct model model = {0};
	struct result r;

	(void)state;
	info[0].column_locs = col_locs;
	model.schema = s;
	model.info = info;
	run(&r, &base, &s, &model, 1);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.n_errors, 1);
	assert_int_equal(r.d.items[0].loc.line, 9);
	assert_int_equal(r.d.items[0].loc.column, 7);
	assert_string_equal(
		r.d.items[0].text,
		"column 't.m' becomes NOT NULL without a default: existing rows holding "
		"NULL would have no value; add MG_DEFAULT(...) to keep a default, or give "
		"them a value in this migration only with --fill t.m=SQL");
	done(&r);
}

static void test_renamed_name_reused(void **state)
{
	/* t renamed to u, its column n renamed to k; a new table t and a new
	 * column n take the old names. */
	static const struct mg_column u_cols[] = {
		ID_COL,
		{.name = "k", .type = MG_COL_INTEGER, .renamed_from = "n"},
		{.name = "n", .type = MG_COL_TEXT, .nullable = 1},
		{.name = "m", .type = MG_COL_TEXT, .nullable = 1},
	};
	static const char *const c_k[] = {"k"};
	static const struct mg_index u_ix[] = {{.name = "ix_u_k", .n_columns = 1, .columns = c_k}};
	static const struct mg_table t2[] = {
		{.name = "t",
		 .n_columns = 1,
		 .columns = base_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
		{.name = "u",
		 .renamed_from = "t",
		 .n_columns = 4,
		 .columns = u_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id,
		 .n_indexes = 1,
		 .indexes = u_ix},
	};
	static const struct mg_schema s = {2, t2, NULL};
	static const enum diff_op_kind want[] = {DIFF_RENAME_TABLE, DIFF_RENAME_COLUMN,
						 DIFF_ADD_COLUMN, DIFF_ADD_INDEX,
						 DIFF_CREATE_TABLE};
	struct result r;
	size_t i;

	(void)state;
	run(&r, &base, &s, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(r.r.ops[i].kind, want[i]);
	assert_string_equal(r.r.ops[2].new_column->name, "n");
	assert_string_equal(r.r.ops[3].old_index->name, "ix_t_n");
	assert_string_equal(r.r.ops[4].new_table->name, "t");
	done(&r);
}

static void test_drop_table_probable_rename(void **state)
{
	static const struct mg_table t = {.name = "u",
					  .n_columns = 3,
					  .columns = base_cols,
					  .n_primary_key = 1,
					  .primary_key = pk_id,
					  .n_indexes = 1,
					  .indexes = base_ix};
	static const struct mg_schema s = {1, &t, NULL};
	static struct model_table_info info[1] = {{.loc = {"models/u.h", 7, 8}}};
	struct model model = {0};
	struct result r;

	(void)state;
	model.schema = s;
	model.info = info;
	run(&r, &base, &s, &model, 0);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.n_errors, 1);
	assert_int_equal(r.d.items[0].loc.line, 7);
	assert_string_equal(
		r.d.items[0].text,
		"table 't' would be dropped and 'u' created with the same columns: if it "
		"was renamed, add MG_RENAMED_FROM(\"t\") to 'u'; to drop 't' and its rows, "
		"pass --allow-drop");
	done(&r);
	run(&r, &base, &s, &model, 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n_items, 1);
	assert_int_equal(r.d.items[0].level, DIAG_WARNING);
	done(&r);
}

/* Two columns of t: a (bigint) and b (smallint), before. */
static const struct mg_column ab_cols[] = {
	ID_COL,
	{.name = "a", .type = MG_COL_BIGINT},
	{.name = "b", .type = MG_COL_SMALLINT},
};
static const struct mg_table ab_t = {
	.name = "t", .n_columns = 3, .columns = ab_cols, .n_primary_key = 1, .primary_key = pk_id};
static const struct mg_schema ab = {1, &ab_t, NULL};

static void test_rename_chain_and_swap_columns(void **state)
{
	/* Chain: b from a, c from b. */
	static const struct mg_column chain_cols[] = {
		ID_COL,
		{.name = "b", .type = MG_COL_BIGINT, .renamed_from = "a"},
		{.name = "c", .type = MG_COL_SMALLINT, .renamed_from = "b"},
	};
	/* Swap: b from a, a from b (types travel with the data). */
	static const struct mg_column swap_cols[] = {
		ID_COL,
		{.name = "b", .type = MG_COL_BIGINT, .renamed_from = "a"},
		{.name = "a", .type = MG_COL_SMALLINT, .renamed_from = "b"},
	};
	static const struct mg_table chain_t = {.name = "t",
						.n_columns = 3,
						.columns = chain_cols,
						.n_primary_key = 1,
						.primary_key = pk_id};
	static const struct mg_table swap_t = {.name = "t",
					       .n_columns = 3,
					       .columns = swap_cols,
					       .n_primary_key = 1,
					       .primary_key = pk_id};
	static const struct mg_schema chain = {1, &chain_t, NULL}, swap = {1, &swap_t, NULL};
	/* After the chain, its hints kept: nothing to do (c keeps c, and b's
	 * old name a is gone). */
	static const struct mg_column done_cols[] = {
		ID_COL,
		{.name = "b", .type = MG_COL_BIGINT, .renamed_from = "a"},
		{.name = "c", .type = MG_COL_SMALLINT, .renamed_from = "b"},
	};
	static const struct mg_table done_t = {.name = "t",
					       .n_columns = 3,
					       .columns = done_cols,
					       .n_primary_key = 1,
					       .primary_key = pk_id};
	static const struct mg_schema after_chain = {1, &done_t, NULL};
	static const struct mg_column bc_cols[] = {
		ID_COL,
		{.name = "b", .type = MG_COL_BIGINT},
		{.name = "c", .type = MG_COL_SMALLINT},
	};
	static const struct mg_table bc_t = {.name = "t",
					     .n_columns = 3,
					     .columns = bc_cols,
					     .n_primary_key = 1,
					     .primary_key = pk_id};
	static const struct mg_schema bc = {1, &bc_t, NULL};
	struct result r;
	size_t i;

	(void)state;
	run(&r, &ab, &chain, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n_items, 0);
	assert_int_equal(r.r.n_ops, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(r.r.ops[i].kind, DIFF_RENAME_COLUMN);
		assert_string_equal(r.r.ops[i].old_column->name, i ? "b" : "a");
		assert_string_equal(r.r.ops[i].new_column->name, i ? "c" : "b");
	}
	done(&r);

	run(&r, &ab, &swap, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n_items, 0);
	assert_int_equal(r.r.n_ops, 2); /* two renames, no type change */
	for (i = 0; i < 2; i++) {
		assert_int_equal(r.r.ops[i].kind, DIFF_RENAME_COLUMN);
		assert_int_equal(r.r.ops[i].destructive, 0);
		assert_string_equal(r.r.ops[i].old_column->name, i ? "b" : "a");
		assert_string_equal(r.r.ops[i].new_column->name, i ? "a" : "b");
	}
	done(&r);

	run(&r, &bc, &after_chain, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 0);
	done(&r);

	/* After the swap, its hints kept: the models equal the schema, so
	 * nothing changed (no second swap). */
	{
		static const struct mg_column swapped_cols[] = {
			ID_COL,
			{.name = "b", .type = MG_COL_BIGINT},
			{.name = "a", .type = MG_COL_SMALLINT},
		};
		static const struct mg_table swapped_t = {.name = "t",
							  .n_columns = 3,
							  .columns = swapped_cols,
							  .n_primary_key = 1,
							  .primary_key = pk_id};
		static const struct mg_schema swapped = {1, &swapped_t, NULL};

		run(&r, &swapped, &swap, NULL, 0);
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.r.n_ops, 0);
		done(&r);
	}
}

static void test_rename_chain_and_swap_tables(void **state)
{
	static const struct mg_column one_col[] = {ID_COL};
	static const struct mg_column two_cols[] = {ID_COL, {.name = "x", .type = MG_COL_TEXT}};
	static const struct mg_table before_t[] = {
		{.name = "t",
		 .n_columns = 1,
		 .columns = one_col,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
		{.name = "u",
		 .n_columns = 2,
		 .columns = two_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
	};
	static const struct mg_table chain_t[] = {
		{.name = "u",
		 .renamed_from = "t",
		 .n_columns = 1,
		 .columns = one_col,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
		{.name = "v",
		 .renamed_from = "u",
		 .n_columns = 2,
		 .columns = two_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
	};
	static const struct mg_table swap_t[] = {
		{.name = "t",
		 .renamed_from = "u",
		 .n_columns = 2,
		 .columns = two_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
		{.name = "u",
		 .renamed_from = "t",
		 .n_columns = 1,
		 .columns = one_col,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
	};
	static const struct mg_schema before = {2, before_t, NULL}, chain = {2, chain_t, NULL},
				      swap = {2, swap_t, NULL};
	struct result r;
	size_t i;

	(void)state;
	run(&r, &before, &chain, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(r.r.ops[i].kind, DIFF_RENAME_TABLE);
		assert_string_equal(r.r.ops[i].old_table->name, i ? "u" : "t");
		assert_string_equal(r.r.ops[i].new_table->name, i ? "v" : "u");
	}
	done(&r);
	run(&r, &before, &swap, NULL, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.r.n_ops, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(r.r.ops[i].kind, DIFF_RENAME_TABLE);
		assert_string_equal(r.r.ops[i].old_table->name, i ? "t" : "u");
		assert_string_equal(r.r.ops[i].new_table->name, i ? "u" : "t");
	}
	done(&r);
}

static void test_stale_hint_never_silent(void **state)
{
	/* b keeps a hint from an earlier "a -> b" while a is dropped now: the
	 * hint is not applied (b is still b), and that is said, even with
	 * --allow-drop. */
	static const struct mg_column cols[] = {
		ID_COL,
		{.name = "b", .type = MG_COL_SMALLINT, .renamed_from = "a"},
	};
	static const struct mg_table t = {.name = "t",
					  .n_columns = 2,
					  .columns = cols,
					  .n_primary_key = 1,
					  .primary_key = pk_id};
	static const struct mg_schema s = {1, &t, NULL};
	struct result r;

	(void)state;
	run(&r, &ab, &s, NULL, 1);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.n_errors, 1);
	assert_string_equal(
		r.d.items[0].text,
		"column 't.b' has MG_RENAMED_FROM(\"a\") but keeps its own column "
		"'t.b', so 't.a' would be dropped: remove the hint if it is left from an "
		"earlier rename, or rename in a migration of its own");
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_change),
		cmocka_unit_test(test_rename_column_and_hint_ignored),
		cmocka_unit_test(test_drop_refused_with_rename_hint),
		cmocka_unit_test(test_drop_table_refused),
		cmocka_unit_test(test_drop_table_probable_rename),
		cmocka_unit_test(test_not_null_rules),
		cmocka_unit_test(test_index_pk_comment_changes),
		cmocka_unit_test(test_table_order_and_fk_action),
		cmocka_unit_test(test_rename_table),
		cmocka_unit_test(test_renamed_name_reused),
		cmocka_unit_test(test_fk_follows_renames),
		cmocka_unit_test(test_fk_readded_when_parent_key_moves),
		cmocka_unit_test(test_tighten_refused_at_column),
		cmocka_unit_test(test_rename_chain_and_swap_columns),
		cmocka_unit_test(test_rename_chain_and_swap_tables),
		cmocka_unit_test(test_stale_hint_never_silent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
