/*
 * Generated files, byte for byte: the migration C files (emit_migration.c),
 * their frozen tables (emit_tables.c) and the registry (emit_registry.c).
 * Everything here is a pure function of its input: ASCII, LF, no trailing
 * whitespace, no timestamp, host or absolute path. history.c reads what
 * these write back, and `modelgen check` requires a file to be exactly what
 * the emitter writes for the data read from it.
 *
 * A generated migration (format 2), in this order:
 *
 *   - the banner, with a machine-readable header block (` * key: value`
 *     lines: modelgen-migration (format and kind), models, parent, result,
 *     allow-drop, checksum: mg_migration_checksum of the data, the value the
 *     database stores);
 *   - `#include <modelgen/migration.h>` and the two-sided format gate;
 *   - forward declarations of the machine data below the rule;
 *   - for up, then down: the operations (`up_ops`, one `{"summary"}` each,
 *     numbered in a comment, `[!]` on destructive ones; after up's, the
 *     review notes), then the steps of each dialect with their SQL inline
 *     (`{MG_SQL(op, "...")}`), one array for both dialects when they run
 *     the same steps; a SQLite rebuild step (`{MG_REBUILD(&rebuild_up_N)}`)
 *     under a comment showing the SQL the runtime runs (mg_sql_rebuild);
 *   - the exported `const struct mg_migration mg_migration_NNNN`;
 *   - a rule line, then the machine data: the frozen tables before and
 *     after up (arrays equal on both sides written once) and the rebuilds.
 *
 * Counts come from the arrays (MG_COUNT, MG_ARRAY, MG_STEPS), never from a
 * number written by hand. The layout of a format is fixed: changing it is a
 * new format number.
 */
#ifndef MG_GEN_EMIT_H
#define MG_GEN_EMIT_H

#include <stddef.h>

#include "modelgen/migration.h"
#include "util/strbuf.h"

/* Format of generated migration files, written into every one. */
#define EMIT_FILE_FORMAT 2

/* The two-sided format gate every file with migration structs carries: the
 * header must know format EMIT_FILE_FORMAT and still build it. */
extern const char emit_version_gate[];

/* What a migration file holds besides its struct mg_migration. */
struct emit_file_info {
	const char *version; /* modelgen version that wrote it ("0.1.0") */
	size_t n_sources;
	const char *const *sources; /* model files, relative, sorted */
	int allow_drop;
	size_t n_notes;
	const char *const *notes; /* review notes, one paragraph each */
};

/*
 * Returns the text of the generated migration file of `m` (its number,
 * name, hashes, flags, irreversible note, frozen tables, operations and
 * steps). Malloc'd; caller frees.
 */
char *emit_migration(const struct mg_migration *m, const struct emit_file_info *info);

/*
 * Returns the text of a hand-written (data) migration file with up/down
 * functions to fill in; `hash` is the schema hash before and after it
 * (malloc'd; caller frees).
 */
char *emit_handwritten(unsigned number, const char *name, const char *hash);

/* One migration as the registry lists it. */
struct emit_registry_entry {
	unsigned number;
	const char *name; /* file stem */
};

/*
 * Returns the text of generated/registry.c: the migrations in the given order
 * and `schema` (the schema after the last one, hash `hash`) as frozen data
 * for the create path, and the `n_foreign` foreign tables (MG_FOREIGN_TABLE,
 * sorted; the list is left out when there are none). Malloc'd; caller
 * frees.
 */
char *emit_registry(size_t n_entries, const struct emit_registry_entry *entries,
		    const struct mg_schema *schema, const char *hash, size_t n_foreign,
		    const char *const *foreign);

/*
 * Appends the frozen data of `before` and `after` (emit_tables.c): per table,
 * its arrays (those equal on both sides once), then `before_tables[]`,
 * `after_tables[]` and the schemas `before` and `after`. With `after` NULL,
 * only `before` is written, under the names `<prefix>_tables` and
 * `<prefix>` (the registry's schema).
 */
struct emit_names;
void emit_tables(struct mg_strbuf *b, struct emit_names *names, const char *prefix,
		 const struct mg_schema *before, const struct mg_schema *after);

/*
 * An initializer being written: items separated by ", ", a new line (that
 * starts with `indent`) before an item that would pass column `width` (0:
 * never), or before every item after the first with `one_per_line`.
 */
struct emit_init {
	struct mg_strbuf *b;
	const char *indent;
	size_t col, width;
	int first;
	int one_per_line;
};

/* Starts an initializer at the end of `b` (its column counted from there). */
void emit_init_start(struct emit_init *it, struct mg_strbuf *b, const char *indent,
		     int one_per_line, size_t width);

/* Appends one item; `own_line` puts it on a new line in any case. */
void emit_init_item(struct emit_init *it, const char *text, int own_line);

/* Appends ".field = value" for every field of `fields` (fields.h) that
 * `obj` has set; OWN_LINE fields start a line. */
struct mg_field;
void emit_init_fields(struct emit_init *it, const struct mg_field *fields, const void *obj);

/* The set of C identifiers a file uses, so that names made from table names
 * never collide. */
struct emit_names *emit_names_new(void);
void emit_names_free(struct emit_names *names);

/* Returns `want` if unused, else `want` with "_2", "_3"... appended; marks it
 * used. The result lives as long as `names`. */
const char *emit_names_take(struct emit_names *names, const char *want);

/*
 * The name of a `static const char *const` array holding items[0..n): one
 * written before with the same content in this file, or a new one written
 * to `b` now, named after its content (c_email_created_at) when short.
 */
const char *emit_list(struct mg_strbuf *b, struct emit_names *names, size_t n,
		      const char *const *items);

/*
 * The C expression for a pointer to table `t` when it is one of the frozen
 * tables of `before` / `after` (by address: "&after_tables[2]"), or NULL.
 * The caller frees the result.
 */
char *emit_table_ref(const struct mg_schema *before, const struct mg_schema *after,
		     const struct mg_table *t);

#endif
