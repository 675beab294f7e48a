/*
 * The SQL renderer (see sql.h): the shared schema description as CREATE
 * statements per dialect, plus the small ALTER pieces the generator's planner
 * and the runtime need. Pure text: no database, no I/O, same input same bytes.
 */
#include "sql.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "modelgen/errors.h"
#include "util/alloc.h"

/* Reserved words of SQLite 3.40 (every keyword) and PostgreSQL 15 (reserved
 * and type/function-only reserved), lower case, sorted for bsearch. An
 * identifier equal to one of them is quoted. */
static const char *const keywords[] = {
	"abort",
	"action",
	"add",
	"after",
	"all",
	"alter",
	"always",
	"analyse",
	"analyze",
	"and",
	"any",
	"array",
	"as",
	"asc",
	"asymmetric",
	"attach",
	"authorization",
	"autoincrement",
	"before",
	"begin",
	"between",
	"binary",
	"both",
	"by",
	"cascade",
	"case",
	"cast",
	"check",
	"collate",
	"collation",
	"column",
	"commit",
	"concurrently",
	"conflict",
	"constraint",
	"create",
	"cross",
	"current",
	"current_catalog",
	"current_date",
	"current_role",
	"current_schema",
	"current_time",
	"current_timestamp",
	"current_user",
	"database",
	"default",
	"deferrable",
	"deferred",
	"delete",
	"desc",
	"detach",
	"distinct",
	"do",
	"drop",
	"each",
	"else",
	"end",
	"escape",
	"except",
	"exclude",
	"exclusive",
	"exists",
	"explain",
	"fail",
	"false",
	"fetch",
	"filter",
	"first",
	"following",
	"for",
	"foreign",
	"freeze",
	"from",
	"full",
	"generated",
	"glob",
	"grant",
	"group",
	"groups",
	"having",
	"if",
	"ignore",
	"ilike",
	"immediate",
	"in",
	"index",
	"indexed",
	"initially",
	"inner",
	"insert",
	"instead",
	"intersect",
	"into",
	"is",
	"isnull",
	"join",
	"key",
	"last",
	"lateral",
	"leading",
	"left",
	"like",
	"limit",
	"localtime",
	"localtimestamp",
	"match",
	"materialized",
	"natural",
	"no",
	"not",
	"nothing",
	"notnull",
	"null",
	"nulls",
	"of",
	"offset",
	"on",
	"only",
	"or",
	"order",
	"others",
	"outer",
	"over",
	"overlaps",
	"partition",
	"placing",
	"plan",
	"pragma",
	"preceding",
	"primary",
	"query",
	"raise",
	"range",
	"recursive",
	"references",
	"regexp",
	"reindex",
	"release",
	"rename",
	"replace",
	"restrict",
	"returning",
	"right",
	"rollback",
	"row",
	"rows",
	"savepoint",
	"select",
	"session_user",
	"set",
	"similar",
	"some",
	"symmetric",
	"table",
	"tablesample",
	"temp",
	"temporary",
	"then",
	"ties",
	"to",
	"trailing",
	"transaction",
	"trigger",
	"true",
	"unbounded",
	"union",
	"unique",
	"update",
	"user",
	"using",
	"vacuum",
	"values",
	"variadic",
	"verbose",
	"view",
	"virtual",
	"when",
	"where",
	"window",
	"with",
	"without",
};

