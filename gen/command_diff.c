/*
 * `modelgen diff`: the migration from the schema at the head of the history
 * (with --amend, the one before the newest migration) to the models, with
 * the snapshot and registry after it; computed once, then printed
 * (--dry-run) or written atomically. With no change in the models, the
 * snapshot and registry are repaired when they do not match the history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "emit.h"
#include "model.h"
#include "parse.h"
#include "plan.h"
#include "run.h"
#include "slug.h"
#include "snapshot.h"
#include "util/arena.h"
#include "util/sha256.h"
#include "write.h"

static int use_colour(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(nc && nc[0]);
}

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
		run_problem(r, last->path,
			    "hand-written: diff --amend cannot regenerate it; "
			    "run `modelgen diff` for a new migration");
		return -1;
	}
	c->base = run_schema_after(r, (size_t)(last - r->h.files));
	if (!c->base || !run_schema_has_hash(c->base, last->mig.parent_hash)) {
		run_problem(r, last->path,
			    "diff --amend: cannot rebuild the schema before it "
			    "from the migrations before it; run `modelgen check`");
		return -1;
	}
	c->amended = last;
	c->number = last->mig.number;
	c->m.parent_hash = last->mig.parent_hash;
	return 0;
}

/* The schema the new migration starts from, its number and parent hash:
 * the head of the history, or with --amend the schema before the newest
 * migration. Returns 0, or -1 with errors in the diagnostics. */
static int diff_base(struct run *r, struct computed *c)
{
	const struct history_file *last;
	static const struct mg_schema empty = {0, NULL, NULL};

	if (history_load(&r->h, r->cli->generated_dir, 0, &r->diags) != 0 || r->diags.n_errors ||
	    run_history_usable(r) != 0)
		return -1;
	if (r->cli->amend)
		return amend_base(r, c);
	last = history_newest(&r->h);
	c->base = &empty;
	if (last && !(c->base = run_head_schema(r, 0)))
		return -1;
	c->m.parent_hash = history_end_hash(&r->h);
	c->number = last ? last->mig.number + 1 : 1;
	return 0;
}

/* Names the migration (the amended one keeps its name unless -m gives one)
 * and its file. */
static void diff_name(struct run *r, struct computed *c)
{
	char slug[SLUG_MAX + 1];

	if (c->amended && !r->cli->message) {
		c->name = c->amended->mig.name;
	} else {
		slug_make(slug, r->cli->message, &c->diff,
			  c->number == 1 && c->base->n_tables == 0);
		c->name = mg_arena_printf(r->h.arena, "%04u_%s", c->number, slug);
	}
	c->mig_path = mg_arena_printf(r->h.arena, "%s/%s.c", r->h.migrations_dir, c->name);
	if (c->amended && strcmp(c->amended->path, c->mig_path) != 0)
		c->remove_path = c->amended->path;
}

/* The texts of the three files from the plan: the snapshot (whose SHA-256
 * is the schema hash, snapshot.h: one dump serves both), the migration
 * and the registry that lists it. */
static void diff_texts(struct run *r, struct computed *c)
{
	size_t n_entries, n_files;
	struct emit_registry_entry *entries;
	char hash[72];

	const struct model *m = c->model;

	c->snapshot_text = run_text(
		r, snapshot_dump_foreign(&m->schema, m->n_foreign_tables, m->foreign_tables));
	memcpy(hash, "sha256:", 7);
	if (m->n_foreign_tables) /* not part of the hash */
		snapshot_hash(hash, &m->schema);
	else
		mg_sha256_hex(hash + 7, c->snapshot_text, strlen(c->snapshot_text));
	diff_name(r, c);

	c->m.number = c->number;
	c->m.name = c->name;
	c->m.result_hash = mg_arena_strdup(r->h.arena, hash);
	c->m.flags = c->plan.irreversible_note ? MG_MIGRATION_IRREVERSIBLE : 0;
	if (r->cli->plain_ddl)
		c->m.flags |= MG_MIGRATION_PLAIN_DDL;
	else if (r->cli->allow_blocking && c->plan.n_blocking)
		c->m.flags |= MG_MIGRATION_BLOCKING_OK;
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
	c->info.allow_drop = r->cli->allow_drop;
	c->info.n_notes = c->plan.n_notes;
	c->info.notes = c->plan.notes;
	c->mig_text = run_text(r, emit_migration(&c->m, &c->info));

	n_files = c->amended ? (size_t)(c->amended - r->h.files) : r->h.n_files;
	entries = run_registry_entries(r, n_files, &n_entries);
	entries[n_entries].number = c->number;
	entries[n_entries].name = c->name;
	c->registry_text = run_text(r, emit_registry(n_entries + 1, entries, &m->schema, hash,
						     m->n_foreign_tables, m->foreign_tables));
}

