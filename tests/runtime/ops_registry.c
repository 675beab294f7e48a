/*
 * A hand-written registry for the operation kinds not in demo_registry.c,
 * each applied to tables holding rows (ops.sh): add index and unique index,
 * add a foreign key (SQLite rebuild of the child), set NOT NULL with a
 * default filling existing NULLs (rebuild of a parent), change a foreign
 * key's ON DELETE, rename a table, drop an index, drop a table.
 */
#include <modelgen/migration.h>

static const char *const pk_id[] = {"id"};
static const char *const c_label[] = {"label"};
static const char *const c_body[] = {"body"};

static const struct mg_column tags_v1_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "label", .type = MG_COL_VARCHAR, .length = 32, .nullable = 1},
	{.name = "weight", .type = MG_COL_INTEGER, .nullable = 1},
};
static const struct mg_column tags_v4_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "label", .type = MG_COL_VARCHAR, .length = 32, .nullable = 1},
	{.name = "weight", .type = MG_COL_INTEGER, .default_sql = "1"},
};
static const struct mg_column notes_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "body", .type = MG_COL_TEXT},
	{.name = "tag_id", .type = MG_COL_BIGINT, .nullable = 1},
};
static const struct mg_column scratch_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "x", .type = MG_COL_TEXT, .nullable = 1},
};
static const struct mg_index tags_ix[] = {
	{.name = "uq_tags_label", .unique = 1, .n_columns = 1, .columns = c_label},
};
static const struct mg_index notes_ix[] = {
	{.name = "ix_notes_body", .n_columns = 1, .columns = c_body},
};
static const struct mg_foreign_key fk_set_null[] = {
	{.name = "fk_notes_tag_id",
	 .column = "tag_id",
	 .ref_table = "tags",
	 .ref_column = "id",
	 .on_delete = MG_FK_SET_NULL},
};
static const struct mg_foreign_key fk_cascade[] = {
	{.name = "fk_notes_tag_id",
	 .column = "tag_id",
	 .ref_table = "tags",
	 .ref_column = "id",
	 .on_delete = MG_FK_CASCADE},
};

#define T(nm, cols, nix, ix, nfk, fk)                                                              \
	{                                                                                          \
		.name = nm, .n_columns = 3, .columns = cols, .n_primary_key = 1,                   \
		.primary_key = pk_id, .n_indexes = nix, .indexes = ix, .n_foreign_keys = nfk,      \
		.foreign_keys = fk                                                                 \
	}

static const struct mg_table tags_v2[] = {T("tags", tags_v1_cols, 1, tags_ix, 0, NULL)};
static const struct mg_table tags_v4[] = {T("tags", tags_v4_cols, 1, tags_ix, 0, NULL)};
static const struct mg_table notes_v2[] = {T("notes", notes_cols, 1, notes_ix, 0, NULL)};
static const struct mg_table notes_v3[] = {T("notes", notes_cols, 1, notes_ix, 1, fk_set_null)};
static const struct mg_table notes_v5[] = {T("notes", notes_cols, 1, notes_ix, 1, fk_cascade)};
static const struct mg_table memos_v6[] = {T("memos", notes_cols, 1, notes_ix, 1, fk_cascade)};
static const struct mg_table memos_v7[] = {T("memos", notes_cols, 0, NULL, 1, fk_cascade)};
static const struct mg_table scratch[] = {{.name = "scratch",
					   .n_columns = 2,
					   .columns = scratch_cols,
					   .n_primary_key = 1,
					   .primary_key = pk_id}};
/* Spelled out again: an object is not a constant initializer in C (clang). */
static const struct mg_table m1_after_t[] = {T("notes", notes_cols, 0, NULL, 0, NULL),
					     {.name = "scratch",
					      .n_columns = 2,
					      .columns = scratch_cols,
					      .n_primary_key = 1,
					      .primary_key = pk_id},
					     T("tags", tags_v1_cols, 0, NULL, 0, NULL)};
static const struct mg_table m2_before_t[] = {T("notes", notes_cols, 0, NULL, 0, NULL),
					      T("tags", tags_v1_cols, 0, NULL, 0, NULL)};
static const struct mg_table m2_after_t[] = {T("notes", notes_cols, 1, notes_ix, 0, NULL),
					     T("tags", tags_v1_cols, 1, tags_ix, 0, NULL)};
static const struct mg_table final_t[] = {T("memos", notes_cols, 0, NULL, 1, fk_cascade),
					  T("tags", tags_v4_cols, 1, tags_ix, 0, NULL)};

#define S(tables)                                                                                  \
	{                                                                                          \
		sizeof(tables) / sizeof(tables[0]), tables, NULL                                   \
	}
static const struct mg_schema s_empty = {0, NULL, NULL};
static const struct mg_schema m1_after = S(m1_after_t), m2_before = S(m2_before_t),
			      m2_after = S(m2_after_t), s_notes_v2 = S(notes_v2),
			      s_notes_v3 = S(notes_v3), s_notes_v5 = S(notes_v5),
			      s_tags_v2 = S(tags_v2), s_tags_v4 = S(tags_v4),
			      s_memos_v6 = S(memos_v6), s_memos_v7 = S(memos_v7),
			      s_scratch = S(scratch), final_schema = S(final_t);

