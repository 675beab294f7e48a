/*
 * modelgen: the command line. Parses the arguments, then runs one command as
 * a pipeline of the stages in this folder (parse, snapshot, diff, plan, emit).
 * Exit codes: 0 success, 1 a check found something, 2 bad usage, 3 any other
 * error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "diag.h"
#include "model.h"
#include "parse.h"
#include "pull.h"
#include "snapshot.h"
#include "xalloc.h"

#include <sqlite3.h>

static const char usage_text[] =
	"usage: modelgen [-M DIR]... [-G DIR] [-p DIR] COMMAND [OPTIONS] [-- CLANG-ARGS...]\n"
	"\n"
	"Generates numbered database migrations from annotated C structs.\n"
	"\n"
	"commands:\n"
	"  snapshot     print the schema snapshot of the models as JSON\n"
	"  diff         write the next migration for what changed since the snapshot\n"
	"  check        exit 1 when the models, snapshot and migrations disagree (for CI)\n"
	"  sql          print the SQL that migrations run, for review\n"
	"  new          write an empty hand-written (data) migration\n"
	"  pull         write model headers from an existing database's tables\n"
	"\n"
	"options:\n"
	"  -M DIR       model headers, subfolders included (default: models);\n"
	"               may be given more than once\n"
	"  -G DIR       generated files (default: generated)\n"
	"  -p DIR       build directory with compile_commands.json for include paths\n"
	"               (default: the first of ., build/, build/*/, cmake-build-*/)\n"
	"  -h, --help   this text; `modelgen COMMAND --help` for a command\n"
	"  --version    print the version\n"
	"  -- ARGS      pass ARGS to the C parser (e.g. -I include -DFOO)\n"
	"\n"
	"exit codes: 0 success, 1 a check found something, 2 bad usage, 3 error\n";

static const struct command_help {
	const char *name;
	const char *text;
} command_help[] = {
	{"snapshot", "usage: modelgen snapshot [FILE]\n"
		     "\n"
		     "Parses the model headers and prints the schema snapshot (the JSON that\n"
		     "generated/schema.json holds) to standard output. Writes nothing.\n"
		     "With FILE, reads that snapshot instead, checks it strictly and prints it\n"
		     "in canonical form.\n"},
	{"diff",
	 "usage: modelgen diff [-m MESSAGE] [--dry-run] [--allow-drop] [--amend]\n"
	 "                     [--fill TABLE.COLUMN=SQL]... [--plain-ddl] [--allow-blocking]\n"
	 "\n"
	 "Compares the models with generated/schema.json and, where they differ, writes\n"
	 "the next numbered migration, the new snapshot and the registry, and prints a\n"
	 "summary of the operations (destructive ones marked).\n"
	 "\n"
	 "  -m, --message MESSAGE  name the migration (default: from the operations)\n"
	 "  --dry-run              print what would be written; write nothing\n"
	 "  --allow-drop           allow dropping tables and columns\n"
	 "  --amend                regenerate the newest migration instead of adding one\n"
	 "  --fill TABLE.COLUMN=SQL  the value existing rows get in a column that\n"
	 "                         becomes NOT NULL, in this migration only (not kept\n"
	 "                         as its default, unlike MG_DEFAULT)\n"
	 "  --plain-ddl            PostgreSQL: plain DDL on existing tables (no\n"
	 "                         CONCURRENTLY, NOT VALID, batches), for small tables\n"
	 "                         or a maintenance window\n"
	 "  --allow-blocking       accept PostgreSQL steps marked [!]: ACCESS EXCLUSIVE\n"
	 "                         on an existing table while scanning or rewriting it\n"
	 "                         (a rewriting type change, a volatile default)\n"},
	{"check", "usage: modelgen check\n"
		  "\n"
		  "Exits 0 when the models match the snapshot and the migration history is\n"
		  "consistent; otherwise prints one line per problem and exits 1.\n"},
	{"sql", "usage: modelgen sql [--dialect sqlite|postgresql] [--down] [N[..M]]\n"
		"\n"
		"Prints the SQL that migrations N..M run (default: all), for review.\n"},
	{"new", "usage: modelgen new -m MESSAGE\n"
		"\n"
		"Writes the next numbered migration as an empty hand-written (data) migration\n"
		"with up and down functions to fill in.\n"},
	{"pull", "usage: modelgen [-M DIR] pull [URL] [--header FILE] [--force] [--dry-run]\n"
		 "                                   [--notes]\n"
		 "\n"
		 "Reads the tables of an existing database (URL as for dbupdate: sqlite:PATH,\n"
		 "postgresql://..., key=value; default $DATABASE_URL, then sqlite:app.db) and\n"
		 "writes one model header per table into the models folder (-M, default\n"
		 "models), the file named after the table. Lists everything the model language\n"
		 "cannot say, with what pull did about it: skipped (left in the database),\n"
		 "approximated, or left out (a table modelgen will not manage). Exit 0 when\n"
		 "the headers are exact, 1 when that list has anything, 3 on error (nothing\n"
		 "written).\n"
		 "\n"
		 "  --header FILE  every table in the one header FILE (such as schema.h) in\n"
		 "                 the models folder, in the order of the per-table files\n"
		 "  --force        replace headers that exist (never done otherwise)\n"
		 "  --dry-run      print the headers and the list; write nothing\n"
		 "  --notes        list every note (said differently, same meaning), not the\n"
		 "                 first three of each kind\n"},
};

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("modelgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; see `modelgen --help`\n", stderr);
	return MG_EXIT_USAGE;
}

