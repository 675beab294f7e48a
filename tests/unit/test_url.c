/*
 * Database URLs (runtime/src/url.c): every accepted form, the default and
 * $DATABASE_URL, and a clear error for malformed ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "modelgen/db.h"
#include "url.h"

static void parses(const char *url, enum mg_dialect dialect, const char *target)
{
	struct mg_url u;
	char err[256] = "";

	assert_int_equal(mg_url_parse(&u, url, err, sizeof(err)), 0);
	assert_int_equal(u.dialect, dialect);
	assert_string_equal(u.target, target);
	mg_url_free(&u);
}

static void refuses(const char *url, const char *why)
{
	struct mg_url u;
	char err[256] = "";

	assert_int_equal(mg_url_parse(&u, url, err, sizeof(err)), MG_E_URL);
	assert_null(u.target);
	assert_non_null(strstr(err, why));
	assert_null(strchr(err, '\n'));
}

static void test_sqlite_forms(void **state)
{
	(void)state;
	parses("sqlite:app.db", MG_DIALECT_SQLITE, "app.db");
	parses("sqlite:dir/app.db", MG_DIALECT_SQLITE, "dir/app.db");
	parses("sqlite:///var/lib/app.db", MG_DIALECT_SQLITE, "/var/lib/app.db");
	parses("sqlite:/abs.db", MG_DIALECT_SQLITE, "/abs.db");
	parses("sqlite::memory:", MG_DIALECT_SQLITE, ":memory:");
}

static void test_postgresql_forms(void **state)
{
	(void)state;
	parses("postgresql://u@h:5/db", MG_DIALECT_POSTGRESQL, "postgresql://u@h:5/db");
	parses("postgres://u@/db?host=/tmp", MG_DIALECT_POSTGRESQL, "postgres://u@/db?host=/tmp");
	parses("host=/tmp port=5 dbname=x", MG_DIALECT_POSTGRESQL, "host=/tmp port=5 dbname=x");
	parses("dbname = x", MG_DIALECT_POSTGRESQL, "dbname = x");
}

static void test_malformed(void **state)
{
	(void)state;
	refuses("", "empty");
	refuses("sqlite:", "no file path");
	refuses("sqlite://", "no host");
	refuses("sqlite://server/x.db", "no host");
	refuses("sqlite:///", "names a directory");
	refuses("sqlite:x.db?mode=ro", "no '?' options");
	refuses("mysql://u@h/db", "unknown scheme");
	refuses("app.db", "not a database URL");
	refuses("=x", "not a database URL");
}

static void test_resolve(void **state)
{
	(void)state;
	unsetenv("DATABASE_URL");
	assert_string_equal(mg_url_resolve(NULL), "sqlite:app.db");
	assert_string_equal(mg_url_resolve("sqlite:x"), "sqlite:x");
	setenv("DATABASE_URL", "", 1);
	assert_string_equal(mg_url_resolve(NULL), "sqlite:app.db");
	setenv("DATABASE_URL", "postgres://x/y", 1);
	assert_string_equal(mg_url_resolve(NULL), "postgres://x/y");
	assert_string_equal(mg_url_resolve("sqlite:z"), "sqlite:z");
	unsetenv("DATABASE_URL");
}

static void test_open_errors(void **state)
{
	struct mg_db *db = (struct mg_db *)1;
	char err[256];

	(void)state;
	assert_int_equal(mg_db_open(&db, "nope", err, sizeof(err)), MG_E_URL);
	assert_null(db);
	assert_non_null(strstr(err, "'nope'"));
	assert_int_equal(mg_db_open(&db, "sqlite:/nonexistent-dir/x/y.db", err, sizeof(err)),
			 MG_E_CONNECT);
	assert_null(db);
	assert_non_null(strstr(err, "cannot open SQLite database"));
#ifdef MG_HAVE_POSTGRESQL
	assert_int_equal(mg_db_open(&db, "postgresql://%zz", err, sizeof(err)), MG_E_URL);
#endif
	assert_string_equal(mg_strerror(MG_E_DRIFT),
			    "the live schema differs from the expected one");
	assert_string_equal(mg_strerror(12345), "unknown error");
	mg_db_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_forms), cmocka_unit_test(test_postgresql_forms),
		cmocka_unit_test(test_malformed),    cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
