/*
 * The dbupdate program: one call that a generated main makes with the
 * application's registry (see modelgen_add_dbupdate).
 */
#ifndef MODELGEN_DBUPDATE_H
#define MODELGEN_DBUPDATE_H

#include "modelgen/migration.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Runs dbupdate with the command line `argc`/`argv` on the migrations of
 * `reg`: `dbupdate [OPTIONS] [URL]` with --status, --sql, --to N, --verify,
 * --baseline N, --force, --lock-timeout SECONDS, --help, --version. Returns
 * the process exit code: 0 success, 1 a check found something (pending
 * migrations for --status, drift, a refusal), 2 bad usage, 3 any other
 * error. Errors are one line on stderr.
 */
int mg_cli_main(int argc, char **argv, const struct mg_registry *reg);

#ifdef __cplusplus
}
#endif

#endif
