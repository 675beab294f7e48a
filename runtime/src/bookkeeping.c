/*
 * Bookkeeping in the database: one row per applied migration in
 * modelgen_migrations (number, name, parent and result schema hash, the
 * runtime checksum, tool version, how and when it was applied, and the
 * stored copy of the migration, migration_copy.h).
 */
#include "bookkeeping.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migration_copy.h"
#include "util/alloc.h"
#include "util/arena.h"

#ifndef MG_VERSION
#define MG_VERSION "0"
#endif

static const char create_sql[] = "CREATE TABLE IF NOT EXISTS modelgen_migrations (\n"
				 "    number INTEGER NOT NULL PRIMARY KEY,\n"
				 "    name TEXT NOT NULL,\n"
				 "    parent_hash TEXT NOT NULL,\n"
				 "    result_hash TEXT NOT NULL,\n"
				 "    checksum TEXT NOT NULL,\n"
				 "    tool_version TEXT NOT NULL,\n"
				 "    applied_by TEXT NOT NULL,\n"
				 "    applied_at TEXT NOT NULL,\n"
				 "    undo_copy TEXT\n"
				 ");\n";

/* The column undo_copy came after the table: one made by an older dbupdate
 * gets it with its next change. */
static const char add_copy_sql[] = "ALTER TABLE modelgen_migrations ADD COLUMN undo_copy TEXT";

static const char *has_copies_sql(const struct mg_db *db)
{
	if (db->dialect == MG_DIALECT_SQLITE)
		return "SELECT count(*) FROM pragma_table_info('modelgen_migrations')"
		       " WHERE name = 'undo_copy'";
	return "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
	       " JOIN pg_namespace n ON n.oid = c.relnamespace"
	       " WHERE n.nspname = current_schema() AND c.relname = 'modelgen_migrations'"
	       " AND a.attname = 'undo_copy' AND NOT a.attisdropped";
}

/* 1 when migration `m` is the one of row `r`: same number, name and
 * checksum. */
static int same_migration(const struct bk_row *r, const struct mg_migration *m)
{
	char sum[72];

	if (!m || r->number != m->number || strcmp(r->name, m->name) != 0)
		return 0;
	mg_migration_checksum(sum, m);
	return strcmp(r->checksum, sum) == 0;
}

/*
 * 1 when generated migration `m` is row `r` generated again: same number
 * and name, the same schema before and after (parent and result hash) but
 * other steps (a newer modelgen plans them otherwise, format 1 to 2, an
 * --amend that changed no model). The database is where `m` would leave
 * it, so it counts as applied; a hand-written migration (code) never does.
 */
static int regenerated(const struct bk_row *r, const struct mg_migration *m)
{
	return m && !m->run_up && !m->run_down && r->number == m->number &&
	       strcmp(r->name, m->name) == 0 && m->result_hash && *m->result_hash &&
	       strcmp(r->result_hash, m->result_hash) == 0 &&
	       strcmp(r->parent_hash, m->parent_hash ? m->parent_hash : "") == 0;
}

static const struct mg_migration *program_migration(const struct mg_registry *reg, unsigned number)
{
	return number >= 1 && number <= reg->n_migrations ? reg->migrations[number - 1] : NULL;
}

/* Row `r` (not this program's, or above one that is not): its migration
 * from its stored copy, else this program's same one, else why not. */
static int read_copy(struct mg_db *db, struct bk_state *st, struct bk_row *r,
		     const struct mg_registry *reg)
{
	const struct mg_migration *same = program_migration(reg, r->number);
	struct mg_migration *m = NULL;
	struct mg_strbuf why = {0};
	char number[24], *text = NULL;
	const char *params[1] = {number};
	int code = 0, rc = 0;

	if (!same_migration(r, same))
		same = NULL;
	if (r->copy < 0) {
		r->m = same;
		r->why = "the database keeps no copy of it (it was applied by an older dbupdate)";
		return 0;
	}
	if (r->copy == 1) {
		r->m = same;
		r->why = "its down is hand-written code, which only a build that has it can run";
		return 0;
	}
	snprintf(number, sizeof(number), "%u", r->number);
	rc = db_query_value(&text, db,
			    "SELECT undo_copy FROM modelgen_migrations"
			    " WHERE number = CAST($1 AS INTEGER)",
			    1, params);
	if (rc)
		return rc;
	rc = mg_copy_read(&m, &code, st->arena, text ? text : "", db->dialect, &why);
	if (rc == MG_E_NOMEM || mg_strbuf_failed(&why)) {
		rc = db_nomem(db);
	} else if (rc) {
		r->m = same;
		r->why = mg_arena_printf(st->arena, "its stored copy cannot be read: %s",
					 mg_strbuf_cstr(&why));
		rc = r->why ? 0 : db_nomem(db);
	} else {
		r->m = m;
	}
	free(text);
	mg_strbuf_free(&why);
	return rc;
}

