/*
 * The planner (gen/plan.c, sql_sqlite.c, sql_pg.c), tested for real on SQLite:
 * a database created at v1 with rows in it is migrated up to v2 and back
 * down, and after each direction its schema (as SQLite reports it) must equal
 * that of a database created directly at that version, with the rows kept.
 * PostgreSQL plans are checked as text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#define HAVE_LIBPQ 1
#endif
#endif

#include "diff.h"
#include "drift.h"
#include "inspect.h"
#include "modelgen/db.h"
#include "modelgen/update.h"
#include "plan.h"
#include "sql.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* ---- v1 ---------------------------------------------------------------- */

static const char *const pk_id[] = {"id"};
static const char *const c_email[] = {"email"};
static const char *const c_name[] = {"name"};
static const char *const c_user_id[] = {"user_id"};

static const struct mg_column v1_old_cols[] = {
	{.name = "id", .type = MG_COL_INTEGER, .identity = 1},
	{.name = "x", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_column v1_posts_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "user_id", .type = MG_COL_BIGINT},
	{.name = "title", .type = MG_COL_TEXT},
	{.name = "body", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_index v1_posts_ix[] = {
	{.name = "ix_posts_user_id", .n_columns = 1, .columns = c_user_id},
};
static const struct mg_foreign_key v1_posts_fk[] = {
	{.name = "fk_posts_user_id",
	 .column = "user_id",
	 .ref_table = "users",
	 .ref_column = "id",
	 .on_delete = MG_FK_CASCADE},
};
static const struct mg_column v1_users_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "name", .type = MG_COL_VARCHAR, .length = 32},
	{.name = "rating", .type = MG_COL_DOUBLE, .nullable = 1},
	{.name = "email", .type = MG_COL_TEXT, .nullable = 1},
	{.name = "legacy", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_index v1_users_ix[] = {
	{.name = "ix_users_email", .n_columns = 1, .columns = c_email},
	{.name = "uq_users_name", .unique = 1, .n_columns = 1, .columns = c_name},
};
static const struct mg_table v1_tables[] = {
	{.name = "old_stuff",
	 .n_columns = 2,
	 .columns = v1_old_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
	{.name = "posts",
	 .n_columns = 4,
	 .columns = v1_posts_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 1,
	 .indexes = v1_posts_ix,
	 .n_foreign_keys = 1,
	 .foreign_keys = v1_posts_fk},
	{.name = "users",
	 .n_columns = 5,
	 .columns = v1_users_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 2,
	 .indexes = v1_users_ix},
};
static const struct mg_schema v1 = {.n_tables = 3, .tables = v1_tables};

/* ---- v2 ---------------------------------------------------------------- */

static const char *const c_username[] = {"username"};
static const char *const c_post_name[] = {"post_id", "name"};

static const struct mg_column v2_accounts_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "username", .type = MG_COL_VARCHAR, .length = 64, .renamed_from = "name"},
	{.name = "score", .type = MG_COL_DOUBLE, .nullable = 1, .renamed_from = "rating"},
	{.name = "email", .type = MG_COL_TEXT, .default_sql = "''"},
	{.name = "created_at", .type = MG_COL_BIGINT, .default_sql = "0"},
};
static const struct mg_index v2_accounts_ix[] = {
	{.name = "ix_accounts_email", .n_columns = 1, .columns = c_email},
	{.name = "uq_accounts_username", .unique = 1, .n_columns = 1, .columns = c_username},
};
static const struct mg_column v2_posts_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "user_id", .type = MG_COL_BIGINT, .nullable = 1},
	{.name = "title", .type = MG_COL_TEXT},
	{.name = "body", .type = MG_COL_TEXT, .nullable = 1},
	{.name = "flag", .type = MG_COL_BOOLEAN, .default_sql = "false"},
};
static const struct mg_foreign_key v2_posts_fk[] = {
	{.name = "fk_posts_user_id",
	 .column = "user_id",
	 .ref_table = "accounts",
	 .ref_column = "id",
	 .on_delete = MG_FK_SET_NULL},
};
static const struct mg_column v2_tags_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "post_id", .type = MG_COL_BIGINT},
	{.name = "name", .type = MG_COL_TEXT},
};
static const struct mg_index v2_tags_ix[] = {
	{.name = "uq_tags_post_id_name", .unique = 1, .n_columns = 2, .columns = c_post_name},
};
static const struct mg_foreign_key v2_tags_fk[] = {
	{.name = "fk_tags_post_id",
	 .column = "post_id",
	 .ref_table = "posts",
	 .ref_column = "id",
	 .on_delete = MG_FK_CASCADE},
};
static const struct mg_table v2_tables[] = {
	{.name = "accounts",
	 .renamed_from = "users",
	 .n_columns = 5,
	 .columns = v2_accounts_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 2,
	 .indexes = v2_accounts_ix},
	{.name = "posts",
	 .n_columns = 5,
	 .columns = v2_posts_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 1,
	 .indexes = v1_posts_ix,
	 .n_foreign_keys = 1,
	 .foreign_keys = v2_posts_fk},
	{.name = "tags",
	 .n_columns = 3,
	 .columns = v2_tags_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 1,
	 .indexes = v2_tags_ix,
	 .n_foreign_keys = 1,
	 .foreign_keys = v2_tags_fk},
};
static const struct mg_schema v2 = {.n_tables = 3, .tables = v2_tables};

/* ---- helpers ----------------------------------------------------------- */

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s\nin: %s", err, sql);
}

static sqlite3 *open_at(const struct mg_schema *s)
{
	struct mg_strbuf b = {0};
	sqlite3 *db;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	mg_sql_create_schema(&b, MG_DIALECT_SQLITE, s);
	exec_ok(db, mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
	return db;
}

/* A rebuild with the SQL the runtime runs (mg_sql_rebuild). */
static void run_rebuild(sqlite3 *db, const struct mg_rebuild *rb)
{
	struct mg_strbuf b = {0};

	mg_sql_rebuild(&b, rb, MG_REBUILD_ALL);
	exec_ok(db, mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
}

static void run_plan(sqlite3 *db, const struct mg_plan *p)
{
	sqlite3_stmt *st;
	size_t i;

	/* Foreign keys off before BEGIN (inside it the pragma is ignored). */
	exec_ok(db, "PRAGMA foreign_keys = OFF; BEGIN;");
	for (i = 0; i < p->n_steps; i++) {
		/* Every step says what it does: its operation, or a note. */
		assert_true(p->steps[i].op || p->steps[i].note || p->steps[i].n_ops);
		if (p->steps[i].kind == MG_STEP_REBUILD) {
			/* Checked right after the rebuild, stricter than the
			 * runtime's check before commit. */
			struct mg_strbuf q = {0};

			run_rebuild(db, p->steps[i].rebuild);
			mg_strbuf_puts(&q, "PRAGMA foreign_key_check(");
			mg_sql_ident(&q, p->steps[i].rebuild->table->name);
			mg_strbuf_putc(&q, ')');
			/* No row may be reported; an error ("foreign key
			 * mismatch") is fine while a parent is not rebuilt yet. */
			if (sqlite3_prepare_v2(db, mg_strbuf_cstr(&q), -1, &st, NULL) ==
			    SQLITE_OK) {
				assert_int_not_equal(sqlite3_step(st), SQLITE_ROW);
				sqlite3_finalize(st);
			}
			mg_strbuf_free(&q);
		} else
			exec_ok(db, p->steps[i].sql);
	}
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	exec_ok(db, "COMMIT; PRAGMA foreign_keys = ON;");
}

static void query_rows(struct mg_strbuf *out, sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int i;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *v = sqlite3_column_text(st, i);

			mg_strbuf_printf(out, "%s%s", i ? "|" : "  ", v ? (const char *)v : "NULL");
		}
		mg_strbuf_putc(out, '\n');
	}
	sqlite3_finalize(st);
}

/* The schema as SQLite reports it, as text: columns, indexes, keys. */
static char *describe(sqlite3 *db)
{
	struct mg_strbuf out = {0}, q = {0};
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT name FROM sqlite_schema WHERE type = 'table' "
					    "AND name NOT LIKE 'sqlite_%' ORDER BY name",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		mg_strbuf_printf(&out, "table %s\n", t);
		mg_strbuf_clear(&q);
		mg_strbuf_printf(&q,
				 "SELECT name, type, \"notnull\", dflt_value, pk FROM "
				 "pragma_table_info('%s') ORDER BY cid",
				 t);
		query_rows(&out, db, mg_strbuf_cstr(&q));
		mg_strbuf_clear(&q);
		mg_strbuf_printf(&q,
				 "SELECT l.name, l.\"unique\", l.origin, group_concat(i.name) FROM "
				 "pragma_index_list('%s') l, pragma_index_info(l.name) i "
				 "GROUP BY l.name ORDER BY l.name",
				 t);
		query_rows(&out, db, mg_strbuf_cstr(&q));
		mg_strbuf_clear(&q);
		mg_strbuf_printf(&q,
				 "SELECT \"table\", \"from\", \"to\", on_delete FROM "
				 "pragma_foreign_key_list('%s') ORDER BY \"from\"",
				 t);
		query_rows(&out, db, mg_strbuf_cstr(&q));
	}
	sqlite3_finalize(st);
	mg_strbuf_free(&q);
	return mg_strbuf_detach(&out);
}

static void assert_same_schema(sqlite3 *migrated, const struct mg_schema *s)
{
	sqlite3 *fresh = open_at(s);
	char *a = describe(migrated), *b = describe(fresh);

	if (strcmp(a, b) != 0)
		fail_msg("migrated:\n%s\ncreated:\n%s", a, b);
	free(a);
	free(b);
	sqlite3_close(fresh);
}

static char *rows(sqlite3 *db, const char *sql)
{
	struct mg_strbuf out = {0};

	query_rows(&out, db, sql);
	return mg_strbuf_detach(&out);
}

struct planned {
	struct mg_arena *arena;
	struct diff_result diff;
	struct plan_result plan;
	struct diag_list diags;
};

/* PostgreSQL: plan with --plain-ddl (the tests of plain text set it). */
static int plan_plain_ddl;

/* Plans from -> to with --allow-drop and, when `fill` is not NULL, that one
 * --fill. */
static void plan_with(struct planned *p, const struct mg_schema *from, const struct mg_schema *to,
		      int allow_drop, size_t n_fills, const struct diff_fill *fills)
{
	struct diff_options opts = {allow_drop, n_fills, fills};

	struct plan_options popts = {plan_plain_ddl};

	memset(p, 0, sizeof(*p));
	p->arena = mg_arena_new();
	assert_int_equal(diff_schemas(&p->diff, from, to, NULL, &opts, &p->diags), 0);
	plan_migration_opts(&p->plan, p->arena, &p->diff, from, to, &popts);
}

static void plan_of(struct planned *p, const struct mg_schema *from, const struct mg_schema *to,
		    int allow_drop)
{
	plan_with(p, from, to, allow_drop, 0, NULL);
}

static void planned_free(struct planned *p)
{
	diff_result_free(&p->diff);
	diag_free(&p->diags);
	mg_arena_free(p->arena);
}

static char *plan_text(const struct mg_plan *p, const struct mg_ops *ops)
{
	struct mg_strbuf b = {0};
	size_t i;

	for (i = 0; i < p->n_steps; i++) {
		mg_strbuf_puts(&b, "-- ");
		mg_step_summary(&b, ops, &p->steps[i]);
		mg_strbuf_putc(&b, '\n');
		if (p->steps[i].kind == MG_STEP_SQL)
			mg_strbuf_puts(&b, p->steps[i].sql);
		else
			mg_strbuf_printf(&b, "(rebuild %s)\n", p->steps[i].rebuild->table->name);
	}
	return mg_strbuf_detach(&b);
}

/* ---- tests ------------------------------------------------------------- */

static void test_sqlite_up_down(void **state)
{
	struct planned p;
	sqlite3 *db;
	char *r;

	(void)state;
	plan_of(&p, &v1, &v2, 1);
	db = open_at(&v1);
	exec_ok(db, "INSERT INTO users (name, rating, email, legacy) VALUES "
		    "('ann', 1.5, NULL, 'l1'), ('bob', NULL, 'b@x', NULL);"
		    "INSERT INTO posts (user_id, title) VALUES (1, 'hello'), (2, 'world');"
		    "INSERT INTO old_stuff (x) VALUES ('gone');");

	run_plan(db, &p.plan.up[MG_DIALECT_SQLITE]);
	assert_same_schema(db, &v2);
	r = rows(db, "SELECT id, username, score, email, created_at FROM accounts ORDER BY id");
	assert_string_equal(r, "  1|ann|1.5||0\n  2|bob|NULL|b@x|0\n");
	free(r);
	r = rows(db, "SELECT id, user_id, title, flag FROM posts ORDER BY id");
	assert_string_equal(r, "  1|1|hello|0\n  2|2|world|0\n");
	free(r);
	/* The new key acts: deleting an account nulls its posts. */
	exec_ok(db, "DELETE FROM accounts WHERE id = 2");
	r = rows(db, "SELECT id, user_id FROM posts ORDER BY id");
	assert_string_equal(r, "  1|1\n  2|NULL\n");
	free(r);

	exec_ok(db, "UPDATE posts SET user_id = 1");
	run_plan(db, &p.plan.down[MG_DIALECT_SQLITE]);
	assert_same_schema(db, &v1);
	r = rows(db, "SELECT id, name, rating, email, legacy FROM users ORDER BY id");
	assert_string_equal(r, "  1|ann|1.5||NULL\n");
	free(r);
	r = rows(db, "SELECT count(*) FROM posts");
	assert_string_equal(r, "  2\n");
	free(r);

	sqlite3_close(db);
	planned_free(&p);
}

