/*
 * Collected diagnostics (see diag.h).
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "xalloc.h"

void diag_free(struct diag_list *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->n_items; i++) {
		free((char *)list->items[i].loc.file);
		free(list->items[i].text);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void diag_add(struct diag_list *list, enum diag_level level, const struct diag_loc *loc,
	      const char *fmt, ...)
{
	struct diag_item *it;
	struct mg_strbuf text = {0};
	va_list ap;

	if (list->n_items == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 16;
		list->items = realloc(list->items, list->cap * sizeof(*list->items));
		if (!list->items) {
			fputs("modelgen: out of memory\n", stderr);
			abort();
		}
	}
	va_start(ap, fmt);
	mg_strbuf_vprintf(&text, fmt, ap);
	va_end(ap);

	it = &list->items[list->n_items++];
	memset(it, 0, sizeof(*it));
	it->level = level;
	if (loc) {
		it->loc = *loc;
		it->loc.file = loc->file ? xstrdup(loc->file) : NULL;
	}
	it->text = mg_strbuf_detach(&text);
	if (level == DIAG_ERROR)
		list->n_errors++;
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Orders by place; placeless diagnostics come last. Equal places compare
 * equal: diag_print's insertion sort is stable, so they keep the order they
 * were added in. */
static int cmp_items(const struct diag_item *a, const struct diag_item *b)
{
	int c;

	if ((a->loc.file == NULL) != (b->loc.file == NULL))
		return a->loc.file == NULL ? 1 : -1;
	c = cmp_str(a->loc.file, b->loc.file);
	if (c)
		return c;
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	if (a->loc.column != b->loc.column)
		return a->loc.column < b->loc.column ? -1 : 1;
	return 0;
}

void diag_print(struct diag_list *list, FILE *out)
{
	static const char *const level_names[] = {"note", "warning", "error"};
	size_t i, j;

	/* Insertion sort keeps it stable; lists are short. */
	for (i = 1; i < list->n_items; i++) {
		struct diag_item tmp = list->items[i];
		for (j = i; j > 0 && cmp_items(&list->items[j - 1], &tmp) > 0; j--)
			list->items[j] = list->items[j - 1];
		list->items[j] = tmp;
	}
	for (i = 0; i < list->n_items; i++) {
		const struct diag_item *it = &list->items[i];

		if (it->loc.file) {
			fputs(it->loc.file, out);
			if (it->loc.line) {
				fprintf(out, ":%u", it->loc.line);
				if (it->loc.column)
					fprintf(out, ":%u", it->loc.column);
			}
			fputs(": ", out);
		} else {
			fputs("modelgen: ", out);
		}
		fprintf(out, "%s: %s\n", level_names[it->level], it->text);
	}
}