/* Which rows match `reg`, and the copies of those above them. */
static int match_rows(struct mg_db *db, struct bk_state *st, const struct mg_registry *reg)
{
	size_t i;
	int rc = 0;

	while (st->matched < st->n_rows) {
		struct bk_row *r = &st->rows[st->matched];

		if (r->number != st->matched + 1 ||
		    (!same_migration(r, program_migration(reg, r->number)) &&
		     !regenerated(r, program_migration(reg, r->number))))
			break;
		r->m = reg->migrations[st->matched];
		st->matched++;
	}
	if (st->matched == st->n_rows)
		return 0;
	st->arena = mg_arena_new();
	if (!st->arena)
		return db_nomem(db);
	for (i = st->matched; i < st->n_rows && rc == 0; i++)
		rc = read_copy(db, st, &st->rows[i], reg);
	return rc;
}

int bk_read(struct bk_state *out, struct mg_db *db, const struct mg_registry *reg)
{
	static const char select_sql[] = "SELECT number, name, checksum, parent_hash, result_hash"
					 " FROM modelgen_migrations ORDER BY number";
	static const char select_copies_sql[] =
		"SELECT number, name, checksum, parent_hash, result_hash, substr(undo_copy, 1, 48)"
		" FROM modelgen_migrations ORDER BY number";
	struct mg_rows *rows = NULL;
	char *v = NULL;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_query_value(&v, db, db->driver->sql_managed, 0, NULL);
	if (rc)
		goto done;
	out->managed = v && strcmp(v, "0") != 0;
	free(v);
	v = NULL;
	rc = db_query_value(&v, db, db->driver->sql_user_objects, 0, NULL);
	if (rc)
		goto done;
	out->user_objects = v && strcmp(v, "0") != 0;
	if (!out->managed)
		goto done;
	free(v);
	v = NULL;
	rc = db_query_value(&v, db, has_copies_sql(db), 0, NULL);
	if (rc)
		goto done;
	out->has_copies = v && strcmp(v, "0") != 0;
	rc = mg_db_query(&rows, db, out->has_copies ? select_copies_sql : select_sql, 0, NULL);
	if (rc)
		goto done;
	while ((rc = mg_rows_next(rows)) == 1) {
		struct bk_row *r;
		const char *name = mg_rows_text(rows, 1), *checksum = mg_rows_text(rows, 2);

		if (out->n_rows == cap) {
			struct bk_row *more =
				mg_realloc(out->rows, (cap ? cap * 2 : 32) * sizeof(*out->rows));

			if (!more) {
				rc = db_nomem(db);
				goto done;
			}
			out->rows = more;
			cap = cap ? cap * 2 : 32;
		}
		r = &out->rows[out->n_rows];
		memset(r, 0, sizeof(*r));
		r->number = (unsigned)strtoul(mg_rows_text(rows, 0), NULL, 10);
		r->name = mg_strdup(name ? name : "");
		r->checksum = mg_strdup(checksum ? checksum : "");
		r->parent_hash = mg_strdup(mg_rows_text(rows, 3) ? mg_rows_text(rows, 3) : "");
		r->result_hash = mg_strdup(mg_rows_text(rows, 4) ? mg_rows_text(rows, 4) : "");
		r->copy = out->has_copies && mg_rows_text(rows, 5)
				  ? mg_copy_needs_code(mg_rows_text(rows, 5))
				  : -1;
		/* A copy this program does not read: refused when read. */
		if (out->has_copies && mg_rows_text(rows, 5) && r->copy < 0)
			r->copy = 0;
		if (!r->name || !r->checksum || !r->parent_hash || !r->result_hash) {
			free(r->name);
			free(r->checksum);
			free(r->parent_hash);
			free(r->result_hash);
			rc = db_nomem(db);
			goto done;
		}
		out->n_rows++;
		out->current = r->number;
	}
	if (rc > 0)
		rc = 0;
	mg_rows_free(rows);
	rows = NULL;
	if (rc == 0)
		rc = match_rows(db, out, reg);
done:
	if (rc)
		db_prefix(db, "reading the bookkeeping");
	mg_rows_free(rows);
	free(v);
	return rc;
}

