/*
 * dbupdate: the command line over the runtime's public API, for the
 * migrations of the registry `modelgen_registry` (generated/registry.c) it
 * is linked with (modelgen_add_dbupdate). Options, output, exit codes:
 * 0 success, 1 a check found something (pending migrations, drift, a
 * refusal), 2 bad usage, 3 any other error; every error one line on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <modelgen/db.h>
#include <modelgen/update.h>

#ifndef MG_VERSION
#define MG_VERSION "0"
#endif

enum mode { MODE_UPDATE, MODE_STATUS, MODE_SQL, MODE_VERIFY, MODE_BASELINE };

static const char usage_text[] =
	"usage: %s [OPTIONS] [URL]\n"
	"\n"
	"Brings the database at URL to the latest migration: an empty database is\n"
	"created at the current schema, an existing one gets each pending migration.\n"
	"\n"
	"  --status            show the database's migration, the latest, the pending ones\n"
	"                      (exit 1 when migrations are pending)\n"
	"  --sql               print the SQL that would run; change nothing\n"
	"  --to N              migrate up or down to migration N (0: before the first)\n"
	"  --force             with --to: allow undoing irreversible migrations\n"
	"  --verify            compare the live schema with the expected one (exit 1 on drift)\n"
	"  --baseline N        adopt a database without bookkeeping whose schema is that\n"
	"                      after migration N (0: its tables are all MG_FOREIGN_TABLE)\n"
	"  --lock-timeout S    wait at most S seconds for another dbupdate's lock (default\n"
	"                      60; also $DBUPDATE_LOCK_TIMEOUT)\n"
	"  --ddl-lock-timeout MS  PostgreSQL: the lock_timeout of every migration statement\n"
	"                      (default 1000); a step whose lock is not granted in time is\n"
	"                      rolled back and tried again, the blocking sessions named\n"
	"  --max-lock-wait S   PostgreSQL: give up (exit 3, at a step boundary) after S\n"
	"                      seconds of lock waits and pauses in all (default 300)\n"
	"  --batch-size N      PostgreSQL: rows per batch of a NULL fill (default 1000)\n"
	"  -q, --quiet         no progress on stderr\n"
	"  -h, --help          this text\n"
	"  --version           the modelgen version\n"
	"\n"
	"URL: sqlite:PATH, sqlite:///ABSOLUTE/PATH, postgresql://..., postgres://... or a\n"
	"libpq key=value string; default $DATABASE_URL, else sqlite:app.db.\n"
	"Exit: 0 ok, 1 a check found something, 2 bad usage, 3 error.\n";

static const char *prog_name(const char *argv0)
{
	const char *s = argv0 ? strrchr(argv0, '/') : NULL;

	return s ? s + 1 : (argv0 ? argv0 : "dbupdate");
}

static int usage_error(const char *prog, const char *what)
{
	fprintf(stderr, "%s: error: %s (see --help)\n", prog, what);
	return 2;
}

/* Parses a non-negative number; returns 0 on success. */
static int parse_uint(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 1000000000ul)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static void progress_line(void *ctx, const char *line)
{
	fprintf(stderr, "%s: %s\n", (const char *)ctx, line);
}

/*
 * Exit code of an MG_E_* code: refusals and findings are 1. Bad usage (2)
 * is the command line's, which this file checks before any call, and
 * MG_E_RANGE (a --to or --baseline number). MG_E_USAGE from the library is
 * a migration's misuse of the runtime API (a parameter count that does not
 * match the placeholders, ...): an error of the migration, 3, as the same
 * mistake is on PostgreSQL wherever the server is the one to find it.
 */
static int exit_code(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case MG_E_AHEAD:
	case MG_E_CHECKSUM:
	case MG_E_OTHER_BRANCH:
	case MG_E_UNMANAGED:
	case MG_E_DRIFT:
	case MG_E_IRREVERSIBLE:
	case MG_E_GUARD:
	case MG_E_INCONSISTENT:
		return 1;
	case MG_E_RANGE:
		return 2;
	default:
		return 3;
	}
}

