/*
 * up() and down() of the hostile-values data migration (tests/hostile/
 * data_api.sh puts them in place of the stubs in the file that `modelgen
 * new` writes). Every value goes in and comes back through the data API as
 * a bound $N parameter only; the values come from the file that
 * $MG_HOSTILE_VALUES names, each followed by a NUL byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct values {
	char *buf;
	size_t n;
	const char *v[64];
};

/* Reads the values file into *out (free out->buf). Returns 0 or MG_E_STEP
 * with the message on `db`. */
static int values_load(struct values *out, struct mg_db *db)
{
	const char *path = getenv("MG_HOSTILE_VALUES");
	FILE *f;
	long len;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!path)
		return mg_db_error(db, MG_E_STEP, "MG_HOSTILE_VALUES is not set");
	f = fopen(path, "rb");
	if (!f)
		return mg_db_error(db, MG_E_STEP, "cannot open '%s'", path);
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    !(out->buf = malloc((size_t)len)) || fread(out->buf, 1, (size_t)len, f) != (size_t)len ||
	    out->buf[len - 1] != '\0') {
		fclose(f);
		free(out->buf);
		out->buf = NULL;
		return mg_db_error(db, MG_E_STEP, "cannot read '%s' (NUL-terminated values)", path);
	}
	fclose(f);
	for (i = 0; i < (size_t)len; i += strlen(out->buf + i) + 1) {
		if (out->n == sizeof(out->v) / sizeof(out->v[0])) {
			free(out->buf);
			out->buf = NULL;
			return mg_db_error(db, MG_E_STEP, "too many values in '%s'", path);
		}
		out->v[out->n++] = out->buf + i;
	}
	return 0;
}

/* Returns 0 when the query's only row is exactly `want` (byte for byte),
 * else an error code with the message on `db`. */
static int expect_one(struct mg_db *db, const char *sql, size_t n_params,
		      const char *const *params, const char *want, size_t which)
{
	struct mg_rows *rows = NULL;
	const char *got;
	int rc;

	rc = mg_db_query(&rows, db, sql, n_params, params);
	if (rc)
		return rc;
	rc = mg_rows_next(rows);
	if (rc < 0)
		goto done;
	got = rc == 1 ? mg_rows_text(rows, 0) : NULL;
	if (rc != 1 || !got || strlen(got) != strlen(want) || memcmp(got, want, strlen(want)) != 0) {
		rc = mg_db_error(db, MG_E_STEP, "value %zu: '%s' gave %s%.40s%s, expected %.40s",
				 which, sql, got ? "'" : "", got ? got : "no value",
				 got ? "'" : "", want);
		goto done;
	}
	rc = mg_rows_next(rows);
	if (rc != 0)
		rc = rc < 0 ? rc : mg_db_error(db, MG_E_STEP, "value %zu: '%s' gave two rows",
						which, sql);
done:
	mg_rows_free(rows);
	return rc;
}

/*
 * Inserts every value with its number as id, then reads each back by id
 * and finds it by value, counts one hit per value with an UPDATE keyed on
 * the value, and walks the whole table once: the same values, in order, and
 * no other row.
 */
static int up(struct mg_db *db)
{
	struct values vals;
	struct mg_rows *rows = NULL;
	unsigned long long changed;
	char id[24];
	size_t i, seen = 0;
	int rc, next = 0;

	rc = values_load(&vals, db);
	if (rc)
		return rc;
	for (i = 0; i < vals.n && rc == 0; i++) {
		const char *params[] = {id, vals.v[i]};

		snprintf(id, sizeof(id), "%zu", i + 1);
		changed = 0;
		rc = mg_db_execp(db, "INSERT INTO t (id, v) VALUES ($1, $2)", 2, params, &changed);
		if (rc == 0 && changed != 1)
			rc = mg_db_error(db, MG_E_STEP, "value %zu: INSERT changed %llu rows",
					 i + 1, changed);
	}
	for (i = 0; i < vals.n && rc == 0; i++) {
		const char *by_id[] = {id};
		const char *by_value[] = {vals.v[i]};

		snprintf(id, sizeof(id), "%zu", i + 1);
		rc = expect_one(db, "SELECT v FROM t WHERE id = $1", 1, by_id, vals.v[i], i + 1);
		if (rc == 0)
			rc = expect_one(db, "SELECT id FROM t WHERE v = $1", 1, by_value, id, i + 1);
		changed = 0;
		if (rc == 0)
			rc = mg_db_execp(db, "UPDATE t SET hits = hits + 1 WHERE v = $1", 1, by_value,
					 &changed);
		if (rc == 0 && changed != 1)
			rc = mg_db_error(db, MG_E_STEP, "value %zu: UPDATE changed %llu rows",
					 i + 1, changed);
	}
	if (rc == 0)
		rc = mg_db_query(&rows, db, "SELECT id, v, hits FROM t ORDER BY id", 0, NULL);
	while (rc == 0 && (next = mg_rows_next(rows)) == 1) {
		const char *v = mg_rows_text(rows, 1);

		snprintf(id, sizeof(id), "%zu", seen + 1);
		if (seen >= vals.n || strcmp(mg_rows_text(rows, 0), id) != 0 || !v ||
		    strcmp(v, vals.v[seen]) != 0 || strcmp(mg_rows_text(rows, 2), "1") != 0)
			rc = mg_db_error(db, MG_E_STEP, "row %zu of t is not value %zu", seen + 1,
					 seen + 1);
		seen++;
	}
	mg_rows_free(rows);
	if (rc == 0 && next < 0)
		rc = next;
	if (rc == 0 && seen != vals.n)
		rc = mg_db_error(db, MG_E_STEP, "t has %zu rows, expected %zu", seen, vals.n);
	free(vals.buf);
	return rc;
}

/* Deletes each value by value: exactly one row each, and t is empty. */
static int down(struct mg_db *db)
{
	struct values vals;
	unsigned long long changed;
	size_t i;
	int rc;

	rc = values_load(&vals, db);
	for (i = 0; rc == 0 && i < vals.n; i++) {
		const char *params[] = {vals.v[i]};

		changed = 0;
		rc = mg_db_execp(db, "DELETE FROM t WHERE v = $1", 1, params, &changed);
		if (rc == 0 && changed != 1)
			rc = mg_db_error(db, MG_E_STEP, "value %zu: DELETE changed %llu rows",
					 i + 1, changed);
	}
	free(vals.buf);
	if (rc == 0)
		rc = expect_one(db, "SELECT count(*) FROM t", 0, NULL, "0", 0);
	return rc;
}
