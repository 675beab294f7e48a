/*
 * Reading generated/ back: the migration files, generated/schema.json and
 * the registry text. A generated migration is read by a parser for the
 * emitter's own fixed grammar (emit.h; no libclang): the header block, the
 * review notes, and the C data (operations, steps with their SQL, rebuilds,
 * frozen tables) rebuilt as a struct mg_migration. A hand-written migration
 * is read by its header block only: its code is the user's.
 *
 * Everything read lives in the history's arena.
 */
#ifndef MG_GEN_HISTORY_H
#define MG_GEN_HISTORY_H

#include <stddef.h>

#include "diag.h"
#include "emit.h"
#include "modelgen/migration.h"

struct mg_arena;

/* A migration file as read back. */
struct history_migration {
	unsigned number;
	const char *name; /* the stem, from the header */
	int handwritten;
	const char *parent_hash; /* "" for none */
	const char *result_hash;
	const char *checksum; /* the header's; NULL for hand-written */
	/* After a full read: the file's data (a hand-written migration has
	 * no tables, operations or steps) and what else it holds. */
	int full;
	struct mg_migration m;
	struct emit_file_info info;
};

/*
 * Reads migration file `text` (`path` names it in diagnostics) into `*out`,
 * in `arena`: the header block only, or with `full` everything. Returns 0,
 * or -1 with errors in `diags` (one per problem, with the file's line).
 */
int history_read_migration(struct history_migration *out, struct mg_arena *arena, const char *text,
			   const char *path, int full, struct diag_list *diags);

/* A file of generated/migrations. */
struct history_file {
	const char *file; /* "0003_rename_rating.c" */
	const char *path; /* "generated/migrations/0003_rename_rating.c" */
	unsigned file_number;
	int name_ok;      /* NNNN_slug.c */
	const char *text; /* the file, or only its header block when not `whole` */
	int whole;
	int readable; /* the header was read; `mig` holds it */
	struct history_migration mig;
};

/* generated/ as it is on disk. */
struct history {
	struct mg_arena *arena;
	const char *migrations_dir, *snapshot_path, *registry_path;
	size_t n_files;
	struct history_file *files; /* sorted by number, then file name */
	/* generated/schema.json: NULL when absent or unreadable (then
	 * `snapshot_error` is 1 and its errors are in `snapshot_diags`). */
	struct mg_schema *snapshot;
	char snapshot_text_hash[72];
	int snapshot_error;
	struct diag_list snapshot_diags;
	const char *registry_text; /* NULL when absent */
	/* Texts kept whole for the run (history_keep), freed with it. */
	char **kept;
	size_t n_kept, cap_kept;
};

/*
 * Reads generated/ (folder `dir`): every migration file's header (an
 * unreadable one keeps readable 0 and its errors go to `diags`), with `full`
 * every file whole, the snapshot and the registry text. Returns 0, or -1
 * with an error in `diags` that stops everything (an unreadable folder or
 * file). Free with history_free, also after a failure.
 */
int history_load(struct history *h, const char *dir, int full, struct diag_list *diags);

/* Reads whole every readable migration read by its header so far. Returns
 * 0, or -1 with the errors in `diags`. */
int history_read_full(struct history *h, struct diag_list *diags);

void history_free(struct history *h);

/* Takes `text` (malloc'd) into `h`, which frees it in history_free, and
 * returns it: a file's or an emitter's text, megabytes at 10000 tables,
 * kept without a copy into the arena. */
const char *history_keep(struct history *h, char *text);

/* The newest readable migration file, or NULL. */
const struct history_file *history_newest(const struct history *h);

/* The result hash of the newest readable migration; "" without one. */
const char *history_end_hash(const struct history *h);

/*
 * The readable migrations of files[0..n_files) as an array of pointers for
 * mg_schema_at, in order (arena memory); `*n_out` is their number. Needs
 * the files read whole.
 */
const struct mg_migration *const *history_migrations(struct history *h, size_t n_files,
						     size_t *n_out);

#endif
