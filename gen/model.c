/*
 * Validation of the model (see model.h): the rules of the model language
 * that need the whole schema rather than one field (names, keys,
 * references, defaults). The C-level rules (types, annotation syntax) are
 * parse.c's.
 */
#include "model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql.h"
#include "util/arena.h"

/* Frees the model; everything, the struct included, lives in its arena. */
void model_free(struct model *model)
{
	if (model)
		mg_arena_free(model->arena);
}

size_t model_utf8_decode(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;
	uint32_t c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0)
		n = 2, c &= 0x1F, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		n = 3, c &= 0x0F, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

int model_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	for (; *p; p += n)
		if (!(n = model_utf8_decode(p, &cp)))
			return 0;
	return 1;
}

/* Checks a table or column name; `what` is "table" or "column". */
static size_t check_name(const char *name, const char *what, const struct diag_loc *loc,
			 struct diag_list *diags)
{
	if (strlen(name) > 63) {
		diag_error(diags, loc, "%s name '%s' is longer than 63 bytes", what, name);
		return 1;
	}
	if (!mg_sql_ident_valid(name)) {
		diag_error(diags, loc,
			   "%s name '%s' is not a valid identifier (letters, digits and '_', not "
			   "starting with a digit)",
			   what, name);
		return 1;
	}
	if (strncasecmp(name, "modelgen_", 9) == 0) {
		diag_error(diags, loc, "%s name '%s': names starting with 'modelgen_' are reserved",
			   what, name);
		return 1;
	}
	return 0;
}

static size_t find_col(const struct mg_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_columns; i++)
		if (strcmp(t->columns[i].name, name) == 0)
			return i;
	return (size_t)-1;
}

/* The family of a type for foreign keys: PostgreSQL accepts a key between
 * two types of one family (its btree operator families: the integers, the
 * strings, the floating-point types) and refuses one across families;
 * SQLite accepts any. 0 for a type alone in its family. */
static int key_family(enum mg_coltype t)
{
	switch (t) {
	case MG_COL_SMALLINT:
	case MG_COL_INTEGER:
	case MG_COL_BIGINT:
		return 1;
	case MG_COL_VARCHAR:
	case MG_COL_TEXT:
		return 2;
	case MG_COL_REAL:
	case MG_COL_DOUBLE:
		return 3;
	default:
		return 0;
	}
}

/* 1 when a foreign key column of type `a` may reference a key of type `b`:
 * both databases accept it. A smallint may reference a bigint key (it then
 * cannot reference the keys beyond its range, which is the model's
 * choice), a varchar(16) a text key. A custom type only matches itself:
 * nothing is known about what it compares with. */
static int key_types_match(const struct mg_column *a, const struct mg_column *b)
{
	if (a->type == MG_COL_CUSTOM || b->type == MG_COL_CUSTOM)
		return a->type == b->type && strcasecmp(a->custom_type, b->custom_type) == 0;
	if (a->type == b->type)
		return 1;
	return key_family(a->type) && key_family(a->type) == key_family(b->type);
}

static const char *type_text(struct mg_arena *a, const struct mg_column *c)
{
	if (c->type == MG_COL_VARCHAR)
		return mg_arena_printf(a, "varchar(%u)", c->length);
	if (c->type == MG_COL_CUSTOM)
		return c->custom_type;
	return mg_coltype_name(c->type);
}

/* A referenced column must be a key: the whole primary key or a one-column
 * unique index, or the databases refuse the foreign key. */
static int is_single_key(const struct mg_table *t, const char *col)
{
	size_t i;

	if (t->n_primary_key == 1 && strcmp(t->primary_key[0], col) == 0)
		return 1;
	for (i = 0; i < t->n_indexes; i++)
		if (t->indexes[i].unique && t->indexes[i].n_columns == 1 &&
		    strcmp(t->indexes[i].columns[0], col) == 0)
			return 1;
	return 0;
}

/* Checks a column name list (primary key or index); `what` names it, then
 * `name` in quotes unless NULL (put together only for a message). */
static size_t check_list(const struct mg_table *t, size_t n, const char *const *names,
			 const char *what, const char *name, const struct diag_loc *loc,
			 struct diag_list *diags)
{
	const char *q = name ? " '" : "", *nm = name ? name : "", *q2 = name ? "'" : "";
	size_t i, j, errors = 0;

