/*
 * `modelgen check`: the history is well formed (file names, numbers, the
 * chain of schema hashes), every generated file is exactly what the emitter
 * writes for its data and carries its checksum, the frozen tables lead to
 * each result hash, the snapshot and registry match the history, and the
 * models match its head. Every finding is an error on the one sorted
 * diagnostic list.
 */
#include <stdio.h>
#include <string.h>

#include "emit.h"
#include "model.h"
#include "modelgen/update.h"
#include "parse.h"
#include "run.h"
#include "schema_at.h"
#include "snapshot.h"
#include "util/strbuf.h"

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
		run_problem(r, f->path,
			    "edited after it was generated: "
			    "its data does not have the checksum in its header; undo the edit "
			    "(change the models and run `modelgen diff --amend` for the newest "
			    "migration, or add a migration)");
	else if (strcmp(again, f->text) != 0)
		run_problem(
			r, f->path,
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
			run_problem(r, f->path,
				    "not a migration file name (NNNN_slug.c, lower case)");
		else if (f->file_number != f->mig.number ||
			 strncmp(f->file, f->mig.name, len) != 0 ||
			 strcmp(f->file + len, ".c") != 0)
			run_problem(
				r, f->path,
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
				run_problem(r, f->path,
					    "%s and %s are both migration %u from the same parent "
					    "schema (two branches each generated one and both were "
					    "merged); delete the one from your branch and "
					    "run `modelgen diff` to regenerate your changes "
					    "on top of the other",
					    o->file, f->file, f->mig.number);
			else
				run_problem(
					r, f->path,
					"%s and %s are both migration %u; renumber the newer one "
					"(delete it and run `modelgen diff`)",
					o->file, f->file, f->mig.number);
			continue;
		}
		if (f->mig.number == expect + 1)
			run_problem(r, r->h.migrations_dir, "migration %04u is missing (before %s)",
				    expect, f->file);
		else if (f->mig.number > expect)
			run_problem(r, r->h.migrations_dir,
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
			run_problem(
				r, f->path,
				"%s and %s both start from the same schema (two branches each "
				"generated a migration and both were merged); delete %s and run "
				"`modelgen diff` to regenerate it on top of %s",
				r->h.files[j].file, f->file, f->file, prev->file);
		else
			run_problem(r, f->path,
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
	/* The schemas stay until the run ends: their tables can be cached. */
	struct snapshot_cache *cache;
	size_t n, i, k = 0;
	char hash[72];

	migs = history_migrations(&r->h, r->h.n_files, &n);
	if (mg_schema_at(&s, migs, n, NULL, 0, 0) != 0)
		return NULL;
	run_schema(r, s);
	cache = snapshot_cache_new();
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
		if (f->mig.handwritten)
			continue;
		if (f->mig.result_hash[0])
			snapshot_hash_cached(hash, s, cache);
		if (f->mig.result_hash[0] ? strcmp(hash, f->mig.result_hash) != 0
					  : s->n_tables != 0) {
			run_problem(r, f->path,
				    "its frozen tables do not lead to its result schema hash (the "
				    "history before it is inconsistent)");
			snapshot_cache_free(cache);
			return NULL;
		}
	}
	snapshot_cache_free(cache);
	return s;
}

static void check_derived(struct run *r, const struct mg_schema *schema)
{
	const struct history_file *last = history_newest(&r->h);
	size_t n_entries;
	struct emit_registry_entry *entries;
	const char *const *foreign;
	size_t n_foreign;
	const char *reg;

	if (r->h.snapshot_error) {
		run_snapshot_unreadable(r, DIAG_ERROR, "run `modelgen diff` to rebuild it");
	} else if (!r->h.snapshot && last) {
		run_problem(r, r->h.snapshot_path, "missing; run `modelgen diff` to write it");
	} else if (r->h.snapshot && !run_schema_has_hash(r->h.snapshot, history_end_hash(&r->h))) {
		if (last)
			run_problem(r, r->h.snapshot_path,
				    "does not match the schema after the newest migration %s; run "
				    "`modelgen diff` to rewrite it",
				    last->file);
		else if (r->h.snapshot->n_tables)
			run_problem(r, r->h.snapshot_path,
				    "holds tables but there is no migration; run `modelgen diff`");
	}
	if (!schema)
		return;
	entries = run_registry_entries(r, r->h.n_files, &n_entries);
	n_foreign = run_snapshot_foreign(r, &foreign);
	reg = run_text(r, emit_registry(n_entries, entries, schema, history_end_hash(&r->h),
					n_foreign, foreign));
	if (!r->h.registry_text && last)
		run_problem(r, r->h.registry_path, "missing; run `modelgen diff` to write it");
	else if (r->h.registry_text && strcmp(r->h.registry_text, reg) != 0)
		run_problem(
			r, r->h.registry_path,
			"does not match the migrations on disk; run `modelgen diff` to rewrite it");
}

static void check_models(struct run *r, const struct mg_schema *schema, const struct model *model)
{
	struct mg_strbuf names = {0};
	size_t i;

	{
		char a[72], b[72];
		const char *const *foreign;
		size_t n_foreign = run_snapshot_foreign(r, &foreign);

		if (!run_same_names(n_foreign, foreign, model->n_foreign_tables,
				    model->foreign_tables))
			run_problem(r, r->h.snapshot_path,
				    "lists other foreign tables than the models' MG_FOREIGN_TABLE; "
				    "run `modelgen diff`");
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
	run_problem(r, r->cli->parse.n_models_dirs ? r->cli->parse.models_dirs[0] : "models",
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
		check_derived(&r, history_newest(&r.h) ? run_head_schema(&r, 1) : &empty);
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
