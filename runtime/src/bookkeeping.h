/*
 * The bookkeeping of a database (table modelgen_migrations): reading the
 * applied migrations, checking them against a registry, stamping and
 * unstamping rows. Each row keeps a copy of its migration (undo_copy,
 * migration_copy.h): what undoing it needs, so that a program that no
 * longer has that migration (amended, another branch's, discarded, or newer
 * than the program) can still go down through it.
 */
#ifndef MG_BOOKKEEPING_H
#define MG_BOOKKEEPING_H

#include <stddef.h>

#include "db_int.h"
#include "modelgen/migration.h"

struct mg_arena;

struct bk_row {
	unsigned number;
	char *name;
	char *checksum;
	char *parent_hash, *result_hash;
	int copy; /* its stored copy: -1 none, 0 steps, 1 its down is code */
	/* The migration as it was applied: this program's for the rows that
	 * match it, else the one read from the stored copy (or this
	 * program's when it is the same: same number, name and checksum);
	 * NULL when this program cannot undo it, `why` says why. */
	const struct mg_migration *m;
	const char *why;
};

struct bk_state {
	int managed;      /* modelgen_migrations exists */
	int user_objects; /* any table, view, ... that is not bookkeeping */
	int has_copies;   /* it has the column undo_copy (older ones do not) */
	size_t n_rows;
	struct bk_row *rows; /* by number */
	unsigned current;    /* highest applied number; 0 for none */
	/* Rows 1..matched are this program's migrations (same number, name
	 * and checksum, or a generated migration generated again: same
	 * schema before and after); the rows above them are not. */
	unsigned matched;
	struct mg_arena *arena; /* the copies read */
};

/* Reads the state and, for the rows above the ones matching `reg`, the
 * stored copies; free with bk_state_free. Returns 0, MG_E_SQL or
 * MG_E_NOMEM. */
int bk_read(struct bk_state *out, struct mg_db *db, const struct mg_registry *reg);
void bk_state_free(struct bk_state *st);

/*
 * Checks the applied rows against `reg` for going to `target` (`to`: the
 * target was asked for, dbupdate --to): rows that are not this program's
 * migrations are refused (MG_E_AHEAD, MG_E_OTHER_BRANCH, MG_E_CHECKSUM, with
 * the command that undoes them when this program can) unless `to` asks to
 * go below all of them and each can be undone (otherwise the first that
 * cannot is named). MG_E_INCONSISTENT for a gap; 0 when fine.
 */
int bk_check(struct mg_db *db, const struct bk_state *st, const struct mg_registry *reg,
	     unsigned target, int to);

/*
 * Before a change: creates the bookkeeping table when missing, adds the
 * column undo_copy to one made by an older dbupdate, and stores the copy of
 * each matching row that has none yet.
 */
int bk_prepare(struct mg_db *db, const struct bk_state *st);

/* Records `m` as applied (`how`: "create", "migrate", "baseline"), with its
 * copy. Needs bk_prepare first. */
int bk_stamp(struct mg_db *db, const struct mg_migration *m, const char *how);

/* Removes the row of migration `number`. */
int bk_unstamp(struct mg_db *db, unsigned number);

#endif
