/*
 * Old schema x new schema -> ordered operations. A pure function: no I/O, no
 * dialect. The order is safe to run: foreign keys dropped before the tables
 * and columns they point at, new tables in foreign-key order (name as the
 * tie-break), drops in reverse.
 */
#ifndef MG_GEN_DIFF_H
#define MG_GEN_DIFF_H

#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "modelgen/schema.h"

struct mg_arena;

enum diff_op_kind {
	DIFF_CREATE_TABLE = 1,
	DIFF_DROP_TABLE,
	DIFF_RENAME_TABLE,
	DIFF_ADD_COLUMN,
	DIFF_DROP_COLUMN,
	DIFF_RENAME_COLUMN,
	DIFF_ALTER_COLUMN, /* `changes` says what */
	DIFF_ADD_INDEX,    /* unique or not */
	DIFF_DROP_INDEX,
	DIFF_ADD_FOREIGN_KEY,
	DIFF_DROP_FOREIGN_KEY,
	DIFF_ALTER_PRIMARY_KEY,
	DIFF_SET_COMMENT /* table (column NULL) or column comment */
};

/* DIFF_ALTER_COLUMN changes. */
#define DIFF_CHANGE_TYPE     0x1u
#define DIFF_CHANGE_NULLABLE 0x2u /* nullability changed either way */
#define DIFF_CHANGE_DEFAULT  0x4u
#define DIFF_CHANGE_IDENTITY 0x8u

/*
 * One operation. Pointers are borrowed from the two schemas given to
 * diff_schemas. `old_table`/`new_table` are the whole table before/after the
 * migration (NULL where it does not exist), so a planner can rebuild it.
 */
struct diff_op {
	enum diff_op_kind kind;
	const struct mg_table *old_table;
	const struct mg_table *new_table;
	const struct mg_column *old_column; /* column ops */
	const struct mg_column *new_column;
	const struct mg_index *index;    /* index ops */
	const struct mg_foreign_key *fk; /* foreign key ops */
	unsigned changes;                /* DIFF_ALTER_COLUMN */
	int destructive;                 /* loses data when applied (a drop, a narrowing) */
	/* ALTER_COLUMN tightened to NOT NULL: fill existing NULLs first, from
	 * fill_sql or else the new default. */
	int fill_nulls;
	/* A one-off fill (diff_options.fills) for the existing rows of an
	 * ALTER_COLUMN tightened to NOT NULL or an ADD_COLUMN that is NOT
	 * NULL; never the column's default. NULL when none was given. */
	const char *fill_sql;
	/* DIFF_ADD_INDEX with old_index set: a rename of old_index (same
	 * columns after table/column renames, new derived name), no data
	 * change. DIFF_ADD_FOREIGN_KEY with old_fk set: likewise for a
	 * constraint name. NULL for a real add. */
	const struct mg_index *old_index;
	const struct mg_foreign_key *old_fk;
	/* DIFF_ALTER_PRIMARY_KEY of the same key columns: only the key's name
	 * changes (mg_table.primary_key_name; a derived name follows a table
	 * rename by itself). 0 for a change of the key. */
	int pk_renamed;
};

/*
 * Diff order: the operations come out in these groups, in this order, and
 * the planners rely on it (renames before what names the new names, keys
 * dropped before what they point at, new tables in foreign-key order).
 * Within DIFF_GROUP_TABLE, the ops of one kept table are together, in the
 * order of enum diff_table_step.
 */
enum diff_group {
	DIFF_GROUP_DROP_FOREIGN_KEYS = 1,
	DIFF_GROUP_DROP_INDEXES,
	DIFF_GROUP_DROP_TABLES, /* children first */
	DIFF_GROUP_RENAME_TABLES,
	DIFF_GROUP_TABLE,         /* per kept table, in new name order */
	DIFF_GROUP_CREATE_TABLES, /* parents first */
	DIFF_GROUP_ADD_FOREIGN_KEYS,
	DIFF_GROUP_COMMENTS
};

/* The place of an op of one kept table within DIFF_GROUP_TABLE. Columns
 * are dropped before renamed, so that down can rename into the name of a
 * column it drops. */
enum diff_table_step {
	DIFF_STEP_DROP_COLUMN,
	DIFF_STEP_RENAME_COLUMN,
	DIFF_STEP_ADD_COLUMN,
	DIFF_STEP_ALTER_COLUMN,
	DIFF_STEP_PRIMARY_KEY,
	DIFF_STEP_RENAME_INDEX,
	DIFF_STEP_RENAME_FOREIGN_KEY,
	DIFF_STEP_ADD_INDEX
};

/* 1 when changing a column's type from that of `from` to that of `to` can
 * lose or alter a value (a shorter varchar, text to varchar, a smaller
 * integer, a bigint to a double, ...): the op is destructive and the
 * planners guard it. */
int diff_type_narrows(const struct mg_column *from, const struct mg_column *to);

/* The group of `op` in diff order; `*step` (may be NULL) receives its
 * place within its table for DIFF_GROUP_TABLE, DIFF_STEP_DROP_COLUMN
 * otherwise. */
enum diff_group diff_op_group(const struct diff_op *op, enum diff_table_step *step);

/* Returns, per op, the index of the first op on the same kept table (one
 * that exists before and after: both old_table and new_table set), or the
 * op's own index for ops on created or dropped tables. Allocated from the
 * arena; O(n log n), so plans stay fast on thousands of tables. */
size_t *diff_table_groups(struct mg_arena *arena, const struct diff_op *ops, size_t n);

/* Puts ops[0..n) in diff order: by group; in DIFF_GROUP_TABLE, by table
 * (the order of each table's first op in that group) then step; otherwise
 * as given. The
 * diff's own output is in this order; the planner sorts the inverse ops of
 * down with it. Scratch memory from the arena. */
void diff_sort(struct diff_op *ops, size_t n, struct mg_arena *arena);

struct diff_result {
	size_t n_ops;
	struct diff_op *ops;    /* in diff order (diff_op_group) */
	struct mg_arena *arena; /* owns `ops`; NULL for a result built by hand */
};

/* Frees what diff_schemas allocated; accepts a zeroed result. */
void diff_result_free(struct diff_result *result);

/* A one-off fill (--fill TABLE.COLUMN=SQL): the value the existing rows
 * get in a column that becomes NOT NULL in this migration (added, or
 * tightened from nullable), in this migration only; unlike MG_DEFAULT it is
 * not kept as the column's default. Names are the new ones. */
struct diff_fill {
	const char *table;
	const char *column;
	const char *sql;
};

/* Options from the command line. */
struct diff_options {
	int allow_drop; /* --allow-drop */
	size_t n_fills;
	const struct diff_fill *fills; /* --fill; each must be used */
};

/*
 * Computes the operations that take `old_schema` to `new_schema` (the models;
 * `model` gives their places for diagnostics and may be NULL). Refusals (a
 * drop without allow_drop, a new NOT NULL column without a default on an
 * existing table, ...) are errors in `diags`. Returns 0, or -1 when an error
 * was added; `out` is filled either way and must be freed.
 */
int diff_schemas(struct diff_result *out, const struct mg_schema *old_schema,
		 const struct mg_schema *new_schema, const struct model *model,
		 const struct diff_options *opts, struct diag_list *diags);

#endif
