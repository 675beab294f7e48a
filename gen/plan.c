/*
 * Operations -> per-dialect migration steps (see plan.h). This file owns what
 * both dialects share: the frozen table copies, the inverse operations for
 * `down` (put back in diff order so that renames still come first), the
 * summary, the review notes and what down cannot bring back. The statements
 * themselves come from sql_pg.c and sql_sqlite.c.
 */
#include "plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "sql_dialect.h"
#include "util/arena.h"
#include "util/strbuf.h"

void sql_dialect_push_sql(struct step_list *l, struct mg_arena *arena, const char *summary,
			  const char *sql)
{
	struct mg_step *s;

	if (l->n == l->cap) {
		struct mg_step *v;

		l->cap = l->cap ? 2 * l->cap : 8;
		v = mg_arena_calloc(arena, l->cap, sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
	}
	s = &l->v[l->n++];
	s->kind = MG_STEP_SQL;
	s->summary = summary;
	s->sql = mg_arena_strdup(arena, sql);
	s->rebuild = NULL;
}

/* An op's table (as an integer, to order unrelated pointers) and index. */
struct table_op {
	uintptr_t table;
	size_t op;
};

static int cmp_table_op(const void *a, const void *b)
{
	const struct table_op *x = a, *y = b;

	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	return x->op < y->op ? -1 : x->op > y->op;
}

size_t *sql_dialect_table_groups(struct mg_arena *arena, const struct diff_op *ops, size_t n)
{
	size_t *first = mg_arena_calloc(arena, n, sizeof(size_t));
	struct table_op *v = mg_arena_calloc(arena, n, sizeof(*v));
	size_t i, k = 0, run;

	for (i = 0; i < n; i++) {
		first[i] = i;
		if (ops[i].old_table && ops[i].new_table) {
			v[k].table = (uintptr_t)ops[i].new_table;
			v[k++].op = i;
		}
	}
	qsort(v, k, sizeof(*v), cmp_table_op);
	for (i = 0; i < k; i = run)
		for (run = i; run < k && v[run].table == v[i].table; run++)
			first[v[run].op] = v[i].op;
	return first;
}

int sql_dialect_rename_run(const struct diff_op *ops, size_t n, size_t i, size_t *end)
{
	size_t j;

	if (ops[i].kind != DIFF_RENAME_TABLE && ops[i].kind != DIFF_RENAME_COLUMN)
		return 0;
	if (i > 0 && ops[i - 1].kind == ops[i].kind &&
	    (ops[i].kind == DIFF_RENAME_TABLE || ops[i - 1].new_table == ops[i].new_table))
		return 0;
	for (j = i + 1; j < n && ops[j].kind == ops[i].kind &&
			(ops[i].kind == DIFF_RENAME_TABLE || ops[j].new_table == ops[i].new_table);
	     j++)
		;
	*end = j;
	return 1;
}

const char *sql_dialect_rename_from(const struct diff_op *op)
{
	switch (op->kind) {
	case DIFF_RENAME_TABLE:
		return op->old_table->name;
	case DIFF_ADD_INDEX:
		return op->old_index->name;
	case DIFF_ADD_FOREIGN_KEY:
		return op->old_fk->name;
	default:
		return op->old_column->name;
	}
}

const char *sql_dialect_rename_to(const struct diff_op *op)
{
	switch (op->kind) {
	case DIFF_RENAME_TABLE:
		return op->new_table->name;
	case DIFF_ADD_INDEX:
		return op->index->name;
	case DIFF_ADD_FOREIGN_KEY:
		return op->fk->name;
	default:
		return op->new_column->name;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t sql_dialect_rename_moves(struct rename_move **out, struct mg_arena *arena,
				const struct diff_op *ops, const size_t *idx, size_t k)
{
	size_t i, j, n_out = 0, n_tmp = 0, left = k;
	struct rename_move *v = mg_arena_calloc(arena, 2 * k, sizeof(*v));
	const char **cur = mg_arena_calloc(arena, k, sizeof(char *));
	const char **sorted = mg_arena_calloc(arena, k, sizeof(char *));
	unsigned char *moved = mg_arena_calloc(arena, k, 1);
	int conflict = 0;

	for (i = 0; i < k; i++)
		sorted[i] = cur[i] = sql_dialect_rename_from(&ops[idx[i]]);
	qsort(sorted, k, sizeof(char *), cmp_str);
	for (i = 0; i < k && !conflict; i++) {
		const char *to = sql_dialect_rename_to(&ops[idx[i]]);

		conflict = bsearch(&to, sorted, k, sizeof(char *), cmp_str) != NULL;
	}
	while (left) {
		int progress = 0;

		for (i = 0; i < k; i++) {
			const char *to = sql_dialect_rename_to(&ops[idx[i]]);
			int busy = 0;

			if (moved[i])
				continue;
			for (j = 0; conflict && j < k && !busy; j++)
				busy = j != i && !moved[j] && strcmp(cur[j], to) == 0;
			if (busy)
				continue;
			v[n_out++] = (struct rename_move){idx[i], cur[i], to};
			moved[i] = 1;
			left--;
			progress = 1;
		}
		if (progress)
			continue;
		/* Only cycles are left: move the first one's name aside. */
		for (i = 0; moved[i]; i++)
			;
		v[n_out].op = idx[i];
		v[n_out].from = cur[i];
		cur[i] = mg_arena_printf(arena, "modelgen_rename_%zu", ++n_tmp);
		v[n_out++].to = cur[i];
	}
	*out = v;
	return n_out;
}

size_t *sql_dialect_range(struct mg_arena *arena, size_t from, size_t end)
{
	size_t *v = mg_arena_calloc(arena, end - from, sizeof(size_t)), i;

	for (i = from; i < end; i++)
		v[i - from] = i;
	return v;
}

const char *sql_dialect_fill_value(enum mg_dialect dialect, const struct mg_column *col)
{
	if (col->default_sql)
		return col->default_sql;
	switch (col->type) {
	case MG_COL_BOOLEAN:
		return "FALSE";
	case MG_COL_VARCHAR:
	case MG_COL_TEXT:
		return "''";
	case MG_COL_BLOB:
		return dialect == MG_DIALECT_SQLITE ? "X''" : "''";
	case MG_COL_CUSTOM:
		/* No zero is known for a custom type: NOT NULL then fails
		 * loudly rather than inventing a value. */
		return "NULL";
	default:
		return "0";
	}
}

/* "text", "varchar(64)", "timestamptz": the type as a reader knows it. */
static void type_text(struct mg_strbuf *b, const struct mg_table *t, const struct mg_column *c)
{
	mg_sql_column_type(b, MG_DIALECT_POSTGRESQL, t, c);
}

static void name_list(struct mg_strbuf *b, size_t n, const char *const *names)
{
	size_t i;

	mg_strbuf_putc(b, '(');
	for (i = 0; i < n; i++)
		mg_strbuf_printf(b, "%s%s", i ? ", " : "", names[i]);
	mg_strbuf_putc(b, ')');
}

const char *sql_dialect_op_summary(struct mg_arena *arena, const struct diff_op *op)
{
	struct mg_strbuf b = {0};
	const struct mg_table *t = op->new_table ? op->new_table : op->old_table;
	const char *out;

	/* Drops of keys, indexes and tables run before the renames: they
	 * name the table as it is then. */
	if (op->old_table && (op->kind == DIFF_DROP_FOREIGN_KEY || op->kind == DIFF_DROP_INDEX ||
			      op->kind == DIFF_DROP_TABLE))
		t = op->old_table;

	switch (op->kind) {
	case DIFF_CREATE_TABLE:
		mg_strbuf_printf(&b, "create table %s", t->name);
		break;
	case DIFF_DROP_TABLE:
		mg_strbuf_printf(&b, "drop table %s (its rows are lost)", t->name);
		break;
	case DIFF_RENAME_TABLE:
		mg_strbuf_printf(&b, "rename table %s to %s", op->old_table->name,
				 op->new_table->name);
		break;
	case DIFF_ADD_COLUMN:
		mg_strbuf_printf(&b, "add column %s.%s (", t->name, op->new_column->name);
		type_text(&b, t, op->new_column);
		mg_strbuf_puts(&b, op->new_column->nullable ? ", nullable" : ", not null");
		if (op->new_column->default_sql)
			mg_strbuf_printf(&b, ", default %s", op->new_column->default_sql);
		mg_strbuf_putc(&b, ')');
		break;
	case DIFF_DROP_COLUMN:
		mg_strbuf_printf(&b, "drop column %s.%s (its values are lost)", t->name,
				 op->old_column->name);
		break;
	case DIFF_RENAME_COLUMN:
		mg_strbuf_printf(&b, "rename column %s.%s to %s", t->name, op->old_column->name,
				 op->new_column->name);
		break;
	case DIFF_ALTER_COLUMN: {
		const char *sep = ": ";

		mg_strbuf_printf(&b, "alter column %s.%s", t->name, op->new_column->name);
		if (op->changes & DIFF_CHANGE_TYPE) {
			mg_strbuf_printf(&b, "%stype ", sep);
			type_text(&b, op->old_table, op->old_column);
			mg_strbuf_puts(&b, " -> ");
			type_text(&b, t, op->new_column);
			sep = ", ";
		}
		if (op->changes & DIFF_CHANGE_NULLABLE) {
			mg_strbuf_printf(&b, "%s%s", sep,
					 op->new_column->nullable ? "drop not null"
								  : "set not null");
			if (op->fill_nulls)
				mg_strbuf_printf(&b, " (NULLs set to %s)",
						 op->new_column->default_sql
							 ? op->new_column->default_sql
							 : "a zero value");
			sep = ", ";
		}
		if (op->changes & DIFF_CHANGE_DEFAULT) {
			if (op->new_column->default_sql)
				mg_strbuf_printf(&b, "%sdefault %s", sep,
						 op->new_column->default_sql);
			else
				mg_strbuf_printf(&b, "%sdrop default", sep);
			sep = ", ";
		}
		if (op->changes & DIFF_CHANGE_IDENTITY)
			mg_strbuf_printf(&b, "%s%s", sep,
					 op->new_column->identity ? "generated by the database"
								  : "no longer generated");
		break;
	}
	case DIFF_ADD_INDEX:
		if (op->old_index)
			mg_strbuf_printf(&b, "rename index %s to %s", op->old_index->name,
					 op->index->name);
		else {
			mg_strbuf_printf(&b, "add %sindex %s on %s ",
					 op->index->unique ? "unique " : "", op->index->name,
					 t->name);
			name_list(&b, op->index->n_columns, op->index->columns);
		}
		break;
	case DIFF_DROP_INDEX:
		mg_strbuf_printf(&b, "drop %sindex %s on %s", op->index->unique ? "unique " : "",
				 op->index->name, t->name);
		break;
	case DIFF_ADD_FOREIGN_KEY:
		if (op->old_fk)
			mg_strbuf_printf(&b, "rename foreign key %s to %s", op->old_fk->name,
					 op->fk->name);
		else
			mg_strbuf_printf(&b, "add foreign key %s: %s.%s -> %s.%s on delete %s",
					 op->fk->name, t->name, op->fk->column, op->fk->ref_table,
					 op->fk->ref_column, mg_fk_action_name(op->fk->on_delete));
		break;
	case DIFF_DROP_FOREIGN_KEY:
		mg_strbuf_printf(&b, "drop foreign key %s on %s", op->fk->name, t->name);
		break;
	case DIFF_ALTER_PRIMARY_KEY:
		mg_strbuf_printf(&b, "change primary key of %s to ", t->name);
		if (op->new_table->n_primary_key)
			name_list(&b, op->new_table->n_primary_key, op->new_table->primary_key);
		else
			mg_strbuf_puts(&b, "none");
		break;
	case DIFF_SET_COMMENT:
		if (op->new_column)
			mg_strbuf_printf(&b, "set comment on column %s.%s", t->name,
					 op->new_column->name);
		else
			mg_strbuf_printf(&b, "set comment on table %s", t->name);
		break;
	}
	out = mg_arena_strdup(arena, mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
	return out;
}

/* Copies a table into the arena without the generator-only rename hints. */
static void freeze(struct mg_arena *a, struct mg_table *out, const struct mg_table *t)
{
	struct mg_column *cols = mg_arena_calloc(a, t->n_columns, sizeof(*cols));
	struct mg_index *ixs = mg_arena_calloc(a, t->n_indexes, sizeof(*ixs));
	struct mg_foreign_key *fks = mg_arena_calloc(a, t->n_foreign_keys, sizeof(*fks));
	const char **pk = mg_arena_calloc(a, t->n_primary_key, sizeof(char *));
	size_t i, j;

	*out = *t;
	out->name = mg_arena_strdup(a, t->name);
	out->comment = mg_arena_strdup(a, t->comment);
	out->renamed_from = NULL;
	for (i = 0; i < t->n_columns; i++) {
		cols[i] = t->columns[i];
		cols[i].name = mg_arena_strdup(a, t->columns[i].name);
		cols[i].custom_type = mg_arena_strdup(a, t->columns[i].custom_type);
		cols[i].default_sql = mg_arena_strdup(a, t->columns[i].default_sql);
		cols[i].comment = mg_arena_strdup(a, t->columns[i].comment);
		cols[i].renamed_from = NULL;
	}
	for (i = 0; i < t->n_primary_key; i++)
		pk[i] = mg_arena_strdup(a, t->primary_key[i]);
	for (i = 0; i < t->n_indexes; i++) {
		const char **c = mg_arena_calloc(a, t->indexes[i].n_columns, sizeof(char *));

		ixs[i] = t->indexes[i];
		ixs[i].name = mg_arena_strdup(a, t->indexes[i].name);
		for (j = 0; j < t->indexes[i].n_columns; j++)
			c[j] = mg_arena_strdup(a, t->indexes[i].columns[j]);
		ixs[i].columns = c;
	}
	for (i = 0; i < t->n_foreign_keys; i++) {
		fks[i] = t->foreign_keys[i];
		fks[i].name = mg_arena_strdup(a, t->foreign_keys[i].name);
		fks[i].column = mg_arena_strdup(a, t->foreign_keys[i].column);
		fks[i].ref_table = mg_arena_strdup(a, t->foreign_keys[i].ref_table);
		fks[i].ref_column = mg_arena_strdup(a, t->foreign_keys[i].ref_column);
	}
	out->columns = cols;
	out->indexes = ixs;
	out->foreign_keys = fks;
	out->primary_key = pk;
}

/* The frozen tables of one side, with the originals they copy. */
struct frozen_set {
	size_t n;
	const struct mg_table **orig;
	struct mg_table *copies;
};

struct frozen_map {
	struct frozen_set before, after;
};

static int cmp_orig(const void *a, const void *b)
{
	const struct mg_table *x = *(const struct mg_table *const *)a;
	const struct mg_table *y = *(const struct mg_table *const *)b;

	return strcmp(x->name, y->name);
}

/* What a rename op renames, named as on one side: a table (column NULL) or
 * one column of it. */
struct renamed {
	const char *table, *column;
};

static int cmp_renamed(const void *a, const void *b)
{
	const struct renamed *x = a, *y = b;
	int c = strcmp(x->table, y->table);

	if (c || x->column == y->column)
		return c;
	if (!x->column || !y->column)
		return x->column ? 1 : -1;
	return strcmp(x->column, y->column);
}

/* The renamed tables and columns of `ops` on one side, sorted. */
static struct renamed *renamed_things(struct mg_arena *a, const struct diff_op *ops, size_t n,
				      int after, size_t *n_out)
{
	struct renamed *v = mg_arena_calloc(a, n + 1, sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		const struct diff_op *op = &ops[i];

		if (op->kind != DIFF_RENAME_TABLE && op->kind != DIFF_RENAME_COLUMN)
			continue;
		v[k].table = (after ? op->new_table : op->old_table)->name;
		v[k++].column = op->kind == DIFF_RENAME_TABLE
					? NULL
					: (after ? op->new_column : op->old_column)->name;
	}
	qsort(v, k, sizeof(*v), cmp_renamed);
	*n_out = k;
	return v;
}

/* 1 when a foreign key of `t` points at one of the `n` renamed things. */
static int follows_a_rename(const struct mg_table *t, const struct renamed *v, size_t n)
{
	size_t i;

	for (i = 0; n && i < t->n_foreign_keys; i++) {
		const struct mg_foreign_key *fk = &t->foreign_keys[i];
		struct renamed as_table = {fk->ref_table, NULL};
		struct renamed as_column = {fk->ref_table, fk->ref_column};

		if (bsearch(&as_table, v, n, sizeof(*v), cmp_renamed) ||
		    bsearch(&as_column, v, n, sizeof(*v), cmp_renamed))
			return 1;
	}
	return 0;
}

/*
 * Collects the distinct tables on one side of the ops, sorted by name: the
 * tables the ops name, and the tables of `schema` (that side's schema, may
 * be NULL) with a foreign key to a table or column that the ops rename.
 * Those keys follow the rename without a statement of their own (SQLite and
 * PostgreSQL both rewrite them), so no op names their table; but its
 * definition, the key's target, differs between the sides, and the runtime
 * rebuilds the schema at an older migration from these sets alone.
 */
static void collect(struct frozen_set *set, struct mg_arena *a, const struct diff_op *ops, size_t n,
		    const struct mg_schema *schema, int after)
{
	size_t n_schema = schema ? schema->n_tables : 0, n_renamed;
	const struct mg_table **all = mg_arena_calloc(a, n + n_schema, sizeof(*all));
	const struct renamed *renamed = renamed_things(a, ops, n, after, &n_renamed);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		const struct mg_table *t = after ? ops[i].new_table : ops[i].old_table;

		if (t)
			all[k++] = t;
	}
	for (i = 0; i < n_schema; i++)
		if (follows_a_rename(&schema->tables[i], renamed, n_renamed))
			all[k++] = &schema->tables[i];
	qsort(all, k, sizeof(*all), cmp_orig);
	set->orig = all;
	set->n = 0;
	for (i = 0; i < k; i++)
		if (!set->n || all[set->n - 1] != all[i])
			all[set->n++] = all[i];
	set->copies = mg_arena_calloc(a, set->n, sizeof(*set->copies));
	for (i = 0; i < set->n; i++)
		freeze(a, &set->copies[i], set->orig[i]);
}

static const struct mg_table *find_frozen(const struct frozen_set *set, const struct mg_table *t)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(set->orig[mid]->name, t->name);

		if (c == 0)
			return set->orig[mid] == t ? &set->copies[mid] : NULL;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct mg_table *frozen_of(const struct plan_ctx *ctx, const struct mg_table *t)
{
	const struct frozen_map *m = ctx->frozen_data;
	const struct mg_table *f = find_frozen(&m->after, t);

	return f ? f : find_frozen(&m->before, t);
}

/* Place of an op in diff order (see diff.c): group * 16 + rank in group. */
static int op_rank(const struct diff_op *op)
{
	switch (op->kind) {
	case DIFF_DROP_FOREIGN_KEY:
		return 1 * 16;
	case DIFF_DROP_INDEX:
		return 2 * 16;
	case DIFF_DROP_TABLE:
		return 3 * 16;
	case DIFF_RENAME_TABLE:
		return 4 * 16;
	case DIFF_DROP_COLUMN:
		return 5 * 16 + 0;
	case DIFF_RENAME_COLUMN:
		return 5 * 16 + 1;
	case DIFF_ADD_COLUMN:
		return 5 * 16 + 2;
	case DIFF_ALTER_COLUMN:
		return 5 * 16 + 3;
	case DIFF_ALTER_PRIMARY_KEY:
		return 5 * 16 + 4;
	case DIFF_ADD_INDEX:
		return op->old_index ? 5 * 16 + 5 : 5 * 16 + 7;
	case DIFF_ADD_FOREIGN_KEY:
		return op->old_fk ? 5 * 16 + 6 : 7 * 16;
	case DIFF_CREATE_TABLE:
		return 6 * 16;
	case DIFF_SET_COMMENT:
		return 8 * 16;
	}
	return 0;
}

static struct diff_op invert(const struct diff_op *op)
{
	struct diff_op r = *op;

	r.old_table = op->new_table;
	r.new_table = op->old_table;
	r.old_column = op->new_column;
	r.new_column = op->old_column;
	r.destructive = 0;
	r.fill_nulls = 0;
	switch (op->kind) {
	case DIFF_CREATE_TABLE:
		r.kind = DIFF_DROP_TABLE;
		r.destructive = 1;
		break;
	case DIFF_DROP_TABLE:
		r.kind = DIFF_CREATE_TABLE;
		break;
	case DIFF_ADD_COLUMN:
		r.kind = DIFF_DROP_COLUMN;
		r.destructive = 1;
		break;
	case DIFF_DROP_COLUMN:
		r.kind = DIFF_ADD_COLUMN;
		break;
	case DIFF_ADD_INDEX:
		if (op->old_index) {
			r.index = op->old_index;
			r.old_index = op->index;
		} else {
			r.kind = DIFF_DROP_INDEX;
		}
		break;
	case DIFF_DROP_INDEX:
		r.kind = DIFF_ADD_INDEX;
		break;
	case DIFF_ADD_FOREIGN_KEY:
		if (op->old_fk) {
			r.fk = op->old_fk;
			r.old_fk = op->fk;
		} else {
			r.kind = DIFF_DROP_FOREIGN_KEY;
		}
		break;
	case DIFF_DROP_FOREIGN_KEY:
		r.kind = DIFF_ADD_FOREIGN_KEY;
		break;
	case DIFF_ALTER_COLUMN:
		/* Down may tighten what up loosened: rows written since may
		 * hold NULL, so fill them. */
		r.fill_nulls = r.old_column->nullable && !r.new_column->nullable;
		break;
	default:
		break;
	}
	return r;
}

struct keyed {
	int rank;
	size_t table; /* group 5: order of the table's first op */
	size_t seq;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->rank / 16 != y->rank / 16)
		return x->rank / 16 < y->rank / 16 ? -1 : 1;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The inverse of every op, in diff order for the way back. */
static struct diff_op *down_ops(struct mg_arena *a, const struct diff_result *diff)
{
	size_t n = diff->n_ops, i;
	struct diff_op *rev = mg_arena_calloc(a, n, sizeof(*rev));
	struct diff_op *out = mg_arena_calloc(a, n, sizeof(*out));
	struct keyed *keys = mg_arena_calloc(a, n, sizeof(*keys));
	size_t *group;

	for (i = 0; i < n; i++)
		rev[i] = invert(&diff->ops[n - 1 - i]);
	group = sql_dialect_table_groups(a, rev, n);
	for (i = 0; i < n; i++) {
		keys[i].rank = op_rank(&rev[i]);
		keys[i].seq = i;
		keys[i].table = keys[i].rank / 16 == 5 ? group[i] : 0;
	}
	qsort(keys, n, sizeof(*keys), cmp_keyed);
	for (i = 0; i < n; i++)
		out[i] = rev[keys[i].seq];
	return out;
}

/* Review notes about what can fail on existing rows. `refits` is 1 for a
 * foreign key dropped and added again on the same column (a changed action
 * or parent key): the rows already satisfy it. */
static void add_notes(struct mg_strbuf *notes, const struct diff_op *op, int refits)
{
	const struct mg_table *t = op->new_table;

	if (!op->old_table || !t)
		return; /* created and dropped tables: nothing to fail on */
	switch (op->kind) {
	case DIFF_ADD_INDEX:
		if (op->index->unique && !op->old_index) {
			mg_strbuf_printf(notes,
					 "Creating unique index %s fails if %s already holds "
					 "duplicate values of ",
					 op->index->name, t->name);
			name_list(notes, op->index->n_columns, op->index->columns);
			mg_strbuf_putc(notes, '.');
			mg_strbuf_putc(notes, '\n');
		}
		break;
	case DIFF_ALTER_COLUMN:
		if (op->fill_nulls)
			mg_strbuf_printf(notes,
					 "%s.%s becomes NOT NULL: existing NULLs are first set to "
					 "its default %s.\n",
					 t->name, op->new_column->name,
					 op->new_column->default_sql);
		if (op->changes & DIFF_CHANGE_TYPE) {
			mg_strbuf_printf(notes, "%s.%s changes type from ", t->name,
					 op->new_column->name);
			type_text(notes, op->old_table, op->old_column);
			mg_strbuf_puts(notes, " to ");
			type_text(notes, t, op->new_column);
			mg_strbuf_puts(notes, ": PostgreSQL converts every value (USING) and fails "
					      "on one that does not convert");
			if (op->destructive)
				mg_strbuf_puts(notes, " or does not fit");
			mg_strbuf_puts(notes, "; SQLite copies the values as they are.\n");
		}
		if ((op->changes & DIFF_CHANGE_IDENTITY) && op->new_column->identity)
			mg_strbuf_printf(notes,
					 "%s.%s becomes generated by the database; PostgreSQL "
					 "starts its sequence after the largest existing value.\n",
					 t->name, op->new_column->name);
		break;
	case DIFF_ADD_FOREIGN_KEY:
		if (!op->old_fk && !refits)
			mg_strbuf_printf(notes,
					 "Adding foreign key %s fails if rows of %s hold values of "
					 "%s missing from %s.%s (PostgreSQL at once, SQLite in its "
					 "foreign key check before commit).\n",
					 op->fk->name, t->name, op->fk->column, op->fk->ref_table,
					 op->fk->ref_column);
		break;
	case DIFF_ALTER_PRIMARY_KEY:
		if (t->n_primary_key) {
			mg_strbuf_printf(notes, "The new primary key of %s fails if ", t->name);
			name_list(notes, t->n_primary_key, t->primary_key);
			mg_strbuf_puts(notes, " holds duplicates or NULLs.\n");
		}
		break;
	default:
		break;
	}
}

/* Splits the lines of `text` into an arena array. */
static const char **split_lines(struct mg_arena *a, const char *text, size_t *n_out)
{
	size_t n = 0, k = 0;
	const char *p, *q;
	const char **v;

	for (p = text; *p; p++)
		n += *p == '\n';
	v = mg_arena_calloc(a, n, sizeof(*v));
	for (p = text; *p; p = q + 1) {
		q = strchr(p, '\n');
		v[k++] = mg_arena_strndup(a, p, (size_t)(q - p));
	}
	*n_out = k;
	return v;
}

/* The foreign keys dropped from kept tables, by (table group, column). */
struct dropped_key {
	size_t group;
	const char *column;
};

static int cmp_dropped_key(const void *a, const void *b)
{
	const struct dropped_key *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return strcmp(x->column, y->column);
}

/* Per op: 1 when it adds a foreign key on a column of a kept table whose
 * foreign key was dropped in the same migration (a changed action or
 * parent key): the rows already satisfy it. */
static unsigned char *refitted_keys(struct mg_arena *a, const struct diff_op *ops, size_t n,
				    const size_t *group)
{
	unsigned char *out = mg_arena_calloc(a, n, 1);
	struct dropped_key *v = mg_arena_calloc(a, n, sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (ops[i].kind == DIFF_DROP_FOREIGN_KEY && ops[i].new_table) {
			v[k].group = group[i];
			v[k++].column = ops[i].fk->column;
		}
	qsort(v, k, sizeof(*v), cmp_dropped_key);
	for (i = 0; i < n; i++) {
		struct dropped_key key;

		if (ops[i].kind != DIFF_ADD_FOREIGN_KEY || ops[i].old_fk || !ops[i].old_table)
			continue;
		key.group = group[i];
		key.column = ops[i].fk->column;
		out[i] = bsearch(&key, v, k, sizeof(*v), cmp_dropped_key) != NULL;
	}
	return out;
}

int plan_migration(struct plan_result *out, struct mg_arena *arena, const struct diff_result *diff,
		   const struct mg_schema *old_schema, const struct mg_schema *new_schema,
		   struct diag_list *diags)
{
	struct frozen_map map = {0};
	struct plan_ctx ctx = {arena, frozen_of, &map, NULL};
	struct step_list l;
	struct diff_op *down;
	struct mg_strbuf notes = {0}, lost = {0};
	unsigned char *rebuilt, *refits;
	const char **up_summaries, **down_summaries;
	size_t *group;
	size_t n = diff->n_ops, i;
	int d;

	(void)diags;
	memset(out, 0, sizeof(*out));
	collect(&map.before, arena, diff->ops, n, old_schema, 0);
	collect(&map.after, arena, diff->ops, n, new_schema, 1);
	out->before.n_tables = map.before.n;
	out->before.tables = map.before.copies;
	out->after.n_tables = map.after.n;
	out->after.tables = map.after.copies;

	out->n_summary = n;
	out->summary = mg_arena_calloc(arena, n, sizeof(*out->summary));
	up_summaries = mg_arena_calloc(arena, n, sizeof(char *));
	for (i = 0; i < n; i++) {
		up_summaries[i] = sql_dialect_op_summary(arena, &diff->ops[i]);
		out->summary[i].text = up_summaries[i];
		out->summary[i].destructive = diff->ops[i].destructive;
	}

	down = down_ops(arena, diff);
	down_summaries = mg_arena_calloc(arena, n, sizeof(char *));
	for (i = 0; i < n; i++)
		down_summaries[i] = sql_dialect_op_summary(arena, &down[i]);
	rebuilt = mg_arena_calloc(arena, n, 1);
	for (d = 0; d < MG_DIALECT_COUNT; d++) {
		memset(&l, 0, sizeof(l));
		ctx.summaries = up_summaries;
		if (d == MG_DIALECT_SQLITE)
			sql_sqlite_plan(&l, &ctx, diff->ops, n, rebuilt);
		else
			sql_pg_plan(&l, &ctx, diff->ops, n);
		out->up[d].n_steps = l.n;
		out->up[d].steps = l.v;
		memset(&l, 0, sizeof(l));
		ctx.summaries = down_summaries;
		if (d == MG_DIALECT_SQLITE)
			sql_sqlite_plan(&l, &ctx, down, n, NULL);
		else
			sql_pg_plan(&l, &ctx, down, n);
		out->down[d].n_steps = l.n;
		out->down[d].steps = l.v;
	}

	group = sql_dialect_table_groups(arena, diff->ops, n);
	refits = refitted_keys(arena, diff->ops, n, group);
	for (i = 0; i < n; i++)
		add_notes(&notes, &diff->ops[i], refits[i]);
	for (i = 0; i < n; i++) {
		if (rebuilt[i] && group[i] == i)
			mg_strbuf_printf(
				&notes,
				"SQLite rebuilds table %s: it creates the new table under a "
				"temporary name, copies every row, drops the old table, "
				"renames the new one and recreates its indexes, triggers "
				"and views, with foreign keys off and checked before "
				"commit; time and disk space grow with the rows.\n",
				diff->ops[i].new_table->name);
	}
	out->notes = split_lines(arena, mg_strbuf_cstr(&notes), &out->n_notes);

	for (i = 0; i < n; i++) {
		const struct diff_op *op = &diff->ops[i];

		if (op->kind == DIFF_DROP_TABLE)
			mg_strbuf_printf(&lost, "%sthe rows of table %s", lost.len ? "; " : "",
					 op->old_table->name);
		else if (op->kind == DIFF_DROP_COLUMN)
			mg_strbuf_printf(&lost, "%sthe values of column %s.%s",
					 lost.len ? "; " : "", op->old_table->name,
					 op->old_column->name);
	}
	if (lost.len)
		out->irreversible_note = mg_arena_printf(
			arena,
			"down restores the structure but not the data: %s (restored NOT NULL "
			"columns hold their default or a zero value)",
			mg_strbuf_cstr(&lost));
	mg_strbuf_free(&notes);
	mg_strbuf_free(&lost);
	return 0;
}
