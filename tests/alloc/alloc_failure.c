/*
 * Allocation failure, every one of them: the runtime built with
 * MG_ALLOC_INJECT fails its n-th allocation (util/alloc.h), for n = 1, 2, ...
 * until a run makes fewer allocations than n, along three scenarios on the
 * registry of tests/runtime/demo_registry.c:
 *
 *   create    mg_db_open + mg_update on an empty database (the create path);
 *   migrate   mg_db_open + mg_update from migration 1 to 6 with rows: a
 *             column added, a SQLite rebuild of a parent table with
 *             cascading children, a rename, a hand-written step, a column
 *             drop;
 *   status    mg_db_open + mg_status + mg_verify on an up-to-date database.
 *
 * Each run must return 0 or an error code with a one-line message, never
 * crash; the database must be at a migration boundary afterwards (mg_verify
 * on a new connection: the live schema is the schema after the migration
 * the bookkeeping names); and the handle must still work (mg_status on it).
 * Leaks are LeakSanitizer's to find (the ASan pass).
 *
 *   alloc_failure sqlite WORKDIR          (the database on /dev/shm if there is one)
 *   alloc_failure postgresql WORKDIR PG_URL_FILE   (exit 77 without a server)
 *
 * MG_ALLOC_STRIDE=k tries every k-th n only (default 1: every n).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <modelgen/db.h>
#include <modelgen/update.h>

#include "util/alloc.h"

extern const struct mg_registry modelgen_registry;

static const char *dialect, *workdir;
static char admin_url[600], url[700];
static struct mg_db *admin; /* PostgreSQL: makes and drops the scratch database */
static unsigned long stride = 1;
static unsigned long last_calls; /* allocations of the last scenario's whole run */
static int failures;
/* What runs now, for a crash report ("sqlite migrate n=12"). */
static char current[96];

static void crashed(int sig)
{
	static const char head[] = "alloc_failure: crashed during ";
	ssize_t ignored = write(2, head, sizeof(head) - 1);

	ignored = write(2, current, strlen(current));
	ignored = write(2, "\n", 1);
	(void)ignored;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void die(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2), noreturn))
#endif
	;
