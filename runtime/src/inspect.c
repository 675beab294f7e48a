/*
 * Introspection: reading a live table back into the shared schema
 * description (SQLite here, PostgreSQL in inspect_pg.c), normalising an
 * expected schema the way the database stores it, and comparing the two.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db_int.h"
#include "inspect.h"
#include "sql.h"

/* ---- Builders ---------------------------------------------------------- */

static void *grow(struct mg_arena *a, void *ptr, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n < *cap)
		return ptr;
	*cap = *cap ? *cap * 2 : 8;
	p = mg_arena_calloc(a, *cap, size);
	if (n)
		memcpy(p, ptr, n * size);
	return p;
}

void ib_init(struct ib *b, struct mg_arena *arena, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->arena = arena;
	b->name = mg_arena_strdup(arena, name);
}

struct mg_column *ib_column(struct ib *b)
{
	b->cols = grow(b->arena, b->cols, &b->cap_cols, b->n_cols, sizeof(*b->cols));
	return &b->cols[b->n_cols++];
}

void ib_pk(struct ib *b, const char *column)
{
	b->pk = grow(b->arena, b->pk, &b->cap_pk, b->n_pk, sizeof(*b->pk));
	b->pk[b->n_pk++] = mg_arena_strdup(b->arena, column);
}

size_t ib_index(struct ib *b, const char *name, int unique)
{
	size_t cap = b->cap_ix, cap2 = b->cap_ix;

	b->ix = grow(b->arena, b->ix, &b->cap_ix, b->n_ix, sizeof(*b->ix));
	b->ix_cols = grow(b->arena, b->ix_cols, &cap, b->n_ix, sizeof(*b->ix_cols));
	b->ix_cap = grow(b->arena, b->ix_cap, &cap2, b->n_ix, sizeof(*b->ix_cap));
	b->ix[b->n_ix].name = mg_arena_strdup(b->arena, name);
	b->ix[b->n_ix].unique = unique;
	return b->n_ix++;
}

void ib_index_column(struct ib *b, size_t index, const char *column)
{
	struct mg_index *ix = &b->ix[index];

	b->ix_cols[index] =
		grow(b->arena, b->ix_cols[index], &b->ix_cap[index], ix->n_columns, sizeof(char *));
	b->ix_cols[index][ix->n_columns++] = mg_arena_strdup(b->arena, column);
	ix->columns = b->ix_cols[index];
}

struct mg_foreign_key *ib_fk(struct ib *b)
{
	b->fk = grow(b->arena, b->fk, &b->cap_fk, b->n_fk, sizeof(*b->fk));
	return &b->fk[b->n_fk++];
}

static int cmp_index(const void *a, const void *b)
{
	return strcmp(((const struct mg_index *)a)->name, ((const struct mg_index *)b)->name);
}

static int cmp_fk(const void *a, const void *b)
{
	return strcmp(((const struct mg_foreign_key *)a)->name,
		      ((const struct mg_foreign_key *)b)->name);
}

static int cmp_table(const void *a, const void *b)
{
	return strcmp(((const struct mg_table *)a)->name, ((const struct mg_table *)b)->name);
}

void sb_init(struct sb *s, struct mg_arena *arena)
{
	memset(s, 0, sizeof(*s));
	s->arena = arena;
}

void sb_add_table(struct sb *s, const struct mg_table *t)
{
	s->tables = grow(s->arena, s->tables, &s->cap, s->n, sizeof(*s->tables));
	s->tables[s->n++] = *t;
}

void sb_add(struct sb *s, struct ib *b)
{
	struct mg_table t = {0};

	if (b->n_ix)
		qsort(b->ix, b->n_ix, sizeof(*b->ix), cmp_index);
	if (b->n_fk)
		qsort(b->fk, b->n_fk, sizeof(*b->fk), cmp_fk);
	t.name = b->name;
	t.n_columns = b->n_cols;
	t.columns = b->cols;
	t.n_primary_key = b->n_pk;
	t.primary_key = b->pk;
	t.n_indexes = b->n_ix;
	t.indexes = b->ix;
	t.n_foreign_keys = b->n_fk;
	t.foreign_keys = b->fk;
	sb_add_table(s, &t);
}

