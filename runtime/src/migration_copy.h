/*
 * The stored copy of a migration: what the bookkeeping keeps of each applied
 * migration so that a later program can undo it without having it (the
 * migration amended or superseded since, or a newer one than the program
 * knows). A text written from the field tables of fields.h, as the checksum
 * walks them, and read back into a struct mg_migration in an arena.
 */
#ifndef MG_MIGRATION_COPY_H
#define MG_MIGRATION_COPY_H

#include "modelgen/migration.h"
#include "util/strbuf.h"

struct mg_arena;

/* The version of the text below; a reader refuses any other. */
#define MG_COPY_VERSION 1

/*
 * Appends the copy of `m` for dialect `d` to `out`: what undoing it needs
 * and nothing else: number, name, hashes, flags, the irreversibility note
 * (every field of mg_migration_fields), the frozen tables before and
 * after, the down operations and the down steps on `d` (every field of
 * their tables), and whether its down runs hand-written code, which no copy
 * can hold. The text starts "modelgen-undo 1 DIALECT code|steps\n" and is
 * deterministic: the same migration gives the same bytes. Out of memory,
 * `out` fails (mg_strbuf_failed).
 *
 * Grammar: a value is a string (its length in decimal, ':', its bytes), a
 * number (decimal, ';'), '-' (NULL), an object ('{', key=value entries,
 * '}') or an array ('[', values, ']'); keys are [a-z_]+; white space
 * between tokens is ignored. An object holds only the fields that are set.
 */
void mg_copy_write(struct mg_strbuf *out, const struct mg_migration *m, enum mg_dialect d);

/*
 * 1 when the copy `text` says its migration's down runs hand-written code
 * (this program cannot undo it from the copy), 0 when not, -1 when it is
 * no copy this program reads. Looks at the first line only.
 */
int mg_copy_needs_code(const char *text);

/*
 * Reads the copy `text` for dialect `d` into *out, allocated in `arena`
 * (the schemas' owner is NULL: the arena holds them). Returns 0, or -1 with
 * why in `why` (the copy is damaged, of another dialect, or written by a
 * newer modelgen: a version, field or constant this one does not know), or
 * MG_E_NOMEM. A copy whose down runs code reads fine: its run_down stays
 * NULL and *needs_code is set.
 */
int mg_copy_read(struct mg_migration **out, int *needs_code, struct mg_arena *arena,
		 const char *text, enum mg_dialect d, struct mg_strbuf *why);

#endif
