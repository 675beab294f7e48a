/*
 * SQLite half of the planner: native ALTER where SQLite can (rename table
 * and column, add a column, drop a plain column, indexes), otherwise one
 * table rebuild per table that folds every change to it. The order: indexes
 * dropped, renames (natively, so that SQLite rewrites the references of
 * other tables and each rebuild sees the table under its final names), new
 * tables, each kept table's rebuild or native steps, dropped tables.
 */
#include "sql_dialect.h"

#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* 1 when `name` is one of the table's primary key columns. */
static int in_pk(const struct mg_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_primary_key; i++)
		if (strcmp(t->primary_key[i], name) == 0)
			return 1;
	return 0;
}

static int in_fk(const struct mg_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_foreign_keys; i++)
		if (strcmp(t->foreign_keys[i].column, name) == 0)
			return 1;
	return 0;
}

/* 1 when ALTER TABLE ADD COLUMN can add `c` (SQLite: no key, NOT NULL
 * only with a constant default, a literal that is not CURRENT_*). */
static int add_native(const struct mg_table *t, const struct mg_column *c)
{
	if (c->identity || in_pk(t, c->name) || in_fk(t, c->name))
		return 0;
	if (!c->default_sql)
		return c->nullable;
	return mg_sql_default_is_literal(c->default_sql) &&
	       strncmp(c->default_sql, "CURRENT", 7) != 0 &&
	       strncmp(c->default_sql, "current", 7) != 0;
}

/* 1 when ALTER TABLE DROP COLUMN can drop `c` of the table as it was. The
 * indexes on it are dropped before (group 2). */
static int drop_native(const struct mg_table *t, const struct mg_column *c)
{
	return !c->identity && !in_pk(t, c->name) && !in_fk(t, c->name);
}

/* 1 when the op, on a table that exists before and after, needs the
 * table rebuilt. */
static int needs_rebuild(const struct diff_op *op)
{
	switch (op->kind) {
	case DIFF_ADD_COLUMN:
		return !add_native(op->new_table, op->new_column);
	case DIFF_DROP_COLUMN:
		return !drop_native(op->old_table, op->old_column);
	case DIFF_ALTER_COLUMN:
	case DIFF_ALTER_PRIMARY_KEY:
	case DIFF_DROP_FOREIGN_KEY:
	case DIFF_ADD_FOREIGN_KEY:
		/* Also a renamed key: its name lives only in the CREATE TABLE
		 * text, where introspection reads it. */
		return 1;
	default:
		return 0;
	}
}

/* 1 for the ops that belong to a kept table and can fold into its rebuild. */
static int table_op(const struct diff_op *op)
{
	switch (op->kind) {
	case DIFF_ADD_COLUMN:
	case DIFF_DROP_COLUMN:
	case DIFF_ALTER_COLUMN:
	case DIFF_ALTER_PRIMARY_KEY:
	case DIFF_DROP_FOREIGN_KEY:
	case DIFF_ADD_FOREIGN_KEY:
	case DIFF_ADD_INDEX:
	case DIFF_DROP_INDEX:
	case DIFF_SET_COMMENT:
		return 1;
	default:
		return 0;
	}
}

/* Builds the rebuild of one kept table from the ops on it, members[0..m)
 * (indexes into ops, in order). */
