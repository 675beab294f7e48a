/*
 * Database URLs: which dialect and what to hand the driver.
 */
#ifndef MG_URL_H
#define MG_URL_H

#include <stddef.h>

#include "modelgen/schema.h"

struct mg_url {
	enum mg_dialect dialect;
	char *target; /* SQLite: the file path (or ":memory:"); PostgreSQL: the
		       * libpq connection string. malloc'd. */
};

/* Returns `url` when not NULL, else $DATABASE_URL when set and not empty,
 * else "sqlite:app.db". Borrowed. */
const char *mg_url_resolve(const char *url);

/*
 * Parses `url` (see mg_db_open). Returns 0 with *out filled (free with
 * mg_url_free) or MG_E_URL (MG_E_NOMEM) with a one-line message in `err`
 * (errlen bytes).
 */
int mg_url_parse(struct mg_url *out, const char *url, char *err, size_t errlen);

/* Frees the target of `url`. Accepts NULL. */
void mg_url_free(struct mg_url *url);

#endif
