/*
 * The lock-claim proof (issue 13 §4): runs every PostgreSQL step of every
 * migration of a registry on a scratch database, up then down, the way the
 * runtime runs them, and compares what each step does to the tables that
 * existed before its migration with the step's lock facts (struct mg_step
 * `locks`): the strongest relation lock per table, whether it reads every
 * row (scans), whether it writes a new copy (rewrites). One line per step;
 * exit 1 on any disagreement.
 *
 * How each is observed:
 * - locks: a step in a transaction (each step alone in one, its guard
 *   first, as a recorded sequence runs it; the facts are per step, so the
 *   locks of the steps before it in a one-transaction migration do not
 *   count; a batched fill one transaction per batch) reads pg_locks for its
 *   own backend before COMMIT. A step outside a transaction (CREATE / DROP
 *   INDEX CONCURRENTLY) runs while a second session holds a REPEATABLE READ
 *   snapshot and ACCESS SHARE on every existing table: the build waits for
 *   that snapshot, the drop for those lockers, each holding its table lock;
 *   a third session reads the step's locks once it waits (held or
 *   requested), then the holder commits. Locks such a step takes only
 *   after that wait are not seen (for these two statements: none on a
 *   table); a step that never waits fails the check. Only relation locks
 *   on tables (relkind r, p) that existed before the migration count:
 *   locks on tables the migration creates, on indexes, sequences and
 *   catalogs are not claimed by the facts and not compared.
 * - rewrites: pg_class.relfilenode of each such table before and after the
 *   step (followed by oid, so a rename or a drop is not a rewrite).
 * - scans: pg_stat_user_tables.seq_scan of each such table before and after
 *   (the step's backend flushes its statistics with
 *   pg_stat_force_next_flush, the observer reads with
 *   stats_fetch_consistency = none). Heap scans of index builds,
 *   validations and rewrites count there; a fill's batches are counted
 *   with idx_scan too (keyset pagination reads every row through the
 *   key's index). The corpus seeds 1000 rows, enough for the planner to
 *   read a MAX of an indexed column from the index (not a scan) while a
 *   statement that reads every row still shows.
 *
 * Each migration starts from its `before` state reached by the steps of the
 * ones before it; SEED_DIR/N.sql (if any) runs before migration N (rows
 * for fills and guards). After its up steps the bookkeeping is dropped and
 * the database adopted with mg_baseline (live == the schema after N), its
 * down steps are checked the same way, adopted at N - 1, and mg_update
 * applies N again as dbupdate would.
 *
 * usage: check_locks URL [SEED_DIR]
 */
#define _POSIX_C_SOURCE 200809L

#include <modelgen/db.h>
#include <modelgen/migration.h>
#include <modelgen/update.h>

#include <libpq-fe.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const struct mg_registry modelgen_registry;

#define MAX_TABLES 64

/* PostgreSQL's table lock modes, weakest first (as gen/sql_pg.c). */
static const char *const modes[] = {
	"",      "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",    "SHARE UPDATE EXCLUSIVE",
	"SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE",
};
#define N_MODES       (int)(sizeof(modes) / sizeof(modes[0]))
#define MODE_ACCESS_X (N_MODES - 1)

/* pg_locks spells them "ShareUpdateExclusiveLock". */
static int mode_of_pg(const char *s)
{
	static const char *const pg[] = {
		"",
		"AccessShareLock",
		"RowShareLock",
		"RowExclusiveLock",
		"ShareUpdateExclusiveLock",
		"ShareLock",
		"ShareRowExclusiveLock",
		"ExclusiveLock",
		"AccessExclusiveLock",
	};
	int m;

	for (m = 1; m < N_MODES; m++)
		if (strcmp(s, pg[m]) == 0)
			return m;
	return 0;
}

static int mode_of_name(const char *s, size_t len)
{
	int m;

	for (m = 1; m < N_MODES; m++)
		if (strlen(modes[m]) == len && strncmp(s, modes[m], len) == 0)
			return m;
	return -1;
}