static void print_status(const struct mg_status *s, const struct mg_registry *reg)
{
	unsigned i;

	if (!s->managed && !s->empty) {
		printf("database: not managed by modelgen (tables but no bookkeeping)\n");
	} else if (s->current == 0) {
		printf("database: %s\n", s->empty ? "empty" : "no migration applied");
	} else {
		printf("database: migration %u (%s)\n", s->current,
		       reg->migrations[s->current - 1]->name);
	}
	if (s->partial)
		printf("half-done: migration %u (%s) %s, %u of %u steps done (interrupted; "
		       "dbupdate "
		       "finishes it first)\n",
		       s->partial,
		       s->partial <= reg->n_migrations ? reg->migrations[s->partial - 1]->name
						       : "unknown to this program",
		       s->partial_down ? "down" : "up", s->partial_done, s->partial_steps);
	if (s->latest)
		printf("latest:   migration %u (%s)\n", s->latest,
		       reg->migrations[s->latest - 1]->name);
	else
		printf("latest:   no migrations\n");
	if (s->current >= s->latest) {
		printf("pending:  none\n");
		return;
	}
	if (s->empty && s->current == 0) {
		printf("pending:  all %u (an empty database is created at migration %u)\n",
		       s->latest, s->latest);
		return;
	}
	printf("pending:  %u\n", s->latest - s->current);
	for (i = s->current; i < s->latest; i++)
		printf("  %s\n", reg->migrations[i]->name);
}

/*
 * A read-only command on a SQLite file that does not exist (`why` says so).
 * --status and --sql answer for the empty database that a plain dbupdate
 * would create there (--sql on a new file is how to get the create script);
 * --verify fails: a deploy check must not pass a mistyped path.
 */
static int missing_database(const char *prog, enum mode mode, const char *why,
			    const struct mg_registry *reg, struct mg_update_options *opts)
{
	struct mg_db *empty = NULL;
	char errbuf[512];
	int rc;

	if (mode == MODE_VERIFY) {
		fprintf(stderr, "%s: error: %s (not created): nothing to verify\n", prog, why);
		return 1;
	}
	if (mode == MODE_STATUS) {
		printf("database: none (%s; dbupdate creates it)\n", why);
		if (reg->n_migrations)
			printf("latest:   migration %zu (%s)\n", reg->n_migrations,
			       reg->migrations[reg->n_migrations - 1]->name);
		else
			printf("latest:   no migrations\n");
		if (!reg->n_migrations) {
			printf("pending:  none\n");
			return 0;
		}
		printf("pending:  all %zu (an empty database is created at migration %zu)\n",
		       reg->n_migrations, reg->n_migrations);
		return 1;
	}
	/* --sql: the SQL for an empty database, which a scratch in-memory one
	 * stands for. */
	rc = mg_db_open(&empty, "sqlite::memory:", errbuf, sizeof(errbuf));
	if (rc) {
		fprintf(stderr, "%s: error: %s\n", prog, errbuf);
		return 3;
	}
	printf("-- %s (not created): the SQL for a new, empty database\n", why);
	opts->flags |= MG_UPDATE_DRY_RUN;
	opts->sql_out = stdout;
	rc = mg_update(NULL, empty, reg, opts);
	if (rc)
		fprintf(stderr, "%s: error: %s\n", prog, mg_db_errmsg(empty));
	mg_db_close(empty);
	return exit_code(rc);
}

/* Appends "; N migration(s) pending (latest: L)" for a database at `current`. */
static void put_pending(unsigned current, const struct mg_registry *reg)
{
	size_t n = reg->n_migrations - current;

	if (n)
		printf("; %zu migration%s pending (latest: %zu)", n, n == 1 ? "" : "s",
		       reg->n_migrations);
	else
		printf(", the latest");
}

/*
 * --verify: the live schema against the schema after the database's own
 * migration, which it names, with the number of migrations still pending.
 * A database without bookkeeping (empty, or with tables) has no migration
 * to compare with: an error, exit 1.
 */