static void test_sqlite_native_only(void **state)
{
	/* Only a nullable column added and an index: no rebuild. */
	static const struct mg_column cols[] = {
		{.name = "id", .type = MG_COL_INTEGER, .identity = 1},
		{.name = "x", .type = MG_COL_TEXT, .nullable = 1},
		{.name = "y", .type = MG_COL_INTEGER, .nullable = 1},
	};
	static const char *const c_y[] = {"y"};
	static const struct mg_index ix[] = {
		{.name = "ix_old_stuff_y", .n_columns = 1, .columns = c_y}};
	static const struct mg_table t[] = {{.name = "old_stuff",
					     .n_columns = 3,
					     .columns = cols,
					     .n_primary_key = 1,
					     .primary_key = pk_id,
					     .n_indexes = 1,
					     .indexes = ix}};
	static const struct mg_schema a = {1, v1_tables, NULL}, b = {1, t, NULL};
	struct planned p;
	sqlite3 *db;
	char *text;
	size_t i;

	(void)state;
	plan_of(&p, &a, &b, 0);
	for (i = 0; i < p.plan.up[MG_DIALECT_SQLITE].n_steps; i++)
		assert_int_equal(p.plan.up[MG_DIALECT_SQLITE].steps[i].kind, MG_STEP_SQL);
	text = plan_text(&p.plan.up[MG_DIALECT_SQLITE], &p.plan.up_ops);
	assert_string_equal(text, "-- add column old_stuff.y (integer, nullable)\n"
				  "ALTER TABLE old_stuff ADD COLUMN y INTEGER;\n"
				  "-- add index ix_old_stuff_y on old_stuff (y)\n"
				  "CREATE INDEX ix_old_stuff_y ON old_stuff (y);\n");
	free(text);
	db = open_at(&a);
	exec_ok(db, "INSERT INTO old_stuff (x) VALUES ('a')");
	run_plan(db, &p.plan.up[MG_DIALECT_SQLITE]);
	assert_same_schema(db, &b);
	run_plan(db, &p.plan.down[MG_DIALECT_SQLITE]);
	assert_same_schema(db, &a);
	sqlite3_close(db);
	assert_null(p.plan.irreversible_note);
	planned_free(&p);
}

static void test_pg_text(void **state)
{
	struct planned p;
	char *up, *down;

	(void)state;
	plan_plain_ddl = 1; /* the safe forms: test_pg_safe_text */
	plan_of(&p, &v1, &v2, 1);
	plan_plain_ddl = 0;
	up = plan_text(&p.plan.up[MG_DIALECT_POSTGRESQL], &p.plan.up_ops);
	down = plan_text(&p.plan.down[MG_DIALECT_POSTGRESQL], &p.plan.down_ops);
	assert_string_equal(
		up,
		"-- drop foreign key fk_posts_user_id on posts\n"
		"ALTER TABLE posts DROP CONSTRAINT fk_posts_user_id;\n"
		"-- drop table old_stuff (its rows are lost)\n"
		"DROP TABLE old_stuff;\n"
		"-- rename table users to accounts\n"
		"ALTER TABLE users RENAME TO accounts;\n"
		"ALTER TABLE accounts RENAME CONSTRAINT pk_users TO pk_accounts;\n"
		"ALTER SEQUENCE IF EXISTS users_id_seq RENAME TO accounts_id_seq;\n"
		"-- drop column accounts.legacy (its values are lost)\n"
		"ALTER TABLE accounts DROP COLUMN legacy;\n"
		"-- rename column accounts.name to username\n"
		"ALTER TABLE accounts RENAME COLUMN name TO username;\n"
		"-- rename column accounts.rating to score\n"
		"ALTER TABLE accounts RENAME COLUMN rating TO score;\n"
		"-- add column accounts.created_at (bigint, not null, default 0)\n"
		"ALTER TABLE accounts ADD COLUMN created_at bigint NOT NULL DEFAULT 0;\n"
		"-- alter column accounts.username: type varchar(32) -> varchar(64)\n"
		"ALTER TABLE accounts ALTER COLUMN username TYPE varchar(64);\n"
		"-- alter column accounts.email: set not null (NULLs set to ''), default ''\n"
		"ALTER TABLE accounts ALTER COLUMN email SET DEFAULT '';\n"
		"UPDATE accounts SET email = '' WHERE email IS NULL;\n"
		"ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;\n"
		"-- rename index ix_users_email to ix_accounts_email\n"
		"ALTER INDEX ix_users_email RENAME TO ix_accounts_email;\n"
		"-- rename index uq_users_name to uq_accounts_username\n"
		"ALTER INDEX uq_users_name RENAME TO uq_accounts_username;\n"
		"-- add column posts.flag (boolean, not null, default false)\n"
		"ALTER TABLE posts ADD COLUMN flag boolean NOT NULL DEFAULT false;\n"
		"-- alter column posts.user_id: drop not null\n"
		"ALTER TABLE posts ALTER COLUMN user_id DROP NOT NULL;\n"
		"-- create table tags\n"
		"CREATE TABLE tags (\n"
		"    id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n"
		"    post_id bigint NOT NULL,\n"
		"    name text NOT NULL,\n"
		"    CONSTRAINT pk_tags PRIMARY KEY (id),\n"
		"    CONSTRAINT fk_tags_post_id FOREIGN KEY (post_id) REFERENCES posts (id) ON "
		"DELETE CASCADE\n"
		");\n"
		"CREATE UNIQUE INDEX uq_tags_post_id_name ON tags (post_id, name);\n"
		"-- add foreign key fk_posts_user_id: posts.user_id -> accounts.id on delete set "
		"null\n"
		"ALTER TABLE posts ADD CONSTRAINT fk_posts_user_id FOREIGN KEY (user_id) "
		"REFERENCES accounts (id) ON DELETE SET NULL;\n");
	/* Down: renames back first, the dropped table and column come back
	 * with a stand-in for NOT NULL values, NULLs filled on tightening. */
	if (getenv("MG_PRINT_PLAN"))
		fprintf(stderr, "%s\n---\n%s\n", up, down);
	assert_non_null(strstr(down, "ALTER TABLE accounts RENAME TO users;\n"));
	assert_non_null(strstr(down, "ALTER TABLE users ADD COLUMN legacy text;\n"));
	assert_non_null(strstr(down, "UPDATE posts SET user_id = 0 WHERE user_id IS NULL;\n"));
	assert_non_null(strstr(down, "ALTER TABLE users ALTER COLUMN email DROP DEFAULT;\n"));
	assert_true(strstr(down, "DROP TABLE tags;") < strstr(down, "RENAME TO users"));
	assert_true(strstr(down, "RENAME TO users") < strstr(down, "CREATE TABLE old_stuff"));
	assert_non_null(p.plan.irreversible_note);
	assert_non_null(strstr(p.plan.irreversible_note, "table old_stuff"));
	assert_non_null(strstr(p.plan.irreversible_note, "column users.legacy"));
	free(up);
	free(down);
	planned_free(&p);
}

static void test_summary_notes_frozen(void **state)
{
	struct planned p;
	size_t i;
	int saw_fill = 0, saw_rebuild = 0, saw_unique = 0;

	(void)state;
	plan_of(&p, &v1, &v2, 1);
	assert_int_equal(p.plan.up_ops.n_ops, p.diff.n_ops);
	for (i = 0; i < p.plan.up_ops.n_ops; i++)
		if (strncmp(p.plan.up_ops.ops[i].summary, "drop table", 10) == 0)
			assert_true(p.plan.up_ops.ops[i].flags & MG_OP_DESTRUCTIVE);
	for (i = 0; i < p.plan.n_notes; i++) {
		saw_fill |= strstr(p.plan.notes[i], "existing NULLs are first set") != NULL;
		/* One note names every rebuilt table. */
		saw_rebuild |= strstr(p.plan.notes[i], "SQLite rebuilds table") != NULL &&
			       strstr(p.plan.notes[i], "accounts") != NULL;
		saw_unique |= strstr(p.plan.notes[i], "uq_accounts") != NULL;
	}
	assert_true(saw_fill);
	assert_true(saw_rebuild);
	assert_false(saw_unique); /* a renamed unique index is no new risk */
	/* Frozen tables: sorted, without rename hints. */
	assert_int_equal(p.plan.before.n_tables, 3);
	assert_string_equal(p.plan.before.tables[0].name, "old_stuff");
	assert_int_equal(p.plan.after.n_tables, 3);
	assert_string_equal(p.plan.after.tables[0].name, "accounts");
	assert_null(p.plan.after.tables[0].renamed_from);
	assert_null(p.plan.after.tables[0].columns[1].renamed_from);
	for (i = 0; i < p.plan.up[MG_DIALECT_SQLITE].n_steps; i++) {
		const struct mg_step *s = &p.plan.up[MG_DIALECT_SQLITE].steps[i];

		if (s->kind == MG_STEP_REBUILD)
			assert_true(s->rebuild->table >= p.plan.after.tables &&
				    s->rebuild->table < p.plan.after.tables + 3);
	}
	planned_free(&p);
}

/* ---- e1 -> e2: identity, primary key, type, tightening, cycles ---------- */

static const char *const c_a[] = {"a"};
static const char *const c_ab[] = {"a", "b"};
static const char *const c_abb[] = {"a", "bb"};

static const struct mg_column e1_parent_cols[] = {
	/* Not INTEGER: a single INTEGER primary key is always SQLite's rowid. */
	{.name = "id", .type = MG_COL_BIGINT},
	{.name = "code", .type = MG_COL_VARCHAR, .length = 10},
	{.name = "note", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_column e1_child_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "parent_id", .type = MG_COL_BIGINT},
	{.name = "qty", .type = MG_COL_INTEGER},
};
static const struct mg_foreign_key e_child_fk[] = {{.name = "fk_child_parent_id",
						    .column = "parent_id",
						    .ref_table = "parent",
						    .ref_column = "id",
						    .on_delete = MG_FK_CASCADE}};
static const struct mg_column e1_pair_cols[] = {
	{.name = "a", .type = MG_COL_TEXT},
	{.name = "b", .type = MG_COL_INTEGER},
	{.name = "v", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_index e1_pair_ix[] = {
	{.name = "ix_pair_a_b", .n_columns = 2, .columns = c_ab},
};
static const struct mg_table e1_tables[] = {
	{.name = "child",
	 .n_columns = 3,
	 .columns = e1_child_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_foreign_keys = 1,
	 .foreign_keys = e_child_fk},
	{.name = "pair",
	 .n_columns = 3,
	 .columns = e1_pair_cols,
	 .n_primary_key = 2,
	 .primary_key = c_ab,
	 .n_indexes = 1,
	 .indexes = e1_pair_ix},
	{.name = "parent",
	 .n_columns = 3,
	 .columns = e1_parent_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
};
static const struct mg_schema e1 = {.n_tables = 3, .tables = e1_tables};

static const struct mg_column e2_parent_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "code", .type = MG_COL_TEXT},
	{.name = "note", .type = MG_COL_TEXT, .nullable = 1, .comment = "a note"},
};
static const struct mg_column e2_child_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "parent_id", .type = MG_COL_BIGINT},
	{.name = "qty", .type = MG_COL_BIGINT},
	{.name = "label", .type = MG_COL_TEXT, .nullable = 1, .default_sql = "'x'"},
};
static const struct mg_column e2_pair_cols[] = {
	{.name = "a", .type = MG_COL_TEXT},
	{.name = "bb", .type = MG_COL_INTEGER, .renamed_from = "b"},
	{.name = "v", .type = MG_COL_TEXT, .default_sql = "'none'"},
};
static const struct mg_index e2_pair_ix[] = {
	{.name = "ix_pair_a_bb", .n_columns = 2, .columns = c_abb},
};
static const struct mg_column e2_cyc_a_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "b_id", .type = MG_COL_BIGINT, .nullable = 1},
};
static const struct mg_foreign_key e2_cyc_a_fk[] = {
	{.name = "fk_cyc_a_b_id", .column = "b_id", .ref_table = "cyc_b", .ref_column = "id"}};
