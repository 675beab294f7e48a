/*
 * Model headers -> model, through libclang. Finds the model files, parses
 * each with the annotations turned on (-DMODELGEN), and reads every struct
 * marked MG_TABLE with its fields and annotations. Any clang error, unmapped
 * field type or malformed annotation is a diagnostic; the model is then not
 * to be used.
 */
#ifndef MG_GEN_PARSE_H
#define MG_GEN_PARSE_H

#include <stddef.h>

#include "diag.h"
#include "model.h"

struct mg_arena;

struct parse_options {
	/* Directories of model headers: every *.h under them, subdirectories
	 * included; "models" when there are none. */
	size_t n_models_dirs;
	const char *const *models_dirs;
	/* -p: the build directory holding compile_commands.json (or the file);
	 * NULL to look in the usual places. */
	const char *compile_commands_dir;
	/* Extra arguments for the C parser (after `--` on the command line). */
	size_t n_clang_args;
	const char *const *clang_args;
	/* Directory of <modelgen/model.h>'s parent ("…/include"); NULL to
	 * find it next to the program or in the build tree. */
	const char *include_dir;
};

/*
 * Parses every model header and builds the model (validated with
 * model_validate). Returns 0 with `*out` set (free with model_free), or -1
 * with errors in `diags` and `*out` NULL.
 */
int parse_models(struct model **out, const struct parse_options *opts, struct diag_list *diags);

/*
 * The name modelgen derives for an index, unique or foreign key: "ix", "uq"
 * or "fk", then the table and the columns, joined by '_'; past 63 bytes cut
 * and ended with "_" and 8 hex digits of the full name's SHA-256. In `arena`.
 */
const char *parse_derived_name(struct mg_arena *arena, const char *prefix, const char *table,
			       size_t n, const char *const *cols);

/*
 * Checks one annotation string as libclang hands it over: "mg.NAME" or
 * "mg.NAME=ARG", two arguments separated by \037 (see modelgen/model.h), as
 * found on a struct (`on_struct`) or a field, with the checks the parser
 * makes of it alone (known name, place, arguments, column list, action).
 * Errors go to `diags` at `loc` (may be NULL). Returns 0 when valid, 1 when
 * it is not a modelgen annotation, -1 on error. For tests and the fuzzer.
 */
int parse_annotation(const char *text, int on_struct, const struct diag_loc *loc,
		     struct diag_list *diags);

#endif