#define STEP(text)                                                                                 \
	{                                                                                          \
		.kind = MG_STEP_SQL, .note = text, .sql = text                                     \
	}
#define DROP_STEP(text)                                                                            \
	{                                                                                          \
		.kind = MG_STEP_SQL, .note = text, .sql = text, .flags = MG_STEP_DROPS_TABLE       \
	}
#define PLAN(steps)                                                                                \
	{                                                                                          \
		sizeof(steps) / sizeof(steps[0]), steps                                            \
	}

/* 1: create */
static const struct mg_step m1_sqlite_up[] = {
	STEP("CREATE TABLE notes (\n    id INTEGER NOT NULL PRIMARY KEY,\n    body TEXT NOT NULL,\n"
	     "    tag_id BIGINT\n);\n"
	     "CREATE TABLE scratch (\n    id INTEGER NOT NULL PRIMARY KEY,\n    x TEXT\n);\n"
	     "CREATE TABLE tags (\n    id INTEGER NOT NULL PRIMARY KEY,\n    label VARCHAR(32),\n"
	     "    weight INTEGER\n);\n")};
static const struct mg_step m1_pg_up[] = {STEP(
	"CREATE TABLE notes (id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, body text NOT "
	"NULL,"
	" tag_id bigint, CONSTRAINT pk_notes PRIMARY KEY (id));\n"
	"CREATE TABLE scratch (id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, x text,"
	" CONSTRAINT pk_scratch PRIMARY KEY (id));\n"
	"CREATE TABLE tags (id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, label varchar(32),"
	" weight integer, CONSTRAINT pk_tags PRIMARY KEY (id));\n")};
static const struct mg_step m1_down[] = {
	DROP_STEP("DROP TABLE notes;\nDROP TABLE scratch;\nDROP TABLE tags;\n")};

/* 2: add indexes */
static const struct mg_step m2_up[] = {
	STEP("CREATE INDEX ix_notes_body ON notes (body);\n"
	     "CREATE UNIQUE INDEX uq_tags_label ON tags (label);\n")};
static const struct mg_step m2_down[] = {
	STEP("DROP INDEX ix_notes_body;\nDROP INDEX uq_tags_label;\n")};

/* 3: add a foreign key */
static const char *const notes_copy[] = {"id", "body", "tag_id"};
static const struct mg_rebuild m3_up_rb = {notes_v3, "notes", 3, notes_copy, notes_copy};
static const struct mg_rebuild m3_down_rb = {notes_v2, "notes", 3, notes_copy, notes_copy};
static const struct mg_step m3_sqlite_up[] = {
	{.kind = MG_STEP_REBUILD, .note = "rebuild notes: add fk", .rebuild = &m3_up_rb}};
static const struct mg_step m3_sqlite_down[] = {
	{.kind = MG_STEP_REBUILD, .note = "rebuild notes: drop fk", .rebuild = &m3_down_rb}};
static const struct mg_step m3_pg_up[] = {STEP(
	"ALTER TABLE notes ADD CONSTRAINT fk_notes_tag_id FOREIGN KEY (tag_id) REFERENCES tags (id)"
	" ON DELETE SET NULL;\n")};
static const struct mg_step m3_pg_down[] = {
	STEP("ALTER TABLE notes DROP CONSTRAINT fk_notes_tag_id;\n")};

/* 4: weight NOT NULL DEFAULT 1, NULLs filled */
static const char *const tags_copy[] = {"id", "label", "weight"};
static const char *const tags_fill[] = {"id", "label", "coalesce(weight, 1)"};
static const struct mg_rebuild m4_up_rb = {tags_v4, "tags", 3, tags_copy, tags_fill};
static const struct mg_rebuild m4_down_rb = {tags_v2, "tags", 3, tags_copy, tags_copy};
static const struct mg_step m4_sqlite_up[] = {
	{.kind = MG_STEP_REBUILD, .note = "rebuild tags: weight not null", .rebuild = &m4_up_rb}};
static const struct mg_step m4_sqlite_down[] = {
	{.kind = MG_STEP_REBUILD, .note = "rebuild tags: weight null", .rebuild = &m4_down_rb}};
static const struct mg_step m4_pg_up[] = {
	STEP("UPDATE tags SET weight = 1 WHERE weight IS NULL;\n"),
	STEP("ALTER TABLE tags ALTER COLUMN weight SET DEFAULT 1;\n"),
	STEP("ALTER TABLE tags ALTER COLUMN weight SET NOT NULL;\n")};
static const struct mg_step m4_pg_down[] = {
	STEP("ALTER TABLE tags ALTER COLUMN weight DROP NOT NULL;\n"
	     "ALTER TABLE tags ALTER COLUMN weight DROP DEFAULT;\n")};