/* What a step does to the tables that existed before its migration. */
struct facts {
	size_t n;
	char tables[MAX_TABLES][64];
	int mode[MAX_TABLES];
	int scans, rewrites, marked, bad;
};

static void facts_lock(struct facts *f, const char *table, int mode)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->tables[i], table) == 0) {
			if (f->mode[i] < mode)
				f->mode[i] = mode;
			return;
		}
	if (f->n < MAX_TABLES) {
		snprintf(f->tables[f->n], sizeof(f->tables[0]), "%s", table);
		f->mode[f->n++] = mode;
	}
}

/* Reads a step's facts text ("[!] ACCESS EXCLUSIVE on a, b; SHARE on c;
 * scans; no rewrite"); f->bad when it does not parse. */
static void facts_parse(struct facts *f, const char *text)
{
	const char *p = text;

	memset(f, 0, sizeof(*f));
	if (!text) {
		f->bad = 1;
		return;
	}
	if (strncmp(p, "[!] ", 4) == 0) {
		f->marked = 1;
		p += 4;
	}
	while (*p) {
		const char *end = strstr(p, "; "), *on;
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 5 && strncmp(p, "scans", 5) == 0)
			f->scans = 1;
		else if (len == 8 && strncmp(p, "rewrites", 8) == 0)
			f->rewrites = 1;
		else if ((len == 7 && strncmp(p, "no scan", 7) == 0) ||
			 (len == 10 && strncmp(p, "no rewrite", 10) == 0) ||
			 (len == 28 && strncmp(p, "no lock on an existing table", 28) == 0))
			;
		else if ((on = strstr(p, " on ")) && on < p + len) {
			int m = mode_of_name(p, (size_t)(on - p));
			const char *t = on + 4;

			if (m < 0)
				f->bad = 1;
			while (m > 0 && t < p + len) {
				const char *comma = strstr(t, ", ");
				size_t tl = comma && comma < p + len ? (size_t)(comma - t)
								     : (size_t)(p + len - t);
				char name[64];

				snprintf(name, sizeof(name), "%.*s", (int)tl, t);
				facts_lock(f, name, m);
				t += tl + 2;
			}
		} else {
			f->bad = 1;
		}
		p += len;
		if (*p)
			p += 2;
	}
}

/* The facts as gen/sql_pg.c writes them, tables of a mode sorted. */
static void facts_render(char *out, size_t size, const struct facts *f)
{
	size_t len = 0, i, j;
	int m, strongest = 0, first = 1;
	size_t order[MAX_TABLES];

#define PUT(...)                                                                                   \
	do {                                                                                       \
		int w_ = snprintf(out + len, size - len, __VA_ARGS__);                             \
		if (w_ > 0 && (size_t)w_ < size - len)                                             \
			len += (size_t)w_;                                                         \
	} while (0)
	out[0] = '\0';
	for (i = 0; i < f->n; i++) {
		order[i] = i;
		if (f->mode[i] > strongest)
			strongest = f->mode[i];
	}
	for (i = 1; i < f->n; i++)
		for (j = i; j > 0 && strcmp(f->tables[order[j - 1]], f->tables[order[j]]) > 0;
		     j--) {
			size_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	if (strongest == MODE_ACCESS_X && (f->scans || f->rewrites))
		PUT("[!] ");
	for (m = MODE_ACCESS_X; m > 0; m--) {
		int any = 0;

		for (i = 0; i < f->n; i++) {
			if (f->mode[order[i]] != m)
				continue;
			if (!any)
				PUT("%s%s on %s", first ? "" : "; ", modes[m], f->tables[order[i]]);
			else
				PUT(", %s", f->tables[order[i]]);
			any = 1;
			first = 0;
		}
	}
	if (!f->n)
		PUT("no lock on an existing table");
	PUT("%s", f->scans ? "; scans" : "; no scan");
	PUT("%s", f->rewrites ? "; rewrites" : "; no rewrite");
#undef PUT
}

/* The tables that existed before a migration, with their state. */
struct table {
	char oid[16];
	char name[64];
	char relfilenode[16];
	long long seq_scan, idx_scan;
};

struct existing {
	size_t n;
	struct table t[MAX_TABLES];
};

struct checker {
	const char *url;
	PGconn *run;  /* runs the steps */
	PGconn *hold; /* holds a snapshot while a step outside a transaction runs */
	PGconn *look; /* observes */
	struct mg_db *db;
	int checked, failed;
};

static void die(const char *what, PGconn *c)
{
	fprintf(stderr, "check_locks: %s: %s\n", what, c ? PQerrorMessage(c) : "");
	exit(2);
}

/* Runs `sql` (no rows wanted); exits on an error. */
static void exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "check_locks: %s\n  in: %s\n", PQerrorMessage(c), sql);
		exit(2);
	}
	PQclear(r);
}