static const struct mg_column e2_cyc_b_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "a_id", .type = MG_COL_BIGINT, .nullable = 1},
};
static const struct mg_foreign_key e2_cyc_b_fk[] = {{.name = "fk_cyc_b_a_id",
						     .column = "a_id",
						     .ref_table = "cyc_a",
						     .ref_column = "id",
						     .on_delete = MG_FK_SET_NULL}};
static const struct mg_table e2_tables[] = {
	{.name = "child",
	 .n_columns = 4,
	 .columns = e2_child_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_foreign_keys = 1,
	 .foreign_keys = e_child_fk},
	{.name = "cyc_a",
	 .n_columns = 2,
	 .columns = e2_cyc_a_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_foreign_keys = 1,
	 .foreign_keys = e2_cyc_a_fk},
	{.name = "cyc_b",
	 .n_columns = 2,
	 .columns = e2_cyc_b_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_foreign_keys = 1,
	 .foreign_keys = e2_cyc_b_fk},
	{.name = "pair",
	 .n_columns = 3,
	 .columns = e2_pair_cols,
	 .n_primary_key = 1,
	 .primary_key = c_a,
	 .n_indexes = 1,
	 .indexes = e2_pair_ix},
	{.name = "parent",
	 .comment = "parents",
	 .n_columns = 3,
	 .columns = e2_parent_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
};
static const struct mg_schema e2 = {.n_tables = 5, .tables = e2_tables};

static const char e_rows[] = "INSERT INTO parent (id, code) VALUES (5, 'p5'), (7, 'p7');"
			     "INSERT INTO child (parent_id, qty) VALUES (5, 1), (7, 2), (7, 3);"
			     "INSERT INTO pair (a, b, v) VALUES (1, 10, NULL), (2, 20, 'two');";

static void test_sqlite_edge(void **state)
{
	struct planned p;
	sqlite3 *db;
	char *r;

	(void)state;
	plan_of(&p, &e1, &e2, 0);
	if (getenv("MG_PRINT_PLAN")) {
		char *t = plan_text(&p.plan.up[MG_DIALECT_SQLITE], &p.plan.up_ops),
		     *u = plan_text(&p.plan.down[MG_DIALECT_SQLITE], &p.plan.down_ops);

		fprintf(stderr, "%s\n---\n%s\n", t, u);
		free(t);
		free(u);
	}
	db = open_at(&e1);
	exec_ok(db, e_rows);
	run_plan(db, &p.plan.up[MG_DIALECT_SQLITE]);
	assert_same_schema(db, &e2);
	r = rows(db, "SELECT a, bb, v FROM pair ORDER BY a");
	assert_string_equal(r, "  1|10|none\n  2|20|two\n");
	free(r);
	r = rows(db, "SELECT id, parent_id, qty, label FROM child ORDER BY id");
	assert_string_equal(r, "  1|5|1|x\n  2|7|2|x\n  3|7|3|x\n");
	free(r);
	exec_ok(db, "INSERT INTO parent (code) VALUES ('new');"
		    "INSERT INTO cyc_a (b_id) VALUES (NULL); INSERT INTO cyc_b (a_id) VALUES (1);");
	r = rows(db, "SELECT id FROM parent WHERE code = 'new'");
	assert_string_equal(r, "  8\n");
	free(r);
	run_plan(db, &p.plan.down[MG_DIALECT_SQLITE]);
	assert_same_schema(db, &e1);
	r = rows(db, "SELECT a, b, v FROM pair ORDER BY a");
	assert_string_equal(r, "  1|10|none\n  2|20|two\n");
	free(r);
	r = rows(db, "SELECT count(*) FROM child");
	assert_string_equal(r, "  3\n");
	free(r);
	sqlite3_close(db);
	planned_free(&p);
}

static void test_pg_edge_text(void **state)
{
	struct planned p;
	char *up;

	(void)state;
	plan_plain_ddl = 1;
	plan_of(&p, &e1, &e2, 0);
	plan_plain_ddl = 0;
	up = plan_text(&p.plan.up[MG_DIALECT_POSTGRESQL], &p.plan.up_ops);
	if (getenv("MG_PRINT_PLAN"))
		fprintf(stderr, "%s\n", up);
	/* The cycle between the new tables is closed after both exist. */
	assert_non_null(strstr(up, "-- add the foreign keys between the new tables\n"
				   "ALTER TABLE cyc_a ADD CONSTRAINT fk_cyc_a_b_id"));
	assert_non_null(strstr(up,
			       "ALTER TABLE parent ALTER COLUMN id ADD GENERATED BY DEFAULT AS "
			       "IDENTITY;\nSELECT setval(pg_get_serial_sequence('parent', 'id'), "
			       "COALESCE(MAX(id), 0) + 1, false) FROM parent;\n"));
	assert_non_null(strstr(up, "ALTER TABLE pair DROP CONSTRAINT IF EXISTS pk_pair;\n"
				   "ALTER TABLE pair ADD CONSTRAINT pk_pair PRIMARY KEY (a);\n"));
	assert_non_null(strstr(up, "COMMENT ON COLUMN parent.note IS 'a note';\n"));
	free(up);
	planned_free(&p);
}

/* ---- k1 -> k2: the key a foreign key depends on moves ----------------- */

static const char *const c_code[] = {"code"};
static const struct mg_column k_owner_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT},
	{.name = "code", .type = MG_COL_VARCHAR, .length = 8},
};
static const struct mg_index k1_owner_ix[] = {
	{.name = "uq_owner_code", .unique = 1, .n_columns = 1, .columns = c_code},
};
static const struct mg_column k_item_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "owner_code", .type = MG_COL_VARCHAR, .length = 8},
};
static const struct mg_foreign_key k_item_fk[] = {{.name = "fk_item_owner_code",
						   .column = "owner_code",
						   .ref_table = "owner",
						   .ref_column = "code",
						   .on_delete = MG_FK_CASCADE}};
static const struct mg_table k1_tables[] = {
	{.name = "item",
	 .n_columns = 2,
	 .columns = k_item_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_foreign_keys = 1,
	 .foreign_keys = k_item_fk},
	{.name = "owner",
	 .n_columns = 2,
	 .columns = k_owner_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 1,
	 .indexes = k1_owner_ix},
};
static const struct mg_table k2_tables[] = {
	{.name = "item",
	 .n_columns = 2,
	 .columns = k_item_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_foreign_keys = 1,
	 .foreign_keys = k_item_fk},
	{.name = "owner",
	 .n_columns = 2,
	 .columns = k_owner_cols,
	 .n_primary_key = 1,
	 .primary_key = c_code},
};
static const struct mg_schema k1 = {2, k1_tables, NULL}, k2 = {2, k2_tables, NULL};
static const char k_rows[] = "INSERT INTO owner (id, code) VALUES (1, 'a'), (2, 'b');"
			     "INSERT INTO item (owner_code) VALUES ('a'), ('b'), ('b');";

static void test_sqlite_key_moves(void **state)
{
	struct planned p;
	sqlite3 *db;
	char *r;

	(void)state;
	plan_of(&p, &k1, &k2, 0);
	db = open_at(&k1);
	exec_ok(db, k_rows);
	run_plan(db, &p.plan.up[MG_DIALECT_SQLITE]);
	assert_same_schema(db, &k2);
	run_plan(db, &p.plan.down[MG_DIALECT_SQLITE]);
	assert_same_schema(db, &k1);
	r = rows(db, "SELECT owner_code FROM item ORDER BY id");
	assert_string_equal(r, "  a\n  b\n  b\n");
	free(r);
	sqlite3_close(db);
	planned_free(&p);
}

/* ---- s1 -> s2: a table and a column renamed, their old names reused ---- */

static const char *const c_b[] = {"b"};
static const struct mg_column s1_users_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "b", .type = MG_COL_INTEGER, .nullable = 1},
};
static const struct mg_index s1_users_ix[] = {
	{.name = "ix_users_b", .n_columns = 1, .columns = c_b},
};
static const struct mg_table s1_tables[] = {
	{.name = "users",
	 .n_columns = 2,
	 .columns = s1_users_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 1,
	 .indexes = s1_users_ix},
};
static const char *const c_c[] = {"c"};
static const struct mg_column s2_accounts_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "c", .type = MG_COL_INTEGER, .nullable = 1, .renamed_from = "b"},
	{.name = "b", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_index s2_accounts_ix[] = {
	{.name = "ix_accounts_c", .n_columns = 1, .columns = c_c},
};
static const struct mg_column s2_users_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "b", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_index s2_users_ix[] = {
	{.name = "ix_users_b", .n_columns = 1, .columns = c_b},
};
static const struct mg_table s2_tables[] = {
	{.name = "accounts",
	 .renamed_from = "users",
	 .n_columns = 3,
	 .columns = s2_accounts_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 1,
	 .indexes = s2_accounts_ix},
	{.name = "users",
	 .n_columns = 2,
	 .columns = s2_users_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 1,
	 .indexes = s2_users_ix},
};
static const struct mg_schema s1 = {1, s1_tables, NULL}, s2 = {2, s2_tables, NULL};
static const char s_rows[] = "INSERT INTO users (b) VALUES (7), (8);";
static const char s_check[] = "SELECT id, c, b FROM accounts ORDER BY id";
static const char s_want[] = "1|7|NULL\n2|8|NULL\n";

/* ---- t1 -> t2: every type, defaults, comments, a composite unique index -- */

static const char *const c_name_small[] = {"name", "small"};
static const char *const c_at[] = {"at"};
static const struct mg_column t1_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "flag", .type = MG_COL_BOOLEAN, .default_sql = "true"},
	{.name = "small", .type = MG_COL_SMALLINT},
	{.name = "num", .type = MG_COL_INTEGER, .nullable = 1},
	{.name = "big", .type = MG_COL_BIGINT, .default_sql = "0"},
	{.name = "r", .type = MG_COL_REAL, .nullable = 1},
	{.name = "d", .type = MG_COL_DOUBLE, .default_sql = "1.5"},
	{.name = "name", .type = MG_COL_VARCHAR, .length = 20, .default_sql = "'x'"},
	{.name = "body", .type = MG_COL_TEXT, .nullable = 1},
	{.name = "data", .type = MG_COL_BLOB, .nullable = 1},
	{.name = "at", .type = MG_COL_CUSTOM, .custom_type = "timestamp", .nullable = 1},
	{.name = "amount",
	 .type = MG_COL_CUSTOM,
	 .custom_type = "numeric(10,2)",
	 .default_sql = "0"},
	{.name = "order", .type = MG_COL_TEXT, .nullable = 1},
	/* Dropped: down restores it NOT NULL with a stand-in value. */
	{.name = "req", .type = MG_COL_INTEGER},
};
static const struct mg_index t1_ix[] = {
	{.name = "ix_things_at", .n_columns = 1, .columns = c_at},
	{.name = "uq_things_name_small", .unique = 1, .n_columns = 2, .columns = c_name_small},
};
static const struct mg_table t1_tables[] = {
	{.name = "things",
	 .n_columns = 14,
	 .columns = t1_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 2,
	 .indexes = t1_ix},
};
static const struct mg_column t2_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "flag", .type = MG_COL_BOOLEAN, .default_sql = "false"},
	{.name = "small", .type = MG_COL_INTEGER},
	{.name = "num", .type = MG_COL_INTEGER, .nullable = 1, .default_sql = "7"},
	{.name = "big", .type = MG_COL_BIGINT},
	{.name = "r", .type = MG_COL_DOUBLE, .nullable = 1},
	{.name = "d", .type = MG_COL_DOUBLE, .default_sql = "1.5", .comment = "a double"},
	{.name = "name", .type = MG_COL_VARCHAR, .length = 40, .default_sql = "'x'"},
	{.name = "body", .type = MG_COL_TEXT, .default_sql = "''"},
	{.name = "at", .type = MG_COL_CUSTOM, .custom_type = "timestamp", .nullable = 1},
	{.name = "amount",
	 .type = MG_COL_CUSTOM,
	 .custom_type = "numeric(12,2)",
	 .default_sql = "0"},
	{.name = "order", .type = MG_COL_TEXT, .nullable = 1},
	{.name = "created",
	 .type = MG_COL_CUSTOM,
	 .custom_type = "timestamp",
	 .nullable = 1,
	 .default_sql = "CURRENT_TIMESTAMP"},
	{.name = "blob2", .type = MG_COL_BLOB, .nullable = 1},
};
static const struct mg_table t2_tables[] = {
	{.name = "things",
	 .comment = "things of every type",
	 .n_columns = 14,
	 .columns = t2_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 2,
	 .indexes = t1_ix},
};
static const struct mg_schema t1 = {1, t1_tables, NULL}, t2 = {1, t2_tables, NULL};
static const char t_rows[] =
	"INSERT INTO things (small, num, name, body, amount, \"order\", req) VALUES "
	"(1, NULL, 'a', NULL, 2.5, 'o1', 9), (2, 5, 'b', 'text', 3, NULL, 9);";