static struct mg_rebuild *make_rebuild(const struct plan_ctx *ctx, const struct diff_op *ops,
				       const size_t *members, size_t m, struct mg_strbuf *summary)
{
	const struct mg_table *nt = ops[members[0]].new_table;
	struct mg_rebuild *rb = mg_arena_alloc(ctx->arena, sizeof(*rb));
	const char **cols = mg_arena_calloc(ctx->arena, nt->n_columns, sizeof(char *));
	const char **exprs = mg_arena_calloc(ctx->arena, nt->n_columns, sizeof(char *));
	struct mg_strbuf e = {0};
	size_t i, j;
	const char *sep = "";

	rb->table = ctx->frozen(ctx, nt);
	rb->old_name = mg_arena_strdup(ctx->arena, nt->name);
	mg_strbuf_printf(summary, "rebuild table %s (", nt->name);
	for (j = 0; j < m; j++) {
		/* Comments do not exist on SQLite; dropped indexes went in
		 * steps of their own. */
		if (ops[members[j]].kind == DIFF_SET_COMMENT ||
		    ops[members[j]].kind == DIFF_DROP_INDEX)
			continue;
		mg_strbuf_printf(summary, "%s%s", sep,
				 sql_dialect_op_summary(ctx->arena, &ops[members[j]]));
		sep = "; ";
	}
	mg_strbuf_putc(summary, ')');

	for (i = 0; i < nt->n_columns; i++) {
		const struct mg_column *c = &nt->columns[i];
		const struct diff_op *added = NULL, *altered = NULL;

		for (j = 0; j < m; j++) {
			const struct diff_op *op = &ops[members[j]];

			if (op->new_column != c)
				continue;
			if (op->kind == DIFF_ADD_COLUMN)
				added = op;
			else if (op->kind == DIFF_ALTER_COLUMN)
				altered = op;
		}
		mg_strbuf_clear(&e);
		if (added) {
			/* New rows get the column's default; a NOT NULL column
			 * without one (down of a drop) gets a stand-in, an
			 * identity its rowid. */
			if (c->nullable || c->default_sql || c->identity)
				continue;
			mg_strbuf_puts(&e, sql_dialect_fill_value(MG_DIALECT_SQLITE, c));
		} else if (altered && altered->old_column->nullable && !c->nullable &&
			   !c->identity) {
			mg_strbuf_puts(&e, "COALESCE(");
			mg_sql_ident(&e, c->name);
			mg_strbuf_printf(&e, ", %s)", sql_dialect_fill_value(MG_DIALECT_SQLITE, c));
		} else {
			/* Values are copied as they are: SQLite applies the new
			 * column's affinity, and nothing is silently CAST. */
			mg_sql_ident(&e, c->name);
		}
		cols[rb->n_copy] = mg_arena_strdup(ctx->arena, c->name);
		exprs[rb->n_copy] = mg_arena_strdup(ctx->arena, mg_strbuf_cstr(&e));
		rb->n_copy++;
	}
	rb->copy_columns = cols;
	rb->copy_exprs = exprs;
	mg_strbuf_free(&e);
	return rb;
}

static void push_rebuild(struct step_list *l, struct mg_arena *arena, const char *summary,
			 const struct mg_rebuild *rb)
{
	struct mg_step *s;

	sql_dialect_push_sql(l, arena, summary, "");
	s = &l->v[l->n - 1];
	s->kind = MG_STEP_REBUILD;
	s->sql = NULL;
	s->rebuild = rb;
}

/* The native SQL of an op on a kept table that is not rebuilt. */
static void native_sql(struct mg_strbuf *b, const struct diff_op *op)
{
	const char *t = op->new_table ? op->new_table->name : op->old_table->name;

	switch (op->kind) {
	case DIFF_ADD_COLUMN:
		mg_strbuf_puts(b, "ALTER TABLE ");
		mg_sql_ident(b, t);
		mg_strbuf_puts(b, " ADD COLUMN ");
		mg_sql_column_def(b, MG_DIALECT_SQLITE, op->new_table, op->new_column);
		mg_strbuf_puts(b, ";\n");
		break;
	case DIFF_DROP_COLUMN:
		mg_strbuf_puts(b, "ALTER TABLE ");
		mg_sql_ident(b, t);
		mg_strbuf_puts(b, " DROP COLUMN ");
		mg_sql_ident(b, op->old_column->name);
		mg_strbuf_puts(b, ";\n");
		break;
	case DIFF_ADD_INDEX:
		/* SQLite cannot rename an index: the old one was dropped first
		 * (see sql_sqlite_plan), this creates it under its new name. */
		mg_sql_create_index(b, MG_DIALECT_SQLITE, op->new_table, op->index);
		break;
	default:
		/* Comments: SQLite has none. */
		break;
	}
}

struct named_op {
	const char *name;
	size_t op;
};

static int cmp_named_op(const void *a, const void *b)
{
	return strcmp(((const struct named_op *)a)->name, ((const struct named_op *)b)->name);
}

/* 1 when a dropped table has a foreign key to a table dropped before it (a
 * cycle: tables drop children first). With foreign keys on, the implicit
 * DELETE of DROP TABLE would then fail on the rows that still point at it;
 * deferred, the check happens at commit, when both tables are gone. */
static int drop_cycle(struct mg_arena *arena, const struct diff_op *ops, size_t n)
{
	struct named_op *v = mg_arena_calloc(arena, n, sizeof(*v));
	size_t i, j, k = 0;

	for (i = 0; i < n; i++)
		if (ops[i].kind == DIFF_DROP_TABLE) {
			v[k].name = ops[i].old_table->name;
			v[k++].op = i;
		}
	qsort(v, k, sizeof(*v), cmp_named_op);
	for (i = 0; i < n; i++) {
		const struct mg_table *t = ops[i].old_table;

		if (ops[i].kind != DIFF_DROP_TABLE)
			continue;
		for (j = 0; j < t->n_foreign_keys; j++) {
			struct named_op key = {t->foreign_keys[j].ref_table, 0};
			const struct named_op *hit = bsearch(&key, v, k, sizeof(*v), cmp_named_op);

			if (hit && hit->op < i)
				return 1;
		}
	}
	return 0;
}

