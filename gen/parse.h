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

struct parse_options {
	const char *models_dir; /* "models" by default; every *.h in it */
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

#endif
