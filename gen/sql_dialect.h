/*
 * The dialect planners and what they share. plan.c hands the operations of
 * one direction, in diff order (diff_sort), to each dialect's entry in
 * the table below; sql_pg.c and sql_sqlite.c fill their entries and build
 * their steps with the helpers of sql_dialect.c (steps, renames in a safe
 * order, the keys between dropped tables). Files depend in one direction:
 * plan.c -> sql_pg.c, sql_sqlite.c -> sql_dialect.c.
 */
#ifndef MG_GEN_SQL_DIALECT_H
#define MG_GEN_SQL_DIALECT_H

#include <stddef.h>

#include "diff.h"
#include "modelgen/migration.h"

struct mg_arena;
struct mg_strbuf;
struct named_op;

/* What both dialect planners need from plan.c. */
struct plan_ctx {
	struct mg_arena *arena;
	/* Returns the frozen copy (in plan_result before/after) of a table of
	 * either schema; never NULL for a table an operation names. */
	const struct mg_table *(*frozen)(const struct plan_ctx *ctx, const struct mg_table *t);
	void *frozen_data;
	/* PostgreSQL: plain DDL on existing tables (--plain-ddl), not the
	 * safe forms (sql_pg.c). */
	int plain_ddl;
};

/* A growing list of steps, allocated from the arena. */
struct step_list {
	size_t n_steps, cap;
	struct mg_step *steps;
};

/* What a kept table gets, for the review notes: its ops' most. */
enum sql_table_change {
	SQL_TABLE_NATIVE,   /* native statements only */
	SQL_TABLE_IN_PLACE, /* and its definition changed in place (SQLite) */
	SQL_TABLE_REBUILT   /* a rebuild, which carries out all its ops (SQLite) */
};

/* One dialect's planner. */
struct sql_dialect {
	enum mg_dialect id;
	/* Appends the steps of ops[0..n) to `out`. `rebuilt`, when not NULL,
	 * receives per op the enum sql_table_change of its table (for the
	 * review notes). */
	void (*plan)(struct step_list *out, const struct plan_ctx *ctx, const struct diff_op *ops,
		     size_t n, unsigned char *rebuilt);
};

extern const struct sql_dialect sql_dialect_pg; /* sql_pg.c */

/* PostgreSQL review notes of ops[0..n) (up) whose steps are `up`: type
 * changes that rewrite (with the safe alternative) or are cheap, columns
 * added with a volatile default, what the safe forms do, --plain-ddl. */
void sql_pg_review_notes(struct mg_strbuf *notes, const struct diff_op *ops, size_t n, int plain,
			 const struct mg_plan *up);
extern const struct sql_dialect sql_dialect_sqlite; /* sql_sqlite.c */

/* Appends an MG_STEP_SQL step of operation `op_number` (1-based index into
 * the ops being planned; 0 for a step of no single op) with `note` (kept,
 * arena memory, or NULL; see struct mg_step); `sql` is copied. Returns the
 * step, valid until the next push. */
struct mg_step *sql_dialect_push_sql(struct step_list *l, struct mg_arena *arena, size_t op_number,
				     const char *note, const char *sql);

/* The value that stands in for a lost one of column `col` when a NOT NULL
 * column must be filled and has no default (down of a drop): the default
 * when there is one, else a zero of the type ("0", "''", FALSE, ...). */
const char *sql_dialect_fill_value(enum mg_dialect dialect, const struct mg_column *col);

/* The value existing rows get in the column of `op` (an ADD_COLUMN or an
 * ALTER_COLUMN with fill_nulls): its one-off fill, else
 * sql_dialect_fill_value of the new column. */
const char *sql_dialect_op_fill(enum mg_dialect dialect, const struct diff_op *op);

/*
 * The guard of a narrowing (see struct mg_step): a query counting the rows
 * of `table` that meet `cond`, with the key of one of them as text: key[]
 * are its columns (n_key), or n_key 0 for the row's own address (ctid,
 * rowid). Arena memory.
 */
const char *sql_dialect_guard(struct mg_arena *arena, enum mg_dialect dialect, const char *table,
			      const char *const *key, size_t n_key, const char *cond);

/* The key columns of the kept table of ops[i] as named when ops[i] runs:
 * its old primary key, under the new names of the columns this
 * migration renames (renames run first). With `drops_ran` (PostgreSQL:
 * dropped columns are gone by then) and an old key column dropped, the new
 * primary key when none of its columns is added by the migration, else
 * none (0: use the row's address). Returns how many (arena memory). */
size_t sql_dialect_key_columns(const char ***out, struct mg_arena *arena, const struct diff_op *ops,
			       size_t n, size_t i, int drops_ran);

/* The tables that ops of one kind (DIFF_CREATE_TABLE: the new name;
 * DIFF_DROP_TABLE: the old one) create or drop, sorted by name for
 * sql_dialect_find_table. */
struct table_ops {
	size_t n_tables;
	struct named_op *tables;
};

void sql_dialect_table_ops(struct table_ops *out, struct mg_arena *arena, const struct diff_op *ops,
			   size_t n, enum diff_op_kind kind);

/* Index of the op of `t` that creates/drops table `name`, or (size_t)-1. */
size_t sql_dialect_find_table(const struct table_ops *t, const char *name);

/* A foreign key of a dropped table to a table dropped before it. */
struct cycle_key {
	const struct mg_table *table;
	const struct mg_foreign_key *fk;
};

/* The keys between dropped tables that a cycle leaves: dropped tables come
 * children first (diff group 3), so within a cycle some table still points
 * at one dropped before it. Returns how many (arena memory in `*out`). */
size_t sql_dialect_cycle_keys(struct cycle_key **out, struct mg_arena *arena,
			      const struct diff_op *ops, size_t n);

/* 1 when ops[i] starts a run of renames of one namespace: the table renames,
 * or the column renames of one table (diff order keeps each run together);
 * `*end` is then one past its last op. */
int sql_dialect_rename_run(const struct diff_op *ops, size_t n, size_t i, size_t *end);

/* The name a rename op (a DIFF_RENAME_TABLE or _COLUMN, or a DIFF_ADD_INDEX
 * / _FOREIGN_KEY with old_index / old_fk) moves from / to. */
const char *sql_dialect_rename_from(const struct diff_op *op);
const char *sql_dialect_rename_to(const struct diff_op *op);

/* Renders one rename move: op `op` moves its thing from name `from` to
 * `to`; `final` is 0 for the first half of a swap (to a temporary name).
 * `data` is the caller's. */
typedef void (*sql_rename_fn)(struct mg_strbuf *b, const struct diff_op *op, const char *from,
			      const char *to, int final, void *data);

/*
 * Appends the renames ops[idx[0..k)) of one namespace (table, column, index
 * or constraint names), one step per move, ordered so that no rename
 * targets a name still in use: a chain from its end, a cycle through a
 * temporary name (modelgen_rename_N; 'modelgen_' names are reserved in
 * models), with the note "first to modelgen_rename_N: names swap".
 * Without a conflict, the given order. Both SQLite and PostgreSQL refuse a
 * rename onto an existing name. `render` writes each move's SQL.
 */
void sql_dialect_push_renames(struct step_list *out, const struct plan_ctx *ctx,
			      const struct diff_op *ops, const size_t *idx, size_t k,
			      sql_rename_fn render, void *data);

/* strcmp for qsort/bsearch over arrays of `const char *`. */
int sql_dialect_cmp_str(const void *a, const void *b);

/* The indexes ops[from..end), allocated from the arena. */
size_t *sql_dialect_range(struct mg_arena *arena, size_t from, size_t end);

#endif