static PGresult *query_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "check_locks: %s\n  in: %s\n", PQerrorMessage(c), sql);
		exit(2);
	}
	return r;
}

/* The user tables now (modelgen's own left out), their relfilenode and
 * scan counters, the runner's statistics flushed first. */
static void read_existing(struct checker *ck, struct existing *e)
{
	PGresult *r;
	int i;

	exec_ok(ck->run, "SELECT pg_stat_force_next_flush()");
	r = query_ok(ck->look,
		     "SELECT c.oid, c.relname, c.relfilenode, coalesce(s.seq_scan, 0),"
		     " coalesce(s.idx_scan, 0) FROM pg_class c"
		     " LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid"
		     " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')"
		     " AND c.relname NOT LIKE 'modelgen\\_%' ORDER BY c.relname");
	e->n = 0;
	for (i = 0; i < PQntuples(r) && e->n < MAX_TABLES; i++) {
		struct table *t = &e->t[e->n++];

		snprintf(t->oid, sizeof(t->oid), "%s", PQgetvalue(r, i, 0));
		snprintf(t->name, sizeof(t->name), "%s", PQgetvalue(r, i, 1));
		snprintf(t->relfilenode, sizeof(t->relfilenode), "%s", PQgetvalue(r, i, 2));
		t->seq_scan = atoll(PQgetvalue(r, i, 3));
		t->idx_scan = atoll(PQgetvalue(r, i, 4));
	}
	PQclear(r);
}

static const struct table *find_oid(const struct existing *e, const char *oid)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->t[i].oid, oid) == 0)
			return &e->t[i];
	return NULL;
}

/* Adds the relation locks of backend `pid` (held or requested) on the
 * tables of `e` to `f`, each under its name now (a renamed table) or
 * before (a dropped one). `c` sees the names the backend sees. */
static void read_locks(struct facts *f, PGconn *c, const char *pid, const struct existing *e)
{
	char sql[512];
	PGresult *r;
	int i;

	snprintf(sql, sizeof(sql),
		 "SELECT l.relation::oid::text, l.mode, coalesce(c.relname, '') FROM pg_locks l"
		 " LEFT JOIN pg_class c ON c.oid = l.relation WHERE l.pid = %s"
		 " AND l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_database"
		 " WHERE datname = current_database())",
		 pid);
	r = query_ok(c, sql);
	for (i = 0; i < PQntuples(r); i++) {
		const struct table *t = find_oid(e, PQgetvalue(r, i, 0));
		const char *now = PQgetvalue(r, i, 2);

		if (t)
			facts_lock(f, *now ? now : t->name, mode_of_pg(PQgetvalue(r, i, 1)));
	}
	PQclear(r);
}

/* The largest $N in `sql`: a batch statement's keys are $1..$N-1, its
 * batch size $N. */
