/*
 * PostgreSQL half of the planner: every operation as native statements
 * (ALTER TABLE ..., CREATE/DROP/ALTER INDEX, COMMENT ON), in the order
 * given, each step with its lock facts (struct mg_step `locks`). On a table
 * that exists before the migration the safe forms are the default: indexes
 * built and dropped CONCURRENTLY outside a transaction, foreign keys added
 * NOT VALID and validated in a later transaction, NOT NULL through a
 * validated CHECK, NULLs filled in batches by primary key (the runtime runs
 * such a migration as a recorded sequence, see MG_STEP_NO_TX). A migration
 * made with --plain-ddl gets the plain forms.
 */
#include "sql_dialect.h"

#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "util/arena.h"
#include "util/strbuf.h"

static void alter_table(struct mg_strbuf *b, const char *table)
{
	mg_strbuf_puts(b, "ALTER TABLE ");
	mg_sql_ident(b, table);
	mg_strbuf_putc(b, ' ');
}

static void alter_column(struct mg_strbuf *b, const char *table, const char *column)
{
	alter_table(b, table);
	mg_strbuf_puts(b, "ALTER COLUMN ");
	mg_sql_ident(b, column);
	mg_strbuf_putc(b, ' ');
}

/* The numbers and the strings: PostgreSQL's assignment casts convert
 * within each, and from a number or a boolean to a string. */
static int is_number(enum mg_coltype t)
{
	return t == MG_COL_SMALLINT || t == MG_COL_INTEGER || t == MG_COL_BIGINT ||
	       t == MG_COL_REAL || t == MG_COL_DOUBLE;
}

static int is_string(enum mg_coltype t)
{
	return t == MG_COL_VARCHAR || t == MG_COL_TEXT;
}

/* 1 when PostgreSQL has an assignment cast from `from` to `to`, which ALTER
 * ... TYPE uses when USING is left out: a value that does not fit (too long
 * for a varchar, out of an integer's range) is then an error. An explicit
 * cast (USING c::varchar(16)) cuts a string silently instead, so it is
 * written only where no assignment cast exists. */
static int assignable(const struct mg_column *from, const struct mg_column *to)
{
	if (is_number(from->type) && is_number(to->type))
		return 1;
	if (is_string(to->type))
		return is_string(from->type) || is_number(from->type) ||
		       from->type == MG_COL_BOOLEAN;
	return 0;
}

static const char *type_guard(const struct plan_ctx *ctx, const struct diff_op *ops, size_t n,
			      size_t i);

/* ---- Lock facts ---------------------------------------------------------- */

/* PostgreSQL's table lock modes, weakest first. */
enum pg_lock {
	LOCK_NONE,
	LOCK_ACCESS_SHARE,
	LOCK_ROW_SHARE,
	LOCK_ROW_EXCLUSIVE,
	LOCK_SHARE_UPDATE_EXCLUSIVE,
	LOCK_SHARE,
	LOCK_SHARE_ROW_EXCLUSIVE,
	LOCK_EXCLUSIVE,
	LOCK_ACCESS_EXCLUSIVE
};

static const char *const lock_names[] = {
	"",      "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",    "SHARE UPDATE EXCLUSIVE",
	"SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE",
};

#define MAX_FACT_TABLES 16

/* What one step does to the tables that exist before the migration. */
struct facts {
	size_t n;
	const char *tables[MAX_FACT_TABLES];
	enum pg_lock modes[MAX_FACT_TABLES];
	int scans;    /* reads every row of one of them */
	int rewrites; /* writes a new copy of one of them */
};

/* The planner of one direction. */
struct pg {
	const struct plan_ctx *ctx;
	struct step_list *out;
	const struct diff_op *ops;
	size_t n;
	struct table_ops created; /* tables this direction creates */
	int plain;                /* --plain-ddl */
	/* Rename moves rendered but not pushed yet (rename_sql). */
	size_t n_moves;
	struct facts *moves;
};

/* Notes `table` as locked in `mode` by the step, unless this migration
 * creates it (nobody else uses it yet). */
static void lock(struct facts *f, const struct pg *pg, const char *table, enum pg_lock mode)
{
	size_t i;

	if (sql_dialect_find_table(&pg->created, table) != (size_t)-1)
		return;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->tables[i], table) == 0) {
			if (f->modes[i] < mode)
				f->modes[i] = mode;
			return;
		}
	if (f->n < MAX_FACT_TABLES) {
		f->tables[f->n] = table;
		f->modes[f->n++] = mode;
	}
}

/* "[!] ACCESS EXCLUSIVE on a, b; SHARE ROW EXCLUSIVE on c; scans; no
 * rewrite" (see struct mg_step), arena memory. */
