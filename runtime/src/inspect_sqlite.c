/*
 * SQLite introspection: a live table read back from its CREATE TABLE text
 * in sqlite_schema and the table_info, index_list, index_info and
 * foreign_key_list pragmas; and the expected schema normalised the way
 * SQLite stores it.
 */
#include "inspect_sqlite.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql.h"

/* The logical types as the renderer declares them on SQLite. */
static const struct inspect_type_name type_names[] = {
	{"BOOLEAN", MG_COL_BOOLEAN}, {"SMALLINT", MG_COL_SMALLINT},
	{"INTEGER", MG_COL_INTEGER}, {"BIGINT", MG_COL_BIGINT},
	{"REAL", MG_COL_REAL},       {"DOUBLE PRECISION", MG_COL_DOUBLE},
	{"TEXT", MG_COL_TEXT},       {"BLOB", MG_COL_BLOB},
};

static void parse_type(struct mg_column *col, const char *sql_type, struct mg_arena *arena)
{
	inspect_parse_type(col, sql_type, type_names, sizeof(type_names) / sizeof(type_names[0]),
			   "varchar(", arena);
}

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
 * statement, copied into name[cap], or NULL (SQLite keeps constraint names
 * only in the text). */
static const char *fk_name(char *name, size_t cap, const char *create_sql, const char *column)
{
	const char *p = create_sql;

	while (p && (p = strchr(p, 'C')) != NULL) {
		char word[32], col[128];
		const char *q = p + strlen("CONSTRAINT");

		if (strncmp(p, "CONSTRAINT", strlen("CONSTRAINT")) != 0 ||
		    (p > create_sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
			p++;
			continue;
		}
		p = q;
		if (!read_ident(&q, name, cap) || !read_ident(&q, word, sizeof(word)) ||
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
			return name;
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

/* 1 when the CREATE TABLE text `sql` holds the length check of varchar(n)
 * column `column` (mg_sql_length_check, any spelling), as a column or a
 * table constraint. Strings and quoted names are skipped over. */
static int has_length_check(const char *sql, const char *column, unsigned n)
{
	const char *p = sql;

	while (p && *p) {
		const char *q;
		char name[128], expr[512];
		unsigned len;
		int depth;

		if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
			char close = *p == '[' ? ']' : *p;

			p = strchr(p + 1, close);
			p = p ? p + 1 : NULL;
			continue;
		}
		if (strncasecmp(p, "CHECK", 5) != 0 ||
		    (p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) ||
		    isalnum((unsigned char)p[5]) || p[5] == '_') {
			p++;
			continue;
		}
		for (q = p + 5; isspace((unsigned char)*q); q++)
			;
		p += 5;
		if (*q != '(')
			continue;
		/* The expression: up to the matching parenthesis. */
		for (p = ++q, depth = 1; *p && depth; p++) {
			if (*p == '\'' || *p == '"') {
				const char *e = strchr(p + 1, *p);

				if (!e)
					return 0;
				p = e;
			} else if (*p == '(') {
				depth++;
			} else if (*p == ')') {
				depth--;
			}
		}
		if (depth) /* p is at the end of the text */
			return 0;
		/* Longer than any length check (names have at most 63
		 * bytes): not one. */
		if ((size_t)(p - 1 - q) < sizeof(expr)) {
			memcpy(expr, q, (size_t)(p - 1 - q));
			expr[p - 1 - q] = 0;
			if (mg_sql_parse_length_check(expr, name, sizeof(name), &len) && len == n &&
			    strcasecmp(name, column) == 0)
				return 1;
		}
	}
	return 0;
}

/* The columns and primary key of the table being built in `b` ($1 of `p`
 * names it); `create_sql` is its CREATE TABLE text. A VARCHAR(N) without
 * its length check is read as the type it is there, a name SQLite only
 * keeps (MG_COL_CUSTOM): it takes values of any length. */
static int read_columns(struct table_builder *b, struct mg_db *db, const char *const *p,
			const char *create_sql)
{
	struct mg_rows *rows = NULL;
	const char *pkcols[64];
	size_t i, n_pkcols = 0;
	int rc;

	rc = mg_db_query(&rows, db,
			 "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1)"
			 " ORDER BY cid",
			 1, p);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		struct mg_column *c = table_builder_column(b, mg_rows_text(rows, 0));
		const char *dflt = mg_rows_text(rows, 3);
		long pk = atol(mg_rows_text(rows, 4));

		if (!c) {
			rc = db_nomem(db);
			goto done;
		}
		parse_type(c, mg_rows_text(rows, 1), b->arena);
		if (c->type == MG_COL_VARCHAR &&
		    !has_length_check(create_sql, c->name, c->length)) {
			c->type = MG_COL_CUSTOM;
			c->length = 0;
			c->custom_type = mg_arena_strdup(b->arena, mg_rows_text(rows, 1));
		}
		c->nullable = strcmp(mg_rows_text(rows, 2), "0") == 0;
		c->default_sql = dflt ? mg_arena_strdup(b->arena, dflt) : NULL;
		if (pk > 0 && pk <= 64) {
			pkcols[pk - 1] = c->name;
			if ((size_t)pk > n_pkcols)
				n_pkcols = (size_t)pk;
		}
	}
	if (rc < 0)
		goto done;
	rc = 0;
	for (i = 0; i < n_pkcols; i++) {
		size_t j;

		table_builder_primary_key(b, pkcols[i]);
		/* A key column declared without NOT NULL (SQLite allows NULL there,
		 * an old bug kept for compatibility) reads as NOT NULL, as modelgen
		 * writes every key column: a NULL in it makes a later rebuild fail,
		 * it never loses a row. */
		for (j = 0; j < b->n_columns; j++)
			if (strcmp(b->columns[j].name, pkcols[i]) == 0)
				b->columns[j].nullable = 0;
	}
done:
	mg_rows_free(rows);
	return rc;
}

/* The indexes (not the primary key's) of the table being built in `b`;
 * *pk_index: whether the primary key has an index (it has none only as the
 * rowid alias). */
static int read_indexes(struct table_builder *b, struct mg_db *db, const char *const *p,
			int *pk_index)
{
	struct mg_rows *rows = NULL, *cols = NULL;
	int rc;

	*pk_index = 0;
	rc = mg_db_query(&rows, db,
			 "SELECT name, \"unique\", origin = 'pk' FROM pragma_index_list($1)"
			 " ORDER BY name",
			 1, p);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		const char *ip[1] = {mg_rows_text(rows, 0)};

		if (strcmp(mg_rows_text(rows, 2), "1") == 0) {
			*pk_index = 1;
			continue;
		}
		if (!table_builder_index(b, ip[0], strcmp(mg_rows_text(rows, 1), "1") == 0)) {
			rc = db_nomem(db);
			goto done;
		}
		rc = mg_db_query(&cols, db,
				 "SELECT coalesce(name, '<expression>') FROM pragma_index_info($1)"
				 " ORDER BY seqno",
				 1, ip);
		if (rc)
			goto done;
		while ((rc = mg_rows_next(cols)) == 1)
			table_builder_index_column(b, mg_rows_text(cols, 0));
		mg_rows_free(cols);
		cols = NULL;
		if (rc < 0)
			goto done;
	}
	if (rc > 0)
		rc = 0;
done:
	mg_rows_free(cols);
	mg_rows_free(rows);
	return rc;
}

/* The foreign keys of the table being built in `b`, named from its CREATE
 * TABLE text. */
static int read_foreign_keys(struct table_builder *b, struct mg_db *db, const char *const *p,
			     const char *create_sql)
{
	struct mg_rows *rows = NULL;
	int rc;

	/* REFERENCES t without a column means t's primary key: its first
	 * column, which the key names then. */
	rc = mg_db_query(&rows, db,
			 "SELECT f.\"table\", f.\"from\", coalesce(f.\"to\", (SELECT k.name FROM"
			 " pragma_table_info(f.\"table\") k WHERE k.pk = 1)), f.on_delete"
			 " FROM pragma_foreign_key_list($1) f WHERE f.seq = 0 ORDER BY f.id",
			 1, p);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		struct mg_foreign_key *fk = table_builder_foreign_key(b);
		const char *column = mg_rows_text(rows, 1), *to = mg_rows_text(rows, 2), *name;
		char buf[128];

		if (!fk) {
			rc = db_nomem(db);
			goto done;
		}
		fk->column = mg_arena_strdup(b->arena, column);
		fk->ref_table = mg_arena_strdup(b->arena, mg_rows_text(rows, 0));
		fk->ref_column = mg_arena_strdup(b->arena, to ? to : "");
		fk->on_delete = parse_action(mg_rows_text(rows, 3));
		name = fk_name(buf, sizeof(buf), create_sql, column);
		fk->name = name ? mg_arena_strdup(b->arena, name)
				: mg_arena_printf(b->arena, "<unnamed key on %s>", column);
	}
	if (rc > 0)
		rc = 0;
done:
	mg_rows_free(rows);
	return rc;
}