static const char *command_help_text(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(command_help) / sizeof(command_help[0]); i++)
		if (strcmp(command_help[i].name, name) == 0)
			return command_help[i].text;
	return NULL;
}

static int cmd_snapshot(const struct cli *cli)
{
	struct diag_list diags = {0};
	struct model *model = NULL;
	struct mg_schema *loaded = NULL;
	char *json = NULL;
	int rc = MG_EXIT_ERROR;

	if (cli->n_args > 1) {
		rc = usage_error("snapshot takes at most one file, got '%s'", cli->args[1]);
		goto done;
	}
	if (cli->n_args == 1) {
		/* Re-read a snapshot file: checks it strictly and prints it in
		 * canonical form (the round trip the golden tests rely on). */
		const char *const *foreign;
		size_t n_foreign;

		if (snapshot_load(&loaded, cli->args[0], &diags) != 0)
			goto done;
		n_foreign = snapshot_foreign_tables(loaded, &foreign);
		json = snapshot_dump_foreign(loaded, n_foreign, foreign);
	} else {
		if (parse_models(&model, &cli->parse, &diags) != 0)
			goto done;
		json = snapshot_dump_foreign(&model->schema, model->n_foreign_tables,
					     model->foreign_tables);
	}
	if (fputs(json, stdout) == EOF || fflush(stdout) != 0) {
		diag_error(&diags, NULL, "cannot write to standard output");
		goto done;
	}
	rc = MG_EXIT_OK;
done:
	diag_print(&diags, stderr);
	diag_free(&diags);
	free(json);
	model_free(model);
	mg_schema_free(loaded);
	return rc;
}

static int option_value(int argc, char **argv, int *i, const char **out)
{
	if (*i + 1 >= argc)
		return usage_error("option %s needs a value", argv[*i]);
	*out = argv[++*i];
	return 0;
}

/* Splits a --fill value TABLE.COLUMN=SQL into `out` (pointers into a copy
 * in `*copy`, which the caller frees). */