static int max_param(const char *sql)
{
	int n = 0;

	for (; *sql; sql++)
		if (*sql == '$' && sql[1] >= '0' && sql[1] <= '9' && atoi(sql + 1) > n)
			n = atoi(sql + 1);
	return n;
}

/* Runs the guard of a step (in the open transaction); exits when it finds
 * rows (the corpus has none that fail). */
static void run_guard(struct checker *ck, const struct mg_step *st)
{
	PGresult *r;

	if (!st->guard)
		return;
	r = query_ok(ck->run, st->guard);
	if (PQntuples(r) && atoll(PQgetvalue(r, 0, 0)) > 0) {
		fprintf(stderr, "check_locks: a guard refuses the step: %s\n", st->guard);
		exit(2);
	}
	PQclear(r);
}

/* A step in a transaction of its own; its locks read before COMMIT. */
static void run_in_tx(struct checker *ck, const struct mg_step *st, struct facts *f,
		      const struct existing *e)
{
	exec_ok(ck->run, "BEGIN");
	run_guard(ck, st);
	exec_ok(ck->run, st->sql);
	read_locks(f, ck->run, "pg_backend_pid()", e);
	exec_ok(ck->run, "COMMIT");
}

/* A batched fill: one batch of 100 rows a transaction, from the start, until
 * a batch returns no row; the locks of every batch. */
static void run_batched(struct checker *ck, const struct mg_step *st, struct facts *f,
			const struct existing *e)
{
	int k = max_param(st->sql) - 1, i, done = 0;
	char **keys = calloc((size_t)k + 1, sizeof(char *));
	const char **params = calloc((size_t)k + 1, sizeof(char *));

	if (!keys || !params || k < 1)
		die("a batched step without keys", NULL);
	while (!done) {
		PGresult *r;

		exec_ok(ck->run, "BEGIN");
		for (i = 0; i < k; i++)
			params[i] = keys[i];
		params[k] = "100";
		r = PQexecParams(ck->run, st->sql, k + 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			die(st->sql, ck->run);
		done = PQntuples(r) == 0;
		for (i = 0; !done && i < k; i++) {
			free(keys[i]);
			keys[i] = strdup(PQgetvalue(r, 0, i));
		}
		PQclear(r);
		read_locks(f, ck->run, "pg_backend_pid()", e);
		exec_ok(ck->run, "COMMIT");
	}
	for (i = 0; i < k; i++)
		free(keys[i]);
	free(keys);
	free(params);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/*
 * A step outside a transaction (CREATE / DROP INDEX CONCURRENTLY): run
 * while `hold` keeps an old snapshot and ACCESS SHARE on every existing
 * table, its locks read once it waits (for the snapshot or the lockers, or
 * for a table lock the holder has), then the holder lets it go. A step
 * that never waits is reported (*waited 0): its locks were not seen.
 */
static void run_no_tx(struct checker *ck, const struct mg_step *st, struct facts *f,
		      const struct existing *e, int *waited)
{
	char pid[16], sql[512];
	PGresult *r;
	size_t i;
	int tries;

	r = query_ok(ck->run, "SELECT pg_backend_pid()");
	snprintf(pid, sizeof(pid), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	exec_ok(ck->hold, "BEGIN ISOLATION LEVEL REPEATABLE READ");
	for (i = 0; i < e->n; i++) {
		char *id = PQescapeIdentifier(ck->hold, e->t[i].name, strlen(e->t[i].name));

		snprintf(sql, sizeof(sql), "LOCK TABLE %s IN ACCESS SHARE MODE", id);
		PQfreemem(id);
		exec_ok(ck->hold, sql);
	}
	exec_ok(ck->hold, "SELECT txid_current()");
	if (!PQsendQuery(ck->run, st->sql))
		die("send", ck->run);
	*waited = 0;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted",
		 pid);
	for (tries = 0; tries < 1000 && !*waited; tries++) {
		r = query_ok(ck->look, sql);
		*waited = atoi(PQgetvalue(r, 0, 0)) > 0;
		PQclear(r);
		if (!PQconsumeInput(ck->run))
			die("consume", ck->run);
		if (!*waited && !PQisBusy(ck->run))
			break; /* finished without waiting */
		if (!*waited)
			sleep_ms(10);
	}
	if (*waited)
		read_locks(f, ck->look, pid, e);
	exec_ok(ck->hold, "COMMIT");
	while ((r = PQgetResult(ck->run))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			die(st->sql, ck->run);
		PQclear(r);
	}
}

/* Adds what the counters and relfilenodes of `before` (the step's) vs now
 * say about the tables of `e` (its migration's). */
static void read_after(struct checker *ck, struct facts *f, const struct existing *before,
		       const struct existing *e, int batched)
{
	struct existing now;
	size_t i;

	read_existing(ck, &now);
	for (i = 0; i < before->n; i++) {
		const struct table *b = &before->t[i], *a = find_oid(&now, b->oid);

		if (!a || !find_oid(e, b->oid))
			continue; /* dropped, or created by the migration */
		if (strcmp(a->relfilenode, b->relfilenode) != 0)
			f->rewrites = 1;
		if (a->seq_scan > b->seq_scan || (batched && a->idx_scan > b->idx_scan))
			f->scans = 1;
	}
}

static int same(const struct facts *a, const struct facts *b)
{
	size_t i, j;

	if (a->n != b->n || a->scans != b->scans || a->rewrites != b->rewrites)
		return 0;
	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n; j++)
			if (strcmp(a->tables[i], b->tables[j]) == 0 && a->mode[i] == b->mode[j])
				break;
		if (j == b->n)
			return 0;
	}
	return 1;
}

