/*
 * `modelgen new -m MESSAGE`: a hand-written (data) migration after the head
 * of the history, with the registry that lists it.
 */
#include <stdio.h>
#include <string.h>

#include "emit.h"
#include "run.h"
#include "slug.h"
#include "util/arena.h"
#include "write.h"

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
	const char *const *foreign;
	size_t n_entries, n_foreign;
	unsigned number;
	int rc = MG_EXIT_ERROR;

	if (!cli->message || cli->n_args) {
		run_error(&r, "new needs -m MESSAGE and no other argument; "
			      "see `modelgen new --help`");
		return run_end(&r, MG_EXIT_USAGE);
	}
	if (history_load(&r.h, cli->generated_dir, 0, &r.diags) != 0 || r.diags.n_errors ||
	    run_history_usable(&r) != 0)
		goto done;
	last = history_newest(&r.h);
	if (last && !(schema = run_head_schema(&r, 0)))
		goto done;
	number = last ? last->mig.number + 1 : 1;
	slug_make(slug, cli->message, NULL, 0);
	name = mg_arena_printf(r.h.arena, "%04u_%s", number, slug);
	path = mg_arena_printf(r.h.arena, "%s/%s.c", r.h.migrations_dir, name);
	text = run_text(&r, emit_handwritten(number, name, history_end_hash(&r.h)));
	entries = run_registry_entries(&r, r.h.n_files, &n_entries);
	entries[n_entries].number = number;
	entries[n_entries].name = name;
	n_foreign = run_snapshot_foreign(&r, &foreign);
	reg = run_text(&r, emit_registry(n_entries + 1, entries, schema, history_end_hash(&r.h),
					 n_foreign, foreign));
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
