/*
 * SQLite half of the planner: native ALTER where SQLite can (rename table
 * and column, add a column, drop a plain column, indexes), otherwise one
 * table rebuild per table that folds every change to it. One pass per kind
 * of step, in this order: indexes dropped, tables dropped, renames
 * (natively, so that SQLite rewrites the references of other tables and
 * each rebuild sees the table under its final names), new tables, then each
 * kept table's rebuild or native steps.
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

static int is_integer(enum mg_coltype t)
{
	return t == MG_COL_SMALLINT || t == MG_COL_INTEGER || t == MG_COL_BIGINT;
}

/* 1 when a text column's new type accepts every value of the old one:
 * VARCHAR(N) and TEXT have the same affinity, the length is only declared
 * (or checked by a CHECK that now allows more). */
static int text_widens(const struct mg_column *oc, const struct mg_column *nc)
{
	if (oc->type != MG_COL_VARCHAR)
		return 0;
	return nc->type == MG_COL_TEXT || (nc->type == MG_COL_VARCHAR && nc->length >= oc->length);
}

/*
 * 1 when the op changes only what SQLite keeps in the CREATE TABLE text and
 * not in the rows, so that no existing row can break it (SQLite's "making
 * other kinds of table schema changes"): the declared width of an integer
 * (INTEGER, BIGINT and SMALLINT have the same affinity and storage), a
 * longer VARCHAR or TEXT, a default, a dropped NOT NULL, a dropped foreign
 * key or its name after a rename (SQLite never uses it). Not the integer of
 * a one-column primary key that the database does not generate: declared
 * exactly INTEGER, it would become the rowid, a change of storage. A
 * changed default also changes what rows stored before the column was added
 * read (their records end before it): the runtime writes those rows out
 * first (edit_sqlite).
 */
static int in_place(const struct diff_op *op)
{
	const struct mg_column *oc = op->old_column, *nc = op->new_column;
	unsigned rest;

	if (op->kind == DIFF_ADD_FOREIGN_KEY)
		return op->old_fk != NULL;
	if (op->kind == DIFF_DROP_FOREIGN_KEY)
		return 1;
	if (op->kind != DIFF_ALTER_COLUMN)
		return 0;
	rest = op->changes & ~(DIFF_CHANGE_DEFAULT | DIFF_CHANGE_TYPE | DIFF_CHANGE_NULLABLE);
	if (rest || ((op->changes & DIFF_CHANGE_NULLABLE) && !nc->nullable))
		return 0;
	if (!(op->changes & DIFF_CHANGE_TYPE))
		return 1;
	if (text_widens(oc, nc))
		return 1;
	if (!is_integer(oc->type) || !is_integer(nc->type))
		return 0;
	return nc->identity || op->new_table->n_primary_key != 1 || !in_pk(op->new_table, nc->name);
}

