/*
 * PostgreSQL introspection from the catalogs (pg_class, pg_attribute,
 * pg_index, pg_constraint), and normalising an expected schema through the
 * server: the expected columns are created as temporary tables inside a
 * transaction or savepoint that is rolled back (so only the TEMP privilege
 * every role has by default is needed), and read back the same way,
 * so types and defaults compare in the server's own spelling
 * ('x'::character varying, timestamp with time zone, ...).
 */
#include "inspect_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "util/alloc.h"

/* The logical types as format_type spells them. */
static const struct inspect_type_name type_names[] = {
	{"boolean", MG_COL_BOOLEAN}, {"smallint", MG_COL_SMALLINT},
	{"integer", MG_COL_INTEGER}, {"bigint", MG_COL_BIGINT},
	{"real", MG_COL_REAL},       {"double precision", MG_COL_DOUBLE},
	{"text", MG_COL_TEXT},       {"bytea", MG_COL_BLOB},
};

static void parse_type(struct mg_column *col, const char *sql_type, struct mg_arena *arena)
{
	inspect_parse_type(col, sql_type, type_names, sizeof(type_names) / sizeof(type_names[0]),
			   "character varying(", arena);
}

/* Adds table `name` of schema `schema_name` (NULL: the current schema) to
 * `s` when it exists. */
static int read_table(struct schema_builder *s, struct mg_db *db, const char *schema_name,
		      const char *name)
{
	struct mg_rows *rows = NULL;
	char *oid = NULL, *comment = NULL;
	const char *p2[2] = {schema_name, name};
	const char *p1[1];
	struct table_builder b;
	struct mg_table *t;
	int rc;

	rc = db_query_value(
		&oid, db,
		"SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		" WHERE n.nspname = coalesce($1::text, current_schema())"
		" AND c.relname = $2 AND c.relkind IN ('r', 'p')",
		2, p2);
	if (rc || !oid)
		goto done;
	p1[0] = oid;
	table_builder_init(&b, s, name);
	rc = mg_db_query(&rows, db,
			 "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
			 " a.attidentity, pg_get_expr(d.adbin, d.adrelid),"
			 " col_description(a.attrelid, a.attnum)"
			 " FROM pg_attribute a LEFT JOIN pg_attrdef d"
			 " ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
			 " WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped"
			 " ORDER BY a.attnum",
			 1, p1);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		struct mg_column *c = table_builder_column(&b, mg_rows_text(rows, 0));
		const char *dflt = mg_rows_text(rows, 4);

		if (!c) {
			rc = db_nomem(db);
			goto done;
		}
		parse_type(c, mg_rows_text(rows, 1), s->arena);
		c->nullable = strcmp(mg_rows_text(rows, 2), "t") != 0;
		c->identity = mg_rows_text(rows, 3)[0] != 0;
		c->default_sql = dflt ? mg_arena_strdup(s->arena, dflt) : NULL;
		c->comment = mg_arena_strdup(s->arena, mg_rows_text(rows, 5));
	}
	if (rc < 0)
		goto done;
	mg_rows_free(rows);
	rows = NULL;

	rc = mg_db_query(
		&rows, db,
		"SELECT a.attname FROM pg_index i"
		" CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)"
		" JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
		" WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.ord",
		1, p1);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1)
		table_builder_primary_key(&b, mg_rows_text(rows, 0));
	if (rc < 0)
		goto done;
	mg_rows_free(rows);
	rows = NULL;

	rc = mg_db_query(
		&rows, db,
		"SELECT ic.relname, i.indisunique, coalesce(a.attname, '<expression>')"
		" FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
		" CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)"
		" LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
		" WHERE i.indrelid = $1::oid AND NOT i.indisprimary"
		" ORDER BY ic.relname, k.ord",
		1, p1);
	if (rc)
		goto done;
	{
		const struct mg_index *ix = NULL;

		while ((rc = mg_rows_next(rows)) == 1) {
			if (!ix || strcmp(ix->name, mg_rows_text(rows, 0)) != 0) {
				ix = table_builder_index(&b, mg_rows_text(rows, 0),
							 strcmp(mg_rows_text(rows, 1), "t") == 0);
				if (!ix) {
					rc = db_nomem(db);
					goto done;
				}
			}
			table_builder_index_column(&b, mg_rows_text(rows, 2));
		}
	}
	if (rc < 0)
		goto done;
	mg_rows_free(rows);
	rows = NULL;

	rc = mg_db_query(
		&rows, db,
		"SELECT con.conname, a.attname, rc.relname, ra.attname, con.confdeltype"
		" FROM pg_constraint con JOIN pg_class rc ON rc.oid = con.confrelid"
		" JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]"
		" JOIN pg_attribute ra ON ra.attrelid = con.confrelid"
		" AND ra.attnum = con.confkey[1]"
		" WHERE con.conrelid = $1::oid AND con.contype = 'f'",
		1, p1);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		struct mg_foreign_key *fk = table_builder_foreign_key(&b);
		const char *act = mg_rows_text(rows, 4);

		if (!fk) {
			rc = db_nomem(db);
			goto done;
		}
		fk->name = mg_arena_strdup(s->arena, mg_rows_text(rows, 0));
		fk->column = mg_arena_strdup(s->arena, mg_rows_text(rows, 1));
		fk->ref_table = mg_arena_strdup(s->arena, mg_rows_text(rows, 2));
		fk->ref_column = mg_arena_strdup(s->arena, mg_rows_text(rows, 3));
		fk->on_delete = act[0] == 'c'   ? MG_FK_CASCADE
				: act[0] == 'n' ? MG_FK_SET_NULL
				: act[0] == 'r' ? MG_FK_RESTRICT
						: MG_FK_NO_ACTION;
	}
	if (rc < 0)
		goto done;
	mg_rows_free(rows);
	rows = NULL;
	rc = db_query_value(&comment, db, "SELECT obj_description($1::oid, 'pg_class')", 1, p1);
	if (rc)
		goto done;
	t = schema_builder_add(s, &b);
	if (t)
		t->comment = mg_arena_strdup(s->arena, comment);
	else
		rc = db_nomem(db);
