/*
 * Old schema x new schema -> ordered operations (see diff.h). Tables and
 * columns are paired through MG_RENAMED_FROM, then by name; indexes and
 * foreign keys are compared through that pairing, so a rename never shows
 * up as drop + add, and an index or key whose derived name changed with a
 * rename is renamed too.
 */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "util/arena.h"

/* A pair of tables: the same table before and after, and how their
 * columns, indexes and foreign keys pair. */
struct pair {
	const struct mg_table *old_t;
	const struct mg_table *new_t;
	/* per column of new_t: its column in old_t, or NULL when added */
	const struct mg_column **old_of_new;
	/* per column of old_t: its column in new_t, or NULL when dropped */
	const struct mg_column **new_of_old;
	/* likewise for indexes and foreign keys (see match_indexes) */
	const struct mg_index **ix_old_of_new;
	const struct mg_index **ix_new_of_old;
	const struct mg_foreign_key **fk_old_of_new;
	const struct mg_foreign_key **fk_new_of_old;
};

/* One run of the diff. Everything it allocates, the ops included, lives in
 * `arena`. */
struct differ {
	struct mg_arena *arena;
	const struct mg_schema *old_s;
	const struct mg_schema *new_s;
	const struct model *model;
	struct diag_list *diags;
	int allow_drop;
	size_t n_fills;
	const struct diff_fill *fills;
	unsigned char *fill_used; /* per fill */
	/* per old table: its pair or NULL when dropped; per new table: its
	 * pair or NULL when created */
	struct pair **pair_of_old;
	struct pair **pair_of_new;
	struct pair *pairs;
	size_t n_pairs;
	size_t n_ops, cap_ops;
	struct diff_op *ops;
};

/* Appends an op of `kind` on pair p (NULL: on no kept table). */
static struct diff_op *push(struct differ *d, enum diff_op_kind kind, const struct pair *p)
{
	struct diff_op *op;

	if (d->n_ops == d->cap_ops) {
		struct diff_op *grown;

		d->cap_ops = d->cap_ops ? 2 * d->cap_ops : 16;
		grown = mg_arena_calloc(d->arena, d->cap_ops, sizeof(*grown));
		if (d->n_ops)
			memcpy(grown, d->ops, d->n_ops * sizeof(*grown));
		d->ops = grown;
	}
	op = &d->ops[d->n_ops++];
	op->kind = kind;
	if (p) {
		op->old_table = p->old_t;
		op->new_table = p->new_t;
	}
	return op;
}