static void bad(const char *scenario, unsigned long n, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("alloc_failure: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* A test failure: reported, and the run goes on to the next n. */
static void bad(const char *scenario, unsigned long n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "FAIL %s %s n=%lu: ", dialect, scenario, n);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

static void progress(void *ctx, const char *line)
{
	(*(unsigned *)ctx)++;
	(void)line;
}

static struct mg_db *must_open(void)
{
	struct mg_db *db = NULL;
	char err[256];

	if (mg_db_open(&db, url, err, sizeof(err)))
		die("open %s: %s", url, err);
	return db;
}

static void must(struct mg_db *db, int rc, const char *what)
{
	if (rc)
		die("%s: %s (%s)", what, mg_strerror(rc), mg_db_errmsg(db));
}

/* An empty database at `url`. */
static void fresh_database(void)
{
	if (strcmp(dialect, "sqlite") == 0) {
		char path[600];

		snprintf(path, sizeof(path), "%s/mg_alloc_%ld.db", workdir, (long)getpid());
		unlink(path);
		snprintf(url, sizeof(url), "sqlite:%s", path);
		return;
	}
	/* One schema dropped and made again: cheaper than a database. */
	must(admin, mg_db_exec(admin, "DROP SCHEMA public CASCADE; CREATE SCHEMA public"),
	     "reset the scratch database");
}

static void update_to(unsigned to)
{
	struct mg_update_options opts = {0};
	struct mg_db *db = must_open();

	opts.flags = to ? MG_UPDATE_TO : 0;
	opts.to = to;
	must(db, mg_update(NULL, db, &modelgen_registry, &opts), "set-up update");
	if (to == 1)
		must(db,
		     mg_db_exec(db,
				"INSERT INTO authors (id, name) VALUES (1, 'a'), (2, 'b');"
				"INSERT INTO books (author_id, title) VALUES (1, 'x'), (2, 'y');"),
		     "set-up rows");
	mg_db_close(db);
}

static void setup_create(void)
{
	fresh_database();
}

static void setup_migrate(void)
{
	fresh_database();
	update_to(1);
}

static void setup_status(void)
{
	fresh_database();
	update_to(0);
}

static int act_update(struct mg_db *db)
{
	struct mg_update_options opts = {0};
	struct mg_update_result did;
	unsigned lines = 0;

	opts.progress = progress;
	opts.progress_ctx = &lines;
	return mg_update(&did, db, &modelgen_registry, &opts);
}

static int act_status(struct mg_db *db)
{
	struct mg_status st;
	char *report = NULL;
	int rc = mg_status(&st, db, &modelgen_registry);

	if (rc == 0)
		rc = mg_verify(&report, db, &modelgen_registry, 0, 0);
	free(report);
	return rc;
}

/* 1 when the database at `url` is at a migration boundary. */
static int at_boundary(const char *scenario, unsigned long n)
{
	struct mg_db *db = must_open();
	struct mg_status st;
	char *report = NULL;
	int rc = mg_status(&st, db, &modelgen_registry);

	/* A create path that failed leaves the database empty: at migration
	 * 0, which mg_verify does not compare with (MG_E_UNMANAGED). */
	if (rc == 0 && !st.managed && st.empty) {
		mg_db_close(db);
		return 1;
	}
	if (rc == 0)
		rc = mg_verify(&report, db, &modelgen_registry, 0, 0);

	if (rc)
		bad(scenario, n, "not at a migration boundary: %s: %s", mg_db_errmsg(db),
		    report ? report : "");
	free(report);
	mg_db_close(db);
	return rc == 0;
}

/*
 * Runs `act` with the n-th allocation failing, for every n (or every
 * stride-th) until a run needs fewer than n; returns the number of runs.
 */
static unsigned long scenario(const char *name, void (*setup)(void), int (*act)(struct mg_db *))
{
	unsigned long n, runs = 0, calls;

	for (n = 1;; n += stride) {
		struct mg_db *db = NULL;
		char err[256];
		int rc;

		setup();
		snprintf(current, sizeof(current), "%s %s n=%lu", dialect, name, n);
		mg_alloc_fail_at(n);
		rc = mg_db_open(&db, url, err, sizeof(err));
		if (rc == 0)
			rc = act(db);
		calls = mg_alloc_calls();
		mg_alloc_fail_at(0);
		runs++;
		if (calls < n) {
			last_calls = calls;
			/* Nothing failed: the whole scenario fits below n. */
			if (rc)
				bad(name, n, "failed without an injected failure: %s",
				    db ? mg_db_errmsg(db) : err);
			mg_db_close(db);
			break;
		}
		if (rc && !*(db ? mg_db_errmsg(db) : err))
			bad(name, n, "error %d without a message", rc);
		if (rc && strchr(db ? mg_db_errmsg(db) : err, '\n'))
			bad(name, n, "a message of more than one line");
		at_boundary(name, n);
		/* The handle that saw the failure still works. */
		if (db) {
			struct mg_status st;

			rc = mg_status(&st, db, &modelgen_registry);
			if (rc)
				bad(name, n, "the handle does not work after the failure: %s",
				    mg_db_errmsg(db));
			mg_db_close(db);
		}
	}
	return runs;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*setup)(void);
		int (*act)(struct mg_db *);
	} scenarios[] = {
		{"create", setup_create, act_update},
		{"migrate", setup_migrate, act_update},
		{"status", setup_status, act_status},
	};
	const char *s = getenv("MG_ALLOC_STRIDE");
	char dbname[64];
	size_t i;

	signal(SIGSEGV, crashed);
	signal(SIGABRT, crashed);
	signal(SIGBUS, crashed);
	if (argc < 3)
		die("usage: alloc_failure sqlite|postgresql WORKDIR [PG_URL_FILE]");
	dialect = argv[1];
	/* Hundreds of databases made and committed to: on tmpfs where there is
	 * one, a commit's fsync costs nothing. */
	workdir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : argv[2];
	if (s && atol(s) > 0)
		stride = (unsigned long)atol(s);
	if (strcmp(dialect, "postgresql") == 0) {
		FILE *f = argc > 3 ? fopen(argv[3], "r") : NULL;
		char *q;

		if (!f || !fgets(admin_url, sizeof(admin_url), f)) {
			puts("no PostgreSQL server (fixture URL file missing): skipped");
			return 77;
		}
		fclose(f);
		admin_url[strcspn(admin_url, "\n")] = 0;
		snprintf(dbname, sizeof(dbname), "mg_alloc_%ld", (long)getpid());
		snprintf(url, sizeof(url), "%s", admin_url);
		admin = must_open();
		{
			char sql[128];

			snprintf(sql, sizeof(sql), "CREATE DATABASE %s", dbname);
			must(admin, mg_db_exec(admin, sql), "create the scratch database");
		}
		mg_db_close(admin);
		/* The fixture's URL names database postgres: point it at ours. */
		q = strstr(admin_url, "@/postgres?");
		if (!q)
			die("unexpected fixture URL %s", admin_url);
		snprintf(url, sizeof(url), "%.*s@/%s?%s", (int)(q - admin_url), admin_url, dbname,
			 q + strlen("@/postgres?"));
		admin = must_open();
	}
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		struct timespec t0, t1;
		unsigned long runs;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		runs = scenario(scenarios[i].name, scenarios[i].setup, scenarios[i].act);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%s %s: %lu allocations, %lu runs (n = 1, %lu, ...), %.1f s\n", dialect,
		       scenarios[i].name, last_calls, runs, 1 + stride,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	if (admin) {
		char sql[128];

		mg_db_close(admin);
		snprintf(url, sizeof(url), "%s", admin_url);
		admin = must_open();
		snprintf(sql, sizeof(sql), "DROP DATABASE %s", dbname);
		must(admin, mg_db_exec(admin, sql), "drop the scratch database");
		mg_db_close(admin);
	}
	if (strcmp(dialect, "sqlite") == 0) {
		char path[600];

		snprintf(path, sizeof(path), "%s/mg_alloc_%ld.db", workdir, (long)getpid());
		unlink(path);
	}
	if (failures)
		fprintf(stderr, "alloc_failure: %d failures\n", failures);
	return failures ? 1 : 0;
}