	for (i = 0; i < n; i++) {
		if (find_col(t, names[i]) == (size_t)-1) {
			diag_error(diags, loc, "%s%s%s%s names unknown column '%s' of table '%s'",
				   what, q, nm, q2, names[i], t->name);
			errors++;
		}
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0) {
				diag_error(diags, loc, "%s%s%s%s names column '%s' twice", what, q,
					   nm, q2, names[i]);
				errors++;
				break;
			}
	}
	return errors;
}

static size_t validate_columns(const struct mg_table *t, const struct model_table_info *info,
			       struct diag_list *diags)
{
	size_t i, j, errors = 0;

	for (i = 0; i < t->n_columns; i++) {
		const struct mg_column *c = &t->columns[i];
		const struct model_column_info *ci = &info->columns[i];
		const char *why = NULL;

		errors += check_name(c->name, "column", &ci->name, diags);
		for (j = 0; j < i; j++)
			if (strcasecmp(t->columns[j].name, c->name) == 0) {
				diag_error(diags, &ci->name,
					   "duplicate column '%s' in table '%s' (first at line %u)",
					   c->name, t->name, info->columns[j].name.line);
				errors++;
				break;
			}
		if (c->renamed_from) {
			if (strcmp(c->renamed_from, c->name) == 0) {
				diag_error(
					diags, &ci->renamed_from,
					"MG_RENAMED_FROM(\"%s\") names the column's current name",
					c->renamed_from);
				errors++;
			} else if (!mg_sql_ident_valid(c->renamed_from)) {
				diag_error(diags, &ci->renamed_from,
					   "MG_RENAMED_FROM(\"%s\") is not a valid identifier",
					   c->renamed_from);
				errors++;
			}
			for (j = 0; j < i; j++)
				if (t->columns[j].renamed_from &&
				    strcmp(t->columns[j].renamed_from, c->renamed_from) == 0) {
					diag_error(diags, &ci->renamed_from,
						   "MG_RENAMED_FROM(\"%s\") is also on column '%s'",
						   c->renamed_from, t->columns[j].name);
					errors++;
					break;
				}
		}
		if (c->default_sql && !mg_sql_default_valid(c->default_sql, &why)) {
			diag_error(diags, &ci->default_sql, "MG_DEFAULT(\"%s\"): %s",
				   c->default_sql, why);
			errors++;
		} else if (c->default_sql && !model_utf8_valid(c->default_sql)) {
			diag_error(diags, &ci->default_sql, "MG_DEFAULT is not valid UTF-8");
			errors++;
		}
		if (c->type == MG_COL_CUSTOM && (!mg_sql_default_valid(c->custom_type, &why) ||
						 !model_utf8_valid(c->custom_type))) {
			diag_error(diags, &ci->type, "MG_TYPE(\"%s\"): %s", c->custom_type,
				   why ? why : "not valid UTF-8");
			errors++;
		}
		if (c->identity && c->default_sql) {
			diag_error(diags, &ci->default_sql,
				   "MG_DEFAULT on '%s', a primary key the database generates",
				   c->name);
			errors++;
		}
		if (c->comment && !model_utf8_valid(c->comment)) {
			diag_error(diags, &info->column_locs[i], "doc comment is not valid UTF-8");
			errors++;
		}
	}
	return errors;
}

static int str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static int names_eq(size_t na, const char *const *a, size_t nb, const char *const *b)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (!str_eq(a[i], b[i]))
			return 0;
	return 1;
}