void bk_state_free(struct bk_state *st)
{
	size_t i;

	for (i = 0; i < st->n_rows; i++) {
		free(st->rows[i].name);
		free(st->rows[i].checksum);
		free(st->rows[i].parent_hash);
		free(st->rows[i].result_hash);
	}
	free(st->rows);
	mg_arena_free(st->arena);
	memset(st, 0, sizeof(*st));
}

/* The first row above `st->matched` that this program cannot undo, or
 * NULL. */
static const struct bk_row *blocking_row(const struct bk_state *st)
{
	size_t i;

	for (i = st->matched; i < st->n_rows; i++)
		if (!st->rows[i].m)
			return &st->rows[i];
	return NULL;
}

/* 1 when undoing the rows above `st->matched` needs --force. */
static int needs_force(const struct bk_state *st)
{
	size_t i;

	for (i = st->matched; i < st->n_rows; i++)
		if (st->rows[i].m && (st->rows[i].m->flags & MG_MIGRATION_IRREVERSIBLE))
			return 1;
	return 0;
}

/* What undoes the rows above `st->matched`, for a message: this program's
 * command, or what to do without it. */
static void put_advice(struct mg_strbuf *b, const struct bk_state *st, const char *then)
{
	const struct bk_row *blocked = blocking_row(st);
	size_t n = st->n_rows - st->matched;

	if (!blocked) {
		mg_strbuf_printf(b,
				 "undo %s with `dbupdate --to %u%s` (this program can: the "
				 "database keeps a copy of each applied migration)%s",
				 n == 1 ? "it" : "them", st->matched,
				 needs_force(st) ? " --force" : "", then);
		return;
	}
	mg_strbuf_printf(b,
			 "this program cannot undo migration %u (%s): %s; undo it with the "
			 "build that applied it (its `dbupdate --to %u`), or recreate the "
			 "database",
			 blocked->number, blocked->name, blocked->why, st->matched);
}

int bk_check(struct mg_db *db, const struct bk_state *st, const struct mg_registry *reg,
	     unsigned target, int to)
{
	const struct mg_migration *m;
	const struct bk_row *r, *last;
	struct mg_strbuf advice = {0};
	char sum[72];
	size_t i;
	int rc, code;

	for (i = 0; i < st->n_rows; i++)
		if (st->rows[i].number != i + 1)
			return mg_db_error(
				db, MG_E_INCONSISTENT,
				"the bookkeeping lists migration %u but not migration %zu; "
				"nothing changed",
				st->rows[i].number, i + 1);
	if (st->matched == st->n_rows)
		return 0;
	r = &st->rows[st->matched];
	last = &st->rows[st->n_rows - 1];
	m = program_migration(reg, r->number);
	code = !m ? MG_E_AHEAD : strcmp(r->name, m->name) != 0 ? MG_E_OTHER_BRANCH : MG_E_CHECKSUM;
	if (to && target <= st->matched && !blocking_row(st))
		return 0;
	put_advice(&advice, st, ", then run dbupdate to apply this program's");
	if (mg_strbuf_failed(&advice)) {
		mg_strbuf_free(&advice);
		return db_nomem(db);
	}
	if (to && target <= st->matched)
		rc = mg_db_error(db, code, "%s; nothing changed", mg_strbuf_cstr(&advice));
	else if (code == MG_E_AHEAD && blocking_row(st))
		rc = mg_db_error(db, code,
				 "the database is at migration %u (%s), ahead of this program "
				 "(latest %zu): deploy the newer program's dbupdate; nothing "
				 "changed",
				 last->number, last->name, reg->n_migrations);
	else if (code == MG_E_AHEAD)
		rc = mg_db_error(db, code,
				 "the database is at migration %u (%s), ahead of this program "
				 "(latest %zu): deploy the newer program's dbupdate, or go back "
				 "to this program's latest with `dbupdate --to %zu%s` (the "
				 "database keeps a copy of each applied migration); nothing "
				 "changed",
				 last->number, last->name, reg->n_migrations, reg->n_migrations,
				 needs_force(st) ? " --force" : "");
	else if (code == MG_E_OTHER_BRANCH)
		rc = mg_db_error(db, code,
				 "migration %u applied to the database is %s, but this program's "
				 "migration %u is %s (another branch's migration with the same "
				 "number%s): %s; nothing changed",
				 r->number, r->name, m->number, m->name,
				 st->n_rows - st->matched > 1 ? ", and the ones after it" : "",
				 mg_strbuf_cstr(&advice));
	else {
		mg_migration_checksum(sum, m);
		rc = mg_db_error(db, code,
				 "migration %u (%s) was edited after it was applied (amended? "
				 "checksum %.19s... in the database, %.19s... in this program): "
				 "%s; nothing changed",
				 r->number, r->name, r->checksum, sum, mg_strbuf_cstr(&advice));
	}
	mg_strbuf_free(&advice);
	return rc;
}