static const char *facts_text(struct mg_arena *arena, const struct facts *f)
{
	struct mg_strbuf b = {0};
	const char *out;
	int m, strongest = LOCK_NONE, first = 1;
	size_t i;

	for (i = 0; i < f->n; i++)
		if ((int)f->modes[i] > strongest)
			strongest = (int)f->modes[i];
	if (strongest == LOCK_ACCESS_EXCLUSIVE && (f->scans || f->rewrites))
		mg_strbuf_puts(&b, "[!] ");
	for (m = LOCK_ACCESS_EXCLUSIVE; m > LOCK_NONE; m--) {
		int any = 0;

		for (i = 0; i < f->n; i++) {
			if ((int)f->modes[i] != m)
				continue;
			if (!any)
				mg_strbuf_printf(&b, "%s%s on %s", first ? "" : "; ", lock_names[m],
						 f->tables[i]);
			else
				mg_strbuf_printf(&b, ", %s", f->tables[i]);
			any = 1;
			first = 0;
		}
	}
	if (!f->n)
		mg_strbuf_puts(&b, "no lock on an existing table");
	mg_strbuf_puts(&b, f->scans ? "; scans" : "; no scan");
	mg_strbuf_puts(&b, f->rewrites ? "; rewrites" : "; no rewrite");
	out = mg_arena_strdup(arena, mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
	return out;
}

/* Appends a step of op `op_number` with its facts, flags and target. */
static struct mg_step *push(struct pg *pg, size_t op_number, const char *note,
			    struct mg_strbuf *sql, const struct facts *f, unsigned flags,
			    const char *target)
{
	struct mg_step *st =
		sql_dialect_push_sql(pg->out, pg->ctx->arena, op_number, note, mg_strbuf_cstr(sql));

	st->locks = facts_text(pg->ctx->arena, f);
	st->flags |= flags;
	st->target = target ? mg_arena_strdup(pg->ctx->arena, target) : NULL;
	mg_strbuf_clear(sql);
	return st;
}

/* ---- Type changes -------------------------------------------------------- */

/* 1 when PostgreSQL changes the type of a column from `from` to `to` without
 * touching the rows (binary-coercible: a longer varchar, varchar to text). */
static int type_change_is_cheap(const struct mg_column *from, const struct mg_column *to)
{
	if (from->type == MG_COL_VARCHAR && to->type == MG_COL_TEXT)
		return 1;
	if (from->type == MG_COL_VARCHAR && to->type == MG_COL_VARCHAR)
		return to->length >= from->length;
	return 0;
}

/* Functions whose value differs per row: a column added with a default
 * calling one is filled row by row, a rewrite of the table. */
static int default_is_volatile(const char *sql)
{
	static const char *const volatile_functions[] = {
		"random(",
		"clock_timestamp(",
		"timeofday(",
		"gen_random_uuid(",
		"uuid_generate",
		"nextval(",
		"setseed(",
		"txid_current(",
		"pg_current_xact_id(",
		"statement_timestamp(",
	};
	struct mg_strbuf lower = {0};
	const char *p;
	size_t i;
	int hit = 0;

	if (!sql)
		return 0;
	for (p = sql; *p; p++)
		mg_strbuf_putc(&lower, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
	for (i = 0; i < sizeof(volatile_functions) / sizeof(volatile_functions[0]) && !hit; i++)
		hit = strstr(mg_strbuf_cstr(&lower), volatile_functions[i]) != NULL;
	mg_strbuf_free(&lower);
	return hit;
}

/* 1 when the type change of `op` (an ALTER_COLUMN) rewrites the table. */
static int op_rewrites(const struct diff_op *op)
{
	return op->kind == DIFF_ALTER_COLUMN && (op->changes & DIFF_CHANGE_TYPE) &&
	       !type_change_is_cheap(op->old_column, op->new_column);
}

/* ---- NOT NULL without a long lock ------------------------------------------ */

/* The temporary CHECK (c IS NOT NULL) of a column made NOT NULL:
 * modelgen_nn_<table>_<column>, cut to 63 bytes (modelgen_ names are
 * reserved in models). */
static const char *not_null_check(struct mg_arena *arena, const char *table, const char *column)
{
	char *name = mg_arena_printf(arena, "modelgen_nn_%s_%s", table, column);

	if (strlen(name) > 63)
		name[63] = '\0';
	return name;
}

/* The key the batches of a fill of table `t` (as op `i` sees it) go by:
 * its primary key columns and their types, or none (then the row's
 * address, ctid). */
struct fill_key {
	size_t n;
	const char **names;
	const char **types;
};

static void fill_key(struct fill_key *k, const struct pg *pg, size_t i)
{
	const struct diff_op *op = &pg->ops[i];
	size_t j;

	k->n = sql_dialect_key_columns(&k->names, pg->ctx->arena, pg->ops, pg->n, i, 1);
	k->types = mg_arena_calloc(pg->ctx->arena, k->n + 1, sizeof(char *));
	for (j = 0; j < k->n; j++) {
		const struct mg_column *c = mg_table_find_column(op->new_table, k->names[j]);
		struct mg_strbuf t = {0};

		if (!c) {
			k->n = 0; /* not in the table as it is then: go by address */
			return;
		}
		mg_sql_column_type(&t, MG_DIALECT_POSTGRESQL, op->new_table, c);
		k->types[j] = mg_arena_strdup(pg->ctx->arena, mg_strbuf_cstr(&t));
		mg_strbuf_free(&t);
	}
}

/* Appends the key's column list "a, b" (or ctid), each prefixed. */
static void key_list(struct mg_strbuf *b, const struct fill_key *k, const char *suffix_desc)
{
	size_t j;

	if (!k->n) {
		mg_strbuf_printf(b, "ctid%s", suffix_desc);
		return;
	}
	for (j = 0; j < k->n; j++) {
		mg_strbuf_puts(b, j ? ", " : "");
		mg_sql_ident(b, k->names[j]);
		mg_strbuf_puts(b, suffix_desc);
	}
}

/*
 * The statement of one batch of a fill (MG_STEP_BATCHED): the NULLs of
 * `column` of `table` among the next rows by key after $1..$k set to
 * `value`; returns the batch's last key and how many rows it set.
 */
static void batch_sql(struct mg_strbuf *b, const struct fill_key *k, const char *table,
		      const char *column, const char *value)
{
	size_t j, n = k->n ? k->n : 1;

	mg_strbuf_puts(b, "WITH batch AS (SELECT ");
	key_list(b, k, "");
	mg_strbuf_puts(b, " FROM ");
	mg_sql_ident(b, table);
	mg_strbuf_printf(b, " WHERE $1::%s IS NULL OR (", k->n ? k->types[0] : "tid");
	key_list(b, k, "");
	mg_strbuf_puts(b, ") > (");
	for (j = 0; j < n; j++)
		mg_strbuf_printf(b, "%s$%zu::%s", j ? ", " : "", j + 1, k->n ? k->types[j] : "tid");
	mg_strbuf_puts(b, ")\n    ORDER BY ");
	key_list(b, k, "");
	mg_strbuf_printf(b, " LIMIT $%zu::integer),\n", n + 1);
	mg_strbuf_puts(b, "filled AS (UPDATE ");
	mg_sql_ident(b, table);
	mg_strbuf_puts(b, " SET ");
	mg_sql_ident(b, column);
	mg_strbuf_printf(b, " = %s\n    WHERE (", value);
	key_list(b, k, "");
	mg_strbuf_puts(b, ") IN (SELECT ");
	key_list(b, k, "");
	mg_strbuf_puts(b, " FROM batch) AND ");
	mg_sql_ident(b, column);
	mg_strbuf_puts(b, " IS NULL RETURNING 1)\nSELECT ");
	key_list(b, k, "::text");
	mg_strbuf_puts(b, ", (SELECT count(*) FROM filled) FROM batch ORDER BY ");
	key_list(b, k, " DESC");
	mg_strbuf_puts(b, " LIMIT 1;\n");
}

/*
 * Column `column` of existing table `table` becomes NOT NULL, its NULLs
 * (when `value` is not NULL) set to `value` first, without holding ACCESS
 * EXCLUSIVE while anything reads the table: the fill in batches (each its
 * own transaction), a CHECK (column IS NOT NULL) NOT VALID, the rows that
 * came in meanwhile filled and the check validated in a later transaction
 * (SHARE UPDATE EXCLUSIVE), then SET NOT NULL, which the valid check spares
 * its scan, and the check dropped. `first` holds statements of the op that
 * go before the check (a default set), `first_f` their facts.
 */
static void safe_not_null(struct pg *pg, size_t i, const char *table, const char *column,
			  const char *value, struct mg_strbuf *first, struct facts *first_f)
{
	struct mg_strbuf b = {0};
	struct facts f = {0};
	const char *check = not_null_check(pg->ctx->arena, table, column);
	const char *target = mg_arena_printf(pg->ctx->arena, "%s.%s", table, column);

	if (value) {
		struct fill_key k;

		if (first->len)
			push(pg, i + 1, NULL, first, first_f, 0, NULL),
				memset(first_f, 0, sizeof(*first_f));
		fill_key(&k, pg, i);
		batch_sql(&b, &k, table, column, value);
		lock(&f, pg, table, LOCK_ROW_EXCLUSIVE);
		f.scans = 1;
		push(pg, i + 1, "existing NULLs filled in batches", &b, &f, MG_STEP_BATCHED,
		     target);
		memset(&f, 0, sizeof(f));
	}
	mg_strbuf_puts(&b, mg_strbuf_cstr(first));
	f = *first_f;
	alter_table(&b, table);
	mg_strbuf_puts(&b, "ADD CONSTRAINT ");
	mg_sql_ident(&b, check);
	mg_strbuf_puts(&b, " CHECK (");
	mg_sql_ident(&b, column);
	mg_strbuf_puts(&b, " IS NOT NULL) NOT VALID;\n");
	lock(&f, pg, table, LOCK_ACCESS_EXCLUSIVE);
	push(pg, i + 1, "a CHECK (IS NOT NULL) NOT VALID first", &b, &f, 0, NULL);
	memset(&f, 0, sizeof(f));
	if (value) {
		mg_strbuf_puts(&b, "UPDATE ");
		mg_sql_ident(&b, table);
		mg_strbuf_puts(&b, " SET ");
		mg_sql_ident(&b, column);
		mg_strbuf_printf(&b, " = %s WHERE ", value);
		mg_sql_ident(&b, column);
		mg_strbuf_puts(&b, " IS NULL;\n");
	}
	alter_table(&b, table);
	mg_strbuf_puts(&b, "VALIDATE CONSTRAINT ");
	mg_sql_ident(&b, check);
	mg_strbuf_puts(&b, ";\n");
	lock(&f, pg, table, LOCK_SHARE_UPDATE_EXCLUSIVE);
	f.scans = 1;
	push(pg, i + 1, "the check validated", &b, &f, MG_STEP_OWN_TX, NULL);
	memset(&f, 0, sizeof(f));
	alter_column(&b, table, column);
	mg_strbuf_puts(&b, "SET NOT NULL;\n");
	alter_table(&b, table);
	mg_strbuf_puts(&b, "DROP CONSTRAINT ");
	mg_sql_ident(&b, check);
	mg_strbuf_puts(&b, ";\n");
	lock(&f, pg, table, LOCK_ACCESS_EXCLUSIVE);
	push(pg, i + 1, "SET NOT NULL, no scan: the check is valid", &b, &f, 0, NULL);
	mg_strbuf_free(&b);
}

/* ---- Columns --------------------------------------------------------------- */

/* 1 when the primary key or an index of `t` (as it is before the
 * migration) has `column` first: a MAX of it reads one index entry. */
static int leading_index(const struct mg_table *t, const char *column)
{
	size_t j;

	if (!t)
		return 0;
	if (t->n_primary_key && strcmp(t->primary_key[0], column) == 0)
		return 1;
	for (j = 0; j < t->n_indexes; j++)
		if (t->indexes[j].n_columns && strcmp(t->indexes[j].columns[0], column) == 0)
			return 1;
	return 0;
}

static void alter_column_op(struct pg *pg, size_t i)
{
	const struct diff_op *op = &pg->ops[i];
	const struct mg_column *oc = op->old_column, *nc = op->new_column;
	const char *t = op->new_table->name, *c = nc->name;
	unsigned ch = op->changes;
	int redo_default = 0, rewrites = op_rewrites(op);
	int safe_nn = !pg->plain && !rewrites && (ch & DIFF_CHANGE_NULLABLE) && !nc->nullable;
	struct mg_strbuf b = {0};
	struct facts f = {0};
	const char *guard = NULL;

	if ((ch & DIFF_CHANGE_IDENTITY) && oc->identity) {
		alter_column(&b, t, c);
		mg_strbuf_puts(&b, "DROP IDENTITY IF EXISTS;\n");
	}
	/* A default of the old type may not convert: drop it around the type
	 * change and set it again after. Otherwise SET DEFAULT replaces it,
	 * and only a default that goes is dropped. */
	if (oc->default_sql &&
	    ((ch & DIFF_CHANGE_TYPE) || ((ch & DIFF_CHANGE_DEFAULT) && !nc->default_sql))) {
		alter_column(&b, t, c);
		mg_strbuf_puts(&b, "DROP DEFAULT;\n");
		redo_default = 1;
	}
	if (ch & DIFF_CHANGE_TYPE) {
		struct mg_strbuf type = {0};

		mg_sql_column_type(&type, MG_DIALECT_POSTGRESQL, op->new_table, nc);
		alter_column(&b, t, c);
		mg_strbuf_printf(&b, "TYPE %s", mg_strbuf_cstr(&type));
		if (!assignable(oc, nc)) {
			mg_strbuf_puts(&b, " USING ");
			mg_sql_ident(&b, c);
			mg_strbuf_printf(&b, "::%s", mg_strbuf_cstr(&type));
		}
		mg_strbuf_puts(&b, ";\n");
		mg_strbuf_free(&type);
		guard = type_guard(pg->ctx, pg->ops, pg->n, i);
		f.scans = rewrites || guard;
		f.rewrites = rewrites;
	}
	if (nc->default_sql && !nc->identity && (redo_default || (ch & DIFF_CHANGE_DEFAULT))) {
		alter_column(&b, t, c);
		mg_strbuf_puts(&b, "SET DEFAULT ");
		mg_sql_default(&b, nc->default_sql);
		mg_strbuf_puts(&b, ";\n");
	}
	if ((ch & DIFF_CHANGE_NULLABLE) && nc->nullable) {
		alter_column(&b, t, c);
		mg_strbuf_puts(&b, "DROP NOT NULL;\n");
	} else if ((ch & DIFF_CHANGE_NULLABLE) && !safe_nn) {
		if (op->fill_nulls) {
			mg_strbuf_puts(&b, "UPDATE ");
			mg_sql_ident(&b, t);
			mg_strbuf_puts(&b, " SET ");
			mg_sql_ident(&b, c);
			mg_strbuf_printf(&b, " = %s WHERE ",
					 sql_dialect_op_fill(MG_DIALECT_POSTGRESQL, op));
			mg_sql_ident(&b, c);
			mg_strbuf_puts(&b, " IS NULL;\n");
		}
		alter_column(&b, t, c);
		mg_strbuf_puts(&b, "SET NOT NULL;\n");
		f.scans = 1;
	}
	if ((ch & DIFF_CHANGE_IDENTITY) && nc->identity) {
		struct mg_strbuf qt = {0}, qc = {0};

		alter_column(&b, t, c);
		mg_strbuf_puts(&b, "ADD GENERATED BY DEFAULT AS IDENTITY;\n");
		/* Existing rows keep their values: start after the largest. */
		mg_sql_ident(&qt, t);
		mg_sql_ident(&qc, c);
		mg_strbuf_puts(&b, "SELECT setval(pg_get_serial_sequence(");
		mg_sql_string(&b, mg_strbuf_cstr(&qt));
		mg_strbuf_puts(&b, ", ");
		mg_sql_string(&b, mg_strbuf_cstr(&qc));
		mg_strbuf_printf(&b, "), COALESCE(MAX(%s), 0) + 1, false) FROM %s;\n",
				 mg_strbuf_cstr(&qc), mg_strbuf_cstr(&qt));
		mg_strbuf_free(&qt);
		mg_strbuf_free(&qc);
		/* MAX reads every row unless an index leads with the column. */
		if (!leading_index(op->old_table, oc->name))
			f.scans = 1;
	}
	if (b.len)
		lock(&f, pg, t, LOCK_ACCESS_EXCLUSIVE);
	if (safe_nn) {
		/* Changes before the check go in its step (or before the fill). */
		safe_not_null(pg, i, t, c,
			      op->fill_nulls ? sql_dialect_op_fill(MG_DIALECT_POSTGRESQL, op)
					     : NULL,
			      &b, &f);
	} else if (b.len) {
		push(pg, i + 1, NULL, &b, &f, 0, NULL)->guard = guard;
	}
	mg_strbuf_free(&b);
}

static void add_column_op(struct pg *pg, size_t i)
{
	const struct diff_op *op = &pg->ops[i];
	const struct mg_column *nc = op->new_column;
	const char *t = op->new_table->name;
	struct mg_strbuf b = {0};
	struct facts f = {0};

	lock(&f, pg, t, LOCK_ACCESS_EXCLUSIVE);
	alter_table(&b, t);
	mg_strbuf_puts(&b, "ADD COLUMN ");
	if (op->fill_sql && !pg->plain) {
		/* Nullable and without its default, so that every row there
		 * is, or comes meanwhile, is filled; then the NOT NULL. */
		struct mg_column loose = *nc;
		struct mg_strbuf first = {0};
		struct facts first_f = {0};

		loose.nullable = 1;
		loose.default_sql = NULL;
		mg_sql_column_def(&b, MG_DIALECT_POSTGRESQL, op->new_table, &loose);
		mg_strbuf_puts(&b, ";\n");
		if (nc->comment)
			mg_sql_comment_on(&b, t, nc->name, nc->comment);
		push(pg, i + 1, NULL, &b, &f, 0, NULL);
		if (nc->default_sql) {
			alter_column(&first, t, nc->name);
			mg_strbuf_puts(&first, "SET DEFAULT ");
			mg_sql_default(&first, nc->default_sql);
			mg_strbuf_puts(&first, ";\n");
			lock(&first_f, pg, t, LOCK_ACCESS_EXCLUSIVE);
		}
		safe_not_null(pg, i, t, nc->name, op->fill_sql, &first, &first_f);
		mg_strbuf_free(&first);
		mg_strbuf_free(&b);
		return;
	}
	if (op->fill_sql) {
		/* A one-off fill may read other columns, which no DEFAULT can:
		 * add the column nullable, fill it, then tighten it. */
		struct mg_column loose = *nc;

		loose.nullable = 1;
		mg_sql_column_def(&b, MG_DIALECT_POSTGRESQL, op->new_table, &loose);
		mg_strbuf_puts(&b, ";\nUPDATE ");
		mg_sql_ident(&b, t);
		mg_strbuf_puts(&b, " SET ");
		mg_sql_ident(&b, nc->name);
		mg_strbuf_printf(&b, " = %s;\n", op->fill_sql);
		alter_column(&b, t, nc->name);
		mg_strbuf_puts(&b, "SET NOT NULL");
		f.scans = 1;
	} else {
		mg_sql_column_def(&b, MG_DIALECT_POSTGRESQL, op->new_table, nc);
		f.rewrites = nc->identity || default_is_volatile(nc->default_sql);
		f.scans = f.rewrites;
	}
	if (!op->fill_sql && !nc->nullable && !nc->default_sql && !nc->identity) {
		/* Only down restoring a dropped column gets here (diff refuses
		 * it up): fill the rows with a stand-in, then drop it. */
		mg_strbuf_printf(&b, " DEFAULT %s;\n",
				 sql_dialect_fill_value(MG_DIALECT_POSTGRESQL, nc));
		alter_column(&b, t, nc->name);
		mg_strbuf_puts(&b, "DROP DEFAULT");
	}
	mg_strbuf_puts(&b, ";\n");
	if (nc->comment)
		mg_sql_comment_on(&b, t, nc->name, nc->comment);
	push(pg, i + 1, NULL, &b, &f, 0, NULL);
	mg_strbuf_free(&b);
}

/* PostgreSQL names an identity column's sequence <table>_<column>_seq; a
 * rename of either renames it too, so that a migrated database matches a
 * created one. IF EXISTS: a name PostgreSQL had to shorten or number is
 * left alone (the sequence still works, only its name differs). */
static void rename_sequence(struct mg_strbuf *b, const char *old_table, const char *old_column,
			    const char *new_table, const char *new_column)
{
	struct mg_strbuf from = {0}, to = {0};

	mg_strbuf_printf(&from, "%s_%s_seq", old_table, old_column);
	mg_strbuf_printf(&to, "%s_%s_seq", new_table, new_column);
	if (from.len <= 63 && to.len <= 63) {
		mg_strbuf_puts(b, "ALTER SEQUENCE IF EXISTS ");
		mg_sql_ident(b, mg_strbuf_cstr(&from));
		mg_strbuf_puts(b, " RENAME TO ");
		mg_sql_ident(b, mg_strbuf_cstr(&to));
		mg_strbuf_puts(b, ";\n");
	}
	mg_strbuf_free(&from);
	mg_strbuf_free(&to);
}

/* Renames the table of `op` (a DIFF_RENAME_TABLE) from `from` to `to`, with
 * the names derived from the table's: its primary key and the sequences
 * of its identity columns. `from`/`to` differ from the op's names when a
 * swap goes through a temporary name. */
static void rename_table_sql(struct mg_strbuf *b, const struct diff_op *op, const char *from,
			     const char *to)
{
	alter_table(b, from);
	mg_strbuf_puts(b, "RENAME TO ");
	mg_sql_ident(b, to);
	mg_strbuf_puts(b, ";\n");
	if (op->old_table->n_primary_key && !op->old_table->primary_key_name) {
		/* The derived key name follows the table's; a name of its own
		 * (MG_NAME) stays, and a change of it is its own op. */
		alter_table(b, to);
		mg_strbuf_puts(b, "RENAME CONSTRAINT ");
		mg_sql_pk_name(b, from);
		mg_strbuf_puts(b, " TO ");
		mg_sql_pk_name(b, to);
		mg_strbuf_puts(b, ";\n");
	}
	/* Columns still have their old names here (renamed later). */
	for (size_t i = 0; i < op->old_table->n_columns; i++)
		if (op->old_table->columns[i].identity)
			rename_sequence(b, from, op->old_table->columns[i].name, to,
					op->old_table->columns[i].name);
}

/* Renames a column of `op` (a DIFF_RENAME_COLUMN) from `from` to `to`, and
 * its identity sequence. */
static void rename_column_sql(struct mg_strbuf *b, const struct diff_op *op, const char *from,
			      const char *to)
{
	alter_table(b, op->new_table->name);
	mg_strbuf_puts(b, "RENAME COLUMN ");
	mg_sql_ident(b, from);
	mg_strbuf_puts(b, " TO ");
	mg_sql_ident(b, to);
	mg_strbuf_puts(b, ";\n");
	if (op->old_column->identity)
		rename_sequence(b, op->new_table->name, from, op->new_table->name, to);
}

/* The range of a number type as "LO AND HI", or NULL when any double fits
 * (double precision). */
static const char *number_range(enum mg_coltype t)
{
	switch (t) {
	case MG_COL_SMALLINT:
		return "-32768 AND 32767";
	case MG_COL_INTEGER:
		return "-2147483648 AND 2147483647";
	case MG_COL_BIGINT:
		return "-9223372036854775808 AND 9223372036854775807";
	case MG_COL_REAL:
		return "-3.4028234663852886e38 AND 3.4028234663852886e38";
	default:
		return NULL;
	}
}

/*
 * The guard of ops[i] when it is a type change that can lose or alter a
 * value (diff_type_narrows), else NULL: the rows whose value does not come
 * back the same from the new type (cast to it and back: a cut varchar, a
 * rounded double, an integer out of range). A value with no conversion at
 * all makes the guard fail with PostgreSQL's error, as the ALTER would.
 */
static const char *type_guard(const struct plan_ctx *ctx, const struct diff_op *ops, size_t n,
			      size_t i)
{
	const struct diff_op *op = &ops[i];
	struct mg_strbuf cond = {0}, c = {0};
	const char **key, *range = NULL;
	size_t n_key;
	const char *guard;

	if (op->kind != DIFF_ALTER_COLUMN || !(op->changes & DIFF_CHANGE_TYPE) ||
	    !diff_type_narrows(op->old_column, op->new_column))
		return NULL;
	if (is_number(op->old_column->type))
		range = number_range(op->new_column->type);
	mg_sql_ident(&c, op->new_column->name);
	mg_strbuf_printf(&cond, "%s IS NOT NULL AND ", mg_strbuf_cstr(&c));
	/* A number beyond the new type's range would make the cast fail:
	 * counted first (CASE decides the order, AND does not). */
	if (range)
		mg_strbuf_printf(&cond, "CASE WHEN %s NOT BETWEEN %s THEN true ELSE ",
				 mg_strbuf_cstr(&c), range);
	mg_strbuf_printf(&cond, "CAST(CAST(%s AS ", mg_strbuf_cstr(&c));
	mg_sql_column_type(&cond, MG_DIALECT_POSTGRESQL, op->new_table, op->new_column);
	mg_strbuf_puts(&cond, ") AS ");
	mg_sql_column_type(&cond, MG_DIALECT_POSTGRESQL, op->old_table, op->old_column);
	mg_strbuf_printf(&cond, ") IS DISTINCT FROM %s%s", mg_strbuf_cstr(&c), range ? " END" : "");
	n_key = sql_dialect_key_columns(&key, ctx->arena, ops, n, i, 1);
	guard = sql_dialect_guard(ctx->arena, MG_DIALECT_POSTGRESQL, op->new_table->name, key,
				  n_key, mg_strbuf_cstr(&cond));
	mg_strbuf_free(&cond);
	mg_strbuf_free(&c);
	return guard;
}

/* As sql_dialect_rename_run, for the renamed foreign keys of one table
 * (their names are unique per table on PostgreSQL). */
static int fk_rename_run(const struct diff_op *ops, size_t n, size_t i, size_t *end)
{
	size_t j;

	if (ops[i].kind != DIFF_ADD_FOREIGN_KEY || !ops[i].old_fk)
		return 0;
	if (i > 0 && ops[i - 1].kind == DIFF_ADD_FOREIGN_KEY && ops[i - 1].old_fk &&
	    ops[i - 1].new_table == ops[i].new_table)
		return 0;
	for (j = i + 1; j < n && ops[j].kind == DIFF_ADD_FOREIGN_KEY && ops[j].old_fk &&
			ops[j].new_table == ops[i].new_table;
	     j++)
		;
	*end = j;
	return 1;
}

/* Index names are one namespace for the whole schema, and the renames of
 * the indexes of several tables may chain or swap (tables renamed in a
 * chain, columns swapped), or a new index may take the old name of one
 * renamed later. Then every index rename goes in one ordered batch before
 * the first per-table operation; returns that op's index, or n when the
 * renames can run where they are. Fills `*idx` / `*k` with the renames. */
static size_t index_batch(const struct plan_ctx *ctx, const struct diff_op *ops, size_t n,
			  size_t **idx, size_t *k)
{
	const char **from = mg_arena_calloc(ctx->arena, n, sizeof(char *));
	size_t i, m = 0, at = n;
	int conflict = 0;

	*idx = mg_arena_calloc(ctx->arena, n, sizeof(size_t));
	for (i = 0; i < n; i++)
		if (ops[i].kind == DIFF_ADD_INDEX && ops[i].old_index) {
			(*idx)[m] = i;
			from[m++] = ops[i].old_index->name;
		}
	*k = m;
	qsort(from, m, sizeof(char *), sql_dialect_cmp_str);
	for (i = 0; i < n && m && !conflict; i++)
		if (ops[i].kind == DIFF_ADD_INDEX)
			conflict = bsearch(&ops[i].index->name, from, m, sizeof(char *),
					   sql_dialect_cmp_str) != NULL;
	if (!conflict)
		return n;
	for (i = 0; i < n && at == n; i++)
		if (ops[i].kind != DIFF_DROP_FOREIGN_KEY && ops[i].kind != DIFF_DROP_INDEX &&
		    ops[i].kind != DIFF_DROP_TABLE && ops[i].kind != DIFF_RENAME_TABLE)
			at = i;
	return at;
}

/* Per foreign key of the table that op `i` creates: 1 when CREATE TABLE
 * holds it, 0 when it is added after all the new tables exist (appended to
 * `later`): a key to a table created further down closes a cycle, and a
 * key to a unique column of its own table needs that table's indexes. */
static unsigned char *inline_keys(struct mg_strbuf *later, const struct plan_ctx *ctx,
				  const struct table_ops *created, const struct diff_op *ops,
				  size_t i)
{
	const struct mg_table *t = ops[i].new_table;
	unsigned char *keep = mg_arena_calloc(ctx->arena, t->n_foreign_keys, 1);
	size_t j;

	for (j = 0; j < t->n_foreign_keys; j++) {
		const struct mg_foreign_key *fk = &t->foreign_keys[j];
		size_t parent = sql_dialect_find_table(created, fk->ref_table);

		keep[j] = !mg_sql_fk_deferred(t, fk, i, parent);
		if (!keep[j])
			mg_sql_add_foreign_key(later, t, fk);
	}
	return keep;
}

/* ---- Indexes, keys, tables -------------------------------------------- */

/* `CREATE [UNIQUE] INDEX CONCURRENTLY ...` of `index` on `table`. */
static void create_index_concurrently(struct mg_strbuf *b, const struct mg_table *table,
				      const struct mg_index *index)
{
	struct mg_strbuf plain = {0};
	const char *s, *at;

	mg_sql_create_index(&plain, MG_DIALECT_POSTGRESQL, table, index);
	s = mg_strbuf_cstr(&plain);
	at = strstr(s, "INDEX ") + 6;
	mg_strbuf_putn(b, s, (size_t)(at - s));
	mg_strbuf_puts(b, "CONCURRENTLY ");
	mg_strbuf_puts(b, at);
	mg_strbuf_free(&plain);
}

static void add_index_op(struct pg *pg, size_t i)
{
	const struct diff_op *op = &pg->ops[i];
	const char *t = op->new_table->name;
	struct mg_strbuf b = {0};
	struct facts f = {0};

	if (op->old_index) {
		/* SHARE UPDATE EXCLUSIVE on the index only, none on its table. */
		mg_strbuf_puts(&b, "ALTER INDEX ");
		mg_sql_ident(&b, op->old_index->name);
		mg_strbuf_puts(&b, " RENAME TO ");
		mg_sql_ident(&b, op->index->name);
		mg_strbuf_puts(&b, ";\n");
		push(pg, i + 1, NULL, &b, &f, 0, NULL);
	} else if (pg->plain) {
		mg_sql_create_index(&b, MG_DIALECT_POSTGRESQL, op->new_table, op->index);
		lock(&f, pg, t, LOCK_SHARE);
		f.scans = 1;
		push(pg, i + 1, NULL, &b, &f, 0, NULL);
	} else {
		create_index_concurrently(&b, op->new_table, op->index);
		lock(&f, pg, t, LOCK_SHARE_UPDATE_EXCLUSIVE);
		f.scans = 1;
		push(pg, i + 1, NULL, &b, &f, MG_STEP_NO_TX, op->index->name);
	}
	mg_strbuf_free(&b);
}

/*
 * Drops the UNIQUE constraint `name` of `table` when there is one: a
 * database adopted with `modelgen pull` may hold a constraint where
 * modelgen makes a unique index, and PostgreSQL refuses DROP INDEX for a
 * constraint's index. Models do not tell the two apart, so the statement
 * asks the catalog; it takes ACCESS EXCLUSIVE (no scan) only when it
 * drops, and no lock on the table otherwise (the step's facts say the
 * usual case, its note the other).
 */
static void drop_unique_constraint(struct mg_strbuf *b, const char *table, const char *name)
{
	struct mg_strbuf quoted = {0};

	mg_sql_ident(&quoted, table);
	mg_strbuf_puts(b,
		       "DO $mg$BEGIN IF EXISTS (SELECT FROM pg_constraint WHERE contype = 'u' AND "
		       "conname = ");
	mg_sql_string(b, name);
	mg_strbuf_puts(b, " AND conrelid = ");
	mg_sql_string(b, mg_strbuf_cstr(&quoted));
	mg_strbuf_puts(b, "::regclass) THEN ");
	alter_table(b, table);
	mg_strbuf_puts(b, "DROP CONSTRAINT ");
	mg_sql_ident(b, name);
	mg_strbuf_puts(b, "; END IF; END$mg$;\n");
	mg_strbuf_free(&quoted);
}

static void drop_index_op(struct pg *pg, size_t i)
{
	const struct diff_op *op = &pg->ops[i];
	const char *t = (op->old_table ? op->old_table : op->new_table)->name;
	struct mg_strbuf b = {0};
	struct facts f = {0};

	if (op->index->unique) {
		drop_unique_constraint(&b, t, op->index->name);
		if (!pg->plain) {
			char *note =
				mg_arena_printf(pg->ctx->arena,
						"a UNIQUE constraint of that name first, if the "
						"database has one: ACCESS EXCLUSIVE on %s then",
						t);

			push(pg, i + 1, note, &b, &f, 0, NULL);
			memset(&f, 0, sizeof(f));
		}
	}
	/* IF EXISTS: the constraint's index went with it. */
	mg_strbuf_puts(&b, pg->plain ? "DROP INDEX " : "DROP INDEX CONCURRENTLY ");
	if (op->index->unique)
		mg_strbuf_puts(&b, "IF EXISTS ");
	mg_sql_ident(&b, op->index->name);
	mg_strbuf_puts(&b, ";\n");
	lock(&f, pg, t, pg->plain ? LOCK_ACCESS_EXCLUSIVE : LOCK_SHARE_UPDATE_EXCLUSIVE);
	push(pg, i + 1, NULL, &b, &f, pg->plain ? 0 : MG_STEP_NO_TX,
	     pg->plain ? NULL : op->index->name);
	mg_strbuf_free(&b);
}

static void add_foreign_key_op(struct pg *pg, size_t i)
{
	const struct diff_op *op = &pg->ops[i];
	const char *t = op->new_table->name;
	struct mg_strbuf b = {0};
	struct facts f = {0};

	if (op->old_fk) {
		alter_table(&b, t);
		mg_strbuf_puts(&b, "RENAME CONSTRAINT ");
		mg_sql_ident(&b, op->old_fk->name);
		mg_strbuf_puts(&b, " TO ");
		mg_sql_ident(&b, op->fk->name);
		mg_strbuf_puts(&b, ";\n");
		lock(&f, pg, t, LOCK_ACCESS_EXCLUSIVE);
		push(pg, i + 1, NULL, &b, &f, 0, NULL);
		mg_strbuf_free(&b);
		return;
	}
	mg_sql_add_foreign_key(&b, op->new_table, op->fk);
	lock(&f, pg, t, LOCK_SHARE_ROW_EXCLUSIVE);
	lock(&f, pg, op->fk->ref_table, LOCK_SHARE_ROW_EXCLUSIVE);
	if (pg->plain) {
		f.scans = 1;
		push(pg, i + 1, NULL, &b, &f, 0, NULL);
		mg_strbuf_free(&b);
		return;
	}
	/* Added NOT VALID: only new rows are checked; the rows there are
	 * checked by VALIDATE, under a lock that lets writes go on. */
	if (!mg_strbuf_failed(&b) && b.len >= 2) {
		b.len -= 2; /* ";\n" */
		b.ptr[b.len] = '\0';
	}
	mg_strbuf_puts(&b, " NOT VALID;\n");
	push(pg, i + 1, "NOT VALID first", &b, &f, 0, NULL);
	memset(&f, 0, sizeof(f));
	alter_table(&b, t);
	mg_strbuf_puts(&b, "VALIDATE CONSTRAINT ");
	mg_sql_ident(&b, op->fk->name);
	mg_strbuf_puts(&b, ";\n");
	lock(&f, pg, op->fk->ref_table, LOCK_ROW_SHARE);
	lock(&f, pg, t, LOCK_SHARE_UPDATE_EXCLUSIVE);
	f.scans = 1;
	push(pg, i + 1, "validated", &b, &f, MG_STEP_OWN_TX, NULL);
	mg_strbuf_free(&b);
}

/* The name of the primary key of op's table when the op runs: the old
 * table's own name (MG_NAME), or the derived one, which a table rename
 * before this op has made pk_<new name>. */
static void pk_name_before(struct mg_strbuf *b, const struct diff_op *op)
{
	if (op->old_table->primary_key_name)
		mg_sql_ident(b, op->old_table->primary_key_name);
	else
		mg_sql_pk_name(b, op->new_table->name);
}

static void alter_primary_key_op(struct pg *pg, size_t i)
{
	const struct diff_op *op = &pg->ops[i];
	const struct mg_table *nt = op->new_table;
	struct mg_strbuf b = {0};
	struct facts f = {0};
	const char *ix = NULL;

	if (op->pk_renamed) {
		alter_table(&b, nt->name);
		mg_strbuf_puts(&b, "RENAME CONSTRAINT ");
		pk_name_before(&b, op);
		mg_strbuf_puts(&b, " TO ");
		mg_sql_table_pk_name(&b, nt);
		mg_strbuf_puts(&b, ";\n");
		lock(&f, pg, nt->name, LOCK_ACCESS_EXCLUSIVE);
		push(pg, i + 1, NULL, &b, &f, 0, NULL);
		mg_strbuf_free(&b);
		return;
	}
	if (nt->n_primary_key && !pg->plain) {
		/* The key's index built first, without blocking writes; the
		 * constraint then takes it over (USING INDEX, renamed). */
		struct mg_index index = {0};

		ix = mg_arena_printf(pg->ctx->arena, "modelgen_pk_%s", nt->name);
		if (strlen(ix) > 63)
			((char *)ix)[63] = '\0';
		index.name = ix;
		index.unique = 1;
		index.n_columns = nt->n_primary_key;
		index.columns = nt->primary_key;
		create_index_concurrently(&b, nt, &index);
		lock(&f, pg, nt->name, LOCK_SHARE_UPDATE_EXCLUSIVE);
		f.scans = 1;
		push(pg, i + 1, "its index first", &b, &f, MG_STEP_NO_TX, ix);
		memset(&f, 0, sizeof(f));
	}
	/* IF EXISTS: dropping a key column already dropped the key. */
	alter_table(&b, nt->name);
	mg_strbuf_puts(&b, "DROP CONSTRAINT IF EXISTS ");
	pk_name_before(&b, op);
	mg_strbuf_puts(&b, ";\n");
	if (nt->n_primary_key) {
		alter_table(&b, nt->name);
		mg_strbuf_puts(&b, "ADD ");
		if (ix) {
			mg_strbuf_puts(&b, "CONSTRAINT ");
			mg_sql_table_pk_name(&b, nt);
			mg_strbuf_puts(&b, " PRIMARY KEY USING INDEX ");
			mg_sql_ident(&b, ix);
		} else {
			mg_sql_primary_key(&b, MG_DIALECT_POSTGRESQL, nt);
			f.scans = 1;
		}
		mg_strbuf_puts(&b, ";\n");
	}
	lock(&f, pg, nt->name, LOCK_ACCESS_EXCLUSIVE);
	push(pg, i + 1, NULL, &b, &f, 0, NULL);
	mg_strbuf_free(&b);
}

/* 1 when one of ops[0..i) drops table `name`. */
static int dropped_before(const struct pg *pg, size_t i, const char *name)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (pg->ops[k].kind == DIFF_DROP_TABLE &&
		    strcmp(pg->ops[k].old_table->name, name) == 0)
			return 1;
	return 0;
}

/* Drops the keys between dropped tables that a cycle leaves (see
 * sql_dialect_cycle_keys), in one step before the first DROP TABLE. */
static void cycle_keys(struct pg *pg)
{
	struct mg_strbuf b = {0};
	struct facts f = {0};
	struct cycle_key *keys;
	size_t i, n_keys = sql_dialect_cycle_keys(&keys, pg->ctx->arena, pg->ops, pg->n);

	for (i = 0; i < n_keys; i++) {
		alter_table(&b, keys[i].table->name);
		mg_strbuf_puts(&b, "DROP CONSTRAINT ");
		mg_sql_ident(&b, keys[i].fk->name);
		mg_strbuf_puts(&b, ";\n");
		lock(&f, pg, keys[i].table->name, LOCK_ACCESS_EXCLUSIVE);
		lock(&f, pg, keys[i].fk->ref_table, LOCK_ACCESS_EXCLUSIVE);
	}
	if (b.len)
		push(pg, 0, "drop the foreign keys between the dropped tables", &b, &f, 0, NULL);
	mg_strbuf_free(&b);
}

/* One rename move (see sql_dialect_push_renames): a table, a column, an
 * index or a constraint; its facts go to pg->moves, in push order. */
static void rename_sql(struct mg_strbuf *b, const struct diff_op *op, const char *from,
		       const char *to, int final, void *data)
{
	struct pg *pg = data;
	struct facts *f = &pg->moves[pg->n_moves++];

	(void) final;
	switch (op->kind) {
	case DIFF_RENAME_TABLE:
		rename_table_sql(b, op, from, to);
		lock(f, pg, to, LOCK_ACCESS_EXCLUSIVE);
		return;
	case DIFF_RENAME_COLUMN:
		rename_column_sql(b, op, from, to);
		lock(f, pg, op->new_table->name, LOCK_ACCESS_EXCLUSIVE);
		return;
	case DIFF_ADD_INDEX:
		/* SHARE UPDATE EXCLUSIVE on the index only, none on its table. */
		mg_strbuf_puts(b, "ALTER INDEX ");
		mg_sql_ident(b, from);
		mg_strbuf_puts(b, " RENAME TO ");
		break;
	default:
		alter_table(b, op->new_table->name);
		mg_strbuf_puts(b, "RENAME CONSTRAINT ");
		mg_sql_ident(b, from);
		mg_strbuf_puts(b, " TO ");
		lock(f, pg, op->new_table->name, LOCK_ACCESS_EXCLUSIVE);
		break;
	}
	mg_sql_ident(b, to);
	mg_strbuf_puts(b, ";\n");
}

/* Pushes the renames ops[idx[0..k)) with their facts. */
static void renames(struct pg *pg, const size_t *idx, size_t k)
{
	size_t first = pg->out->n_steps, j;

	pg->n_moves = 0;
	pg->moves = mg_arena_calloc(pg->ctx->arena, 2 * k + 1, sizeof(*pg->moves));
	sql_dialect_push_renames(pg->out, pg->ctx, pg->ops, idx, k, rename_sql, pg);
	for (j = first; j < pg->out->n_steps; j++)
		pg->out->steps[j].locks = facts_text(pg->ctx->arena, &pg->moves[j - first]);
}

/* The steps of ops[i], any kind but renames in a run. `keep`: for a created
 * table, which of its keys CREATE TABLE holds. */
static void plan_op(struct pg *pg, size_t i, const unsigned char *keep)
{
	const struct diff_op *op = &pg->ops[i];
	struct mg_strbuf b = {0};
	struct facts f = {0};
	size_t j;

	switch (op->kind) {
	case DIFF_CREATE_TABLE:
		mg_sql_create_table_filtered(&b, MG_DIALECT_POSTGRESQL, op->new_table, NULL, keep);
		for (j = 0; j < op->new_table->n_indexes; j++)
			mg_sql_create_index(&b, MG_DIALECT_POSTGRESQL, op->new_table,
					    &op->new_table->indexes[j]);
		mg_sql_comments(&b, MG_DIALECT_POSTGRESQL, op->new_table);
		for (j = 0; j < op->new_table->n_foreign_keys; j++)
			if (!keep || keep[j])
				lock(&f, pg, op->new_table->foreign_keys[j].ref_table,
				     LOCK_SHARE_ROW_EXCLUSIVE);
		break;
	case DIFF_DROP_TABLE:
		mg_strbuf_puts(&b, "DROP TABLE ");
		mg_sql_ident(&b, op->old_table->name);
		mg_strbuf_puts(&b, ";\n");
		lock(&f, pg, op->old_table->name, LOCK_ACCESS_EXCLUSIVE);
		/* A key to a table dropped before went with the cycle's keys
		 * (cycle_keys): nothing of it is left to lock. */
		for (j = 0; j < op->old_table->n_foreign_keys; j++)
			if (!dropped_before(pg, i, op->old_table->foreign_keys[j].ref_table))
				lock(&f, pg, op->old_table->foreign_keys[j].ref_table,
				     LOCK_ACCESS_EXCLUSIVE);
		break;
	case DIFF_RENAME_TABLE:
		rename_table_sql(&b, op, op->old_table->name, op->new_table->name);
		lock(&f, pg, op->new_table->name, LOCK_ACCESS_EXCLUSIVE);
		break;
	case DIFF_RENAME_COLUMN:
		rename_column_sql(&b, op, op->old_column->name, op->new_column->name);
		lock(&f, pg, op->new_table->name, LOCK_ACCESS_EXCLUSIVE);
		break;
	case DIFF_ADD_COLUMN:
		add_column_op(pg, i);
		return;
	case DIFF_DROP_COLUMN:
		alter_table(&b, op->new_table->name);
		mg_strbuf_puts(&b, "DROP COLUMN ");
		mg_sql_ident(&b, op->old_column->name);
		mg_strbuf_puts(&b, ";\n");
		lock(&f, pg, op->new_table->name, LOCK_ACCESS_EXCLUSIVE);
		break;
	case DIFF_ALTER_COLUMN:
		alter_column_op(pg, i);
		return;
	case DIFF_ADD_INDEX:
		add_index_op(pg, i);
		return;
	case DIFF_DROP_INDEX:
		drop_index_op(pg, i);
		return;
	case DIFF_ADD_FOREIGN_KEY:
		add_foreign_key_op(pg, i);
		return;
	case DIFF_DROP_FOREIGN_KEY:
		alter_table(&b, op->old_table->name);
		mg_strbuf_puts(&b, "DROP CONSTRAINT ");
		mg_sql_ident(&b, op->fk->name);
		mg_strbuf_puts(&b, ";\n");
		lock(&f, pg, op->old_table->name, LOCK_ACCESS_EXCLUSIVE);
		lock(&f, pg, op->fk->ref_table, LOCK_ACCESS_EXCLUSIVE);
		break;
	case DIFF_ALTER_PRIMARY_KEY:
		alter_primary_key_op(pg, i);
		return;
	case DIFF_SET_COMMENT:
		if (op->new_column)
			mg_sql_comment_on(&b, op->new_table->name, op->new_column->name,
					  op->new_column->comment);
		else
			mg_sql_comment_on(&b, op->new_table->name, NULL, op->new_table->comment);
		lock(&f, pg, op->new_table->name, LOCK_SHARE_UPDATE_EXCLUSIVE);
		break;
	}
	if (b.len)
		push(pg, i + 1, NULL, &b, &f, 0, NULL);
	mg_strbuf_free(&b);
}

/* Appends the PostgreSQL steps of ops[0..n): in the order given, with
 * renames in a safe order. */
static void pg_plan(struct step_list *out, const struct plan_ctx *ctx, const struct diff_op *ops,
		    size_t n, unsigned char *rebuilt)
{
	struct mg_strbuf later = {0};
	size_t i, end, last_create = n, n_ix_ren, *ix_ren;
	size_t ix_batch = index_batch(ctx, ops, n, &ix_ren, &n_ix_ren);
	struct pg pg = {0};

	(void)rebuilt; /* PostgreSQL never rebuilds */
	pg.ctx = ctx;
	pg.out = out;
	pg.ops = ops;
	pg.n = n;
	pg.plain = ctx->plain_ddl;
	sql_dialect_table_ops(&pg.created, ctx->arena, ops, n, DIFF_CREATE_TABLE);
	for (i = 0; i < n; i++)
		if (ops[i].kind == DIFF_CREATE_TABLE)
			last_create = i;
	for (i = 0; i < n; i++) {
		const struct diff_op *op = &ops[i];
		unsigned char *keep = NULL;

		if (ix_batch < n && i == ix_batch)
			renames(&pg, ix_ren, n_ix_ren);
		if (ix_batch < n && op->kind == DIFF_ADD_INDEX && op->old_index)
			continue; /* in the batch above */
		if (sql_dialect_rename_run(ops, n, i, &end) || fk_rename_run(ops, n, i, &end)) {
			renames(&pg, sql_dialect_range(ctx->arena, i, end), end - i);
			i = end - 1;
			continue;
		}
		if (op->kind == DIFF_DROP_TABLE && (i == 0 || ops[i - 1].kind != DIFF_DROP_TABLE))
			cycle_keys(&pg);
		if (op->kind == DIFF_CREATE_TABLE && op->new_table->n_foreign_keys)
			keep = inline_keys(&later, ctx, &pg.created, ops, i);
		plan_op(&pg, i, keep);
		if (i == last_create && later.len) {
			struct facts f = {0};

			push(&pg, 0, "add the foreign keys between the new tables", &later, &f, 0,
			     NULL);
		}
	}
	mg_strbuf_free(&later);
}

void sql_pg_review_notes(struct mg_strbuf *notes, const struct diff_op *ops, size_t n, int plain,
			 const struct mg_plan *up)
{
	size_t i;
	int online = 0;

	for (i = 0; i < n; i++) {
		const struct diff_op *op = &ops[i];

		if (op->kind == DIFF_ALTER_COLUMN && (op->changes & DIFF_CHANGE_TYPE)) {
			struct mg_strbuf from = {0}, to = {0};

			mg_sql_column_type(&from, MG_DIALECT_POSTGRESQL, op->old_table,
					   op->old_column);
			mg_sql_column_type(&to, MG_DIALECT_POSTGRESQL, op->new_table,
					   op->new_column);
			if (op_rewrites(op))
				mg_strbuf_printf(
					notes,
					"[!] PostgreSQL rewrites table %s to change %s.%s from %s "
					"to "
					"%s, under ACCESS EXCLUSIVE: reads and writes of %s wait "
					"until it ends. Without the long lock: add a column of the "
					"new type, fill it in batches (a data migration), move the "
					"application to it, then drop the old column.\n",
					op->new_table->name, op->new_table->name,
					op->new_column->name, mg_strbuf_cstr(&from),
					mg_strbuf_cstr(&to), op->new_table->name);
			else
				mg_strbuf_printf(notes,
						 "PostgreSQL changes %s.%s from %s to %s without a "
						 "rewrite or a scan (binary-coercible).\n",
						 op->new_table->name, op->new_column->name,
						 mg_strbuf_cstr(&from), mg_strbuf_cstr(&to));
			mg_strbuf_free(&from);
			mg_strbuf_free(&to);
		}
		if (op->kind == DIFF_ADD_COLUMN && op->old_table &&
		    (default_is_volatile(op->new_column->default_sql) || op->new_column->identity))
			mg_strbuf_printf(
				notes,
				"[!] Adding %s.%s with %s %s rewrites table %s under ACCESS "
				"EXCLUSIVE (every row gets its own value). Without the long "
				"lock: add it with no default, fill it in batches (a data "
				"migration), then set the default.\n",
				op->new_table->name, op->new_column->name,
				op->new_column->identity ? "generated values"
							 : "the volatile default",
				op->new_column->identity ? "(identity)"
							 : op->new_column->default_sql,
				op->new_table->name);
	}
	for (i = 0; up && i < up->n_steps; i++)
		online |= (up->steps[i].flags &
			   (MG_STEP_NO_TX | MG_STEP_BATCHED | MG_STEP_OWN_TX)) != 0;
	if (online)
		mg_strbuf_puts(notes, "PostgreSQL runs it as a recorded sequence of short "
				      "transactions, resumed exactly after an interruption.\n");
	if (plain)
		mg_strbuf_puts(
			notes,
			"Plain DDL (--plain-ddl): PostgreSQL holds the locks each step lists "
			"for as long as its statement runs (index builds, validations, fills "
			"included); for small tables or a maintenance window.\n");
}

const struct sql_dialect sql_dialect_pg = {MG_DIALECT_POSTGRESQL, pg_plan};