/* 5: ON DELETE SET NULL -> CASCADE */
static const struct mg_rebuild m5_up_rb = {notes_v5, "notes", 3, notes_copy, notes_copy};
static const struct mg_step m5_sqlite_up[] = {
	{.kind = MG_STEP_REBUILD, .note = "rebuild notes: cascade", .rebuild = &m5_up_rb}};
static const struct mg_step m5_sqlite_down[] = {
	{.kind = MG_STEP_REBUILD, .note = "rebuild notes: set null", .rebuild = &m3_up_rb}};
static const struct mg_step m5_pg_up[] = {STEP(
	"ALTER TABLE notes DROP CONSTRAINT fk_notes_tag_id;\n"
	"ALTER TABLE notes ADD CONSTRAINT fk_notes_tag_id FOREIGN KEY (tag_id) REFERENCES tags (id)"
	" ON DELETE CASCADE;\n")};
static const struct mg_step m5_pg_down[] = {STEP(
	"ALTER TABLE notes DROP CONSTRAINT fk_notes_tag_id;\n"
	"ALTER TABLE notes ADD CONSTRAINT fk_notes_tag_id FOREIGN KEY (tag_id) REFERENCES tags (id)"
	" ON DELETE SET NULL;\n")};

/* 6: rename table, 7: drop index, 8: drop table */
static const struct mg_step m6_up[] = {STEP("ALTER TABLE notes RENAME TO memos;\n")};
static const struct mg_step m6_down[] = {STEP("ALTER TABLE memos RENAME TO notes;\n")};
/* PostgreSQL keeps the key's name, derived from the table's (compared). */
static const struct mg_step m6_pg_up[] = {
	STEP("ALTER TABLE notes RENAME TO memos;\n"
	     "ALTER TABLE memos RENAME CONSTRAINT pk_notes TO pk_memos;\n")};
static const struct mg_step m6_pg_down[] = {
	STEP("ALTER TABLE memos RENAME TO notes;\n"
	     "ALTER TABLE notes RENAME CONSTRAINT pk_memos TO pk_notes;\n")};
static const struct mg_step m7_up[] = {STEP("DROP INDEX ix_notes_body;\n")};
static const struct mg_step m7_down[] = {STEP("CREATE INDEX ix_notes_body ON memos (body);\n")};
static const struct mg_step m8_up[] = {DROP_STEP("DROP TABLE scratch;\n")};
static const struct mg_step m8_sqlite_down[] = {
	STEP("CREATE TABLE scratch (\n    id INTEGER NOT NULL PRIMARY KEY,\n    x TEXT\n);\n")};
static const struct mg_step m8_pg_down[] = {
	STEP("CREATE TABLE scratch (id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, x text,"
	     " CONSTRAINT pk_scratch PRIMARY KEY (id));\n")};

#define M(n, nm, b, a, su, pu, sd, pd, fl)                                                         \
	{                                                                                          \
		.number = n, .name = nm, .parent_hash = "", .result_hash = "", .flags = fl,        \
		.irreversible_note = fl ? "every row of the dropped table" : NULL, .before = b,    \
		.after = a, .up = {PLAN(su), PLAN(pu)}, .down = {                                  \
			PLAN(sd),                                                                  \
			PLAN(pd)                                                                   \
		}                                                                                  \
	}

static const struct mg_migration m1 = M(1, "0001_init", &s_empty, &m1_after, m1_sqlite_up, m1_pg_up,
					m1_down, m1_down, MG_MIGRATION_IRREVERSIBLE);
static const struct mg_migration m2 =
	M(2, "0002_add_indexes", &m2_before, &m2_after, m2_up, m2_up, m2_down, m2_down, 0);
static const struct mg_migration m3 = M(3, "0003_add_fk", &s_notes_v2, &s_notes_v3, m3_sqlite_up,
					m3_pg_up, m3_sqlite_down, m3_pg_down, 0);
static const struct mg_migration m4 = M(4, "0004_weight_not_null", &s_tags_v2, &s_tags_v4,
					m4_sqlite_up, m4_pg_up, m4_sqlite_down, m4_pg_down, 0);
static const struct mg_migration m5 = M(5, "0005_fk_cascade", &s_notes_v3, &s_notes_v5,
					m5_sqlite_up, m5_pg_up, m5_sqlite_down, m5_pg_down, 0);
static const struct mg_migration m6 = M(6, "0006_rename_notes", &s_notes_v5, &s_memos_v6, m6_up,
					m6_pg_up, m6_down, m6_pg_down, 0);
static const struct mg_migration m7 = M(7, "0007_drop_ix_notes_body", &s_memos_v6, &s_memos_v7,
					m7_up, m7_up, m7_down, m7_down, 0);
static const struct mg_migration m8 = M(8, "0008_drop_scratch", &s_scratch, &s_empty, m8_up, m8_up,
					m8_sqlite_down, m8_pg_down, MG_MIGRATION_IRREVERSIBLE);

static const struct mg_migration *const migrations[] = {&m1, &m2, &m3, &m4, &m5, &m6, &m7, &m8};
extern const struct mg_registry modelgen_registry;
const struct mg_registry modelgen_registry = {8, migrations, &final_schema, "", 0, NULL};
