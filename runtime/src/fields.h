/*
 * The scalar fields of the structs a generated migration is made of
 * (modelgen/schema.h, modelgen/migration.h), described once. The runtime's
 * checksum, the generator's C emitter and its reader of generated files walk
 * these tables, so a new field (a column's collation, a step's lock facts)
 * is one entry here, not an edit of each walker. Arrays and references
 * (columns of a table, a step's rebuild) stay with each walker.
 */
#ifndef MG_FIELDS_H
#define MG_FIELDS_H

#include <stddef.h>

enum mg_field_type {
	MG_FIELD_STRING, /* const char *; NULL means unset */
	MG_FIELD_UINT,   /* unsigned */
	MG_FIELD_BOOL,   /* int, 0 or 1 */
	MG_FIELD_ENUM,   /* an enum, written as one constant's name */
	MG_FIELD_FLAGS   /* unsigned bit set, written as constants joined by " | " */
};

/* mg_field.flags */
#define MG_FIELD_HASHED    0x1u /* checksummed in table order, set or not (format 1) */
#define MG_FIELD_EXTENSION 0x2u /* checksummed after its name, only when set */
#define MG_FIELD_OWN_LINE  0x4u /* the emitter puts it on a line of its own */

/* A named constant of an ENUM or FLAGS field. Lists end with name NULL. */
struct mg_field_const {
	unsigned value;
	const char *name;
};

struct mg_field {
	const char *name; /* the C member, as written after '.' */
	enum mg_field_type type;
	size_t offset;
	unsigned flags;                      /* MG_FIELD_* */
	const struct mg_field_const *consts; /* ENUM, FLAGS; else NULL */
};

/* The tables; each ends with an entry whose name is NULL. */
extern const struct mg_field mg_column_fields[];
extern const struct mg_field mg_index_fields[];
extern const struct mg_field mg_foreign_key_fields[];
extern const struct mg_field mg_table_fields[];
extern const struct mg_field mg_migration_fields[];
extern const struct mg_field mg_op_fields[];
extern const struct mg_field mg_step_fields[];

/* The value of field `f` of `obj`: a string (STRING) or a number (others). */
const char *mg_field_string(const struct mg_field *f, const void *obj);
unsigned mg_field_number(const struct mg_field *f, const void *obj);

/* Stores a value into field `f` of `obj` (the object is writable memory). */
void mg_field_set_string(const struct mg_field *f, void *obj, const char *value);
void mg_field_set_number(const struct mg_field *f, void *obj, unsigned value);

/* 1 when the field holds something other than NULL / 0. */
int mg_field_is_set(const struct mg_field *f, const void *obj);

/* 1 when every field of `fields` holds the same value in `a` and `b`
 * (strings by content). */
int mg_fields_equal(const struct mg_field *fields, const void *a, const void *b);

/* The field of `fields` called `name`, or NULL. */
const struct mg_field *mg_field_find(const struct mg_field *fields, const char *name);

/* The constant of `f` called `name`: 0 with *value set, or -1. */
int mg_field_const_value(const struct mg_field *f, const char *name, unsigned *value);

/* The name of value `value` of an ENUM field, or NULL. */
const char *mg_field_const_name(const struct mg_field *f, unsigned value);

#endif
