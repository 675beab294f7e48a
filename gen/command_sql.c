/*
 * `modelgen sql [N|N..M] [--down] [--dialect D]`: the SQL the migrations
 * run, rendered from the data read back by the runtime's printer
 * (mg_sql_plan), the same text `dbupdate --sql` prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "sql.h"
#include "util/strbuf.h"

static int parse_range(const char *arg, unsigned *from, unsigned *to)
{
	char *end;
	unsigned long a, b;

	a = strtoul(arg, &end, 10);
	if (end == arg)
		return -1;
	b = a;
	if (strncmp(end, "..", 2) == 0) {
		const char *q = end + 2;

		b = strtoul(q, &end, 10);
		if (end == q)
			return -1;
	}
	if (*end || a == 0 || b < a || b > 999999)
		return -1;
	*from = (unsigned)a;
	*to = (unsigned)b;
	return 0;
}

int command_sql(const struct cli *cli)
{
	struct run r = {.cli = cli};
	struct mg_strbuf out = {0};
	unsigned from = 1, to = ~0u;
	int d, down = cli->down ? 1 : 0;
	size_t k;

	if (cli->n_args > 1 || (cli->n_args == 1 && parse_range(cli->args[0], &from, &to) != 0)) {
		run_error(&r, "sql takes one argument N or N..M (migration numbers), got '%s'",
			  cli->args[cli->n_args - 1]);
		return run_end(&r, MG_EXIT_USAGE);
	}
	if (history_load(&r.h, cli->generated_dir, 1, &r.diags) != 0 || r.diags.n_errors)
		return run_end(&r, MG_EXIT_ERROR);
	if (cli->n_args) {
		const struct history_file *last = history_newest(&r.h);

		if (!last || to > last->mig.number) {
			run_error(&r, "sql: there is no migration %u (the newest is %u)", to,
				  last ? last->mig.number : 0);
			return run_end(&r, MG_EXIT_ERROR);
		}
	}
	if (!r.h.n_files)
		mg_strbuf_printf(&out, "-- no migrations in %s\n", r.h.migrations_dir);
	for (d = 0; d < MG_DIALECT_COUNT && r.h.n_files; d++) {
		if (cli->dialect >= 0 && cli->dialect != d)
			continue;
		if (cli->dialect < 0)
			mg_strbuf_printf(&out, "%s-- ==== %s ====\n", d ? "\n" : "",
					 d == MG_DIALECT_SQLITE ? "SQLite" : "PostgreSQL");
		for (k = 0; k < r.h.n_files; k++) {
			const struct history_file *f = &r.h.files[down ? r.h.n_files - 1 - k : k];

			if (!f->readable || f->mig.number < from || f->mig.number > to)
				continue;
			mg_strbuf_putc(&out, '\n');
			if (f->mig.handwritten)
				mg_strbuf_printf(&out,
						 "-- migration %u (%s), %s\n"
						 "-- hand-written: runs %s() in %s\n",
						 f->mig.number, f->mig.name, down ? "down" : "up",
						 down ? "down" : "up", f->path);
			else
				mg_sql_plan(&out, &f->mig.m, down, (enum mg_dialect)d);
		}
	}
	fputs(mg_strbuf_cstr(&out), stdout);
	mg_strbuf_free(&out);
	return run_end(&r, MG_EXIT_OK);
}
