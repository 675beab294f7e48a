/*
 * diff, check, sql and new: read the snapshot and the migrations on disk, run
 * the pipeline (parse, diff, plan, emit), write generated files atomically.
 *
 * The history is the source of truth: every generated migration carries the
 * schema delta it makes (emit.h), so the schema after any migration is
 * rebuilt by replaying the deltas. generated/schema.json is that end state as
 * canonical JSON for review and for `diff`; `check` proves they agree.
 */
#include "commands.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diff.h"
#include "emit.h"
#include "plan.h"
#include "snapshot.h"
#include "util/arena.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "xalloc.h"

/* ---- small helpers ----------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static char *
xprintf(const char *fmt, ...)
{
	struct mg_strbuf b = {0};
	va_list ap;

	va_start(ap, fmt);
	mg_strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	return mg_strbuf_detach(&b);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void
error(const char *fmt, ...)
{
	va_list ap;

	fputs("modelgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Reads a whole file. Returns 0 with `*out` (malloc'd), 1 when it does not
 * exist, -1 on another error (errno set). */
static int read_file(char **out, const char *path)
{
	FILE *f = fopen(path, "rb");
	struct mg_strbuf b = {0};
	char buf[8192];
	size_t n;

	*out = NULL;
	if (!f)
		return errno == ENOENT ? 1 : -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		mg_strbuf_putn(&b, buf, n);
	if (ferror(f)) {
		fclose(f);
		mg_strbuf_free(&b);
		return -1;
	}
	fclose(f);
	*out = mg_strbuf_detach(&b);
	if (!*out)
		*out = xstrdup("");
	return 0;
}

static int use_colour(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(nc && nc[0]);
}

/* ---- the generated folder as it is on disk ----------------------------- */

struct mig {
	char *file; /* "0003_rename_rating.c" */
	char *path; /* "generated/migrations/0003_rename_rating.c" */
	unsigned file_number;
	int name_ok; /* NNNN_slug.c */
	char *text;
	struct emit_file *mf; /* NULL when unreadable */
	int full;             /* mf read whole, not just its header */
};

struct state {
	const char *dir;
	char *migrations_dir;
	char *snapshot_path;
	char *registry_path;
	size_t n_migs;
	struct mig *migs;            /* readable ones sorted by number, then file name */
	struct mg_schema *snapshot;  /* NULL when absent */
	char snapshot_text_hash[72]; /* of its bytes (snapshot_load_hashed) */
	char *registry_text;         /* NULL when absent */
	/* Replayed end state of the history (tables borrowed from migs),
	 * made on first use. */
	struct mg_schema replayed;
	int have_replayed;
};

static void state_free(struct state *st)
{
	size_t i;

	for (i = 0; i < st->n_migs; i++) {
		free(st->migs[i].file);
		free(st->migs[i].path);
		free(st->migs[i].text);
		emit_file_free(st->migs[i].mf);
	}
	free(st->migs);
	free(st->migrations_dir);
	free(st->snapshot_path);
	free(st->registry_path);
	mg_schema_free(st->snapshot);
	free(st->registry_text);
	emit_schema_free_shallow(&st->replayed);
}

static int mig_cmp(const void *a, const void *b)
{
	const struct mig *x = a, *y = b;

	if (x->file_number != y->file_number)
		return x->file_number < y->file_number ? -1 : 1;
	return strcmp(x->file, y->file);
}