/* Before ops[i] renames a column to a name that a dropped column of the
 * same table still holds, appends what moves that column out of the way:
 * DROP COLUMN where SQLite can (marking the drop done), else a rename to a
 * scratch name (the table is rebuilt, and the rebuild leaves it out).
 * `first` is the table's first table op and `next` the chain of the rest,
 * so that a migration renaming a column in each of many tables stays
 * linear. */
static void clear_rename_target(struct mg_strbuf *b, const struct diff_op *ops, size_t n, size_t i,
				size_t first, const size_t *next, unsigned char *done)
{
	size_t j;

	for (j = first; j < n; j = next[j]) {
		const struct diff_op *d = &ops[j];

		if (d->kind != DIFF_DROP_COLUMN ||
		    strcmp(d->old_column->name, ops[i].new_column->name) != 0)
			continue;
		mg_strbuf_puts(b, "ALTER TABLE ");
		mg_sql_ident(b, ops[i].new_table->name);
		if (drop_native(d->old_table, d->old_column)) {
			mg_strbuf_puts(b, " DROP COLUMN ");
			mg_sql_ident(b, d->old_column->name);
			done[j] = 1;
		} else {
			struct mg_strbuf scratch = {0};

			mg_strbuf_puts(b, " RENAME COLUMN ");
			mg_sql_ident(b, d->old_column->name);
			mg_strbuf_printf(&scratch, "%s__mg_dropped", d->old_column->name);
			mg_strbuf_puts(b, " TO ");
			mg_sql_ident(b, mg_strbuf_cstr(&scratch));
			mg_strbuf_free(&scratch);
		}
		mg_strbuf_puts(b, ";\n");
	}
}