static int fill_value(struct diff_fill *out, char **copy, const char *value)
{
	char *eq, *dot;

	*copy = xstrdup(value);
	eq = strchr(*copy, '=');
	dot = eq ? memchr(*copy, '.', (size_t)(eq - *copy)) : NULL;
	if (!dot || dot == *copy || dot + 1 == eq || !eq[1])
		return usage_error("--fill '%s': expected TABLE.COLUMN=SQL", value);
	*dot = *eq = '\0';
	out->table = *copy;
	out->column = dot + 1;
	out->sql = eq + 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli;
	const char **args = calloc((size_t)argc + 1, sizeof(*args));
	const char **models_dirs = calloc((size_t)argc + 1, sizeof(*models_dirs));
	struct diff_fill *fills = calloc((size_t)argc + 1, sizeof(*fills));
	char **fill_copies = calloc((size_t)argc + 1, sizeof(*fill_copies));
	size_t n_models_dirs = 0, n;
	int i, rc;
	int want_help = 0;

	/* modelgen is one thread: SQLite's mutexes and its memory statistics
	 * (a mutex around every allocation) are work for nothing; they are
	 * most of what SQLite adds to reading a large schema (pull, verify). */
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (!args || !models_dirs || !fills || !fill_copies) {
		free(args);
		free(models_dirs);
		free(fills);
		free(fill_copies);
		return MG_EXIT_ERROR;
	}
	memset(&cli, 0, sizeof(cli));
	cli.args = args;
	cli.parse.models_dirs = models_dirs;
	cli.fills = fills;
	cli.generated_dir = "generated";
	cli.dialect = -1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			cli.parse.n_clang_args = (size_t)(argc - i - 1);
			cli.parse.clang_args = (const char *const *)(argv + i + 1);
			break;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			want_help = 1;
		} else if (strcmp(a, "--version") == 0 && !cli.command) {
			printf("modelgen %s\n", MG_VERSION);
			rc = MG_EXIT_OK;
			goto done;
		} else if (strcmp(a, "-M") == 0 || strcmp(a, "--models") == 0) {
			if ((rc = option_value(argc, argv, &i, &models_dirs[n_models_dirs])))
				goto done;
			n_models_dirs++;
		} else if (strcmp(a, "-p") == 0) {
			if ((rc = option_value(argc, argv, &i, &cli.parse.compile_commands_dir)))
				goto done;
		} else if (strcmp(a, "-G") == 0 || strcmp(a, "--generated") == 0) {
			if ((rc = option_value(argc, argv, &i, &cli.generated_dir)))
				goto done;
		} else if (strcmp(a, "-m") == 0 || strcmp(a, "--message") == 0) {
			if ((rc = option_value(argc, argv, &i, &cli.message)))
				goto done;
			if (cli.message[strspn(cli.message, " \t\n")] == '\0') {
				rc = usage_error("option %s needs a message, got an empty one", a);
				goto done;
			}
		} else if (strcmp(a, "--dialect") == 0) {
			const char *d;
			if ((rc = option_value(argc, argv, &i, &d)))
				goto done;
			if (strcmp(d, "sqlite") == 0)
				cli.dialect = MG_DIALECT_SQLITE;
			else if (strcmp(d, "postgresql") == 0 || strcmp(d, "postgres") == 0)
				cli.dialect = MG_DIALECT_POSTGRESQL;
			else {
				rc = usage_error("unknown dialect '%s' (sqlite or postgresql)", d);
				goto done;
			}
		} else if (strcmp(a, "--dry-run") == 0) {
			cli.dry_run = 1;
		} else if (strcmp(a, "--allow-drop") == 0) {
			cli.allow_drop = 1;
		} else if (strcmp(a, "--plain-ddl") == 0) {
			cli.plain_ddl = 1;
		} else if (strcmp(a, "--allow-blocking") == 0) {
			cli.allow_blocking = 1;
		} else if (strcmp(a, "--amend") == 0) {
			cli.amend = 1;
		} else if (strcmp(a, "--down") == 0) {
			cli.down = 1;
		} else if (strcmp(a, "--fill") == 0) {
			const char *v;

			if ((rc = option_value(argc, argv, &i, &v)) ||
			    (rc = fill_value(&fills[cli.n_fills], &fill_copies[cli.n_fills], v)))
				goto done;
			cli.n_fills++;
		} else if (a[0] == '-' && a[1] != '\0' && cli.command &&
			   strcmp(cli.command, "pull") == 0) {
			cli.args[cli.n_args++] = a; /* pull reads its own options */
		} else if (a[0] == '-' && a[1] != '\0') {
			rc = usage_error("unknown option '%s'", a);
			goto done;
		} else if (!cli.command) {
			cli.command = a;
		} else {
			cli.args[cli.n_args++] = a;
		}
	}

	cli.parse.n_models_dirs = n_models_dirs;
	if (!cli.command) {
		fputs(usage_text, want_help ? stdout : stderr);
		rc = want_help ? MG_EXIT_OK : MG_EXIT_USAGE;
		goto done;
	}
	if (!command_help_text(cli.command)) {
		rc = usage_error("unknown command '%s'", cli.command);
		goto done;
	}
	if (want_help) {
		fputs(command_help_text(cli.command), stdout);
		rc = MG_EXIT_OK;
		goto done;
	}

	if (strcmp(cli.command, "snapshot") == 0)
		rc = cmd_snapshot(&cli);
	else if (strcmp(cli.command, "diff") == 0)
		rc = command_diff(&cli);
	else if (strcmp(cli.command, "check") == 0)
		rc = command_check(&cli);
	else if (strcmp(cli.command, "sql") == 0)
		rc = command_sql(&cli);
	else if (strcmp(cli.command, "pull") == 0)
		rc = pull_command(&cli);
	else
		rc = command_new(&cli);
done:
	for (n = 0; n < (size_t)argc; n++)
		free(fill_copies[n]);
	free(fill_copies);
	free(fills);
	free(models_dirs);
	free(args);
	return rc;
}