/* Adds table `name` to `s` when it exists. */
static int read_table(struct schema_builder *s, struct mg_db *db, const char *name)
{
	char *create_sql = NULL;
	const char *p[1] = {name};
	struct table_builder b;
	int rc, pk_index = 0;

	rc = db_query_value(&create_sql, db,
			    "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = $1", 1,
			    p);
	if (rc || !create_sql)
		goto done;
	table_builder_init(&b, s, name);
	rc = read_columns(&b, db, p, create_sql);
	if (rc == 0)
		rc = read_indexes(&b, db, p, &pk_index);
	if (rc == 0 && b.n_primary_key == 1 && !pk_index) {
		/* INTEGER PRIMARY KEY of a rowid table: the rowid alias,
		 * generated (WITHOUT ROWID, or declared otherwise than INTEGER,
		 * the key has an index). */
		size_t i;

		for (i = 0; i < b.n_columns; i++)
			if (strcmp(b.columns[i].name, b.primary_key[0]) == 0 &&
			    b.columns[i].type == MG_COL_INTEGER)
				b.columns[i].identity = 1;
	}
	if (rc == 0)
		rc = read_foreign_keys(&b, db, p, create_sql);
	if (rc == 0 && !schema_builder_add(s, &b))
		rc = db_nomem(db);
done:
	free(create_sql);
	return rc;
}

