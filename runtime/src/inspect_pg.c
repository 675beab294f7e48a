/*
 * PostgreSQL introspection from the catalogs, in sets: whatever the number
 * of tables, one query per catalog (pg_class, pg_attribute, the primary
 * keys and other indexes of pg_index, pg_constraint), each over every
 * named table at once. And normalising an expected schema through the
 * server: the expected columns are created as temporary tables inside a
 * transaction or savepoint that is rolled back (so only the TEMP privilege
 * every role has by default is needed) and read back the same way, so types
 * and defaults compare in the server's own spelling ('x'::character
 * varying, timestamp with time zone, ...). A drift check costs the same
 * dozen round trips for one table or a thousand.
 */
#include "inspect_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "util/alloc.h"

/* The logical types as format_type spells them. */
static const struct inspect_type_name type_names[] = {
	{"boolean", MG_COL_BOOLEAN},
	{"smallint", MG_COL_SMALLINT},
	{"integer", MG_COL_INTEGER},
	{"bigint", MG_COL_BIGINT},
	{"real", MG_COL_REAL},
	{"double precision", MG_COL_DOUBLE},
	{"text", MG_COL_TEXT},
	{"bytea", MG_COL_BLOB},
	/* varchar without a length holds what text holds (modelgen pull
	 * writes char * for it). */
	{"character varying", MG_COL_TEXT},
};

static void parse_type(struct mg_column *col, const char *sql_type, struct mg_arena *arena)
{
	inspect_parse_type(col, sql_type, type_names, sizeof(type_names) / sizeof(type_names[0]),
			   "character varying(", arena);
}

/*
 * The tables every query starts from: t(oid, relname) for the names in $1
 * (a text[]) that are tables of the namespace, the connection's current
 * schema or this session's temporary one.
 */
#define TABLES_IN(namespace)                                                                       \
	"WITH t AS (SELECT c.oid, c.relname FROM pg_class c"                                       \
	" WHERE c.relname = ANY ($1::text[]) AND c.relkind IN ('r', 'p')"                          \
	" AND c.relnamespace = " namespace ") "
#define CURRENT_SCHEMA "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
#define TEMP_SCHEMA    "pg_my_temp_schema()"

/* The queries, each for one namespace: [0] current schema, [1] temporary.
 * Every row starts with its table's name. */
#define PER_NAMESPACE(sql)                                                                         \
	{                                                                                          \
		TABLES_IN(CURRENT_SCHEMA) sql, TABLES_IN(TEMP_SCHEMA) sql                          \
	}

static const char *const tables_sql[2] =
	PER_NAMESPACE("SELECT t.relname, obj_description(t.oid, 'pg_class') FROM t");

/* Column 4 is attidentity, or 's' for a serial column: its default is
 * nextval() of a sequence the column owns (pg_depend deptype 'a'), which
 * reads as an identity without a default (the same in use, and what
 * modelgen pull writes for it). The owned sequences are a materialised set
 * joined by hash: a correlated look-up per column is planned as a scan per
 * row on a freshly made catalog (stale statistics). */
static const char *const columns_sql[2] = PER_NAMESPACE(
	", owned AS MATERIALIZED (SELECT dep.refobjid, dep.refobjsubid,"
	" 'nextval(' || quote_literal(s.oid::regclass::text) || '::regclass)' AS dflt"
	" FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'"
	" WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass"
	" AND dep.deptype = 'a' AND dep.refobjid IN (SELECT oid FROM t))"
	" SELECT t.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
	" CASE WHEN a.attidentity = '' AND o.dflt IS NOT NULL THEN 's'"
	" ELSE a.attidentity::text END,"
	" pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum)"
	" FROM t JOIN pg_attribute a ON a.attrelid = t.oid LEFT JOIN pg_attrdef d"
	" ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	" LEFT JOIN owned o ON o.refobjid = t.oid AND o.refobjsubid = a.attnum"
	" AND o.dflt = pg_get_expr(d.adbin, d.adrelid)"
	" WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY t.relname, a.attnum");