void sql_sqlite_plan(struct step_list *out, const struct plan_ctx *ctx, const struct diff_op *ops,
		     size_t n, unsigned char *rebuilt)
{
	struct mg_arena *arena = ctx->arena;
	size_t *group = sql_dialect_table_groups(arena, ops, n);
	unsigned char *rb = mg_arena_calloc(arena, n, 1); /* per group head: rebuilt */
	/* Per group: its first table op (renames are not table ops) and the
	 * chain of its table ops through `next`, in op order. */
	size_t *next = mg_arena_calloc(arena, n, sizeof(size_t));
	size_t *head = mg_arena_calloc(arena, n, sizeof(size_t));
	size_t *last = mg_arena_calloc(arena, n, sizeof(size_t));
	size_t *members = mg_arena_calloc(arena, n, sizeof(size_t));
	unsigned char *done = mg_arena_calloc(arena, n, 1); /* native step already out */
	struct mg_strbuf b = {0}, s = {0};
	size_t i, j, m;

	for (i = 0; i < n; i++)
		next[i] = head[i] = n;
	for (i = 0; i < n; i++) {
		size_t g = group[i];

		if (!ops[i].old_table || !ops[i].new_table || !table_op(&ops[i]))
			continue;
		if (needs_rebuild(&ops[i]))
			rb[g] = 1;
		if (head[g] == n)
			head[g] = i;
		else
			next[last[g]] = i;
		last[g] = i;
	}
	if (rebuilt)
		for (i = 0; i < n; i++)
			rebuilt[i] = ops[i].old_table && ops[i].new_table && rb[group[i]];

	/* Indexes that go or get another name, first: a new table may reuse
	 * their names. Harmless before a rebuild, which drops the old table
	 * with its indexes anyway. */
	for (i = 0; i < n; i++) {
		const struct mg_index *ix = ops[i].kind == DIFF_DROP_INDEX  ? ops[i].index
					    : ops[i].kind == DIFF_ADD_INDEX ? ops[i].old_index
									    : NULL;

		if (!ix)
			continue;
		mg_strbuf_clear(&b);
		mg_strbuf_puts(&b, "DROP INDEX ");
		mg_sql_ident(&b, ix->name);
		mg_strbuf_puts(&b, ";\n");
		sql_dialect_push_sql(out, arena,
				     ops[i].kind == DIFF_DROP_INDEX
					     ? ctx->summaries[i]
					     : mg_arena_printf(arena,
							       "drop index %s (renamed to %s)",
							       ix->name, ops[i].index->name),
				     mg_strbuf_cstr(&b));
	}
	/* Dropped tables, before the renames, which may reuse their names.
	 * Keys of kept tables that pointed at them come off in rebuilds below,
	 * and a plan with a rebuild runs with foreign keys off, so no row of
	 * a kept table is touched. */
	if (drop_cycle(arena, ops, n))
		sql_dialect_push_sql(out, arena,
				     "defer foreign key checks to commit (the dropped tables "
				     "reference each other)",
				     "PRAGMA defer_foreign_keys = ON;\n");
	for (i = 0; i < n; i++) {
		if (ops[i].kind != DIFF_DROP_TABLE)
			continue;
		mg_strbuf_clear(&b);
		mg_strbuf_puts(&b, "DROP TABLE ");
		mg_sql_ident(&b, ops[i].old_table->name);
		mg_strbuf_puts(&b, ";\n");
		sql_dialect_push_sql(out, arena, ctx->summaries[i], mg_strbuf_cstr(&b));
	}
	/* Renames, natively, for every table, each run of them ordered so that
	 * no rename targets a name still in use (chains, swaps: see
	 * sql_dialect_rename_moves). A column renamed to the name of a column
	 * that goes (down of "rename b to c, add a new b") needs that column
	 * out of the way first. */
	for (i = 0; i < n; i++) {
		struct rename_move *mv;
		size_t end, n_mv, k;

		if (!sql_dialect_rename_run(ops, n, i, &end))
			continue;
		n_mv = sql_dialect_rename_moves(&mv, arena, ops, sql_dialect_range(arena, i, end),
						end - i);
		for (k = 0; k < n_mv; k++) {
			const struct diff_op *op = &ops[mv[k].op];
			int final = strcmp(mv[k].to, op->kind == DIFF_RENAME_TABLE
							     ? op->new_table->name
							     : op->new_column->name) == 0;

			mg_strbuf_clear(&b);
			if (op->kind == DIFF_RENAME_COLUMN && final)
				clear_rename_target(&b, ops, n, mv[k].op, head[group[mv[k].op]],
						    next, done);
			mg_strbuf_puts(&b, "ALTER TABLE ");
			if (op->kind == DIFF_RENAME_TABLE) {
				mg_sql_ident(&b, mv[k].from);
				mg_strbuf_puts(&b, " RENAME TO ");
			} else {
				mg_sql_ident(&b, op->new_table->name);
				mg_strbuf_puts(&b, " RENAME COLUMN ");
				mg_sql_ident(&b, mv[k].from);
				mg_strbuf_puts(&b, " TO ");
			}
			mg_sql_ident(&b, mv[k].to);
			mg_strbuf_puts(&b, ";\n");
			sql_dialect_push_sql(
				out, arena,
				final ? ctx->summaries[mv[k].op]
				      : mg_arena_printf(arena, "%s (first to %s: names swap)",
							ctx->summaries[mv[k].op], mv[k].to),
				mg_strbuf_cstr(&b));
		}
		i = end - 1;
	}
	/* New tables before the rebuilds, so that a rebuilt table's new key
	 * never points at a missing table (foreign_key_check would report
	 * its rows). */
	for (i = 0; i < n; i++) {
		const struct mg_table *t = ops[i].new_table;

		if (ops[i].kind != DIFF_CREATE_TABLE)
			continue;
		mg_strbuf_clear(&b);
		mg_sql_create_table(&b, MG_DIALECT_SQLITE, t, NULL, 0);
		for (j = 0; j < t->n_indexes; j++)
			mg_sql_create_index(&b, MG_DIALECT_SQLITE, t, &t->indexes[j]);
		sql_dialect_push_sql(out, arena, ctx->summaries[i], mg_strbuf_cstr(&b));
	}
	/* Each kept table, at its first op: one rebuild, or its native steps. */
	for (i = 0; i < n; i++) {
		const struct mg_rebuild *r;

		if (!ops[i].old_table || !ops[i].new_table || head[group[i]] != i)
			continue;
		for (m = 0, j = i; j < n; j = next[j])
			members[m++] = j;
		if (rb[group[i]]) {
			mg_strbuf_clear(&s);
			r = make_rebuild(ctx, ops, members, m, &s);
			push_rebuild(out, arena, mg_arena_strdup(arena, mg_strbuf_cstr(&s)), r);
			continue;
		}
		for (j = 0; j < m; j++) {
			if (ops[members[j]].kind == DIFF_DROP_INDEX || done[members[j]])
				continue;
			mg_strbuf_clear(&b);
			native_sql(&b, &ops[members[j]]);
			if (b.len)
				sql_dialect_push_sql(out, arena, ctx->summaries[members[j]],
						     mg_strbuf_cstr(&b));
		}
	}
	mg_strbuf_free(&b);
	mg_strbuf_free(&s);
}
