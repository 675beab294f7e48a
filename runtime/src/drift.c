/*
 * The drift report: an expected schema (normalised as the database stores
 * it) compared with the live one, one line per difference. Compared:
 * columns by name (type, length, nullability, identity, default), primary
 * key (its columns, and its name: NULL on SQLite, which keeps none), indexes and foreign keys by
 * name; not compared: column order and comments. An index or key that is missing under one name and
 * unexpected under another is one line ("is called X in the database, Y in the migration").
 */
#include "drift.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inspect.h"

static void describe_column(struct mg_strbuf *b, const struct mg_column *c)
{
	if (c->type == MG_COL_CUSTOM)
		mg_strbuf_puts(b, c->custom_type);
	else if (c->type == MG_COL_VARCHAR)
		mg_strbuf_printf(b, "varchar(%u)", c->length);
	else
		mg_strbuf_puts(b, mg_coltype_name(c->type) ? mg_coltype_name(c->type) : "?");
	mg_strbuf_puts(b, c->nullable ? " NULL" : " NOT NULL");
	if (c->identity)
		mg_strbuf_puts(b, " identity");
	if (c->default_sql)
		mg_strbuf_printf(b, " DEFAULT %s", c->default_sql);
}

static int is_integer(enum mg_coltype t)
{
	return t == MG_COL_SMALLINT || t == MG_COL_INTEGER || t == MG_COL_BIGINT;
}

/* SQLite: N when `c` (live) is declared VARCHAR(N) without its length
 * check (introspection reads it as that custom type), else 0. */
static unsigned unchecked_varchar(const struct mg_column *c)
{
	const char *t = c->custom_type;
	unsigned long n;
	char *end;

	if (c->type != MG_COL_CUSTOM || !t || strncasecmp(t, "varchar", 7) != 0)
		return 0;
	for (t += 7; *t == ' '; t++)
		;
	if (*t != '(')
		return 0;
	n = strtoul(t + 1, &end, 10);
	while (*end == ' ')
		end++;
	return end > t + 1 && strcmp(end, ")") == 0 && n <= 0xffffffffUL ? (unsigned)n : 0;
}

/* SQLite (`loose_types`): 1 when expected varchar(N) `a` is found as a
 * VARCHAR(N) without its length check (`b`). */
static int unchecked(int loose_types, const struct mg_column *a, const struct mg_column *b)
{
	return loose_types && a->type == MG_COL_VARCHAR && b->length == 0 &&
	       unchecked_varchar(b) == a->length;
}

/* An expected varchar(N) found as a VARCHAR(N) without its length check
 * (unchecked()) is alike: see drift.h. */
static int same_column(int loose_types, const struct mg_column *a, const struct mg_column *b)
{
	struct mg_column checked;
	int same_type;

	if (unchecked(loose_types, a, b)) {
		checked = *b;
		checked.type = MG_COL_VARCHAR;
		checked.length = a->length;
		checked.custom_type = NULL;
		b = &checked;
	}
	same_type =
		a->type == b->type || (loose_types && is_integer(a->type) && is_integer(b->type));

	if (!same_type || a->length != b->length || !a->nullable != !b->nullable ||
	    !a->identity != !b->identity)
		return 0;
	if (a->type == MG_COL_CUSTOM &&
	    !(loose_types ? inspect_loose_eq(a->custom_type, b->custom_type)
			  : strcmp(a->custom_type, b->custom_type) == 0))
		return 0;
	if (!a->default_sql != !b->default_sql)
		return 0;
	return !a->default_sql || strcmp(a->default_sql, b->default_sql) == 0;
}

static void describe_list(struct mg_strbuf *b, size_t n, const char *const *names)
{
	size_t i;

	mg_strbuf_putc(b, '(');
	for (i = 0; i < n; i++)
		mg_strbuf_printf(b, "%s%s", i ? ", " : "", names[i]);
	mg_strbuf_putc(b, ')');
}

static int same_list(size_t na, const char *const *a, size_t nb, const char *const *b)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

