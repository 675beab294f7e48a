/*
 * The field tables of fields.h. The order of the HASHED fields of each table
 * is the order of the migration checksum (checksum.c) and never changes; new
 * fields are EXTENSION fields, appended.
 */
#include "fields.h"

#include <string.h>

#include "modelgen/migration.h"

/* Enums are int-sized on every platform the project builds on; the field
 * accessors rely on it. */
_Static_assert(sizeof(enum mg_coltype) == sizeof(int) && sizeof(enum mg_fk_action) == sizeof(int),
	       "enums are int-sized");

static const struct mg_field_const coltypes[] = {
	{MG_COL_BOOLEAN, "MG_COL_BOOLEAN"},
	{MG_COL_SMALLINT, "MG_COL_SMALLINT"},
	{MG_COL_INTEGER, "MG_COL_INTEGER"},
	{MG_COL_BIGINT, "MG_COL_BIGINT"},
	{MG_COL_REAL, "MG_COL_REAL"},
	{MG_COL_DOUBLE, "MG_COL_DOUBLE"},
	{MG_COL_VARCHAR, "MG_COL_VARCHAR"},
	{MG_COL_TEXT, "MG_COL_TEXT"},
	{MG_COL_BLOB, "MG_COL_BLOB"},
	{MG_COL_CUSTOM, "MG_COL_CUSTOM"},
	{0, NULL},
};

static const struct mg_field_const fk_actions[] = {
	{MG_FK_NO_ACTION, "MG_FK_NO_ACTION"},
	{MG_FK_CASCADE, "MG_FK_CASCADE"},
	{MG_FK_SET_NULL, "MG_FK_SET_NULL"},
	{MG_FK_RESTRICT, "MG_FK_RESTRICT"},
	{0, NULL},
};

static const struct mg_field_const op_flags[] = {
	{MG_OP_DESTRUCTIVE, "MG_OP_DESTRUCTIVE"},
	{0, NULL},
};

static const struct mg_field_const migration_flags[] = {
	{MG_MIGRATION_IRREVERSIBLE, "MG_MIGRATION_IRREVERSIBLE"},
	{MG_MIGRATION_HANDWRITTEN, "MG_MIGRATION_HANDWRITTEN"},
	{MG_MIGRATION_PLAIN_DDL, "MG_MIGRATION_PLAIN_DDL"},
	{MG_MIGRATION_BLOCKING_OK, "MG_MIGRATION_BLOCKING_OK"},
	{0, NULL},
};

static const struct mg_field_const step_flags[] = {
	{MG_STEP_DROPS_TABLE, "MG_STEP_DROPS_TABLE"},
	{MG_STEP_IN_PLACE, "MG_STEP_IN_PLACE"},
	{MG_STEP_NO_TX, "MG_STEP_NO_TX"},
	{MG_STEP_BATCHED, "MG_STEP_BATCHED"},
	{MG_STEP_OWN_TX, "MG_STEP_OWN_TX"},
	{0, NULL},
};

#define FIELD(type, member, kind, flags, consts)                                                   \
	{                                                                                          \
#member, kind, offsetof(struct type, member), flags, consts                        \
	}
#define END                                                                                        \
	{                                                                                          \
		NULL, MG_FIELD_STRING, 0, 0, NULL                                                  \
	}

