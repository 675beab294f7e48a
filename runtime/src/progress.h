/*
 * The progress of a half-done migration (table modelgen_progress, one row
 * at most): a PostgreSQL migration with steps outside its transaction runs
 * as a recorded sequence (online.c), and this row says which of its steps
 * are done and where a batched fill stopped. It is deleted in the
 * transaction that stamps (or unstamps) the migration. See
 * /work/coord/ONLINE.md for the design.
 */
#ifndef MG_PROGRESS_H
#define MG_PROGRESS_H

#include "db_int.h"
#include "modelgen/migration.h"

struct pr_state {
	int exists;      /* a migration is half-done */
	unsigned number; /* which */
	int down;        /* going down */
	char *checksum;  /* which migration (pr_start) */
	unsigned n_steps, done;
	char *cursor; /* a batched fill's last key done (encoded), or NULL */
};

/* Reads the row into *out (exists 0 when there is none, or the dialect
 * never has one); free with pr_state_free. Returns 0 or a code. */
int pr_read(struct pr_state *out, struct mg_db *db);
void pr_state_free(struct pr_state *st);

/* Creates the table when missing and records migration `m` as started in
 * direction `down` with `n_steps` steps, none done; `checksum` says which
 * migration it is (progress_checksum in apply.c). */
int pr_start(struct mg_db *db, const struct mg_migration *m, int down, const char *checksum,
	     size_t n_steps);

/* Records steps 1..done as done, and the cursor of step done+1 (NULL:
 * none). */
int pr_advance(struct mg_db *db, unsigned number, size_t done, const char *cursor);

/* Deletes the row of migration `number` (the migration is complete). */
int pr_finish(struct mg_db *db, unsigned number);

#endif