static void describe_fk(struct mg_strbuf *b, const struct mg_foreign_key *fk)
{
	mg_strbuf_printf(b, "(%s) -> %s(%s) on delete %s", fk->column, fk->ref_table,
			 fk->ref_column, mg_fk_action_name(fk->on_delete));
}

static int same_fk(const struct mg_foreign_key *a, const struct mg_foreign_key *b)
{
	return strcmp(a->column, b->column) == 0 && strcmp(a->ref_table, b->ref_table) == 0 &&
	       strcmp(a->ref_column, b->ref_column) == 0 && a->on_delete == b->on_delete;
}

/* The foreign key of `t` named as `fk`, or with `loose` one doing the same
 * under another name; NULL when none. */
static const struct mg_foreign_key *find_fk(const struct mg_table *t,
					    const struct mg_foreign_key *fk, int loose)
{
	size_t j;

	for (j = 0; j < t->n_foreign_keys; j++)
		if (strcmp(t->foreign_keys[j].name, fk->name) == 0)
			return &t->foreign_keys[j];
	for (j = 0; loose && j < t->n_foreign_keys; j++)
		if (same_fk(&t->foreign_keys[j], fk))
			return &t->foreign_keys[j];
	return NULL;
}

static int same_index(const struct mg_index *a, const struct mg_index *b)
{
	return !a->unique == !b->unique &&
	       same_list(a->n_columns, a->columns, b->n_columns, b->columns);
}

static int has_index(const struct mg_table *t, const char *name)
{
	size_t j;

	for (j = 0; j < t->n_indexes; j++)
		if (strcmp(t->indexes[j].name, name) == 0)
			return 1;
	return 0;
}

/*
 * An index of `t` that `other` has no index of that name for ("unmatched")
 * and an unmatched index of `other` alike (same uniqueness and columns) are
 * one index under two names: the k-th unmatched of `t` pairs with the k-th
 * unmatched alike of `other`. Returns the partner of t->indexes[i] in
 * `other`, or NULL.
 */
static const struct mg_index *index_partner(const struct mg_table *t, size_t i,
					    const struct mg_table *other)
{
	const struct mg_index *ix = &t->indexes[i];
	size_t rank = 0, j;

	for (j = 0; j < i; j++)
		rank += !has_index(other, t->indexes[j].name) && same_index(&t->indexes[j], ix);
	for (j = 0; j < other->n_indexes; j++) {
		const struct mg_index *o = &other->indexes[j];

		if (!has_index(t, o->name) && same_index(o, ix) && rank-- == 0)
			return o;
	}
	return NULL;
}

/* SQLite names the index of a UNIQUE in a table definition by its position
 * (sqlite_autoindex_<table>_<n>): no one chooses it, and it cannot be
 * created or dropped by name. */
static int automatic(const struct mg_index *ix)
{
	return ix->unique && strncmp(ix->name, "sqlite_autoindex_", 17) == 0;
}

/* As index_partner for foreign keys (same column, reference and action)
 * that neither find_fk finds. */
static const struct mg_foreign_key *fk_partner(const struct mg_table *t, size_t i,
					       const struct mg_table *other, int loose)
{
	const struct mg_foreign_key *fk = &t->foreign_keys[i];
	size_t rank = 0, j;

	for (j = 0; j < i; j++)
		rank += !find_fk(other, &t->foreign_keys[j], loose) &&
			same_fk(&t->foreign_keys[j], fk);
	for (j = 0; j < other->n_foreign_keys; j++) {
		const struct mg_foreign_key *o = &other->foreign_keys[j];

		if (!find_fk(t, o, loose) && same_fk(o, fk) && rank-- == 0)
			return o;
	}
	return NULL;
}

/* The name of t's primary key: its own, or pk_<table>. */
static void put_pk_name(struct mg_strbuf *r, const struct mg_table *t)
{
	if (t->primary_key_name)
		mg_strbuf_puts(r, t->primary_key_name);
	else
		mg_strbuf_printf(r, "pk_%s", t->name);
}

/* `name` is the one PostgreSQL gives the key of `table` itself:
 * <table>_pkey, the table's name cut so that the whole fits 63 bytes. */
