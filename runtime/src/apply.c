/*
 * Applying migrations: the create path (empty database: the registry's
 * schema in one transaction, every migration stamped), the migrate path (each
 * pending migration in its own transaction with its bookkeeping row, after
 * the drift check), down steps for --to, --sql, and verify / baseline
 * against the schema after a given migration. What differs between
 * dialects (locks, foreign keys off for rebuilds and drops, the rebuilds
 * themselves) is the driver's (db_int.h).
 *
 * The schema after migration N is computed without a database, by
 * mg_schema_at (schema_at.h) from the registry's schema.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bookkeeping.h"
#include "db_int.h"
#include "drift.h"
#include "inspect.h"
#include "online.h"
#include "progress.h"
#include "schema_at.h"
#include "sql.h"
#include "util/alloc.h"

enum action_kind { ACT_NONE, ACT_CREATE, ACT_UP, ACT_DOWN, ACT_UNMANAGED };

struct action {
	enum action_kind kind;
	const struct mg_migration *m; /* ACT_UP, ACT_DOWN */
};

/* What to do next from state `st` towards `target`. */
static struct action next_action(const struct bk_state *st, const struct mg_registry *reg,
				 unsigned target)
{
	struct action a = {ACT_NONE, NULL};

	/* Rows that are not this program's migrations can only be undone, down
	 * to below all of them; bk_check refuses the rest. */
	if (st->matched < st->n_rows && target > st->matched)
		return a;
	/* A gap in the bookkeeping: bk_check refuses it. */
	if (st->current > st->n_rows)
		return a;
	if (!st->managed && st->user_objects) {
		a.kind = ACT_UNMANAGED;
		return a;
	}
	if (st->current == 0 && !st->user_objects && target == reg->n_migrations && target > 0) {
		a.kind = ACT_CREATE;
		return a;
	}
	if (st->current < target) {
		a.kind = ACT_UP;
		a.m = reg->migrations[st->current];
	} else if (st->current > target && st->rows[st->current - 1].m) {
		/* This program's migration, or the stored copy of the one
		 * applied (bk_read). */
		a.kind = ACT_DOWN;
		a.m = st->rows[st->current - 1].m;
	}
	return a;
}

static const struct mg_plan *action_plan(const struct action *a, enum mg_dialect d)
{
	if (a->kind == ACT_UP)
		return &a->m->up[d];
	if (a->kind == ACT_DOWN)
		return &a->m->down[d];
	return NULL;
}

/*
 * 1 when the plan must run with foreign keys off (SQLite), checked by
 * PRAGMA foreign_key_check before commit: a table rebuild, or a step that
 * drops a table (MG_STEP_DROPS_TABLE). With foreign keys on, DROP TABLE
 * first deletes every row, and a RESTRICT key between rows being dropped (a
 * self-reference, a cycle of dropped tables) fails at once, deferred or
 * not; with them off nothing is deleted row by row, so no action runs on
 * any other table either.
 */
static int plan_needs_fk_off(const struct mg_plan *p)
{
	size_t i;

	for (i = 0; p && i < p->n_steps; i++)
		if (p->steps[i].kind == MG_STEP_REBUILD ||
		    (p->steps[i].flags & MG_STEP_DROPS_TABLE))
			return 1;
	return 0;
}

/* The schema after migration `number`, walking back from the registry's
 * schema; *out is freed with mg_schema_free. Returns 0 or MG_E_NOMEM. */