/*
 * What every kind of `diff` shares: computes the migration it would write
 * (with --amend, the one that replaces the newest), the new snapshot and
 * registry texts. Returns 1 when the models equal the base schema (nothing
 * to generate), 0 when computed, -1 on an error (in the diagnostics).
 */
static int diff_compute(struct run *r, struct computed *c)
{
	const struct cli *cli = r->cli;
	struct diff_options opts = {cli->allow_drop, cli->n_fills, cli->fills};

	if (diff_base(r, c) != 0)
		return -1;
	if (parse_models(&r->model, &cli->parse, &r->diags) != 0)
		return -1;
	c->model = r->model;
	if (diff_schemas(&c->diff, c->base, &c->model->schema, c->model, &opts, &r->diags) != 0)
		return -1;
	if (c->diff.n_ops == 0)
		return 1;
	{
		struct plan_options popts = {cli->plain_ddl};
		size_t k;

		plan_migration_opts(&c->plan, r->h.arena, &c->diff, c->base, &c->model->schema,
				    &popts);
		/* A step that blocks a table while it scans or rewrites it, with no
		 * safe form, is written only when acknowledged (sql_pg.c). */
		if (c->plan.n_blocking && !cli->allow_blocking && !cli->plain_ddl) {
			for (k = 0; k < c->plan.n_blocking; k++)
				run_error(r,
					  "[!] PostgreSQL step %s: reads and writes of the table "
					  "wait while it runs (the review note says the safe way); "
					  "pass --allow-blocking to accept it",
					  c->plan.blocking[k]);
			return -1;
		}
	}
	diff_texts(r, c);
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
	struct emit_registry_entry *entries = run_registry_entries(r, r->h.n_files, &n_entries);
	const struct model *m = c->model;
	const char *registry =
		run_text(r, emit_registry(n_entries, entries, c->base, history_end_hash(&r->h),
					  m->n_foreign_tables, m->foreign_tables));
	const char *snap =
		run_text(r, snapshot_dump_foreign(c->base, m->n_foreign_tables, m->foreign_tables));
	const char *const *was;
	size_t n_was = run_snapshot_foreign(r, &was);
	const char *why = run_same_names(n_was, was, m->n_foreign_tables, m->foreign_tables)
				  ? "No changes in the models"
				  : "The foreign tables (MG_FOREIGN_TABLE) changed";
	struct write_file files[2];
	size_t n = 0;
	int rc = MG_EXIT_OK;

	memset(files, 0, sizeof(files));
	/* With no migration there is nothing to repair: write nothing. */
	if (r->h.n_files && !run_file_is(r->h.registry_path, registry))
		files[n++].path = r->h.registry_path, files[n - 1].text = registry;
	if (r->h.n_files && !run_file_is(r->h.snapshot_path, snap))
		files[n++].path = r->h.snapshot_path, files[n - 1].text = snap;
	if (n == 0) {
		printf("No changes.\n");
	} else if (r->cli->dry_run) {
		printf("%s; would rewrite %s%s%s.\n", why, files[0].path, n > 1 ? " and " : "",
		       n > 1 ? files[1].path : "");
	} else if (write_files(r->cli->generated_dir, files, n, NULL, &r->diags) != 0) {
		rc = MG_EXIT_ERROR;
	} else {
		printf("%s; rewrote %s%s%s to match the %s.\n", why, files[0].path,
		       n > 1 ? " and " : "", n > 1 ? files[1].path : "",
		       why[0] == 'N' ? "migrations" : "models");
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
		printf("A database that applied the old %s: `dbupdate --to %u` undoes it "
		       "(from the copy the database keeps), then `dbupdate` applies the new "
		       "one.\n",
		       c->amended->mig.name, c->amended->mig.number - 1);
	return MG_EXIT_OK;
}

/* --amend with no change since: the three files hold the same bytes. */
static int amend_up_to_date(const struct run *r, const struct computed *c)
{
	return c->amended && !c->remove_path && run_file_is(c->mig_path, c->mig_text) &&
	       run_file_is(r->h.snapshot_path, c->snapshot_text) &&
	       run_file_is(r->h.registry_path, c->registry_text);
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
			  "diff --amend: the models equal the schema before %s, "
			  "so it has nothing to do; delete it and run `modelgen diff`",
			  c.amended->path);
	} else if (k > 0) {
		rc = diff_unchanged(&r, &c);
	} else if (amend_up_to_date(&r, &c)) {
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
