/*
 * modelgen_progress: the steps done of a half-done migration (progress.h).
 */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/alloc.h"

static const char create_sql[] = "CREATE TABLE IF NOT EXISTS modelgen_progress (\n"
				 "    number INTEGER NOT NULL PRIMARY KEY,\n"
				 "    direction TEXT NOT NULL,\n"
				 "    checksum TEXT NOT NULL,\n"
				 "    n_steps INTEGER NOT NULL,\n"
				 "    done INTEGER NOT NULL,\n"
				 "    cursor TEXT,\n"
				 "    started_at TEXT NOT NULL,\n"
				 "    updated_at TEXT NOT NULL\n"
				 ");\n";

static void now_text(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int pr_read(struct pr_state *out, struct mg_db *db)
{
	struct mg_rows *rows = NULL;
	char *v = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!db->driver->sql_has_progress)
		return 0;
	rc = db_query_value(&v, db, db->driver->sql_has_progress, 0, NULL);
	if (rc || !v || strcmp(v, "0") == 0)
		goto done;
	rc = mg_db_query(&rows, db,
			 "SELECT number, direction, checksum, n_steps, done, cursor"
			 " FROM modelgen_progress ORDER BY number LIMIT 1",
			 0, NULL);
	if (rc)
		goto done;
	rc = mg_rows_next(rows);
	if (rc <= 0)
		goto done;
	rc = 0;
	out->exists = 1;
	out->number = (unsigned)strtoul(mg_rows_text(rows, 0), NULL, 10);
	out->down = strcmp(mg_rows_text(rows, 1), "down") == 0;
	out->checksum = mg_strdup(mg_rows_text(rows, 2));
	out->n_steps = (unsigned)strtoul(mg_rows_text(rows, 3), NULL, 10);
	out->done = (unsigned)strtoul(mg_rows_text(rows, 4), NULL, 10);
	if (mg_rows_text(rows, 5))
		out->cursor = mg_strdup(mg_rows_text(rows, 5));
	if (!out->checksum || (mg_rows_text(rows, 5) && !out->cursor))
		rc = db_nomem(db);
done:
	if (rc)
		db_prefix(db, "reading the progress of a half-done migration");
	mg_rows_free(rows);
	free(v);
	return rc;
}

void pr_state_free(struct pr_state *st)
{
	free(st->checksum);
	free(st->cursor);
	memset(st, 0, sizeof(*st));
}

int pr_start(struct mg_db *db, const struct mg_migration *m, int down, const char *checksum,
	     size_t n_steps)
{
	char number[24], steps[24], when[32];
	const char *params[5] = {number, down ? "down" : "up", checksum, steps, when};
	int rc = mg_db_exec(db, create_sql);

	snprintf(number, sizeof(number), "%u", m->number);
	snprintf(steps, sizeof(steps), "%zu", n_steps);
	now_text(when);
	if (rc == 0)
		rc = mg_db_execp(db,
				 "INSERT INTO modelgen_progress VALUES ($1::integer, $2, $3,"
				 " $4::integer, 0, NULL, $5, $5)",
				 5, params, NULL);
	if (rc)
		db_prefix(db, "recording the start of migration %u (%s)", m->number, m->name);
	return rc;
}

int pr_advance(struct mg_db *db, unsigned number, size_t done, const char *cursor)
{
	char n[24], d[24], when[32];
	const char *params[4] = {n, d, cursor, when};
	int rc;

	snprintf(n, sizeof(n), "%u", number);
	snprintf(d, sizeof(d), "%zu", done);
	now_text(when);
	rc = mg_db_execp(db,
			 "UPDATE modelgen_progress SET done = $2::integer, cursor = $3,"
			 " updated_at = $4 WHERE number = $1::integer",
			 4, params, NULL);
	if (rc)
		db_prefix(db, "recording the progress of migration %u", number);
	return rc;
}

int pr_finish(struct mg_db *db, unsigned number)
{
	char n[24];
	const char *params[1] = {n};

	snprintf(n, sizeof(n), "%u", number);
	return mg_db_execp(db, "DELETE FROM modelgen_progress WHERE number = $1::integer", 1,
			   params, NULL);
}
