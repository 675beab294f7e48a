/*
 * Writing generated files atomically, and reading a whole file.
 */
#ifndef MG_GEN_WRITE_H
#define MG_GEN_WRITE_H

#include <stddef.h>

#include "diag.h"

/* A file to write: its path and new text. */
struct write_file {
	const char *path;
	const char *text;
	/* Used by write_files while it runs. */
	char *tmp;      /* the text written under a temporary name */
	char *backup;   /* a hard link to the previous file while renaming */
	char *old_text; /* its bytes instead, where hard links fail */
	int renamed;
};

/*
 * Writes every file of files[0..n) to a temporary name in its folder, syncs
 * it, then renames all of them into place and removes `remove_path` (may be
 * NULL). `dir` and `dir`/migrations are created when missing. On an error
 * nothing in `dir` changes: temporaries, folders this call created and
 * renamed files are put back. Returns 0, or -1 with the error in `diags`.
 */
int write_files(const char *dir, struct write_file *files, size_t n, const char *remove_path,
		struct diag_list *diags);

/* Reads a whole file. Returns 0 with `*out` (malloc'd, caller frees), 1
 * when it does not exist, -1 on another error (errno set). */
int write_read_file(char **out, const char *path);

/* write_read_file that also gives the length in `*len` (a file may hold a
 * NUL byte; `*out` is NUL-terminated after its `*len` bytes). */
int write_read_file_len(char **out, size_t *len, const char *path);

#endif