int model_table_eq(const struct mg_table *a, const struct mg_table *b)
{
	size_t i;

	if (!str_eq(a->name, b->name) || !str_eq(a->comment, b->comment) ||
	    a->n_columns != b->n_columns || a->n_indexes != b->n_indexes ||
	    a->n_foreign_keys != b->n_foreign_keys ||
	    !names_eq(a->n_primary_key, a->primary_key, b->n_primary_key, b->primary_key))
		return 0;
	for (i = 0; i < a->n_columns; i++) {
		const struct mg_column *x = &a->columns[i], *y = &b->columns[i];

		if (!str_eq(x->name, y->name) || x->type != y->type || x->length != y->length ||
		    !str_eq(x->custom_type, y->custom_type) || !x->nullable != !y->nullable ||
		    !x->identity != !y->identity || !str_eq(x->default_sql, y->default_sql) ||
		    !str_eq(x->comment, y->comment))
			return 0;
	}
	for (i = 0; i < a->n_indexes; i++) {
		const struct mg_index *x = &a->indexes[i], *y = &b->indexes[i];

		if (!str_eq(x->name, y->name) || !x->unique != !y->unique ||
		    !names_eq(x->n_columns, x->columns, y->n_columns, y->columns))
			return 0;
	}
	for (i = 0; i < a->n_foreign_keys; i++) {
		const struct mg_foreign_key *x = &a->foreign_keys[i], *y = &b->foreign_keys[i];

		if (!str_eq(x->name, y->name) || !str_eq(x->column, y->column) ||
		    !str_eq(x->ref_table, y->ref_table) || !str_eq(x->ref_column, y->ref_column) ||
		    x->on_delete != y->on_delete)
			return 0;
	}
	return 1;
}

