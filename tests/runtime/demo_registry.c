/*
 * A hand-written registry of six migrations in the shape the generator
 * emits (static const data), for the runtime tests: create two tables, add a
 * column, change a parent table's column type (a SQLite rebuild of a table
 * with cascading children), rename a column, a hand-written data step, and
 * an irreversible column drop. Compiled several times with VARIANT_* to make
 * the refusal cases: EDITED (migration 2 changed after apply: another
 * default for books.pages), BRANCH (another migration 2), SHORT (a program
 * that knows only migrations 1-2), REGENERATED (migration 2 with other
 * steps to the same schema, as a newer modelgen may write it).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <modelgen/db.h>
#include <modelgen/migration.h>

/* ---- Tables ------------------------------------------------------------ */

static const char *const pk_id[] = {"id"};
static const char *const col_name[] = {"name"};
static const char *const col_full_name[] = {"full_name"};
static const char *const col_title[] = {"title"};

static const struct mg_column authors_v1_columns[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "name", .type = MG_COL_VARCHAR, .length = 64},
};
static const struct mg_index authors_v1_indexes[] = {
	{.name = "uq_authors_name", .unique = 1, .n_columns = 1, .columns = col_name},
};
static const struct mg_column authors_v3_columns[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "name", .type = MG_COL_VARCHAR, .length = 100},
};
static const struct mg_column authors_v4_columns[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "full_name", .type = MG_COL_VARCHAR, .length = 100},
};
static const struct mg_index authors_v4_indexes[] = {
	{.name = "uq_authors_name", .unique = 1, .n_columns = 1, .columns = col_full_name},
};
static const struct mg_column books_v1_columns[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "author_id", .type = MG_COL_BIGINT},
	{.name = "title", .type = MG_COL_TEXT, .default_sql = "'untitled'"},
};
static const struct mg_column books_v2_columns[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1},
	{.name = "author_id", .type = MG_COL_BIGINT},
	{.name = "title", .type = MG_COL_TEXT, .default_sql = "'untitled'"},
#ifdef VARIANT_EDITED
	{.name = "pages", .type = MG_COL_INTEGER, .default_sql = "1"},
#else
	{.name = "pages", .type = MG_COL_INTEGER, .default_sql = "0"},
#endif
};
static const struct mg_index books_indexes[] = {
	{.name = "ix_books_title", .unique = 0, .n_columns = 1, .columns = col_title},
};
static const struct mg_foreign_key books_fks[] = {
	{.name = "fk_books_author_id",
	 .column = "author_id",
	 .ref_table = "authors",
	 .ref_column = "id",
	 .on_delete = MG_FK_CASCADE},
};

#define TABLE(n, cols, ixs)                                                                        \
	{                                                                                          \
		.name = n, .n_columns = sizeof(cols) / sizeof(cols[0]), .columns = cols,           \
		.n_primary_key = 1, .primary_key = pk_id, .n_indexes = 1, .indexes = ixs           \
	}
#define BOOKS(cols)                                                                                \
	{                                                                                          \
		.name = "books", .n_columns = sizeof(cols) / sizeof(cols[0]), .columns = cols,     \
		.n_primary_key = 1, .primary_key = pk_id, .n_indexes = 1,                          \
		.indexes = books_indexes, .n_foreign_keys = 1, .foreign_keys = books_fks           \
	}

static const struct mg_table authors_v1[] = {
	TABLE("authors", authors_v1_columns, authors_v1_indexes)};
static const struct mg_table authors_v3[] = {
	TABLE("authors", authors_v3_columns, authors_v1_indexes)};
static const struct mg_table authors_v4[] = {
	TABLE("authors", authors_v4_columns, authors_v4_indexes)};
static const struct mg_table books_v1[] = {BOOKS(books_v1_columns)};
static const struct mg_table books_v2[] = {BOOKS(books_v2_columns)};
static const struct mg_table s1_tables[] = {
	TABLE("authors", authors_v1_columns, authors_v1_indexes), BOOKS(books_v1_columns)};
static const struct mg_table final_tables[] = {
	TABLE("authors", authors_v4_columns, authors_v4_indexes), BOOKS(books_v1_columns)};