/* The copy of `m` as text for the database's dialect into `b`. */
static int copy_text(struct mg_db *db, struct mg_strbuf *b, const struct mg_migration *m)
{
	mg_copy_write(b, m, db->dialect);
	return mg_strbuf_failed(b) ? db_nomem(db) : 0;
}

int bk_prepare(struct mg_db *db, const struct bk_state *st)
{
	size_t i;
	int rc = 0;

	if (!st->managed)
		return mg_db_exec(db, create_sql);
	if (!st->has_copies)
		rc = mg_db_exec(db, add_copy_sql);
	for (i = 0; rc == 0 && i < st->matched; i++) {
		struct mg_strbuf text = {0};
		char number[24];
		const char *params[2];

		if (st->rows[i].copy >= 0)
			continue;
		rc = copy_text(db, &text, st->rows[i].m);
		snprintf(number, sizeof(number), "%u", st->rows[i].number);
		params[0] = mg_strbuf_cstr(&text);
		params[1] = number;
		if (rc == 0)
			rc = mg_db_execp(db,
					 "UPDATE modelgen_migrations SET undo_copy = $1"
					 " WHERE number = CAST($2 AS INTEGER)",
					 2, params, NULL);
		mg_strbuf_free(&text);
	}
	if (rc)
		db_prefix(db, "updating the bookkeeping");
	return rc;
}

int bk_stamp(struct mg_db *db, const struct mg_migration *m, const char *how)
{
	char number[24], sum[72], when[32];
	struct mg_strbuf text = {0};
	const char *params[9];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	snprintf(number, sizeof(number), "%u", m->number);
	mg_migration_checksum(sum, m);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = copy_text(db, &text, m);
	params[0] = number;
	params[1] = m->name;
	params[2] = m->parent_hash ? m->parent_hash : "";
	params[3] = m->result_hash ? m->result_hash : "";
	params[4] = sum;
	params[5] = MG_VERSION;
	params[6] = how;
	params[7] = when;
	params[8] = mg_strbuf_cstr(&text);
	if (rc == 0)
		rc = mg_db_execp(db,
				 "INSERT INTO modelgen_migrations (number, name, parent_hash,"
				 " result_hash, checksum, tool_version, applied_by, applied_at,"
				 " undo_copy) VALUES (CAST($1 AS INTEGER), $2, $3, $4, $5, $6, $7,"
				 " $8, $9)",
				 9, params, NULL);
	if (rc)
		db_prefix(db, "recording migration %u (%s)", m->number, m->name);
	mg_strbuf_free(&text);
	return rc;
}

int bk_unstamp(struct mg_db *db, unsigned number)
{
	char n[24];
	const char *params[1] = {n};

	snprintf(n, sizeof(n), "%u", number);
	return mg_db_execp(db, db->driver->sql_unstamp, 1, params, NULL);
}