const struct mg_table *model_find_table(const struct mg_schema *s, const char *name)
{
	size_t lo = 0, hi = s->n_tables;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->tables[mid].name, name);

		if (c == 0)
			return &s->tables[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static size_t validate_keys(struct mg_arena *scratch, const struct mg_schema *s,
			    const struct mg_table *t, const struct model_table_info *info,
			    struct diag_list *diags)
{
	size_t i, j, errors = 0;

	if (t->n_primary_key == 0) {
		diag_error(diags, &info->loc,
			   "table '%s' has no primary key (MG_PRIMARY_KEY or MG_PRIMARY_KEY_ON)",
			   t->name);
		errors++;
	}
	errors += check_list(t, t->n_primary_key, t->primary_key, "the primary key", NULL,
			     &info->primary_key, diags);
	for (i = 0; i < t->n_primary_key; i++) {
		size_t c = find_col(t, t->primary_key[i]);

		if (c != (size_t)-1 && t->columns[c].nullable) {
			diag_error(diags, &info->column_locs[c],
				   "primary key column '%s' cannot be MG_NULLABLE",
				   t->columns[c].name);
			errors++;
		}
	}

	for (i = 0; i < t->n_indexes; i++) {
		const struct mg_index *ix = &t->indexes[i];
		const struct diag_loc *loc = &info->index_locs[i];

		errors += check_list(t, ix->n_columns, ix->columns,
				     ix->unique ? "unique constraint" : "index", ix->name, loc,
				     diags);
		if (i > 0 && strcmp(t->indexes[i - 1].name, ix->name) == 0) {
			diag_error(diags, loc, "%s '%s' is declared twice",
				   ix->unique ? "unique constraint" : "index", ix->name);
			errors++;
		}
		if (ix->unique && ix->n_columns == t->n_primary_key) {
			int same = 1;

			for (j = 0; j < ix->n_columns && same; j++)
				same = strcmp(ix->columns[j], t->primary_key[j]) == 0;
			/* Both databases accept it: a second index on the key's
			 * columns, which only costs writes. */
			if (same)
				diag_warning(diags, loc,
					     "unique constraint '%s' repeats the primary key: a "
					     "second index on the same columns, which only costs "
					     "writes; remove it",
					     ix->name);
		}
	}

	for (i = 0; i < t->n_foreign_keys; i++) {
		const struct mg_foreign_key *fk = &t->foreign_keys[i];
		size_t c = find_col(t, fk->column);
		const struct model_column_info *ci = &info->columns[c];
		const struct mg_table *rt = model_find_table(s, fk->ref_table);
		const struct mg_column *rc;

		if (fk->on_delete == MG_FK_SET_NULL && !t->columns[c].nullable) {
			diag_error(
				diags, &ci->on_delete,
				"MG_ON_DELETE(\"set null\") on column '%s', which is NOT NULL (add "
				"MG_NULLABLE)",
				fk->column);
			errors++;
		}
		if (!rt) {
			diag_error(diags, &ci->references,
				   "MG_REFERENCES names table '%s', which is not a model table",
				   fk->ref_table);
			errors++;
			continue;
		}
		rc = mg_table_find_column(rt, fk->ref_column);
		if (!rc) {
			diag_error(
				diags, &ci->references,
				"MG_REFERENCES names column '%s' of table '%s', which has no such "
				"column",
				fk->ref_column, fk->ref_table);
			errors++;
			continue;
		}
		if (!key_types_match(&t->columns[c], rc)) {
			int custom =
				t->columns[c].type == MG_COL_CUSTOM || rc->type == MG_COL_CUSTOM;

			diag_error(diags, &ci->references,
				   "foreign key column '%s' is %s but '%s.%s' is %s: %s",
				   fk->column, type_text(scratch, &t->columns[c]), fk->ref_table,
				   fk->ref_column, type_text(scratch, rc),
				   custom ? "with an MG_TYPE on either side the types must be the "
					    "same (nothing is known about how they compare)"
					  : "PostgreSQL refuses a foreign key between these types");
			errors++;
		} else if (!is_single_key(rt, fk->ref_column)) {
			diag_error(diags, &ci->references,
				   "MG_REFERENCES names '%s.%s', which is neither the primary key "
				   "nor MG_UNIQUE",
				   fk->ref_table, fk->ref_column);
			errors++;
		}
	}
	return errors;
}

struct table_ref {
	const struct mg_table *table;
	const struct diag_loc *loc;
};

/* Case-insensitive name order; equal names in source order, so that the
 * later declaration is the one reported. */
static int cmp_table_nocase(const void *a, const void *b)
{
	const struct table_ref *x = a, *y = b;
	int c = strcasecmp(x->table->name, y->table->name);

	if (c)
		return c;
	c = strcmp(x->loc->file, y->loc->file);
	if (c)
		return c;
	return x->loc->line < y->loc->line ? -1 : x->loc->line > y->loc->line;
}

struct name_ref {
	const char *name;
	const char *table;
	const struct diag_loc *loc;
	int pk; /* a primary key's name */
};

static int cmp_name_nocase(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcasecmp(x->name, y->name);

	return c ? c : strcmp(x->table, y->table);
}

/* The first table of `s` (in its order) whose name equals `name` but for
 * case, or NULL; `by_name` is s's tables sorted by cmp_table_nocase. */
static const struct mg_table *find_table_nocase(const struct mg_schema *s,
						const struct table_ref *by_name, const char *name)
{
	const struct mg_table *first = NULL;
	size_t lo = 0, hi = s->n_tables, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcasecmp(by_name[mid].table->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < s->n_tables && strcasecmp(by_name[i].table->name, name) == 0; i++)
		if (!first || by_name[i].table < first)
			first = by_name[i].table;
	return first;
}

/*
 * Index names live in one namespace per schema, shared with tables, in
 * both databases; MG_NAME can make two meet. Foreign key names must differ
 * within a table. Same-table duplicate indexes are validate_keys' report.
 */
static size_t validate_names(struct mg_arena *scratch, const struct model *model,
			     const struct table_ref *by_name, struct diag_list *diags)
{
	const struct mg_schema *s = &model->schema;
	struct name_ref *v;
	size_t i, j, n = 0, total = 0, errors = 0;

	for (i = 0; i < s->n_tables; i++)
		total += s->tables[i].n_indexes + 1;
	v = mg_arena_calloc(scratch, total + 1, sizeof(*v));
	for (i = 0; i < s->n_tables; i++) {
		const struct mg_table *t = &s->tables[i];

		/* A primary key's own name (MG_NAME) is its index's on
		 * PostgreSQL: the same namespace. */
		if (t->primary_key_name) {
			const struct mg_table *other =
				find_table_nocase(s, by_name, t->primary_key_name);

			v[n].name = t->primary_key_name;
			v[n].table = t->name;
			v[n].loc = &model->info[i].primary_key;
			v[n].pk = 1;
			n++;
			if (other) {
				diag_error(diags, v[n - 1].loc,
					   "primary key '%s' of table '%s' has the name of table "
					   "'%s'",
					   t->primary_key_name, t->name, other->name);
				errors++;
			}
		}
		for (j = 0; j < t->n_indexes; j++) {
			const struct mg_table *other =
				find_table_nocase(s, by_name, t->indexes[j].name);

			v[n].name = t->indexes[j].name;
			v[n].table = t->name;
			v[n].loc = &model->info[i].index_locs[j];
			n++;
			if (other) {
				diag_error(diags, v[n - 1].loc,
					   "index '%s' of table '%s' has the name of table '%s'",
					   t->indexes[j].name, t->name, other->name);
				errors++;
			}
		}
		for (j = 1; j < t->n_foreign_keys; j++) {
			size_t k, c;

			for (k = 0; k < j; k++)
				if (strcasecmp(t->foreign_keys[k].name, t->foreign_keys[j].name) ==
				    0)
					break;
			if (k == j)
				continue;
			c = find_col(t, t->foreign_keys[j].column);
			diag_error(diags, &model->info[i].columns[c].references,
				   "foreign key name '%s' is used twice in table '%s'",
				   t->foreign_keys[j].name, t->name);
			errors++;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_name_nocase);
	for (i = 1; i < n; i++)
		if (strcasecmp(v[i - 1].name, v[i].name) == 0 &&
		    (strcmp(v[i - 1].table, v[i].table) != 0 || v[i - 1].pk || v[i].pk)) {
			diag_error(diags, v[i].loc,
				   "%s name '%s' of table '%s' is also %s of table '%s'",
				   v[i].pk ? "primary key" : "index", v[i].name, v[i].table,
				   v[i - 1].pk ? "the primary key" : "an index", v[i - 1].table);
			errors++;
		}
	return errors;
}

/*
 * Checks the model (see model.h): table and column names, primary keys,
 * index and key column lists, foreign keys, defaults and renames. Adds one
 * error per problem at the place it comes from; returns how many.
 */
size_t model_validate(const struct model *model, struct diag_list *diags)
{
	const struct mg_schema *s = &model->schema;
	struct mg_arena *scratch = mg_arena_new();
	struct table_ref *by_name;
	size_t i, j, errors = 0;

	by_name = mg_arena_calloc(scratch, s->n_tables + 1, sizeof(*by_name));
	for (i = 0; i < s->n_tables; i++) {
		by_name[i].table = &s->tables[i];
		by_name[i].loc = &model->info[i].loc;
	}
	if (s->n_tables)
		qsort(by_name, s->n_tables, sizeof(*by_name), cmp_table_nocase);
	/* SQLite folds identifier case: "Users" and "users" collide. */
	for (i = 1; i < s->n_tables; i++)
		if (strcasecmp(by_name[i - 1].table->name, by_name[i].table->name) == 0) {
			diag_error(diags, by_name[i].loc, "duplicate table '%s' (also at %s:%u)",
				   by_name[i].table->name, by_name[i - 1].loc->file,
				   by_name[i - 1].loc->line);
			errors++;
		}
	for (i = 0; i < s->n_tables; i++) {
		const struct mg_table *t = &s->tables[i];
		const struct model_table_info *info = &model->info[i];

		errors += check_name(t->name, "table", &info->loc, diags);
		if (t->renamed_from) {
			if (strcmp(t->renamed_from, t->name) == 0) {
				diag_error(diags, &info->renamed_from,
					   "MG_RENAMED_FROM(\"%s\") names the table's current name",
					   t->renamed_from);
				errors++;
			} else if (!mg_sql_ident_valid(t->renamed_from)) {
				diag_error(diags, &info->renamed_from,
					   "MG_RENAMED_FROM(\"%s\") is not a valid identifier",
					   t->renamed_from);
				errors++;
			}
			for (j = 0; j < i; j++)
				if (s->tables[j].renamed_from &&
				    strcmp(s->tables[j].renamed_from, t->renamed_from) == 0) {
					diag_error(diags, &info->renamed_from,
						   "MG_RENAMED_FROM(\"%s\") is also on table '%s'",
						   t->renamed_from, s->tables[j].name);
					errors++;
					break;
				}
		}
		if (t->comment && !model_utf8_valid(t->comment)) {
			diag_error(diags, &info->loc, "doc comment is not valid UTF-8");
			errors++;
		}
		errors += validate_columns(t, info, diags);
		errors += validate_keys(scratch, s, t, info, diags);
	}
	errors += validate_names(scratch, model, by_name, diags);
	mg_arena_free(scratch);
	return errors;
}