/* Checks the steps of migration `m` in one direction, from the state it
 * starts from. */
static void check_plan(struct checker *ck, const struct mg_migration *m, int down)
{
	const struct mg_plan *p =
		down ? &m->down[MG_DIALECT_POSTGRESQL] : &m->up[MG_DIALECT_POSTGRESQL];
	struct existing e;
	size_t i;

	read_existing(ck, &e); /* the tables before the migration */
	for (i = 0; i < p->n_steps; i++) {
		const struct mg_step *st = &p->steps[i];
		struct existing before;
		struct facts claimed, seen = {0};
		char text[1024];
		int waited = 1, ok;

		if (st->kind != MG_STEP_SQL) {
			printf("FAIL %s %s step %zu: not an SQL step\n", m->name,
			       down ? "down" : "up", i + 1);
			ck->failed++;
			continue;
		}
		read_existing(ck, &before);
		if (st->flags & MG_STEP_NO_TX)
			run_no_tx(ck, st, &seen, &e, &waited);
		else if (st->flags & MG_STEP_BATCHED)
			run_batched(ck, st, &seen, &e);
		else
			run_in_tx(ck, st, &seen, &e);
		read_after(ck, &seen, &before, &e, (st->flags & MG_STEP_BATCHED) != 0);
		facts_parse(&claimed, st->locks);
		facts_render(text, sizeof(text), &seen);
		{
			int strongest = 0;
			size_t j;

			for (j = 0; j < claimed.n; j++)
				if (claimed.mode[j] > strongest)
					strongest = claimed.mode[j];
			/* the [!] mark follows from the rest */
			ok = !claimed.bad && waited && same(&claimed, &seen) &&
			     claimed.marked == (strongest == MODE_ACCESS_X &&
						(claimed.scans || claimed.rewrites));
		}
		printf("%s %s %s step %zu/%zu%s\n    claimed:  %s\n    observed: %s%s\n",
		       ok ? "ok  " : "FAIL", m->name, down ? "down" : "up", i + 1, p->n_steps,
		       (st->flags & MG_STEP_NO_TX)     ? " (outside a transaction)"
		       : (st->flags & MG_STEP_BATCHED) ? " (batched)"
						       : "",
		       st->locks ? st->locks : "(none)", text,
		       waited ? "" : " (the step never waited: its locks were not seen)");
		ck->checked++;
		if (!ok)
			ck->failed++;
	}
}

