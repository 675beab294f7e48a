/*
 * The one SQL renderer: turns the shared schema description into SQL text per
 * dialect, appended to a string buffer (out of memory, the buffer fails:
 * check it before using the text). The generator uses it to write
 * migrations, the runtime to create a database at the current schema and to
 * rebuild SQLite tables, so both always agree. Output is deterministic and
 * readable: identifiers are quoted only when they must be (reserved words of
 * either dialect, upper case, other characters), keywords upper case, one
 * column per line in CREATE TABLE.
 */
#ifndef MG_SQL_H
#define MG_SQL_H

#include "modelgen/migration.h"
#include "modelgen/schema.h"
#include "util/strbuf.h"

/* Appends `name` as an identifier, double-quoted when it must be. */
void mg_sql_ident(struct mg_strbuf *b, const char *name);

/* Appends `s` as a single-quoted string literal. */
void mg_sql_string(struct mg_strbuf *b, const char *s);

/* Appends the SQL type of `col` on `dialect` (BIGINT, VARCHAR(64), ...). */
void mg_sql_column_type(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table,
			const struct mg_column *col);

/* Appends a column definition: name, type, NOT NULL, DEFAULT, for the
 * identity column its PRIMARY KEY / GENERATED clause, and on SQLite for a
 * varchar its length check (mg_sql_length_check). */
void mg_sql_column_def(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table,
		       const struct mg_column *col);

/* SQLite: appends ` CHECK (length(col) <= N)`, the rule that makes SQLite
 * refuse a value too long for varchar(N) `col` as PostgreSQL does (SQLite
 * ignores the N of VARCHAR(N)). mg_sql_column_def writes it after every
 * SQLite varchar column, so the create path, ADD COLUMN, rebuilds and
 * in-place changes all do. */
void mg_sql_length_check(struct mg_strbuf *b, const struct mg_column *col);

/*
 * 1 when `expr`, the text inside a CHECK (...), is the rule
 * mg_sql_length_check writes, in any spacing, case and quoting:
 * `length(col) <= N`, possibly in parentheses. The column's name goes to
 * column[cap] (unquoted) and N to *length. For introspection, which finds
 * the rule in a table's CREATE TABLE text, and `modelgen pull`.
 */
int mg_sql_parse_length_check(const char *expr, char *column, size_t cap, unsigned *length);

/* Appends `CREATE TABLE ... ;\n` for `table` under the name `name` (NULL for
 * table->name; a SQLite rebuild creates under a temporary name). Indexes are
 * separate statements (mg_sql_create_index). */
void mg_sql_create_table(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table,
			 const char *name);

/* Appends `CREATE [UNIQUE] INDEX name ON table (cols);\n`. */
void mg_sql_create_index(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table,
			 const struct mg_index *index);

/* 1 when `fk` of `table` references `table` itself through a column that is
 * not its single-column primary key: PostgreSQL then needs the referenced
 * unique index before the key, so the key is added by ALTER after the
 * table's indexes, not inline in CREATE TABLE. */
int mg_sql_fk_after_indexes(const struct mg_table *table, const struct mg_foreign_key *fk);

/*
 * PostgreSQL, when a set of new tables is created in order: 1 when foreign
 * key `fk` of `table` (the `pos`-th created) is added by ALTER once every
 * table of the set exists, instead of inline in its CREATE TABLE: a key to
 * a table of the set created later (`ref_pos` > `pos`: a cycle), or one
 * that needs the table's own indexes (mg_sql_fk_after_indexes). `ref_pos`
 * is (size_t)-1 for a table outside the set. The create path and the
 * generator's create-table migrations decide with this one function.
 */
int mg_sql_fk_deferred(const struct mg_table *table, const struct mg_foreign_key *fk, size_t pos,
		       size_t ref_pos);

/* PostgreSQL: `ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY ...;\n`. */
void mg_sql_add_foreign_key(struct mg_strbuf *b, const struct mg_table *table,
			    const struct mg_foreign_key *fk);

/* PostgreSQL: COMMENT ON statements for the table and its columns that have
 * comments; nothing on SQLite. */
void mg_sql_comments(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table);

/*
 * Appends the whole create path for `schema`: every table in foreign-key
 * order (name as the tie-break), then its indexes; on PostgreSQL, foreign keys
 * that point forward (cycles) are added by ALTER at the end, and comments.
 */
void mg_sql_create_schema(struct mg_strbuf *b, enum mg_dialect dialect,
			  const struct mg_schema *schema);

/* Returns 1 when `name` is a valid identifier for modelgen: [A-Za-z_]
 * [A-Za-z0-9_]*, 1 to 63 bytes. Says nothing about reserved words (those are
 * quoted, not refused). */
int mg_sql_ident_valid(const char *name);

/*
 * Checks that `sql` is a single SQL default expression that cannot escape its
 * place in a statement: not empty, quotes and parentheses balanced, no `;`,
 * no comment (`--`, `/ *`). Returns 1 when valid, else 0 with `*why` set to a
 * static phrase ("unbalanced parentheses", ...).
 */
int mg_sql_default_valid(const char *sql, const char **why);

