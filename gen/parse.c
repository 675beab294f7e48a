/*
 * Model headers -> model through libclang (see parse.h).
 */
#include "parse.h"

int parse_models(struct model **out, const struct parse_options *opts, struct diag_list *diags)
{
	(void)opts;
	*out = NULL;
	diag_error(diags, NULL, "parser not implemented yet");
	return -1;
}
