/*
 * The commands that write or check generated files (diff, check, sql, new):
 * read generated/ back (history.c), run the pipeline (parse, diff, plan,
 * emit), write atomically (write.c). Every message goes into one diagnostic
 * list, printed sorted at the end; what a command reports as its result
 * (the operations of a new migration, the SQL) goes to stdout.
 *
 * The migrations are the source of truth: the schema after any of them is
 * rebuilt by the runtime's history algorithm (mg_schema_at, forward from the
 * empty schema over the frozen tables read back). generated/schema.json and
 * generated/registry.c are derived from them; `check` proves they agree.
 */
#include "commands.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "emit.h"
#include "history.h"
#include "modelgen/update.h"
#include "plan.h"
#include "schema_at.h"
#include "slug.h"
#include "snapshot.h"
#include "sql.h"
#include "util/arena.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "write.h"
#include "xalloc.h"

/* ---- what every command shares -------------------------------------- */

/* One run of a command: its diagnostics, generated/ as read, the models
 * and what it made on the way, all freed by run_end. The run's memory is
 * the history's arena (texts, names, lists); the schemas the runtime's
 * history algorithm returns are listed and freed with it. */
struct run {
	const struct cli *cli;
	struct diag_list diags;
	struct history h;
	struct model *model;
	size_t n_schemas, cap_schemas;
	struct mg_schema **schemas;
};

/* An error about no particular place ("modelgen: error: ..."). */
#define run_error(r, ...) diag_error(&(r)->diags, NULL, __VA_ARGS__)

/* The place "file or folder `path` as a whole" (valid in the caller's
 * block). */
#define file_loc(path) (&(struct diag_loc){(path), 0, 0})

/* An error or a note about file or folder `where` as a whole. */
#define problem(r, where, ...) diag_error(&(r)->diags, file_loc(where), __VA_ARGS__)
#define note(r, where, ...)    diag_add(&(r)->diags, DIAG_NOTE, file_loc(where), __VA_ARGS__)

/* Prints the diagnostics, frees the run, returns `rc`. */
static int run_end(struct run *r, int rc)
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

/* Keeps a malloc'd text for the rest of the run (a copy in its arena). */
static const char *run_text(struct run *r, char *text)
{
	const char *kept = mg_arena_strdup(r->h.arena, text);

	free(text);
	return kept;
}

/* Frees `schema` (may be NULL) at the end of the run; returns it. */
static struct mg_schema *run_schema(struct run *r, struct mg_schema *schema)
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

static int use_colour(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(nc && nc[0]);
}

/* 1 when `schema` has the hash `hash` ("" meaning the empty schema of a
 * project without migrations). */
static int schema_has_hash(const struct mg_schema *schema, const char *hash)
{
	char h[72];

	if (!hash[0])
		return schema->n_tables == 0;
	snapshot_hash(h, schema);
	return strcmp(h, hash) == 0;
}

/* The schema after the first `n_files` files of the history, by the
 * history algorithm (the run frees it); NULL when one cannot be read whole
 * (errors in diags). */
static struct mg_schema *schema_after(struct run *r, size_t n_files)
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

/*
 * Refuses to add to a history that `check` would reject for its shape: two
 * migrations with one number, or one that does not start where the one
 * before it ends (deleted, merged out of order). Returns 0, or -1 with one
 * error.
 */
