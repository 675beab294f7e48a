/*
 * modelgen pull, stage 1: the live catalog, read through the runtime's data
 * API (mg_db_query) in a few whole-schema queries, so that a thousand tables
 * cost a handful of round trips. PostgreSQL here (pg_catalog, for
 * current_schema() only); SQLite in pull_sqlite.c.
 */
#include "pull.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small helpers, shared with pull_sqlite.c ---------------------------- */

void *pull_grow(struct mg_arena *a, void *items, size_t n, size_t *cap, size_t elem)
{
	void *fresh;

	if (n < *cap)
		return items;
	*cap = *cap ? *cap * 2 : 2; /* most lists of a table hold one or two */
	fresh = mg_arena_calloc(a, *cap, elem);
	if (n)
		memcpy(fresh, items, n * elem);
	return fresh;
}

static const char *dup_or_null(struct mg_arena *a, const char *s)
{
	return s ? mg_arena_strdup(a, s) : NULL;
}

int pull_cmp_table(const void *a, const void *b)
{
	return strcmp(((const struct pl_table *)a)->name, ((const struct pl_table *)b)->name);
}

static int cmp_index(const void *a, const void *b)
{
	return strcmp(((const struct pl_index *)a)->name, ((const struct pl_index *)b)->name);
}

struct pl_table *pull_find_table(struct pl_catalog *cat, const char *name)
{
	size_t lo = 0, hi = cat->n_tables;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(cat->tables[mid].name, name);

