/*
 * One run of a generator command (command_*.c): its diagnostics, generated/
 * as read back (history.c), the parsed models, and what the command makes
 * on the way, all freed together by run_end. Also what several commands
 * need of the history: the schema at its head, whether a new migration may
 * be added, the registry's entries.
 *
 * The migrations are the source of truth: the schema after any of them is
 * rebuilt by the runtime's history algorithm (mg_schema_at, forward from the
 * empty schema over the frozen tables read back). generated/schema.json and
 * generated/registry.c are derived from them; `check` proves they agree.
 */
#ifndef MG_GEN_RUN_H
#define MG_GEN_RUN_H

#include <stddef.h>

#include "commands.h"
#include "diag.h"
#include "emit.h"
#include "history.h"

struct model;
struct mg_schema;

/* Zero-initialise with .cli set (`struct run r = {.cli = cli}`). The run's
 * memory is the history's arena (texts, names, lists; there once
 * history_load has run); the schemas the runtime's history algorithm
 * returns are listed and freed with it. */
struct run {
	const struct cli *cli;
	struct diag_list diags;
	struct history h;
	struct model *model; /* parse_models(&r->model, ...): freed by run_end */
	size_t n_schemas, cap_schemas;
	struct mg_schema **schemas;
};

/* An error about no particular place ("modelgen: error: ..."). */
#define run_error(r, ...) diag_error(&(r)->diags, NULL, __VA_ARGS__)

/* The place "file or folder `path` as a whole" (valid in the caller's
 * block). */
#define run_file_loc(path) (&(struct diag_loc){(path), 0, 0})

/* An error or a note about file or folder `where` as a whole. */
#define run_problem(r, where, ...) diag_error(&(r)->diags, run_file_loc(where), __VA_ARGS__)
#define run_note(r, where, ...)    diag_add(&(r)->diags, DIAG_NOTE, run_file_loc(where), __VA_ARGS__)

/* Prints the diagnostics sorted to stderr, frees the run, returns `rc`. */
int run_end(struct run *r, int rc);

/* Keeps `text` (malloc'd) for the rest of the run, without a copy: the
 * run frees it in run_end. Returns it. */
const char *run_text(struct run *r, char *text);

/* Frees `schema` (may be NULL) at the end of the run; returns it. */
struct mg_schema *run_schema(struct run *r, struct mg_schema *schema);

/* 1 when `schema` has the hash `hash` ("" meaning the empty schema of a
 * project without migrations). */
int run_schema_has_hash(const struct mg_schema *schema, const char *hash);

/* The schema after the first `n_files` files of the history, by the
 * history algorithm (the run frees it); NULL when one cannot be read whole
 * (errors in the diagnostics). */
const struct mg_schema *run_schema_after(struct run *r, size_t n_files);

/*
 * Refuses to add to a history that `check` would reject for its shape: two
 * migrations with one number, or one that does not start where the one
 * before it ends (deleted, merged out of order). Returns 0, or -1 with one
 * error.
 */
int run_history_usable(struct run *r);

/*
 * The schema at the head of the history: the snapshot when it matches the
 * newest migration, else the one rebuilt from the migrations (the snapshot
 * is missing, unreadable, stale after a merge or after the newest migration
 * was deleted: a note says which), which the run frees. Returns NULL, with
 * an error, when neither matches; with `quiet`, adds nothing to the
 * diagnostics.
 */
const struct mg_schema *run_head_schema(struct run *r, int quiet);

/*
 * Says that generated/schema.json cannot be read, where and why (its first
 * error), and that it is derived from the migrations: `what` says what
 * happens to it.
 */
void run_snapshot_unreadable(struct run *r, enum diag_level level, const char *what);

/* The registry entries of the readable files[0..n_files), plus room for
 * one more (arena memory); `*n_out` is their number. */
struct emit_registry_entry *run_registry_entries(struct run *r, size_t n_files, size_t *n_out);

/* The foreign tables (MG_FOREIGN_TABLE) generated/schema.json lists,
 * sorted, in *names; none when it is missing or unreadable. */
size_t run_snapshot_foreign(const struct run *r, const char *const **names);

/* 1 when the two sorted name lists are equal. */
int run_same_names(size_t na, const char *const *a, size_t nb, const char *const *b);

/* 1 when the file at `path` holds exactly `text`. */
int run_file_is(const char *path, const char *text);

#endif
