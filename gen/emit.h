/*
 * Generated files, byte for byte: the migration C files, the registry and the
 * snapshot, and the reader that gets back from a migration file what `check`,
 * `sql` and `diff --amend` need. Everything here is a pure function of its
 * input: ASCII, LF, no trailing whitespace, no timestamp, host or absolute path.
 *
 * A migration file holds, in this order: the banner with a machine-readable
 * header block (` * key: value` lines: modelgen-migration, number, name,
 * kind, models, parent, result, allow-drop, checksum); the summary of
 * operations and review notes; the SQL per dialect and direction as string
 * constants (one `static const char <dialect>_<dir>_<n>[]` per SQL step,
 * preceded by a `/ * <dialect> <dir> <n>: summary * /` line; a rebuild step
 * has a comment showing the SQL the runtime runs instead); the frozen
 * before/after tables; the rebuilds; the step arrays; the one exported
 * `const struct mg_migration mg_migration_NNNN`; and, last, the schema delta
 * (the full definitions of the tables that differ between the parent and the
 * result schema, as snapshot JSON in two comments), from which the parent
 * schema of any migration is rebuilt (`diff --amend`, `check`).
 *
 * The checksum line is SHA-256 over the file without that line; `check`
 * recomputes it to find hand edits. Hand-written migrations (`new`) carry no
 * checksum: their up/down functions are meant to be edited.
 */
#ifndef MG_GEN_EMIT_H
#define MG_GEN_EMIT_H

#include <stddef.h>

#include "diag.h"
#include "diff.h"
#include "modelgen/schema.h"
#include "plan.h"

/* Format of the header block; emit_read refuses others. */
#define EMIT_FILE_FORMAT 1

/* Longest slug (the part of the file name after "NNNN_"). */
#define EMIT_SLUG_MAX 40

struct emit_migration_input {
	unsigned number;
	const char *name; /* file stem, "0003_rename_rating" */
	size_t n_sources;
	const char *const *sources; /* model files, relative, sorted */
	const char *parent_hash;    /* "" or "sha256:..." */
	const char *result_hash;
	int allow_drop;
	const struct plan_result *plan;
	/* Tables that differ between the parent and the result schema, in
	 * full, as they are before and after (see emit_schema_delta). */
	const struct mg_schema *delta_before;
	const struct mg_schema *delta_after;
};

/*
 * Returns the text of a generated migration file (malloc'd; caller frees).
 */
char *emit_migration(const struct emit_migration_input *in);

/*
 * Returns the text of a hand-written (data) migration file with empty step
 * lists and up/down functions to fill in; `hash` is the schema hash before
 * and after it (malloc'd; caller frees).
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
 * for the create path. Malloc'd; caller frees.
 */
char *emit_registry(size_t n_entries, const struct emit_registry_entry *entries,
		    const struct mg_schema *schema, const char *hash);

/*
 * Writes into `out` (at least EMIT_SLUG_MAX + 1 bytes) the slug of a
 * migration: from `message` when not NULL ("Add e-mail!" -> "add_e_mail"),
 * else from the operations of `diff` ("init" for the first migration of an
 * empty schema, "add_users_email", "rename_rating", "..._and_more").
 */
void emit_slug(char *out, const char *message, const struct diff_result *diff, int first);

/*
 * Sets `*before` and `*after` to the tables of `parent` and `result` that
 * are not identical in the other (by name and content): applying the delta
 * to `parent` (emit_apply_delta) gives `result`. The schemas borrow the
 * tables of `parent` and `result`; free each with emit_schema_free_shallow.
 */
void emit_schema_delta(struct mg_schema *before, struct mg_schema *after,
		       const struct mg_schema *parent, const struct mg_schema *result);

/*
 * Sets `*out` to `base` without the tables named in `before`, with the
 * tables of `after` added, sorted by name (tables borrowed). Free with
 * emit_schema_free_shallow. `base` may be `out`'s previous value only if the
 * caller keeps the tables alive.
 */
void emit_apply_delta(struct mg_schema *out, const struct mg_schema *base,
		      const struct mg_schema *before, const struct mg_schema *after);

/* Frees the table array of a schema made by emit_schema_delta or
 * emit_apply_delta (not the tables). Accepts NULL. */
void emit_schema_free_shallow(struct mg_schema *schema);

/* Where a migration file's SQL step came from, as read back. */
struct emit_sql_item {
	char *summary; /* "add column users.email" */
	char *sql;     /* statements, or the rebuild's SQL for review */
	int rebuild;
};

/* A migration file as emit_read gets it back. */
struct emit_file {
	unsigned number;
	char *name; /* stem from the header */
	int handwritten;
	int allow_drop;
	char *parent_hash;
	char *result_hash;
	char *checksum;                 /* as written; NULL for hand-written */
	char *actual_checksum;          /* recomputed; NULL for hand-written */
	struct mg_schema *delta_before; /* NULL for hand-written */
	struct mg_schema *delta_after;
	size_t n_items[MG_DIALECT_COUNT][2]; /* [dialect][0 up, 1 down] */
	struct emit_sql_item *items[MG_DIALECT_COUNT][2];
};

/*
 * Reads back a migration file's `text` (`path` names it in diagnostics).
 * Returns 0 with `*out` set (free with emit_file_free), or -1 with an error
 * in `diags` and `*out` NULL.
 */
int emit_read(struct emit_file **out, const char *text, const char *path, struct diag_list *diags);

/*
 * As emit_read, but reads only the header block (number, name, kind, hashes,
 * checksum as written): no SQL items, no delta, no recomputed checksum. For
 * commands that need the history's shape, not its content.
 */
int emit_read_header(struct emit_file **out, const char *text, const char *path,
		     struct diag_list *diags);

void emit_file_free(struct emit_file *file);

/* Returns the checksum line value ("sha256:...") of a generated migration
 * text as emit_migration computes it: over the text without its checksum
 * line. Writes 72 bytes including the NUL. */
void emit_checksum(char out[72], const char *text);

#endif