static const struct mg_schema empty = {0, NULL, NULL};
static const struct mg_schema s1 = {2, s1_tables, NULL};
static const struct mg_schema sch_authors_v1 = {1, authors_v1, NULL};
static const struct mg_schema sch_authors_v3 = {1, authors_v3, NULL};
static const struct mg_schema sch_authors_v4 = {1, authors_v4, NULL};
static const struct mg_schema sch_books_v1 = {1, books_v1, NULL};
static const struct mg_schema sch_books_v2 = {1, books_v2, NULL};
static const struct mg_schema final_schema = {2, final_tables, NULL};

/* ---- 0001_init --------------------------------------------------------- */

static const struct mg_step m1_sqlite_up[] = {
	{.kind = MG_STEP_SQL,
	 .note = "create table authors, books",
	 .sql = "CREATE TABLE authors (\n"
		"    id INTEGER NOT NULL PRIMARY KEY,\n"
		"    name VARCHAR(64) NOT NULL\n"
		");\n"
		"CREATE UNIQUE INDEX uq_authors_name ON authors (name);\n"
		"CREATE TABLE books (\n"
		"    id INTEGER NOT NULL PRIMARY KEY,\n"
		"    author_id BIGINT NOT NULL,\n"
		"    title TEXT NOT NULL DEFAULT 'untitled',\n"
		"    CONSTRAINT fk_books_author_id FOREIGN KEY (author_id) REFERENCES authors (id) "
		"ON DELETE CASCADE\n"
		");\n"
		"CREATE INDEX ix_books_title ON books (title);\n"},
};
static const struct mg_step m1_pg_up[] = {
	{.kind = MG_STEP_SQL,
	 .note = "create table authors, books",
	 .sql = "CREATE TABLE authors (\n"
		"    id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n"
		"    name varchar(64) NOT NULL,\n"
		"    CONSTRAINT pk_authors PRIMARY KEY (id)\n"
		");\n"
		"CREATE UNIQUE INDEX uq_authors_name ON authors (name);\n"
		"CREATE TABLE books (\n"
		"    id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n"
		"    author_id bigint NOT NULL,\n"
		"    title text NOT NULL DEFAULT 'untitled',\n"
		"    CONSTRAINT pk_books PRIMARY KEY (id),\n"
		"    CONSTRAINT fk_books_author_id FOREIGN KEY (author_id) REFERENCES authors (id) "
		"ON DELETE CASCADE\n"
		");\n"
		"CREATE INDEX ix_books_title ON books (title);\n"},
};
static const struct mg_step m1_down[] = {
	{.kind = MG_STEP_SQL,
	 .note = "drop table books, authors",
	 .sql = "DROP TABLE books;\nDROP TABLE authors;\n",
	 .flags = MG_STEP_DROPS_TABLE},
};
static const struct mg_migration m1 = {
	.number = 1,
	.name = "0001_init",
	.parent_hash = "",
	.result_hash = "sha256:1",
	.flags = MG_MIGRATION_IRREVERSIBLE,
	.irreversible_note = "tables authors and books with their rows",
	.before = &empty,
	.after = &s1,
	.up = {{1, m1_sqlite_up}, {1, m1_pg_up}},
	.down = {{1, m1_down}, {1, m1_down}},
};

/* ---- 0002_add_books_pages ---------------------------------------------- */

static const struct mg_step m2_sqlite_up[] = {
	{.kind = MG_STEP_SQL,
	 .note = "add column books.pages",
#ifdef VARIANT_EDITED
	 .sql = "ALTER TABLE books ADD COLUMN pages INTEGER NOT NULL DEFAULT 1;\n"},
#elif defined(VARIANT_REGENERATED)
	 .sql = "ALTER TABLE books ADD COLUMN pages INTEGER DEFAULT 0 NOT NULL;\n"},
#else
	 .sql = "ALTER TABLE books ADD COLUMN pages INTEGER NOT NULL DEFAULT 0;\n"},
#endif
};
static const struct mg_step m2_pg_up[] = {
	{.kind = MG_STEP_SQL,
	 .note = "add column books.pages",
#ifdef VARIANT_EDITED
	 .sql = "ALTER TABLE books ADD COLUMN pages integer NOT NULL DEFAULT 1;\n"},
#elif defined(VARIANT_REGENERATED)
	 .sql = "ALTER TABLE books ADD COLUMN pages integer DEFAULT 0 NOT NULL;\n"},