struct mg_schema *sb_finish(struct sb *s)
{
	struct mg_schema *schema = mg_arena_alloc(s->arena, sizeof(*schema));

	if (s->n)
		qsort(s->tables, s->n, sizeof(*s->tables), cmp_table);
	schema->n_tables = s->n;
	schema->tables = s->tables;
	schema->owner = s->arena;
	return schema;
}

/* ---- Types ------------------------------------------------------------- */

/* 1 when `a` equals `b` ignoring ASCII case and runs of blanks. */
static int loose_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' && (a[1] == ' ' || a[1] == '(' || a[1] == 0))
			a++;
		while (*b == ' ' && (b[1] == ' ' || b[1] == '(' || b[1] == 0))
			b++;
		if (!*a || !*b)
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

void inspect_parse_type(struct mg_column *col, enum mg_dialect dialect, const char *sql_type,
			struct mg_arena *arena)
{
	static const struct {
		const char *sqlite, *pg;
		enum mg_coltype type;
	} names[] = {
		{"BOOLEAN", "boolean", MG_COL_BOOLEAN},
		{"SMALLINT", "smallint", MG_COL_SMALLINT},
		{"INTEGER", "integer", MG_COL_INTEGER},
		{"BIGINT", "bigint", MG_COL_BIGINT},
		{"REAL", "real", MG_COL_REAL},
		{"DOUBLE PRECISION", "double precision", MG_COL_DOUBLE},
		{"TEXT", "text", MG_COL_TEXT},
		{"BLOB", "bytea", MG_COL_BLOB},
	};
	const char *vc = dialect == MG_DIALECT_SQLITE ? "varchar(" : "character varying(";
	size_t i, n = strlen(vc);

	col->length = 0;
	col->custom_type = NULL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (loose_eq(sql_type,
			     dialect == MG_DIALECT_SQLITE ? names[i].sqlite : names[i].pg)) {
			col->type = names[i].type;
			return;
		}
	if (strlen(sql_type) > n && strncasecmp(sql_type, vc, n) == 0) {
		char *end;
		unsigned long len = strtoul(sql_type + n, &end, 10);

		if (end != sql_type + n && strcmp(end, ")") == 0) {
			col->type = MG_COL_VARCHAR;
			col->length = (unsigned)len;
			return;
		}
	}
	col->type = MG_COL_CUSTOM;
	col->custom_type = mg_arena_strdup(arena, sql_type);
}

/* ---- SQLite ------------------------------------------------------------ */

/* Reads an identifier token at *p (plain or double-quoted) into `out`
 * (cap bytes); returns 1 when there was one. */
static int read_ident(const char **p, char *out, size_t cap)
{
	const char *s = *p;
	size_t n = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '"' || *s == '`' || *s == '[') {
		char close = *s == '[' ? ']' : *s;

		for (s++; *s; s++) {
			if (*s == close) {
				if (s[1] != close)
					break;
				s++;
			}
			if (n + 1 < cap)
				out[n++] = *s;
		}
		if (*s != close)
			return 0;
		s++;
	} else {
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return 0;
		while (isalnum((unsigned char)*s) || *s == '_') {
			if (n + 1 < cap)
				out[n++] = *s;
			s++;
		}
	}
	out[n] = 0;
	*p = s;
	return 1;
}

/* The name of the `CONSTRAINT name FOREIGN KEY (column)` in a CREATE TABLE
 * statement, or NULL (SQLite keeps constraint names only in the text). */
