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
	/* ALTER_COLUMN tightened to NOT NULL: fill existing NULLs from the
	 * new default first. */
	int fill_nulls;
	/* DIFF_ADD_INDEX with old_index set: a rename of old_index (same
	 * columns after table/column renames, new derived name), no data
	 * change. DIFF_ADD_FOREIGN_KEY with old_fk set: likewise for a
	 * constraint name. NULL for a real add. */
	const struct mg_index *old_index;
	const struct mg_foreign_key *old_fk;
};

struct diff_result {
	size_t n_ops;
	struct diff_op *ops; /* malloc'd; free with diff_result_free */
};

void diff_result_free(struct diff_result *result);

/* Options from the command line. */
struct diff_options {
	int allow_drop; /* --allow-drop */
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