/* Drops the bookkeeping and adopts the database at migration `n`: the
 * steps run by hand brought it exactly to the schema after `n`. */
static void adopt(struct checker *ck, unsigned n)
{
	char *report = NULL;

	exec_ok(ck->run, "DROP TABLE IF EXISTS modelgen_migrations, modelgen_progress");
	if (mg_baseline(&report, ck->db, &modelgen_registry, n) != 0) {
		fprintf(stderr, "check_locks: the steps did not end at migration %u: %s\n%s", n,
			mg_db_errmsg(ck->db), report ? report : "");
		exit(2);
	}
	free(report);
}

static void seed(struct checker *ck, const char *dir, unsigned n)
{
	char path[4096], *sql;
	FILE *fp;
	long size;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%u.sql", dir, n);
	fp = fopen(path, "rb");
	if (!fp)
		return;
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	sql = calloc((size_t)size + 1, 1);
	if (!sql || fread(sql, 1, (size_t)size, fp) != (size_t)size)
		die(path, NULL);
	fclose(fp);
	exec_ok(ck->run, sql);
	free(sql);
}

static PGconn *connect_to(const char *url)
{
	PGconn *c = PQconnectdb(url);

	if (PQstatus(c) != CONNECTION_OK)
		die("connect", c);
	exec_ok(c, "SET client_min_messages = warning");
	exec_ok(c, "SET stats_fetch_consistency = none");
	return c;
}

int main(int argc, char **argv)
{
	const struct mg_registry *reg = &modelgen_registry;
	struct checker ck = {0};
	char err[512];
	size_t k;

	if (argc < 2) {
		fprintf(stderr, "usage: check_locks URL [SEED_DIR]\n");
		return 2;
	}
	ck.url = argv[1];
	ck.run = connect_to(ck.url);
	ck.hold = connect_to(ck.url);
	ck.look = connect_to(ck.url);
	if (mg_db_open(&ck.db, ck.url, err, sizeof(err)) != 0) {
		fprintf(stderr, "check_locks: %s\n", err);
		return 2;
	}
	for (k = 1; k <= reg->n_migrations; k++) {
		const struct mg_migration *m = reg->migrations[k - 1];
		struct mg_update_options opts = {0};
		struct mg_rows *rows = NULL;

		seed(&ck, argc > 2 ? argv[2] : NULL, (unsigned)k);
		check_plan(&ck, m, 0);
		adopt(&ck, (unsigned)k);
		check_plan(&ck, m, 1);
		adopt(&ck, (unsigned)k - 1);
		opts.flags = MG_UPDATE_TO;
		opts.to = (unsigned)k;
		if (mg_update(NULL, ck.db, reg, &opts) != 0) {
			fprintf(stderr, "check_locks: migration %zu again: %s\n", k,
				mg_db_errmsg(ck.db));
			return 2;
		}
		/* Its scans counted now, not later in the middle of a step. */
		if (mg_db_query(&rows, ck.db, "SELECT pg_stat_force_next_flush()", 0, NULL) != 0) {
			fprintf(stderr, "check_locks: %s\n", mg_db_errmsg(ck.db));
			return 2;
		}
		mg_rows_free(rows);
		rows = NULL;
	}
	printf("%s: %d of %d steps (%zu migrations, up and down) disagree with their lock facts\n",
	       ck.failed ? "FAILED" : "ok", ck.failed, ck.checked, reg->n_migrations);
	mg_db_close(ck.db);
	PQfinish(ck.run);
	PQfinish(ck.hold);
	PQfinish(ck.look);
	return ck.failed ? 1 : 0;
}
