/*
 * The per-dialect halves of the planner (plan.c): sql_pg.c turns operations
 * into native PostgreSQL statements, sql_sqlite.c into native SQLite
 * statements and table rebuilds. Both take the operations of one direction
 * in diff order (see diff.c's groups) and append steps.
 */
#ifndef MG_GEN_SQL_DIALECT_H
#define MG_GEN_SQL_DIALECT_H

#include <stddef.h>

#include "diff.h"
#include "modelgen/migration.h"

struct mg_arena;

/* What both dialect planners need from plan.c. */
struct plan_ctx {
	struct mg_arena *arena;
	/* Returns the frozen copy (in plan_result before/after) of a table of
	 * either schema; never NULL for a table an operation names. */
	const struct mg_table *(*frozen)(const struct plan_ctx *ctx, const struct mg_table *t);
	void *frozen_data;
	/* Per op of the list being planned: its summary line. */
	const char *const *summaries;
};

/* A growing list of steps, allocated from the arena. */
struct step_list {
	struct mg_step *v;
	size_t n, cap;
};

/* Appends an MG_STEP_SQL step; `summary` is kept (arena memory), `sql`
 * copied. */
void sql_dialect_push_sql(struct step_list *l, struct mg_arena *arena, const char *summary,
			  const char *sql);

/* The value that stands in for a lost one of column `col` when a NOT NULL
 * column must be filled and has no default (down of a drop): the default
 * when there is one, else a zero of the type ("0", "''", FALSE, ...). */
const char *sql_dialect_fill_value(enum mg_dialect dialect, const struct mg_column *col);

/* One-line summary of an operation ("add column users.email (text,
 * nullable)"), allocated from the arena. */
const char *sql_dialect_op_summary(struct mg_arena *arena, const struct diff_op *op);

/* Returns, per op, the index of the first op on the same kept table (one
 * that exists before and after: both old_table and new_table set), or the
 * op's own index for ops on created or dropped tables. Allocated from the
 * arena; O(n log n), so plans stay fast on thousands of tables. */
size_t *sql_dialect_table_groups(struct mg_arena *arena, const struct diff_op *ops, size_t n);

/* One rename as it runs: op `op` (a DIFF_RENAME_TABLE or _COLUMN) moves its
 * table or column from name `from` to `to`; `to` is a temporary name when
 * the op's renames form a cycle (a swap), and a second move then ends it. */
struct rename_move {
	size_t op;
	const char *from;
	const char *to;
};

/* 1 when ops[i] starts a run of renames of one namespace: the table renames,
 * or the column renames of one table (diff order keeps each run together);
 * `*end` is then one past its last op. */
int sql_dialect_rename_run(const struct diff_op *ops, size_t n, size_t i, size_t *end);

/* The moves of the renames ops[idx[0..k)) of one namespace (table, column,
 * index or constraint renames: DIFF_ADD_INDEX / _FOREIGN_KEY with old_index
 * / old_fk), ordered so that no rename targets a name still in use: a chain
 * from its end, a cycle through a temporary name (modelgen_rename_N;
 * 'modelgen_' names are reserved in models). Without a conflict, the given
 * order. Returns the number of moves (arena memory in `*out`). Both SQLite
 * and PostgreSQL refuse a rename onto an existing name. */
size_t sql_dialect_rename_moves(struct rename_move **out, struct mg_arena *arena,
				const struct diff_op *ops, const size_t *idx, size_t k);

/* The name a rename op (see sql_dialect_rename_moves) moves from / to. */
const char *sql_dialect_rename_from(const struct diff_op *op);
const char *sql_dialect_rename_to(const struct diff_op *op);

/* The indexes ops[from..end), allocated from the arena. */
size_t *sql_dialect_range(struct mg_arena *arena, size_t from, size_t end);

/* Appends the PostgreSQL steps of ops[0..n) to `out`. */
void sql_pg_plan(struct step_list *out, const struct plan_ctx *ctx, const struct diff_op *ops,
		 size_t n);

/* Appends the SQLite steps of ops[0..n) to `out`. `rebuilt`, when not NULL,
 * receives for each op 1 when its table is rebuilt (for review notes). */
void sql_sqlite_plan(struct step_list *out, const struct plan_ctx *ctx, const struct diff_op *ops,
		     size_t n, unsigned char *rebuilt);

#endif
