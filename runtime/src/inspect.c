/*
 * Introspection shared by the dialects (see inspect.h): mg_db_inspect and
 * the list of user tables through the driver, normalisation through it,
 * and the reading of a declared type that both dialects' readers use.
 */
#include "inspect.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"

int inspect_table_names(char ***out, size_t *n_out, struct mg_db *db)
{
	struct mg_rows *rows = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*n_out = 0;
	rc = mg_db_query(&rows, db, db->driver->sql_table_names, 0, NULL);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		if (n == cap) {
			char **more = mg_realloc(names, (cap ? cap * 2 : 16) * sizeof(*names));

			if (!more) {
				rc = db_nomem(db);
				goto done;
			}
			names = more;
			cap = cap ? cap * 2 : 16;
		}
		names[n] = mg_strdup(mg_rows_text(rows, 0));
		if (!names[n]) {
			rc = db_nomem(db);
			goto done;
		}
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

int mg_db_inspect(struct mg_schema **out, struct mg_db *db, size_t n_names,
		  const char *const *names)
{
	struct schema_builder s;
	char **all = NULL;
	size_t n_all = 0;
	int rc = 0;

	*out = NULL;
	schema_builder_init(&s);
	if (!n_names) {
		rc = inspect_table_names(&all, &n_all, db);
		if (rc)
			goto done;
		names = (const char *const *)all;
		n_names = n_all;
	}
	if (n_names)
		rc = db->driver->inspect(&s, db, n_names, names);
	if (rc)
		goto done;
	if (schema_builder_finish(out, &s))
		rc = db_nomem(db);
done:
	if (rc)
		schema_builder_abandon(&s);
	inspect_names_free(all, n_all);
	return rc;
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
		return mg_db_error(db, MG_E_NOTFOUND, "no table '%s' in the database", name);
	}
	return 0;
}

int inspect_normalize(struct mg_schema **out, struct mg_db *db, const struct mg_schema *expected)
{
	return db->driver->normalize(out, db, expected);
}

int inspect_loose_eq(const char *a, const char *b)
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

void inspect_parse_type(struct mg_column *col, const char *sql_type,
			const struct inspect_type_name *names, size_t n_names,
			const char *varchar_prefix, struct mg_arena *arena)
{
	size_t i, n = strlen(varchar_prefix);

	col->length = 0;
	col->custom_type = NULL;
	for (i = 0; i < n_names; i++)
		if (inspect_loose_eq(sql_type, names[i].spelling)) {
			col->type = names[i].type;
			return;
		}
	if (strlen(sql_type) > n && strncasecmp(sql_type, varchar_prefix, n) == 0) {
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
