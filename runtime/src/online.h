/*
 * What a PostgreSQL migration needs beyond one transaction (issue 13): the
 * lock budget (every statement under a short lock_timeout, a timed-out
 * step rolled back and tried again after a growing, jittered pause, the
 * blockers named), the before-checks of steps outside a transaction (index
 * states from pg_index, for all of a migration's such steps in one query)
 * and the batched fill's cursor. apply.c runs the recorded sequence with
 * these (run_recorded).
 */
#ifndef MG_ONLINE_H
#define MG_ONLINE_H

#include <stddef.h>

#include "db_int.h"
#include "modelgen/migration.h"

/* Defaults of struct mg_update_options' PostgreSQL settings. */
#define MG_DEFAULT_DDL_LOCK_TIMEOUT_MS 1000u
#define MG_DEFAULT_MAX_LOCK_WAIT_MS    300000u
#define MG_DEFAULT_BATCH_SIZE          1000u

/* The lock budget of one mg_update call. */
struct lock_budget {
	unsigned max_ms;            /* --max-lock-wait */
	unsigned long long used_ms; /* spent in failed tries and pauses */
	unsigned tries;             /* failed tries so far */
	unsigned seed;              /* of the jitter */
};

/* 1 when plan `p` runs as a recorded sequence on `db`'s dialect: it has a
 * step flagged MG_STEP_NO_TX, MG_STEP_BATCHED or MG_STEP_OWN_TX. */
int online_plan_recorded(const struct mg_db *db, const struct mg_plan *p);

/* Milliseconds of a monotonic clock. */
long long online_now_ms(void);

/*
 * After a try of `what` failed on a lock (MG_E_LOCKED, rolled back) after
 * `elapsed_ms`: names the blockers (db->blockers) in a progress line and
 * pauses before the next try (0), or, when the pause would pass the
 * budget, sets the message (what, the time waited, the last blockers,
 * `state`: where the database stands) and returns MG_E_LOCKED.
 */
int online_lock_wait(struct mg_db *db, struct lock_budget *b, const char *what,
		     long long elapsed_ms, const char *state);

/* Index states of `names` (a migration's NO_TX targets), in one query:
 * states[i] = 0 absent, 1 valid, 2 invalid. */
int online_index_states(struct mg_db *db, size_t n, const char *const *names,
			unsigned char *states);

/* The number of key parameters of a MG_STEP_BATCHED statement ($1..$k;
 * $k+1 is the batch size). */
size_t online_batch_keys(const char *sql);

/* A cursor (k key texts) as one text, and back (vals[i] malloc'd; free
 * with online_cursor_free). Returns 0, or -1 for a malformed text. */
char *online_cursor_encode(size_t k, const char *const *vals);
int online_cursor_decode(char **vals, size_t k, const char *text);
void online_cursor_free(char **vals, size_t k);

#endif