static int verify(const char *prog, struct mg_db *db, const struct mg_registry *reg)
{
	struct mg_status s;
	char *report = NULL;
	const char *name;
	int rc = mg_status(&s, db, reg);

	if (rc == 0)
		rc = mg_verify(&report, db, reg, 0, 0);
	if (rc && rc != MG_E_DRIFT) {
		fprintf(stderr, "%s: error: %s\n", prog, mg_db_errmsg(db));
		free(report);
		return exit_code(rc);
	}
	name = s.current ? reg->migrations[s.current - 1]->name : "none applied";
	if (rc == MG_E_DRIFT)
		printf("drift: the live schema differs from the schema after migration %u (%s)",
		       s.current, name);
	else
		printf("schema matches migration %u (%s)", s.current, name);
	put_pending(s.current, reg);
	/* A match may come with notes (mg_verify). */
	printf(rc || report ? ":\n%s" : "\n", report ? report : "");
	free(report);
	return rc ? 1 : 0;
}

extern const struct mg_registry modelgen_registry;

static int run(int argc, char **argv, const struct mg_registry *reg)
{
	const char *prog = prog_name(argc > 0 ? argv[0] : NULL);
	const char *url = NULL, *env;
	struct mg_update_options opts = {0};
	enum mode mode = MODE_UPDATE;
	struct mg_db *db = NULL;
	unsigned number = 0, seconds = 60;
	int have_to = 0, quiet = 0, n_modes = 0, rc, i, only_args = 0, status, read_only;
	char errbuf[512];

	env = getenv("DBUPDATE_LOCK_TIMEOUT");
	if (env && *env && parse_uint(env, &seconds))
		return usage_error(prog, "DBUPDATE_LOCK_TIMEOUT must be a number of seconds");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;

		if (!only_args && strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (only_args || a[0] != '-' || a[1] == 0) {
			if (url)
				return usage_error(prog, "more than one URL");
			url = a;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			printf(usage_text, prog);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			printf("%s (modelgen %s)\n", prog, MG_VERSION);
			return 0;
		}
		if (strcmp(a, "--status") == 0) {
			mode = MODE_STATUS;
			n_modes++;
		} else if (strcmp(a, "--sql") == 0) {
			mode = MODE_SQL;
			n_modes++;
		} else if (strcmp(a, "--verify") == 0) {
			mode = MODE_VERIFY;
			n_modes++;
		} else if (strcmp(a, "--force") == 0) {
			opts.flags |= MG_UPDATE_FORCE;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			quiet = 1;
		} else if (strncmp(a, "--to", 4) == 0 && (a[4] == 0 || a[4] == '=')) {
			val = a[4] == '=' ? a + 5 : (i + 1 < argc ? argv[++i] : NULL);
			if (parse_uint(val, &opts.to))
				return usage_error(prog, "--to needs a migration number");
			have_to = 1;
		} else if (strncmp(a, "--baseline", 10) == 0 && (a[10] == 0 || a[10] == '=')) {
			val = a[10] == '=' ? a + 11 : (i + 1 < argc ? argv[++i] : NULL);
			if (parse_uint(val, &number))
				return usage_error(prog, "--baseline needs a migration number");
			mode = MODE_BASELINE;
			n_modes++;
		} else if (strncmp(a, "--ddl-lock-timeout", 18) == 0 &&
			   (a[18] == 0 || a[18] == '=')) {
			val = a[18] == '=' ? a + 19 : (i + 1 < argc ? argv[++i] : NULL);
			if (parse_uint(val, &opts.ddl_lock_timeout_ms) || !opts.ddl_lock_timeout_ms)
				return usage_error(prog, "--ddl-lock-timeout needs a number of "
							 "milliseconds above 0");
		} else if (strncmp(a, "--max-lock-wait", 15) == 0 && (a[15] == 0 || a[15] == '=')) {
			unsigned s;

			val = a[15] == '=' ? a + 16 : (i + 1 < argc ? argv[++i] : NULL);
			if (parse_uint(val, &s) || s == 0 || s > 4000000)
				return usage_error(prog,
						   "--max-lock-wait needs a number of seconds "
						   "above 0");
			opts.max_lock_wait_ms = s * 1000u;
		} else if (strncmp(a, "--batch-size", 12) == 0 && (a[12] == 0 || a[12] == '=')) {
			val = a[12] == '=' ? a + 13 : (i + 1 < argc ? argv[++i] : NULL);
			if (parse_uint(val, &opts.batch_size) || !opts.batch_size)
				return usage_error(prog,
						   "--batch-size needs a number of rows above 0");
		} else if (strncmp(a, "--lock-timeout", 14) == 0 && (a[14] == 0 || a[14] == '=')) {
			val = a[14] == '=' ? a + 15 : (i + 1 < argc ? argv[++i] : NULL);
			if (parse_uint(val, &seconds))
				return usage_error(prog,
						   "--lock-timeout needs a number of seconds");
		} else {
			char msg[256];

			snprintf(msg, sizeof(msg), "unknown option '%s'", a);
			return usage_error(prog, msg);
		}
	}
	if (n_modes > 1)
		return usage_error(prog,
				   "--status, --sql, --verify and --baseline exclude each other");
	if (have_to && mode != MODE_UPDATE && mode != MODE_SQL)
		return usage_error(prog, "--to goes with a plain update or --sql");
	if ((opts.flags & MG_UPDATE_FORCE) && !have_to)
		return usage_error(prog, "--force only goes with --to");
	if (have_to) {
		if (opts.to > reg->n_migrations) {
			fprintf(stderr, "%s: error: --to %u: the latest migration is %zu\n", prog,
				opts.to, reg->n_migrations);
			return 2;
		}
		opts.flags |= MG_UPDATE_TO;
	}
	opts.lock_timeout_ms = seconds ? seconds * 1000u : 1u;
	if (!quiet) {
		opts.progress = progress_line;
		opts.progress_ctx = (void *)prog;
	}

	/* --status, --sql and --verify change nothing, and create nothing: a
	 * SQLite file that does not exist is reported, not made. */
	read_only = mode == MODE_STATUS || mode == MODE_SQL || mode == MODE_VERIFY;
	rc = mg_db_open_ext(&db, url, read_only ? MG_DB_OPEN_READ_ONLY : 0, errbuf, sizeof(errbuf));
	if (rc == MG_E_NOTFOUND)
		return missing_database(prog, mode, errbuf, reg, &opts);
	if (rc) {
		fprintf(stderr, "%s: error: %s\n", prog, errbuf);
		return rc == MG_E_URL ? 2 : 3;
	}
	switch (mode) {
	case MODE_UPDATE: {
		/* No status reads around the update: an up-to-date database
		 * costs one bookkeeping read and one checksum per migration. */
		struct mg_update_result did;
		const char *name;

		rc = mg_update(&did, db, reg, &opts);
		if (rc)
			break;
		name = did.to ? reg->migrations[did.to - 1]->name : "none";
		if (did.actions == 0)
			printf("database is up to date at migration %u (%s)\n", did.to, name);
		else
			printf("database is at migration %u (%s), was %u\n", did.to, name,
			       did.from);
		break;
	}
	case MODE_SQL:
		opts.flags |= MG_UPDATE_DRY_RUN;
		opts.sql_out = stdout;
		rc = mg_update(NULL, db, reg, &opts);
		break;
	case MODE_STATUS: {
		struct mg_status s;

		rc = mg_status(&s, db, reg);
		if (rc == 0) {
			print_status(&s, reg);
			if (s.current < s.latest || s.partial || (!s.managed && !s.empty)) {
				status = 1;
				goto done;
			}
		}
		break;
	}
	case MODE_VERIFY:
		status = verify(prog, db, reg);
		goto done;
	case MODE_BASELINE: {
		char *report = NULL;

		rc = mg_db_set_lock_timeout(db, opts.lock_timeout_ms);
		if (rc == 0)
			rc = mg_baseline(&report, db, reg, number);
		if (rc == MG_E_DRIFT) {
			fprintf(stderr,
				"%s: error: the database's schema is not the schema after "
				"migration %u; nothing changed\n",
				prog, number);
			printf("%s", report ? report : "");
			free(report);
			status = 1;
			goto done;
		}
		if (rc == 0 && number == 0)
			printf("database adopted at migration 0 (none applied: its tables are "
			       "all foreign)\n");
		else if (rc == 0)
			printf("database adopted at migration %u (%s)\n", number,
			       reg->migrations[number - 1]->name);
		/* A match may come with notes (mg_verify). */
		if (rc == 0 && report)
			printf("%s", report);
		free(report);
		break;
	}
	}
	if (rc)
		fprintf(stderr, "%s: error: %s\n", prog, mg_db_errmsg(db));
	status = exit_code(rc);
done:
	mg_db_close(db);
	return status;
}

int main(int argc, char **argv)
{
	return run(argc, argv, &modelgen_registry);
}