#else
	 .sql = "ALTER TABLE books ADD COLUMN pages integer NOT NULL DEFAULT 0;\n"},
#endif
};
static const struct mg_step m2_down[] = {
	{.kind = MG_STEP_SQL,
	 .note = "drop column books.pages",
	 .sql = "ALTER TABLE books DROP COLUMN pages;\n"},
};
static const struct mg_migration m2 = {
	.number = 2,
#ifdef VARIANT_BRANCH
	.name = "0002_add_authors_email",
#else
	.name = "0002_add_books_pages",
#endif
	.parent_hash = "sha256:1",
#ifdef VARIANT_EDITED
	.result_hash = "sha256:2e", /* another schema after it */
#else
	.result_hash = "sha256:2",
#endif
	.before = &sch_books_v1,
	.after = &sch_books_v2,
	.up = {{1, m2_sqlite_up}, {1, m2_pg_up}},
	.down = {{1, m2_down}, {1, m2_down}},
};

/* ---- 0003_widen_authors_name: a rebuild of a parent table -------------- */

static const char *const authors_copy[] = {"id", "name"};
static const struct mg_rebuild m3_up_rebuild = {
	.table = &authors_v3[0],
	.old_name = "authors",
	.n_copy = 2,
	.copy_columns = authors_copy,
	.copy_exprs = authors_copy,
};
static const struct mg_rebuild m3_down_rebuild = {
	.table = &authors_v1[0],
	.old_name = "authors",
	.n_copy = 2,
	.copy_columns = authors_copy,
	.copy_exprs = authors_copy,
};
static const struct mg_step m3_sqlite_up[] = {
	{.kind = MG_STEP_REBUILD,
	 .note = "rebuild table authors (name varchar(100))",
	 .rebuild = &m3_up_rebuild},
};
static const struct mg_step m3_sqlite_down[] = {
	{.kind = MG_STEP_REBUILD,
	 .note = "rebuild table authors (name varchar(64))",
	 .rebuild = &m3_down_rebuild},
};
static const struct mg_step m3_pg_up[] = {
	{.kind = MG_STEP_SQL,
	 .note = "alter column authors.name type varchar(100)",
	 .sql = "ALTER TABLE authors ALTER COLUMN name TYPE varchar(100);\n"},
};
static const struct mg_step m3_pg_down[] = {
	{.kind = MG_STEP_SQL,
	 .note = "alter column authors.name type varchar(64)",
	 .sql = "ALTER TABLE authors ALTER COLUMN name TYPE varchar(64);\n"},
};
static const struct mg_migration m3 = {
	.number = 3,
	.name = "0003_widen_authors_name",
#ifdef VARIANT_EDITED
	.parent_hash = "sha256:2e",
#else
	.parent_hash = "sha256:2",
#endif
	.result_hash = "sha256:3",
	.before = &sch_authors_v1,
	.after = &sch_authors_v3,
	.up = {{1, m3_sqlite_up}, {1, m3_pg_up}},
	.down = {{1, m3_sqlite_down}, {1, m3_pg_down}},
};

/* ---- 0004_rename_authors_name ------------------------------------------ */

static const struct mg_step m4_up[] = {
	{.kind = MG_STEP_SQL,
	 .note = "rename column authors.name to full_name",
	 .sql = "ALTER TABLE authors RENAME COLUMN name TO full_name;\n"},
};
static const struct mg_step m4_down[] = {
	{.kind = MG_STEP_SQL,
	 .note = "rename column authors.full_name to name",
	 .sql = "ALTER TABLE authors RENAME COLUMN full_name TO name;\n"},
};
static const struct mg_migration m4 = {
	.number = 4,
	.name = "0004_rename_authors_name",
	.parent_hash = "sha256:3",
	.result_hash = "sha256:4",
	.before = &sch_authors_v3,
	.after = &sch_authors_v4,
	.up = {{1, m4_up}, {1, m4_up}},
	.down = {{1, m4_down}, {1, m4_down}},
};

/* ---- 0005_fill_pages: hand-written, through the data API --------------- */