static const char t_check[] =
	"SELECT id, small, num, big, name, body, \"order\" FROM things ORDER BY id";
static const char t_want[] = "1|1|NULL|0|a||o1\n2|2|5|0|b|text|NULL\n";

/* A cycle of new tables, created (PostgreSQL: key added after both) and
 * dropped again with rows pointing at each other (SQLite: foreign keys on,
 * no rebuild in that plan). */
static const struct mg_schema cyc0 = {0, NULL, NULL}, cyc2 = {2, e2_tables + 1, NULL};
static const char cyc_later[] = "INSERT INTO cyc_a (id, b_id) VALUES (1, NULL);"
				"INSERT INTO cyc_b (id, a_id) VALUES (1, 1);"
				"UPDATE cyc_a SET b_id = 1;";

/* ---- r1 -> r2: as s1 -> s2, but the new column is a foreign key, so on
 * the way down SQLite cannot drop it natively before the rename ----------- */

static const struct mg_column r_p_cols[] = {{.name = "id", .type = MG_COL_BIGINT, .identity = 1}};
static const struct mg_column r1_t_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "b", .type = MG_COL_INTEGER, .nullable = 1},
};
static const struct mg_table r1_tables[] = {
	{.name = "p",
	 .n_columns = 1,
	 .columns = r_p_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
	{.name = "t",
	 .n_columns = 2,
	 .columns = r1_t_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
};
static const struct mg_column r2_t_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "c", .type = MG_COL_INTEGER, .nullable = 1, .renamed_from = "b"},
	{.name = "b", .type = MG_COL_BIGINT, .nullable = 1},
};
static const struct mg_foreign_key r2_t_fk[] = {
	{.name = "fk_t_b", .column = "b", .ref_table = "p", .ref_column = "id"}};
static const struct mg_table r2_tables[] = {
	{.name = "p",
	 .n_columns = 1,
	 .columns = r_p_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
	{.name = "t",
	 .n_columns = 3,
	 .columns = r2_t_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_foreign_keys = 1,
	 .foreign_keys = r2_t_fk},
};
static const struct mg_schema r1 = {2, r1_tables, NULL}, r2 = {2, r2_tables, NULL};
static const char r_rows[] = "INSERT INTO p (id) VALUES (1); INSERT INTO t (b) VALUES (5), (6);";
static const char r_later[] = "UPDATE t SET b = 1;";

static void test_sqlite_rename_into_dropped(void **state)
{
	struct planned p;
	char *down;

	(void)state;
	plan_of(&p, &r1, &r2, 0);
	down = plan_text(&p.plan.down[MG_DIALECT_SQLITE], &p.plan.down_ops);
	/* b is in a foreign key: moved aside, then left out by the rebuild. */
	assert_non_null(strstr(down, "ALTER TABLE t RENAME COLUMN b TO b__mg_dropped;\n"
				     "ALTER TABLE t RENAME COLUMN c TO b;\n"));
	assert_non_null(strstr(down, "(rebuild t)"));
	free(down);
	planned_free(&p);
}

/* ---- w1 -> w2: tables t and u swap names; the columns of one swap, those
 * of the other rename in a chain (y from x, z from y) ------------------------ */

/* s: two self-references whose columns swap names, with their indexes
 * and keys (PostgreSQL: index and constraint renames that swap too). */
static const struct mg_column w1_s_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "a", .type = MG_COL_BIGINT, .nullable = 1},
	{.name = "b", .type = MG_COL_BIGINT, .nullable = 1},
};
static const struct mg_column w2_s_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "b", .type = MG_COL_BIGINT, .nullable = 1, .renamed_from = "a"},
	{.name = "a", .type = MG_COL_BIGINT, .nullable = 1, .renamed_from = "b"},
};
static const struct mg_index w_s_ix[] = {
	{.name = "ix_s_a", .n_columns = 1, .columns = c_a},
	{.name = "ix_s_b", .n_columns = 1, .columns = c_b},
};
static const struct mg_foreign_key w_s_fk[] = {
	{.name = "fk_s_a", .column = "a", .ref_table = "s", .ref_column = "id"},
	{.name = "fk_s_b", .column = "b", .ref_table = "s", .ref_column = "id"},
};
static const struct mg_column w1_t_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "a", .type = MG_COL_BIGINT},
	{.name = "b", .type = MG_COL_SMALLINT},
};
static const struct mg_column w1_u_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "x", .type = MG_COL_TEXT},
	{.name = "y", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_table w1_tables[] = {
	{.name = "s",
	 .n_columns = 3,
	 .columns = w1_s_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 2,
	 .indexes = w_s_ix,
	 .n_foreign_keys = 2,
	 .foreign_keys = w_s_fk},
	{.name = "t",
	 .n_columns = 3,
	 .columns = w1_t_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
	{.name = "u",
	 .n_columns = 3,
	 .columns = w1_u_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
};
static const struct mg_column w2_t_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "y", .type = MG_COL_TEXT, .renamed_from = "x"},
	{.name = "z", .type = MG_COL_TEXT, .nullable = 1, .renamed_from = "y"},
};
static const struct mg_column w2_u_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "b", .type = MG_COL_BIGINT, .renamed_from = "a"},
	{.name = "a", .type = MG_COL_SMALLINT, .renamed_from = "b"},
};
static const struct mg_table w2_tables[] = {
	{.name = "s",
	 .n_columns = 3,
	 .columns = w2_s_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 2,
	 .indexes = w_s_ix,
	 .n_foreign_keys = 2,
	 .foreign_keys = w_s_fk},
	{.name = "t",
	 .renamed_from = "u",
	 .n_columns = 3,
	 .columns = w2_t_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
	{.name = "u",
	 .renamed_from = "t",
	 .n_columns = 3,
	 .columns = w2_u_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
};
static const struct mg_schema w1 = {3, w1_tables, NULL}, w2 = {3, w2_tables, NULL};
static const char w_rows[] = "INSERT INTO s (id, a, b) VALUES (1, NULL, 1), (2, 1, NULL);"
			     "INSERT INTO t (a, b) VALUES (10, 20), (11, 21);"
			     "INSERT INTO u (x, y) VALUES ('x1', 'y1');";
static const char w_check[] = "SELECT u.id, u.b, u.a, t.y, t.z FROM u, t ORDER BY u.id";
static const char w_want[] = "1|10|20|x1|y1\n2|11|21|x1|y1\n";

static void test_rename_swap_chain(void **state)
{
	struct planned p;
	sqlite3 *db;
	char *text, *r;

	(void)state;
	plan_of(&p, &w1, &w2, 0);
	assert_null(p.plan.irreversible_note);
	text = plan_text(&p.plan.up[MG_DIALECT_SQLITE], &p.plan.up_ops);
	/* The swap goes through a temporary name; the chain runs from its end. */
	assert_non_null(strstr(text,
			       "-- rename table u to t (first to modelgen_rename_1: names swap)\n"
			       "ALTER TABLE u RENAME TO modelgen_rename_1;\n"
			       "-- rename table t to u\n"
			       "ALTER TABLE t RENAME TO u;\n"
			       "-- rename table u to t\n"
			       "ALTER TABLE modelgen_rename_1 RENAME TO t;\n"));
	assert_non_null(
		strstr(text, "-- rename column t.y to z\n"
			     "ALTER TABLE t RENAME COLUMN y TO z;\n"
			     "-- rename column t.x to y\n"
			     "ALTER TABLE t RENAME COLUMN x TO y;\n"
			     "-- rename column u.a to b (first to modelgen_rename_1: names swap)\n"
			     "ALTER TABLE u RENAME COLUMN a TO modelgen_rename_1;\n"
			     "-- rename column u.b to a\n"
			     "ALTER TABLE u RENAME COLUMN b TO a;\n"
			     "-- rename column u.a to b\n"
			     "ALTER TABLE u RENAME COLUMN modelgen_rename_1 TO b;\n"));
	free(text);
	text = plan_text(&p.plan.up[MG_DIALECT_POSTGRESQL], &p.plan.up_ops);
	/* The primary key and the identity sequence follow each move. */
	assert_non_null(strstr(text, "ALTER TABLE u RENAME TO modelgen_rename_1;\n"
				     "ALTER TABLE modelgen_rename_1 RENAME CONSTRAINT pk_u TO "
				     "pk_modelgen_rename_1;\n"
				     "ALTER SEQUENCE IF EXISTS u_id_seq RENAME TO "
				     "modelgen_rename_1_id_seq;\n"));
	assert_non_null(strstr(text, "ALTER TABLE u RENAME COLUMN modelgen_rename_1 TO b;\n"));
	/* Index names (schema-wide) and key names (per table) swap too. */
	assert_non_null(strstr(text, "ALTER INDEX ix_s_b RENAME TO modelgen_rename_1;\n"));
	assert_non_null(
		strstr(text, "ALTER TABLE s RENAME CONSTRAINT modelgen_rename_1 TO fk_s_a;\n"));
	free(text);

	db = open_at(&w1);
	exec_ok(db, w_rows);
	run_plan(db, &p.plan.up[MG_DIALECT_SQLITE]);
	assert_same_schema(db, &w2);
	r = rows(db, "SELECT u.id, u.b, u.a, t.y, t.z FROM u, t ORDER BY u.id");
	assert_string_equal(r, "  1|10|20|x1|y1\n  2|11|21|x1|y1\n");
	free(r);
	r = rows(db, "SELECT id, b, a FROM s ORDER BY id");
	assert_string_equal(r, "  1|NULL|1\n  2|1|NULL\n");
	free(r);
	run_plan(db, &p.plan.down[MG_DIALECT_SQLITE]);
	assert_same_schema(db, &w1);
	r = rows(db, "SELECT t.id, t.a, t.b, u.x, u.y FROM t, u ORDER BY t.id");
	assert_string_equal(r, "  1|10|20|x1|y1\n  2|11|21|x1|y1\n");
	free(r);
	sqlite3_close(db);
	planned_free(&p);
}

/* ---- d1 -> d2: a table whose rows reference each other (ON DELETE
 * RESTRICT) is dropped; SQLite's runtime drops it with foreign keys off -- */

static const char *const c_parent[] = {"parent"};
static const struct mg_column d_keep_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1}};
static const struct mg_column d_node_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "parent", .type = MG_COL_BIGINT, .nullable = 1},
};
static const struct mg_foreign_key d_node_fk[] = {{.name = "fk_node_parent",
						   .column = "parent",
						   .ref_table = "node",
						   .ref_column = "id",
						   .on_delete = MG_FK_RESTRICT}};
static const struct mg_index d_node_ix[] = {
	{.name = "ix_node_parent", .n_columns = 1, .columns = c_parent}};
