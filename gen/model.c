/*
 * Validation of the model (see model.h).
 */
#include "model.h"

#include "util/arena.h"

void model_free(struct model *model)
{
	if (model)
		mg_arena_free(model->arena);
}

size_t model_validate(const struct model *model, struct diag_list *diags)
{
	(void)model;
	(void)diags;
	return 0;
}
