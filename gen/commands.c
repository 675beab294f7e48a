/*
 * diff, check, sql and new: read the snapshot and migrations, run the
 * pipeline, write generated files atomically.
 */
#include "commands.h"

#include <stdio.h>

static int not_yet(const struct cli *cli)
{
	fprintf(stderr, "modelgen: %s: not implemented yet\n", cli->command);
	return MG_EXIT_ERROR;
}

int command_diff(const struct cli *cli)
{
	return not_yet(cli);
}

int command_check(const struct cli *cli)
{
	return not_yet(cli);
}

int command_sql(const struct cli *cli)
{
	return not_yet(cli);
}

int command_new(const struct cli *cli)
{
	return not_yet(cli);
}