static const struct mg_table d1_tables[] = {
	{.name = "keep",
	 .n_columns = 1,
	 .columns = d_keep_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
	{.name = "node",
	 .n_columns = 2,
	 .columns = d_node_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id,
	 .n_indexes = 1,
	 .indexes = d_node_ix,
	 .n_foreign_keys = 1,
	 .foreign_keys = d_node_fk},
};
static const struct mg_schema d1 = {2, d1_tables, NULL}, d2 = {1, d1_tables, NULL};
static const char d_rows[] = "INSERT INTO keep (id) VALUES (7);"
			     "INSERT INTO node (id, parent) VALUES (1, NULL), (2, 1), (3, 2);";

/* ---- through the runtime: mg_update applies the plans, mg_verify compares -- */

/* Two migrations (create `from`, then `from` -> `to`) as the runtime sees
 * them, built from plans held by the caller. */
struct e2e {
	struct planned p1, p2;
	struct mg_migration m1, m2;
	const struct mg_migration *list[2];
	struct mg_registry r1, r2;
};

static void fill_migration(struct mg_migration *m, unsigned number, const char *name,
			   const char *parent, const char *result, const struct plan_result *plan)
{
	int d;

	memset(m, 0, sizeof(*m));
	m->number = number;
	m->name = name;
	m->parent_hash = parent;
	m->result_hash = result;
	m->flags = plan->irreversible_note ? MG_MIGRATION_IRREVERSIBLE : 0;
	m->irreversible_note = plan->irreversible_note;
	m->before = &plan->before;
	m->after = &plan->after;
	m->up_ops = plan->up_ops;
	m->down_ops = plan->down_ops;
	for (d = 0; d < MG_DIALECT_COUNT; d++) {
		m->up[d] = plan->up[d];
		m->down[d] = plan->down[d];
	}
}

/* --fill options for the next e2e_init (tests set and clear them). */
static size_t e2e_n_fills;
static const struct diff_fill *e2e_fills;

static void e2e_init(struct e2e *e, const struct mg_schema *from, const struct mg_schema *to)
{
	static const struct mg_schema empty = {0, NULL, NULL};

	plan_of(&e->p1, &empty, from, 0);
	plan_with(&e->p2, from, to, 1, e2e_n_fills, e2e_fills);
	fill_migration(&e->m1, 1, "0001_from", "", "h1", &e->p1.plan);
	fill_migration(&e->m2, 2, "0002_to", "h1", "h2", &e->p2.plan);
	e->list[0] = &e->m1;
	e->list[1] = &e->m2;
	e->r1 = (struct mg_registry){1, e->list, from, "h1", 0, NULL};
	e->r2 = (struct mg_registry){2, e->list, to, "h2", 0, NULL};
}

static void e2e_free(struct e2e *e)
{
	planned_free(&e->p1);
	planned_free(&e->p2);
}

static void must(struct mg_db *db, int rc, const char *what)
{
	if (rc)
		fail_msg("%s: %d %s", what, rc, mg_db_errmsg(db));
}

static void must_verify(struct mg_db *db, const struct mg_registry *r)
{
	char *report = NULL;
	int rc = mg_verify(&report, db, r, 0, 0);

	if (rc)
		fail_msg("verify: %d %s\n%s", rc, mg_db_errmsg(db), report ? report : "");
	free(report);
}

/* Creates at `from` with `rows`, migrates to `to`, verifies, runs
 * `later_sql` (or nothing), checks with `check_sql` (must return `want`),
 * goes down to 1 and verifies again. */
static void e2e_run(const char *url, const struct mg_schema *from, const struct mg_schema *to,
		    const char *rows_sql, const char *check_sql, const char *want,
		    const char *later_sql)
{
	struct e2e e;
	struct mg_update_options up = {0}, down = {0};
	struct mg_db *db = NULL;
	struct mg_rows *rows = NULL;
	char err[256];
	struct mg_strbuf got = {0};
	size_t i;

	e2e_init(&e, from, to);
	if (mg_db_open(&db, url, err, sizeof(err)))
		fail_msg("open %s: %s", url, err);
	must(db, mg_update(NULL, db, &e.r1, &up), "create at 1");
	must_verify(db, &e.r1);
	must(db, mg_db_exec(db, rows_sql), "rows");
	must(db, mg_update(NULL, db, &e.r2, &up), "migrate to 2");
	must_verify(db, &e.r2);
	if (later_sql)
		must(db, mg_db_exec(db, later_sql), "rows after the migration");
	must(db, mg_db_query(&rows, db, check_sql, 0, NULL), "check query");
	while (mg_rows_next(rows) > 0) {
		for (i = 0; i < mg_rows_columns(rows); i++)
			mg_strbuf_printf(&got, "%s%s", i ? "|" : "",
					 mg_rows_text(rows, i) ? mg_rows_text(rows, i) : "NULL");
		mg_strbuf_putc(&got, '\n');
	}
	mg_rows_free(rows);
	assert_string_equal(mg_strbuf_cstr(&got), want);
	down.flags = MG_UPDATE_TO | MG_UPDATE_FORCE;
	down.to = 1;
	must(db, mg_update(NULL, db, &e.r2, &down), "down to 1");
	must_verify(db, &e.r1);
	mg_db_close(db);
	mg_strbuf_free(&got);
	e2e_free(&e);
}

/* ---- f1 -> f2: one-off fills (--fill), from other columns ------------- */

static const struct mg_column f1_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "title", .type = MG_COL_TEXT},
	{.name = "created", .type = MG_COL_BIGINT},
	{.name = "due", .type = MG_COL_BIGINT, .nullable = 1},
};
static const struct mg_column f2_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "title", .type = MG_COL_TEXT},
	{.name = "created", .type = MG_COL_BIGINT},
	{.name = "due", .type = MG_COL_BIGINT},
	{.name = "priority", .type = MG_COL_INTEGER},
};
static const struct mg_table f1_tables[] = {
	{.name = "tasks",
	 .n_columns = 4,
	 .columns = f1_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
};
static const struct mg_table f2_tables[] = {
	{.name = "tasks",
	 .n_columns = 5,
	 .columns = f2_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
};
static const struct mg_schema f1 = {1, f1_tables, NULL}, f2 = {1, f2_tables, NULL};
static const struct diff_fill f_fills[] = {
	{"tasks", "due", "created + 10"},
	{"tasks", "priority", "length(title)"},
};
static const char f_rows[] = "INSERT INTO tasks (title, created, due) VALUES ('a', 100, NULL), "
			     "('bbb', 200, 50);";
static const char f_check[] = "SELECT id, due, priority FROM tasks ORDER BY id";
static const char f_want[] = "1|110|1\n2|50|3\n";

/* The fills reach the rows on `url` and are not kept as defaults (verify
 * compares the columns, defaults included, after up and after down). */
static void e2e_fills_run(const char *url)
{
	e2e_n_fills = 2;
	e2e_fills = f_fills;
	e2e_run(url, &f1, &f2, f_rows, f_check, f_want, NULL);
	e2e_n_fills = 0;
	e2e_fills = NULL;
}

/* ---- Narrowing types over rows that do not fit: refused on both ------- */

/* One type change that can lose or alter a value, a value that keeps
 * through it and one that would not. */
struct narrowing {
	const char *name;
	struct mg_column from, to;
	const char *good, *bad;
};

static const struct narrowing narrowings[] = {
	{"varchar",
	 {.name = "v", .type = MG_COL_VARCHAR, .length = 64},
	 {.name = "v", .type = MG_COL_VARCHAR, .length = 16},
	 "'short'",
	 "'a display name of forty characters......'"},
	{"text",
	 {.name = "v", .type = MG_COL_TEXT},
	 {.name = "v", .type = MG_COL_VARCHAR, .length = 8},
	 "'note'",
	 "'a longer note'"},
	{"bigint",
	 {.name = "v", .type = MG_COL_BIGINT},
	 {.name = "v", .type = MG_COL_INTEGER},
	 "7",
	 "5000000000"},
	{"smallint",
	 {.name = "v", .type = MG_COL_INTEGER},
	 {.name = "v", .type = MG_COL_SMALLINT},
	 "-7",
	 "40000"},
	{"double",
	 {.name = "v", .type = MG_COL_DOUBLE},
	 {.name = "v", .type = MG_COL_INTEGER},
	 "3",
	 "2.5"},
	{"bigint_double",
	 {.name = "v", .type = MG_COL_BIGINT},
	 {.name = "v", .type = MG_COL_DOUBLE},
	 "9007199254740992",
	 "9007199254740993"},
};

/* Creates at `from` with `rows`, then the migration to `to` must be refused
 * by a guard and leave the database at 1 with `check_sql` still returning
 * `want`. */
static void e2e_refused(const char *url, const struct mg_schema *from, const struct mg_schema *to,
			const char *rows_sql, const char *check_sql, const char *want)
{
	struct e2e e;
	struct mg_update_options up = {0};
	struct mg_db *db = NULL;
	struct mg_rows *rows = NULL;
	char err[256];
	struct mg_strbuf got = {0};

	e2e_init(&e, from, to);
	if (mg_db_open(&db, url, err, sizeof(err)))
		fail_msg("open %s: %s", url, err);
	must(db, mg_update(NULL, db, &e.r1, &up), "create at 1");
	must(db, mg_db_exec(db, rows_sql), "rows");
	if (mg_update(NULL, db, &e.r2, &up) != MG_E_GUARD)
		fail_msg("the migration to 2 was not refused by its guard: %s", mg_db_errmsg(db));
	if (!strstr(mg_db_errmsg(db), "refused: 1 row would not keep its value (for example the "
				      "row with key 2); nothing changed"))
		fail_msg("message: %s", mg_db_errmsg(db));
	must_verify(db, &e.r1);
	must(db, mg_db_query(&rows, db, check_sql, 0, NULL), "check query");
	while (mg_rows_next(rows) > 0)
		mg_strbuf_printf(&got, "%s\n", mg_rows_text(rows, 0));
	mg_rows_free(rows);
	assert_string_equal(mg_strbuf_cstr(&got), want);
	mg_db_close(db);
	mg_strbuf_free(&got);
	e2e_free(&e);
}

/* Each narrowing on the database `url` makes (prefix + case name): with a
 * row that does not fit, refused and nothing changed; with rows that fit,
 * migrated and the values unchanged. */
static void e2e_narrowings(char *(*url)(const char *name))
{
	size_t k;

	for (k = 0; k < sizeof(narrowings) / sizeof(narrowings[0]); k++) {
		const struct narrowing *c = &narrowings[k];
		struct mg_column from[2] = {{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
					    c->from};
		struct mg_column to[2] = {{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
					  c->to};
		struct mg_table ft = {.name = "people",
				      .n_columns = 2,
				      .columns = from,
				      .n_primary_key = 1,
				      .primary_key = pk_id};
		struct mg_table tt = ft;
		struct mg_schema fs = {1, &ft, NULL}, ts = {1, &tt, NULL};
		struct mg_strbuf rows = {0}, check = {0};
		char *u;

		tt.columns = to;
		mg_strbuf_printf(&rows, "INSERT INTO people (v) VALUES (%s), (%s);", c->good,
				 c->bad);
		mg_strbuf_printf(&check,
				 "SELECT count(*) FROM people WHERE id = 1 AND v = %s UNION ALL "
				 "SELECT count(*) FROM people WHERE id = 2 AND v = %s",
				 c->good, c->bad);
		u = url(c->name);
		e2e_refused(u, &fs, &ts, mg_strbuf_cstr(&rows), mg_strbuf_cstr(&check), "1\n1\n");
		free(u);
		mg_strbuf_clear(&rows);
		mg_strbuf_printf(&rows, "INSERT INTO people (v) VALUES (%s);", c->good);
		mg_strbuf_clear(&check);
		mg_strbuf_printf(&check, "SELECT count(*) FROM people WHERE v = %s", c->good);
		u = url(c->name);
		e2e_run(u, &fs, &ts, mg_strbuf_cstr(&rows), mg_strbuf_cstr(&check), "1\n", NULL);
		free(u);
		mg_strbuf_free(&rows);
		mg_strbuf_free(&check);
	}
}

static char *sqlite_url(const char *name)
{
	struct mg_strbuf b = {0};

	mg_strbuf_printf(&b, "sqlite:%s/test_plan_%s.db", MG_TEST_BINARY_DIR, name);
	remove(mg_strbuf_cstr(&b) + strlen("sqlite:"));
	return mg_strbuf_detach(&b);
}

/* ---- i1 -> i2: SQLite in place: a width changed, a column added before it
 * in the model (ADD COLUMN appends: the stored order is not the model's) */

static const struct mg_column i1_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "a", .type = MG_COL_INTEGER},
	{.name = "z", .type = MG_COL_TEXT},
};
static const struct mg_column i2_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "b", .type = MG_COL_TEXT, .nullable = 1},
	{.name = "a", .type = MG_COL_BIGINT},
	{.name = "z", .type = MG_COL_TEXT},
};
static const struct mg_table i1_tables[] = {
	{.name = "t", .n_columns = 3, .columns = i1_cols, .n_primary_key = 1, .primary_key = pk_id},
};
static const struct mg_table i2_tables[] = {
	{.name = "t", .n_columns = 4, .columns = i2_cols, .n_primary_key = 1, .primary_key = pk_id},
};
static const struct mg_schema i1 = {1, i1_tables, NULL}, i2 = {1, i2_tables, NULL};
static const char i_rows[] = "INSERT INTO t (a, z) VALUES (1, 'one'), (2, 'two');";
static const char i_check[] = "SELECT id, a, z, typeof(a), b IS NULL FROM t ORDER BY id";
static const char i_want[] = "1|1|one|integer|1\n2|2|two|integer|1\n";

/* The plan of i1 -> i2 on SQLite changes the table in place, no rebuild. */
static void test_sqlite_in_place(void **state)
{
	struct planned p;
	const struct mg_plan *up;

	(void)state;
	plan_of(&p, &i1, &i2, 0);
	up = &p.plan.up[MG_DIALECT_SQLITE];
	assert_int_equal(up->n_steps, 2);
	assert_int_equal(up->steps[0].kind, MG_STEP_SQL); /* ADD COLUMN b */
	assert_int_equal(up->steps[1].kind, MG_STEP_REBUILD);
	assert_true(up->steps[1].flags & MG_STEP_IN_PLACE);
	/* Down drops b natively, then narrows the bigint back in place,
	 * guarded. */
	assert_int_equal(p.plan.down[MG_DIALECT_SQLITE].n_steps, 2);
	assert_true(p.plan.down[MG_DIALECT_SQLITE].steps[1].flags & MG_STEP_IN_PLACE);
	assert_non_null(p.plan.down[MG_DIALECT_SQLITE].steps[1].guard);
	planned_free(&p);
}