static int pg_default_pk_name(const char *name, const char *table)
{
	size_t n = strlen(table) > 58 ? 58 : strlen(table);

	return strlen(name) == n + 5 && strncmp(name, table, n) == 0 &&
	       strcmp(name + n, "_pkey") == 0;
}

/*
 * Both tables (of one name) give their primary key the same name. A key
 * the models leave to its derived name that the database calls by
 * PostgreSQL's own default (a schema written by hand, adopted without
 * `pull`) is not a difference: nothing is lost by the name, and refusing
 * such a database would block the commonest adoption; a later migration
 * that renames the table or changes the key names pk_<table>, fails on
 * PostgreSQL and is rolled back, and MG_NAME (which `pull` writes) says
 * the real name.
 */
static int same_pk_name(const struct mg_table *a, const struct mg_table *b)
{
	if (!a->primary_key_name && b->primary_key_name &&
	    pg_default_pk_name(b->primary_key_name, b->name))
		return 1;
	if (!a->primary_key_name || !b->primary_key_name)
		return a->primary_key_name == b->primary_key_name;
	return strcmp(a->primary_key_name, b->primary_key_name) == 0;
}

static size_t compare_table(struct mg_strbuf *r, int loose_types, const struct mg_table *e,
			    const struct mg_table *l)
{
	size_t n = 0, i;

	for (i = 0; i < e->n_columns; i++) {
		const struct mg_column *ec = &e->columns[i];
		const struct mg_column *lc = mg_table_find_column(l, ec->name);

		if (!lc) {
			mg_strbuf_printf(r, "table %s: column %s is missing (expected ", e->name,
					 ec->name);
			describe_column(r, ec);
			mg_strbuf_puts(r, ")\n");
			n++;
		} else if (!same_column(loose_types, ec, lc)) {
			mg_strbuf_printf(r, "table %s: column %s: expected ", e->name, ec->name);
			describe_column(r, ec);
			mg_strbuf_puts(r, ", found ");
			describe_column(r, lc);
			mg_strbuf_putc(r, '\n');
			n++;
		} else if (unchecked(loose_types, ec, lc)) {
			mg_strbuf_printf(r,
					 "note: table %s: column %s is %s without CHECK "
					 "(length(%s) <= %u) (made before modelgen wrote it, or "
					 "by hand): SQLite takes longer values until a migration "
					 "rebuilds the table\n",
					 e->name, ec->name, lc->custom_type, ec->name, ec->length);
		}
	}
	for (i = 0; i < l->n_columns; i++)
		if (!mg_table_find_column(e, l->columns[i].name)) {
			mg_strbuf_printf(r, "table %s: unexpected column %s (", e->name,
					 l->columns[i].name);
			describe_column(r, &l->columns[i]);
			mg_strbuf_puts(r, ")\n");
			n++;
		}
	if (!same_list(e->n_primary_key, e->primary_key, l->n_primary_key, l->primary_key)) {
		mg_strbuf_printf(r, "table %s: primary key: expected ", e->name);
		describe_list(r, e->n_primary_key, e->primary_key);
		mg_strbuf_puts(r, ", found ");
		describe_list(r, l->n_primary_key, l->primary_key);
		mg_strbuf_putc(r, '\n');
		n++;
	} else if (e->n_primary_key && !same_pk_name(e, l)) {
		mg_strbuf_printf(r, "table %s: primary key ", e->name);
		describe_list(r, e->n_primary_key, e->primary_key);
		mg_strbuf_puts(r, " is called ");
		put_pk_name(r, l);
		mg_strbuf_puts(r, " in the database, ");
		put_pk_name(r, e);
		mg_strbuf_puts(r, " in the migration\n");
		n++;
	}
	for (i = 0; i < e->n_indexes; i++) {
		const struct mg_index *ei = &e->indexes[i], *li = NULL;
		size_t j;

		for (j = 0; j < l->n_indexes; j++)
			if (strcmp(l->indexes[j].name, ei->name) == 0)
				li = &l->indexes[j];
		if (li && same_index(li, ei))
			continue;
		if (!li && (li = index_partner(e, i, l)) != NULL) {
			/* One index, two names; on SQLite an automatic index is
			 * the expected unique whatever its name. */
			if (loose_types && automatic(li))
				continue;
			mg_strbuf_printf(r, "table %s: %sindex ", e->name,
					 ei->unique ? "unique " : "");
			describe_list(r, ei->n_columns, ei->columns);
			mg_strbuf_printf(r, " is called %s in the database, %s in the migration\n",
					 li->name, ei->name);
			n++;
			continue;
		}
		mg_strbuf_printf(r, "table %s: index %s: expected %s", e->name, ei->name,
				 ei->unique ? "unique " : "");
		describe_list(r, ei->n_columns, ei->columns);
		if (li) {
			mg_strbuf_printf(r, ", found %s", li->unique ? "unique " : "");
			describe_list(r, li->n_columns, li->columns);
		} else {
			mg_strbuf_puts(r, ", missing");
		}
		mg_strbuf_putc(r, '\n');
		n++;
	}
	for (i = 0; i < l->n_indexes; i++) {
		size_t j;
		int found = 0;

		for (j = 0; j < e->n_indexes; j++)
			found |= strcmp(l->indexes[i].name, e->indexes[j].name) == 0;
		if (!found && !index_partner(l, i, e)) {
			mg_strbuf_printf(r, "table %s: unexpected %sindex %s ", e->name,
					 l->indexes[i].unique ? "unique " : "", l->indexes[i].name);
			describe_list(r, l->indexes[i].n_columns, l->indexes[i].columns);
			mg_strbuf_putc(r, '\n');
			n++;
		}
	}
	for (i = 0; i < e->n_foreign_keys; i++) {
		const struct mg_foreign_key *ef = &e->foreign_keys[i];
		const struct mg_foreign_key *lf = find_fk(l, ef, loose_types);

		if (lf && same_fk(lf, ef))
			continue;
		if (!lf && (lf = fk_partner(e, i, l, loose_types)) != NULL) {
			mg_strbuf_printf(r, "table %s: foreign key ", e->name);
			describe_fk(r, ef);
			mg_strbuf_printf(r, " is called %s in the database, %s in the migration\n",
					 lf->name, ef->name);
			n++;
			continue;
		}
		mg_strbuf_printf(r, "table %s: foreign key %s: expected ", e->name, ef->name);
		describe_fk(r, ef);
		if (lf) {
			mg_strbuf_puts(r, ", found ");
			describe_fk(r, lf);
		} else {
			mg_strbuf_puts(r, ", missing");
		}
		mg_strbuf_putc(r, '\n');
		n++;
	}
	for (i = 0; i < l->n_foreign_keys; i++) {
		if (!find_fk(e, &l->foreign_keys[i], loose_types) &&
		    !fk_partner(l, i, e, loose_types)) {
			mg_strbuf_printf(r, "table %s: unexpected foreign key %s ", e->name,
					 l->foreign_keys[i].name);
			describe_fk(r, &l->foreign_keys[i]);
			mg_strbuf_putc(r, '\n');
			n++;
		}
	}
	return n;
}

size_t drift_report(struct mg_strbuf *report, int loose_types, const struct mg_schema *expected,
		    const struct mg_schema *live, int only_expected)
{
	size_t n = 0, i;

	for (i = 0; i < expected->n_tables; i++) {
		const struct mg_table *e = &expected->tables[i];
		const struct mg_table *l = mg_schema_find_table(live, e->name);

		if (!l) {
			mg_strbuf_printf(report, "table %s is missing\n", e->name);
			n++;
			continue;
		}
		n += compare_table(report, loose_types, e, l);
	}
	if (only_expected)
		return n;
	for (i = 0; i < live->n_tables; i++)
		if (!mg_schema_find_table(expected, live->tables[i].name)) {
			mg_strbuf_printf(report, "unexpected table %s\n", live->tables[i].name);
			n++;
		}
	return n;
}