		if (c == 0)
			return &cat->tables[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct pl_table *pull_find_table_nocase(struct pl_catalog *cat, const char *name)
{
	struct pl_table *t = pull_find_table(cat, name);
	size_t i;

	for (i = 0; !t && i < cat->n_tables; i++)
		if (strcasecmp(cat->tables[i].name, name) == 0)
			t = &cat->tables[i];
	return t;
}

void pull_add_object(struct pl_catalog *cat, struct mg_arena *a, size_t *cap, const char *kind,
		     const char *name, const char *table, const char *detail)
{
	struct pl_object *o = PUSH(a, cat->objects, cat->n_objects, *cap);

	o->kind = kind;
	o->name = mg_arena_strdup(a, name);
	o->table = dup_or_null(a, table);
	o->detail = dup_or_null(a, detail);
}

/* Runs `sql` and reports a failure into `err` with `what` in front. */
static int query(struct mg_rows **rows, struct mg_db *db, const char *sql, const char *what,
		 struct mg_strbuf *err)
{
	if (mg_db_query(rows, db, sql, 0, NULL) == 0)
		return 0;
	mg_strbuf_printf(err, "%s: %s", what, mg_db_errmsg(db));
	return -1;
}

/* Reads the end of a query: 0 at the end, -1 (message in err) on error. */
static int rows_done(int rc, struct mg_db *db, const char *what, struct mg_strbuf *err)
{
	if (rc >= 0)
		return 0;
	mg_strbuf_printf(err, "%s: %s", what, mg_db_errmsg(db));
	return -1;
}

/* ---- PostgreSQL --------------------------------------------------------- */

/* The strings of a JSON array (NULL elements stay NULL); n in *n. */
static const char **json_names(const char *text, size_t *n, struct mg_arena *a)
{
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	const char **out;
	size_t i;

	*n = json_is_array(v) ? json_array_size(v) : 0;
	out = mg_arena_calloc(a, *n + 1, sizeof(*out));
	for (i = 0; i < *n; i++)
		out[i] = dup_or_null(a, json_string_value(json_array_get(v, i)));
	json_decref(v);
	return out;
}

static int is_true(const char *s)
{
	return s && strcmp(s, "t") == 0;
}

/* Tables and the other relations of the schema. */
static const char pg_tables_sql[] =
	"SELECT c.relname, c.relkind, c.relpersistence, c.relispartition, c.relrowsecurity,"
	" obj_description(c.oid, 'pg_class'),"
	" (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent"
	"  WHERE i.inhrelid = c.oid LIMIT 1),"
	" EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
	"  AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S'),"
	" EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
	"  AND d.objid = c.oid AND d.deptype = 'e')"
	" FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
	" AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
	" ORDER BY c.relname COLLATE \"C\"";

/* The catalogs' statistics may be stale (a thousand tables just created):
 * lookups that would be a correlated subquery per column are done once, in
 * MATERIALIZED CTEs the planner joins by hash. */
static const char pg_columns_sql[] =
	"WITH owned AS MATERIALIZED (SELECT d.refobjid AS rel, d.refobjsubid AS att,"
	"  min(s.relname) AS seq FROM pg_depend d JOIN pg_class s ON s.oid = d.objid"
	"  WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
	"  AND d.deptype = 'a' AND s.relkind = 'S' GROUP BY 1, 2),"
	" ext AS MATERIALIZED (SELECT DISTINCT objid FROM pg_depend"
	"  WHERE classid = 'pg_type'::regclass AND deptype = 'e')"
	" SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
	" a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid),"
	" col_description(c.oid, a.attnum),"
	" CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,"
	" CASE WHEN coalesce(en.nspname, tn.nspname) <> 'pg_catalog' THEN"
	"  CASE coalesce(e.typtype, t.typtype) WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain'"
	"  WHEN 'c' THEN 'composite' WHEN 'r' THEN 'range' WHEN 'm' THEN 'multirange'"
	"  ELSE CASE WHEN x.objid IS NOT NULL THEN 'extension' ELSE 'user-defined' END END"
	"  || ' type ' || coalesce(e.typname, t.typname) END,"
	" o.seq, quote_ident(o.seq)"
	" FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
	" JOIN pg_type t ON t.oid = a.atttypid"
	" JOIN pg_namespace tn ON tn.oid = t.typnamespace"
	" LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'"
	" LEFT JOIN pg_namespace en ON en.oid = e.typnamespace"
	" LEFT JOIN ext x ON x.objid = coalesce(e.oid, t.oid)"
	" LEFT JOIN owned o ON o.rel = c.oid AND o.att = a.attnum"
	" LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
	" LEFT JOIN pg_collation co ON co.oid = a.attcollation"
	" WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
	" AND a.attnum > 0 AND NOT a.attisdropped"
	" ORDER BY c.relname COLLATE \"C\", a.attnum";

static const char pg_constraints_sql[] =
	"SELECT c.relname, k.conname, k.contype,"
	" (SELECT json_agg(a.attname ORDER BY u.ord) FROM unnest(k.conkey)"
	"  WITH ORDINALITY u(n, ord) JOIN pg_attribute a"
	"  ON a.attrelid = k.conrelid AND a.attnum = u.n),"
	" r.relname, CASE WHEN r.relnamespace <> c.relnamespace THEN rn.nspname END,"
	" (SELECT json_agg(a.attname ORDER BY u.ord) FROM unnest(k.confkey)"
	"  WITH ORDINALITY u(n, ord) JOIN pg_attribute a"
	"  ON a.attrelid = k.confrelid AND a.attnum = u.n),"
	" k.confdeltype, k.confupdtype, k.confmatchtype, k.condeferrable, k.condeferred,"
	" pg_get_constraintdef(k.oid, true)"
	" FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
	" LEFT JOIN pg_class r ON r.oid = k.confrelid"
	" LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace"
	" WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
	" ORDER BY c.relname COLLATE \"C\", k.conname COLLATE \"C\"";

static const char pg_indexes_sql[] =
	"SELECT c.relname, ic.relname, i.indisunique, i.indisprimary,"
	" i.indpred IS NOT NULL, i.indexprs IS NOT NULL,"
	" (SELECT json_agg(a.attname ORDER BY u.ord) FROM unnest(i.indkey::int2[])"
	"  WITH ORDINALITY u(n, ord) LEFT JOIN pg_attribute a"
	"  ON a.attrelid = i.indrelid AND a.attnum = u.n WHERE u.ord <= i.indnkeyatts),"
	" concat_ws(', ',"
	"  CASE WHEN am.amname <> 'btree' THEN 'using ' || am.amname END,"
	"  CASE WHEN i.indnatts > i.indnkeyatts THEN 'INCLUDE columns' END,"
	"  CASE WHEN EXISTS (SELECT 1 FROM unnest(i.indoption::int2[]) o WHERE o <> 0)"
	"   THEN 'DESC or NULLS FIRST' END,"
	"  CASE WHEN EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) WITH ORDINALITY x(oc, ord)"
	"   JOIN pg_opclass op ON op.oid = x.oc WHERE NOT op.opcdefault) THEN 'operator class' END,"
	"  CASE WHEN EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[], i.indkey::int2[])"
	"   x(coll, n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = x.n"
	"   WHERE x.coll <> a.attcollation) THEN 'COLLATE' END),"
	" k.contype, k.condeferrable, 'WHERE ' || pg_get_expr(i.indpred, i.indrelid)"
	" FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
	" JOIN pg_class c ON c.oid = i.indrelid JOIN pg_am am ON am.oid = ic.relam"
	" LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid"
	" AND k.contype IN ('p', 'u', 'x')"
	" WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
	" ORDER BY c.relname COLLATE \"C\", ic.relname COLLATE \"C\"";

/* Everything else in the schema that a migration tool could be expected
 * to know about. Extension members are the extension's. */
static const char pg_objects_sql[] =
	"SELECT 'trigger', t.tgname, c.relname, NULL FROM pg_trigger t"
	" JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
	" AND c.relnamespace = current_schema()::regnamespace"
	" UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'"
	"  ELSE 'function' END, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || "
	"')',"
	"  NULL, NULL FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace"
	"  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
	"  AND d.objid = p.oid AND d.deptype = 'e')"
	" UNION ALL SELECT CASE t.typtype WHEN 'e' THEN 'enum type' WHEN 'd' THEN 'domain'"
	"  WHEN 'r' THEN 'range type' ELSE 'composite type' END, t.typname, NULL,"
	"  CASE t.typtype WHEN 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', '"
	"  ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)"
	"  WHEN 'd' THEN format_type(t.typbasetype, t.typtypmod) END"
	"  FROM pg_type t WHERE t.typnamespace = current_schema()::regnamespace"
	"  AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class"
	"  WHERE oid = t.typrelid) = 'c'))"
	"  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass"
	"  AND d.objid = t.oid AND d.deptype = 'e')"
	" UNION ALL SELECT 'policy', p.polname, c.relname, NULL FROM pg_policy p"
	"  JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = "
	"current_schema()::regnamespace"
	" UNION ALL SELECT 'rule', r.rulename, c.relname, NULL FROM pg_rewrite r"
	"  JOIN pg_class c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN'"
	"  AND c.relnamespace = current_schema()::regnamespace"
	" UNION ALL SELECT 'extension', e.extname, NULL, e.extversion FROM pg_extension e"
	"  WHERE e.extname <> 'plpgsql'"
	" ORDER BY 1, 2";

static int read_pg(struct pl_catalog *cat, struct mg_db *db, struct mg_arena *a,
		   struct mg_strbuf *err)
{
	struct mg_rows *rows = NULL;
	size_t cap_tables = 0, cap_objects = 0, i;
	int rc = -1, r;
	char *schema = NULL;

	if (query(&rows, db, "SELECT current_schema()", "reading the current schema", err))
		goto done;
	if (mg_rows_next(rows) == 1 && mg_rows_text(rows, 0))
		schema = strdup(mg_rows_text(rows, 0));
	mg_rows_free(rows);
	rows = NULL;
	if (!schema) {
		mg_strbuf_puts(err, "no current schema (check search_path)");
		goto done;
	}
	free(schema);

	if (query(&rows, db, pg_tables_sql, "reading the tables", err))
		goto done;
	while ((r = mg_rows_next(rows)) == 1) {
		const char *name = mg_rows_text(rows, 0), *kind = mg_rows_text(rows, 1);
		const char *parent = mg_rows_text(rows, 6);
		struct pl_table *t;
		size_t o = 0;

		if (is_true(mg_rows_text(rows, 8)))
			continue; /* an extension's */
		switch (kind[0]) {
		case 'v':
			pull_add_object(cat, a, &cap_objects, "view", name, NULL, NULL);
			continue;
		case 'm':
			pull_add_object(cat, a, &cap_objects, "materialized view", name, NULL,
					NULL);
			continue;
		case 'f':
			pull_add_object(cat, a, &cap_objects, "foreign table", name, NULL, NULL);
			continue;
		case 'S':
			/* Sequences behind serial and identity columns come with
			 * their columns. */
			if (!is_true(mg_rows_text(rows, 7)))
				pull_add_object(cat, a, &cap_objects, "sequence", name, NULL, NULL);
			continue;
		default:
			break;
		}
		if (strcmp(name, "modelgen_migrations") == 0)
			cat->managed = 1;
		t = PUSH(a, cat->tables, cat->n_tables, cap_tables);
		t->name = mg_arena_strdup(a, name);
		t->comment = dup_or_null(a, mg_rows_text(rows, 5));
		if (kind[0] == 'p')
			t->unmanageable = "a partitioned table";
		else if (is_true(mg_rows_text(rows, 3)))
			t->unmanageable = mg_arena_printf(a, "a partition of %s",
							  parent ? parent : "a table");
		else if (parent)
			t->unmanageable = mg_arena_printf(a, "inherits from %s", parent);
		if (strcmp(mg_rows_text(rows, 2), "u") == 0)
			t->options[o++] = "UNLOGGED";
		if (is_true(mg_rows_text(rows, 4)))
			t->options[o++] = "row level security";
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the tables", err))
		goto done;
	/* pg_class order is COLLATE "C", the same as strcmp: already sorted. */

	if (query(&rows, db, pg_columns_sql, "reading the columns", err))
		goto done;
	{
		struct pl_table *t = NULL;
		size_t cap_cols = 0;

		while ((r = mg_rows_next(rows)) == 1) {
			const char *tn = mg_rows_text(rows, 0), *dflt = mg_rows_text(rows, 6);
			const char *gen = mg_rows_text(rows, 5), *owned = mg_rows_text(rows, 10);
			struct pl_column *c;

			if (!t || strcmp(t->name, tn) != 0) {
				t = pull_find_table(cat, tn);
				cap_cols = 0;
				if (!t)
					continue;
			}
			c = PUSH(a, t->columns, t->n_columns, cap_cols);
			c->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
			c->type = mg_arena_strdup(a, mg_rows_text(rows, 2));
			c->notnull = is_true(mg_rows_text(rows, 3));
			c->identity = mg_rows_text(rows, 4)[0];
			if (gen && gen[0])
				c->generated = dflt ? mg_arena_strdup(a, dflt) : "";
			else
				c->dflt = dup_or_null(a, dflt);
			c->comment = dup_or_null(a, mg_rows_text(rows, 7));
			c->collation = dup_or_null(a, mg_rows_text(rows, 8));
			c->type_origin = dup_or_null(a, mg_rows_text(rows, 9));
			if (owned && c->dflt && !c->identity) {
				/* serial: nextval('<the owned sequence>'::regclass) */
				const char *want = mg_arena_printf(a, "nextval('%s'::regclass)",
								   mg_rows_text(rows, 11));

				c->serial = strcmp(c->dflt, want) == 0;
			}
		}
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the columns", err))
		goto done;

	if (query(&rows, db, pg_constraints_sql, "reading the constraints", err))
		goto done;
	{
		struct pl_table *t = NULL;
		size_t cap_fk = 0, cap_checks = 0;

		while ((r = mg_rows_next(rows)) == 1) {
			const char *tn = mg_rows_text(rows, 0), *type = mg_rows_text(rows, 2);
			size_t n = 0, k;
			const char **cols;

			if (!t || strcmp(t->name, tn) != 0) {
				t = pull_find_table(cat, tn);
				cap_fk = cap_checks = 0;
				if (!t)
					continue;
			}
			cols = json_names(mg_rows_text(rows, 3), &n, a);
			if (type[0] == 'p') {
				t->pk_name = mg_arena_strdup(a, mg_rows_text(rows, 1));
				for (k = 0; k < n; k++) {
					size_t m;

					for (m = 0; m < t->n_columns; m++)
						if (strcmp(t->columns[m].name, cols[k]) == 0)
							t->columns[m].pk = (unsigned)k + 1;
				}
			} else if (type[0] == 'f') {
				struct pl_fk *fk = PUSH(a, t->fks, t->n_fks, cap_fk);
				size_t nr = 0;

				fk->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
				fk->n_columns = n;
				fk->columns = cols;
				fk->ref_table = mg_arena_strdup(a, mg_rows_text(rows, 4));
				fk->ref_schema = dup_or_null(a, mg_rows_text(rows, 5));
				fk->ref_columns = json_names(mg_rows_text(rows, 6), &nr, a);
				fk->on_delete = mg_rows_text(rows, 7)[0];
				fk->on_update = mg_rows_text(rows, 8)[0];
				fk->match = mg_rows_text(rows, 9)[0];
				fk->deferrable = is_true(mg_rows_text(rows, 10));
				fk->deferred = is_true(mg_rows_text(rows, 11));
			} else if (type[0] == 'c') {
				struct pl_check *c = PUSH(a, t->checks, t->n_checks, cap_checks);

				c->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
				c->expr = mg_arena_strdup(a, mg_rows_text(rows, 12));
			} else if (type[0] == 'x') {
				struct pl_check *c = PUSH(a, t->checks, t->n_checks, cap_checks);

				c->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
				c->expr = mg_arena_strdup(a, mg_rows_text(rows, 12));
			} else if (type[0] == 't') {
				/* constraint triggers are listed with the triggers */
			}
		}
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the constraints", err))
		goto done;

	if (query(&rows, db, pg_indexes_sql, "reading the indexes", err))
		goto done;
	{
		struct pl_table *t = NULL;
		size_t cap_ix = 0;

		while ((r = mg_rows_next(rows)) == 1) {
			const char *tn = mg_rows_text(rows, 0), *unusual = mg_rows_text(rows, 7);
			const char *contype = mg_rows_text(rows, 8);
			struct pl_index *ix;

			if (!t || strcmp(t->name, tn) != 0) {
				t = pull_find_table(cat, tn);
				cap_ix = 0;
				if (!t)
					continue;
			}
			if (is_true(mg_rows_text(rows, 3)))
				continue; /* the primary key, read with the constraints */
			if (contype && contype[0] == 'x')
				continue; /* an exclusion constraint, with the checks */
			ix = PUSH(a, t->indexes, t->n_indexes, cap_ix);
			ix->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
			ix->unique = is_true(mg_rows_text(rows, 2));
			ix->partial = is_true(mg_rows_text(rows, 4));
			ix->columns = json_names(mg_rows_text(rows, 6), &ix->n_columns, a);
			ix->unusual = unusual && unusual[0] ? mg_arena_strdup(a, unusual) : NULL;
			ix->constraint = contype && contype[0] == 'u';
			ix->deferrable = is_true(mg_rows_text(rows, 9));
			ix->sql = dup_or_null(a, mg_rows_text(rows, 10));
		}
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the indexes", err))
		goto done;
	for (i = 0; i < cat->n_tables; i++)
		if (cat->tables[i].n_indexes)
			qsort(cat->tables[i].indexes, cat->tables[i].n_indexes,
			      sizeof(*cat->tables[i].indexes), cmp_index);

	if (query(&rows, db, pg_objects_sql, "reading the other objects", err))
		goto done;
	while ((r = mg_rows_next(rows)) == 1) {
		const char *kind = mg_rows_text(rows, 0);
		const char *k = mg_arena_strdup(a, kind);

		pull_add_object(cat, a, &cap_objects, k, mg_rows_text(rows, 1),
				mg_rows_text(rows, 2), mg_rows_text(rows, 3));
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the other objects", err))
		goto done;
	rc = 0;
done:
	mg_rows_free(rows);
	return rc;
}

int pull_read(struct pl_catalog *out, struct mg_db *db, struct mg_arena *arena,
	      struct mg_strbuf *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->dialect = mg_db_dialect(db);
	rc = out->dialect == MG_DIALECT_SQLITE ? pull_read_sqlite(out, db, arena, err)
					       : read_pg(out, db, arena, err);
	if (rc == 0 && out->managed) {
		struct mg_rows *rows = NULL;

		/* Which migration, for the message; the table may be another's. */
		if (mg_db_query(&rows, db, "SELECT max(number) FROM modelgen_migrations", 0,
				NULL) == 0 &&
		    mg_rows_next(rows) == 1 && mg_rows_text(rows, 0))
			out->managed_at = mg_arena_strdup(arena, mg_rows_text(rows, 0));
		mg_rows_free(rows);
	}
	return rc;
}