/*
 * Additions for the generator's planner and the runtime (sql.c).
 */

/* Returns 1 when `sql` is a plain literal (number, one string, TRUE, FALSE,
 * NULL, CURRENT_DATE/TIME/TIMESTAMP), which SQLite takes after DEFAULT
 * without parentheses. */
int mg_sql_default_is_literal(const char *sql);

/* Appends a default expression as it follows DEFAULT: literals as they
 * are, anything else in parentheses. */
void mg_sql_default(struct mg_strbuf *b, const char *sql);

/* Appends the derived name of a table's primary key constraint:
 * pk_<table>. */
void mg_sql_pk_name(struct mg_strbuf *b, const char *table_name);

/* Appends the name of `table`'s primary key constraint on PostgreSQL: its
 * primary_key_name, else the derived pk_<table>. */
void mg_sql_table_pk_name(struct mg_strbuf *b, const struct mg_table *table);

/* Appends `CONSTRAINT name PRIMARY KEY (cols)`: the name as
 * mg_sql_table_pk_name on PostgreSQL, always pk_<table> on SQLite (which
 * keeps no primary key names). */
void mg_sql_primary_key(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table);

/* Appends `CONSTRAINT fk FOREIGN KEY (c) REFERENCES t (c) [ON DELETE ...]`. */
void mg_sql_foreign_key(struct mg_strbuf *b, const struct mg_foreign_key *fk);

/* As mg_sql_create_table, with only the foreign keys i for which
 * keep_fk[i] is nonzero (keep_fk NULL: all). */
void mg_sql_create_table_filtered(struct mg_strbuf *b, enum mg_dialect dialect,
				  const struct mg_table *table, const char *name,
				  const unsigned char *keep_fk);

/* Appends `COMMENT ON TABLE t IS '...';` (column_name NULL) or
 * `COMMENT ON COLUMN t.c IS ...;`; comment NULL gives IS NULL. */
void mg_sql_comment_on(struct mg_strbuf *b, const char *table_name, const char *column_name,
		       const char *comment);

/* Parts of a SQLite table rebuild for mg_sql_rebuild. */
#define MG_REBUILD_CREATE 0x1u /* CREATE TABLE <table>__mg_new */
#define MG_REBUILD_COPY   0x2u /* INSERT INTO ... SELECT ... FROM <old> */
#define MG_REBUILD_FINISH 0x4u /* DROP the old table, RENAME, the indexes */
#define MG_REBUILD_ALL    0x7u

/*
 * Appends the SQL of the `parts` of a SQLite table rebuild. The runtime runs
 * exactly this (around it: views and triggers saved and recreated, foreign
 * keys off and checked before commit); the generated file, `modelgen sql`
 * and `dbupdate --sql` show it.
 */
void mg_sql_rebuild(struct mg_strbuf *b, const struct mg_rebuild *rb, unsigned parts);

/*
 * Appends the SQL of a SQLite in-place definition change (a rebuild step
 * with MG_STEP_IN_PLACE): the CREATE TABLE text of rb->table, with its
 * columns in `order` (the n names of the live table's columns, in their
 * stored order, which must be those of rb->table; NULL: the table's own
 * order), written into sqlite_schema, and the schema version set to
 * `version` + 1 so that every connection reads the table again (`version`
 * < 0: shown as a comment, for review). The caller runs it in the
 * migration's transaction and checks the table after (PRAGMA quick_check).
 */
void mg_sql_edit(struct mg_strbuf *b, const struct mg_rebuild *rb, const char *const *order,
		 size_t n, long long version);

/* Appends the UPDATE of sqlite_schema alone that mg_sql_edit makes for rb:
 * the runtime makes the in-place changes of a migration's tables one edit. */
void mg_sql_edit_text(struct mg_strbuf *b, const struct mg_rebuild *rb, const char *const *order,
		      size_t n);

/*
 * Appends the one-line summary of step `st` of a direction whose operations
 * are `ops` (see struct mg_step): its operation's summary and its note, or
 * for a rebuild "rebuild table t (<its operations>)".
 */
void mg_step_summary(struct mg_strbuf *b, const struct mg_ops *ops, const struct mg_step *st);

/*
 * Appends the SQL that migration `m` runs on `dialect` going up (down 0) or
 * down, for review: a "-- migration N (name), up" line, then per step a
 * "-- summary" line and its statements (a rebuild as mg_sql_rebuild
 * renders it), and where the hand-written functions run. `dbupdate --sql`
 * and `modelgen sql` both print this.
 */
void mg_sql_plan(struct mg_strbuf *b, const struct mg_migration *m, int down,
		 enum mg_dialect dialect);

/*
 * Fills order[0..n_tables) with the positions of `tables` in foreign-key
 * order: a table after the tables it references within the set (keys to
 * tables outside the set and to itself are ignored), ties broken by name;
 * a cycle is broken at its first table by name. Returns 0, or MG_E_NOMEM
 * (never in the generator's build, which aborts instead).
 */
int mg_sql_table_order(size_t *order, const struct mg_table *const *tables, size_t n_tables);

#endif