static const char *fk_name(struct mg_arena *a, const char *create_sql, const char *column)
{
	const char *p = create_sql;

	while (p && (p = strchr(p, 'C')) != NULL) {
		char name[128], word[32], col[128];
		const char *q = p + strlen("CONSTRAINT");

		if (strncmp(p, "CONSTRAINT", strlen("CONSTRAINT")) != 0 ||
		    (p > create_sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
			p++;
			continue;
		}
		p = q;
		if (!read_ident(&q, name, sizeof(name)) || !read_ident(&q, word, sizeof(word)) ||
		    strcasecmp(word, "FOREIGN") != 0 || !read_ident(&q, word, sizeof(word)) ||
		    strcasecmp(word, "KEY") != 0)
			continue;
		while (isspace((unsigned char)*q))
			q++;
		if (*q++ != '(' || !read_ident(&q, col, sizeof(col)))
			continue;
		while (isspace((unsigned char)*q))
			q++;
		if (*q == ')' && strcmp(col, column) == 0)
			return mg_arena_strdup(a, name);
	}
	return NULL;
}

static enum mg_fk_action parse_action(const char *s)
{
	if (!s)
		return MG_FK_NO_ACTION;
	if (strcasecmp(s, "CASCADE") == 0 || strcmp(s, "c") == 0)
		return MG_FK_CASCADE;
	if (strcasecmp(s, "SET NULL") == 0 || strcmp(s, "n") == 0)
		return MG_FK_SET_NULL;
	if (strcasecmp(s, "RESTRICT") == 0 || strcmp(s, "r") == 0)
		return MG_FK_RESTRICT;
	return MG_FK_NO_ACTION;
}

static int sqlite_table(struct sb *s, struct mg_db *db, const char *name)
{
	struct mg_rows *rows = NULL, *cols = NULL;
	char *create_sql = NULL;
	const char *p[1] = {name};
	struct ib b;
	size_t i, n_pkcols = 0;
	const char *pkcols[64];
	int rc;

	rc = db_query_value(&create_sql, db,
			    "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = $1", 1,
			    p);
	if (rc || !create_sql)
		goto done;
	ib_init(&b, s->arena, name);
	rc = mg_db_query(&rows, db,
			 "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1)"
			 " ORDER BY cid",
			 1, p);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		struct mg_column *c = ib_column(&b);
		const char *dflt = mg_rows_text(rows, 3);
		long pk = atol(mg_rows_text(rows, 4));

		c->name = mg_arena_strdup(s->arena, mg_rows_text(rows, 0));
		inspect_parse_type(c, MG_DIALECT_SQLITE, mg_rows_text(rows, 1), s->arena);
		c->nullable = strcmp(mg_rows_text(rows, 2), "0") == 0;
		c->default_sql = dflt ? mg_arena_strdup(s->arena, dflt) : NULL;
		if (pk > 0 && pk <= 64) {
			pkcols[pk - 1] = c->name;
			if ((size_t)pk > n_pkcols)
				n_pkcols = (size_t)pk;
		}
	}
	if (rc < 0)
		goto done;
	mg_rows_free(rows);
	rows = NULL;
	for (i = 0; i < n_pkcols; i++)
		ib_pk(&b, pkcols[i]);
	if (n_pkcols == 1) {
		/* INTEGER PRIMARY KEY: the rowid alias, generated. */
		for (i = 0; i < b.n_cols; i++)
			if (strcmp(b.cols[i].name, pkcols[0]) == 0 &&
			    b.cols[i].type == MG_COL_INTEGER) {
				b.cols[i].identity = 1;
				b.cols[i].nullable = 0;
			}
	}

	rc = mg_db_query(&rows, db,
			 "SELECT name, \"unique\" FROM pragma_index_list($1) WHERE origin <> 'pk'"
			 " ORDER BY name",
			 1, p);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		const char *ip[1] = {mg_rows_text(rows, 0)};
		size_t ix = ib_index(&b, ip[0], strcmp(mg_rows_text(rows, 1), "1") == 0);

		rc = mg_db_query(&cols, db,
				 "SELECT coalesce(name, '<expression>') FROM pragma_index_info($1)"
				 " ORDER BY seqno",
				 1, ip);
		if (rc)
			goto done;
		while ((rc = mg_rows_next(cols)) == 1)
			ib_index_column(&b, ix, mg_rows_text(cols, 0));
		mg_rows_free(cols);
		cols = NULL;
		if (rc < 0)
			goto done;
	}
	if (rc < 0)
		goto done;
	mg_rows_free(rows);
	rows = NULL;

	rc = mg_db_query(
		&rows, db,
		"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list($1)"
		" WHERE seq = 0 ORDER BY id",
		1, p);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		struct mg_foreign_key *fk = ib_fk(&b);
		const char *to = mg_rows_text(rows, 2);

		fk->column = mg_arena_strdup(s->arena, mg_rows_text(rows, 1));
		fk->ref_table = mg_arena_strdup(s->arena, mg_rows_text(rows, 0));
		/* REFERENCES t without a column means t's primary key. */
		fk->ref_column = mg_arena_strdup(s->arena, to ? to : "");
		fk->on_delete = parse_action(mg_rows_text(rows, 3));
		fk->name = fk_name(s->arena, create_sql, fk->column);
		if (!fk->name)
			fk->name = mg_arena_printf(s->arena, "<unnamed key on %s>", fk->column);
	}
	if (rc < 0)
		goto done;
	rc = 0;
	sb_add(s, &b);
