/*
 * The bookkeeping of a database (table modelgen_migrations): reading the
 * applied migrations, checking them against a registry, stamping and
 * unstamping rows.
 */
#ifndef MG_BOOKKEEPING_H
#define MG_BOOKKEEPING_H

#include <stddef.h>

#include "db_int.h"
#include "modelgen/migration.h"

struct bk_row {
	unsigned number;
	char *name;
	char *checksum;
};

struct bk_state {
	int managed;      /* modelgen_migrations exists */
	int user_objects; /* any table, view, ... that is not bookkeeping */
	size_t n_rows;
	struct bk_row *rows; /* by number */
	unsigned current;    /* highest applied number; 0 for none */
};

/* Reads the state; free with bk_state_free. Returns 0 or MG_E_SQL. */
int bk_read(struct bk_state *out, struct mg_db *db);
void bk_state_free(struct bk_state *st);

/* Checks the applied rows against `reg`: MG_E_AHEAD, MG_E_INCONSISTENT,
 * MG_E_OTHER_BRANCH, MG_E_CHECKSUM with a one-line message, or 0. */
int bk_check(struct mg_db *db, const struct bk_state *st, const struct mg_registry *reg);

/* Creates the bookkeeping table when missing. */
int bk_create(struct mg_db *db);

/* Records `m` as applied (`how`: "create", "migrate", "baseline"). */
int bk_stamp(struct mg_db *db, const struct mg_migration *m, const char *how);

/* Removes the row of migration `number`. */
int bk_unstamp(struct mg_db *db, unsigned number);

#endif
