/*
 * The data API refuses a statement whose parameters do not match its
 * placeholders: each call below must return an error and leave table p as
 * it was (counted after each one). A matching call, run last, must work.
 * Prints "ok  NAME" or "FAIL NAME: ..." per case; exits 0 when every case
 * passed, 1 when one failed, 3 on a setup error.
 *
 *   params URL
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <modelgen/db.h>

enum call { EXECP, QUERY, EXEC };

struct mismatch {
	const char *name;
	enum call call;
	const char *sql;
	size_t n_params;
};

static const struct mismatch cases[] = {
	{"execp_one_placeholder_no_parameter", EXECP, "INSERT INTO p (a) VALUES ($1)", 0},
	{"execp_two_placeholders_one_parameter", EXECP, "INSERT INTO p (a, b) VALUES ($1, $2)", 1},
	{"execp_one_placeholder_two_parameters", EXECP, "INSERT INTO p (a) VALUES ($1)", 2},
	{"execp_only_placeholder_2_one_parameter", EXECP, "INSERT INTO p (a) VALUES ($2)", 1},
	{"execp_question_mark_placeholder", EXECP, "INSERT INTO p (a) VALUES (?)", 1},
	{"execp_named_placeholder", EXECP, "INSERT INTO p (a) VALUES (:a)", 1},
	{"execp_no_placeholder_one_parameter", EXECP, "INSERT INTO p (a) VALUES ('x')", 1},
	{"exec_placeholder_without_parameters", EXEC, "INSERT INTO p (a) VALUES ($1)", 0},
	{"query_one_placeholder_no_parameter", QUERY, "SELECT a FROM p WHERE a = $1 OR 1 = 1", 0},
	{"query_two_placeholders_one_parameter", QUERY, "SELECT a FROM p WHERE a = $1 OR b = $2",
	 1},
	{"query_one_placeholder_two_parameters", QUERY, "SELECT a FROM p WHERE a = $1", 2},
};

/* Returns the number of rows in p, or -1 (message printed). */
static long count_rows(struct mg_db *db)
{
	struct mg_rows *rows = NULL;
	long n = -1;

	if (mg_db_query(&rows, db, "SELECT count(*) FROM p", 0, NULL) == 0 &&
	    mg_rows_next(rows) == 1)
		n = strtol(mg_rows_text(rows, 0), NULL, 10);
	else
		fprintf(stderr, "params: counting rows: %s\n", mg_db_errmsg(db));
	mg_rows_free(rows);
	return n;
}

int main(int argc, char **argv)
{
	static const char *const params[] = {"one", "two"};
	struct mg_db *db = NULL;
	struct mg_rows *rows = NULL;
	char err[512];
	size_t i;
	int failed = 0, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: params URL\n");
		return 2;
	}
	if (mg_db_open(&db, argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "params: %s\n", err);
		return 3;
	}
	if (mg_db_exec(db, "CREATE TABLE p (a text, b text)") != 0) {
		fprintf(stderr, "params: %s\n", mg_db_errmsg(db));
		mg_db_close(db);
		return 3;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mismatch *c = &cases[i];
		const char *why = NULL;
		long n;

		if (c->call == EXEC)
			rc = mg_db_exec(db, c->sql);
		else if (c->call == EXECP)
			rc = mg_db_execp(db, c->sql, c->n_params, params, NULL);
		else
			rc = mg_db_query(&rows, db, c->sql, c->n_params, params);
		/* The message, before counting replaces it. */
		snprintf(err, sizeof(err), "%s", mg_db_errmsg(db));
		mg_rows_free(rows);
		rows = NULL;
		n = count_rows(db);
		if (rc == 0)
			why = "it ran";
		else if (n != 0)
			why = "it failed, yet table p changed";
		else if (!*err)
			why = "it failed without a message";
		if (!why) {
			printf("ok  %s: %s\n", c->name, err);
			continue;
		}
		printf("FAIL %s: %s ('%s' with %zu parameters; table p has %ld rows)\n", c->name,
		       why, c->sql, c->n_params, n);
		failed++;
		if (n != 0 && mg_db_exec(db, "DELETE FROM p") != 0) {
			fprintf(stderr, "params: %s\n", mg_db_errmsg(db));
			mg_db_close(db);
			return 3;
		}
	}
	/* The control: the same calls with matching parameters run. */
	rc = mg_db_execp(db, "INSERT INTO p (a, b) VALUES ($1, $2)", 2, params, NULL);
	if (rc == 0)
		rc = mg_db_query(&rows, db, "SELECT a FROM p WHERE b = $1", 1, params + 1);
	if (rc == 0 && mg_rows_next(rows) == 1 && strcmp(mg_rows_text(rows, 0), "one") == 0) {
		printf("ok  matching_parameters_run\n");
	} else {
		printf("FAIL matching_parameters_run: %s\n", mg_db_errmsg(db));
		failed++;
	}
	mg_rows_free(rows);
	mg_db_close(db);
	return failed ? 1 : 0;
}
