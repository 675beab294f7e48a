/*
 * Diagnostics of the generator, in the compiler format
 * `file:line:col: error: text`. Every stage adds to one list; the command
 * prints it sorted (by file, line and column; diagnostics of one place in
 * the order they were added, those of no place last) and, when it holds any
 * error, writes nothing.
 */
#ifndef MG_GEN_DIAG_H
#define MG_GEN_DIAG_H

#include <stddef.h>
#include <stdio.h>

/* A place in a model header or another input file. `file` is as the user
 * named it (relative to the working directory), never made absolute.
 * line/column are 1-based; 0 means unknown and is not printed. */
struct diag_loc {
	const char *file;
	unsigned line;
	unsigned column;
};

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct diag_item {
	enum diag_level level;
	struct diag_loc loc; /* file copied, owned by the list */
	char *text;
};

struct diag_list {
	size_t n_items;
	struct diag_item *items;
	size_t cap;
	size_t n_errors;
};

void diag_free(struct diag_list *list);

/* Adds one diagnostic. `loc` may be NULL for one about no particular place. */
void diag_add(struct diag_list *list, enum diag_level level, const struct diag_loc *loc,
	      const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

#define diag_error(list, loc, ...)   diag_add((list), DIAG_ERROR, (loc), __VA_ARGS__)
#define diag_warning(list, loc, ...) diag_add((list), DIAG_WARNING, (loc), __VA_ARGS__)

/* Sorts the list (stable: equal places keep the order they were added in)
 * and prints each on its own line to `out`, "modelgen: " in front of those
 * that have no place. */
void diag_print(struct diag_list *list, FILE *out);

#endif
