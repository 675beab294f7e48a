/*
 * The commands that write or check generated files, one file each
 * (command_diff.c, command_new.c, command_check.c, command_sql.c, over
 * run.c), called by main.c with the parsed command line.
 */
#ifndef MG_GEN_COMMANDS_H
#define MG_GEN_COMMANDS_H

#include <stddef.h>

#include "diff.h"
#include "parse.h"

enum {
	MG_EXIT_OK = 0,
	MG_EXIT_FOUND = 1, /* a check found something */
	MG_EXIT_USAGE = 2,
	MG_EXIT_ERROR = 3
};

struct cli {
	const char *command;
	struct parse_options parse; /* -M and the arguments after -- */
	const char *generated_dir;  /* -G, default "generated" */
	const char *message;        /* -m */
	int dialect;                /* --dialect; -1 when not given */
	int dry_run, allow_drop, amend, down;
	int plain_ddl, allow_blocking; /* PostgreSQL: --plain-ddl, --allow-blocking */
	size_t n_fills;                /* --fill TABLE.COLUMN=SQL, repeatable */
	const struct diff_fill *fills;
	size_t n_args; /* positional arguments after the command */
	const char **args;
};

/* Each returns an MG_EXIT_* code after printing its own diagnostics. */
int command_diff(const struct cli *cli);
int command_check(const struct cli *cli);
int command_sql(const struct cli *cli);
int command_new(const struct cli *cli);

#endif