/* 1 when `name` is NNNN_slug.c; sets the number. */
static int parse_file_name(const char *name, unsigned *number)
{
	const char *p = name;
	unsigned long v = 0;
	size_t digits = 0, n = strlen(name);

	while (*p >= '0' && *p <= '9' && digits < 7) {
		v = v * 10 + (unsigned long)(*p - '0');
		p++;
		digits++;
	}
	*number = (unsigned)v;
	if (digits < 4 || *p != '_' || n < 3 || strcmp(name + n - 2, ".c") != 0 || v == 0)
		return 0;
	for (p++; p < name + n - 2; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

/* Replays the schema deltas of `migs[0..n)` from the empty schema. */
static void replay(struct mg_schema *out, const struct mig *migs, size_t n)
{
	struct mg_schema cur = {0, NULL, NULL};
	size_t i;

	for (i = 0; i < n; i++) {
		struct mg_schema next;
		const struct emit_file *mf = migs[i].mf;

		if (!mf || mf->handwritten)
			continue;
		emit_apply_delta(&next, &cur, mf->delta_before, mf->delta_after);
		emit_schema_free_shallow(&cur);
		cur = next;
	}
	*out = cur;
}

/*
 * Reads generated/: the migration files (each read back with emit_read; an
 * unreadable one is kept with mf NULL and its error in `diags`), the
 * snapshot and the registry text. Returns 0, or -1 after printing an error
 * that stops everything (an unreadable folder or snapshot).
 */
static int state_load(struct state *st, const char *dir, int full, struct diag_list *diags)
{
	DIR *dh;
	struct dirent *de;
	size_t cap = 0, len = strlen(dir);
	int r;

	memset(st, 0, sizeof(*st));
	/* "generated/" names files "generated/registry.c", not "...//...". */
	while (len > 1 && dir[len - 1] == '/')
		len--;
	st->dir = dir;
	st->migrations_dir = xprintf("%.*s/migrations", (int)len, dir);
	st->snapshot_path = xprintf("%.*s/schema.json", (int)len, dir);
	st->registry_path = xprintf("%.*s/registry.c", (int)len, dir);

	dh = opendir(st->migrations_dir);
	if (!dh && errno != ENOENT) {
		error("%s: %s", st->migrations_dir, strerror(errno));
		return -1;
	}
	while (dh && (de = readdir(dh)) != NULL) {
		struct mig *m;
		size_t n = strlen(de->d_name);
		struct stat sb;
		char *file_path;

		if (n < 3 || strcmp(de->d_name + n - 2, ".c") != 0)
			continue;
		file_path = xprintf("%s/%s", st->migrations_dir, de->d_name);
		if (stat(file_path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			free(file_path);
			continue;
		}
		free(file_path);
		if (st->n_migs == cap) {
			cap = cap ? cap * 2 : 16;
			st->migs = realloc(st->migs, cap * sizeof(*st->migs));
			if (!st->migs) {
				fputs("modelgen: out of memory\n", stderr);
				abort();
			}
		}
		m = &st->migs[st->n_migs++];
		memset(m, 0, sizeof(*m));
		m->file = xstrdup(de->d_name);
		m->path = xprintf("%s/%s", st->migrations_dir, de->d_name);
		m->name_ok = parse_file_name(m->file, &m->file_number);
	}
	if (dh)
		closedir(dh);
	if (st->n_migs)
		qsort(st->migs, st->n_migs, sizeof(*st->migs), mig_cmp);
	for (size_t i = 0; i < st->n_migs; i++) {
		struct mig *m = &st->migs[i];

		if (read_file(&m->text, m->path) != 0) {
			error("%s: %s", m->path, strerror(errno));
			return -1;
		}
		m->full = full;
		if ((full ? emit_read : emit_read_header)(&m->mf, m->text, m->path, diags) == 0 &&
		    !m->name_ok)
			m->file_number = m->mf->number;
	}

	r = read_file(&st->registry_text, st->registry_path);
	if (r < 0) {
		error("%s: %s", st->registry_path, strerror(errno));
		return -1;
	}
	if (access(st->snapshot_path, F_OK) == 0) {
		if (snapshot_load_hashed(&st->snapshot, st->snapshot_text_hash, st->snapshot_path,
					 diags) != 0)
			return -1;
	}
	return 0;
}

/* Reads whole every migration read by its header so far (their SQL, delta
 * and checksum). Returns 0, or -1 with the errors in `diags`. */
static int state_load_full(struct state *st, struct diag_list *diags)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < st->n_migs; i++) {
		struct mig *m = &st->migs[i];

		if (!m->mf || m->full)
			continue;
		emit_file_free(m->mf);
		m->mf = NULL;
		m->full = 1;
		if (emit_read(&m->mf, m->text, m->path, diags) != 0)
			rc = -1;
	}
	return rc;
}

/* The end state of the history by replaying every delta, or NULL when a
 * migration cannot be read whole. */
static const struct mg_schema *state_replayed(struct state *st, struct diag_list *diags)
{
	if (!st->have_replayed) {
		if (state_load_full(st, diags) != 0)
			return NULL;
		replay(&st->replayed, st->migs, st->n_migs);
		st->have_replayed = 1;
	}
	return &st->replayed;
}

/* The newest readable migration, or NULL. */
static const struct mig *newest(const struct state *st)
{
	size_t i = st->n_migs;

	while (i > 0)
		if (st->migs[--i].mf)
			return &st->migs[i];
	return NULL;
}

/*
 * Refuses to add to a history that `check` would reject for its shape: two
 * migrations with one number, or one that does not start where the one
 * before it ends (deleted, merged out of order). Returns 0, or -1 after
 * printing one error.
 */
static int history_usable(const struct state *st)
{
	const struct mig *prev = NULL;
	size_t i;

	for (i = 0; i < st->n_migs; i++) {
		const struct mig *m = &st->migs[i];

		if (!m->mf)
			continue;
		if (prev && prev->mf->number == m->mf->number) {
			error("%s and %s are both migration %u; run `modelgen check` for how to "
			      "fix "
			      "it",
			      prev->path, m->path, m->mf->number);
			return -1;
		}
		if (prev && strcmp(prev->mf->result_hash, m->mf->parent_hash) != 0) {
			error("%s does not start from the schema %s ends at; run `modelgen check` "
			      "for how to fix it",
			      m->path, prev->path);
			return -1;
		}
		prev = m;
	}
	return 0;
}

static const char *end_hash(const struct state *st)
{
	const struct mig *m = newest(st);

	return m ? m->mf->result_hash : "";
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

/*
 * The schema at the end of the history: the snapshot when it matches the
 * newest migration, else the replayed deltas when they do (the snapshot is
 * stale, e.g. after a merge). Sets `*from_snapshot`. Returns NULL when
 * neither matches.
 */
static const struct mg_schema *current_schema(struct state *st, int *from_snapshot,
					      struct diag_list *diags)
{
	const char *hash = end_hash(st);
	const struct mg_schema *r;

	*from_snapshot = 0;
	/* A canonical file hashes to the schema hash as it is. */
	if (st->snapshot && ((hash[0] && strcmp(st->snapshot_text_hash, hash) == 0) ||
			     schema_has_hash(st->snapshot, hash))) {
		*from_snapshot = 1;
		return st->snapshot;
	}
	r = state_replayed(st, diags);
	/* Reading the migrations whole replaced their headers: `hash` is gone. */
	if (r && schema_has_hash(r, end_hash(st)))
		return r;
	return NULL;
}

/* The registry entries of every readable migration, in order. */
static struct emit_registry_entry *registry_entries(const struct state *st, size_t skip_last,
						    size_t *n_out)
{
	struct emit_registry_entry *e = calloc(st->n_migs + 1, sizeof(*e));
	size_t i, n = 0, limit = st->n_migs - skip_last;

	if (!e) {
		fputs("modelgen: out of memory\n", stderr);
		abort();
	}
	for (i = 0; i < limit; i++) {
		if (!st->migs[i].mf)
			continue;
		e[n].number = st->migs[i].mf->number;
		e[n].name = st->migs[i].mf->name;
		n++;
	}
	*n_out = n;
	return e;
}

/* ---- atomic writes ----------------------------------------------------- */

struct out_file {
	char *path;
	const char *text;
	char *tmp;      /* while being written */
	char *backup;   /* hard link to the previous file while renaming */
	char *old_text; /* its bytes instead, where hard links fail */
	int renamed;
};

static int ensure_dir(const char *path, char **created)
{
	*created = NULL;
	if (mkdir(path, 0777) == 0) {
		*created = xstrdup(path);
		return 0;
	}
	return errno == EEXIST ? 0 : -1;
}

static void fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/*
 * Writes every file of `files` to a temporary name in its folder, syncs it,
 * then renames all of them into place and removes `remove_path` (may be NULL).
 * On an error before the renames nothing in `dir` changes: temporaries and
 * folders this call created are removed. Returns 0 or -1 after printing.
 */
/* write(2) until all `len` bytes are out (a big migration may take more
 * than one call). Returns 0, or -1 with errno set. */
static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_files(const char *dir, struct out_file *files, size_t n, const char *remove_path)
{
	char *made_dir = NULL, *made_mig = NULL;
	char *mig_dir = xprintf("%s/migrations", dir);
	size_t i;
	int rc = -1;

	if (ensure_dir(dir, &made_dir) != 0 || ensure_dir(mig_dir, &made_mig) != 0) {
		error("cannot create %s: %s", made_dir ? mig_dir : dir, strerror(errno));
		goto done;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(files[i].text);
		int fd;

		files[i].tmp = xprintf("%s.tmp-XXXXXX", files[i].path);
		fd = mkstemp(files[i].tmp);
		if (fd < 0) {
			error("cannot write %s: %s", files[i].path, strerror(errno));
			free(files[i].tmp);
			files[i].tmp = NULL;
			goto done;
		}
		files[i].renamed = 0;
		if (fchmod(fd, 0644) != 0 || write_all(fd, files[i].text, len) != 0 ||
		    fsync(fd) != 0) {
			error("cannot write %s: %s", files[i].path, strerror(errno));
			close(fd);
			goto done;
		}
		if (close(fd) != 0) {
			error("cannot write %s: %s", files[i].path, strerror(errno));
			goto done;
		}
	}
	/* Keep the previous files reachable until every rename succeeded, so
	 * that a failure can put them back. */
	for (i = 0; i < n; i++) {
		struct stat sb;

		if (lstat(files[i].path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue; /* nothing to keep (or the rename below fails) */
		files[i].backup = xprintf("%s.orig", files[i].tmp);
		if (link(files[i].path, files[i].backup) != 0) {
			free(files[i].backup);
			files[i].backup = NULL;
			/* No hard links on this file system: keep the bytes. */
			if (read_file(&files[i].old_text, files[i].path) != 0) {
				error("cannot read %s: %s", files[i].path, strerror(errno));
				goto done;
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (rename(files[i].tmp, files[i].path) != 0) {
			error("cannot write %s: %s", files[i].path, strerror(errno));
			goto done;
		}
		files[i].renamed = 1;
	}
	if (remove_path && unlink(remove_path) != 0 && errno != ENOENT) {
		error("cannot remove %s: %s", remove_path, strerror(errno));
		goto done;
	}
	fsync_dir(mig_dir);
	fsync_dir(dir);
	rc = 0;
done:
	for (i = 0; i < n; i++) {
		if (rc != 0 && files[i].renamed) {
			if (files[i].backup) {
				(void)rename(files[i].backup, files[i].path);
			} else if (files[i].old_text) {
				FILE *f = fopen(files[i].path, "wb");

				if (f) {
					(void)fputs(files[i].old_text, f);
					(void)fclose(f);
				}
			} else {
				(void)unlink(files[i].path);
			}
		} else if (files[i].tmp) {
			(void)unlink(files[i].tmp);
		}
		if (files[i].backup)
			(void)unlink(files[i].backup);
		free(files[i].tmp);
		free(files[i].backup);
		free(files[i].old_text);
		files[i].tmp = files[i].backup = files[i].old_text = NULL;
	}
	if (rc != 0) {
		if (made_mig)
			rmdir(made_mig);
		if (made_dir)
			rmdir(made_dir);
	}
	free(made_dir);
	free(made_mig);
	free(mig_dir);
	return rc;
}

/* ---- diff -------------------------------------------------------------- */

static void print_summary(const struct plan_result *plan, const char *path, int amend)
{
	int colour = use_colour();
	size_t i;

	printf("%s %s:\n", amend ? "Amended migration" : "Migration", path);
	for (i = 0; i < plan->n_summary; i++) {
		if (plan->summary[i].destructive)
			printf("%s  ! destructive: %s%s\n", colour ? "\033[31m" : "",
			       plan->summary[i].text, colour ? "\033[0m" : "");
		else
			printf("    %s\n", plan->summary[i].text);
	}
	for (i = 0; i < plan->n_notes; i++)
		printf("  note: %s\n", plan->notes[i]);
	if (plan->irreversible_note)
		printf("%s  irreversible: %s%s\n", colour ? "\033[33m" : "",
		       plan->irreversible_note, colour ? "\033[0m" : "");
}

/* Writes the snapshot and registry when they do not match the history
 * (the repair `check` asks for). Returns an MG_EXIT_* code. */
static int repair(const struct cli *cli, const struct state *st, const struct mg_schema *schema)
{
	size_t n_entries;
	struct emit_registry_entry *entries = registry_entries(st, 0, &n_entries);
	char *registry = emit_registry(n_entries, entries, schema, end_hash(st));
	char *snap = snapshot_dump(schema);
	char *snap_old = NULL;
	struct out_file files[2];
	size_t n = 0;
	int rc = MG_EXIT_OK;

	/* With no migration there is nothing to repair: write nothing. */
	if (st->n_migs && (!st->registry_text || strcmp(st->registry_text, registry) != 0))
		files[n++] =
			(struct out_file){.path = xstrdup(st->registry_path), .text = registry};
	if (st->n_migs &&
	    (read_file(&snap_old, st->snapshot_path) != 0 || strcmp(snap_old, snap) != 0))
		files[n++] = (struct out_file){.path = xstrdup(st->snapshot_path), .text = snap};
	if (n == 0) {
		printf("No changes.\n");
	} else if (cli->dry_run) {
		printf("No changes in the models; would rewrite %s%s%s.\n", files[0].path,
		       n > 1 ? " and " : "", n > 1 ? files[1].path : "");
	} else if (write_files(cli->generated_dir, files, n, NULL) != 0) {
		rc = MG_EXIT_ERROR;
	} else {
		printf("No changes in the models; rewrote %s%s%s to match the migrations.\n",
		       files[0].path, n > 1 ? " and " : "", n > 1 ? files[1].path : "");
	}
	while (n > 0)
		free(files[--n].path);
	free(entries);
	free(registry);
	free(snap);
	free(snap_old);
	return rc;
}

int command_diff(const struct cli *cli)
{
	struct state st;
	struct diag_list diags = {0};
	struct model *model = NULL;
	struct diff_result diff = {0};
	struct plan_result plan;
	struct mg_arena *arena = mg_arena_new();
	struct mg_schema base_replay = {0, NULL, NULL}, empty = {0, NULL, NULL};
	struct mg_schema delta_before = {0, NULL, NULL}, delta_after = {0, NULL, NULL};
	const struct mg_schema *base = &empty;
	const struct mig *last = NULL;
	struct emit_registry_entry *entries = NULL;
	char *mig_text = NULL, *snap_text = NULL, *reg_text = NULL, *name = NULL;
	char *mig_path = NULL, *remove_path = NULL;
	char result_hash[72], slug[EMIT_SLUG_MAX + 1];
	const char *parent_hash = "";
	unsigned number;
	size_t n_entries;
	int rc = MG_EXIT_ERROR, from_snapshot;

	memset(&plan, 0, sizeof(plan));
	memset(&st, 0, sizeof(st));
	if (cli->n_args) {
		error("diff takes no arguments, got '%s'; see `modelgen diff --help`",
		      cli->args[0]);
		rc = MG_EXIT_USAGE;
		goto done;
	}
	if (state_load(&st, cli->generated_dir, 0, &diags) != 0)
		goto done;
	if (diags.n_errors || history_usable(&st) != 0)
		goto done;
	last = newest(&st);

	if (cli->amend) {
		if (!last) {
			error("diff --amend: there is no migration to amend; run `modelgen diff`");
			goto done;
		}
		if (last->mf->handwritten) {
			error("diff --amend: %s is hand-written and cannot be regenerated; run "
			      "`modelgen diff` for a new migration",
			      last->path);
			goto done;
		}
		if (state_load_full(&st, &diags) != 0)
			goto done;
		last = newest(&st);
		replay(&base_replay, st.migs, (size_t)(last - st.migs));
		if (!schema_has_hash(&base_replay, last->mf->parent_hash)) {
			error("diff --amend: cannot rebuild the parent schema of %s from the "
			      "migrations before it; run `modelgen check`",
			      last->path);
			goto done;
		}
		base = &base_replay;
		parent_hash = last->mf->parent_hash;
		number = last->mf->number;
	} else {
		if (last) {
			base = current_schema(&st, &from_snapshot, &diags);
			if (!base) {
				error("%s and the migrations disagree with the newest migration "
				      "%s; "
				      "run `modelgen check`",
				      st.snapshot_path, last->path);
				goto done;
			}
			parent_hash = last->mf->result_hash;
			if (!from_snapshot)
				printf("Note: %s does not match the migrations (a merge?); using "
				       "the "
				       "schema after %s, rebuilt from them.\n",
				       st.snapshot_path, last->mf->name);
		}
		number = last ? last->mf->number + 1 : 1;
	}

	if (parse_models(&model, &cli->parse, &diags) != 0)
		goto done;
	{
		struct diff_options opts = {cli->allow_drop, cli->n_fills, cli->fills};

		if (diff_schemas(&diff, base, &model->schema, model, &opts, &diags) != 0)
			goto done;
	}
	if (diff.n_ops == 0) {
		if (cli->amend) {
			error("diff --amend: the models equal the schema before %s, so it has "
			      "nothing to do; delete it and run `modelgen diff`",
			      last->path);
			goto done;
		}
		rc = repair(cli, &st, base);
		goto done;
	}
	plan_migration(&plan, arena, &diff, base, &model->schema);

	/* The schema hash is SHA-256 over the snapshot text (snapshot.h): one
	 * dump serves both. */
	snap_text = snapshot_dump(&model->schema);
	memcpy(result_hash, "sha256:", 7);
	mg_sha256_hex(result_hash + 7, snap_text, strlen(snap_text));
	if (cli->amend && !cli->message) {
		name = xstrdup(last->mf->name);
	} else {
		emit_slug(slug, cli->message, &diff, number == 1 && base->n_tables == 0);
		name = xprintf("%04u_%s", number, slug);
	}
	mig_path = xprintf("%s/%s.c", st.migrations_dir, name);
	if (cli->amend && strcmp(last->path, mig_path) != 0)
		remove_path = xstrdup(last->path);

	emit_schema_delta(&delta_before, &delta_after, base, &model->schema);
	{
		struct emit_migration_input in = {
			.number = number,
			.name = name,
			.n_sources = model->n_sources,
			.sources = model->sources,
			.parent_hash = parent_hash,
			.result_hash = result_hash,
			.allow_drop = cli->allow_drop,
			.plan = &plan,
			.delta_before = &delta_before,
			.delta_after = &delta_after,
		};
		mig_text = emit_migration(&in);
	}
	entries = registry_entries(&st, cli->amend ? (size_t)(st.migs + st.n_migs - last) : 0,
				   &n_entries);
	entries[n_entries].number = number;
	entries[n_entries].name = name;
	n_entries++;
	reg_text = emit_registry(n_entries, entries, &model->schema, result_hash);

	if (cli->dry_run) {
		print_summary(&plan, mig_path, cli->amend);
		printf("\nDry run: would write %s, %s and %s%s%s:\n\n", mig_path, st.snapshot_path,
		       st.registry_path, remove_path ? " and remove " : "",
		       remove_path ? remove_path : "");
		printf("---- %s ----\n%s", mig_path, mig_text);
		rc = MG_EXIT_OK;
		goto done;
	}
	{
		struct out_file files[3] = {
			/* The migration last: a failure before it undoes the others. */
			{.path = st.snapshot_path, .text = snap_text},
			{.path = st.registry_path, .text = reg_text},
			{.path = mig_path, .text = mig_text},
		};

		if (write_files(cli->generated_dir, files, 3, remove_path) != 0)
			goto done;
	}
	print_summary(&plan, mig_path, cli->amend);
	printf("Wrote %s, %s and %s", mig_path, st.snapshot_path, st.registry_path);
	if (remove_path)
		printf("; removed %s", remove_path);
	printf(".\n");
	if (cli->amend)
		printf("A database that applied the old %s is refused by dbupdate: go down "
		       "one "
		       "step with the old build, or recreate it.\n",
		       last->mf->name);
	rc = MG_EXIT_OK;
done:
	state_free(&st);
	diag_print(&diags, stderr);
	diag_free(&diags);
	free(entries);
	free(mig_text);
	free(snap_text);
	free(reg_text);
	free(name);
	free(mig_path);
	free(remove_path);
	emit_schema_free_shallow(&delta_before);
	emit_schema_free_shallow(&delta_after);
	emit_schema_free_shallow(&base_replay);
	diff_result_free(&diff);
	model_free(model);
	mg_arena_free(arena);
	return rc;
}

/* ---- new --------------------------------------------------------------- */

int command_new(const struct cli *cli)
{
	struct state st;
	struct diag_list diags = {0};
	struct emit_registry_entry *entries = NULL;
	struct mg_schema empty = {0, NULL, NULL};
	const struct mg_schema *schema = &empty;
	const struct mig *last;
	char slug[EMIT_SLUG_MAX + 1];
	char *name = NULL, *path = NULL, *text = NULL, *reg = NULL;
	size_t n_entries;
	unsigned number;
	int rc = MG_EXIT_ERROR, from_snapshot;

	if (!cli->message || cli->n_args) {
		error("new needs -m MESSAGE and no other argument; see `modelgen new "
		      "--help`");
		return MG_EXIT_USAGE;
	}
	if (state_load(&st, cli->generated_dir, 0, &diags) != 0 || diags.n_errors ||
	    history_usable(&st) != 0)
		goto done;
	last = newest(&st);
	if (last) {
		schema = current_schema(&st, &from_snapshot, &diags);
		if (!schema) {
			error("%s and the migrations disagree; run `modelgen check`",
			      st.snapshot_path);
			goto done;
		}
	}
	number = last ? last->mf->number + 1 : 1;
	emit_slug(slug, cli->message, NULL, 0);
	name = xprintf("%04u_%s", number, slug);
	path = xprintf("%s/%s.c", st.migrations_dir, name);
	text = emit_handwritten(number, name, end_hash(&st));
	entries = registry_entries(&st, 0, &n_entries);
	entries[n_entries].number = number;
	entries[n_entries].name = name;
	n_entries++;
	reg = emit_registry(n_entries, entries, schema, end_hash(&st));
	if (cli->dry_run) {
		printf("Dry run: would write %s and %s:\n\n---- %s ----\n%s", path,
		       st.registry_path, path, text);
		rc = MG_EXIT_OK;
		goto done;
	}
	{
		struct out_file files[2] = {{.path = st.registry_path, .text = reg},
					    {.path = path, .text = text}};

		if (write_files(cli->generated_dir, files, 2, NULL) != 0)
			goto done;
	}
	printf("Wrote %s (hand-written: fill in up() and down()) and %s.\n", path,
	       st.registry_path);
	rc = MG_EXIT_OK;
done:
	diag_print(&diags, stderr);
	diag_free(&diags);
	state_free(&st);
	free(entries);
	free(name);
	free(path);
	free(text);
	free(reg);
	return rc;
}

/* ---- check ------------------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
problem(size_t *n, const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	(*n)++;
}

static void check_history(const struct state *st, size_t *n_problems)
{
	size_t i, j;
	unsigned expect = 1;

	for (i = 0; i < st->n_migs; i++) {
		const struct mig *m = &st->migs[i];

		if (!m->mf)
			continue; /* reported by emit_read */
		if (!m->name_ok)
			problem(n_problems, m->path,
				"not a migration file name (NNNN_slug.c, lower case)");
		else if (m->file_number != m->mf->number ||
			 strncmp(m->file, m->mf->name, strlen(m->mf->name)) != 0 ||
			 strcmp(m->file + strlen(m->mf->name), ".c") != 0)
			problem(n_problems, m->path,
				"the file was renamed: its header says it is %s.c; rename it back "
				"and run `modelgen diff` for a new migration",
				m->mf->name);
		if (!m->mf->handwritten && strcmp(m->mf->checksum, m->mf->actual_checksum) != 0)
			problem(n_problems, m->path,
				"edited after it was generated (checksum differs); undo the edit "
				"(change the models and run `modelgen diff --amend` for the newest "
				"migration, or add a migration)");
	}

	/* Numbers: duplicates and gaps. */
	for (i = 0; i < st->n_migs; i++) {
		const struct mig *m = &st->migs[i];

		if (!m->mf)
			continue;
		if (i > 0 && st->migs[i - 1].mf && st->migs[i - 1].mf->number == m->mf->number) {
			const struct mig *o = &st->migs[i - 1];

			if (strcmp(o->mf->parent_hash, m->mf->parent_hash) == 0)
				problem(n_problems, m->path,
					"%s and %s are both migration %u from the same parent "
					"schema (two branches each generated one and both were "
					"merged); delete the one from your branch and run "
					"`modelgen "
					"diff` to regenerate your changes on top of the other",
					o->file, m->file, m->mf->number);
			else
				problem(n_problems, m->path,
					"%s and %s are both migration %u; renumber the newer one "
					"(delete it and run `modelgen diff`)",
					o->file, m->file, m->mf->number);
			continue;
		}
		if (m->mf->number > expect) {
			if (m->mf->number == expect + 1)
				problem(n_problems, st->migrations_dir,
					"migration %04u is missing (before %s)", expect, m->file);
			else
				problem(n_problems, st->migrations_dir,
					"migrations %04u to %04u are missing (before %s)", expect,
					m->mf->number - 1, m->file);
		}
		expect = m->mf->number + 1;
	}

	/* The chain of schema hashes. */
	for (i = 1; i < st->n_migs; i++) {
		const struct mig *m = &st->migs[i], *prev = NULL;

		if (!m->mf)
			continue;
		for (j = i; j > 0; j--)
			if (st->migs[j - 1].mf && st->migs[j - 1].mf->number < m->mf->number) {
				prev = &st->migs[j - 1];
				break;
			}
		if (!prev || strcmp(prev->mf->result_hash, m->mf->parent_hash) == 0)
			continue;
		for (j = 0; j < i; j++)
			if (st->migs[j].mf && st->migs[j].mf->number != m->mf->number &&
			    strcmp(st->migs[j].mf->parent_hash, m->mf->parent_hash) == 0)
				break;
		if (j < i)
			problem(n_problems, m->path,
				"%s and %s both start from the same schema (two branches each "
				"generated a migration and both were merged); delete %s and run "
				"`modelgen diff` to regenerate it on top of %s",
				st->migs[j].file, m->file, m->file, prev->file);
		else
			problem(n_problems, m->path,
				"does not start from the schema %s ends at (a migration was "
				"regenerated or is missing)",
				prev->file);
	}
}

int command_check(const struct cli *cli)
{
	struct state st;
	struct diag_list diags = {0}, model_diags = {0};
	struct model *model = NULL;
	const struct mig *last;
	const struct mg_schema *schema;
	struct emit_registry_entry *entries = NULL;
	char *reg = NULL;
	size_t n_problems = 0, n_entries, i;
	int rc = MG_EXIT_ERROR, from_snapshot;
	struct mg_schema empty = {0, NULL, NULL};

	if (cli->n_args) {
		error("check takes no arguments, got '%s'", cli->args[0]);
		return MG_EXIT_USAGE;
	}
	if (state_load(&st, cli->generated_dir, 1, &diags) != 0)
		goto done;
	n_problems += diags.n_errors;
	diag_print(&diags, stderr);
	diag_free(&diags);
	last = newest(&st);

	check_history(&st, &n_problems);

	/* Each generated migration's delta must lead to its result hash. */
	for (i = 0; i < st.n_migs; i++) {
		struct mg_schema s;

		if (!st.migs[i].mf || st.migs[i].mf->handwritten)
			continue;
		replay(&s, st.migs, i + 1);
		if (!schema_has_hash(&s, st.migs[i].mf->result_hash) && !n_problems)
			problem(&n_problems, st.migs[i].path,
				"its schema delta does not lead to its result schema hash "
				"(the history before it is inconsistent)");
		emit_schema_free_shallow(&s);
	}

	schema = last ? current_schema(&st, &from_snapshot, &diags) : &empty;
	if (!st.snapshot && last) {
		problem(&n_problems, st.snapshot_path, "missing; run `modelgen diff` to write it");
	} else if (st.snapshot && !schema_has_hash(st.snapshot, end_hash(&st))) {
		if (last)
			problem(&n_problems, st.snapshot_path,
				"does not match the schema after the newest migration %s; run "
				"`modelgen diff` to rewrite it",
				last->file);
		else if (st.snapshot->n_tables)
			problem(&n_problems, st.snapshot_path,
				"holds tables but there is no migration; run `modelgen diff`");
	}
	if (schema) {
		entries = registry_entries(&st, 0, &n_entries);
		reg = emit_registry(n_entries, entries, schema, end_hash(&st));
		if (!st.registry_text && last)
			problem(&n_problems, st.registry_path,
				"missing; run `modelgen diff` to write it");
		else if (st.registry_text && strcmp(st.registry_text, reg) != 0)
			problem(&n_problems, st.registry_path,
				"does not match the migrations on disk; run `modelgen diff` to "
				"rewrite it");
	}

	if (parse_models(&model, &cli->parse, &model_diags) != 0) {
		diag_print(&model_diags, stderr);
		rc = MG_EXIT_ERROR;
		goto done;
	}
	{
		/* Against the end of the history: a stale snapshot is reported
		 * above and is not a difference of the models. */
		const struct mg_schema *snap = schema ? schema : st.snapshot ? st.snapshot : &empty;
		char a[72], b[72];

		snapshot_hash(a, snap);
		snapshot_hash(b, &model->schema);
		if (strcmp(a, b) != 0) {
			struct mg_schema before, after;
			struct mg_strbuf names = {0};
			size_t k;

			emit_schema_delta(&before, &after, snap, &model->schema);
			for (k = 0; k < before.n_tables; k++)
				mg_strbuf_printf(&names, "%s%s", k ? ", " : "",
						 before.tables[k].name);
			for (k = 0; k < after.n_tables; k++)
				if (!mg_schema_find_table(&before, after.tables[k].name))
					mg_strbuf_printf(&names, "%s%s", names.len ? ", " : "",
							 after.tables[k].name);
			problem(&n_problems,
				cli->parse.n_models_dirs ? cli->parse.models_dirs[0] : "models",
				"the models differ from the schema of the migrations (tables: %s); "
				"run `modelgen diff`",
				mg_strbuf_cstr(&names));
			mg_strbuf_free(&names);
			emit_schema_free_shallow(&before);
			emit_schema_free_shallow(&after);
		}
	}
	if (n_problems) {
		rc = MG_EXIT_FOUND;
	} else {
		printf("OK: %zu migration%s, models match %s.\n", st.n_migs,
		       st.n_migs == 1 ? "" : "s", st.snapshot_path);
		rc = MG_EXIT_OK;
	}
done:
	diag_print(&diags, stderr);
	diag_free(&diags);
	diag_free(&model_diags);
	model_free(model);
	state_free(&st);
	free(entries);
	free(reg);
	return rc;
}

/* ---- sql --------------------------------------------------------------- */

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
	struct state st;
	struct diag_list diags = {0};
	unsigned from = 1, to = ~0u;
	int rc = MG_EXIT_ERROR, d, dir = cli->down ? 1 : 0;
	size_t i, n_shown = 0;

	if (cli->n_args > 1 || (cli->n_args == 1 && parse_range(cli->args[0], &from, &to) != 0)) {
		error("sql takes one argument N or N..M (migration numbers), got '%s'",
		      cli->args[cli->n_args - 1]);
		return MG_EXIT_USAGE;
	}
	if (state_load(&st, cli->generated_dir, 1, &diags) != 0 || diags.n_errors)
		goto done;
	if (cli->n_args) {
		const struct mig *last = newest(&st);

		if (!last || to > last->mf->number) {
			error("sql: there is no migration %u (the newest is %u)", to,
			      last ? last->mf->number : 0);
			goto done;
		}
	}
	for (d = 0; d < MG_DIALECT_COUNT; d++) {
		size_t k;

		if (cli->dialect >= 0 && cli->dialect != d)
			continue;
		if (cli->dialect < 0)
			printf("%s-- ==== %s ====\n", d ? "\n" : "",
			       d == MG_DIALECT_SQLITE ? "SQLite" : "PostgreSQL");
		for (k = 0; k < st.n_migs; k++) {
			const struct mig *m = &st.migs[dir ? st.n_migs - 1 - k : k];
			const struct emit_file *mf = m->mf;

			if (!mf || mf->number < from || mf->number > to)
				continue;
			n_shown++;
			printf("\n-- %s (%s)\n", mf->name, dir ? "down" : "up");
			if (mf->handwritten) {
				printf("-- hand-written: runs %s() in %s\n", dir ? "down" : "up",
				       m->path);
				continue;
			}
			if (mf->n_items[d][dir] == 0)
				printf("-- (no statements)\n");
			for (i = 0; i < mf->n_items[d][dir]; i++) {
				const struct emit_sql_item *it = &mf->items[d][dir][i];
				size_t len = strlen(it->sql);

				printf("-- %s%s\n%s%s", it->summary,
				       it->rebuild ? " (table rebuild, run by dbupdate)" : "",
				       it->sql, len && it->sql[len - 1] == '\n' ? "" : "\n");
			}
		}
	}
	if (!n_shown && !st.n_migs)
		printf("-- no migrations in %s\n", st.migrations_dir);
	rc = MG_EXIT_OK;
done:
	diag_print(&diags, stderr);
	diag_free(&diags);
	state_free(&st);
	return rc;
}