static int m5_up(struct mg_db *db)
{
	struct mg_schema *books = NULL;
	struct mg_rows *rows = NULL;
	const char *params[1] = {"1"};
	const char *slow = getenv("MG_TEST_SLOW");
	int rc, found = 0;
	size_t i;

	/* The live shape, never the application's structs. */
	rc = mg_db_inspect_table(&books, db, "books");
	if (rc)
		return rc;
	for (i = 0; i < books->tables[0].n_columns; i++)
		found |= strcmp(books->tables[0].columns[i].name, "pages") == 0;
	mg_schema_free(books);
	if (!found)
		return mg_db_error(db, MG_E_STEP, "books has no column pages");
	rc = mg_db_query(&rows, db, "SELECT id FROM books WHERE pages = 0 ORDER BY id", 0, NULL);
	if (rc)
		return rc;
	while ((rc = mg_rows_next(rows)) == 1) {
		const char *p[1] = {mg_rows_text(rows, 0)};

		(void)p;
	}
	mg_rows_free(rows);
	if (rc < 0)
		return rc;
	if (slow)
		sleep((unsigned)atoi(slow));
	if (getenv("MG_TEST_FAIL_STEP"))
		return mg_db_error(db, MG_E_STEP, "asked to fail by MG_TEST_FAIL_STEP");
	/* A bug in a data migration: two placeholders, one parameter. */
	if (getenv("MG_TEST_BAD_PARAMS"))
		return mg_db_execp(db, "UPDATE books SET pages = $1 WHERE id = $2", 1, params,
				   NULL);
	return mg_db_execp(db,
			   mg_db_dialect(db) == MG_DIALECT_SQLITE
				   ? "UPDATE books SET pages = $1 WHERE pages = 0"
				   : "UPDATE books SET pages = $1::integer WHERE pages = 0",
			   1, params, NULL);
}

static int m5_down(struct mg_db *db)
{
	return mg_db_exec(db, "UPDATE books SET pages = 0 WHERE pages = 1");
}

static const struct mg_migration m5 = {
	.number = 5,
	.name = "0005_fill_pages",
	.parent_hash = "sha256:4",
	.result_hash = "sha256:4",
	.flags = MG_MIGRATION_HANDWRITTEN,
	.run_up = m5_up,
	.run_down = m5_down,
};

/* ---- 0006_drop_books_pages: irreversible ------------------------------- */

static const struct mg_step m6_up[] = {
	{.kind = MG_STEP_SQL,
	 .note = "drop column books.pages",
	 .sql = "ALTER TABLE books DROP COLUMN pages;\n"},
};
static const struct mg_step m6_sqlite_down[] = {
	{.kind = MG_STEP_SQL,
	 .note = "add column books.pages",
	 .sql = "ALTER TABLE books ADD COLUMN pages INTEGER NOT NULL DEFAULT 0;\n"},
};
static const struct mg_step m6_pg_down[] = {
	{.kind = MG_STEP_SQL,
	 .note = "add column books.pages",
	 .sql = "ALTER TABLE books ADD COLUMN pages integer NOT NULL DEFAULT 0;\n"},
};
static const struct mg_migration m6 = {
	.number = 6,
	.name = "0006_drop_books_pages",
	.parent_hash = "sha256:4",
	.result_hash = "sha256:6",
	.flags = MG_MIGRATION_IRREVERSIBLE,
	.irreversible_note = "the values of column books.pages",
	.before = &sch_books_v2,
	.after = &sch_books_v1,
	.up = {{1, m6_up}, {1, m6_up}},
	.down = {{1, m6_sqlite_down}, {1, m6_pg_down}},
};

/* ---- Registry ---------------------------------------------------------- */

#ifdef VARIANT_SHORT
static const struct mg_table short_tables[] = {
	TABLE("authors", authors_v1_columns, authors_v1_indexes), BOOKS(books_v2_columns)};
static const struct mg_schema short_schema = {2, short_tables, NULL};
static const struct mg_migration *const migrations[] = {&m1, &m2};
const struct mg_registry modelgen_registry = {2, migrations, &short_schema, "sha256:2", 0, NULL};
/* What this older program does not know yet: referenced only to keep one
 * file for every variant. */
extern const void *const unknown_yet[];
const void *const unknown_yet[] = {&m3, &m4, &m5, &m6, &final_schema, &sch_authors_v4};
#else
static const struct mg_migration *const migrations[] = {&m1, &m2, &m3, &m4, &m5, &m6};
const struct mg_registry modelgen_registry = {6, migrations, &final_schema, "sha256:6", 0, NULL};
#endif