const struct mg_field mg_column_fields[] = {
	FIELD(mg_column, name, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_column, type, MG_FIELD_ENUM, MG_FIELD_HASHED, coltypes),
	FIELD(mg_column, length, MG_FIELD_UINT, MG_FIELD_HASHED, NULL),
	FIELD(mg_column, custom_type, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_column, nullable, MG_FIELD_BOOL, MG_FIELD_HASHED, NULL),
	FIELD(mg_column, identity, MG_FIELD_BOOL, MG_FIELD_HASHED, NULL),
	FIELD(mg_column, default_sql, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	/* Comments are for people; no runtime code reads them. */
	FIELD(mg_column, comment, MG_FIELD_STRING, 0, NULL),
	END,
};

const struct mg_field mg_index_fields[] = {
	FIELD(mg_index, name, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_index, unique, MG_FIELD_BOOL, MG_FIELD_HASHED, NULL),
	END,
};

const struct mg_field mg_foreign_key_fields[] = {
	FIELD(mg_foreign_key, name, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_foreign_key, column, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_foreign_key, ref_table, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_foreign_key, ref_column, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_foreign_key, on_delete, MG_FIELD_ENUM, MG_FIELD_HASHED, fk_actions),
	END,
};

const struct mg_field mg_table_fields[] = {
	FIELD(mg_table, name, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_table, comment, MG_FIELD_STRING, 0, NULL),
	FIELD(mg_table, primary_key_name, MG_FIELD_STRING, MG_FIELD_EXTENSION, NULL),
	END,
};

/* The migration's own scalars (frozen tables, operations and plans are
 * walked by each walker). */
const struct mg_field mg_migration_fields[] = {
	FIELD(mg_migration, number, MG_FIELD_UINT, MG_FIELD_HASHED, NULL),
	FIELD(mg_migration, name, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_migration, parent_hash, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_migration, result_hash, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	FIELD(mg_migration, flags, MG_FIELD_FLAGS, MG_FIELD_HASHED, migration_flags),
	FIELD(mg_migration, irreversible_note, MG_FIELD_STRING, MG_FIELD_HASHED, NULL),
	END,
};

/* Operations are summaries: not in the checksum. */
const struct mg_field mg_op_fields[] = {
	FIELD(mg_op, summary, MG_FIELD_STRING, 0, NULL),
	FIELD(mg_op, flags, MG_FIELD_FLAGS, 0, op_flags),
	END,
};

/*
 * The fields of a step besides kind, op, sql and rebuild, which the walkers
 * handle themselves (kind, sql and rebuild are checksummed as in format 1;
 * op and note, like every summary, are not). `flags` is checksummed as what
 * format 1 could not say: see checksum.c.
 */
const struct mg_field mg_step_fields[] = {
	FIELD(mg_step, note, MG_FIELD_STRING, 0, NULL),
	FIELD(mg_step, flags, MG_FIELD_FLAGS, MG_FIELD_EXTENSION, step_flags),
	FIELD(mg_step, guard, MG_FIELD_STRING, MG_FIELD_EXTENSION | MG_FIELD_OWN_LINE, NULL),
	/* Lock facts are for people and the claim test, as notes are. */
	FIELD(mg_step, locks, MG_FIELD_STRING, MG_FIELD_OWN_LINE, NULL),
	FIELD(mg_step, target, MG_FIELD_STRING, MG_FIELD_EXTENSION, NULL),
	END,
};

static const char *const *string_at(const struct mg_field *f, const void *obj)
{
	return (const char *const *)(const void *)((const char *)obj + f->offset);
}

const char *mg_field_string(const struct mg_field *f, const void *obj)
{
	return *string_at(f, obj);
}

unsigned mg_field_number(const struct mg_field *f, const void *obj)
{
	const char *p = (const char *)obj + f->offset;
	unsigned u;
	int i;

	switch (f->type) {
	case MG_FIELD_BOOL:
	case MG_FIELD_ENUM:
		memcpy(&i, p, sizeof(i));
		return f->type == MG_FIELD_BOOL ? (unsigned)!!i : (unsigned)i;
	case MG_FIELD_UINT:
	case MG_FIELD_FLAGS:
		memcpy(&u, p, sizeof(u));
		return u;
	case MG_FIELD_STRING:
		break;
	}
	return 0;
}

void mg_field_set_string(const struct mg_field *f, void *obj, const char *value)
{
	memcpy((char *)obj + f->offset, &value, sizeof(value));
}

void mg_field_set_number(const struct mg_field *f, void *obj, unsigned value)
{
	int i = (int)value;

	if (f->type == MG_FIELD_BOOL || f->type == MG_FIELD_ENUM)
		memcpy((char *)obj + f->offset, &i, sizeof(i));
	else
		memcpy((char *)obj + f->offset, &value, sizeof(value));
}

int mg_field_is_set(const struct mg_field *f, const void *obj)
{
	if (f->type == MG_FIELD_STRING)
		return mg_field_string(f, obj) != NULL;
	return mg_field_number(f, obj) != 0;
}

int mg_fields_equal(const struct mg_field *fields, const void *a, const void *b)
{
	for (; fields->name; fields++) {
		if (fields->type == MG_FIELD_STRING) {
			const char *x = mg_field_string(fields, a), *y = mg_field_string(fields, b);

			if (x != y && (!x || !y || strcmp(x, y) != 0))
				return 0;
		} else if (mg_field_number(fields, a) != mg_field_number(fields, b)) {
			return 0;
		}
	}
	return 1;
}

const struct mg_field *mg_field_find(const struct mg_field *fields, const char *name)
{
	for (; fields->name; fields++)
		if (strcmp(fields->name, name) == 0)
			return fields;
	return NULL;
}

int mg_field_const_value(const struct mg_field *f, const char *name, unsigned *value)
{
	const struct mg_field_const *c;

	for (c = f->consts; c && c->name; c++)
		if (strcmp(c->name, name) == 0) {
			*value = c->value;
			return 0;
		}
	return -1;
}

const char *mg_field_const_name(const struct mg_field *f, unsigned value)
{
	const struct mg_field_const *c;

	for (c = f->consts; c && c->name; c++)
		if (c->value == value)
			return c->name;
	return NULL;
}
