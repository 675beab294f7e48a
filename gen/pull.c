/*
 * modelgen pull: the command. Opens the database named by the URL (the
 * rules of dbupdate), reads its catalog, decides the headers, prints what
 * the model language cannot say, and writes one header per table into the
 * models folder, all or nothing. Exit 0 when the headers describe the
 * database exactly, 1 when the report lists something skipped,
 * approximated or left out, 2 bad usage, 3 any other error (nothing
 * written).
 */
#include "pull.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void
error(const char *fmt, ...)
{
	va_list ap;

	fputs("modelgen pull: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The URL as shown in messages: SQLite URLs whole; PostgreSQL ones say
 * only the dialect, since they may hold a password. */
static const char *shown(const char *url)
{
	return strncmp(url, "sqlite:", 7) == 0 ? url : "the PostgreSQL database";
}

/* Why `name` cannot be the one header of pull --header, or NULL. */
static const char *header_name_problem(const char *name)
{
	size_t n = strlen(name);

	if (n < 3 || strcmp(name + n - 2, ".h") != 0)
		return "a header file name ending in .h, such as schema.h";
	if (strchr(name, '/'))
		return "a file name in the models folder, without a directory (-M names the "
		       "folder)";
	if (name[0] == '.')
		return "a file name that does not start with a dot (modelgen does not read those)";
	if (strcmp(name, PULL_FOREIGN_FILE) == 0)
		return "pull writes the tables it leaves out there; choose another name";
	return NULL;
}

/* For a SQLite URL, the file it names ("" for :memory:), else NULL. */
static const char *sqlite_path(const char *url)
{
	const char *p;

	if (strncmp(url, "sqlite:", 7) != 0)
		return NULL;
	p = url + 7;
	if (strcmp(p, ":memory:") == 0)
		return "";
	if (strncmp(p, "///", 3) == 0)
		p += 2;
	return p;
}

static int mkdirs(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir), i;

	if (n == 0 || n >= sizeof(path))
		return -1;
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return -1;
		path[i] = i == n ? '\0' : '/';
	}
	return 0;
}

/* Writes `text` to a new file `path` (O_EXCL: never over another file).
 * Returns 0, or -1 with errno set (the file, if made, removed). */
static int write_new(const char *path, const char *text, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666), err;
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < n) {
		ssize_t w = write(fd, text + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? errno : EIO;
			close(fd);
			unlink(path);
			errno = err;
			return -1;
		}
		done += (size_t)w;
	}
	if (close(fd) != 0) {
		err = errno;
		unlink(path);
		errno = err;
		return -1;
	}
	return 0;
}

static const char *action_word(enum pm_action a)
{
	switch (a) {
	case PM_NOTE:
		return "note";
	case PM_SKIP:
		return "skipped";
	case PM_APPROX:
		return "approximated";
	case PM_LEFT_OUT:
		return "left out";
	}
	return "?";
}

/* Prints the findings, one line each, the most serious first:
 * "  ACTION  SUBJECT: WHAT (WHY)". Notes of one kind past the third are
 * counted, not listed, unless `all_notes`. */
static void print_findings(const struct pm_result *r, int all_notes, FILE *out)
{
	static const enum pm_action order[] = {PM_LEFT_OUT, PM_APPROX, PM_SKIP, PM_NOTE};
	/* Notes by kind (their `why`): a handful of kinds. */
	struct kind {
		const char *why;
		size_t total, shown;
	} kinds[32];
	size_t n_kinds = 0, o, i, k;

	for (i = 0; i < r->n_findings; i++) {
		if (r->findings[i].action != PM_NOTE)
			continue;
		for (k = 0; k < n_kinds && strcmp(kinds[k].why, r->findings[i].why) != 0; k++)
			;
		if (k == n_kinds && n_kinds < sizeof(kinds) / sizeof(kinds[0])) {
			kinds[n_kinds].why = r->findings[i].why;
			kinds[n_kinds].total = kinds[n_kinds].shown = 0;
			n_kinds++;
		}
		if (k < n_kinds)
			kinds[k].total++;
	}
	for (o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		for (i = 0; i < r->n_findings; i++) {
			const struct pm_finding *f = &r->findings[i];

			if (f->action != order[o])
				continue;
			if (f->action == PM_NOTE) {
				for (k = 0; k < n_kinds && strcmp(kinds[k].why, f->why) != 0; k++)
					;
				if (k < n_kinds && kinds[k].shown >= 3 && !all_notes)
					continue;
				fprintf(out, "  %-12s %s: %s\n", "note", f->subject, f->what);
				if (k < n_kinds && ++kinds[k].shown == 3 && kinds[k].total > 3 &&
				    !all_notes)
					fprintf(out,
						"  %-12s ... and %zu more like the one above\n",
						"note", kinds[k].total - 3);
				continue;
			}
			fprintf(out, "  %-12s %s%s%s%s%s%s\n", action_word(f->action), f->subject,
				f->what[0] ? ": " : "", f->what, f->why ? " (" : "",
				f->why ? f->why : "", f->why ? ")" : "");
		}
	}
}

