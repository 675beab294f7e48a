/*
 * Bookkeeping in the database: one row per applied migration in
 * modelgen_migrations (number, name, parent and result schema hash, the
 * runtime checksum, tool version, how and when it was applied).
 */
#include "bookkeeping.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/alloc.h"

#ifndef MG_VERSION
#define MG_VERSION "0"
#endif

static const char create_sql[] = "CREATE TABLE IF NOT EXISTS modelgen_migrations (\n"
				 "    number INTEGER NOT NULL PRIMARY KEY,\n"
				 "    name TEXT NOT NULL,\n"
				 "    parent_hash TEXT NOT NULL,\n"
				 "    result_hash TEXT NOT NULL,\n"
				 "    checksum TEXT NOT NULL,\n"
				 "    tool_version TEXT NOT NULL,\n"
				 "    applied_by TEXT NOT NULL,\n"
				 "    applied_at TEXT NOT NULL\n"
				 ");\n";

int bk_read(struct bk_state *out, struct mg_db *db)
{
	struct mg_rows *rows = NULL;
	char *v = NULL;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_query_value(&v, db, db->driver->sql_managed, 0, NULL);
	if (rc)
		goto done;
	out->managed = v && strcmp(v, "0") != 0;
	free(v);
	v = NULL;
	rc = db_query_value(&v, db, db->driver->sql_user_objects, 0, NULL);
	if (rc)
		goto done;
	out->user_objects = v && strcmp(v, "0") != 0;
	if (!out->managed)
		goto done;
	rc = mg_db_query(&rows, db,
			 "SELECT number, name, checksum FROM modelgen_migrations ORDER BY number",
			 0, NULL);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		struct bk_row *r;
		const char *name = mg_rows_text(rows, 1), *checksum = mg_rows_text(rows, 2);

		if (out->n_rows == cap) {
			struct bk_row *more =
				mg_realloc(out->rows, (cap ? cap * 2 : 32) * sizeof(*out->rows));

			if (!more) {
				rc = db_nomem(db);
				goto done;
			}
			out->rows = more;
			cap = cap ? cap * 2 : 32;
		}
		r = &out->rows[out->n_rows];
		r->number = (unsigned)strtoul(mg_rows_text(rows, 0), NULL, 10);
		r->name = mg_strdup(name ? name : "");
		r->checksum = mg_strdup(checksum ? checksum : "");
		if (!r->name || !r->checksum) {
			free(r->name);
			free(r->checksum);
			rc = db_nomem(db);
			goto done;
		}
		out->n_rows++;
		out->current = r->number;
	}
	if (rc > 0)
		rc = 0;
done:
	if (rc)
		db_prefix(db, "reading the bookkeeping");
	mg_rows_free(rows);
	free(v);
	return rc;
}

void bk_state_free(struct bk_state *st)
{
	size_t i;

	for (i = 0; i < st->n_rows; i++) {
		free(st->rows[i].name);
		free(st->rows[i].checksum);
	}
	free(st->rows);
	memset(st, 0, sizeof(*st));
}

int bk_check(struct mg_db *db, const struct bk_state *st, const struct mg_registry *reg)
{
	size_t i;

	if (st->current > reg->n_migrations) {
		const struct bk_row *last = &st->rows[st->n_rows - 1];

		return mg_db_error(
			db, MG_E_AHEAD,
			"the database is at migration %u (%s), ahead of this program "
			"(latest %zu): deploy the newer program's dbupdate; nothing changed",
			last->number, last->name, reg->n_migrations);
	}
	for (i = 0; i < st->n_rows; i++) {
		const struct bk_row *r = &st->rows[i];
		const struct mg_migration *m;
		char sum[72];

		if (r->number != i + 1)
			return mg_db_error(
				db, MG_E_INCONSISTENT,
				"the bookkeeping lists migration %u but not migration %zu; "
				"nothing changed",
				r->number, i + 1);
		m = reg->migrations[i];
		if (strcmp(r->name, m->name) != 0)
			return mg_db_error(
				db, MG_E_OTHER_BRANCH,
				"migration %u applied to the database is %s, but this "
				"program's migration %u is %s: another branch's migration "
				"with the same number (renumber one of them); nothing changed",
				r->number, r->name, m->number, m->name);
		mg_migration_checksum(sum, m);
		if (strcmp(r->checksum, sum) != 0)
			return mg_db_error(
				db, MG_E_CHECKSUM,
				"migration %u (%s) was edited after it was applied "
				"(checksum %.19s... in the database, %.19s... in this "
				"program): restore it and add a new migration; nothing changed",
				r->number, r->name, r->checksum, sum);
	}
	return 0;
}

int bk_create(struct mg_db *db)
{
	return mg_db_exec(db, create_sql);
}

int bk_stamp(struct mg_db *db, const struct mg_migration *m, const char *how)
{
	char number[24], sum[72], when[32];
	const char *params[8];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	snprintf(number, sizeof(number), "%u", m->number);
	mg_migration_checksum(sum, m);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	params[0] = number;
	params[1] = m->name;
	params[2] = m->parent_hash ? m->parent_hash : "";
	params[3] = m->result_hash ? m->result_hash : "";
	params[4] = sum;
	params[5] = MG_VERSION;
	params[6] = how;
	params[7] = when;
	rc = mg_db_execp(db, db->driver->sql_stamp, 8, params, NULL);
	if (rc)
		db_prefix(db, "recording migration %u (%s)", m->number, m->name);
	return rc;
}

int bk_unstamp(struct mg_db *db, unsigned number)
{
	char n[24];
	const char *params[1] = {n};

	snprintf(n, sizeof(n), "%u", number);
	return mg_db_execp(db, db->driver->sql_unstamp, 1, params, NULL);
}