/* What the op, on a table that exists before and after, needs. */
static enum sql_table_change table_change(const struct diff_op *op)
{
	if (in_place(op))
		return SQL_TABLE_IN_PLACE;
	switch (op->kind) {
	case DIFF_ADD_COLUMN:
		/* A one-off fill may read other columns: it is the rebuild's
		 * copy expression. */
		return op->fill_sql || !add_native(op->new_table, op->new_column)
			       ? SQL_TABLE_REBUILT
			       : SQL_TABLE_NATIVE;
	case DIFF_DROP_COLUMN:
		return drop_native(op->old_table, op->old_column) ? SQL_TABLE_NATIVE
								  : SQL_TABLE_REBUILT;
	case DIFF_ALTER_PRIMARY_KEY:
		/* SQLite keeps no primary key names: a rename is nothing. */
		return op->pk_renamed ? SQL_TABLE_NATIVE : SQL_TABLE_REBUILT;
	case DIFF_ALTER_COLUMN:
	case DIFF_DROP_FOREIGN_KEY:
	case DIFF_ADD_FOREIGN_KEY:
		return SQL_TABLE_REBUILT;
	default:
		return SQL_TABLE_NATIVE;
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
				       const size_t *members, size_t m, struct mg_step *step)
{
	const struct mg_table *nt = ops[members[0]].new_table;
	struct mg_rebuild *rb = mg_arena_alloc(ctx->arena, sizeof(*rb));
	const char **cols = mg_arena_calloc(ctx->arena, nt->n_columns, sizeof(char *));
	const char **exprs = mg_arena_calloc(ctx->arena, nt->n_columns, sizeof(char *));
	unsigned *op_numbers = mg_arena_calloc(ctx->arena, m, sizeof(unsigned));
	struct mg_strbuf e = {0};
	size_t i, j;

	rb->table = ctx->frozen(ctx, nt);
	rb->old_name = mg_arena_strdup(ctx->arena, nt->name);
	/* The step names the ops it carries out (its summary is theirs). */
	for (j = 0; j < m; j++) {
		/* Comments do not exist on SQLite; dropped indexes went in
		 * steps of their own. */
		if (ops[members[j]].kind == DIFF_SET_COMMENT ||
		    ops[members[j]].kind == DIFF_DROP_INDEX)
			continue;
		op_numbers[step->n_ops++] = (unsigned)members[j] + 1;
	}
	step->ops = op_numbers;

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
			/* Existing rows get the one-off fill, else the column's
			 * default; a NOT NULL column without one (down of a
			 * drop) gets a stand-in, an identity its rowid. */
			if (!added->fill_sql && (c->nullable || c->default_sql || c->identity))
				continue;
			mg_strbuf_puts(&e, sql_dialect_op_fill(MG_DIALECT_SQLITE, added));
		} else if (altered && altered->old_column->nullable && !c->nullable &&
			   !c->identity) {
			mg_strbuf_puts(&e, "COALESCE(");
			mg_sql_ident(&e, c->name);
			mg_strbuf_printf(&e, ", %s)",
					 sql_dialect_op_fill(MG_DIALECT_SQLITE, altered));
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

/* Appends a rebuild step; make_rebuild fills it. */
static struct mg_step *push_rebuild(struct step_list *l, struct mg_arena *arena)
{
	struct mg_step *s = sql_dialect_push_sql(l, arena, 0, NULL, "");

	s->kind = MG_STEP_REBUILD;
	s->sql = NULL;
	return s;
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

/* One SQLite plan in the making: the ops and, per table group (see
 * diff_table_groups: the ops on one kept table), whether the table
 * is rebuilt and the chain of its table ops, in op order. A migration that
 * changes each of many tables stays linear. */
struct sqlite_plan {
	struct step_list *out;
	const struct plan_ctx *ctx;
	const struct diff_op *ops;
	size_t n;
	size_t *group;         /* per op: its group (the group's first op) */
	unsigned char *change; /* per group: its enum sql_table_change */
	size_t *head;          /* per group: its first table op, or n */
	size_t *next;          /* per table op: the next of its group, or n */
	unsigned char *done;   /* per op: its native step is already out */
};

/* Groups the table ops (renames are not table ops) of kept tables and
 * decides which tables are rebuilt. */
static void group_tables(struct sqlite_plan *p)
{
	struct mg_arena *arena = p->ctx->arena;
	size_t *last = mg_arena_calloc(arena, p->n, sizeof(size_t));
	size_t i;

	p->group = diff_table_groups(arena, p->ops, p->n);
	p->change = mg_arena_calloc(arena, p->n, 1);
	p->head = mg_arena_calloc(arena, p->n, sizeof(size_t));
	p->next = mg_arena_calloc(arena, p->n, sizeof(size_t));
	p->done = mg_arena_calloc(arena, p->n, 1);
	for (i = 0; i < p->n; i++)
		p->next[i] = p->head[i] = p->n;
	for (i = 0; i < p->n; i++) {
		const struct diff_op *op = &p->ops[i];
		size_t g = p->group[i];

		if (!op->old_table || !op->new_table || !table_op(op))
			continue;
		if (table_change(op) > p->change[g])
			p->change[g] = (unsigned char)table_change(op);
		if (p->head[g] == p->n)
			p->head[g] = i;
		else
			p->next[last[g]] = i;
		last[g] = i;
	}
}

/* Indexes that go or get another name, first: a new table may reuse their
 * names. Harmless before a rebuild, which drops the old table with its
 * indexes anyway. */
static void drop_indexes(struct sqlite_plan *p)
{
	struct mg_strbuf b = {0};
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct diff_op *op = &p->ops[i];
		const struct mg_index *ix = op->kind == DIFF_DROP_INDEX  ? op->index
					    : op->kind == DIFF_ADD_INDEX ? op->old_index
									 : NULL;

		if (!ix)
			continue;
		mg_strbuf_clear(&b);
		mg_strbuf_puts(&b, "DROP INDEX ");
		mg_sql_ident(&b, ix->name);
		mg_strbuf_puts(&b, ";\n");
		sql_dialect_push_sql(p->out, p->ctx->arena, i + 1,
				     op->kind == DIFF_DROP_INDEX ? NULL
								 : "first the old index goes",
				     mg_strbuf_cstr(&b));
	}
	mg_strbuf_free(&b);
}

/* Dropped tables, before the renames, which may reuse their names. Keys of
 * kept tables that pointed at them come off in rebuilds below, and a plan
 * with a rebuild runs with foreign keys off, so no row of a kept table is
 * touched. When a dropped table references one dropped before it (a cycle:
 * tables drop children first), the implicit DELETE of DROP TABLE would fail
 * on the rows that still point at it with foreign keys on; deferred, the
 * check happens at commit, when both tables are gone. */
static void drop_tables(struct sqlite_plan *p)
{
	struct mg_strbuf b = {0};
	struct cycle_key *keys;
	size_t i;

	if (sql_dialect_cycle_keys(&keys, p->ctx->arena, p->ops, p->n))
		sql_dialect_push_sql(p->out, p->ctx->arena, 0,
				     "defer foreign key checks to commit (the dropped tables "
				     "reference each other)",
				     "PRAGMA defer_foreign_keys = ON;\n");
	for (i = 0; i < p->n; i++) {
		if (p->ops[i].kind != DIFF_DROP_TABLE)
			continue;
		mg_strbuf_clear(&b);
		mg_strbuf_puts(&b, "DROP TABLE ");
		mg_sql_ident(&b, p->ops[i].old_table->name);
		mg_strbuf_puts(&b, ";\n");
		sql_dialect_push_sql(p->out, p->ctx->arena, i + 1, NULL, mg_strbuf_cstr(&b));
	}
	mg_strbuf_free(&b);
}

/* Before op `i` renames a column to a name that a dropped column of the
 * same table still holds (down of "rename b to c, add a new b"), appends
 * what moves that column out of the way: DROP COLUMN where SQLite can
 * (marking the drop done), else a rename to a scratch name (the table is
 * rebuilt, and the rebuild leaves it out). */
static void clear_rename_target(struct mg_strbuf *b, struct sqlite_plan *p, size_t i)
{
	const struct diff_op *op = &p->ops[i];
	size_t j;

	for (j = p->head[p->group[i]]; j < p->n; j = p->next[j]) {
		const struct diff_op *d = &p->ops[j];

		if (d->kind != DIFF_DROP_COLUMN ||
		    strcmp(d->old_column->name, op->new_column->name) != 0)
			continue;
		mg_strbuf_puts(b, "ALTER TABLE ");
		mg_sql_ident(b, op->new_table->name);
		if (drop_native(d->old_table, d->old_column)) {
			mg_strbuf_puts(b, " DROP COLUMN ");
			mg_sql_ident(b, d->old_column->name);
			p->done[j] = 1;
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

/* One rename move (see sql_dialect_push_renames) of a table or column. */
static void rename_sql(struct mg_strbuf *b, const struct diff_op *op, const char *from,
		       const char *to, int final, void *data)
{
	struct sqlite_plan *p = data;

	if (op->kind == DIFF_RENAME_COLUMN && final)
		clear_rename_target(b, p, (size_t)(op - p->ops));
	mg_strbuf_puts(b, "ALTER TABLE ");
	if (op->kind == DIFF_RENAME_TABLE) {
		mg_sql_ident(b, from);
		mg_strbuf_puts(b, " RENAME TO ");
	} else {
		mg_sql_ident(b, op->new_table->name);
		mg_strbuf_puts(b, " RENAME COLUMN ");
		mg_sql_ident(b, from);
		mg_strbuf_puts(b, " TO ");
	}
	mg_sql_ident(b, to);
	mg_strbuf_puts(b, ";\n");
}

/* Renames, natively, for every table (so that SQLite rewrites the
 * references of other tables and each rebuild sees its table under its
 * final names), each run of them in a safe order. */
static void renames(struct sqlite_plan *p)
{
	size_t i, end;

	for (i = 0; i < p->n; i++) {
		if (!sql_dialect_rename_run(p->ops, p->n, i, &end))
			continue;
		sql_dialect_push_renames(p->out, p->ctx, p->ops,
					 sql_dialect_range(p->ctx->arena, i, end), end - i,
					 rename_sql, p);
		i = end - 1;
	}
}

/* New tables before the rebuilds, so that a rebuilt table's new key never
 * points at a missing table (foreign_key_check would report its rows). */
static void create_tables(struct sqlite_plan *p)
{
	struct mg_strbuf b = {0};
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		const struct mg_table *t = p->ops[i].new_table;

		if (p->ops[i].kind != DIFF_CREATE_TABLE)
			continue;
		mg_strbuf_clear(&b);
		mg_sql_create_table(&b, MG_DIALECT_SQLITE, t, NULL);
		for (j = 0; j < t->n_indexes; j++)
			mg_sql_create_index(&b, MG_DIALECT_SQLITE, t, &t->indexes[j]);
		sql_dialect_push_sql(p->out, p->ctx->arena, i + 1, NULL, mg_strbuf_cstr(&b));
	}
	mg_strbuf_free(&b);
}

/*
 * Appends to `cond` (" OR " between) the rows of a type change that can
 * lose or alter a value, as the model's types say: SQLite itself keeps any
 * value, so without this a value PostgreSQL refuses or changes would stay
 * (a 100-character string in a varchar(40), 5000000000 in an integer, 2.5
 * in an integer, where the new column's affinity would even change it).
 * Nothing for types SQLite stores alike (double -> real) or cannot judge
 * (MG_TYPE, blob, text).
 */
static void narrowing_cond(struct mg_strbuf *cond, const struct diff_op *op)
{
	const struct mg_column *oc = op->old_column, *nc = op->new_column;
	struct mg_strbuf c = {0}, one = {0};

	if (op->kind != DIFF_ALTER_COLUMN || !(op->changes & DIFF_CHANGE_TYPE) ||
	    !diff_type_narrows(oc, nc))
		return;
	mg_sql_ident(&c, nc->name);
	switch (nc->type) {
	case MG_COL_VARCHAR:
		mg_strbuf_printf(&one, "length(%s) > %u", mg_strbuf_cstr(&c), nc->length);
		break;
	case MG_COL_SMALLINT:
	case MG_COL_INTEGER:
	case MG_COL_BIGINT:
		/* Not an integer (the comparison applies numeric affinity to a
		 * text value, as the new column would), or out of range. */
		mg_strbuf_printf(&one, "CAST(%s AS INTEGER) IS NOT %s", mg_strbuf_cstr(&c),
				 mg_strbuf_cstr(&c));
		if (nc->type != MG_COL_BIGINT)
			mg_strbuf_printf(&one, " OR %s NOT BETWEEN %s", mg_strbuf_cstr(&c),
					 nc->type == MG_COL_SMALLINT
						 ? "-32768 AND 32767"
						 : "-2147483648 AND 2147483647");
		break;
	case MG_COL_BOOLEAN:
		mg_strbuf_printf(&one, "%s NOT IN (0, 1)", mg_strbuf_cstr(&c));
		break;
	case MG_COL_REAL:
	case MG_COL_DOUBLE:
		if (oc->type == MG_COL_REAL || oc->type == MG_COL_DOUBLE)
			break;
		mg_strbuf_printf(&one, "CAST(%s AS REAL) IS NOT %s", mg_strbuf_cstr(&c),
				 mg_strbuf_cstr(&c));
		break;
	default:
		break;
	}
	if (one.len)
		mg_strbuf_printf(cond, "%s(%s IS NOT NULL AND (%s))", cond->len ? " OR " : "",
				 mg_strbuf_cstr(&c), mg_strbuf_cstr(&one));
	mg_strbuf_free(&c);
	mg_strbuf_free(&one);
}

/* The guard of the rebuild of the table of ops members[0..m): the rows of
 * any of its narrowing type changes (they run under their new names, after
 * the renames), or NULL. */
static const char *rebuild_guard(const struct sqlite_plan *p, const size_t *members, size_t m)
{
	struct mg_strbuf cond = {0};
	const char *guard = NULL, **key;
	size_t j, n_key;

	for (j = 0; j < m; j++)
		narrowing_cond(&cond, &p->ops[members[j]]);
	if (cond.len) {
		n_key = sql_dialect_key_columns(&key, p->ctx->arena, p->ops, p->n, members[0], 0);
		guard = sql_dialect_guard(p->ctx->arena, MG_DIALECT_SQLITE,
					  p->ops[members[0]].new_table->name, key, n_key,
					  mg_strbuf_cstr(&cond));
	}
	mg_strbuf_free(&cond);
	return guard;
}

/*
 * Each kept table, at its first op: one rebuild, or its native steps; then,
 * after all of them, the in-place changes of every table, one step each and
 * next to each other, so that the runtime makes them one schema edit
 * (SQLite re-parses the whole schema at each, O(tables) each time). After
 * the native steps, so that the live columns are the table's.
 */
static void kept_tables(struct sqlite_plan *p)
{
	struct mg_arena *arena = p->ctx->arena;
	size_t *members = mg_arena_calloc(arena, p->n, sizeof(size_t));
	struct mg_strbuf b = {0};
	size_t i, j, k, m;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < p->n; i++) {
			if (!p->ops[i].old_table || !p->ops[i].new_table ||
			    p->head[p->group[i]] != i)
				continue;
			for (m = 0, j = i; j < p->n; j = p->next[j])
				members[m++] = j;
			if (p->change[p->group[i]] == SQL_TABLE_REBUILT) {
				struct mg_step *st;

				if (pass == 1)
					continue;
				st = push_rebuild(p->out, arena);
				st->rebuild = make_rebuild(p->ctx, p->ops, members, m, st);
				st->guard = rebuild_guard(p, members, m);
				continue;
			}
			for (j = 0, k = 0; j < m; j++) {
				if (in_place(&p->ops[members[j]]))
					members[k++] = members[j];
				if (pass == 1 || p->ops[members[j]].kind == DIFF_DROP_INDEX ||
				    p->done[members[j]])
					continue;
				mg_strbuf_clear(&b);
				native_sql(&b, &p->ops[members[j]]);
				if (b.len)
					sql_dialect_push_sql(p->out, arena, members[j] + 1, NULL,
							     mg_strbuf_cstr(&b));
			}
			if (pass == 1 && k) {
				/* A rebuild of the in-place ops (the same step
				 * without the flag would still be right). */
				struct mg_step *st = push_rebuild(p->out, arena);

				st->rebuild = make_rebuild(p->ctx, p->ops, members, k, st);
				st->guard = rebuild_guard(p, members, k);
				st->flags |= MG_STEP_IN_PLACE;
			}
		}
	}
	mg_strbuf_free(&b);
}

/* Appends the SQLite steps of ops[0..n), pass by pass in the order of the
 * file comment. */
static void sqlite_plan(struct step_list *out, const struct plan_ctx *ctx,
			const struct diff_op *ops, size_t n, unsigned char *rebuilt)
{
	struct sqlite_plan p = {out, ctx, ops, n, NULL, NULL, NULL, NULL, NULL};
	size_t i;

	group_tables(&p);
	if (rebuilt)
		for (i = 0; i < n; i++)
			rebuilt[i] = ops[i].old_table && ops[i].new_table ? p.change[p.group[i]]
									  : SQL_TABLE_NATIVE;
	drop_indexes(&p);
	drop_tables(&p);
	renames(&p);
	create_tables(&p);
	kept_tables(&p);
}

const struct sql_dialect sql_dialect_sqlite = {MG_DIALECT_SQLITE, sqlite_plan};