/* A fresh SQLite database per narrowing case (e2e_narrowings). */
static char *sqlite_case_url(const char *name)
{
	char n[64];

	snprintf(n, sizeof(n), "n_%s", name);
	return sqlite_url(n);
}

static const char v_rows[] = "INSERT INTO users (name, rating, email, legacy) VALUES "
			     "('ann', 1.5, NULL, 'l1'), ('bob', NULL, 'b@x', NULL);"
			     "INSERT INTO posts (user_id, title) VALUES (1, 'hello'), (2, 'world');"
			     "INSERT INTO old_stuff (x) VALUES ('gone');";

static void test_runtime_sqlite(void **state)
{
	char *url;

	(void)state;
	url = sqlite_url("v");
	e2e_run(url, &v1, &v2, v_rows,
		"SELECT a.id, a.username, a.email, p.title FROM accounts a JOIN posts p ON "
		"p.user_id = a.id ORDER BY a.id",
		"1|ann||hello\n2|bob|b@x|world\n", NULL);
	free(url);
	url = sqlite_url("e");
	e2e_run(url, &e1, &e2, e_rows, "SELECT count(*), sum(qty) FROM child", "3|6\n", NULL);
	free(url);
	url = sqlite_url("k");
	e2e_run(url, &k1, &k2, k_rows, "SELECT count(*) FROM item", "3\n", NULL);
	free(url);
	url = sqlite_url("s");
	e2e_run(url, &s1, &s2, s_rows, s_check, s_want, NULL);
	free(url);
	url = sqlite_url("w");
	e2e_run(url, &w1, &w2, w_rows, w_check, w_want, NULL);
	free(url);
	url = sqlite_url("d");
	e2e_run(url, &d1, &d2, d_rows, "SELECT id FROM keep", "7\n", NULL);
	free(url);
	url = sqlite_url("c");
	e2e_run(url, &cyc0, &cyc2, "SELECT 1", "SELECT count(*) FROM cyc_a, cyc_b", "1\n",
		cyc_later);
	free(url);
	url = sqlite_url("r");
	e2e_run(url, &r1, &r2, r_rows, "SELECT id, c, b FROM t ORDER BY id", "1|5|1\n2|6|1\n",
		r_later);
	free(url);
	url = sqlite_url("t");
	e2e_run(url, &t1, &t2, t_rows, t_check, t_want, NULL);
	free(url);
	url = sqlite_url("f");
	e2e_fills_run(url);
	free(url);
	url = sqlite_url("i");
	e2e_run(url, &i1, &i2, i_rows, i_check, i_want, NULL);
	free(url);
	/* Narrowings: refused, as on PostgreSQL, although SQLite would keep
	 * every value. */
	e2e_narrowings(sqlite_case_url);
}

/* The default PostgreSQL forms on tables that exist before the migration
 * (issue 13 section 1), with their flags and lock facts. */
static const struct mg_step *find_step(const struct mg_plan *p, const char *sql_part)
{
	size_t i;

	for (i = 0; i < p->n_steps; i++)
		if (p->steps[i].sql && strstr(p->steps[i].sql, sql_part))
			return &p->steps[i];
	fail_msg("no step with %s", sql_part);
	return NULL;
}

static void test_pg_safe_text(void **state)
{
	struct planned p;
	const struct mg_plan *up;
	const struct mg_step *st;
	size_t i, n_blocking = 0;

	(void)state;
	plan_of(&p, &e1, &e2, 0);
	up = &p.plan.up[MG_DIALECT_POSTGRESQL];
	/* NOT NULL: batched fill, CHECK NOT VALID, VALIDATE alone, SET NOT NULL. */
	st = find_step(up, "WITH batch AS");
	assert_true(st->flags & MG_STEP_BATCHED);
	assert_string_equal(st->target, "pair.v");
	assert_string_equal(st->locks, "ROW EXCLUSIVE on pair; scans; no rewrite");
	st = find_step(up, "CHECK (v IS NOT NULL) NOT VALID");
	assert_int_equal(st->flags & (MG_STEP_NO_TX | MG_STEP_BATCHED | MG_STEP_OWN_TX), 0);
	assert_string_equal(st->locks, "ACCESS EXCLUSIVE on pair; no scan; no rewrite");
	st = find_step(up, "VALIDATE CONSTRAINT modelgen_nn_pair_v");
	assert_true(st->flags & MG_STEP_OWN_TX);
	assert_string_equal(st->locks, "SHARE UPDATE EXCLUSIVE on pair; scans; no rewrite");
	st = find_step(up, "SET NOT NULL");
	assert_non_null(strstr(st->sql, "DROP CONSTRAINT modelgen_nn_pair_v"));
	/* The primary key's index built concurrently, then attached. */
	st = find_step(up, "CREATE UNIQUE INDEX CONCURRENTLY modelgen_pk_pair ON pair (a);");
	assert_true(st->flags & MG_STEP_NO_TX);
	assert_string_equal(st->target, "modelgen_pk_pair");
	find_step(up, "ADD CONSTRAINT pk_pair PRIMARY KEY USING INDEX modelgen_pk_pair;");
	/* A rewriting type change is marked; a binary-coercible one is not. */
	st = find_step(up, "ALTER COLUMN qty TYPE bigint");
	assert_string_equal(st->locks, "[!] ACCESS EXCLUSIVE on child; scans; rewrites");
	st = find_step(up, "ALTER COLUMN code TYPE text");
	assert_string_equal(st->locks, "ACCESS EXCLUSIVE on parent; no scan; no rewrite");
	/* Tables made by the migration: plain DDL, no lock on anything old. */
	st = find_step(up, "CREATE TABLE cyc_a");
	assert_string_equal(st->locks, "no lock on an existing table; no scan; no rewrite");
	for (i = 0; i < up->n_steps; i++) {
		assert_non_null(up->steps[i].locks);
		n_blocking += strncmp(up->steps[i].locks, "[!] ", 4) == 0;
	}
	assert_int_equal(p.plan.n_blocking, n_blocking);
	assert_int_equal(n_blocking, 1);
	/* SQLite has no lock facts. */
	for (i = 0; i < p.plan.up[MG_DIALECT_SQLITE].n_steps; i++)
		assert_null(p.plan.up[MG_DIALECT_SQLITE].steps[i].locks);
	planned_free(&p);

	/* Indexes and foreign keys on existing tables (k1 -> k2 drops and adds
	 * them). */
	plan_of(&p, &k1, &k2, 0);
	up = &p.plan.up[MG_DIALECT_POSTGRESQL];
	for (i = 0; i < up->n_steps; i++) {
		const struct mg_step *s = &up->steps[i];

		if (strstr(s->sql, "CREATE UNIQUE INDEX") || strstr(s->sql, "DROP INDEX")) {
			assert_non_null(strstr(s->sql, "CONCURRENTLY"));
			assert_true(s->flags & MG_STEP_NO_TX);
			assert_non_null(s->target);
		}
		if (strstr(s->sql, "FOREIGN KEY"))
			assert_non_null(strstr(s->sql, "NOT VALID;"));
		if (strstr(s->sql, "VALIDATE CONSTRAINT"))
			assert_true(s->flags & MG_STEP_OWN_TX);
	}
	find_step(up, "VALIDATE CONSTRAINT fk_item_owner_code");
	planned_free(&p);
}

#ifdef HAVE_LIBPQ
/* ---- PostgreSQL: MG_TEST_PG_URL, or the ctest fixture's server ----------- */

/* The URL of a throw-away server, or NULL to skip: $MG_TEST_PG_URL, else
 * the file the ctest fixture "pg" (tools/pg.sh) writes. */
static const char *pg_url(void)
{
	static char buf[1024];
	const char *env = getenv("MG_TEST_PG_URL");
	FILE *f;
	size_t n;

	if (env && *env)
		return env;
	f = fopen(MG_TEST_BINARY_DIR "/pg_url.txt", "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return n ? buf : NULL;
}

static void pg_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s\nin: %s", PQerrorMessage(c), sql);
	PQclear(r);
}

static void pg_rows(struct mg_strbuf *out, PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int i, j;

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s\nin: %s", PQerrorMessage(c), sql);
	for (i = 0; i < PQntuples(r); i++) {
		for (j = 0; j < PQnfields(r); j++)
			mg_strbuf_printf(out, "%s%s", j ? "|" : "  ",
					 PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j));
		mg_strbuf_putc(out, '\n');
	}
	PQclear(r);
}

/* The schema `ns` as PostgreSQL reports it. Columns are listed by name:
 * ALTER TABLE ADD COLUMN can only append, so their order is not part of
 * what create and migrate must agree on. */
static char *pg_describe(PGconn *c, const char *ns)
{
	struct mg_strbuf out = {0}, q = {0};

	mg_strbuf_printf(&q, "SET search_path TO %s", ns);
	pg_exec(c, mg_strbuf_cstr(&q));
	mg_strbuf_clear(&q);
	mg_strbuf_printf(&q,
			 "SELECT table_name, column_name, data_type, character_maximum_length, "
			 "is_nullable, column_default, is_identity, "
			 "col_description(format('%%I.%%I', table_schema, table_name)::regclass, "
			 "ordinal_position) FROM information_schema.columns WHERE table_schema = "
			 "'%s' ORDER BY table_name, column_name",
			 ns);
	pg_rows(&out, c, mg_strbuf_cstr(&q));
	mg_strbuf_clear(&q);
	mg_strbuf_printf(&q,
			 "SELECT tablename, indexname, replace(indexdef, '%s.', '') FROM "
			 "pg_indexes WHERE schemaname = '%s' ORDER BY tablename, indexname",
			 ns, ns);
	pg_rows(&out, c, mg_strbuf_cstr(&q));
	mg_strbuf_clear(&q);
	mg_strbuf_printf(&q,
			 "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM "
			 "pg_constraint WHERE connamespace = '%s'::regnamespace ORDER BY 1, 2",
			 ns);
	pg_rows(&out, c, mg_strbuf_cstr(&q));
	mg_strbuf_clear(&q);
	mg_strbuf_printf(&q,
			 "SELECT sequencename, data_type FROM pg_sequences WHERE schemaname = '%s' "
			 "ORDER BY 1",
			 ns);
	pg_rows(&out, c, mg_strbuf_cstr(&q));
	mg_strbuf_clear(&q);
	mg_strbuf_printf(&q,
			 "SELECT relname, obj_description(oid, 'pg_class') FROM pg_class WHERE "
			 "relnamespace = '%s'::regnamespace AND relkind = 'r' ORDER BY 1",
			 ns);
	pg_rows(&out, c, mg_strbuf_cstr(&q));
	mg_strbuf_free(&q);
	return mg_strbuf_detach(&out);
}