static int history_usable(struct run *r)
{
	const struct history_file *prev = NULL;
	size_t i;

	for (i = 0; i < r->h.n_files; i++) {
		const struct history_file *f = &r->h.files[i];

		if (!f->readable)
			continue;
		if (prev && prev->mig.number == f->mig.number) {
			problem(r, f->path,
				"it and %s are both migration %u; "
				"run `modelgen check` for how to fix it",
				prev->path, f->mig.number);
			return -1;
		}
		if (prev && strcmp(prev->mig.result_hash, f->mig.parent_hash) != 0) {
			problem(r, f->path,
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

/*
 * Says that generated/schema.json cannot be read, where and why (its first
 * error), and that it is derived from the migrations: `what` says what
 * happens to it.
 */
static void snapshot_unreadable(struct run *r, enum diag_level level, const char *what)
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

/*
 * The schema at the end of the history: the snapshot when it matches the
 * newest migration, else the one rebuilt from the migrations (the snapshot
 * is missing, unreadable, stale after a merge or after the newest migration
 * was deleted: a note says which), which the run frees. Returns NULL, with
 * an error, when neither matches; with `quiet`, adds nothing to the
 * diagnostics.
 */
static const struct mg_schema *end_schema(struct run *r, int quiet)
{
	const char *hash = history_end_hash(&r->h);
	const struct history_file *newest = history_newest(&r->h);
	struct mg_schema *rebuilt;
	const char *gone;

	/* A canonical file hashes to the schema hash as it is. */
	if (r->h.snapshot && ((hash[0] && strcmp(r->h.snapshot_text_hash, hash) == 0) ||
			      schema_has_hash(r->h.snapshot, hash)))
		return r->h.snapshot;
	rebuilt = schema_after(r, r->h.n_files);
	if (!rebuilt || !schema_has_hash(rebuilt, hash)) {
		if (quiet)
			return NULL;
		problem(r, r->h.snapshot_path,
			"cannot rebuild the schema after %s from the migrations; "
			"run `modelgen check`",
			newest ? newest->path : "the newest migration");
		return NULL;
	}
	if (quiet || !newest)
		return rebuilt;
	gone = gone_from_registry(r);
	if (r->h.snapshot_error)
		snapshot_unreadable(r, DIAG_NOTE, "rebuilt from them");
	else if (!r->h.snapshot)
		note(r, r->h.snapshot_path, "missing; rebuilt from the migrations");
	else if (gone)
		note(r, r->h.registry_path,
		     "lists %s, no longer in %s: "
		     "it and schema.json are rebuilt from the migrations",
		     gone, r->h.migrations_dir);
	else
		note(r, r->h.snapshot_path,
		     "does not match the migrations; rebuilt from them (the schema after %s)",
		     newest->mig.name);
	return rebuilt;
}

/* The registry entries of the readable files[0..n_files), plus room for
 * one more (arena memory). */
static struct emit_registry_entry *registry_entries(struct run *r, size_t n_files, size_t *n_out)
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

/* 1 when the file at `path` holds exactly `text`. */
static int file_is(const char *path, const char *text)
{
	char *old = NULL;
	int same = write_read_file(&old, path) == 0 && strcmp(old, text) == 0;

	free(old);
	return same;
}

/* ---- diff ---------------------------------------------------------------- */

/* What `diff` (normal, --amend, --dry-run) computes before writing. */
struct computed {
	const struct model *model;
	struct diff_result diff;
	struct plan_result plan;
	struct mg_migration m;
	struct emit_file_info info;
	unsigned number;
	const char *name;
	const char *mig_path, *remove_path; /* remove_path: an amended file renamed */
	const char *snapshot_text, *registry_text, *mig_text;
	const struct mg_schema *base;
	const struct history_file *amended; /* --amend: the migration replaced */
};

/* --amend: the migration to regenerate and the schema before it. */
static int amend_base(struct run *r, struct computed *c)
{
	const struct history_file *last = history_newest(&r->h);

	if (!last) {
		run_error(r, "diff --amend: there is no migration to amend; run `modelgen diff`");
		return -1;
	}
	if (last->mig.handwritten) {
		problem(r, last->path,
			"hand-written: diff --amend cannot regenerate it; "
			"run `modelgen diff` for a new migration");
		return -1;
	}
	c->base = schema_after(r, (size_t)(last - r->h.files));
	if (!c->base || !schema_has_hash(c->base, last->mig.parent_hash)) {
		problem(r, last->path,
			"diff --amend: cannot rebuild the schema before it "
			"from the migrations before it; run `modelgen check`");
		return -1;
	}
	c->amended = last;
	c->number = last->mig.number;
	c->m.parent_hash = last->mig.parent_hash;
	return 0;
}

/*
 * Computes the migration `diff` would write (with --amend, the one that
 * replaces the newest), the new snapshot and registry texts. Returns 1 when
 * the models equal the base schema (nothing to generate), 0 when computed,
 * -1 on an error (in the diagnostics).
 */
static int diff_compute(struct run *r, struct computed *c)
{
	const struct cli *cli = r->cli;
	const struct history_file *last;
	struct mg_arena *a;
	struct diff_options opts = {cli->allow_drop, cli->n_fills, cli->fills};
	size_t n_entries, n_files;
	struct emit_registry_entry *entries;
	char hash[72], slug[SLUG_MAX + 1];
	static const struct mg_schema empty = {0, NULL, NULL};

	if (history_load(&r->h, cli->generated_dir, 0, &r->diags) != 0 || r->diags.n_errors ||
	    history_usable(r) != 0)
		return -1;
	a = r->h.arena;
	last = history_newest(&r->h);
	c->base = &empty;
	c->m.parent_hash = "";
	if (cli->amend) {
		if (amend_base(r, c) != 0)
			return -1;
	} else {
		if (last && !(c->base = end_schema(r, 0)))
			return -1;
		c->m.parent_hash = history_end_hash(&r->h);
		c->number = last ? last->mig.number + 1 : 1;
	}

	if (parse_models(&r->model, &cli->parse, &r->diags) != 0)
		return -1;
	c->model = r->model;
	if (diff_schemas(&c->diff, c->base, &c->model->schema, c->model, &opts, &r->diags) != 0)
		return -1;
	if (c->diff.n_ops == 0)
		return 1;
	plan_migration(&c->plan, a, &c->diff, c->base, &c->model->schema);

	/* The schema hash is SHA-256 over the snapshot text (snapshot.h): one
	 * dump serves both. */
	c->snapshot_text = run_text(r, snapshot_dump(&c->model->schema));
	memcpy(hash, "sha256:", 7);
	mg_sha256_hex(hash + 7, c->snapshot_text, strlen(c->snapshot_text));
	if (c->amended && !cli->message) {
		c->name = c->amended->mig.name;
	} else {
		slug_make(slug, cli->message, &c->diff, c->number == 1 && c->base->n_tables == 0);
		c->name = mg_arena_printf(a, "%04u_%s", c->number, slug);
	}
	c->mig_path = mg_arena_printf(a, "%s/%s.c", r->h.migrations_dir, c->name);
	if (c->amended && strcmp(c->amended->path, c->mig_path) != 0)
		c->remove_path = c->amended->path;

	c->m.number = c->number;
	c->m.name = c->name;
	c->m.result_hash = mg_arena_strdup(a, hash);
	c->m.flags = c->plan.irreversible_note ? MG_MIGRATION_IRREVERSIBLE : 0;
	c->m.irreversible_note = c->plan.irreversible_note;
	c->m.before = &c->plan.before;
	c->m.after = &c->plan.after;
	c->m.up_ops = c->plan.up_ops;
	c->m.down_ops = c->plan.down_ops;
	memcpy(c->m.up, c->plan.up, sizeof(c->m.up));
	memcpy(c->m.down, c->plan.down, sizeof(c->m.down));
	c->info.version = MG_VERSION;
	c->info.n_sources = c->model->n_sources;
	c->info.sources = c->model->sources;
	c->info.allow_drop = cli->allow_drop;
	c->info.n_notes = c->plan.n_notes;
	c->info.notes = c->plan.notes;
	c->mig_text = run_text(r, emit_migration(&c->m, &c->info));

	n_files = c->amended ? (size_t)(c->amended - r->h.files) : r->h.n_files;
	entries = registry_entries(r, n_files, &n_entries);
	entries[n_entries].number = c->number;
	entries[n_entries].name = c->name;
	c->registry_text =
		run_text(r, emit_registry(n_entries + 1, entries, &c->model->schema, hash));
	return 0;
}

static void print_summary(const struct computed *c, int amend)
{
	int colour = use_colour();
	size_t i;

	printf("%s %s:\n", amend ? "Amended migration" : "Migration", c->mig_path);
	for (i = 0; i < c->m.up_ops.n_ops; i++) {
		const struct mg_op *op = &c->m.up_ops.ops[i];

		if (op->flags & MG_OP_DESTRUCTIVE)
			printf("%s  ! destructive: %s%s\n", colour ? "\033[31m" : "", op->summary,
			       colour ? "\033[0m" : "");
		else
			printf("    %s\n", op->summary);
	}
	for (i = 0; i < c->info.n_notes; i++)
		printf("  note: %s\n", c->info.notes[i]);
	if (c->m.irreversible_note)
		printf("%s  irreversible: %s%s\n", colour ? "\033[33m" : "", c->m.irreversible_note,
		       colour ? "\033[0m" : "");
}

/* No change in the models: writes the snapshot and registry when they do
 * not match the history (the repair `check` asks for). */
static int diff_unchanged(struct run *r, const struct computed *c)
{
	size_t n_entries;
	struct emit_registry_entry *entries = registry_entries(r, r->h.n_files, &n_entries);
	const char *registry =
		run_text(r, emit_registry(n_entries, entries, c->base, history_end_hash(&r->h)));
	const char *snap = run_text(r, snapshot_dump(c->base));
	struct write_file files[2];
	size_t n = 0;
	int rc = MG_EXIT_OK;

	memset(files, 0, sizeof(files));
	/* With no migration there is nothing to repair: write nothing. */
	if (r->h.n_files && !file_is(r->h.registry_path, registry))
		files[n++].path = r->h.registry_path, files[n - 1].text = registry;
	if (r->h.n_files && !file_is(r->h.snapshot_path, snap))
		files[n++].path = r->h.snapshot_path, files[n - 1].text = snap;
	if (n == 0) {
		printf("No changes.\n");
	} else if (r->cli->dry_run) {
		printf("No changes in the models; would rewrite %s%s%s.\n", files[0].path,
		       n > 1 ? " and " : "", n > 1 ? files[1].path : "");
	} else if (write_files(r->cli->generated_dir, files, n, NULL, &r->diags) != 0) {
		rc = MG_EXIT_ERROR;
	} else {
		printf("No changes in the models; rewrote %s%s%s to match the migrations.\n",
		       files[0].path, n > 1 ? " and " : "", n > 1 ? files[1].path : "");
	}
	return rc;
}

static int diff_dry_run(const struct computed *c, const struct run *r)
{
	print_summary(c, c->amended != NULL);
	printf("\nDry run: would write %s, %s and %s%s%s:\n\n", c->mig_path, r->h.snapshot_path,
	       r->h.registry_path, c->remove_path ? " and remove " : "",
	       c->remove_path ? c->remove_path : "");
	printf("---- %s ----\n%s", c->mig_path, c->mig_text);
	return MG_EXIT_OK;
}

static int diff_write(struct run *r, const struct computed *c)
{
	struct write_file files[3];

	memset(files, 0, sizeof(files));
	/* The migration last: a failure before it undoes the others. */
	files[0].path = r->h.snapshot_path;
	files[0].text = c->snapshot_text;
	files[1].path = r->h.registry_path;
	files[1].text = c->registry_text;
	files[2].path = c->mig_path;
	files[2].text = c->mig_text;
	if (write_files(r->cli->generated_dir, files, 3, c->remove_path, &r->diags) != 0)
		return MG_EXIT_ERROR;
	print_summary(c, c->amended != NULL);
	printf("Wrote %s, %s and %s", c->mig_path, r->h.snapshot_path, r->h.registry_path);
	if (c->remove_path)
		printf("; removed %s", c->remove_path);
	printf(".\n");
	if (c->amended)
		printf("A database that applied the old %s is refused by dbupdate: go down "
		       "one step with the old build, or recreate it.\n",
		       c->amended->mig.name);
	return MG_EXIT_OK;
}

int command_diff(const struct cli *cli)
{
	struct run r = {.cli = cli};
	struct computed c;
	int rc = MG_EXIT_ERROR, k;

	memset(&c, 0, sizeof(c));
	if (cli->n_args) {
		run_error(&r, "diff takes no arguments, got '%s'; see `modelgen diff --help`",
			  cli->args[0]);
		return run_end(&r, MG_EXIT_USAGE);
	}
	k = diff_compute(&r, &c);
	if (k < 0) {
		rc = MG_EXIT_ERROR;
	} else if (k > 0 && c.amended) {
		run_error(&r,
			  "diff --amend: the models equal the schema before %s, so it has nothing "
			  "to do; delete it and run `modelgen diff`",
			  c.amended->path);
	} else if (k > 0) {
		rc = diff_unchanged(&r, &c);
	} else if (c.amended && !c.remove_path && file_is(c.mig_path, c.mig_text) &&
		   file_is(r.h.snapshot_path, c.snapshot_text) &&
		   file_is(r.h.registry_path, c.registry_text)) {
		/* Amending with no change since: the same bytes, nothing to do. */
		printf("No changes: %s is up to date.\n", c.mig_path);
		rc = MG_EXIT_OK;
	} else if (cli->dry_run) {
		rc = diff_dry_run(&c, &r);
	} else {
		rc = diff_write(&r, &c);
	}
	diff_result_free(&c.diff);
	return run_end(&r, rc);
}

/* ---- new ----------------------------------------------------------------- */

int command_new(const struct cli *cli)
{
	struct run r = {.cli = cli};
	struct emit_registry_entry *entries;
	static const struct mg_schema empty = {0, NULL, NULL};
	const struct mg_schema *schema = &empty;
	const struct history_file *last;
	struct write_file files[2];
	char slug[SLUG_MAX + 1];
	const char *name, *path, *text, *reg;
	size_t n_entries;
	unsigned number;
	int rc = MG_EXIT_ERROR;

	if (!cli->message || cli->n_args) {
		run_error(&r, "new needs -m MESSAGE and no other argument; "
			      "see `modelgen new --help`");
		return run_end(&r, MG_EXIT_USAGE);
	}
	if (history_load(&r.h, cli->generated_dir, 0, &r.diags) != 0 || r.diags.n_errors ||
	    history_usable(&r) != 0)
		goto done;
	last = history_newest(&r.h);
	if (last && !(schema = end_schema(&r, 0)))
		goto done;
	number = last ? last->mig.number + 1 : 1;
	slug_make(slug, cli->message, NULL, 0);
	name = mg_arena_printf(r.h.arena, "%04u_%s", number, slug);
	path = mg_arena_printf(r.h.arena, "%s/%s.c", r.h.migrations_dir, name);
	text = run_text(&r, emit_handwritten(number, name, history_end_hash(&r.h)));
	entries = registry_entries(&r, r.h.n_files, &n_entries);
	entries[n_entries].number = number;
	entries[n_entries].name = name;
	reg = run_text(&r, emit_registry(n_entries + 1, entries, schema, history_end_hash(&r.h)));
	if (cli->dry_run) {
		printf("Dry run: would write %s and %s:\n\n---- %s ----\n%s", path,
		       r.h.registry_path, path, text);
		rc = MG_EXIT_OK;
		goto done;
	}
	memset(files, 0, sizeof(files));
	files[0].path = r.h.registry_path;
	files[0].text = reg;
	files[1].path = path;
	files[1].text = text;
	if (write_files(cli->generated_dir, files, 2, NULL, &r.diags) != 0)
		goto done;
	printf("Wrote %s (hand-written: fill in up() and down()) and %s.\n", path,
	       r.h.registry_path);
	rc = MG_EXIT_OK;
done:
	return run_end(&r, rc);
}

/* ---- check --------------------------------------------------------------- */

/* A generated file is exactly what the emitter writes for the data read
 * from it, and its header checksum is the data's runtime checksum. */
static void check_file_text(struct run *r, const struct history_file *f)
{
	char sum[72];
	const char *again;

	if (f->mig.handwritten || !f->mig.full)
		return;
	mg_migration_checksum(sum, &f->mig.m);
	again = run_text(r, emit_migration(&f->mig.m, &f->mig.info));
	if (strcmp(sum, f->mig.checksum) != 0)
		problem(r, f->path,
			"edited after it was generated: "
			"its data does not have the checksum in its header; undo the edit "
			"(change the models and run `modelgen diff --amend` for the newest "
			"migration, or add a migration)");
	else if (strcmp(again, f->text) != 0)
		problem(r, f->path,
			"edited after it was generated: the text is not what modelgen writes for "
			"its data; undo the edit (or run `modelgen diff --amend` on the newest)");
}

static void check_names(struct run *r)
{
	size_t i;

	for (i = 0; i < r->h.n_files; i++) {
		const struct history_file *f = &r->h.files[i];
		size_t len;

		if (!f->readable)
			continue; /* reported by the reader */
		len = strlen(f->mig.name);
		if (!f->name_ok)
			problem(r, f->path, "not a migration file name (NNNN_slug.c, lower case)");
		else if (f->file_number != f->mig.number ||
			 strncmp(f->file, f->mig.name, len) != 0 ||
			 strcmp(f->file + len, ".c") != 0)
			problem(r, f->path,
				"the file was renamed: its header says it is %s.c; rename it back "
				"and run `modelgen diff` for a new migration",
				f->mig.name);
		check_file_text(r, f);
	}
}

static void check_numbers(struct run *r)
{
	unsigned expect = 1;
	size_t i;

	for (i = 0; i < r->h.n_files; i++) {
		const struct history_file *f = &r->h.files[i], *o = i ? &r->h.files[i - 1] : NULL;

		if (!f->readable)
			continue;
		if (o && o->readable && o->mig.number == f->mig.number) {
			if (strcmp(o->mig.parent_hash, f->mig.parent_hash) == 0)
				problem(r, f->path,
					"%s and %s are both migration %u from the same parent "
					"schema (two branches each generated one and both were "
					"merged); delete the one from your branch and "
					"run `modelgen diff` to regenerate your changes "
					"on top of the other",
					o->file, f->file, f->mig.number);
			else
				problem(r, f->path,
					"%s and %s are both migration %u; renumber the newer one "
					"(delete it and run `modelgen diff`)",
					o->file, f->file, f->mig.number);
			continue;
		}
		if (f->mig.number == expect + 1)
			problem(r, r->h.migrations_dir, "migration %04u is missing (before %s)",
				expect, f->file);
		else if (f->mig.number > expect)
			problem(r, r->h.migrations_dir,
				"migrations %04u to %04u are missing (before %s)", expect,
				f->mig.number - 1, f->file);
		expect = f->mig.number + 1;
	}
}

/* The chain of schema hashes: each migration starts where the one before
 * it ends. */
static void check_chain(struct run *r)
{
	size_t i, j;

	for (i = 1; i < r->h.n_files; i++) {
		const struct history_file *f = &r->h.files[i], *prev = NULL;

		if (!f->readable)
			continue;
		for (j = i; j > 0; j--)
			if (r->h.files[j - 1].readable &&
			    r->h.files[j - 1].mig.number < f->mig.number) {
				prev = &r->h.files[j - 1];
				break;
			}
		if (!prev || strcmp(prev->mig.result_hash, f->mig.parent_hash) == 0)
			continue;
		for (j = 0; j < i; j++)
			if (r->h.files[j].readable && r->h.files[j].mig.number != f->mig.number &&
			    strcmp(r->h.files[j].mig.parent_hash, f->mig.parent_hash) == 0)
				break;
		if (j < i)
			problem(r, f->path,
				"%s and %s both start from the same schema (two branches each "
				"generated a migration and both were merged); delete %s and run "
				"`modelgen diff` to regenerate it on top of %s",
				r->h.files[j].file, f->file, f->file, prev->file);
		else
			problem(r, f->path,
				"does not start from the schema %s ends at (a migration was "
				"regenerated or is missing)",
				prev->file);
	}
}

/* Walks the history forward: the schema after each generated migration
 * must have its result hash. Returns the end schema (the run frees it), or
 * NULL when the history does not lead there. */
static const struct mg_schema *check_schemas(struct run *r)
{
	const struct mg_migration *const *migs;
	struct mg_schema *s = NULL, *next;
	size_t n, i, k = 0;

	migs = history_migrations(&r->h, r->h.n_files, &n);
	if (mg_schema_at(&s, migs, n, NULL, 0, 0) != 0)
		return NULL;
	run_schema(r, s);
	for (i = 0; i < r->h.n_files; i++) {
		const struct history_file *f = &r->h.files[i];

		if (!f->readable)
			continue;
		/* One migration further, from the schema before it (`next`
		 * copies the tables of `s`, whose arrays live in the history). */
		if (mg_schema_at(&next, migs, n, s, (unsigned)k, (unsigned)k + 1) != 0)
			break;
		k++;
		s = run_schema(r, next);
		if (!f->mig.handwritten && !schema_has_hash(s, f->mig.result_hash)) {
			problem(r, f->path,
				"its frozen tables do not lead to its result schema hash (the "
				"history before it is inconsistent)");
			return NULL;
		}
	}
	return s;
}

static void check_derived(struct run *r, const struct mg_schema *schema)
{
	const struct history_file *last = history_newest(&r->h);
	size_t n_entries;
	struct emit_registry_entry *entries;
	const char *reg;

	if (r->h.snapshot_error) {
		snapshot_unreadable(r, DIAG_ERROR, "run `modelgen diff` to rebuild it");
	} else if (!r->h.snapshot && last) {
		problem(r, r->h.snapshot_path, "missing; run `modelgen diff` to write it");
	} else if (r->h.snapshot && !schema_has_hash(r->h.snapshot, history_end_hash(&r->h))) {
		if (last)
			problem(r, r->h.snapshot_path,
				"does not match the schema after the newest migration %s; run "
				"`modelgen diff` to rewrite it",
				last->file);
		else if (r->h.snapshot->n_tables)
			problem(r, r->h.snapshot_path,
				"holds tables but there is no migration; run `modelgen diff`");
	}
	if (!schema)
		return;
	entries = registry_entries(r, r->h.n_files, &n_entries);
	reg = run_text(r, emit_registry(n_entries, entries, schema, history_end_hash(&r->h)));
	if (!r->h.registry_text && last)
		problem(r, r->h.registry_path, "missing; run `modelgen diff` to write it");
	else if (r->h.registry_text && strcmp(r->h.registry_text, reg) != 0)
		problem(r, r->h.registry_path,
			"does not match the migrations on disk; run `modelgen diff` to rewrite it");
}

static void check_models(struct run *r, const struct mg_schema *schema, const struct model *model)
{
	struct mg_strbuf names = {0};
	size_t i;

	{
		char a[72], b[72];

		snapshot_hash(a, schema);
		snapshot_hash(b, &model->schema);
		if (strcmp(a, b) == 0)
			return;
	}
	for (i = 0; i < schema->n_tables; i++) {
		const struct mg_table *t = model_find_table(&model->schema, schema->tables[i].name);

		if (!t || !model_table_eq(t, &schema->tables[i]))
			mg_strbuf_printf(&names, "%s%s", names.len ? ", " : "",
					 schema->tables[i].name);
	}
	for (i = 0; i < model->schema.n_tables; i++)
		if (!model_find_table(schema, model->schema.tables[i].name))
			mg_strbuf_printf(&names, "%s%s", names.len ? ", " : "",
					 model->schema.tables[i].name);
	problem(r, r->cli->parse.n_models_dirs ? r->cli->parse.models_dirs[0] : "models",
		"the models differ from the schema of the migrations (tables: %s); run "
		"`modelgen diff`",
		mg_strbuf_cstr(&names));
	mg_strbuf_free(&names);
}

int command_check(const struct cli *cli)
{
	struct run r = {.cli = cli};
	const struct mg_schema *schema = NULL;
	static const struct mg_schema empty = {0, NULL, NULL};
	size_t n_problems;
	int rc;

	if (cli->n_args) {
		run_error(&r, "check takes no arguments, got '%s'", cli->args[0]);
		return run_end(&r, MG_EXIT_USAGE);
	}
	if (history_load(&r.h, cli->generated_dir, 1, &r.diags) != 0)
		return run_end(&r, MG_EXIT_ERROR);
	check_names(&r);
	check_numbers(&r);
	check_chain(&r);
	n_problems = r.diags.n_errors;
	/* The schemas only mean something along a well-formed history; along
	 * another one the registry is still checked against its end. */
	if (!n_problems) {
		schema = check_schemas(&r);
		check_derived(&r, schema);
	} else {
		check_derived(&r, history_newest(&r.h) ? end_schema(&r, 1) : &empty);
	}
	if (parse_models(&r.model, &cli->parse, &r.diags) != 0)
		return run_end(&r, MG_EXIT_ERROR);
	/* Against the end of the history: a stale snapshot is reported above
	 * and is not a difference of the models. */
	check_models(&r, schema ? schema : r.h.snapshot ? r.h.snapshot : &empty, r.model);
	if (r.diags.n_errors) {
		rc = MG_EXIT_FOUND;
	} else {
		printf("OK: %zu migration%s, models match %s.\n", r.h.n_files,
		       r.h.n_files == 1 ? "" : "s", r.h.snapshot_path);
		rc = MG_EXIT_OK;
	}
	return run_end(&r, rc);
}

/* ---- sql ----------------------------------------------------------------- */

static int parse_range(const char *arg, unsigned *from, unsigned *to)
{
	char *end;
	unsigned long a, b;

	a = strtoul(arg, &end, 10);
	if (end == arg)
		return -1;
	b = a;
	if (strncmp(end, "..", 2) == 0) {
		const char *q = end + 2;

		b = strtoul(q, &end, 10);
		if (end == q)
			return -1;
	}
	if (*end || a == 0 || b < a || b > 999999)
		return -1;
	*from = (unsigned)a;
	*to = (unsigned)b;
	return 0;
}

int command_sql(const struct cli *cli)
{
	struct run r = {.cli = cli};
	struct mg_strbuf out = {0};
	unsigned from = 1, to = ~0u;
	int d, down = cli->down ? 1 : 0;
	size_t k;

	if (cli->n_args > 1 || (cli->n_args == 1 && parse_range(cli->args[0], &from, &to) != 0)) {
		run_error(&r, "sql takes one argument N or N..M (migration numbers), got '%s'",
			  cli->args[cli->n_args - 1]);
		return run_end(&r, MG_EXIT_USAGE);
	}
	if (history_load(&r.h, cli->generated_dir, 1, &r.diags) != 0 || r.diags.n_errors)
		return run_end(&r, MG_EXIT_ERROR);
	if (cli->n_args) {
		const struct history_file *last = history_newest(&r.h);

		if (!last || to > last->mig.number) {
			run_error(&r, "sql: there is no migration %u (the newest is %u)", to,
				  last ? last->mig.number : 0);
			return run_end(&r, MG_EXIT_ERROR);
		}
	}
	if (!r.h.n_files)
		mg_strbuf_printf(&out, "-- no migrations in %s\n", r.h.migrations_dir);
	for (d = 0; d < MG_DIALECT_COUNT && r.h.n_files; d++) {
		if (cli->dialect >= 0 && cli->dialect != d)
			continue;
		if (cli->dialect < 0)
			mg_strbuf_printf(&out, "%s-- ==== %s ====\n", d ? "\n" : "",
					 d == MG_DIALECT_SQLITE ? "SQLite" : "PostgreSQL");
		for (k = 0; k < r.h.n_files; k++) {
			const struct history_file *f = &r.h.files[down ? r.h.n_files - 1 - k : k];

			if (!f->readable || f->mig.number < from || f->mig.number > to)
				continue;
			mg_strbuf_putc(&out, '\n');
			if (f->mig.handwritten)
				mg_strbuf_printf(&out,
						 "-- migration %u (%s), %s\n"
						 "-- hand-written: runs %s() in %s\n",
						 f->mig.number, f->mig.name, down ? "down" : "up",
						 down ? "down" : "up", f->path);
			else
				mg_sql_plan(&out, &f->mig.m, down, (enum mg_dialect)d);
		}
	}
	fputs(mg_strbuf_cstr(&out), stdout);
	mg_strbuf_free(&out);
	return run_end(&r, MG_EXIT_OK);
}