int pull_command(const struct cli *cli)
{
	const char *url = NULL,
		   *dir = cli->parse.n_models_dirs ? cli->parse.models_dirs[0] : "models";
	const char *path;
	struct mg_db *db = NULL;
	struct mg_arena *arena = mg_arena_new();
	struct mg_strbuf err = {0}, text = {0};
	struct pl_catalog cat;
	struct pm_result res;
	char errbuf[512];
	const char **tmp = NULL, **files = NULL, **texts = NULL, *one = NULL, *stale = NULL;
	size_t i, n_files, n_structs, n_written = 0, n_inexact = 0, n_exist = 0;
	int force = 0, all_notes = 0, rc = MG_EXIT_ERROR;

	for (i = 0; i < cli->n_args; i++) {
		const char *a = cli->args[i];

		if (strcmp(a, "--force") == 0) {
			force = 1;
		} else if (strcmp(a, "--notes") == 0) {
			all_notes = 1;
		} else if (strcmp(a, "--header") == 0 || strncmp(a, "--header=", 9) == 0) {
			const char *why;

			if (a[8] == '=') {
				one = a + 9;
			} else if (i + 1 < cli->n_args) {
				one = cli->args[++i];
			} else {
				error("--header needs a file name (for example --header schema.h)");
				rc = MG_EXIT_USAGE;
				goto done;
			}
			if ((why = header_name_problem(one))) {
				error("--header %s: %s", one, why);
				rc = MG_EXIT_USAGE;
				goto done;
			}
		} else if (a[0] == '-' && a[1]) {
			error("unknown option '%s'; see `modelgen pull --help`", a);
			rc = MG_EXIT_USAGE;
			goto done;
		} else if (!url) {
			url = a;
		} else {
			error("one URL at most, got '%s' and '%s'; see `modelgen pull --help`", url,
			      a);
			rc = MG_EXIT_USAGE;
			goto done;
		}
	}
	if (cli->parse.n_models_dirs > 1) {
		error("pull writes into one models folder; -M is given %zu times",
		      cli->parse.n_models_dirs);
		rc = MG_EXIT_USAGE;
		goto done;
	}
	if (!url)
		url = getenv("DATABASE_URL");
	if (!url || !*url)
		url = "sqlite:app.db";

	/* Pulling never creates a database. */
	path = sqlite_path(url);
	if (path) {
		struct stat st;

		if (!*path) {
			error("%s: an in-memory database is empty; nothing written", url);
			goto done;
		}
		if (stat(path, &st) != 0) {
			error("%s: no such database file (%s); nothing written", url,
			      strerror(errno));
			goto done;
		}
		if (!S_ISREG(st.st_mode)) {
			error("%s: not a file; nothing written", url);
			goto done;
		}
	}
	if (mg_db_open(&db, url, errbuf, sizeof(errbuf)) != 0) {
		error("%s; nothing written", errbuf);
		goto done;
	}
	if (pull_read(&cat, db, arena, &err) != 0) {
		const char *m = mg_strbuf_cstr(&err);

		if (path && strstr(m, "file is not a database"))
			error("%s: not a SQLite database (file is not a database); nothing written",
			      url);
		else
			error("%s: %s; nothing written", shown(url), m);
		goto done;
	}
	mg_db_close(db);
	db = NULL;
	if (cat.managed) {
		error("%s is managed by modelgen already (modelgen_migrations%s%s): its models "
		      "and migrations are the ones that made it; check it against them with "
		      "`dbupdate --verify`; nothing written",
		      shown(url), cat.managed_at ? ", at migration " : "",
		      cat.managed_at ? cat.managed_at : "");
		goto done;
	}
	if (cat.n_tables == 0) {
		error("%s has no tables: nothing to pull; nothing written", shown(url));
		goto done;
	}

	pull_map(&res, &cat, arena);
	for (i = 0; i < res.n_findings; i++)
		n_inexact += res.findings[i].action != PM_NOTE;
	/* The headers: one per table (or all in `one`), then the tables left
	 * out. */
	n_structs = one ? (res.n_structs ? 1 : 0) : res.n_structs;
	n_files = n_structs + (res.n_foreign ? 1 : 0);
	files = mg_arena_calloc(arena, n_files + 1, sizeof(*files));
	texts = mg_arena_calloc(arena, n_files + 1, sizeof(*texts));
	for (i = 0; i < n_files; i++) {
		mg_strbuf_clear(&text);
		if (i < n_structs && one)
			pull_render_all(&text, &res, one);
		else if (i < n_structs)
			pull_render(&text, &res.structs[i]);
		else
			pull_render_foreign(&text, &res, arena);
		files[i] = mg_arena_printf(arena, "%s/%s", dir,
					   i < n_structs ? (one ? one : res.structs[i].file)
							 : PULL_FOREIGN_FILE);
		texts[i] = mg_arena_strdup(arena, mg_strbuf_cstr(&text));
	}
	/* No table left out: a models/modelgen_foreign.h of an earlier pull
	 * would still declare its tables foreign, some of them models now. It
	 * counts as a header pull replaces (--force removes it). */
	if (!res.n_foreign) {
		stale = mg_arena_printf(arena, "%s/%s", dir, PULL_FOREIGN_FILE);
		if (access(stale, F_OK) != 0)
			stale = NULL;
	}

	/* Refuse before writing anything. */
	{
		const char *first = NULL;

		for (i = 0; i < n_files && !force && !cli->dry_run; i++)
			if (access(files[i], F_OK) == 0 && !n_exist++)
				first = files[i];
		if (stale && !force && !cli->dry_run && !n_exist++)
			first = stale;
		if (n_exist) {
			error("%s exists%s: pull does not overwrite model headers; pass --force to "
			      "replace them; nothing written",
			      first,
			      n_exist > 1 ? mg_arena_printf(arena, " (and %zu more)", n_exist - 1)
					  : "");
			goto done;
		}
	}

	printf("modelgen pull: %zu table%s in %s\n", cat.n_tables, cat.n_tables == 1 ? "" : "s",
	       shown(url));
	if (cli->dry_run) {
		for (i = 0; i < n_files; i++)
			printf("--- %s\n%s", files[i], texts[i]);
	} else if (n_files) {
		if (mkdirs(dir) != 0) {
			error("cannot create %s: %s; nothing written", dir, strerror(errno));
			goto done;
		}
		/* A header that is new is made in place (O_EXCL); one that
		 * --force replaces is written beside it and renamed over it once
		 * every header is written. On an error, what was made goes. */
		tmp = mg_arena_calloc(arena, n_files + 1, sizeof(*tmp));
		for (i = 0; i < n_files; i++) {
			int replace = force && access(files[i], F_OK) == 0;

			tmp[i] = replace ? mg_arena_printf(arena, "%s/.%s.pull-%ld", dir,
							   files[i] + strlen(dir) + 1,
							   (long)getpid())
					 : files[i];
			if (write_new(tmp[i], texts[i], strlen(texts[i])) != 0) {
				error("cannot write %s: %s; nothing written", tmp[i],
				      strerror(errno));
				while (i-- > 0)
					unlink(tmp[i]);
				goto done;
			}
		}
		for (i = 0; i < n_files; i++) {
			if (strcmp(tmp[i], files[i]) != 0 && rename(tmp[i], files[i]) != 0) {
				error("cannot write %s: %s", files[i], strerror(errno));
				for (; i < n_files; i++)
					if (strcmp(tmp[i], files[i]) != 0)
						unlink(tmp[i]);
				goto done;
			}
			n_written++;
		}
		if (stale && unlink(stale) != 0 && errno != ENOENT) {
			error("cannot remove %s: %s", stale, strerror(errno));
			goto done;
		}
	}
	print_findings(&res, all_notes, stdout);
	if (cli->dry_run)
		printf("%zu header%s not written (--dry-run)", n_files, n_files == 1 ? "" : "s");
	else
		printf("Wrote %zu header%s to %s/", n_written, n_written == 1 ? "" : "s", dir);
	if (n_inexact)
		printf(": not an exact description of the database (%zu item%s above)\n", n_inexact,
		       n_inexact == 1 ? "" : "s");
	else
		printf(": an exact description of the database\n");
	if (stale && !cli->dry_run)
		printf("Removed %s: no table is left out now.\n", stale);
	if (res.n_foreign)
		printf("Tables left out: %zu, named in %s/%s (MG_FOREIGN_TABLE): no migration "
		       "touches them, and dbupdate --verify and --baseline do not report them.\n",
		       res.n_foreign, dir, PULL_FOREIGN_FILE);
	if (fflush(stdout) != 0) {
		error("cannot write to standard output");
		goto done;
	}
	rc = n_inexact ? MG_EXIT_FOUND : MG_EXIT_OK;
done:
	mg_db_close(db);
	mg_strbuf_free(&err);
	mg_strbuf_free(&text);
	mg_arena_free(arena);
	return rc;
}