static int schema_at(struct mg_schema **out, const struct mg_registry *reg, unsigned number)
{
	return mg_schema_at(out, reg->migrations, reg->n_migrations, reg->schema,
			    (unsigned)reg->n_migrations, number);
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/*
 * Compares the live tables with `expected` (normalised first). With `full`,
 * every live table but the registry's foreign tables (`reg`, may be NULL)
 * is compared and unexpected ones reported; otherwise only the expected
 * tables, and the tables named in `absent` must not exist. Returns 0,
 * MG_E_DRIFT (report filled) or another code.
 */
static int compare_live(struct mg_db *db, struct mg_strbuf *report,
			const struct mg_schema *expected, int full, const struct mg_schema *absent,
			const struct mg_registry *reg)
{
	struct mg_schema *norm = NULL, *live = NULL, kept = {0, NULL, NULL};
	struct mg_table *kept_tables = NULL;
	const struct mg_schema *seen;
	const char **names = NULL;
	size_t n = 0, i, diffs = 0;
	int rc;

	if (!full) {
		names = mg_calloc(expected->n_tables + (absent ? absent->n_tables : 0) + 1,
				  sizeof(*names));
		if (!names) {
			rc = db_nomem(db);
			goto done;
		}
		for (i = 0; i < expected->n_tables; i++)
			names[n++] = expected->tables[i].name;
		for (i = 0; absent && i < absent->n_tables; i++)
			if (!mg_schema_find_table(expected, absent->tables[i].name))
				names[n++] = absent->tables[i].name;
		if (!n) {
			rc = 0;
			goto done;
		}
	}
	rc = mg_db_inspect(&live, db, n, names);
	if (rc)
		goto done;
	seen = live;
	if (full && reg && reg->n_foreign_tables) {
		/* The tables the models leave alone are not compared. */
		kept_tables = mg_calloc(live->n_tables + 1, sizeof(*kept_tables));
		if (!kept_tables) {
			rc = db_nomem(db);
			goto done;
		}
		for (i = 0; i < live->n_tables; i++)
			if (!bsearch(live->tables[i].name, reg->foreign_tables,
				     reg->n_foreign_tables, sizeof(*reg->foreign_tables), cmp_name))
				kept_tables[kept.n_tables++] = live->tables[i];
		kept.tables = kept_tables;
		seen = &kept;
	}
	if (expected->n_tables) {
		rc = inspect_normalize(&norm, db, expected);
		if (rc)
			goto done;
	}
	if (norm)
		diffs = drift_report(report, db->driver->loose_custom_types, norm, seen, !full);
	else if (full)
		for (i = 0; i < seen->n_tables; i++, diffs++)
			mg_strbuf_printf(report, "unexpected table %s\n", seen->tables[i].name);
	for (i = 0; !full && absent && i < absent->n_tables; i++) {
		const char *t = absent->tables[i].name;

		if (!mg_schema_find_table(expected, t) && mg_schema_find_table(live, t)) {
			mg_strbuf_printf(report, "table %s already exists\n", t);
			diffs++;
		}
	}
	rc = diffs ? MG_E_DRIFT : 0;
	/* A drift report that cannot be written is no report. */
	if (mg_strbuf_failed(report))
		rc = db_nomem(db);
done:
	mg_schema_free(norm);
	mg_schema_free(live);
	free(kept_tables);
	free(names);
	return rc;
}

/* Turns a multi-line report into "first; second; ..." for a one-line
 * error. */
static void report_line(struct mg_strbuf *out, const struct mg_strbuf *report)
{
	const char *p = mg_strbuf_cstr(report);

	for (; *p; p++) {
		if (*p == '\n') {
			if (p[1])
				mg_strbuf_puts(out, "; ");
		} else {
			mg_strbuf_putc(out, *p);
		}
	}
}

/* The drift check of migration `m` going up (live must equal `before`,
 * tables only in `after` must not exist) or down (the reverse). */
static int drift_check(struct mg_db *db, const struct mg_migration *m, int up)
{
	const struct mg_schema *expect = up ? m->before : m->after;
	const struct mg_schema *absent = up ? m->after : m->before;
	static const struct mg_schema none = {0, NULL, NULL};
	struct mg_strbuf report = {0}, line = {0};
	int rc;

	if (!expect && !absent)
		return 0;
	rc = compare_live(db, &report, expect ? expect : &none, 0, absent, NULL);
	if (rc == MG_E_DRIFT) {
		report_line(&line, &report);
		if (mg_strbuf_failed(&line))
			rc = db_nomem(db);
		else
			mg_db_error(db, rc,
				    "migration %u (%s): the live tables are not what it "
				    "expects %s: %s; nothing changed",
				    m->number, m->name, up ? "before it" : "to undo it",
				    mg_strbuf_cstr(&line));
	} else if (rc) {
		db_prefix(db, "migration %u (%s): drift check", m->number, m->name);
	}
	mg_strbuf_free(&report);
	mg_strbuf_free(&line);
	return rc;
}

/* ---- Running a migration ----------------------------------------------- */

/*
 * Runs the guard query of step `st`: MG_E_GUARD with the count and the
 * example key when it finds rows the step cannot keep, 0 when none.
 */
static int run_guard(struct mg_db *db, const struct mg_step *st)
{
	struct mg_rows *rows = NULL;
	const char *count, *key;
	int rc = mg_db_query(&rows, db, st->guard, 0, NULL);

	if (rc)
		goto done;
	rc = mg_rows_next(rows);
	if (rc < 0)
		goto done;
	count = rc == 1 ? mg_rows_text(rows, 0) : NULL;
	rc = 0;
	if (count && strtoull(count, NULL, 10) > 0) {
		key = mg_rows_text(rows, 1);
		rc = mg_db_error(
			db, MG_E_GUARD,
			"refused: %s row%s would not keep %s value (for example the row with "
			"key %s); nothing changed",
			count, strcmp(count, "1") == 0 ? "" : "s",
			strcmp(count, "1") == 0 ? "its" : "their", key ? key : "?");
	}
done:
	mg_rows_free(rows);
	return rc;
}

/* Puts "migration N (name), up|down step I (summary): " in front of the
 * message. */
static void step_prefix(struct mg_db *db, const struct mg_migration *m, int down, size_t i)
{
	const struct mg_plan *p = down ? &m->down[db->dialect] : &m->up[db->dialect];
	struct mg_strbuf summary = {0};

	mg_step_summary(&summary, down ? &m->down_ops : &m->up_ops, &p->steps[i]);
	db_prefix(db, "migration %u (%s), %s step %zu (%s)", m->number, m->name,
		  down ? "down" : "up", i + 1, mg_strbuf_cstr(&summary));
	mg_strbuf_free(&summary);
}

static int in_place(const struct mg_db *db, const struct mg_step *st)
{
	return st->kind == MG_STEP_REBUILD && (st->flags & MG_STEP_IN_PLACE) && db->driver->edit;
}

/*
 * Runs the in-place changes of steps *i.. of the plan that are next to each
 * other as one edit (the driver's), their guards first; *i ends at the last
 * of them, or at the step that failed (for its message).
 */
static int run_edits(struct mg_db *db, const struct mg_migration *m, int down, size_t *i)
{
	const struct mg_plan *p = down ? &m->down[db->dialect] : &m->up[db->dialect];
	const struct mg_rebuild **rbs;
	size_t n = 0, failed = 0, j;
	int rc = 0;

	while (*i + n < p->n_steps && in_place(db, &p->steps[*i + n]))
		n++;
	rbs = mg_calloc(n, sizeof(*rbs));
	if (!rbs)
		return db_nomem(db);
	for (j = 0; j < n && rc == 0; j++) {
		/* The first step's guard has run. */
		if (j && p->steps[*i + j].guard)
			rc = run_guard(db, &p->steps[*i + j]);
		rbs[j] = p->steps[*i + j].rebuild;
		failed = j;
	}
	if (rc == 0)
		rc = db->driver->edit(db, rbs, n, &failed);
	*i += rc ? failed : n - 1;
	free(rbs);
	return rc;
}

static int run_plan(struct mg_db *db, const struct mg_migration *m, int down)
{
	const struct mg_plan *p = down ? &m->down[db->dialect] : &m->up[db->dialect];
	size_t i;
	int rc = 0;

	for (i = 0; i < p->n_steps && rc == 0; i++) {
		const struct mg_step *st = &p->steps[i];

		if (st->guard)
			rc = run_guard(db, st);
		if (rc)
			;
		else if (st->kind == MG_STEP_SQL)
			rc = mg_db_exec(db, st->sql);
		else if (in_place(db, st))
			rc = run_edits(db, m, down, &i);
		else if (st->kind == MG_STEP_REBUILD && db->driver->rebuild)
			rc = db->driver->rebuild(db, st->rebuild);
		else if (st->kind == MG_STEP_REBUILD)
			rc = mg_db_error(db, MG_E_USAGE, "a table rebuild step is for SQLite only");
		else
			rc = mg_db_error(db, MG_E_USAGE, "unknown step kind %d", (int)st->kind);
		if (rc)
			step_prefix(db, m, down, i);
	}
	return rc;
}

static int run_hand(struct mg_db *db, const struct mg_migration *m, mg_migration_fn fn,
		    const char *dir)
{
	int rc;

	if (!fn)
		return 0;
	mg_strbuf_clear(&db->err);
	rc = fn(db);
	if (rc) {
		if (!db->err.len)
			mg_db_error(db, rc, "%s", mg_strerror(rc));
		db_prefix(db, "migration %u (%s), hand-written %s step", m->number, m->name, dir);
		if (rc > 0)
			rc = MG_E_STEP;
	}
	return rc;
}

/* Refuses (MG_E_IRREVERSIBLE) when going down from the current migration
 * of `st` to `target` would undo an irreversible migration (as applied:
 * this program's or its stored copy); 0 otherwise. */
static int refuse_irreversible(struct mg_db *db, const struct bk_state *st, unsigned target)
{
	unsigned n;

	for (n = st->current; n > target && n <= st->n_rows; n--) {
		const struct mg_migration *m = st->rows[n - 1].m;

		if (m && (m->flags & MG_MIGRATION_IRREVERSIBLE))
			return mg_db_error(db, MG_E_IRREVERSIBLE,
					   "migration %u (%s) is irreversible (%s); "
					   "run again with --force to accept that; nothing changed",
					   m->number, m->name,
					   m->irreversible_note
						   ? m->irreversible_note
						   : "undoing it loses data it changed");
	}
	return 0;
}

static int do_action(struct mg_db *db, const struct mg_registry *reg, const struct action *a,
		     const struct bk_state *st, unsigned flags)
{
	struct mg_strbuf sql = {0};
	size_t i;
	int rc = 0;

	switch (a->kind) {
	case ACT_CREATE:
		rc = bk_prepare(db, st);
		if (rc)
			break;
		mg_sql_create_schema(&sql, db->dialect, reg->schema);
		rc = db_exec_buf(db, &sql);
		if (rc) {
			db_prefix(db, "creating the schema of migration %zu", reg->n_migrations);
			break;
		}
		for (i = 0; i < reg->n_migrations && rc == 0; i++)
			rc = bk_stamp(db, reg->migrations[i], "create");
		break;
	case ACT_UP:
		rc = bk_prepare(db, st);
		if (rc == 0)
			rc = drift_check(db, a->m, 1);
		if (rc == 0)
			rc = run_plan(db, a->m, 0);
		if (rc == 0)
			rc = run_hand(db, a->m, a->m->run_up, "up");
		if (rc == 0)
			rc = bk_stamp(db, a->m, "migrate");
		break;
	case ACT_DOWN:
		if ((a->m->flags & MG_MIGRATION_IRREVERSIBLE) && !(flags & MG_UPDATE_FORCE)) {
			rc = refuse_irreversible(db, st, a->m->number - 1);
			break;
		}
		rc = bk_prepare(db, st);
		if (rc == 0)
			rc = drift_check(db, a->m, 0);
		if (rc == 0)
			rc = run_hand(db, a->m, a->m->run_down, "down");
		if (rc == 0)
			rc = run_plan(db, a->m, 1);
		if (rc == 0)
			rc = bk_unstamp(db, a->m->number);
		break;
	case ACT_UNMANAGED:
		rc = mg_db_error(
			db, MG_E_UNMANAGED,
			"the database has tables but no modelgen bookkeeping: adopt it with "
			"--baseline N (N: the migration its schema matches); nothing changed");
		break;
	case ACT_NONE:
		break;
	}
	mg_strbuf_free(&sql);
	return rc;
}

/* ---- --sql ------------------------------------------------------------- */

/* Prints what migration `m` runs going up or down. Returns 0 or
 * MG_E_NOMEM. */
static int print_plan(FILE *f, const struct mg_migration *m, int down, enum mg_dialect d)
{
	struct mg_strbuf b = {0};
	int rc = 0;

	mg_sql_plan(&b, m, down, d);
	if (mg_strbuf_failed(&b))
		rc = MG_E_NOMEM;
	else
		fputs(mg_strbuf_cstr(&b), f);
	mg_strbuf_free(&b);
	return rc;
}

static int dry_run(struct mg_db *db, const struct mg_registry *reg, struct bk_state *st,
		   unsigned target, unsigned flags, FILE *f)
{
	struct bk_state sim = *st;
	int rc = 0;

	for (;;) {
		struct action a = next_action(&sim, reg, target);

		if (a.kind == ACT_NONE)
			break;
		if (a.kind == ACT_UNMANAGED)
			return do_action(db, reg, &a, st, flags);
		if (a.kind == ACT_CREATE) {
			struct mg_strbuf b = {0};

			mg_sql_create_schema(&b, db->dialect, reg->schema);
			if (mg_strbuf_failed(&b)) {
				rc = db_nomem(db);
				break;
			}
			fprintf(f, "-- empty database: create the schema of migration %zu (%s)\n",
				reg->n_migrations, reg->migrations[reg->n_migrations - 1]->name);
			fputs(mg_strbuf_cstr(&b), f);
			fprintf(f, "-- and stamp migrations 1..%zu as applied\n",
				reg->n_migrations);
			mg_strbuf_free(&b);
			break;
		}
		if (a.kind == ACT_DOWN && (a.m->flags & MG_MIGRATION_IRREVERSIBLE) &&
		    !(flags & MG_UPDATE_FORCE))
			return do_action(db, reg, &a, st, flags);
		rc = print_plan(f, a.m, a.kind == ACT_DOWN, db->dialect);
		if (rc) {
			rc = db_nomem(db);
			break;
		}
		sim.current = a.kind == ACT_UP ? sim.current + 1 : sim.current - 1;
		sim.managed = 1;
		sim.user_objects = 1;
	}
	fflush(f);
	return rc;
}

/* ---- Public ------------------------------------------------------------ */

/* dbupdate's lock, where the dialect needs one beyond the transaction. */
static int lock(struct mg_db *db)
{
	return db->driver->lock ? db->driver->lock(db) : 0;
}

static void unlock(struct mg_db *db)
{
	if (db->driver->unlock)
		db->driver->unlock(db);
}

/* SQLite: the bookkeeping read in one read transaction (a consistent
 * snapshot under a shared lock, not the write lock). */
static int read_snapshot(struct bk_state *out, struct mg_db *db, const struct mg_registry *reg)
{
	int rc = mg_db_exec(db, "BEGIN");

	if (rc)
		return rc;
	rc = bk_read(out, db, reg);
	if (rc == 0)
		rc = mg_db_exec(db, "COMMIT");
	if (rc)
		mg_db_rollback(db);
	return rc;
}

static int set_fk(struct mg_db *db, int on)
{
	return db->driver->set_foreign_keys(db, on);
}

/* One mg_update call: where it goes and what it has done so far. */
struct update_run {
	const struct mg_registry *reg;
	unsigned target; /* the migration number to reach */
	unsigned flags;  /* MG_UPDATE_* */
	struct mg_update_result *did;
	struct lock_budget budget; /* PostgreSQL: lock waits and pauses */
	unsigned batch_size;       /* rows of one fill batch */
	int gave_up;               /* the budget is spent: no more tries */
};

/* Notes the migration the database was found at: `from` until the first
 * change, `to` every time. */
static void note_current(struct update_run *u, unsigned current)
{
	if (!u->did->actions)
		u->did->from = current;
	u->did->to = current;
}

/* --sql: what would run, printed to `f`; nothing changes. */
static int print_update(struct mg_db *db, struct update_run *u, FILE *f)
{
	struct bk_state st = {0};
	int rc = bk_read(&st, db, u->reg);

	note_current(u, st.current);
	if (rc == 0)
		rc = bk_check(db, &st, u->reg, u->target, (u->flags & MG_UPDATE_TO) != 0);
	if (rc == 0)
		rc = dry_run(db, u->reg, &st, u->target, u->flags, f);
	bk_state_free(&st);
	return rc;
}

/* Going down across an irreversible migration is refused before the first
 * step, so that a refusal leaves the database where it was. (Only --to can
 * go down: the latest is never below the current number.) */
static int refuse_before_any_step(struct mg_db *db, const struct update_run *u)
{
	struct bk_state st = {0};
	int rc;

	if (!(u->flags & MG_UPDATE_TO) || (u->flags & MG_UPDATE_FORCE))
		return 0;
	rc = bk_read(&st, db, u->reg);
	if (rc == 0)
		rc = refuse_irreversible(db, &st, u->target);
	bk_state_free(&st);
	return rc;
}

/*
 * Where the dialect can switch foreign keys off only outside a transaction
 * (SQLite), looks at the next action in a read snapshot first: *nothing
 * when there is none (the snapshot is checked and that is the end, without
 * waiting for the write lock), *fk_off when its plan needs the keys off
 * (rebuilds and drops), which they then are.
 */
static int peek(int *nothing, int *fk_off, struct mg_db *db, struct update_run *u)
{
	struct bk_state st = {0};
	struct action next;
	int rc = read_snapshot(&st, db, u->reg);

	*nothing = *fk_off = 0;
	if (rc)
		goto done;
	next = next_action(&st, u->reg, u->target);
	if (next.kind == ACT_NONE) {
		rc = bk_check(db, &st, u->reg, u->target, (u->flags & MG_UPDATE_TO) != 0);
		note_current(u, st.current);
		*nothing = 1;
	} else if (plan_needs_fk_off(action_plan(&next, db->dialect))) {
		rc = set_fk(db, 0);
		*fk_off = rc == 0;
	}
done:
	bk_state_free(&st);
	return rc;
}

/* 1 when `m` is one of this program's migrations, 0 for a stored copy. */
static int is_program_migration(const struct mg_registry *reg, const struct mg_migration *m)
{
	return m->number >= 1 && m->number <= reg->n_migrations &&
	       reg->migrations[m->number - 1] == m;
}

/* The progress line of action `a` (none for a down step about to be
 * refused as irreversible). */
static void report_action(struct mg_db *db, const struct update_run *u, const struct action *a)
{
	if (a->kind == ACT_DOWN && (a->m->flags & MG_MIGRATION_IRREVERSIBLE) &&
	    !(u->flags & MG_UPDATE_FORCE))
		return;
	if (a->kind == ACT_DOWN && !is_program_migration(u->reg, a->m))
		db_progress(db, "reverting %s (as applied, from the copy the database keeps)",
			    a->m->name);
	else if (a->kind == ACT_UP || a->kind == ACT_DOWN)
		db_progress(db, "%s %s", a->kind == ACT_UP ? "applying" : "reverting", a->m->name);
	else if (a->kind == ACT_CREATE)
		db_progress(db, "empty database: creating the schema of %s",
			    u->reg->migrations[u->reg->n_migrations - 1]->name);
}

/*
 * The step of `m`'s plan that a broken key between `table` (the child) and
 * `parent` comes from: the rebuild of the child (a key added or changed
 * there), else the rebuild of the parent; the last such. -1 when none is
 * (a table dropped by SQL, or rows broken before the migration).
 */
static long key_step(const struct mg_plan *p, const char *table, const char *parent)
{
	long i, found = -1;

	for (i = 0; i < (long)p->n_steps; i++) {
		const struct mg_rebuild *rb = p->steps[i].rebuild;

		if (p->steps[i].kind == MG_STEP_REBUILD && rb && rb->table &&
		    strcmp(rb->table->name, table) == 0)
			found = i;
	}
	for (i = 0; found < 0 && i < (long)p->n_steps; i++) {
		const struct mg_rebuild *rb = p->steps[i].rebuild;

		if (p->steps[i].kind == MG_STEP_REBUILD && rb &&
		    ((rb->table && strcmp(rb->table->name, parent) == 0) ||
		     (rb->old_name && strcmp(rb->old_name, parent) == 0)))
			found = i;
	}
	return found;
}

/* After a plan run with foreign keys off: the driver's check, its failure
 * named after the migration and the step the broken key comes from. */
static int check_keys(struct mg_db *db, const struct action *a)
{
	struct mg_strbuf table = {0}, parent = {0};
	int rc = db->driver->foreign_key_check(db, &table, &parent);

	if (rc == MG_E_FOREIGN_KEY && a->m) {
		int down = a->kind == ACT_DOWN;
		long i = key_step(action_plan(a, db->dialect), mg_strbuf_cstr(&table),
				  mg_strbuf_cstr(&parent));

		if (i >= 0)
			step_prefix(db, a->m, down, (size_t)i);
		else
			db_prefix(db, "migration %u (%s), after its %s steps", a->m->number,
				  a->m->name, down ? "down" : "up");
	}
	mg_strbuf_free(&table);
	mg_strbuf_free(&parent);
	return rc;
}

/*
 * Ends the message of an action that failed, its transaction rolled back,
 * with where the database stands (`st`: read in that transaction, before
 * the action).
 */
static void say_where(struct mg_db *db, const struct bk_state *st, const struct action *a)
{
	static const char refused[] = "nothing changed";
	const char *msg = mg_db_errmsg(db);
	size_t n = strlen(msg), k = sizeof(refused) - 1;
	/* A refusal already says nothing changed. */
	const char *how = n >= k && strcmp(msg + n - k, refused) == 0 ? ":" : "; rolled back:";

	if (!st->managed && st->user_objects) {
		/* Tables without bookkeeping: neither empty nor at a migration
		 * (the refusal says what to do). */
		if (how[0] != ':')
			db_suffix(db, "; rolled back");
	} else if (a->kind == ACT_CREATE || (!st->managed && st->current == 0)) {
		db_suffix(db, "%s the database stays empty", how);
	} else if (st->current == 0) {
		db_suffix(db, "%s the database stays at migration 0 (none applied)", how);
	} else {
		db_suffix(db, "%s the database stays at migration %u (%s)", how, st->current,
			  st->rows[st->n_rows - 1].name);
	}
}

/* ---- A migration as a recorded sequence (PostgreSQL) -------------------- */

/* Where the database stands, for the message of a run that gives up. */
static void state_text(struct mg_strbuf *b, const struct mg_migration *m, int down, size_t done,
		       size_t n)
{
	if (n == 0)
		mg_strbuf_printf(b, "nothing of migration %u (%s) was applied", m->number, m->name);
	else
		mg_strbuf_printf(b,
				 "stopped at a step boundary: migration %u (%s) %s has %zu of %zu "
				 "steps done; run dbupdate again to finish it",
				 m->number, m->name, down ? "down" : "up", done, n);
}

/* "migration N (name), up step i of n (summary)" */
static void step_what(struct mg_strbuf *b, const struct mg_migration *m, int down, size_t i,
		      size_t n)
{
	mg_strbuf_printf(b, "migration %u (%s), %s step %zu of %zu (", m->number, m->name,
			 down ? "down" : "up", i + 1, n);
}

/* One recorded migration being run. */
struct recorded {
	struct update_run *u;
	const struct mg_migration *m;
	int down;
	const struct mg_plan *p;
	const struct mg_ops *ops;
	size_t done;           /* steps done */
	char *cursor;          /* a batched fill's last key done, encoded */
	unsigned char *states; /* per step: its target index's state (NO_TX) */
	const struct bk_state *st;
};

static int rollback_on(struct mg_db *db, int rc)
{
	if (rc && db->in_tx)
		mg_db_rollback(db);
	return rc;
}

/*
 * What the progress row of migration `m` records to say which migration it
 * is: up, this program's checksum; down, the checksum of the bookkeeping
 * row, so that a down started from this program's migration and finished
 * from the stored copy (or the other way round) is the same one.
 */
static void progress_checksum(char sum[72], const struct bk_state *st, const struct mg_migration *m,
			      int down)
{
	if (down && m->number >= 1 && m->number <= st->n_rows) {
		snprintf(sum, 72, "%s", st->rows[m->number - 1].checksum);
		return;
	}
	mg_migration_checksum(sum, m);
}

/* The start: drift check and the progress row, in one transaction. */
static int start_unit(struct mg_db *db, struct recorded *r)
{
	char sum[72];
	int rc = mg_db_begin(db);

	if (rc == 0)
		rc = bk_prepare(db, r->st);
	if (rc == 0)
		rc = drift_check(db, r->m, !r->down);
	if (rc == 0 && r->down)
		rc = run_hand(db, r->m, r->m->run_down, "down");
	if (rc == 0) {
		progress_checksum(sum, r->st, r->m, r->down);
		rc = pr_start(db, r->m, r->down, sum, r->p->n_steps);
	}
	if (rc == 0)
		rc = mg_db_commit(db);
	return rollback_on(db, rc);
}

/* Step i in a transaction of its own, recorded done in it. */
static int tx_unit(struct mg_db *db, struct recorded *r, size_t i)
{
	const struct mg_step *st = &r->p->steps[i];
	int rc = mg_db_begin(db);

	if (rc == 0 && st->guard)
		rc = run_guard(db, st);
	if (rc == 0)
		rc = mg_db_exec(db, st->sql);
	if (rc == 0)
		rc = pr_advance(db, r->m->number, i + 1, NULL);
	if (rc == 0)
		rc = mg_db_commit(db);
	return rollback_on(db, rc);
}

/* Sets the state of every NO_TX step whose target is `target`. */
static void set_state(struct recorded *r, const char *target, unsigned char state)
{
	size_t j;

	for (j = 0; j < r->p->n_steps; j++)
		if (r->p->steps[j].target && (r->p->steps[j].flags & MG_STEP_NO_TX) &&
		    strcmp(r->p->steps[j].target, target) == 0)
			r->states[j] = state;
}

/* Step i outside a transaction (CREATE/DROP INDEX CONCURRENTLY), checked
 * before against pg_index: a valid index built is done, an invalid one (an
 * interrupted build) is dropped first, a dropped one is done. */
static int no_tx_unit(struct mg_db *db, struct recorded *r, size_t i)
{
	const struct mg_step *st = &r->p->steps[i];
	int create = strncmp(st->sql, "CREATE", 6) == 0, rc = 0;
	unsigned char state = r->states[i];

	if (create && state == 2) {
		struct mg_strbuf drop = {0};

		db_progress(db, "dropping the invalid index %s left by an interrupted build",
			    st->target);
		mg_strbuf_puts(&drop, "DROP INDEX CONCURRENTLY IF EXISTS ");
		mg_sql_ident(&drop, st->target);
		rc = db_exec_buf(db, &drop);
		mg_strbuf_free(&drop);
		if (rc == 0)
			set_state(r, st->target, state = 0);
	}
	if (rc == 0 && (create ? state != 1 : state != 0))
		rc = mg_db_exec(db, st->sql);
	if (rc) {
		/* A build or drop that failed may have left an invalid index. */
		struct mg_strbuf saved;
		unsigned char now = 0;

		db_save_error(db, &saved);
		if (online_index_states(db, 1, &st->target, &now) == 0)
			set_state(r, st->target, now);
		db_restore_error(db, &saved);
		return rc;
	}
	set_state(r, st->target, create ? 1 : 0);
	return pr_advance(db, r->m->number, i + 1, NULL);
}

/* One batch of step i (MG_STEP_BATCHED), its own transaction: *finished
 * when the step is done (recorded), else the cursor moves on. */
static int batch_unit(struct mg_db *db, struct recorded *r, size_t i, int *finished,
		      unsigned long long *set)
{
	const struct mg_step *st = &r->p->steps[i];
	size_t k = online_batch_keys(st->sql), j;
	char **vals = mg_calloc(k + 1, sizeof(char *));
	const char **params = mg_calloc(k + 2, sizeof(char *));
	char size[24];
	struct mg_rows *rows = NULL;
	char *next = NULL;
	int rc = 0;

	*finished = 0;
	if (!vals || !params) {
		rc = db_nomem(db);
		goto done;
	}
	if (r->cursor && online_cursor_decode(vals, k, r->cursor) != 0) {
		rc = mg_db_error(db, MG_E_INCONSISTENT,
				 "the recorded position of the fill (%s) cannot be read",
				 r->cursor);
		goto done;
	}
	for (j = 0; j < k; j++)
		params[j] = vals[j];
	snprintf(size, sizeof(size), "%u", r->u->batch_size);
	params[k] = size;
	rc = mg_db_begin(db);
	if (rc == 0)
		rc = mg_db_query(&rows, db, st->sql, k + 1, params);
	if (rc == 0)
		rc = mg_rows_next(rows);
	if (rc == 0) {
		*finished = 1;
		rc = pr_advance(db, r->m->number, i + 1, NULL);
	} else if (rc == 1) {
		const char **keys = (const char **)vals;
		const char *count;

		online_cursor_free(vals, k);
		for (j = 0; j < k; j++)
			keys[j] = mg_rows_text(rows, j) ? mg_rows_text(rows, j) : "";
		count = mg_rows_text(rows, k);
		*set += count ? strtoull(count, NULL, 10) : 0;
		next = online_cursor_encode(k, keys);
		memset(vals, 0, (k + 1) * sizeof(char *));
		rc = next ? pr_advance(db, r->m->number, i, next) : db_nomem(db);
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rc == 0)
		rc = mg_db_commit(db);
	if (rc == 0 && next) {
		free(r->cursor);
		r->cursor = next;
		next = NULL;
	} else if (rc == 0) {
		free(r->cursor);
		r->cursor = NULL;
	}
	rollback_on(db, rc);
done:
	mg_rows_free(rows);
	free(next);
	if (vals)
		online_cursor_free(vals, k);
	free(vals);
	free(params);
	return rc;
}

/* The end: hand-written up step, the live tables checked against the
 * migration's result, progress row gone, bookkeeping stamped. */
static int final_unit(struct mg_db *db, struct recorded *r)
{
	int rc = mg_db_begin(db);

	if (rc == 0 && !r->down)
		rc = run_hand(db, r->m, r->m->run_up, "up");
	if (rc == 0) {
		/* The state after: what drift_check expects before the other
		 * direction. */
		rc = drift_check(db, r->m, r->down);
		if (rc)
			db_prefix(db, "after its steps");
	}
	if (rc == 0)
		rc = pr_finish(db, r->m->number);
	/* The table exists only while a migration is half-done: a finished
	 * database has no table of this machinery (pull, inspection). */
	if (rc == 0)
		rc = mg_db_exec(db, "DROP TABLE IF EXISTS modelgen_progress");
	if (rc == 0)
		rc = r->down ? bk_unstamp(db, r->m->number) : bk_stamp(db, r->m, "migrate");
	if (rc == 0)
		rc = mg_db_commit(db);
	return rollback_on(db, rc);
}

enum unit_kind { UNIT_START, UNIT_STEP, UNIT_FINAL };

/* Runs one unit, tried again while its locks are not granted in time
 * (within the budget). */
static int run_unit(struct mg_db *db, struct recorded *r, enum unit_kind kind, size_t i)
{
	struct update_run *u = r->u;
	size_t n = r->p->n_steps;
	unsigned long long set = 0;
	long long last_report = online_now_ms();
	int rc;

	for (;;) {
		long long t0 = online_now_ms();
		struct mg_strbuf what = {0}, state = {0};
		int finished = 0;

		mg_strbuf_clear(&db->blockers);
		if (kind == UNIT_START)
			rc = start_unit(db, r);
		else if (kind == UNIT_FINAL)
			rc = final_unit(db, r);
		else if (r->p->steps[i].flags & MG_STEP_NO_TX)
			rc = no_tx_unit(db, r, i);
		else if (r->p->steps[i].flags & MG_STEP_BATCHED) {
			do {
				rc = batch_unit(db, r, i, &finished, &set);
				if (rc == 0 && online_now_ms() - last_report >= 2000) {
					db_progress(db,
						    "migration %u (%s): filling %s: %llu rows set",
						    r->m->number, r->m->name,
						    r->p->steps[i].target ? r->p->steps[i].target
									  : "a column",
						    set);
					last_report = online_now_ms();
				}
			} while (rc == 0 && !finished);
			if (rc == 0 && set)
				db_progress(db, "migration %u (%s): filled %s: %llu rows set",
					    r->m->number, r->m->name,
					    r->p->steps[i].target ? r->p->steps[i].target
								  : "a column",
					    set);
		} else
			rc = tx_unit(db, r, i);
		if (rc == 0)
			return 0;
		if (kind == UNIT_START)
			mg_strbuf_printf(&what, "migration %u (%s)", r->m->number, r->m->name);
		else if (kind == UNIT_FINAL)
			mg_strbuf_printf(&what, "migration %u (%s), its end", r->m->number,
					 r->m->name);
		else {
			step_what(&what, r->m, r->down, i, n);
			mg_step_summary(&what, r->ops, &r->p->steps[i]);
			mg_strbuf_putc(&what, ')');
		}
		if (rc != MG_E_LOCKED || u->gave_up) {
			if (!mg_strbuf_failed(&what))
				db_prefix(db, "%s", mg_strbuf_cstr(&what));
			mg_strbuf_free(&what);
			return rc;
		}
		state_text(&state, r->m, r->down, kind == UNIT_START ? 0 : r->done,
			   kind == UNIT_START ? 0 : n);
		rc = online_lock_wait(db, &u->budget, mg_strbuf_cstr(&what), online_now_ms() - t0,
				      mg_strbuf_cstr(&state));
		mg_strbuf_free(&what);
		mg_strbuf_free(&state);
		if (rc) {
			u->gave_up = 1;
			return rc;
		}
	}
}

/*
 * Runs migration a->m (up or down) as a recorded sequence: each step in a
 * transaction of its own (steps outside a transaction and batched fills as
 * they need), its completion recorded in modelgen_progress, from the step
 * after the last one done (`resume`, or none: from the start). Nothing is
 * ever applied twice: a transaction's step is recorded in it, a step
 * outside one is checked against pg_index first, a fill goes on from its
 * cursor.
 */
static int run_recorded(struct mg_db *db, struct update_run *u, const struct action *a,
			const struct bk_state *st, const struct pr_state *resume)
{
	struct recorded r = {0};
	const char **targets = NULL;
	unsigned char *states = NULL;
	size_t i, k = 0;
	int rc = 0;

	r.u = u;
	r.m = a->m;
	r.down = a->kind == ACT_DOWN;
	r.p = r.down ? &a->m->down[db->dialect] : &a->m->up[db->dialect];
	r.ops = r.down ? &a->m->down_ops : &a->m->up_ops;
	r.st = st;
	r.states = mg_calloc(r.p->n_steps + 1, 1);
	targets = mg_calloc(r.p->n_steps + 1, sizeof(*targets));
	states = mg_calloc(r.p->n_steps + 1, 1);
	if (!r.states || !targets || !states) {
		rc = db_nomem(db);
		goto done;
	}
	if (resume) {
		r.done = resume->done;
		if (resume->cursor && !(r.cursor = mg_strdup(resume->cursor))) {
			rc = db_nomem(db);
			goto done;
		}
		db_progress(db, "%s %s: going on after an interruption, %zu of %zu steps done",
			    r.down ? "reverting" : "applying", r.m->name, r.done, r.p->n_steps);
	} else {
		rc = run_unit(db, &r, UNIT_START, 0);
		if (rc)
			goto done;
	}
	/* The indexes of the steps outside a transaction, in one query. */
	for (i = r.done; i < r.p->n_steps; i++)
		if ((r.p->steps[i].flags & MG_STEP_NO_TX) && r.p->steps[i].target)
			targets[k++] = r.p->steps[i].target;
	rc = online_index_states(db, k, targets, states);
	for (i = r.done, k = 0; rc == 0 && i < r.p->n_steps; i++)
		if ((r.p->steps[i].flags & MG_STEP_NO_TX) && r.p->steps[i].target)
			r.states[i] = states[k++];
	for (i = r.done; rc == 0 && i < r.p->n_steps; i++) {
		rc = run_unit(db, &r, UNIT_STEP, i);
		if (rc == 0)
			r.done = i + 1;
	}
	if (rc == 0)
		rc = run_unit(db, &r, UNIT_FINAL, 0);
	if (rc == 0) {
		u->did->actions++;
		note_current(u, r.down ? r.m->number - 1 : r.m->number);
	}
done:
	free(r.cursor);
	free(r.states);
	free(targets);
	free(states);
	return rc;
}

/* The half-done migration `pr` as the action to finish, after checking it
 * is this program's and fits the bookkeeping. */
static int resume_action(struct action *a, struct mg_db *db, const struct update_run *u,
			 const struct bk_state *st, const struct pr_state *pr)
{
	const struct mg_migration *m = NULL;
	char sum[72];

	/* Going down, the migration as applied: this program's or the stored
	 * copy (bk_read), as next_action takes it. */
	if (pr->down && pr->number >= 1 && pr->number <= st->n_rows)
		m = st->rows[pr->number - 1].m;
	else if (!pr->down && pr->number >= 1 && pr->number <= u->reg->n_migrations)
		m = u->reg->migrations[pr->number - 1];
	if (!m)
		return mg_db_error(db, MG_E_AHEAD,
				   "migration %u was left half-done %s by a newer program (latest "
				   "here %zu): deploy its dbupdate to finish it; nothing changed",
				   pr->number, pr->down ? "down" : "up", u->reg->n_migrations);
	progress_checksum(sum, st, m, pr->down);
	if (strcmp(sum, pr->checksum) != 0)
		return mg_db_error(db, MG_E_CHECKSUM,
				   "migration %u (%s) was left half-done by a program whose "
				   "migration %u differs (checksum %.19s... there, %.19s... here): "
				   "finish it with that program's dbupdate; nothing changed",
				   m->number, m->name, m->number, pr->checksum, sum);
	if (pr->down ? st->current != pr->number : st->current + 1 != pr->number)
		return mg_db_error(
			db, MG_E_INCONSISTENT,
			"migration %u (%s) is recorded half-done %s, but the bookkeeping "
			"is at migration %u; nothing changed",
			m->number, m->name, pr->down ? "down" : "up", st->current);
	a->kind = pr->down ? ACT_DOWN : ACT_UP;
	a->m = m;
	return 0;
}

/* How one step under the lock ended. */
enum step_end {
	STEP_NOTHING_LEFT, /* the database is at the target */
	STEP_DONE,         /* one action committed */
	STEP_AGAIN         /* the action needs foreign keys off: look again */
};

/*
 * One step under the write lock, in one transaction: reads and checks the
 * bookkeeping, takes the next action towards the target (the create path,
 * or one migration up or down) and commits it with its bookkeeping row.
 * `fk_off`: foreign keys are off for it, as peek found it needs; when it
 * needs them off and they are not (another process moved the database on
 * since the peek), nothing is done and *end is STEP_AGAIN. On failure the
 * transaction is rolled back: nothing of the action stays.
 */
static int one_step(enum step_end *end, struct mg_db *db, struct update_run *u, int fk_off)
{
	struct bk_state st = {0};
	struct pr_state pr = {0};
	struct action a = {ACT_NONE, NULL};
	int rc;

	*end = STEP_NOTHING_LEFT;
	rc = mg_db_begin(db);
	if (rc == 0)
		rc = bk_read(&st, db, u->reg);
	if (rc == 0)
		rc = bk_check(db, &st, u->reg, u->target, (u->flags & MG_UPDATE_TO) != 0);
	if (rc == 0 && st.managed)
		rc = pr_read(&pr, db);
	if (rc == 0 && pr.exists)
		rc = resume_action(&a, db, u, &st, &pr);
	if (rc) {
		if (db->in_tx)
			mg_db_rollback(db);
		goto done;
	}
	note_current(u, st.current);
	if (!pr.exists)
		a = next_action(&st, u->reg, u->target);
	if (pr.exists || ((a.kind == ACT_UP || a.kind == ACT_DOWN) &&
			  online_plan_recorded(db, action_plan(&a, db->dialect)))) {
		/* Steps in transactions of their own: this one only read. */
		if (!pr.exists && a.kind == ACT_DOWN && (a.m->flags & MG_MIGRATION_IRREVERSIBLE) &&
		    !(u->flags & MG_UPDATE_FORCE)) {
			rc = refuse_irreversible(db, &st, a.m->number - 1);
			mg_db_rollback(db);
			goto done;
		}
		rc = mg_db_commit(db);
		if (!pr.exists)
			report_action(db, u, &a);
		if (rc == 0)
			rc = run_recorded(db, u, &a, &st, pr.exists ? &pr : NULL);
		if (rc == 0)
			*end = STEP_DONE;
		goto done;
	}
	if (a.kind == ACT_NONE) {
		rc = mg_db_commit(db);
		goto done;
	}
	if (db->driver->set_foreign_keys && !fk_off &&
	    plan_needs_fk_off(action_plan(&a, db->dialect))) {
		mg_db_rollback(db);
		*end = STEP_AGAIN;
		goto done;
	}
	report_action(db, u, &a);
	rc = do_action(db, u->reg, &a, &st, u->flags);
	if (rc == 0 && fk_off)
		rc = check_keys(db, &a);
	if (rc == 0)
		rc = mg_db_commit(db);
	if (rc) {
		mg_db_rollback(db);
		say_where(db, &st, &a);
		goto done;
	}
	u->did->actions++;
	*end = STEP_DONE;
done:
	bk_state_free(&st);
	pr_state_free(&pr);
	return rc;
}

/* Steps until the database is at the target or a step fails. */
static int run_steps(struct mg_db *db, struct update_run *u)
{
	enum step_end end;
	int rc;

	do {
		int nothing = 0, fk_off = 0;

		if (db->driver->set_foreign_keys) {
			rc = peek(&nothing, &fk_off, db, u);
			if (rc || nothing)
				return rc;
		}
		for (;;) {
			long long t0 = online_now_ms();

			mg_strbuf_clear(&db->blockers);
			rc = one_step(&end, db, u, fk_off);
			/* PostgreSQL: a migration in one transaction whose lock
			 * was not granted in time is tried again (rolled back). */
			if (rc != MG_E_LOCKED || u->gave_up || !db->driver->sql_index_states)
				break;
			rc = online_lock_wait(db, &u->budget, mg_db_errmsg(db),
					      online_now_ms() - t0,
					      "nothing of the migration was applied");
			if (rc) {
				u->gave_up = 1;
				break;
			}
		}
		if (fk_off)
			set_fk(db, 1);
	} while (rc == 0 && end != STEP_NOTHING_LEFT);
	return rc;
}

int mg_update(struct mg_update_result *out, struct mg_db *db, const struct mg_registry *reg,
	      const struct mg_update_options *opts)
{
	static const struct mg_update_options none = {0};
	struct mg_update_result did = {0, 0, 0};
	struct update_run u;
	int rc;

	if (!opts)
		opts = &none;
	memset(&u, 0, sizeof(u));
	u.reg = reg;
	u.did = &did;
	u.flags = opts->flags;
	u.target = (u.flags & MG_UPDATE_TO) ? opts->to : (unsigned)reg->n_migrations;
	if (u.target > reg->n_migrations)
		rc = mg_db_error(db, MG_E_RANGE, "no migration %u: the latest is %zu", u.target,
				 reg->n_migrations);
	else if ((u.flags & MG_UPDATE_DRY_RUN) && !opts->sql_out)
		rc = mg_db_error(db, MG_E_USAGE, "MG_UPDATE_DRY_RUN needs sql_out for the SQL");
	else
		rc = mg_db_set_lock_timeout(db, opts->lock_timeout_ms ? opts->lock_timeout_ms
								      : MG_DEFAULT_LOCK_TIMEOUT_MS);
	db->progress = opts->progress;
	db->progress_ctx = opts->progress_ctx;
	if (rc == 0 && (u.flags & MG_UPDATE_DRY_RUN)) {
		rc = print_update(db, &u, opts->sql_out);
	} else if (rc == 0 && (rc = lock(db)) == 0) {
		/* PostgreSQL: every statement of a migration under the short
		 * lock timeout, retried (online.h). */
		int online = db->driver->sql_index_states != NULL;
		unsigned was = db->lock_timeout_ms;

		u.budget.max_ms = opts->max_lock_wait_ms ? opts->max_lock_wait_ms
							 : MG_DEFAULT_MAX_LOCK_WAIT_MS;
		u.batch_size = opts->batch_size ? opts->batch_size : MG_DEFAULT_BATCH_SIZE;
		if (online) {
			rc = mg_db_set_lock_timeout(db, opts->ddl_lock_timeout_ms
								? opts->ddl_lock_timeout_ms
								: MG_DEFAULT_DDL_LOCK_TIMEOUT_MS);
			db->watch_locks = 1;
		}
		if (rc == 0)
			rc = refuse_before_any_step(db, &u);
		if (rc == 0)
			rc = run_steps(db, &u);
		if (online) {
			struct mg_strbuf saved;

			db->watch_locks = 0;
			db_save_error(db, &saved);
			mg_db_set_lock_timeout(db, was);
			db_restore_error(db, &saved);
		}
		unlock(db);
	}
	db->progress = NULL;
	db->progress_ctx = NULL;
	if (out)
		*out = did;
	return rc;
}

int mg_status(struct mg_status *out, struct mg_db *db, const struct mg_registry *reg)
{
	struct bk_state st = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	out->latest = (unsigned)reg->n_migrations;
	rc = bk_read(&st, db, reg);
	if (rc)
		goto done;
	out->managed = st.managed;
	out->empty = !st.user_objects;
	out->current = st.current;
	rc = bk_check(db, &st, reg, (unsigned)reg->n_migrations, 0);
	if (rc == 0 && st.managed) {
		struct pr_state pr;

		rc = pr_read(&pr, db);
		if (rc == 0 && pr.exists) {
			out->partial = pr.number;
			out->partial_down = pr.down;
			out->partial_done = pr.done;
			out->partial_steps = pr.n_steps;
		}
		pr_state_free(&pr);
	}
done:
	bk_state_free(&st);
	return rc;
}

/* Verify or check for baseline: live schema vs the schema after `number`. */
static int check_against(char **report, struct mg_db *db, const struct mg_registry *reg,
			 unsigned number)
{
	struct mg_schema *expected = NULL;
	struct mg_strbuf r = {0};
	int rc = schema_at(&expected, reg, number);

	if (rc)
		rc = db_nomem(db);
	else
		rc = compare_live(db, &r, expected, 1, NULL, reg);
	if (rc == MG_E_DRIFT) {
		struct mg_strbuf line = {0};

		report_line(&line, &r);
		if (mg_strbuf_failed(&line))
			rc = db_nomem(db);
		else
			mg_db_error(
				db, rc,
				"the live schema differs from the schema after migration %u: %s",
				number, mg_strbuf_cstr(&line));
		mg_strbuf_free(&line);
		if (rc == MG_E_DRIFT && report && !(*report = mg_strbuf_detach(&r)))
			rc = db_nomem(db);
	} else if (rc == 0 && r.len && report && !(*report = mg_strbuf_detach(&r))) {
		/* Only notes (drift.h): what matches with a remark. */
		rc = db_nomem(db);
	}
	mg_strbuf_free(&r);
	mg_schema_free(expected);
	return rc;
}

int mg_verify(char **report, struct mg_db *db, const struct mg_registry *reg, int use_number,
	      unsigned number)
{
	struct mg_status status;
	int rc;

	if (report)
		*report = NULL;
	rc = mg_status(&status, db, reg);
	if (rc)
		return rc;
	if (!use_number) {
		if (!status.managed && !status.empty)
			return mg_db_error(
				db, MG_E_UNMANAGED,
				"the database has tables but no modelgen bookkeeping: "
				"nothing to verify against (adopt it with --baseline N)");
		/* Not "matches migration 0": a deploy check must not pass a
		 * database that was never set up. */
		if (!status.managed)
			return mg_db_error(db, MG_E_UNMANAGED,
					   "the database is empty (no tables, no modelgen "
					   "bookkeeping): nothing to verify; dbupdate creates "
					   "it at migration %zu",
					   reg->n_migrations);
		number = status.current;
	}
	if (number > reg->n_migrations)
		return mg_db_error(db, MG_E_RANGE, "no migration %u: the latest is %zu", number,
				   reg->n_migrations);
	return check_against(report, db, reg, number);
}

int mg_baseline(char **report, struct mg_db *db, const struct mg_registry *reg, unsigned number)
{
	struct bk_state st = {0};
	size_t i;
	int rc, locked = 0;

	if (report)
		*report = NULL;
	/* 0: a database whose tables the models all leave alone
	 * (MG_FOREIGN_TABLE) gets bookkeeping with nothing applied. */
	if (number > reg->n_migrations)
		return mg_db_error(db, MG_E_RANGE,
				   "--baseline %u: migrations are numbered 1 to %zu", number,
				   reg->n_migrations);
	rc = lock(db);
	if (rc)
		goto done;
	locked = 1;
	rc = mg_db_begin(db);
	if (rc)
		goto done;
	rc = bk_read(&st, db, reg);
	if (rc == 0 && st.managed && st.n_rows)
		rc = mg_db_error(db, MG_E_INCONSISTENT,
				 "the database already has modelgen bookkeeping (at migration %u): "
				 "--baseline is only for databases without it",
				 st.current);
	if (rc == 0)
		rc = check_against(report, db, reg, number);
	if (rc == 0)
		rc = bk_prepare(db, &st);
	for (i = 0; rc == 0 && i < number; i++)
		rc = bk_stamp(db, reg->migrations[i], "baseline");
	if (rc == 0)
		rc = mg_db_commit(db);
	else
		mg_db_rollback(db);
done:
	bk_state_free(&st);
	if (locked)
		unlock(db);
	return rc;
}