int inspect_sqlite(struct schema_builder *out, struct mg_db *db, size_t n_names,
		   const char *const *names)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n_names && rc == 0; i++)
		rc = read_table(out, db, names[i]);
	return rc;
}

/* `t`'s columns with the declared type read back as introspection reads
 * it, into the arena of `s`; NULL when out of memory. */
static struct mg_column *declared_columns(struct schema_builder *s, const struct mg_table *t)
{
	struct mg_column *cols = mg_arena_calloc(s->arena, t->n_columns + 1, sizeof(*cols));
	struct mg_strbuf type = {0};
	size_t j;

	for (j = 0; cols && j < t->n_columns; j++) {
		cols[j] = t->columns[j];
		mg_strbuf_clear(&type);
		mg_sql_column_type(&type, MG_DIALECT_SQLITE, t, &t->columns[j]);
		if (mg_strbuf_failed(&type))
			cols = NULL;
		else
			parse_type(&cols[j], mg_strbuf_cstr(&type), s->arena);
		/* A single key column declared INTEGER is the rowid alias in the
		 * tables modelgen creates, MG_TYPE("INTEGER") included. */
		if (cols && cols[j].type == MG_COL_INTEGER && t->n_primary_key == 1 &&
		    strcmp(t->primary_key[0], cols[j].name) == 0)
			cols[j].identity = 1;
		/* Only a varchar gets its length check: a custom VARCHAR(N)
		 * (MG_TYPE) stays the name it is. */
		if (cols && cols[j].type == MG_COL_VARCHAR &&
		    t->columns[j].type != MG_COL_VARCHAR) {
			cols[j].type = MG_COL_CUSTOM;
			cols[j].length = 0;
			cols[j].custom_type = mg_arena_strdup(s->arena, mg_strbuf_cstr(&type));
		}
		if (cols && cols[j].identity) {
			cols[j].nullable = 0;
			cols[j].default_sql = NULL;
		}
	}
	mg_strbuf_free(&type);
	return cols;
}

int inspect_normalize_sqlite(struct mg_schema **out, struct mg_db *db,
			     const struct mg_schema *expected)
{
	struct schema_builder s;
	size_t i;

	/* SQLite keeps the declared type and the default's text (without the
	 * parentheses the renderer adds around expressions): render the type
	 * and read it back as introspection does. */
	*out = NULL;
	schema_builder_init(&s);
	for (i = 0; i < expected->n_tables; i++) {
		struct mg_table copy = expected->tables[i];

		copy.columns = declared_columns(&s, &expected->tables[i]);
		copy.primary_key_name = NULL; /* SQLite keeps no key names */
		if (!copy.columns)
			break;
		schema_builder_add_copy(&s, &copy);
	}
	if (i < expected->n_tables) {
		schema_builder_abandon(&s);
		return db_nomem(db);
	}
	return schema_builder_finish(out, &s) ? db_nomem(db) : 0;
}
