/*
 * Look-ups and names for the shared schema description (modelgen/schema.h).
 */
#include "modelgen/schema.h"

#include <string.h>

#include "util/arena.h"

void mg_schema_free(struct mg_schema *schema)
{
	if (!schema || !schema->owner)
		return;
	/* The schema struct itself lives in its arena. */
	mg_arena_free(schema->owner);
}

const struct mg_table *mg_schema_find_table(const struct mg_schema *schema, const char *name)
{
	size_t i;

	for (i = 0; i < schema->n_tables; i++)
		if (strcmp(schema->tables[i].name, name) == 0)
			return &schema->tables[i];
	return NULL;
}

const struct mg_column *mg_table_find_column(const struct mg_table *table, const char *name)
{
	size_t i;

	for (i = 0; i < table->n_columns; i++)
		if (strcmp(table->columns[i].name, name) == 0)
			return &table->columns[i];
	return NULL;
}

static const char *const coltype_names[] = {
	[MG_COL_BOOLEAN] = "boolean", [MG_COL_SMALLINT] = "smallint", [MG_COL_INTEGER] = "integer",
	[MG_COL_BIGINT] = "bigint",   [MG_COL_REAL] = "real",         [MG_COL_DOUBLE] = "double",
	[MG_COL_VARCHAR] = "varchar", [MG_COL_TEXT] = "text",         [MG_COL_BLOB] = "blob",
	[MG_COL_CUSTOM] = "custom",
};

const char *mg_coltype_name(enum mg_coltype type)
{
	if ((int)type <= 0 || (size_t)type >= sizeof(coltype_names) / sizeof(coltype_names[0]))
		return NULL;
	return coltype_names[type];
}

enum mg_coltype mg_coltype_from_name(const char *name)
{
	size_t i;

	for (i = 1; i < sizeof(coltype_names) / sizeof(coltype_names[0]); i++)
		if (strcmp(coltype_names[i], name) == 0)
			return (enum mg_coltype)i;
	return (enum mg_coltype)0;
}

static const char *const action_names[] = {
	[MG_FK_NO_ACTION] = "no action",
	[MG_FK_CASCADE] = "cascade",
	[MG_FK_SET_NULL] = "set null",
	[MG_FK_RESTRICT] = "restrict",
};

const char *mg_fk_action_name(enum mg_fk_action action)
{
	if ((int)action < 0 || (size_t)action >= sizeof(action_names) / sizeof(action_names[0]))
		return NULL;
	return action_names[action];
}

int mg_fk_action_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (strcmp(action_names[i], name) == 0)
			return (int)i;
	return -1;
}
