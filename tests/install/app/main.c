/*
 * The application: brings its database to the current schema at start-up,
 * then uses it. It includes its model header like any other code; the
 * migrations it links never do.
 */
#include <stdio.h>

#include <modelgen/db.h>
#include <modelgen/update.h>

#include "models/note.h"

extern const struct mg_registry modelgen_registry;

int main(int argc, char **argv)
{
	struct mg_db *db = NULL;
	struct mg_rows *rows = NULL;
	struct note n = {
		0,
		"first",
		NULL,
		5,
	};
	const char *params[2] = {n.title, "5"};
	char err[256];
	int rc = 1;

	if (argc != 2) {
		fputs("usage: notes URL\n", stderr);
		return 2;
	}
	if (mg_db_open(&db, argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "notes: %s\n", err);
		return 3;
	}
	if (mg_update(NULL, db, &modelgen_registry, NULL) != 0) {
		fprintf(stderr, "notes: %s\n", mg_db_errmsg(db));
		goto done;
	}
	if (mg_db_execp(db, "INSERT INTO notes (title, stars) VALUES ($1, $2)", 2, params, NULL) !=
		    0 ||
	    mg_db_query(&rows, db, "SELECT title, stars FROM notes", 0, NULL) != 0) {
		fprintf(stderr, "notes: %s\n", mg_db_errmsg(db));
		goto done;
	}
	while (mg_rows_next(rows) == 1)
		printf("%s %s\n", mg_rows_text(rows, 0), mg_rows_text(rows, 1));
	rc = 0;
done:
	mg_rows_free(rows);
	mg_db_close(db);
	return rc;
}
