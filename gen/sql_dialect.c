/*
 * What the dialect planners share (see sql_dialect.h): the step list, the
 * grouping of ops by table, the look-up of created and dropped tables, the
 * keys a cycle of dropped tables leaves, and renames put in an order that
 * never targets a name in use. Nothing here knows a dialect's SQL.
 */
#include "sql_dialect.h"

#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "util/arena.h"
#include "util/strbuf.h"

struct mg_step *sql_dialect_push_sql(struct step_list *l, struct mg_arena *arena, size_t op_number,
				     const char *note, const char *sql)
{
	struct mg_step *s;

	if (l->n_steps == l->cap) {
		struct mg_step *v;

		l->cap = l->cap ? 2 * l->cap : 8;
		v = mg_arena_calloc(arena, l->cap, sizeof(*v));
		if (l->n_steps)
			memcpy(v, l->steps, l->n_steps * sizeof(*v));
		l->steps = v;
	}
	s = &l->steps[l->n_steps++];
	memset(s, 0, sizeof(*s));
	s->kind = MG_STEP_SQL;
	s->op = (unsigned)op_number;
	s->note = note;
	s->sql = mg_arena_strdup(arena, sql);
	return s;
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

const char *sql_dialect_op_fill(enum mg_dialect dialect, const struct diff_op *op)
{
	return op->fill_sql ? op->fill_sql : sql_dialect_fill_value(dialect, op->new_column);
}

const char *sql_dialect_guard(struct mg_arena *arena, enum mg_dialect dialect, const char *table,
			      const char *const *key, size_t n_key, const char *cond)
{
	struct mg_strbuf b = {0};
	const char *out;
	size_t i;

	mg_strbuf_puts(&b, "SELECT count(*), min(");
	if (!n_key)
		mg_strbuf_puts(&b, dialect == MG_DIALECT_SQLITE ? "rowid" : "ctid::text");
	else if (dialect == MG_DIALECT_POSTGRESQL && n_key > 1)
		mg_strbuf_puts(&b, "concat_ws(', '");
	for (i = 0; i < n_key; i++) {
		if (dialect == MG_DIALECT_SQLITE) {
			mg_strbuf_puts(&b, i ? " || ', ' || CAST(" : "CAST(");
			mg_sql_ident(&b, key[i]);
			mg_strbuf_puts(&b, " AS TEXT)");
		} else {
			mg_strbuf_puts(&b, n_key > 1 ? ", " : "");
			mg_sql_ident(&b, key[i]);
			mg_strbuf_puts(&b, "::text");
		}
	}
	if (dialect == MG_DIALECT_POSTGRESQL && n_key > 1)
		mg_strbuf_putc(&b, ')');
	mg_strbuf_puts(&b, ") FROM ");
	mg_sql_ident(&b, table);
	mg_strbuf_printf(&b, " WHERE %s", cond);
	out = mg_arena_strdup(arena, mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
	return out;
}

/* The op among ops[0..n) on the kept table `t` of `kind` whose old (drop,
 * rename) or new (add) column is `name`, or NULL. */
static const struct diff_op *column_op(const struct diff_op *ops, size_t n,
				       const struct mg_table *t, enum diff_op_kind kind,
				       const char *name)
{
	size_t j;

	for (j = 0; j < n; j++) {
		const struct diff_op *o = &ops[j];
		const struct mg_column *c = kind == DIFF_ADD_COLUMN ? o->new_column : o->old_column;

		if (o->kind == kind && o->new_table == t && c && strcmp(c->name, name) == 0)
			return o;
	}
	return NULL;
}

size_t sql_dialect_key_columns(const char ***out, struct mg_arena *arena, const struct diff_op *ops,
			       size_t n, size_t i, int drops_ran)
{
	const struct mg_table *ot = ops[i].old_table, *nt = ops[i].new_table;
	const char **v =
		mg_arena_calloc(arena, ot->n_primary_key + nt->n_primary_key + 1, sizeof(char *));
	size_t k;

	for (k = 0; k < ot->n_primary_key; k++) {
		const struct diff_op *r =
			column_op(ops, n, nt, DIFF_RENAME_COLUMN, ot->primary_key[k]);

		if (drops_ran && column_op(ops, n, nt, DIFF_DROP_COLUMN, ot->primary_key[k]))
			break;
		v[k] = r ? r->new_column->name : ot->primary_key[k];
	}
	*out = v;
	if (k == ot->n_primary_key)
		return k;
	for (k = 0; k < nt->n_primary_key; k++) {
		if (column_op(ops, n, nt, DIFF_ADD_COLUMN, nt->primary_key[k]))
			return 0;
		v[k] = nt->primary_key[k];
	}
	return k;
}

/* A table created or dropped by op `op`. */
struct named_op {
	const char *name;
	size_t op;
};

static int cmp_named_op(const void *a, const void *b)
{
	return strcmp(((const struct named_op *)a)->name, ((const struct named_op *)b)->name);
}

void sql_dialect_table_ops(struct table_ops *out, struct mg_arena *arena, const struct diff_op *ops,
			   size_t n, enum diff_op_kind kind)
{
	size_t i;

	out->tables = mg_arena_calloc(arena, n, sizeof(*out->tables));
	out->n_tables = 0;
	for (i = 0; i < n; i++)
		if (ops[i].kind == kind) {
			out->tables[out->n_tables].name = kind == DIFF_CREATE_TABLE
								  ? ops[i].new_table->name
								  : ops[i].old_table->name;
			out->tables[out->n_tables++].op = i;
		}
	qsort(out->tables, out->n_tables, sizeof(*out->tables), cmp_named_op);
}

size_t sql_dialect_find_table(const struct table_ops *t, const char *name)
{
	struct named_op key = {name, 0};
	const struct named_op *hit =
		bsearch(&key, t->tables, t->n_tables, sizeof(key), cmp_named_op);

	return hit ? hit->op : (size_t)-1;
}

size_t sql_dialect_cycle_keys(struct cycle_key **out, struct mg_arena *arena,
			      const struct diff_op *ops, size_t n)
{
	struct table_ops dropped;
	size_t i, j, k = 0, cap = 0;
	struct cycle_key *v = NULL;

	sql_dialect_table_ops(&dropped, arena, ops, n, DIFF_DROP_TABLE);
	for (i = 0; i < n; i++) {
		const struct mg_table *t = ops[i].old_table;

		if (ops[i].kind != DIFF_DROP_TABLE)
			continue;
		for (j = 0; j < t->n_foreign_keys; j++) {
			size_t parent =
				sql_dialect_find_table(&dropped, t->foreign_keys[j].ref_table);

			if (parent == (size_t)-1 || parent >= i)
				continue;
			if (k == cap) {
				struct cycle_key *grown;

				cap = cap ? 2 * cap : 8;
				grown = mg_arena_calloc(arena, cap, sizeof(*grown));
				if (k)
					memcpy(grown, v, k * sizeof(*v));
				v = grown;
			}
			v[k].table = t;
			v[k++].fk = &t->foreign_keys[j];
		}
	}
	*out = v;
	return k;
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

int sql_dialect_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One rename as it runs: op `op` moves its thing from name `from` to `to`;
 * `to` is a temporary name when the op's renames form a cycle (a swap), and
 * a second move then ends it. */
struct rename_move {
	size_t op;
	const char *from;
	const char *to;
};

/* The moves of the renames ops[idx[0..k)), in the order described at
 * sql_dialect_push_renames; returns how many (arena memory in `*out`). */
static size_t rename_moves(struct rename_move **out, struct mg_arena *arena,
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
	qsort(sorted, k, sizeof(char *), sql_dialect_cmp_str);
	for (i = 0; i < k && !conflict; i++) {
		const char *to = sql_dialect_rename_to(&ops[idx[i]]);

		conflict = bsearch(&to, sorted, k, sizeof(char *), sql_dialect_cmp_str) != NULL;
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

void sql_dialect_push_renames(struct step_list *out, const struct plan_ctx *ctx,
			      const struct diff_op *ops, const size_t *idx, size_t k,
			      sql_rename_fn render, void *data)
{
	struct mg_strbuf b = {0};
	struct rename_move *mv;
	size_t n_mv = rename_moves(&mv, ctx->arena, ops, idx, k), i;

	for (i = 0; i < n_mv; i++) {
		const struct diff_op *op = &ops[mv[i].op];
		int final = strcmp(mv[i].to, sql_dialect_rename_to(op)) == 0;

		mg_strbuf_clear(&b);
		render(&b, op, mv[i].from, mv[i].to, final, data);
		sql_dialect_push_sql(
			out, ctx->arena, mv[i].op + 1,
			final ? NULL
			      : mg_arena_printf(ctx->arena, "first to %s: names swap", mv[i].to),
			mg_strbuf_cstr(&b));
	}
	mg_strbuf_free(&b);
}

size_t *sql_dialect_range(struct mg_arena *arena, size_t from, size_t end)
{
	size_t *v = mg_arena_calloc(arena, end - from, sizeof(size_t)), i;

	for (i = from; i < end; i++)
		v[i - from] = i;
	return v;
}
