/*
 * One run of a generator command, and what the commands need of the
 * history (see run.h).
 */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "schema_at.h"
#include "snapshot.h"
#include "util/arena.h"
#include "util/strbuf.h"
#include "write.h"
#include "xalloc.h"

int run_end(struct run *r, int rc)
{
	size_t i;

	diag_print(&r->diags, stderr);
	diag_free(&r->diags);
	for (i = 0; i < r->n_schemas; i++)
		mg_schema_free(r->schemas[i]);
	free(r->schemas);
	model_free(r->model);
	history_free(&r->h);
	return rc;
}

const char *run_text(struct run *r, char *text)
{
	return history_keep(&r->h, text);
}

struct mg_schema *run_schema(struct run *r, struct mg_schema *schema)
{
	if (!schema)
		return NULL;
	if (r->n_schemas == r->cap_schemas) {
		struct mg_schema **v;

		r->cap_schemas = r->cap_schemas ? 2 * r->cap_schemas : 8;
		v = xcalloc(r->cap_schemas, sizeof(*v));
		if (r->n_schemas)
			memcpy(v, r->schemas, r->n_schemas * sizeof(*v));
		free(r->schemas);
		r->schemas = v;
	}
	r->schemas[r->n_schemas++] = schema;
	return schema;
}

int run_schema_has_hash(const struct mg_schema *schema, const char *hash)
{
	char h[72];

	if (!hash[0])
		return schema->n_tables == 0;
	snapshot_hash(h, schema);
	return strcmp(h, hash) == 0;
}

const struct mg_schema *run_schema_after(struct run *r, size_t n_files)
{
	const struct mg_migration *const *migs;
	struct mg_schema *s = NULL;
	size_t n;

	if (history_read_full(&r->h, &r->diags) != 0)
		return NULL;
	migs = history_migrations(&r->h, n_files, &n);
	if (mg_schema_at(&s, migs, n, NULL, 0, (unsigned)n) != 0)
		return NULL;
	return run_schema(r, s);
}

int run_history_usable(struct run *r)
{
	const struct history_file *prev = NULL;
	size_t i;

	for (i = 0; i < r->h.n_files; i++) {
		const struct history_file *f = &r->h.files[i];

		if (!f->readable)
			continue;
		if (prev && prev->mig.number == f->mig.number) {
			run_problem(r, f->path,
				    "it and %s are both migration %u; "
				    "run `modelgen check` for how to fix it",
				    prev->path, f->mig.number);
			return -1;
		}
		if (prev && strcmp(prev->mig.result_hash, f->mig.parent_hash) != 0) {
			run_problem(r, f->path,
				    "does not start from the schema %s ends at; "
				    "run `modelgen check` for how to fix it",
				    prev->path);
			return -1;
		}
		prev = f;
	}
	return 0;
}

/* The names of the migrations that registry.c lists but generated/migrations
 * no longer holds, as "a, b" (arena memory), or NULL. */
static const char *gone_from_registry(struct run *r)
{
	static const char key[] = "extern const struct mg_migration mg_migration_";
	struct mg_strbuf gone = {0};
	const char *p = r->h.registry_text, *out = NULL;

	while (p && (p = strstr(p, key)) != NULL) {
		const char *open = strstr(p, "/* "), *close = open ? strstr(open, " */") : NULL;
		const char *nl = strchr(p, '\n');
		size_t i;

		if (!open || !close || (nl && close > nl))
			break;
		for (i = 0; i < r->h.n_files; i++)
			if (r->h.files[i].readable &&
			    strlen(r->h.files[i].mig.name) == (size_t)(close - open - 3) &&
			    strncmp(r->h.files[i].mig.name, open + 3, (size_t)(close - open - 3)) ==
				    0)
				break;
		if (i == r->h.n_files) {
			mg_strbuf_puts(&gone, gone.len ? ", " : "");
			mg_strbuf_putn(&gone, open + 3, (size_t)(close - open - 3));
		}
		p = close;
	}
	if (gone.len)
		out = mg_arena_strdup(r->h.arena, mg_strbuf_cstr(&gone));
	mg_strbuf_free(&gone);
	return out;
}

void run_snapshot_unreadable(struct run *r, enum diag_level level, const char *what)
{
	const struct diag_list *sd = &r->h.snapshot_diags;
	struct diag_loc loc = {r->h.snapshot_path, 0, 0};
	const char *why = "unreadable";

	if (sd->n_items) {
		loc.line = sd->items[0].loc.line;
		loc.column = sd->items[0].loc.column;
		why = sd->items[0].text;
	}
	diag_add(&r->diags, level, &loc,
		 "%s (a merge conflict?); it is derived from the migrations: %s", why, what);
}

const struct mg_schema *run_head_schema(struct run *r, int quiet)
{
	const char *hash = history_end_hash(&r->h);
	const struct history_file *newest = history_newest(&r->h);
	const struct mg_schema *rebuilt;
	const char *gone;

	/* A canonical file hashes to the schema hash as it is. */
	if (r->h.snapshot && ((hash[0] && strcmp(r->h.snapshot_text_hash, hash) == 0) ||
			      run_schema_has_hash(r->h.snapshot, hash)))
		return r->h.snapshot;
	rebuilt = run_schema_after(r, r->h.n_files);
	if (!rebuilt || !run_schema_has_hash(rebuilt, hash)) {
		if (quiet)
			return NULL;
		run_problem(r, r->h.snapshot_path,
			    "cannot rebuild the schema after %s from the migrations; "
			    "run `modelgen check`",
			    newest ? newest->path : "the newest migration");
		return NULL;
	}
	if (quiet || !newest)
		return rebuilt;
	gone = gone_from_registry(r);
	if (r->h.snapshot_error)
		run_snapshot_unreadable(r, DIAG_NOTE, "rebuilt from them");
	else if (!r->h.snapshot)
		run_note(r, r->h.snapshot_path, "missing; rebuilt from the migrations");
	else if (gone)
		run_note(r, r->h.registry_path,
			 "lists %s, no longer in %s: "
			 "it and schema.json are rebuilt from the migrations",
			 gone, r->h.migrations_dir);
	else
		run_note(r, r->h.snapshot_path,
			 "does not match the migrations; rebuilt from them (the schema after %s)",
			 newest->mig.name);
	return rebuilt;
}

struct emit_registry_entry *run_registry_entries(struct run *r, size_t n_files, size_t *n_out)
{
	struct emit_registry_entry *e = mg_arena_calloc(r->h.arena, n_files + 1, sizeof(*e));
	size_t i, n = 0;

	for (i = 0; i < n_files; i++) {
		if (!r->h.files[i].readable)
			continue;
		e[n].number = r->h.files[i].mig.number;
		e[n].name = r->h.files[i].mig.name;
		n++;
	}
	*n_out = n;
	return e;
}

size_t run_snapshot_foreign(const struct run *r, const char *const **names)
{
	*names = NULL;
	return r->h.snapshot ? snapshot_foreign_tables(r->h.snapshot, names) : 0;
}

int run_same_names(size_t na, const char *const *a, size_t nb, const char *const *b)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

int run_file_is(const char *path, const char *text)
{
	char *old = NULL;
	int same = write_read_file(&old, path) == 0 && strcmp(old, text) == 0;

	free(old);
	return same;
}