static const char *const primary_keys_sql[2] =
	PER_NAMESPACE("SELECT t.relname, a.attname, ic.relname FROM t JOIN pg_index i"
		      " ON i.indrelid = t.oid JOIN pg_class ic ON ic.oid = i.indexrelid"
		      " CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)"
		      " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
		      " WHERE i.indisprimary ORDER BY t.relname, k.ord");

static const char *const indexes_sql[2] = PER_NAMESPACE(
	"SELECT t.relname, ic.relname, i.indisunique, coalesce(a.attname, '<expression>')"
	" FROM t JOIN pg_index i ON i.indrelid = t.oid JOIN pg_class ic ON ic.oid = i.indexrelid"
	" CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)"
	" LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
	" WHERE NOT i.indisprimary ORDER BY t.relname, ic.relname, k.ord");

static const char *const foreign_keys_sql[2] = PER_NAMESPACE(
	"SELECT t.relname, con.conname, a.attname, rc.relname, ra.attname, con.confdeltype"
	" FROM t JOIN pg_constraint con ON con.conrelid = t.oid AND con.contype = 'f'"
	" JOIN pg_class rc ON rc.oid = con.confrelid"
	" JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]"
	" JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]"
	" ORDER BY t.relname, con.conname");

/* The tables being read: one builder each, sorted by name. */
struct reading {
	struct schema_builder *out;
	struct mg_db *db;
	int temp;    /* reading the temporary schema */
	char *names; /* $1: the names as a text[] literal */
	struct table_builder *tables;
	size_t n_tables;
};

static int cmp_builder(const void *a, const void *b)
{
	return strcmp(((const struct table_builder *)a)->name,
		      ((const struct table_builder *)b)->name);
}

/* The builder of table `name`, or NULL (a table that appeared meanwhile). */
static struct table_builder *find(struct reading *r, const char *name)
{
	struct table_builder key;

	key.name = name;
	return bsearch(&key, r->tables, r->n_tables, sizeof(*r->tables), cmp_builder);
}