done:
	mg_rows_free(cols);
	mg_rows_free(rows);
	free(create_sql);
	return rc;
}

int inspect_table_names(char ***out, size_t *n_out, struct mg_db *db)
{
	struct mg_rows *rows = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*n_out = 0;
	if (db->dialect == MG_DIALECT_SQLITE)
		rc = mg_db_query(&rows, db,
				 "SELECT name FROM sqlite_schema WHERE type = 'table'"
				 " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
				 " AND name NOT LIKE 'modelgen\\_%' ESCAPE '\\' ORDER BY name",
				 0, NULL);
	else
		rc = mg_db_query(
			&rows, db,
			"SELECT c.relname FROM pg_class c JOIN pg_namespace n"
			" ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
			" AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'modelgen\\_%'"
			" ORDER BY c.relname COLLATE \"C\"",
			0, NULL);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[n] = strdup(mg_rows_text(rows, 0));
		if (!names[n])
			abort();
		n++;
	}
	if (rc < 0)
		goto done;
	rc = 0;
	*out = names;
	*n_out = n;
	names = NULL;
	n = 0;
done:
	inspect_names_free(names, n);
	mg_rows_free(rows);
	return rc;
}

void inspect_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int inspect_sqlite(struct mg_schema **out, struct mg_db *db, size_t n_names,
		   const char *const *names)
{
	struct mg_arena *arena = mg_arena_new();
	struct sb s;
	char **all = NULL;
	size_t n_all = 0, i;
	int rc = 0;

	*out = NULL;
	sb_init(&s, arena);
	if (!n_names) {
		rc = inspect_table_names(&all, &n_all, db);
		if (rc)
			goto done;
		names = (const char *const *)all;
		n_names = n_all;
	}
	for (i = 0; i < n_names && rc == 0; i++)
		rc = sqlite_table(&s, db, names[i]);
	if (rc)
		goto done;
	*out = sb_finish(&s);
	arena = NULL;
done:
	inspect_names_free(all, n_all);
	mg_arena_free(arena);
	return rc;
}

int mg_db_inspect(struct mg_schema **out, struct mg_db *db, size_t n_names,
		  const char *const *names)
{
#ifdef MG_HAVE_POSTGRESQL
	if (db->dialect == MG_DIALECT_POSTGRESQL)
		return inspect_pg(out, db, NULL, n_names, names);
#endif
	return inspect_sqlite(out, db, n_names, names);
}

int mg_db_inspect_table(struct mg_schema **out, struct mg_db *db, const char *name)
{
	const char *names[1] = {name};
	int rc = mg_db_inspect(out, db, 1, names);

	if (rc)
		return rc;
	if ((*out)->n_tables != 1) {
		mg_schema_free(*out);
		*out = NULL;
		return db_errf(db, MG_E_NOTFOUND, "no table '%s' in the database", name);
	}
	return 0;
}

/* ---- Normalising the expected schema ----------------------------------- */