static int cmp_keyword(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* 1 when `name` can stand unquoted: lower case, not a keyword. Upper case
 * must be quoted because PostgreSQL folds unquoted names to lower case. */
static int ident_plain(const char *name)
{
	const char *p;

	if (!name[0] || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return 0;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return bsearch(name, keywords, sizeof(keywords) / sizeof(keywords[0]), sizeof(keywords[0]),
		       cmp_keyword) == NULL;
}

void mg_sql_ident(struct mg_strbuf *b, const char *name)
{
	const char *p;

	if (ident_plain(name)) {
		mg_strbuf_puts(b, name);
		return;
	}
	mg_strbuf_putc(b, '"');
	for (p = name; *p; p++) {
		if (*p == '"')
			mg_strbuf_putc(b, '"');
		mg_strbuf_putc(b, *p);
	}
	mg_strbuf_putc(b, '"');
}

void mg_sql_string(struct mg_strbuf *b, const char *s)
{
	const char *p;

	mg_strbuf_putc(b, '\'');
	for (p = s; *p; p++) {
		if (*p == '\'')
			mg_strbuf_putc(b, '\'');
		mg_strbuf_putc(b, *p);
	}
	mg_strbuf_putc(b, '\'');
}

static void ident_list(struct mg_strbuf *b, size_t n, const char *const *names)
{
	size_t i;

	mg_strbuf_putc(b, '(');
	for (i = 0; i < n; i++) {
		if (i)
			mg_strbuf_puts(b, ", ");
		mg_sql_ident(b, names[i]);
	}
	mg_strbuf_putc(b, ')');
}

void mg_sql_column_type(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table,
			const struct mg_column *col)
{
	static const char *const sqlite_names[] = {
		[MG_COL_BOOLEAN] = "BOOLEAN", [MG_COL_SMALLINT] = "SMALLINT",
		[MG_COL_INTEGER] = "INTEGER", [MG_COL_BIGINT] = "BIGINT",
		[MG_COL_REAL] = "REAL",       [MG_COL_DOUBLE] = "DOUBLE PRECISION",
		[MG_COL_TEXT] = "TEXT",       [MG_COL_BLOB] = "BLOB",
	};
	static const char *const pg_names[] = {
		[MG_COL_BOOLEAN] = "boolean", [MG_COL_SMALLINT] = "smallint",
		[MG_COL_INTEGER] = "integer", [MG_COL_BIGINT] = "bigint",
		[MG_COL_REAL] = "real",       [MG_COL_DOUBLE] = "double precision",
		[MG_COL_TEXT] = "text",       [MG_COL_BLOB] = "bytea",
	};

	(void)table;
	switch (col->type) {
	case MG_COL_CUSTOM:
		assert(col->custom_type);
		mg_strbuf_puts(b, col->custom_type);
		return;
	case MG_COL_VARCHAR:
		mg_strbuf_printf(b, dialect == MG_DIALECT_SQLITE ? "VARCHAR(%u)" : "varchar(%u)",
				 col->length);
		return;
	default:
		break;
	}
	assert(col->type >= MG_COL_BOOLEAN && col->type <= MG_COL_BLOB);
	/* The rowid alias only exists when the declared type is exactly
	 * INTEGER, whatever the width the model asked for. */
	if (dialect == MG_DIALECT_SQLITE && col->identity) {
		mg_strbuf_puts(b, "INTEGER");
		return;
	}
	mg_strbuf_puts(b, dialect == MG_DIALECT_SQLITE ? sqlite_names[col->type]
						       : pg_names[col->type]);
}

/* 1 when `s` equals `word` ignoring ASCII case. */
static int word_eq(const char *s, const char *word)
{
	for (; *s && *word; s++, word++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *word)
			return 0;
	}
	return *s == 0 && *word == 0;
}

int mg_sql_default_is_literal(const char *sql)
{
	static const char *const words[] = {"true",         "false",        "null",
					    "current_date", "current_time", "current_timestamp"};
	const char *p = sql;
	size_t i;
	int digits = 0;

	if (*p == '\'') {
		/* One string literal, nothing after it. */
		for (p++; *p; p++) {
			if (*p == '\'') {
				if (p[1] == '\'') {
					p++;
					continue;
				}
				return p[1] == 0;
			}
		}
		return 0;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (word_eq(sql, words[i]))
			return 1;
	/* [sign] digits [. digits] [e [sign] digits] */
	if (*p == '-' || *p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits = 1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits = 1;
	if (digits && (*p == 'e' || *p == 'E')) {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return digits && *p == 0;
}

void mg_sql_default(struct mg_strbuf *b, const char *sql)
{
	/* SQLite accepts only a literal or a parenthesised expression after
	 * DEFAULT; PostgreSQL accepts both, so one spelling serves. */
	if (mg_sql_default_is_literal(sql)) {
		mg_strbuf_puts(b, sql);
		return;
	}
	mg_strbuf_printf(b, "(%s)", sql);
}

void mg_sql_column_def(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table,
		       const struct mg_column *col)
{
	mg_sql_ident(b, col->name);
	mg_strbuf_putc(b, ' ');
	mg_sql_column_type(b, dialect, table, col);
	if (col->identity && dialect == MG_DIALECT_POSTGRESQL)
		mg_strbuf_puts(b, " GENERATED BY DEFAULT AS IDENTITY");
	if (!col->nullable || col->identity)
		mg_strbuf_puts(b, " NOT NULL");
	if (col->identity && dialect == MG_DIALECT_SQLITE)
		mg_strbuf_puts(b, " PRIMARY KEY");
	if (col->default_sql && !col->identity) {
		mg_strbuf_puts(b, " DEFAULT ");
		mg_sql_default(b, col->default_sql);
	}
	if (col->type == MG_COL_VARCHAR && dialect == MG_DIALECT_SQLITE)
		mg_sql_length_check(b, col);
}

void mg_sql_length_check(struct mg_strbuf *b, const struct mg_column *col)
{
	mg_strbuf_puts(b, " CHECK (length(");
	mg_sql_ident(b, col->name);
	mg_strbuf_printf(b, ") <= %u)", col->length);
}

/* Skips blanks at *p; returns the first other character. */
static char skip_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
	return **p;
}

/* Reads the identifier at *p (plain, "quoted", `quoted` or [quoted]) into
 * out[cap] and moves past it; returns 0 when there is none or it does not
 * fit. */
static int read_ident(const char **p, char *out, size_t cap)
{
	const char *s = *p;
	size_t n = 0;

	if (*s == '"' || *s == '`' || *s == '[') {
		char close = *s == '[' ? ']' : *s;

		for (s++; *s; s++) {
			if (*s == close) {
				if (s[1] != close)
					break;
				s++;
			}
			if (n + 1 >= cap)
				return 0;
			out[n++] = *s;
		}
		if (*s != close)
			return 0;
		s++;
	} else {
		while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		       (*s >= '0' && *s <= '9') || *s == '_' || (unsigned char)*s >= 0x80) {
			if (n + 1 >= cap)
				return 0;
			out[n++] = *s++;
		}
		if (!n)
			return 0;
	}
	out[n] = 0;
	*p = s;
	return 1;
}

int mg_sql_parse_length_check(const char *expr, char *column, size_t cap, unsigned *length)
{
	const char *p = expr;
	size_t open = 0;
	unsigned long n = 0;
	int digits = 0;

	while (skip_blanks(&p) == '(') {
		p++;
		open++;
	}
	if (strncasecmp(p, "length", 6) != 0)
		return 0;
	p += 6;
	if (skip_blanks(&p) != '(')
		return 0;
	p++;
	skip_blanks(&p);
	if (!read_ident(&p, column, cap) || skip_blanks(&p) != ')')
		return 0;
	p++;
	if (skip_blanks(&p) != '<' || p[1] != '=')
		return 0;
	p += 2;
	skip_blanks(&p);
	for (; *p >= '0' && *p <= '9' && n <= 0xffffffffUL; p++, digits = 1)
		n = n * 10 + (unsigned long)(*p - '0');
	if (!digits || n > 0xffffffffUL)
		return 0;
	for (; open; open--) {
		if (skip_blanks(&p) != ')')
			return 0;
		p++;
	}
	if (skip_blanks(&p))
		return 0;
	*length = (unsigned)n;
	return 1;
}

/* 1 when the table's primary key is written inline with its identity
 * column (SQLite rowid alias) instead of as a table constraint. */
static int pk_inline(enum mg_dialect dialect, const struct mg_table *table)
{
	const struct mg_column *col;

	if (dialect != MG_DIALECT_SQLITE || table->n_primary_key != 1)
		return 0;
	col = mg_table_find_column(table, table->primary_key[0]);
	return col && col->identity;
}

void mg_sql_pk_name(struct mg_strbuf *b, const char *table_name)
{
	struct mg_strbuf name = {0};

	mg_strbuf_printf(&name, "pk_%s", table_name);
	mg_sql_ident(b, mg_strbuf_cstr(&name));
	mg_strbuf_free(&name);
}

void mg_sql_table_pk_name(struct mg_strbuf *b, const struct mg_table *table)
{
	if (table->primary_key_name)
		mg_sql_ident(b, table->primary_key_name);
	else
		mg_sql_pk_name(b, table->name);
}

void mg_sql_primary_key(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table)
{
	mg_strbuf_puts(b, "CONSTRAINT ");
	if (dialect == MG_DIALECT_POSTGRESQL)
		mg_sql_table_pk_name(b, table);
	else
		mg_sql_pk_name(b, table->name);
	mg_strbuf_puts(b, " PRIMARY KEY ");
	ident_list(b, table->n_primary_key, table->primary_key);
}

void mg_sql_foreign_key(struct mg_strbuf *b, const struct mg_foreign_key *fk)
{
	static const char *const actions[] = {
		[MG_FK_NO_ACTION] = NULL,
		[MG_FK_CASCADE] = "CASCADE",
		[MG_FK_SET_NULL] = "SET NULL",
		[MG_FK_RESTRICT] = "RESTRICT",
	};

	mg_strbuf_puts(b, "CONSTRAINT ");
	mg_sql_ident(b, fk->name);
	mg_strbuf_puts(b, " FOREIGN KEY (");
	mg_sql_ident(b, fk->column);
	mg_strbuf_puts(b, ") REFERENCES ");
	mg_sql_ident(b, fk->ref_table);
	mg_strbuf_puts(b, " (");
	mg_sql_ident(b, fk->ref_column);
	mg_strbuf_putc(b, ')');
	assert((size_t)fk->on_delete < sizeof(actions) / sizeof(actions[0]));
	if (actions[fk->on_delete])
		mg_strbuf_printf(b, " ON DELETE %s", actions[fk->on_delete]);
}

/* CREATE TABLE with the foreign keys for which `keep_fk` is 1 (NULL: all). */
static void create_table(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table,
			 const char *name, const unsigned char *keep_fk)
{
	size_t i;
	const char *sep = "\n    ";

	mg_strbuf_puts(b, "CREATE TABLE ");
	mg_sql_ident(b, name ? name : table->name);
	mg_strbuf_puts(b, " (");
	for (i = 0; i < table->n_columns; i++) {
		mg_strbuf_puts(b, sep);
		mg_sql_column_def(b, dialect, table, &table->columns[i]);
		sep = ",\n    ";
	}
	if (table->n_primary_key && !pk_inline(dialect, table)) {
		mg_strbuf_puts(b, sep);
		/* Named after the final table name even under a rebuild's
		 * temporary name, so that the renamed table is as created. */
		mg_sql_primary_key(b, dialect, table);
	}
	for (i = 0; i < table->n_foreign_keys; i++) {
		if (keep_fk && !keep_fk[i])
			continue;
		mg_strbuf_puts(b, sep);
		mg_sql_foreign_key(b, &table->foreign_keys[i]);
	}
	mg_strbuf_puts(b, "\n);\n");
}

void mg_sql_create_table(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table,
			 const char *name)
{
	create_table(b, dialect, table, name, NULL);
}

void mg_sql_create_table_filtered(struct mg_strbuf *b, enum mg_dialect dialect,
				  const struct mg_table *table, const char *name,
				  const unsigned char *keep_fk)
{
	create_table(b, dialect, table, name, keep_fk);
}

void mg_sql_create_index(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table,
			 const struct mg_index *index)
{
	(void)dialect;
	mg_strbuf_puts(b, index->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	mg_sql_ident(b, index->name);
	mg_strbuf_puts(b, " ON ");
	mg_sql_ident(b, table->name);
	mg_strbuf_putc(b, ' ');
	ident_list(b, index->n_columns, index->columns);
	mg_strbuf_puts(b, ";\n");
}

int mg_sql_fk_after_indexes(const struct mg_table *table, const struct mg_foreign_key *fk)
{
	if (strcmp(fk->ref_table, table->name) != 0)
		return 0;
	return !(table->n_primary_key == 1 && strcmp(table->primary_key[0], fk->ref_column) == 0);
}

void mg_sql_add_foreign_key(struct mg_strbuf *b, const struct mg_table *table,
			    const struct mg_foreign_key *fk)
{
	mg_strbuf_puts(b, "ALTER TABLE ");
	mg_sql_ident(b, table->name);
	mg_strbuf_puts(b, " ADD ");
	mg_sql_foreign_key(b, fk);
	mg_strbuf_puts(b, ";\n");
}

void mg_sql_comment_on(struct mg_strbuf *b, const char *table_name, const char *column_name,
		       const char *comment)
{
	mg_strbuf_puts(b, column_name ? "COMMENT ON COLUMN " : "COMMENT ON TABLE ");
	mg_sql_ident(b, table_name);
	if (column_name) {
		mg_strbuf_putc(b, '.');
		mg_sql_ident(b, column_name);
	}
	mg_strbuf_puts(b, " IS ");
	if (comment)
		mg_sql_string(b, comment);
	else
		mg_strbuf_puts(b, "NULL");
	mg_strbuf_puts(b, ";\n");
}

void mg_sql_comments(struct mg_strbuf *b, enum mg_dialect dialect, const struct mg_table *table)
{
	size_t i;

	if (dialect != MG_DIALECT_POSTGRESQL)
		return;
	if (table->comment)
		mg_sql_comment_on(b, table->name, NULL, table->comment);
	for (i = 0; i < table->n_columns; i++)
		if (table->columns[i].comment)
			mg_sql_comment_on(b, table->name, table->columns[i].name,
					  table->columns[i].comment);
}

/* A table's name and position, sorted by name for binary search (no
 * global state: the runtime is a library and may run on several threads). */
struct name_pos {
	const char *name;
	size_t pos;
};

static int cmp_name_pos(const void *a, const void *b)
{
	const struct name_pos *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Position of the table called `name`, or n when absent. */
static size_t find_pos(const struct name_pos *by_name, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(by_name[mid].name, name);

		if (c == 0)
			return by_name[mid].pos;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

/* Min-heap of positions ordered by table name. */
struct heap {
	size_t n;
	size_t *v;
	const struct mg_table *const *tables;
};

static int heap_less(const struct heap *h, size_t a, size_t b)
{
	return strcmp(h->tables[h->v[a]]->name, h->tables[h->v[b]]->name) < 0;
}

static void heap_push(struct heap *h, size_t x)
{
	size_t i = h->n++;

	h->v[i] = x;
	while (i && heap_less(h, i, (i - 1) / 2)) {
		size_t p = (i - 1) / 2, t = h->v[p];

		h->v[p] = h->v[i];
		h->v[i] = t;
		i = p;
	}
}

static size_t heap_pop(struct heap *h)
{
	size_t top = h->v[0], i = 0;

	h->v[0] = h->v[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, t;

		if (l < h->n && heap_less(h, l, m))
			m = l;
		if (r < h->n && heap_less(h, r, m))
			m = r;
		if (m == i)
			break;
		t = h->v[m];
		h->v[m] = h->v[i];
		h->v[i] = t;
		i = m;
	}
	return top;
}

int mg_sql_table_order(size_t *order, const struct mg_table *const *tables, size_t n_tables)
{
	struct name_pos *by_name = mg_calloc(n_tables, sizeof(*by_name));
	size_t *indeg = mg_calloc(n_tables, sizeof(size_t));
	size_t *first = mg_calloc(n_tables + 1, sizeof(size_t));
	size_t *fill = NULL, *users = NULL;
	unsigned char *done = mg_calloc(n_tables, 1);
	struct heap h = {0, mg_calloc(n_tables, sizeof(size_t)), tables};
	size_t i, j, n_edges = 0, n_out = 0, scan = 0;
	int rc = MG_E_NOMEM;

	if (!by_name || !indeg || !first || !done || !h.v)
		goto out;

	for (i = 0; i < n_tables; i++) {
		by_name[i].name = tables[i]->name;
		by_name[i].pos = i;
	}
	qsort(by_name, n_tables, sizeof(*by_name), cmp_name_pos);

	/* Edges child -> parent for keys to another table of the set, kept as
	 * per-parent lists of children (counting sort into `users`). */
	for (i = 0; i < n_tables; i++)
		for (j = 0; j < tables[i]->n_foreign_keys; j++) {
			size_t p =
				find_pos(by_name, n_tables, tables[i]->foreign_keys[j].ref_table);
			if (p < n_tables && p != i) {
				indeg[i]++;
				first[p + 1]++;
				n_edges++;
			}
		}
	for (i = 0; i < n_tables; i++)
		first[i + 1] += first[i];
	users = mg_calloc(n_edges, sizeof(size_t));
	fill = mg_calloc(n_tables, sizeof(size_t));
	if (!users || !fill)
		goto out;
	for (i = 0; i < n_tables; i++)
		for (j = 0; j < tables[i]->n_foreign_keys; j++) {
			size_t p =
				find_pos(by_name, n_tables, tables[i]->foreign_keys[j].ref_table);
			if (p < n_tables && p != i)
				users[first[p] + fill[p]++] = i;
		}

	for (i = 0; i < n_tables; i++)
		if (!indeg[i])
			heap_push(&h, i);
	while (n_out < n_tables) {
		size_t t;

		if (h.n) {
			t = heap_pop(&h);
		} else {
			/* A cycle: take the first remaining table by name. */
			while (done[by_name[scan].pos])
				scan++;
			t = by_name[scan].pos;
		}
		if (done[t])
			continue;
		done[t] = 1;
		order[n_out++] = t;
		for (j = first[t]; j < first[t + 1]; j++) {
			size_t k = users[j];

			if (!done[k] && indeg[k] && --indeg[k] == 0)
				heap_push(&h, k);
		}
	}
	rc = 0;
out:
	free(fill);
	free(users);
	free(h.v);
	free(done);
	free(first);
	free(indeg);
	free(by_name);
	return rc;
}

/* The table called `name` in `schema` (sorted by name), or NULL. */
static const struct mg_table *lookup(const struct mg_schema *schema, const char *name)
{
	size_t lo = 0, hi = schema->n_tables;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(schema->tables[mid].name, name);

		if (c == 0)
			return &schema->tables[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The place in creation order of the table `name` of `schema`, or
 * (size_t)-1 when the schema has none. */
static size_t ref_rank(const struct mg_schema *schema, const size_t *rank, const char *name)
{
	const struct mg_table *r = lookup(schema, name);

	return r ? rank[r - schema->tables] : (size_t)-1;
}

int mg_sql_fk_deferred(const struct mg_table *table, const struct mg_foreign_key *fk, size_t pos,
		       size_t ref_pos)
{
	return (ref_pos != (size_t)-1 && ref_pos > pos) || mg_sql_fk_after_indexes(table, fk);
}

void mg_sql_create_schema(struct mg_strbuf *b, enum mg_dialect dialect,
			  const struct mg_schema *schema)
{
	size_t n = schema->n_tables, i, j;
	const struct mg_table **tables = mg_calloc(n, sizeof(*tables));
	size_t *order = mg_calloc(n, sizeof(size_t));
	size_t *rank = mg_calloc(n, sizeof(size_t));
	int ok = 0;

	if (!tables || !order || !rank)
		goto done;
	for (i = 0; i < n; i++)
		tables[i] = &schema->tables[i];
	if (mg_sql_table_order(order, tables, n))
		goto done;
	for (i = 0; i < n; i++)
		rank[order[i]] = i;

	for (i = 0; i < n; i++) {
		const struct mg_table *t = tables[order[i]];
		unsigned char *keep = NULL;

		if (dialect == MG_DIALECT_POSTGRESQL && t->n_foreign_keys) {
			keep = mg_calloc(t->n_foreign_keys, 1);
			if (!keep)
				goto done;
			for (j = 0; j < t->n_foreign_keys; j++)
				keep[j] = !mg_sql_fk_deferred(
					t, &t->foreign_keys[j], i,
					ref_rank(schema, rank, t->foreign_keys[j].ref_table));
		}
		if (i)
			mg_strbuf_putc(b, '\n');
		create_table(b, dialect, t, NULL, keep);
		free(keep);
		for (j = 0; j < t->n_indexes; j++)
			mg_sql_create_index(b, dialect, t, &t->indexes[j]);
		mg_sql_comments(b, dialect, t);
	}
	if (dialect == MG_DIALECT_POSTGRESQL) {
		int first = 1;

		for (i = 0; i < n; i++) {
			const struct mg_table *t = tables[order[i]];

			for (j = 0; j < t->n_foreign_keys; j++) {
				if (!mg_sql_fk_deferred(
					    t, &t->foreign_keys[j], i,
					    ref_rank(schema, rank, t->foreign_keys[j].ref_table)))
					continue;
				if (first)
					mg_strbuf_putc(b, '\n');
				first = 0;
				mg_sql_add_foreign_key(b, t, &t->foreign_keys[j]);
			}
		}
	}
	ok = 1;
done:
	if (!ok)
		mg_strbuf_fail(b);
	free(rank);
	free(order);
	free(tables);
}

/* ---- Rebuilds and plans, as text ------------------------------------- */

static void rebuild_tmp(struct mg_strbuf *b, const struct mg_rebuild *rb)
{
	mg_strbuf_printf(b, "%s__mg_new", rb->table->name);
}

void mg_sql_rebuild(struct mg_strbuf *b, const struct mg_rebuild *rb, unsigned parts)
{
	struct mg_strbuf tmp = {0};
	size_t i;

	rebuild_tmp(&tmp, rb);
	if (mg_strbuf_failed(&tmp)) {
		mg_strbuf_fail(b);
		return;
	}
	if (parts & MG_REBUILD_CREATE)
		create_table(b, MG_DIALECT_SQLITE, rb->table, mg_strbuf_cstr(&tmp), NULL);
	if ((parts & MG_REBUILD_COPY) && rb->n_copy) {
		mg_strbuf_puts(b, "INSERT INTO ");
		mg_sql_ident(b, mg_strbuf_cstr(&tmp));
		mg_strbuf_puts(b, " (");
		for (i = 0; i < rb->n_copy; i++) {
			mg_strbuf_puts(b, i ? ", " : "");
			mg_sql_ident(b, rb->copy_columns[i]);
		}
		mg_strbuf_puts(b, ")\n  SELECT ");
		for (i = 0; i < rb->n_copy; i++)
			mg_strbuf_printf(b, "%s%s", i ? ", " : "", rb->copy_exprs[i]);
		mg_strbuf_puts(b, " FROM ");
		mg_sql_ident(b, rb->old_name);
		mg_strbuf_puts(b, ";\n");
	}
	if (parts & MG_REBUILD_FINISH) {
		mg_strbuf_puts(b, "DROP TABLE ");
		mg_sql_ident(b, rb->old_name);
		mg_strbuf_puts(b, ";\nALTER TABLE ");
		mg_sql_ident(b, mg_strbuf_cstr(&tmp));
		mg_strbuf_puts(b, " RENAME TO ");
		mg_sql_ident(b, rb->table->name);
		mg_strbuf_puts(b, ";\n");
		for (i = 0; i < rb->table->n_indexes; i++)
			mg_sql_create_index(b, MG_DIALECT_SQLITE, rb->table,
					    &rb->table->indexes[i]);
	}
	mg_strbuf_free(&tmp);
}

void mg_sql_edit_text(struct mg_strbuf *b, const struct mg_rebuild *rb, const char *const *order,
		      size_t n)
{
	struct mg_table t = *rb->table;
	struct mg_column *cols = NULL;
	struct mg_strbuf text = {0};
	size_t i;

	if (order) {
		cols = mg_calloc(n ? n : 1, sizeof(*cols));
		if (!cols) {
			mg_strbuf_fail(b);
			return;
		}
		for (i = 0; i < n; i++) {
			const struct mg_column *c = mg_table_find_column(rb->table, order[i]);

			if (c)
				cols[i] = *c;
		}
		t.columns = cols;
		t.n_columns = n;
	}
	create_table(&text, MG_DIALECT_SQLITE, &t, NULL, NULL);
	/* sqlite_schema holds the statement without its ";" */
	while (text.len && (text.ptr[text.len - 1] == '\n' || text.ptr[text.len - 1] == ';'))
		text.ptr[--text.len] = 0;
	mg_strbuf_puts(b, "UPDATE sqlite_schema SET sql = ");
	mg_sql_string(b, mg_strbuf_cstr(&text));
	mg_strbuf_puts(b, "\n  WHERE type = 'table' AND name = ");
	mg_sql_string(b, rb->table->name);
	mg_strbuf_puts(b, ";\n");
	if (mg_strbuf_failed(&text))
		mg_strbuf_fail(b);
	mg_strbuf_free(&text);
	free(cols);
}

void mg_sql_edit(struct mg_strbuf *b, const struct mg_rebuild *rb, const char *const *order,
		 size_t n, long long version)
{
	mg_strbuf_puts(b, "PRAGMA writable_schema = ON;\n");
	mg_sql_edit_text(b, rb, order, n);
	if (version < 0)
		mg_strbuf_puts(b, "-- PRAGMA schema_version = <the current one + 1>;\n");
	else
		mg_strbuf_printf(b, "PRAGMA schema_version = %lld;\n", version + 1);
	mg_strbuf_puts(b, "PRAGMA writable_schema = RESET;\n");
}

void mg_step_summary(struct mg_strbuf *b, const struct mg_ops *ops, const struct mg_step *st)
{
	const struct mg_op *op =
		st->op && ops && st->op <= ops->n_ops ? &ops->ops[st->op - 1] : NULL;
	size_t i, start = b->len;

	if (op) {
		mg_strbuf_puts(b, op->summary ? op->summary : "");
	} else if (st->kind == MG_STEP_REBUILD && st->rebuild) {
		const char *sep = " (";

		mg_strbuf_printf(b,
				 (st->flags & MG_STEP_IN_PLACE) ? "change table %s in place"
								: "rebuild table %s",
				 st->rebuild->table->name);
		for (i = 0; i < st->n_ops; i++) {
			unsigned k = st->ops[i];

			if (!ops || k == 0 || k > ops->n_ops || !ops->ops[k - 1].summary)
				continue;
			mg_strbuf_printf(b, "%s%s", sep, ops->ops[k - 1].summary);
			sep = "; ";
		}
		if (sep[0] == ';')
			mg_strbuf_putc(b, ')');
	}
	if (st->note)
		mg_strbuf_printf(b, b->len > start ? " (%s)" : "%s", st->note);
}

void mg_sql_plan(struct mg_strbuf *b, const struct mg_migration *m, int down,
		 enum mg_dialect dialect)
{
	const struct mg_plan *p = down ? &m->down[dialect] : &m->up[dialect];
	const struct mg_ops *ops = down ? &m->down_ops : &m->up_ops;
	const char *dir = down ? "down" : "up";
	size_t i;

	mg_strbuf_printf(b, "-- migration %u (%s), %s\n", m->number, m->name, dir);
	if (down && m->run_down)
		mg_strbuf_printf(b, "-- first the hand-written down step of %s\n", m->name);
	for (i = 0; i < p->n_steps; i++) {
		const struct mg_step *st = &p->steps[i];

		mg_strbuf_puts(b, "-- ");
		mg_step_summary(b, ops, st);
		mg_strbuf_putc(b, '\n');
		if (st->guard)
			mg_strbuf_printf(b,
					 "-- guard: refuses the migration when this counts a row "
					 "the step cannot keep:\n-- %s\n",
					 st->guard);
		if (st->locks)
			mg_strbuf_printf(b, "-- locks: %s\n", st->locks);
		if (st->flags & MG_STEP_NO_TX)
			mg_strbuf_puts(
				b, "-- outside a transaction; pg_index is checked first: a valid "
				   "index is done, an invalid one (an interrupted build) is "
				   "dropped and built again\n");
		if (st->flags & MG_STEP_BATCHED)
			mg_strbuf_puts(
				b, "-- in batches, each its own transaction, until it returns no "
				   "row: the parameters are the last key done (NULL: from the "
				   "start) and the batch size\n");
		if (st->flags & MG_STEP_OWN_TX)
			mg_strbuf_puts(b, "-- in a transaction of its own\n");
		if (st->kind == MG_STEP_SQL && st->sql) {
			size_t len = strlen(st->sql);

			mg_strbuf_puts(b, st->sql);
			if (len && st->sql[len - 1] != '\n')
				mg_strbuf_putc(b, '\n');
		} else if (st->kind == MG_STEP_REBUILD && st->rebuild &&
			   (st->flags & MG_STEP_IN_PLACE)) {
			mg_strbuf_puts(b, "-- (in place: no row is copied; the columns in the "
					  "live table's order; PRAGMA quick_check after)\n");
			mg_sql_edit(b, st->rebuild, NULL, 0, -1);
		} else if (st->kind == MG_STEP_REBUILD && st->rebuild) {
			mg_strbuf_puts(b, "-- (table rebuild: foreign keys off; views and triggers "
					  "saved and recreated; PRAGMA foreign_key_check before "
					  "commit)\n");
			mg_sql_rebuild(b, st->rebuild, MG_REBUILD_ALL);
		}
	}
	if (!down && m->run_up)
		mg_strbuf_printf(b, "-- and the hand-written up step of %s\n", m->name);
}