done:
	mg_rows_free(rows);
	free(comment);
	free(oid);
	return rc;
}

/* Adds the tables named in `names` of schema `schema_name` (NULL: the
 * current schema) that exist to `s`. */
static int read_tables(struct schema_builder *s, struct mg_db *db, const char *schema_name,
		       size_t n_names, const char *const *names)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n_names && rc == 0; i++)
		rc = read_table(s, db, schema_name, names[i]);
	return rc;
}

int inspect_pg(struct schema_builder *out, struct mg_db *db, size_t n_names,
	       const char *const *names)
{
	return read_tables(out, db, NULL, n_names, names);
}

int inspect_normalize_pg(struct mg_schema **out, struct mg_db *db, const struct mg_schema *expected)
{
	struct mg_strbuf sql = {0};
	struct schema_builder read = {0}, s = {0};
	struct mg_schema *scratch = NULL;
	const char **names = NULL;
	char *temp_schema = NULL;
	int was_in_tx = db->in_tx, rc, rb;
	size_t i, j;

	*out = NULL;
	rc = mg_db_exec(db, was_in_tx ? "SAVEPOINT modelgen_normalize" : "BEGIN");
	if (rc)
		goto done;
	names = mg_calloc(expected->n_tables + 1, sizeof(*names));
	if (!names) {
		rc = db_nomem(db);
		goto rollback;
	}
	for (i = 0; i < expected->n_tables; i++) {
		const struct mg_table *t = &expected->tables[i];

		names[i] = t->name;
		/* Only what the server rewrites: types and defaults. */
		mg_strbuf_puts(&sql, "CREATE TEMPORARY TABLE ");
		mg_sql_ident(&sql, t->name);
		mg_strbuf_puts(&sql, " (");
		for (j = 0; j < t->n_columns; j++) {
			const struct mg_column *c = &t->columns[j];

			mg_strbuf_puts(&sql, j ? ", " : "");
			mg_sql_ident(&sql, c->name);
			mg_strbuf_putc(&sql, ' ');
			mg_sql_column_type(&sql, MG_DIALECT_POSTGRESQL, t, c);
			if (c->default_sql && !c->identity) {
				mg_strbuf_puts(&sql, " DEFAULT ");
				mg_sql_default(&sql, c->default_sql);
			}
		}
		mg_strbuf_puts(&sql, ");\n");
	}
	rc = db_exec_buf(db, &sql);
	if (rc == 0)
		rc = db_query_value(
			&temp_schema, db,
			"SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()", 0,
			NULL);
	if (rc == 0) {
		schema_builder_init(&read);
		rc = read_tables(&read, db, temp_schema ? temp_schema : "pg_temp",
				 expected->n_tables, names);
		if (rc == 0 && schema_builder_finish(&scratch, &read))
			rc = db_nomem(db);
	}
rollback:
	rb = mg_db_exec(db, was_in_tx ? "ROLLBACK TO SAVEPOINT modelgen_normalize;"
					" RELEASE SAVEPOINT modelgen_normalize"
				      : "ROLLBACK");
	if (rc) {
		db_prefix(db, "reading the expected schema back from the server");
		goto done;
	}
	if (rb) {
		rc = rb;
		goto done;
	}
	schema_builder_init(&s);
	for (i = 0; i < expected->n_tables; i++) {
		const struct mg_table *t = &expected->tables[i];
		const struct mg_table *st = mg_schema_find_table(scratch, t->name);
		struct mg_column *cols = mg_arena_calloc(s.arena, t->n_columns + 1, sizeof(*cols));
		struct mg_table copy = *t;

		for (j = 0; cols && j < t->n_columns; j++) {
			const struct mg_column *sc =
				st ? mg_table_find_column(st, t->columns[j].name) : NULL;

			cols[j] = t->columns[j];
			if (!sc)
				continue;
			cols[j].type = sc->type;
			cols[j].length = sc->length;
			cols[j].custom_type = mg_arena_strdup(s.arena, sc->custom_type);
			cols[j].default_sql =
				cols[j].identity ? NULL : mg_arena_strdup(s.arena, sc->default_sql);
			if (cols[j].identity)
				cols[j].nullable = 0;
		}
		copy.columns = cols;
		schema_builder_add_copy(&s, &copy);
	}
	if (schema_builder_finish(out, &s))
		rc = db_nomem(db);
done:
	schema_builder_abandon(&read);
	mg_schema_free(scratch);
	free(temp_schema);
	free(names);
	mg_strbuf_free(&sql);
	return rc;
}