int inspect_normalize(struct mg_schema **out, struct mg_db *db, const struct mg_schema *expected)
{
	struct mg_arena *arena;
	struct sb s;
	size_t i, j;

#ifdef MG_HAVE_POSTGRESQL
	if (db->dialect == MG_DIALECT_POSTGRESQL)
		return inspect_normalize_pg(out, db, expected);
#else
	(void)db;
#endif
	/* SQLite keeps the declared type and the default's text (without the
	 * parentheses the renderer adds around expressions): render the type
	 * and read it back as introspection does. */
	arena = mg_arena_new();
	sb_init(&s, arena);
	for (i = 0; i < expected->n_tables; i++) {
		const struct mg_table *t = &expected->tables[i];
		struct mg_column *cols = mg_arena_calloc(arena, t->n_columns + 1, sizeof(*cols));
		struct mg_table copy = *t;

		for (j = 0; j < t->n_columns; j++) {
			struct mg_strbuf type = {0};

			cols[j] = t->columns[j];
			mg_sql_column_type(&type, MG_DIALECT_SQLITE, t, &t->columns[j]);
			inspect_parse_type(&cols[j], MG_DIALECT_SQLITE, mg_strbuf_cstr(&type),
					   arena);
			mg_strbuf_free(&type);
			if (cols[j].identity) {
				cols[j].nullable = 0;
				cols[j].default_sql = NULL;
			}
		}
		copy.columns = cols;
		sb_add_table(&s, &copy);
	}
	*out = sb_finish(&s);
	return 0;
}

/* ---- Comparing --------------------------------------------------------- */

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

static int same_column(enum mg_dialect dialect, const struct mg_column *a,
		       const struct mg_column *b)
{
	if (a->type != b->type || a->length != b->length || !a->nullable != !b->nullable ||
	    !a->identity != !b->identity)
		return 0;
	if (a->type == MG_COL_CUSTOM &&
	    !(dialect == MG_DIALECT_SQLITE ? loose_eq(a->custom_type, b->custom_type)
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

static size_t compare_table(struct mg_strbuf *r, enum mg_dialect dialect, const struct mg_table *e,
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
		} else if (!same_column(dialect, ec, lc)) {
			mg_strbuf_printf(r, "table %s: column %s: expected ", e->name, ec->name);
			describe_column(r, ec);
			mg_strbuf_puts(r, ", found ");
			describe_column(r, lc);
			mg_strbuf_putc(r, '\n');
			n++;
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
	}
	for (i = 0; i < e->n_indexes; i++) {
		const struct mg_index *ei = &e->indexes[i], *li = NULL;
		size_t j;

		for (j = 0; j < l->n_indexes; j++)
			if (strcmp(l->indexes[j].name, ei->name) == 0)
				li = &l->indexes[j];
		if (li && !li->unique == !ei->unique &&
		    same_list(ei->n_columns, ei->columns, li->n_columns, li->columns))
			continue;
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
		if (!found) {
			mg_strbuf_printf(r, "table %s: unexpected %sindex %s ", e->name,
					 l->indexes[i].unique ? "unique " : "", l->indexes[i].name);
			describe_list(r, l->indexes[i].n_columns, l->indexes[i].columns);
			mg_strbuf_putc(r, '\n');
			n++;
		}
	}
	for (i = 0; i < e->n_foreign_keys; i++) {
		const struct mg_foreign_key *ef = &e->foreign_keys[i], *lf = NULL;
		size_t j;

		for (j = 0; j < l->n_foreign_keys; j++)
			if (strcmp(l->foreign_keys[j].name, ef->name) == 0)
				lf = &l->foreign_keys[j];
		if (lf && strcmp(lf->column, ef->column) == 0 &&
		    strcmp(lf->ref_table, ef->ref_table) == 0 &&
		    strcmp(lf->ref_column, ef->ref_column) == 0 && lf->on_delete == ef->on_delete)
			continue;
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
		size_t j;
		int found = 0;

		for (j = 0; j < e->n_foreign_keys; j++)
			found |= strcmp(l->foreign_keys[i].name, e->foreign_keys[j].name) == 0;
		if (!found) {
			mg_strbuf_printf(r, "table %s: unexpected foreign key %s ", e->name,
					 l->foreign_keys[i].name);
			describe_fk(r, &l->foreign_keys[i]);
			mg_strbuf_putc(r, '\n');
			n++;
		}
	}
	return n;
}

size_t inspect_compare(struct mg_strbuf *report, enum mg_dialect dialect,
		       const struct mg_schema *expected, const struct mg_schema *live,
		       int only_expected)
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
		n += compare_table(report, dialect, e, l);
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