static int str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Position of the table called `name` in the schema sorted by name, or -1. */
static long table_pos(const struct mg_schema *s, const char *name)
{
	size_t lo = 0, hi = s->n_tables;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->tables[mid].name, name);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static long column_pos(const struct mg_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_columns; i++)
		if (strcmp(t->columns[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Where the model declared table `t` (and column `col`, may be NULL). */
static const struct diag_loc *loc_of(const struct differ *d, const struct mg_table *t,
				     const struct mg_column *col)
{
	long ti, ci;
	const struct model_table_info *info;

	if (!d->model || !t || !d->model->info)
		return NULL;
	ti = table_pos(&d->model->schema, t->name);
	if (ti < 0)
		return NULL;
	info = &d->model->info[ti];
	if (col && info->column_locs) {
		ci = column_pos(&d->model->schema.tables[ti], col->name);
		if (ci >= 0)
			return &info->column_locs[ci];
	}
	return &info->loc;
}

static int same_type(const struct mg_column *a, const struct mg_column *b)
{
	return a->type == b->type && a->length == b->length &&
	       str_eq(a->custom_type, b->custom_type);
}

/* Rank of integer widths for narrowing checks; 0 for other types. */
static int int_rank(enum mg_coltype t)
{
	switch (t) {
	case MG_COL_SMALLINT:
		return 1;
	case MG_COL_INTEGER:
		return 2;
	case MG_COL_BIGINT:
		return 3;
	default:
		return 0;
	}
}

int diff_type_narrows(const struct mg_column *a, const struct mg_column *b)
{
	if (same_type(a, b))
		return 0;
	if (int_rank(a->type) && int_rank(b->type))
		return int_rank(b->type) < int_rank(a->type);
	if (a->type == MG_COL_VARCHAR && b->type == MG_COL_VARCHAR)
		return b->length < a->length;
	if (b->type == MG_COL_TEXT && (a->type == MG_COL_VARCHAR || int_rank(a->type)))
		return 0;
	if (a->type == MG_COL_REAL && b->type == MG_COL_DOUBLE)
		return 0;
	/* A double holds every smallint and integer exactly, not every
	 * bigint (53 bits of mantissa). */
	if (int_rank(a->type) && (b->type == MG_COL_DOUBLE))
		return a->type == MG_COL_BIGINT;
	return 1;
}

/*
 * Which rename hints apply. hint[i] is, per new item i, the old item its
 * MG_RENAMED_FROM names (or -1); self[i] the old item with i's own name (or
 * -1). A hint applies when its old name exists and the item's own name is
 * new, or is itself the old name of another applying hint: so renames may
 * chain (c from b, b from a) and swap (b from a, a from b), while the hint
 * of a rename already done (b from a, b still b, a new a) is left alone.
 * Keeps the applying hints in `hint` (greatest fixed point), sets the
 * others to -1. `claims` is scratch, one per old item.
 */
static void settle_hints(long *hint, const long *self, size_t n_new, size_t *claims, size_t n_old)
{
	size_t i;
	int changed = 1;

	memset(claims, 0, n_old * sizeof(*claims));
	for (i = 0; i < n_new; i++) {
		if (hint[i] >= 0 && claims[hint[i]])
			hint[i] = -1; /* two hints on one name: the first wins */
		if (hint[i] >= 0)
			claims[hint[i]]++;
	}
	while (changed) {
		changed = 0;
		for (i = 0; i < n_new; i++)
			if (hint[i] >= 0 && self[i] >= 0 && !claims[self[i]]) {
				claims[hint[i]]--;
				hint[i] = -1;
				changed = 1;
			}
	}
}

/*
 * 1 when column `i` of `nt` has a hint that swaps or chains names with the
 * old table `ot`: its old name is still a column of `nt`, and its own name
 * was already a column of `ot`. Such a hint may be new, or left from the
 * migration that made the renames (the models keep it): names alone cannot
 * tell. A hint whose own name is new is always new.
 */
static int column_chain_hint(const struct mg_table *ot, const struct mg_table *nt, size_t i)
{
	const char *from = nt->columns[i].renamed_from;

	return from && strcmp(from, nt->columns[i].name) != 0 && column_pos(nt, from) >= 0 &&
	       column_pos(ot, from) >= 0 && column_pos(ot, nt->columns[i].name) >= 0;
}

static int has_column_chain_hints(const struct mg_table *ot, const struct mg_table *nt)
{
	size_t i;

	for (i = 0; i < nt->n_columns; i++)
		if (column_chain_hint(ot, nt, i))
			return 1;
	return 0;
}

/*
 * Pairs the columns of a table pair: rename hints first (see settle_hints),
 * so a column may be renamed and another take its old name; then names pair
 * with names. A hint whose old name is gone was already applied; chain and
 * swap hints on a table that is, hints aside, what it was are left from
 * the migration that renamed them (applied again, they would swap the
 * columns' data back).
 */
static void pair_columns(struct differ *d, struct pair *p, int no_hints)
{
	size_t i, n_new = p->new_t->n_columns, n_old = p->old_t->n_columns;
	long *hint = mg_arena_calloc(d->arena, n_new, sizeof(long));
	long *self = mg_arena_calloc(d->arena, n_new, sizeof(long));
	size_t *claims = mg_arena_calloc(d->arena, n_old, sizeof(size_t));

	if (has_column_chain_hints(p->old_t, p->new_t) && model_table_eq(p->old_t, p->new_t))
		no_hints = 1;
	p->old_of_new = mg_arena_calloc(d->arena, n_new, sizeof(*p->old_of_new));
	p->new_of_old = mg_arena_calloc(d->arena, n_old, sizeof(*p->new_of_old));
	for (i = 0; i < n_new; i++) {
		const char *from = p->new_t->columns[i].renamed_from;

		self[i] = column_pos(p->old_t, p->new_t->columns[i].name);
		hint[i] = from && !no_hints ? column_pos(p->old_t, from) : -1;
		if (hint[i] == self[i])
			hint[i] = -1;
	}
	settle_hints(hint, self, n_new, claims, n_old);
	for (i = 0; i < n_new; i++)
		if (hint[i] >= 0) {
			p->old_of_new[i] = &p->old_t->columns[hint[i]];
			p->new_of_old[hint[i]] = &p->new_t->columns[i];
		}
	for (i = 0; i < n_new; i++) {
		long o = self[i];

		if (!p->old_of_new[i] && o >= 0 && !p->new_of_old[o]) {
			p->old_of_new[i] = &p->old_t->columns[o];
			p->new_of_old[o] = &p->new_t->columns[i];
		}
	}
}

/* The new name of old table `name`, or NULL when it is dropped. */
static const char *map_table(const struct differ *d, const char *name)
{
	long o = table_pos(d->old_s, name);

	if (o < 0 || !d->pair_of_old[o])
		return NULL;
	return d->pair_of_old[o]->new_t->name;
}

/* The new name of column `col` of old table `table`, or NULL. */
static const char *map_column(const struct differ *d, const char *table, const char *col)
{
	long o = table_pos(d->old_s, table), c;
	const struct pair *p;

	if (o < 0 || !(p = d->pair_of_old[o]))
		return NULL;
	c = column_pos(p->old_t, col);
	if (c < 0 || !p->new_of_old[c])
		return NULL;
	return p->new_of_old[c]->name;
}

/* 1 when old index `oi` of old table `p` is `ni` after the renames,
 * ignoring the index name. */
static int index_same(const struct differ *d, const struct pair *p, const struct mg_index *oi,
		      const struct mg_index *ni)
{
	size_t k;

	if (oi->unique != ni->unique || oi->n_columns != ni->n_columns)
		return 0;
	for (k = 0; k < oi->n_columns; k++)
		if (!str_eq(map_column(d, p->old_t->name, oi->columns[k]), ni->columns[k]))
			return 0;
	return 1;
}

static int pk_same(const struct differ *d, const struct pair *p);

/* 1 when the key that old column `col` of old table `table` is referenced
 * through changes: its primary key changes or a unique index on exactly it
 * goes. PostgreSQL ties a foreign key to that key's index, so the foreign
 * key is dropped before and added again after. Needs the indexes of every
 * pair matched. */
static int parent_key_changed(const struct differ *d, const char *table, const char *col)
{
	long o = table_pos(d->old_s, table);
	const struct pair *p;
	size_t i;

	if (o < 0 || !(p = d->pair_of_old[o]))
		return 0;
	for (i = 0; i < p->old_t->n_primary_key; i++)
		if (strcmp(p->old_t->primary_key[i], col) == 0 && !pk_same(d, p))
			return 1;
	for (i = 0; i < p->old_t->n_indexes; i++) {
		const struct mg_index *ix = &p->old_t->indexes[i];

		if (!p->ix_new_of_old[i] && ix->unique && ix->n_columns == 1 &&
		    strcmp(ix->columns[0], col) == 0)
			return 1;
	}
	return 0;
}

static int fk_same(const struct differ *d, const struct pair *p, const struct mg_foreign_key *of,
		   const struct mg_foreign_key *nf)
{
	return of->on_delete == nf->on_delete &&
	       !parent_key_changed(d, of->ref_table, of->ref_column) &&
	       str_eq(map_column(d, p->old_t->name, of->column), nf->column) &&
	       str_eq(map_table(d, of->ref_table), nf->ref_table) &&
	       str_eq(map_column(d, of->ref_table, of->ref_column), nf->ref_column);
}

static int pk_same(const struct differ *d, const struct pair *p)
{
	size_t k;

	if (p->old_t->n_primary_key != p->new_t->n_primary_key)
		return 0;
	for (k = 0; k < p->old_t->n_primary_key; k++)
		if (!str_eq(map_column(d, p->old_t->name, p->old_t->primary_key[k]),
			    p->new_t->primary_key[k]))
			return 0;
	return 1;
}

/* 1 when the primary key of `o` keeps its name as table `n`: the name
 * the key has after a rename of the table (a derived name follows it, a
 * name of its own stays) is the name `n` gives it. */
static int pk_name_same(const struct mg_table *o, const struct mg_table *n)
{
	const char *from = o->primary_key_name, *to = n->primary_key_name;

	if (from && to)
		return strcmp(from, to) == 0;
	if (!from && !to)
		return 1;
	/* One derived, pk_<new name>: the same only when the other spells it. */
	from = from ? from : to;
	return strncmp(from, "pk_", 3) == 0 && strcmp(from + 3, n->name) == 0;
}

/* Per old index of p: the new index it matches (NULL: dropped); and the
 * reverse. Names are compared last, so a match with another name is a
 * rename. Needs the columns of every pair paired. */
static void match_indexes(struct differ *d, struct pair *p)
{
	const struct mg_index **new_of_old, **old_of_new;
	size_t i, j;

	new_of_old = p->ix_new_of_old =
		mg_arena_calloc(d->arena, p->old_t->n_indexes, sizeof(void *));
	old_of_new = p->ix_old_of_new =
		mg_arena_calloc(d->arena, p->new_t->n_indexes, sizeof(void *));

	/* Same name first, so that an unchanged index never pairs away. */
	for (i = 0; i < p->old_t->n_indexes; i++)
		for (j = 0; j < p->new_t->n_indexes; j++)
			if (!old_of_new[j] &&
			    strcmp(p->old_t->indexes[i].name, p->new_t->indexes[j].name) == 0 &&
			    index_same(d, p, &p->old_t->indexes[i], &p->new_t->indexes[j])) {
				new_of_old[i] = &p->new_t->indexes[j];
				old_of_new[j] = &p->old_t->indexes[i];
			}
	for (i = 0; i < p->old_t->n_indexes; i++)
		for (j = 0; j < p->new_t->n_indexes && !new_of_old[i]; j++)
			if (!old_of_new[j] &&
			    index_same(d, p, &p->old_t->indexes[i], &p->new_t->indexes[j])) {
				new_of_old[i] = &p->new_t->indexes[j];
				old_of_new[j] = &p->old_t->indexes[i];
			}
}

/* As match_indexes, for foreign keys. Needs the indexes of every pair
 * matched (a key whose parent key changes is dropped and added again). */
static void match_fks(struct differ *d, struct pair *p)
{
	const struct mg_foreign_key **new_of_old, **old_of_new;
	size_t i, j;

	new_of_old = p->fk_new_of_old =
		mg_arena_calloc(d->arena, p->old_t->n_foreign_keys, sizeof(void *));
	old_of_new = p->fk_old_of_new =
		mg_arena_calloc(d->arena, p->new_t->n_foreign_keys, sizeof(void *));

	for (i = 0; i < p->old_t->n_foreign_keys; i++)
		for (j = 0; j < p->new_t->n_foreign_keys; j++)
			if (!old_of_new[j] &&
			    strcmp(p->old_t->foreign_keys[i].name,
				   p->new_t->foreign_keys[j].name) == 0 &&
			    fk_same(d, p, &p->old_t->foreign_keys[i], &p->new_t->foreign_keys[j])) {
				new_of_old[i] = &p->new_t->foreign_keys[j];
				old_of_new[j] = &p->old_t->foreign_keys[i];
			}
	for (i = 0; i < p->old_t->n_foreign_keys; i++)
		for (j = 0; j < p->new_t->n_foreign_keys && !new_of_old[i]; j++)
			if (!old_of_new[j] &&
			    fk_same(d, p, &p->old_t->foreign_keys[i], &p->new_t->foreign_keys[j])) {
				new_of_old[i] = &p->new_t->foreign_keys[j];
				old_of_new[j] = &p->old_t->foreign_keys[i];
			}
}

/* Refuses the drop of column `oc` of pair p, naming a probable rename; with
 * --allow-drop, only warns about the probable rename. */
static void refuse_column_drop(struct differ *d, const struct pair *p, const struct mg_column *oc)
{
	size_t i;

	for (i = 0; i < p->new_t->n_columns; i++) {
		const struct mg_column *nc = &p->new_t->columns[i];

		if (p->old_of_new[i] || !same_type(oc, nc))
			continue;
		if (d->allow_drop) {
			diag_warning(
				d->diags, loc_of(d, p->new_t, nc),
				"column '%s.%s' is dropped and '%s.%s' added (same type %s): "
				"if it was renamed, add MG_RENAMED_FROM(\"%s\") to '%s' to keep "
				"its data",
				p->old_t->name, oc->name, p->new_t->name, nc->name,
				mg_coltype_name(nc->type), oc->name, nc->name);
			return;
		}
		diag_error(d->diags, loc_of(d, p->new_t, nc),
			   "column '%s.%s' would be dropped and '%s.%s' added (same type %s): "
			   "if it was renamed, add MG_RENAMED_FROM(\"%s\") to '%s'; to drop "
			   "'%s' and its data, pass --allow-drop",
			   p->old_t->name, oc->name, p->new_t->name, nc->name,
			   mg_coltype_name(nc->type), oc->name, nc->name, oc->name);
		return;
	}
	if (d->allow_drop)
		return;
	diag_error(d->diags, loc_of(d, p->new_t, NULL),
		   "column '%s.%s' would be dropped with its data: pass --allow-drop to drop it, "
		   "or, if it was renamed, add MG_RENAMED_FROM(\"%s\") to the renamed field",
		   p->old_t->name, oc->name, oc->name);
}

/* The --fill for column `c` of new table `t`, marked used, or NULL. */
static const char *take_fill(struct differ *d, const struct mg_table *t, const struct mg_column *c)
{
	size_t i;

	for (i = 0; i < d->n_fills; i++)
		if (strcmp(d->fills[i].table, t->name) == 0 &&
		    strcmp(d->fills[i].column, c->name) == 0) {
			d->fill_used[i] = 1;
			return d->fills[i].sql;
		}
	return NULL;
}

/* Refuses a --fill that is not a single SQL expression in UTF-8 (the rules
 * of MG_DEFAULT), or that no column took: one given for nothing would be
 * lost without a word. */
static void check_fills(struct differ *d)
{
	size_t i;
	const char *why = NULL;

	for (i = 0; i < d->n_fills; i++) {
		const struct diff_fill *f = &d->fills[i];

		if (!mg_sql_default_valid(f->sql, &why) || !model_utf8_valid(f->sql))
			diag_error(d->diags, NULL, "--fill %s.%s=%s: %s", f->table, f->column,
				   f->sql, why ? why : "not valid UTF-8");
		else if (!d->fill_used[i])
			diag_error(d->diags, NULL,
				   "--fill %s.%s: no column '%s.%s' becomes NOT NULL in this "
				   "migration (added NOT NULL, or tightened from MG_NULLABLE)",
				   f->table, f->column, f->table, f->column);
	}
}

/* A hint not applied (its column's name is still in use: a hint left from
 * an earlier rename) while its old name goes: the data would end up other
 * than the hint says, so never without a word. */
static void refuse_unapplied_column_hints(struct differ *d, const struct pair *p)
{
	const struct mg_table *ot = p->old_t, *nt = p->new_t;
	size_t i;

	for (i = 0; i < nt->n_columns; i++) {
		const char *from = nt->columns[i].renamed_from;
		long o = from ? column_pos(ot, from) : -1;

		if (o >= 0 && !p->new_of_old[o])
			diag_error(
				d->diags, loc_of(d, nt, &nt->columns[i]),
				"column '%s.%s' has MG_RENAMED_FROM(\"%s\") but keeps its own "
				"column '%s.%s', so '%s.%s' would be dropped: remove the hint if "
				"it is left from an earlier rename, or rename in a migration of "
				"its own",
				nt->name, nt->columns[i].name, from, ot->name, nt->columns[i].name,
				ot->name, from);
	}
}

/* The DIFF_ALTER_COLUMN of old column `oc` to new column `nc` of pair p,
 * when anything changes. */
static void alter_column(struct differ *d, const struct pair *p, const struct mg_column *oc,
			 const struct mg_column *nc)
{
	struct diff_op *op;
	unsigned changes = 0;

	if (!same_type(oc, nc))
		changes |= DIFF_CHANGE_TYPE;
	if (!oc->nullable != !nc->nullable)
		changes |= DIFF_CHANGE_NULLABLE;
	if (!str_eq(oc->default_sql, nc->default_sql))
		changes |= DIFF_CHANGE_DEFAULT;
	if (!oc->identity != !nc->identity)
		changes |= DIFF_CHANGE_IDENTITY;
	if (!changes)
		return;
	op = push(d, DIFF_ALTER_COLUMN, p);
	op->old_column = oc;
	op->new_column = nc;
	op->changes = changes;
	op->destructive = (changes & DIFF_CHANGE_TYPE) && diff_type_narrows(oc, nc);
	if (oc->nullable && !nc->nullable && !nc->identity) {
		op->fill_sql = take_fill(d, p->new_t, nc);
		if (nc->default_sql || op->fill_sql)
			op->fill_nulls = 1;
		else
			diag_error(d->diags, loc_of(d, p->new_t, nc),
				   "column '%s.%s' becomes NOT NULL without a default: existing "
				   "rows holding NULL would have no value; add MG_DEFAULT(...) to "
				   "keep a default, or give them a value in this migration only "
				   "with --fill %s.%s=SQL",
				   p->new_t->name, nc->name, p->new_t->name, nc->name);
	}
}

/* The operations on one pair of tables in DIFF_GROUP_TABLE, in the order
 * of enum diff_table_step. */
static void diff_pair_columns(struct differ *d, struct pair *p)
{
	const struct mg_table *ot = p->old_t, *nt = p->new_t;
	struct diff_op *op;
	size_t i;

	refuse_unapplied_column_hints(d, p);
	for (i = 0; i < ot->n_columns; i++)
		if (!p->new_of_old[i]) {
			refuse_column_drop(d, p, &ot->columns[i]);
			op = push(d, DIFF_DROP_COLUMN, p);
			op->old_column = &ot->columns[i];
			op->destructive = 1;
		}
	for (i = 0; i < nt->n_columns; i++)
		if (p->old_of_new[i] && strcmp(p->old_of_new[i]->name, nt->columns[i].name) != 0) {
			op = push(d, DIFF_RENAME_COLUMN, p);
			op->old_column = p->old_of_new[i];
			op->new_column = &nt->columns[i];
		}
	for (i = 0; i < nt->n_columns; i++) {
		const struct mg_column *nc = &nt->columns[i];

		const char *fill;

		if (p->old_of_new[i])
			continue;
		fill = !nc->nullable && !nc->identity ? take_fill(d, nt, nc) : NULL;
		if (!nc->nullable && !nc->default_sql && !nc->identity && !fill)
			diag_error(d->diags, loc_of(d, nt, nc),
				   "new column '%s.%s' is NOT NULL without a default: existing "
				   "rows would have no value; add MG_DEFAULT(...) or MG_NULLABLE, "
				   "or give them a value in this migration only with --fill "
				   "%s.%s=SQL",
				   nt->name, nc->name, nt->name, nc->name);
		op = push(d, DIFF_ADD_COLUMN, p);
		op->new_column = nc;
		op->fill_sql = fill;
	}
	for (i = 0; i < nt->n_columns; i++)
		if (p->old_of_new[i])
			alter_column(d, p, p->old_of_new[i], &nt->columns[i]);
	if (!pk_same(d, p))
		push(d, DIFF_ALTER_PRIMARY_KEY, p);
	else if (p->new_t->n_primary_key && !pk_name_same(p->old_t, p->new_t))
		push(d, DIFF_ALTER_PRIMARY_KEY, p)->pk_renamed = 1;
	for (i = 0; i < nt->n_indexes; i++)
		if (p->ix_old_of_new[i] &&
		    strcmp(p->ix_old_of_new[i]->name, nt->indexes[i].name) != 0) {
			op = push(d, DIFF_ADD_INDEX, p);
			op->index = &nt->indexes[i];
			op->old_index = p->ix_old_of_new[i];
		}
	for (i = 0; i < nt->n_foreign_keys; i++)
		if (p->fk_old_of_new[i] &&
		    strcmp(p->fk_old_of_new[i]->name, nt->foreign_keys[i].name) != 0) {
			op = push(d, DIFF_ADD_FOREIGN_KEY, p);
			op->fk = &nt->foreign_keys[i];
			op->old_fk = p->fk_old_of_new[i];
		}
	for (i = 0; i < nt->n_indexes; i++)
		if (!p->ix_old_of_new[i])
			push(d, DIFF_ADD_INDEX, p)->index = &nt->indexes[i];
}

/* Groups DIFF_GROUP_DROP_FOREIGN_KEYS and _DROP_INDEXES: the keys and
 * indexes of kept tables that go, in old name order. */
static void drop_keys_and_indexes(struct differ *d)
{
	size_t i, j;

	for (i = 0; i < d->old_s->n_tables; i++) {
		const struct pair *p = d->pair_of_old[i];

		for (j = 0; p && j < p->old_t->n_foreign_keys; j++)
			if (!p->fk_new_of_old[j])
				push(d, DIFF_DROP_FOREIGN_KEY, p)->fk = &p->old_t->foreign_keys[j];
	}
	for (i = 0; i < d->old_s->n_tables; i++) {
		const struct pair *p = d->pair_of_old[i];

		for (j = 0; p && j < p->old_t->n_indexes; j++)
			if (!p->ix_new_of_old[j])
				push(d, DIFF_DROP_INDEX, p)->index = &p->old_t->indexes[j];
	}
}

/* Group DIFF_GROUP_ADD_FOREIGN_KEYS for pair p. */
static void diff_pair_adds(struct differ *d, struct pair *p)
{
	size_t i;

	for (i = 0; i < p->new_t->n_foreign_keys; i++)
		if (!p->fk_old_of_new[i])
			push(d, DIFF_ADD_FOREIGN_KEY, p)->fk = &p->new_t->foreign_keys[i];
}

static void diff_pair_comments(struct differ *d, struct pair *p)
{
	size_t i;
	struct diff_op *op;

	if (!str_eq(p->old_t->comment, p->new_t->comment))
		push(d, DIFF_SET_COMMENT, p);
	for (i = 0; i < p->new_t->n_columns; i++) {
		const struct mg_column *oc = p->old_of_new[i];

		if (!oc || str_eq(oc->comment, p->new_t->columns[i].comment))
			continue;
		op = push(d, DIFF_SET_COMMENT, p);
		op->old_column = oc;
		op->new_column = &p->new_t->columns[i];
	}
}

void diff_result_free(struct diff_result *result)
{
	if (!result)
		return;
	mg_arena_free(result->arena);
	result->arena = NULL;
	result->ops = NULL;
	result->n_ops = 0;
}

/* 1 when two tables have the same columns (names and types, in order). */
static int same_columns(const struct mg_table *a, const struct mg_table *b)
{
	size_t i;

	if (a->n_columns != b->n_columns)
		return 0;
	for (i = 0; i < a->n_columns; i++)
		if (strcmp(a->columns[i].name, b->columns[i].name) != 0 ||
		    !same_type(&a->columns[i], &b->columns[i]))
			return 0;
	return 1;
}

/* Refuses the drop of old table `t` without --allow-drop. A new table with
 * the same columns is probably `t` renamed: the message says so, at that
 * table; with --allow-drop that is a warning. */
static void refuse_table_drop(struct differ *d, const struct mg_table *t)
{
	size_t i;

	for (i = 0; i < d->new_s->n_tables; i++) {
		const struct mg_table *nt = &d->new_s->tables[i];

		if (d->pair_of_new[i] || !same_columns(t, nt))
			continue;
		if (d->allow_drop)
			diag_warning(
				d->diags, loc_of(d, nt, NULL),
				"table '%s' is dropped and '%s' created with the same columns: "
				"if it was renamed, add MG_RENAMED_FROM(\"%s\") to '%s' to keep "
				"its rows",
				t->name, nt->name, t->name, nt->name);
		else
			diag_error(
				d->diags, loc_of(d, nt, NULL),
				"table '%s' would be dropped and '%s' created with the same "
				"columns: if it was renamed, add MG_RENAMED_FROM(\"%s\") to '%s'; "
				"to drop '%s' and its rows, pass --allow-drop",
				t->name, nt->name, t->name, nt->name, t->name);
		return;
	}
	if (!d->allow_drop)
		diag_error(d->diags, NULL,
			   "table '%s' would be dropped with all its rows: pass --allow-drop to "
			   "drop it, or, if it was renamed, add MG_RENAMED_FROM(\"%s\") to its "
			   "struct",
			   t->name, t->name);
}

/* Orders `tables` (n) for creation: parents first, name as the tie-break. */
static size_t *fk_order(struct differ *d, const struct mg_table *const *tables, size_t n)
{
	size_t *order = mg_arena_calloc(d->arena, n, sizeof(size_t));

	mg_sql_table_order(order, tables, n);
	return order;
}

/* 1 when `op` only renames (a table, a column, or an index or key whose
 * derived name follows one). */
static int op_is_rename(const struct diff_op *op)
{
	return op->kind == DIFF_RENAME_TABLE || op->kind == DIFF_RENAME_COLUMN ||
	       (op->kind == DIFF_ADD_INDEX && op->old_index) ||
	       (op->kind == DIFF_ADD_FOREIGN_KEY && op->old_fk);
}

/*
 * A chain or swap of names applied to a table that also changes otherwise
 * may be new, or left in the models from an earlier migration, in which case
 * applying it again would move the data of the renamed tables or columns
 * back. Names cannot tell the two apart, so such a diff is refused: remove
 * the hints, or make the renames alone in a migration of their own.
 */
static void refuse_ambiguous_chains(struct differ *d)
{
	size_t i, j, k;

	for (i = 0; i < d->n_pairs; i++) {
		const struct pair *p = &d->pairs[i];
		const struct mg_table *nt = p->new_t;
		const struct mg_column *col = NULL;
		int table_chained, other = 0;

		for (j = 0; j < nt->n_columns && !col; j++)
			if (column_chain_hint(p->old_t, nt, j) && p->old_of_new[j] &&
			    strcmp(p->old_of_new[j]->name, nt->columns[j].name) != 0)
				col = &nt->columns[j];
		table_chained = strcmp(p->old_t->name, nt->name) != 0 &&
				table_pos(d->new_s, p->old_t->name) >= 0 &&
				table_pos(d->old_s, nt->name) >= 0;
		if (!col && !table_chained)
			continue;
		for (k = 0; k < d->n_ops && !other; k++)
			other = d->ops[k].new_table == nt && !op_is_rename(&d->ops[k]);
		if (!other)
			continue;
		if (col)
			diag_error(
				d->diags, loc_of(d, nt, col),
				"column '%s.%s': MG_RENAMED_FROM(\"%s\") swaps or chains names "
				"with another column of '%s', and '%s' also changes otherwise: if "
				"the hint is left from the migration that made the rename, remove "
				"it; if the rename is new, make the renames alone first (a "
				"`modelgen diff` with only them), then the other changes",
				nt->name, col->name, col->renamed_from, nt->name, nt->name);
		else
			diag_error(
				d->diags, loc_of(d, nt, NULL),
				"table '%s': MG_RENAMED_FROM(\"%s\") swaps or chains names with "
				"another table, and '%s' also changes otherwise: if the hint is "
				"left from the migration that made the rename, remove it; if the "
				"rename is new, make the renames alone first (a `modelgen diff` "
				"with only them), then the other changes",
				nt->name, nt->renamed_from, nt->name);
	}
}

enum diff_group diff_op_group(const struct diff_op *op, enum diff_table_step *step)
{
	enum diff_table_step in_table = DIFF_STEP_DROP_COLUMN;
	enum diff_group group = DIFF_GROUP_TABLE;

	switch (op->kind) {
	case DIFF_DROP_FOREIGN_KEY:
		group = DIFF_GROUP_DROP_FOREIGN_KEYS;
		break;
	case DIFF_DROP_INDEX:
		group = DIFF_GROUP_DROP_INDEXES;
		break;
	case DIFF_DROP_TABLE:
		group = DIFF_GROUP_DROP_TABLES;
		break;
	case DIFF_RENAME_TABLE:
		group = DIFF_GROUP_RENAME_TABLES;
		break;
	case DIFF_CREATE_TABLE:
		group = DIFF_GROUP_CREATE_TABLES;
		break;
	case DIFF_SET_COMMENT:
		group = DIFF_GROUP_COMMENTS;
		break;
	case DIFF_DROP_COLUMN:
		in_table = DIFF_STEP_DROP_COLUMN;
		break;
	case DIFF_RENAME_COLUMN:
		in_table = DIFF_STEP_RENAME_COLUMN;
		break;
	case DIFF_ADD_COLUMN:
		in_table = DIFF_STEP_ADD_COLUMN;
		break;
	case DIFF_ALTER_COLUMN:
		in_table = DIFF_STEP_ALTER_COLUMN;
		break;
	case DIFF_ALTER_PRIMARY_KEY:
		in_table = DIFF_STEP_PRIMARY_KEY;
		break;
	case DIFF_ADD_INDEX:
		in_table = op->old_index ? DIFF_STEP_RENAME_INDEX : DIFF_STEP_ADD_INDEX;
		break;
	case DIFF_ADD_FOREIGN_KEY:
		if (!op->old_fk)
			group = DIFF_GROUP_ADD_FOREIGN_KEYS;
		in_table = DIFF_STEP_RENAME_FOREIGN_KEY;
		break;
	}
	if (step)
		*step = group == DIFF_GROUP_TABLE ? in_table : DIFF_STEP_DROP_COLUMN;
	return group;
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

/* diff_table_groups over the ops i with in[i] set (in NULL: all). */
static size_t *table_groups(struct mg_arena *arena, const struct diff_op *ops, size_t n,
			    const unsigned char *in)
{
	size_t *first = mg_arena_calloc(arena, n, sizeof(size_t));
	struct table_op *v = mg_arena_calloc(arena, n, sizeof(*v));
	size_t i, k = 0, run;

	for (i = 0; i < n; i++) {
		first[i] = i;
		if (ops[i].old_table && ops[i].new_table && (!in || in[i])) {
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

size_t *diff_table_groups(struct mg_arena *arena, const struct diff_op *ops, size_t n)
{
	return table_groups(arena, ops, n, NULL);
}

/* An op's place in diff order (see diff_sort). */
struct place {
	enum diff_group group;
	size_t table;
	enum diff_table_step step;
	size_t seq;
};

static int cmp_place(const void *a, const void *b)
{
	const struct place *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->step != y->step)
		return x->step < y->step ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diff_sort(struct diff_op *ops, size_t n, struct mg_arena *arena)
{
	struct place *v = mg_arena_calloc(arena, n, sizeof(*v));
	struct diff_op *copy = mg_arena_calloc(arena, n, sizeof(*copy));
	unsigned char *in_table = mg_arena_calloc(arena, n, 1);
	size_t *table, i;

	for (i = 0; i < n; i++) {
		v[i].group = diff_op_group(&ops[i], &v[i].step);
		v[i].seq = i;
		in_table[i] = v[i].group == DIFF_GROUP_TABLE;
	}
	table = table_groups(arena, ops, n, in_table);
	for (i = 0; i < n; i++)
		v[i].table = in_table[i] ? table[i] : 0;
	qsort(v, n, sizeof(*v), cmp_place);
	if (n)
		memcpy(copy, ops, n * sizeof(*ops));
	for (i = 0; i < n; i++)
		ops[i] = copy[v[i].seq];
}

static void add_pair(struct differ *d, long old_pos, size_t new_pos)
{
	struct pair *p = &d->pairs[d->n_pairs++];

	p->old_t = &d->old_s->tables[old_pos];
	p->new_t = &d->new_s->tables[new_pos];
	d->pair_of_old[old_pos] = d->pair_of_new[new_pos] = p;
}

/* Pairs the tables of the two schemas as pair_columns pairs columns: rename
 * hints first, then names. */
static void pair_tables(struct differ *d, int no_hints)
{
	const struct mg_schema *old_s = d->old_s, *new_s = d->new_s;
	long *hint = mg_arena_calloc(d->arena, new_s->n_tables, sizeof(long));
	long *self = mg_arena_calloc(d->arena, new_s->n_tables, sizeof(long));
	size_t *claims = mg_arena_calloc(d->arena, old_s->n_tables, sizeof(size_t));
	size_t i;

	d->pair_of_old = mg_arena_calloc(d->arena, old_s->n_tables, sizeof(*d->pair_of_old));
	d->pair_of_new = mg_arena_calloc(d->arena, new_s->n_tables, sizeof(*d->pair_of_new));
	d->pairs = mg_arena_calloc(d->arena, new_s->n_tables, sizeof(*d->pairs));
	for (i = 0; i < new_s->n_tables; i++) {
		const char *from = new_s->tables[i].renamed_from;

		self[i] = table_pos(old_s, new_s->tables[i].name);
		hint[i] = from && !no_hints ? table_pos(old_s, from) : -1;
		if (hint[i] == self[i])
			hint[i] = -1;
		/* A chain or swap hint on a table that is, hints aside, what
		 * it was: left from the migration that renamed it. */
		if (hint[i] >= 0 && self[i] >= 0 && table_pos(new_s, from) >= 0 &&
		    model_table_eq(&old_s->tables[self[i]], &new_s->tables[i]))
			hint[i] = -1;
	}
	settle_hints(hint, self, new_s->n_tables, claims, old_s->n_tables);
	for (i = 0; i < new_s->n_tables; i++)
		if (hint[i] >= 0)
			add_pair(d, hint[i], i);
	for (i = 0; i < new_s->n_tables; i++)
		if (!d->pair_of_new[i] && self[i] >= 0 && !d->pair_of_old[self[i]])
			add_pair(d, self[i], i);
}

/* A table hint not applied while its old name goes: as for columns (see
 * diff_pair_columns), never without a word. */
static void refuse_unapplied_table_hints(struct differ *d)
{
	size_t i;

	for (i = 0; i < d->new_s->n_tables; i++) {
		const struct mg_table *nt = &d->new_s->tables[i];
		long o = nt->renamed_from ? table_pos(d->old_s, nt->renamed_from) : -1;

		if (o >= 0 && !d->pair_of_old[o])
			diag_error(d->diags, loc_of(d, nt, NULL),
				   "table '%s' has MG_RENAMED_FROM(\"%s\") but keeps its own table "
				   "'%s', so '%s' would be dropped: remove the hint if it is left "
				   "from an earlier rename, or rename in a migration of its own",
				   nt->name, nt->renamed_from, nt->name, nt->renamed_from);
	}
}

/* Group DIFF_GROUP_DROP_TABLES: children first. */
static void drop_tables(struct differ *d)
{
	const struct mg_table **dropped =
		mg_arena_calloc(d->arena, d->old_s->n_tables, sizeof(*dropped));
	size_t i, n_dropped = 0, *order;

	for (i = 0; i < d->old_s->n_tables; i++)
		if (!d->pair_of_old[i])
			dropped[n_dropped++] = &d->old_s->tables[i];
	order = fk_order(d, dropped, n_dropped);
	for (i = n_dropped; i-- > 0;) {
		struct diff_op *op = push(d, DIFF_DROP_TABLE, NULL);

		op->old_table = dropped[order[i]];
		op->destructive = 1;
		refuse_table_drop(d, op->old_table);
	}
}

/* Group DIFF_GROUP_CREATE_TABLES: parents first. */
static void create_tables(struct differ *d)
{
	const struct mg_table **created =
		mg_arena_calloc(d->arena, d->new_s->n_tables, sizeof(*created));
	size_t i, n_created = 0, *order;

	for (i = 0; i < d->new_s->n_tables; i++)
		if (!d->pair_of_new[i])
			created[n_created++] = &d->new_s->tables[i];
	order = fk_order(d, created, n_created);
	for (i = 0; i < n_created; i++)
		push(d, DIFF_CREATE_TABLE, NULL)->new_table = created[order[i]];
}

/*
 * One diff: pairs tables, then their columns, indexes and keys (each stage
 * needs the one before on every pair), then emits the groups in diff order.
 * With `no_hints`, rename hints are ignored.
 */
static int diff_run(struct diff_result *out, const struct mg_schema *old_schema,
		    const struct mg_schema *new_schema, const struct model *model,
		    const struct diff_options *opts, struct diag_list *diags, int no_hints)
{
	struct differ d = {0};
	size_t i, n_errors = diags->n_errors;

	d.arena = mg_arena_new();
	d.old_s = old_schema;
	d.new_s = new_schema;
	d.model = model;
	d.diags = diags;
	d.allow_drop = opts && opts->allow_drop;
	d.n_fills = opts ? opts->n_fills : 0;
	d.fills = opts ? opts->fills : NULL;
	d.fill_used = mg_arena_calloc(d.arena, d.n_fills + 1, 1);

	pair_tables(&d, no_hints);
	for (i = 0; i < d.n_pairs; i++)
		pair_columns(&d, &d.pairs[i], no_hints);
	for (i = 0; i < d.n_pairs; i++)
		match_indexes(&d, &d.pairs[i]);
	for (i = 0; i < d.n_pairs; i++)
		match_fks(&d, &d.pairs[i]);

	drop_keys_and_indexes(&d);
	refuse_unapplied_table_hints(&d);
	drop_tables(&d);
	for (i = 0; i < new_schema->n_tables; i++) {
		struct pair *p = d.pair_of_new[i];

		if (p && strcmp(p->old_t->name, p->new_t->name) != 0)
			push(&d, DIFF_RENAME_TABLE, p);
	}
	for (i = 0; i < new_schema->n_tables; i++)
		if (d.pair_of_new[i])
			diff_pair_columns(&d, d.pair_of_new[i]);
	create_tables(&d);
	for (i = 0; i < new_schema->n_tables; i++)
		if (d.pair_of_new[i])
			diff_pair_adds(&d, d.pair_of_new[i]);
	for (i = 0; i < new_schema->n_tables; i++)
		if (d.pair_of_new[i])
			diff_pair_comments(&d, d.pair_of_new[i]);
	if (!no_hints)
		refuse_ambiguous_chains(&d);
	check_fills(&d);
	/* Already in diff order by construction: the sort makes it the one
	 * order that the planners also sort down steps by. */
	diff_sort(d.ops, d.n_ops, d.arena);

	out->ops = d.ops;
	out->n_ops = d.n_ops;
	out->arena = d.arena;
	return diags->n_errors > n_errors ? -1 : 0;
}

/* 1 when some table or column of `s` carries a rename hint. */
static int has_hints(const struct mg_schema *s)
{
	size_t i, j;

	for (i = 0; i < s->n_tables; i++) {
		if (s->tables[i].renamed_from)
			return 1;
		for (j = 0; j < s->tables[i].n_columns; j++)
			if (s->tables[i].columns[j].renamed_from)
				return 1;
	}
	return 0;
}

/* 1 when every table of `b` is in `a` with its columns named in the same
 * order (what the diff's operations do not show). */
static int same_column_names(const struct mg_schema *a, const struct mg_schema *b)
{
	size_t i, j;

	for (i = 0; i < b->n_tables; i++) {
		long o = table_pos(a, b->tables[i].name);

		if (o < 0 || a->tables[o].n_columns != b->tables[i].n_columns)
			return 0;
		for (j = 0; j < b->tables[i].n_columns; j++)
			if (strcmp(a->tables[o].columns[j].name, b->tables[i].columns[j].name) != 0)
				return 0;
	}
	return 1;
}

int diff_schemas(struct diff_result *out, const struct mg_schema *old_schema,
		 const struct mg_schema *new_schema, const struct model *model,
		 const struct diff_options *opts, struct diag_list *diags)
{
	/* Models equal to the old schema but for their hints have not
	 * changed, as `modelgen check` (which compares the schemas) says:
	 * the hints are left from the renames that got there. Kept, the
	 * hints of a swap would otherwise swap again on every diff. */
	if (has_hints(new_schema) && same_column_names(old_schema, new_schema) &&
	    old_schema->n_tables == new_schema->n_tables) {
		struct diag_list quiet = {0};
		int rc = diff_run(out, old_schema, new_schema, model, opts, &quiet, 1);
		int unchanged = rc == 0 && out->n_ops == 0 && quiet.n_items == 0;

		diag_free(&quiet);
		if (unchanged)
			return 0;
		diff_result_free(out);
	}
	return diff_run(out, old_schema, new_schema, model, opts, diags, 0);
}