static void pg_fresh(PGconn *c, const char *ns, const struct mg_schema *s)
{
	struct mg_strbuf b = {0};

	mg_strbuf_printf(
		&b, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s; SET search_path TO %s;\n",
		ns, ns, ns);
	mg_sql_create_schema(&b, MG_DIALECT_POSTGRESQL, s);
	pg_exec(c, mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
}

/* One MG_STEP_BATCHED step: batches of 2 rows until it returns no row,
 * the cursor ($1..$k) the last key of the batch before. */
static void pg_batches(PGconn *c, const char *sql)
{
	char *cursor[8] = {0};
	const char *params[9];
	size_t k = 0, j;
	const char *p;
	int batches = 0;

	for (p = sql; (p = strchr(p, '$')) != NULL; p++)
		if (p[1] >= '1' && p[1] <= '9' && (size_t)(p[1] - '0') > k)
			k = (size_t)(p[1] - '0');
	assert_true(k >= 2 && k <= 9);
	k--;
	for (;;) {
		PGresult *r;

		for (j = 0; j < k; j++)
			params[j] = cursor[j];
		params[k] = "2";
		r = PQexecParams(c, sql, (int)k + 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			fail_msg("%s\nin: %s", PQerrorMessage(c), sql);
		if (PQntuples(r) == 0) {
			PQclear(r);
			break;
		}
		for (j = 0; j < k; j++) {
			free(cursor[j]);
			cursor[j] = strdup(PQgetvalue(r, 0, (int)j));
		}
		PQclear(r);
		assert_true(++batches < 1000);
	}
	for (j = 0; j < k; j++)
		free(cursor[j]);
}

/* Runs plan `p` as the runtime does: in one transaction, or, with a step
 * outside a transaction, a batched or an own-transaction step, each step
 * as its flags say (the recorded sequence of apply.c, without the
 * bookkeeping). */
static void pg_run(PGconn *c, const char *ns, const struct mg_plan *p)
{
	struct mg_strbuf b = {0};
	size_t i;
	int recorded = 0;

	mg_strbuf_printf(&b, "SET search_path TO %s", ns);
	pg_exec(c, mg_strbuf_cstr(&b));
	for (i = 0; i < p->n_steps; i++)
		recorded |= (p->steps[i].flags &
			     (MG_STEP_NO_TX | MG_STEP_BATCHED | MG_STEP_OWN_TX)) != 0;
	if (!recorded)
		pg_exec(c, "BEGIN");
	for (i = 0; i < p->n_steps; i++) {
		assert_int_equal(p->steps[i].kind, MG_STEP_SQL);
		if (recorded && (p->steps[i].flags & MG_STEP_BATCHED)) {
			pg_batches(c, p->steps[i].sql);
		} else if (recorded && !(p->steps[i].flags & MG_STEP_NO_TX)) {
			pg_exec(c, "BEGIN");
			pg_exec(c, p->steps[i].sql);
			pg_exec(c, "COMMIT");
		} else {
			pg_exec(c, p->steps[i].sql);
		}
	}
	if (!recorded)
		pg_exec(c, "COMMIT");
	mg_strbuf_free(&b);
}

static void pg_assert_same(PGconn *c, const char *migrated, const struct mg_schema *s)
{
	char *a, *b;

	pg_fresh(c, "mg_plan_fresh", s);
	a = pg_describe(c, migrated);
	b = pg_describe(c, "mg_plan_fresh");
	if (strcmp(a, b) != 0)
		fail_msg("migrated:\n%s\ncreated:\n%s", a, b);
	free(a);
	free(b);
}

static char *pg_text(PGconn *c, const char *sql)
{
	struct mg_strbuf out = {0};

	pg_rows(&out, c, sql);
	return mg_strbuf_detach(&out);
}

static void test_pg_up_down(void **state)
{
	const char *url = pg_url();
	struct planned p;
	PGconn *c;
	char *r;

	(void)state;
	if (!url)
		skip();
	c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s", PQerrorMessage(c));
	pg_exec(c, "SET client_min_messages TO warning");
	plan_of(&p, &v1, &v2, 1);
	pg_fresh(c, "mg_plan_m", &v1);
	pg_exec(c, "INSERT INTO users (name, rating, email, legacy) VALUES "
		   "('ann', 1.5, NULL, 'l1'), ('bob', NULL, 'b@x', NULL);"
		   "INSERT INTO posts (user_id, title) VALUES (1, 'hello'), (2, 'world');"
		   "INSERT INTO old_stuff (x) VALUES ('gone');");

	pg_run(c, "mg_plan_m", &p.plan.up[MG_DIALECT_POSTGRESQL]);
	pg_assert_same(c, "mg_plan_m", &v2);
	pg_exec(c, "SET search_path TO mg_plan_m");
	r = pg_text(c, "SELECT id, username, score, email, created_at FROM accounts ORDER BY id");
	assert_string_equal(r, "  1|ann|1.5||0\n  2|bob|NULL|b@x|0\n");
	free(r);
	pg_exec(c,
		"DELETE FROM accounts WHERE id = 2; INSERT INTO accounts (username) VALUES ('cy')");
	r = pg_text(c, "SELECT id, user_id, flag FROM posts ORDER BY id");
	assert_string_equal(r, "  1|1|f\n  2|NULL|f\n");
	free(r);

	/* A NULL left in posts.user_id would become 0 on the way down and
	 * then fail the restored foreign key. */
	pg_exec(c, "UPDATE posts SET user_id = 1");
	pg_run(c, "mg_plan_m", &p.plan.down[MG_DIALECT_POSTGRESQL]);
	pg_assert_same(c, "mg_plan_m", &v1);
	pg_exec(c, "SET search_path TO mg_plan_m");
	r = pg_text(c, "SELECT id, name, email, legacy FROM users ORDER BY id");
	assert_string_equal(r, "  1|ann||NULL\n  3|cy||NULL\n");
	free(r);
	r = pg_text(c, "SELECT id, user_id FROM posts ORDER BY id");
	assert_string_equal(r, "  1|1\n  2|1\n");
	free(r);

	pg_exec(c, "DROP SCHEMA mg_plan_m CASCADE; DROP SCHEMA mg_plan_fresh CASCADE");
	PQfinish(c);
	planned_free(&p);
}
static void test_pg_edge(void **state)
{
	const char *url = pg_url();
	struct planned p;
	PGconn *c;
	char *r;

	(void)state;
	if (!url)
		skip();
	c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s", PQerrorMessage(c));
	pg_exec(c, "SET client_min_messages TO warning");
	plan_of(&p, &e1, &e2, 0);
	pg_fresh(c, "mg_plan_m", &e1);
	pg_exec(c, e_rows);
	pg_run(c, "mg_plan_m", &p.plan.up[MG_DIALECT_POSTGRESQL]);
	pg_assert_same(c, "mg_plan_m", &e2);
	pg_exec(c, "SET search_path TO mg_plan_m");
	r = pg_text(c, "SELECT a, bb, v FROM pair ORDER BY a");
	assert_string_equal(r, "  1|10|none\n  2|20|two\n");
	free(r);
	pg_exec(c, "INSERT INTO parent (code) VALUES ('new');"
		   "INSERT INTO cyc_a (b_id) VALUES (NULL); INSERT INTO cyc_b (a_id) VALUES (1);");
	r = pg_text(c, "SELECT id FROM parent WHERE code = 'new'");
	assert_string_equal(r, "  8\n");
	free(r);
	pg_run(c, "mg_plan_m", &p.plan.down[MG_DIALECT_POSTGRESQL]);
	pg_assert_same(c, "mg_plan_m", &e1);
	pg_exec(c, "SET search_path TO mg_plan_m");
	r = pg_text(c, "SELECT a, b, v FROM pair ORDER BY a");
	assert_string_equal(r, "  1|10|none\n  2|20|two\n");
	free(r);
	pg_exec(c, "DROP SCHEMA mg_plan_m CASCADE; DROP SCHEMA mg_plan_fresh CASCADE");
	PQfinish(c);
	planned_free(&p);
}
static void test_pg_key_moves(void **state)
{
	const char *url = pg_url();
	struct planned p;
	PGconn *c;

	(void)state;
	if (!url)
		skip();
	c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s", PQerrorMessage(c));
	pg_exec(c, "SET client_min_messages TO warning");
	plan_of(&p, &k1, &k2, 0);
	pg_fresh(c, "mg_plan_m", &k1);
	pg_exec(c, k_rows);
	pg_run(c, "mg_plan_m", &p.plan.up[MG_DIALECT_POSTGRESQL]);
	pg_assert_same(c, "mg_plan_m", &k2);
	pg_run(c, "mg_plan_m", &p.plan.down[MG_DIALECT_POSTGRESQL]);
	pg_assert_same(c, "mg_plan_m", &k1);
	pg_exec(c, "DROP SCHEMA mg_plan_m CASCADE; DROP SCHEMA mg_plan_fresh CASCADE");
	PQfinish(c);
	planned_free(&p);
}
/* A fresh database `name` on the fixture's server; returns its URL. */
static char *pg_database(const char *url, const char *name)
{
	struct mg_strbuf b = {0};
	PGconn *c = PQconnectdb(url);
	const char *q = strchr(url, '?');

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s", PQerrorMessage(c));
	mg_strbuf_printf(&b, "DROP DATABASE IF EXISTS %s", name);
	pg_exec(c, mg_strbuf_cstr(&b));
	mg_strbuf_clear(&b);
	mg_strbuf_printf(&b, "CREATE DATABASE %s", name);
	pg_exec(c, mg_strbuf_cstr(&b));
	PQfinish(c);
	assert_non_null(q);
	mg_strbuf_clear(&b);
	mg_strbuf_printf(&b, "postgresql://postgres@/%s%s", name, q);
	return mg_strbuf_detach(&b);
}

/* A fresh PostgreSQL database per narrowing case (e2e_narrowings). */
static char *pg_case_url(const char *name)
{
	char n[64];

	snprintf(n, sizeof(n), "mg_plan_n_%s", name);
	return pg_database(pg_url(), n);
}

static void test_runtime_pg(void **state)
{
	const char *url = pg_url();
	char *db;

	(void)state;
	if (!url)
		skip();
	db = pg_database(url, "mg_plan_v");
	e2e_run(db, &v1, &v2, v_rows,
		"SELECT a.id, a.username, a.email, p.title FROM accounts a JOIN posts p ON "
		"p.user_id = a.id ORDER BY a.id",
		"1|ann||hello\n2|bob|b@x|world\n", NULL);
	free(db);
	db = pg_database(url, "mg_plan_e");
	e2e_run(db, &e1, &e2, e_rows, "SELECT count(*), sum(qty) FROM child", "3|6\n", NULL);
	free(db);
	db = pg_database(url, "mg_plan_k");
	e2e_run(db, &k1, &k2, k_rows, "SELECT count(*) FROM item", "3\n", NULL);
	free(db);
	db = pg_database(url, "mg_plan_s");
	e2e_run(db, &s1, &s2, s_rows, s_check, s_want, NULL);
	free(db);
	db = pg_database(url, "mg_plan_c");
	e2e_run(db, &cyc0, &cyc2, "SELECT 1", "SELECT count(*) FROM cyc_a, cyc_b", "1\n",
		cyc_later);
	free(db);
	db = pg_database(url, "mg_plan_r");
	e2e_run(db, &r1, &r2, r_rows, "SELECT id, c, b FROM t ORDER BY id", "1|5|1\n2|6|1\n",
		r_later);
	free(db);
	db = pg_database(url, "mg_plan_t");
	e2e_run(db, &t1, &t2, t_rows, t_check, t_want, NULL);
	free(db);
	db = pg_database(url, "mg_plan_w");
	e2e_run(db, &w1, &w2, w_rows, w_check, w_want, NULL);
	free(db);
	db = pg_database(url, "mg_plan_d");
	e2e_run(db, &d1, &d2, d_rows, "SELECT id FROM keep", "7\n", NULL);
	free(db);
	db = pg_database(url, "mg_plan_f");
	e2e_fills_run(db);
	free(db);
	/* Narrowings: refused, not cut or rounded (an explicit cast would). */
	e2e_narrowings(pg_case_url);
}
#endif

/* SQLite keeps neither an integer's width nor a foreign key's name in a way
 * that matters: the drift check (dbupdate --verify, the check before each
 * migration) takes a table that differs only there as the expected one
 * there, and as different on a strict comparison (PostgreSQL's). */
static void test_sqlite_drift_alike(void **state)
{
	static const struct mg_column p_cols[] = {{.name = "id", .type = MG_COL_BIGINT}};
	static const struct mg_column c_cols[] = {
		{.name = "id", .type = MG_COL_BIGINT},
		{.name = "p_id", .type = MG_COL_SMALLINT},
	};
	static const struct mg_foreign_key fk_old[] = {
		{.name = "fk_old_p_id", .column = "p_id", .ref_table = "p", .ref_column = "id"},
	};
	static const struct mg_foreign_key fk_new[] = {
		{.name = "fk_c_p_id", .column = "p_id", .ref_table = "p", .ref_column = "id"},
	};
	struct mg_column c2_cols[2] = {c_cols[0], c_cols[1]};
	struct mg_table live_t[2] = {
		{.name = "c",
		 .n_columns = 2,
		 .columns = c_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id,
		 .n_foreign_keys = 1,
		 .foreign_keys = fk_old},
		{.name = "p",
		 .n_columns = 1,
		 .columns = p_cols,
		 .n_primary_key = 1,
		 .primary_key = pk_id},
	};
	struct mg_table want_t[2] = {live_t[0], live_t[1]};
	struct mg_schema live_s = {2, live_t, NULL}, want_s = {2, want_t, NULL};
	struct mg_schema *live = NULL, *norm = NULL;
	struct mg_strbuf sql = {0}, report = {0};
	struct mg_db *db = NULL;
	char err[256];

	(void)state;
	c2_cols[1].type = MG_COL_BIGINT;
	want_t[0].columns = c2_cols;
	want_t[0].foreign_keys = fk_new;
	assert_int_equal(mg_db_open(&db, "sqlite::memory:", err, sizeof(err)), 0);
	mg_sql_create_schema(&sql, MG_DIALECT_SQLITE, &live_s);
	assert_int_equal(mg_db_exec(db, mg_strbuf_cstr(&sql)), 0);
	assert_int_equal(mg_db_inspect(&live, db, 0, NULL), 0);
	assert_int_equal(inspect_normalize(&norm, db, &want_s), 0);
	assert_int_equal(drift_report(&report, 1, norm, live, 0), 0);
	assert_string_equal(mg_strbuf_cstr(&report), "");
	/* Strict: the width, and the key under another name (one line). */
	assert_int_equal(drift_report(&report, 0, norm, live, 0), 2);
	assert_non_null(
		strstr(mg_strbuf_cstr(&report),
		       "is called fk_old_p_id in the database, fk_c_p_id in the migration"));
	mg_schema_free(norm);
	mg_schema_free(live);
	mg_strbuf_free(&sql);
	mg_strbuf_free(&report);
	mg_db_close(db);
}

/* ---- SQLite refuses a value too long for a varchar, as PostgreSQL does --- */

/* char name[41] is varchar(40). */
static const struct mg_column l1_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "name", .type = MG_COL_VARCHAR, .length = 40},
	{.name = "note", .type = MG_COL_TEXT, .nullable = 1},
	{.name = "n", .type = MG_COL_INTEGER, .nullable = 1},
};
static const struct mg_column l2_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "name", .type = MG_COL_VARCHAR, .length = 40},
	{.name = "note", .type = MG_COL_VARCHAR, .length = 10, .nullable = 1},
	{.name = "n", .type = MG_COL_INTEGER, .nullable = 1},
	{.name = "nick", .type = MG_COL_VARCHAR, .length = 4, .nullable = 1},
};
/* l1 -> l3: only an integer's width, in place on SQLite. */
static const struct mg_column l3_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "name", .type = MG_COL_VARCHAR, .length = 40},
	{.name = "note", .type = MG_COL_TEXT, .nullable = 1},
	{.name = "n", .type = MG_COL_BIGINT, .nullable = 1},
};
static const struct mg_column l2_pets_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "tag", .type = MG_COL_VARCHAR, .length = 3},
};
static const struct mg_table l1_tables[] = {
	{.name = "people",
	 .n_columns = 4,
	 .columns = l1_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
};
static const struct mg_table l2_tables[] = {
	{.name = "people",
	 .n_columns = 5,
	 .columns = l2_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
	{.name = "pets",
	 .n_columns = 2,
	 .columns = l2_pets_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
};
static const struct mg_table l3_tables[] = {
	{.name = "people",
	 .n_columns = 4,
	 .columns = l3_cols,
	 .n_primary_key = 1,
	 .primary_key = pk_id},
};
static const struct mg_schema l1 = {1, l1_tables, NULL}, l2 = {2, l2_tables, NULL},
			      l3 = {1, l3_tables, NULL};

/* 100 characters. */
#define LONG100                                                                                    \
	"'0123456789012345678901234567890123456789012345678901234567890123456789"                  \
	"012345678901234567890123456789'"

/* `sql` must fail on `db` with SQLite's CHECK error, changing nothing. */
static void refused_long(struct mg_db *db, const char *sql)
{
	int rc = mg_db_exec(db, sql);

	if (rc == 0 || !strstr(mg_db_errmsg(db), "CHECK constraint failed"))
		fail_msg("not refused: %s (%d %s)", sql, rc, mg_db_errmsg(db));
}

/* A one-line query's value. */
static char *value_of(struct mg_db *db, const char *sql)
{
	struct mg_rows *rows = NULL;
	char *v = NULL;

	must(db, mg_db_query(&rows, db, sql, 0, NULL), sql);
	if (mg_rows_next(rows) == 1)
		v = strdup(mg_rows_text(rows, 0) ? mg_rows_text(rows, 0) : "NULL");
	mg_rows_free(rows);
	return v;
}

static void assert_value(struct mg_db *db, const char *sql, const char *want)
{
	char *v = value_of(db, sql);

	if (!v || strcmp(v, want) != 0)
		fail_msg("%s: %s, expected %s", sql, v ? v : "(no row)", want);
	free(v);
}

/* Every varchar refuses a longer value: created (create path, then the
 * migration's new table, ADD COLUMN and rebuild), and after going down. */
static void test_sqlite_length_check(void **state)
{
	struct e2e e;
	struct mg_update_options up = {0}, down = {0};
	struct mg_db *db = NULL;
	char err[256], *url = sqlite_url("len");

	(void)state;
	e2e_init(&e, &l1, &l2);
	if (mg_db_open(&db, url, err, sizeof(err)))
		fail_msg("open %s: %s", url, err);
	must(db, mg_update(NULL, db, &e.r1, &up), "create at 1");
	must(db,
	     mg_db_exec(db, "INSERT INTO people (name) VALUES "
			    "('forty characters, not one more: 40 chars'), ('ok');"),
	     "rows");
	refused_long(db, "INSERT INTO people (name) VALUES (" LONG100 ")");
	refused_long(db, "UPDATE people SET name = name || 'x'");
	must(db, mg_update(NULL, db, &e.r2, &up), "migrate to 2");
	must_verify(db, &e.r2);
	refused_long(db, "INSERT INTO people (name) VALUES (" LONG100 ")");
	refused_long(db, "INSERT INTO people (name, note) VALUES ('a', '11 chars!!!')");
	refused_long(db, "INSERT INTO people (name, nick) VALUES ('a', 'five!')");
	refused_long(db, "INSERT INTO pets (tag) VALUES ('four')");
	/* Characters, not bytes, as on PostgreSQL. */
	must(db,
	     mg_db_exec(db, "INSERT INTO people (name, nick) VALUES ('\xc3\xa9\xc3\xa9\xc3\xa9"
			    "\xc3\xa9', '\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9')"),
	     "four two-byte characters");
	assert_value(db, "SELECT count(*) FROM people", "3");
	down.flags = MG_UPDATE_TO | MG_UPDATE_FORCE;
	down.to = 1;
	must(db, mg_update(NULL, db, &e.r2, &down), "down to 1");
	must_verify(db, &e.r1);
	refused_long(db, "INSERT INTO people (name) VALUES (" LONG100 ")");
	mg_db_close(db);
	free(url);
	e2e_free(&e);
}

/* Opens `url` on a database made at l1 by a build that wrote no length
 * checks: created at 1, the table's text then set to what that build
 * wrote, and a row with a name of 100 characters (key 2). */
static struct mg_db *old_build_db(const char *url, const struct mg_registry *at1)
{
	static const char old_people[] =
		"CREATE TABLE people (\n    id INTEGER NOT NULL PRIMARY KEY,\n"
		"    name VARCHAR(40) NOT NULL,\n    note TEXT,\n    n INTEGER\n)";
	struct mg_update_options up = {0};
	struct mg_strbuf sql = {0};
	struct mg_db *db = NULL;
	char err[256];

	if (mg_db_open(&db, url, err, sizeof(err)))
		fail_msg("open %s: %s", url, err);
	must(db, mg_update(NULL, db, at1, &up), "create at 1");
	mg_strbuf_puts(&sql, "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = ");
	mg_sql_string(&sql, old_people);
	mg_strbuf_puts(&sql, " WHERE name = 'people'; PRAGMA writable_schema = RESET;");
	must(db, mg_db_exec(db, mg_strbuf_cstr(&sql)), "the text of an older build");
	mg_strbuf_free(&sql);
	must(db, mg_db_exec(db, "INSERT INTO people (name) VALUES ('short'), (" LONG100 ")"),
	     "a long value");
	return db;
}

/*
 * A SQLite VARCHAR(N) without its length check (a database made before
 * modelgen wrote it, or by hand) verifies and baselines with a note; a
 * migration whose rebuild or in-place change gives the table its check
 * while a row is too long is refused as a guard refuses (column, count,
 * example key), nothing changed; once the row is fixed it runs and the
 * table has its check.
 */
static void test_sqlite_length_unchecked(void **state)
{
	static const char note[] =
		"note: table people: column name is VARCHAR(40) without CHECK (length(name) <= 40) "
		"(made before modelgen wrote it, or by hand): SQLite takes longer values until a "
		"migration rebuilds the table\n";
	static const char refusal[] =
		": refused: column people.name: 1 row holds more than 40 characters, which "
		"varchar(40) refuses (on SQLite by its length check, which this table gets now) "
		"(for example the row with key 2); nothing changed";
	struct e2e e, e3;
	struct mg_update_options up = {0};
	struct mg_status st;
	struct mg_db *db = NULL;
	char err[256], *url = sqlite_url("len_old"), *report = NULL;
	int rc;

	(void)state;
	e2e_init(&e, &l1, &l2);
	e2e_init(&e3, &l1, &l3);
	/* By hand: --baseline adopts it, with the note. */
	if (mg_db_open(&db, url, err, sizeof(err)))
		fail_msg("open %s: %s", url, err);
	must(db,
	     mg_db_exec(db, "CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY, name "
			    "VARCHAR(40) NOT NULL, note TEXT, n INTEGER)"),
	     "table by hand");
	rc = mg_baseline(&report, db, &e.r1, 1);
	if (rc)
		fail_msg("baseline: %d %s\n%s", rc, mg_db_errmsg(db), report ? report : "");
	assert_non_null(report);
	assert_string_equal(report, note);
	free(report);
	report = NULL;
	mg_db_close(db);
	free(url);

	/* Made by an older build: --verify matches, with the note. */
	url = sqlite_url("len_old");
	db = old_build_db(url, &e.r1);
	rc = mg_verify(&report, db, &e.r1, 0, 0);
	if (rc)
		fail_msg("verify: %d %s\n%s", rc, mg_db_errmsg(db), report ? report : "");
	assert_non_null(report);
	assert_string_equal(report, note);
	free(report);
	report = NULL;
	/* The rebuild of people (note becomes a varchar) would give name its
	 * check: refused, nothing changed. */
	rc = mg_update(NULL, db, &e.r2, &up);
	assert_int_equal(rc, MG_E_GUARD);
	if (!strstr(mg_db_errmsg(db), refusal))
		fail_msg("%s", mg_db_errmsg(db));
	assert_int_equal(mg_status(&st, db, &e.r2), 0);
	assert_int_equal(st.current, 1);
	assert_value(db, "SELECT count(*) FROM people WHERE length(name) = 100", "1");
	assert_value(db, "SELECT instr(sql, 'CHECK') FROM sqlite_schema WHERE name = 'people'",
		     "0");
	assert_value(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'pets'", "0");
	/* The same by an in-place change (an integer's width). */
	rc = mg_update(NULL, db, &e3.r2, &up);
	assert_int_equal(rc, MG_E_GUARD);
	if (!strstr(mg_db_errmsg(db), refusal))
		fail_msg("%s", mg_db_errmsg(db));
	assert_value(db, "SELECT instr(sql, 'CHECK') FROM sqlite_schema WHERE name = 'people'",
		     "0");
	/* Fixed, it migrates, and the table has its check. */
	must(db, mg_db_exec(db, "UPDATE people SET name = 'fixed' WHERE id = 2"), "fix the value");
	must(db, mg_update(NULL, db, &e.r2, &up), "migrate to 2");
	rc = mg_verify(&report, db, &e.r2, 0, 0);
	if (rc || report)
		fail_msg("verify at 2: %d %s", rc, report ? report : "");
	refused_long(db, "INSERT INTO people (name) VALUES (" LONG100 ")");
	mg_db_close(db);

	/* The in-place change, fixed, runs; name gets its check there too. */
	url = (free(url), sqlite_url("len_old"));
	db = old_build_db(url, &e3.r1);
	must(db, mg_db_exec(db, "DELETE FROM people WHERE id = 2"), "no long value");
	must(db, mg_update(NULL, db, &e3.r2, &up), "migrate to l3");
	rc = mg_verify(&report, db, &e3.r2, 0, 0);
	if (rc || report)
		fail_msg("verify at l3: %d %s", rc, report ? report : "");
	refused_long(db, "INSERT INTO people (name) VALUES (" LONG100 ")");
	mg_db_close(db);
	free(url);
	e2e_free(&e);
	e2e_free(&e3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_up_down),
		cmocka_unit_test(test_sqlite_native_only),
		cmocka_unit_test(test_pg_text),
		cmocka_unit_test(test_summary_notes_frozen),
		cmocka_unit_test(test_sqlite_edge),
		cmocka_unit_test(test_runtime_sqlite),
		cmocka_unit_test(test_sqlite_rename_into_dropped),
		cmocka_unit_test(test_sqlite_key_moves),
		cmocka_unit_test(test_rename_swap_chain),
		cmocka_unit_test(test_pg_edge_text),
		cmocka_unit_test(test_pg_safe_text),
		cmocka_unit_test(test_sqlite_drift_alike),
		cmocka_unit_test(test_sqlite_in_place),
		cmocka_unit_test(test_sqlite_length_check),
		cmocka_unit_test(test_sqlite_length_unchecked),
#ifdef HAVE_LIBPQ
		cmocka_unit_test(test_pg_up_down),
		cmocka_unit_test(test_runtime_pg),
		cmocka_unit_test(test_pg_key_moves),
		cmocka_unit_test(test_pg_edge),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