/* `names` as a PostgreSQL array literal: {"a","b"}. */
static char *array_literal(size_t n, const char *const *names)
{
	struct mg_strbuf b = {0};
	size_t i;

	mg_strbuf_putc(&b, '{');
	for (i = 0; i < n; i++) {
		const char *p;

		mg_strbuf_puts(&b, i ? ",\"" : "\"");
		for (p = names[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				mg_strbuf_putc(&b, '\\');
			mg_strbuf_putc(&b, *p);
		}
		mg_strbuf_putc(&b, '"');
	}
	mg_strbuf_putc(&b, '}');
	return mg_strbuf_detach(&b);
}

/* Runs query `sql` of the reading; for each row whose table is known,
 * calls `row` with that table's builder. */
static int each_row(struct reading *r, const char *sql,
		    int (*row)(struct reading *r, struct table_builder *b, struct mg_rows *rows))
{
	const char *params[1] = {r->names};
	struct mg_rows *rows = NULL;
	int rc = mg_db_query(&rows, r->db, sql, 1, params);

	if (rc)
		return rc;
	while ((rc = mg_rows_next(rows)) == 1) {
		struct table_builder *b = find(r, mg_rows_text(rows, 0));

		if (b && (rc = row(r, b, rows)) != 0)
			break;
	}
	mg_rows_free(rows);
	return rc < 0 ? rc : 0;
}

static int column_row(struct reading *r, struct table_builder *b, struct mg_rows *rows)
{
	struct mg_column *c = table_builder_column(b, mg_rows_text(rows, 1));
	const char *dflt = mg_rows_text(rows, 5);

	if (!c)
		return db_nomem(r->db);
	parse_type(c, mg_rows_text(rows, 2), b->arena);
	c->nullable = strcmp(mg_rows_text(rows, 3), "t") != 0;
	c->identity = mg_rows_text(rows, 4)[0] != 0;
	/* serial ('s'): the default is the identity's nextval. */
	c->default_sql =
		dflt && mg_rows_text(rows, 4)[0] != 's' ? mg_arena_strdup(b->arena, dflt) : NULL;
	c->comment = mg_arena_strdup(b->arena, mg_rows_text(rows, 6));
	return 0;
}

/* The key's columns; its name (that of its index) when it is not the
 * derived pk_<table>, which the server cuts to 63 bytes. */
static int primary_key_row(struct reading *r, struct table_builder *b, struct mg_rows *rows)
{
	const char *name = mg_rows_text(rows, 2);
	size_t n = strlen(b->name) + 3 > 63 ? 63 : strlen(b->name) + 3;

	(void)r;
	if (!b->n_primary_key && (strlen(name) != n || strncmp(name, "pk_", 3) != 0 ||
				  strncmp(name + 3, b->name, n - 3) != 0))
		b->primary_key_name = mg_arena_strdup(b->arena, name);
	table_builder_primary_key(b, mg_rows_text(rows, 1));
	return 0;
}

static int index_row(struct reading *r, struct table_builder *b, struct mg_rows *rows)
{
	const char *name = mg_rows_text(rows, 1);

	/* Rows come by table, index, column position: a new name starts the
	 * next index of the table. */
	if (!b->n_indexes || strcmp(b->indexes[b->n_indexes - 1].name, name) != 0) {
		if (!table_builder_index(b, name, strcmp(mg_rows_text(rows, 2), "t") == 0))
			return db_nomem(r->db);
	}
	table_builder_index_column(b, mg_rows_text(rows, 3));
	return 0;
}

static int foreign_key_row(struct reading *r, struct table_builder *b, struct mg_rows *rows)
{
	struct mg_foreign_key *fk = table_builder_foreign_key(b);
	const char *act = mg_rows_text(rows, 5);

	if (!fk)
		return db_nomem(r->db);
	fk->name = mg_arena_strdup(b->arena, mg_rows_text(rows, 1));
	fk->column = mg_arena_strdup(b->arena, mg_rows_text(rows, 2));
	fk->ref_table = mg_arena_strdup(b->arena, mg_rows_text(rows, 3));
	fk->ref_column = mg_arena_strdup(b->arena, mg_rows_text(rows, 4));
	fk->on_delete = act[0] == 'c'   ? MG_FK_CASCADE
			: act[0] == 'n' ? MG_FK_SET_NULL
			: act[0] == 'r' ? MG_FK_RESTRICT
					: MG_FK_NO_ACTION;
	return 0;
}

/* Query 1: which of the names are tables, with their comments; a builder
 * for each. */
static int read_table_list(struct reading *r)
{
	const char *params[1] = {r->names};
	struct mg_rows *rows = NULL;
	size_t cap = 0;
	int rc = mg_db_query(&rows, r->db, tables_sql[r->temp], 1, params);

	if (rc)
		return rc;
	while ((rc = mg_rows_next(rows)) == 1) {
		const char *comment = mg_rows_text(rows, 1);

		struct table_builder *b;

		if (r->n_tables == cap) {
			size_t more = cap ? cap * 2 : 16;
			struct table_builder *t = mg_realloc(r->tables, more * sizeof(*t));

			if (!t) {
				rc = db_nomem(r->db);
				break;
			}
			r->tables = t;
			cap = more;
		}
		b = &r->tables[r->n_tables];
		table_builder_init(b, r->out, mg_rows_text(rows, 0));
		b->comment = mg_arena_strdup(b->arena, comment);
		if (!b->name) {
			rc = db_nomem(r->db);
			break;
		}
		r->n_tables++;
	}
	mg_rows_free(rows);
	if (rc < 0)
		return rc;
	if (r->n_tables)
		qsort(r->tables, r->n_tables, sizeof(*r->tables), cmp_builder);
	return 0;
}

/* Adds the tables named in `names` of the current or the temporary schema
 * that exist to `out`: five queries, whatever their number. */
static int read_tables(struct schema_builder *out, struct mg_db *db, int temp, size_t n_names,
		       const char *const *names)
{
	struct reading r = {out, db, temp, NULL, NULL, 0};
	size_t i;
	int rc;

	r.names = array_literal(n_names, names);
	if (!r.names) {
		rc = db_nomem(db);
		goto done;
	}
	rc = read_table_list(&r);
	if (rc || !r.n_tables)
		goto done;
	rc = each_row(&r, columns_sql[temp], column_row);
	if (rc == 0)
		rc = each_row(&r, primary_keys_sql[temp], primary_key_row);
	if (rc == 0)
		rc = each_row(&r, indexes_sql[temp], index_row);
	if (rc == 0)
		rc = each_row(&r, foreign_keys_sql[temp], foreign_key_row);
	for (i = 0; rc == 0 && i < r.n_tables; i++)
		if (!schema_builder_add(out, &r.tables[i]))
			rc = db_nomem(db);
done:
	free(r.names);
	free(r.tables);
	return rc;
}

int inspect_pg(struct schema_builder *out, struct mg_db *db, size_t n_names,
	       const char *const *names)
{
	return read_tables(out, db, 0, n_names, names);
}

/*
 * The server's spelling of a column's type and default depends on nothing
 * but "type DEFAULT expr", so the expected columns are asked for by their
 * distinct definitions, NORM_PER_TABLE to a temporary table
 * (modelgen_norm_K, columns cD for definition D): a thousand tables of
 * alike columns cost a few temporary tables, not a thousand.
 */
#define NORM_PER_TABLE 1000

struct norm {
	struct mg_arena *arena; /* every string and array below */
	const char **defs;      /* distinct definitions, sorted */
	size_t n_defs;
	size_t *of; /* per column of `expected`, in order: its definition */
};

static int cmp_def(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Fills *nm from `expected`; returns 0, or -1 when out of memory (free
 * nm->arena either way). */
static int norm_init(struct norm *nm, const struct mg_schema *expected)
{
	struct mg_strbuf def = {0};
	const char **all;
	size_t i, j, k = 0, n_cols = 0;

	memset(nm, 0, sizeof(*nm));
	if (!(nm->arena = mg_arena_new()))
		return -1;
	for (i = 0; i < expected->n_tables; i++)
		n_cols += expected->tables[i].n_columns;
	all = mg_arena_calloc(nm->arena, n_cols + 1, sizeof(*all));
	nm->defs = mg_arena_calloc(nm->arena, n_cols + 1, sizeof(*nm->defs));
	nm->of = mg_arena_calloc(nm->arena, n_cols + 1, sizeof(*nm->of));
	for (i = 0; all && nm->defs && nm->of && i < expected->n_tables; i++) {
		const struct mg_table *t = &expected->tables[i];

		for (j = 0; j < t->n_columns; j++, k++) {
			const struct mg_column *c = &t->columns[j];

			mg_strbuf_clear(&def);
			mg_sql_column_type(&def, MG_DIALECT_POSTGRESQL, t, c);
			if (c->default_sql && !c->identity) {
				mg_strbuf_puts(&def, " DEFAULT ");
				mg_sql_default(&def, c->default_sql);
			}
			all[k] = mg_arena_strdup(nm->arena, mg_strbuf_cstr(&def));
		}
	}
	if (mg_strbuf_failed(&def) || mg_arena_failed(nm->arena)) {
		mg_strbuf_free(&def);
		return -1;
	}
	mg_strbuf_free(&def);
	/* The distinct definitions, sorted; each column finds its own. */
	memcpy(nm->defs, all, n_cols * sizeof(*all));
	qsort(nm->defs, n_cols, sizeof(*nm->defs), cmp_def);
	for (k = 0; k < n_cols; k++)
		if (!nm->n_defs || strcmp(nm->defs[nm->n_defs - 1], nm->defs[k]) != 0)
			nm->defs[nm->n_defs++] = nm->defs[k];
	for (k = 0; k < n_cols; k++)
		nm->of[k] = (size_t)((const char **)bsearch(&all[k], nm->defs, nm->n_defs,
							    sizeof(*nm->defs), cmp_def) -
				     nm->defs);
	return 0;
}

/* CREATE TEMPORARY TABLE statements for nm's definitions. */
static void put_temp_tables(struct mg_strbuf *sql, const struct norm *nm)
{
	size_t d;

	for (d = 0; d < nm->n_defs; d++) {
		if (d % NORM_PER_TABLE == 0)
			mg_strbuf_printf(sql, "%sCREATE TEMPORARY TABLE modelgen_norm_%zu (",
					 d ? ");\n" : "", d / NORM_PER_TABLE);
		else
			mg_strbuf_puts(sql, ", ");
		mg_strbuf_printf(sql, "c%zu %s", d, nm->defs[d]);
	}
	if (nm->n_defs)
		mg_strbuf_puts(sql, ");\n");
}

/* `expected` with the types and defaults the server gave its columns'
 * definitions in `scratch` (the temporary tables), into *out. */
static int take_server_spelling(struct mg_schema **out, const struct mg_schema *expected,
				const struct norm *nm, const struct mg_schema *scratch)
{
	struct schema_builder s;
	size_t i, j, k = 0;

	schema_builder_init(&s);
	for (i = 0; i < expected->n_tables; i++) {
		const struct mg_table *t = &expected->tables[i];
		struct mg_column *cols = mg_arena_calloc(s.arena, t->n_columns + 1, sizeof(*cols));
		struct mg_table copy = *t;

		for (j = 0; j < t->n_columns; j++, k++) {
			char tname[40], cname[32];
			const struct mg_table *st;
			const struct mg_column *sc;

			if (!cols)
				continue;
			snprintf(tname, sizeof(tname), "modelgen_norm_%zu",
				 nm->of[k] / NORM_PER_TABLE);
			snprintf(cname, sizeof(cname), "c%zu", nm->of[k]);
			st = mg_schema_find_table(scratch, tname);
			sc = st ? mg_table_find_column(st, cname) : NULL;
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
	return schema_builder_finish(out, &s);
}

int inspect_normalize_pg(struct mg_schema **out, struct mg_db *db, const struct mg_schema *expected)
{
	struct mg_strbuf sql = {0};
	struct schema_builder read = {0};
	struct mg_schema *scratch = NULL;
	struct norm nm;
	const char **names = NULL;
	size_t i, n_temp = 0;
	int was_in_tx = db->in_tx, rc, rb;

	*out = NULL;
	if (norm_init(&nm, expected) == 0) {
		n_temp = (nm.n_defs + NORM_PER_TABLE - 1) / NORM_PER_TABLE;
		names = mg_arena_calloc(nm.arena, n_temp + 1, sizeof(*names));
		for (i = 0; names && i < n_temp; i++)
			names[i] = mg_arena_printf(nm.arena, "modelgen_norm_%zu", i);
	}
	if (!names || mg_arena_failed(nm.arena)) {
		rc = db_nomem(db);
		goto done;
	}
	/* One round trip to open the scratch space and create the copies,
	 * five to read them back, one to roll back. */
	/* READ WRITE: also on a read-only connection (MG_DB_OPEN_READ_ONLY),
	 * whose transactions are read-only by default; this one is rolled
	 * back. */
	mg_strbuf_puts(&sql, was_in_tx ? "SAVEPOINT modelgen_normalize;\n" : "BEGIN READ WRITE;\n");
	put_temp_tables(&sql, &nm);
	rc = db_exec_buf(db, &sql);
	if (rc == 0) {
		schema_builder_init(&read);
		rc = read_tables(&read, db, 1, n_temp, names);
		if (rc == 0 && schema_builder_finish(&scratch, &read))
			rc = db_nomem(db);
	}
	/* After a failed BEGIN; CREATE ... the transaction may be open or not:
	 * a ROLLBACK outside one only warns. */
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
	if (take_server_spelling(out, expected, &nm, scratch))
		rc = db_nomem(db);
done:
	schema_builder_abandon(&read);
	mg_schema_free(scratch);
	mg_arena_free(nm.arena);
	mg_strbuf_free(&sql);
	return rc;
}
