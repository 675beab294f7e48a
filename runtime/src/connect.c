/*
 * Opening and closing connections: the URL names the dialect, whose driver
 * (from the list of those built in) connects a new handle.
 */
#include <stdio.h>
#include <stdlib.h>

#include "db_int.h"
#include "url.h"
#include "util/alloc.h"

/* The drivers built in, by enum mg_dialect; NULL: not built. */
static const struct mg_driver *const drivers[MG_DIALECT_COUNT] = {
	[MG_DIALECT_SQLITE] = &mg_sqlite_driver,
#ifdef MG_HAVE_POSTGRESQL
	[MG_DIALECT_POSTGRESQL] = &mg_pg_driver,
#endif
};

static const char *const not_built[MG_DIALECT_COUNT] = {
	[MG_DIALECT_POSTGRESQL] = "PostgreSQL support is not built in (MG_WITH_POSTGRESQL=OFF)",
};

static void free_handle(struct mg_db *db)
{
	mg_strbuf_free(&db->err);
	mg_strbuf_free(&db->blockers);
	free(db);
}

int mg_db_open(struct mg_db **out, const char *url, char *errbuf, size_t errlen)
{
	return mg_db_open_ext(out, url, 0, errbuf, errlen);
}

int mg_db_open_ext(struct mg_db **out, const char *url, unsigned flags, char *errbuf, size_t errlen)
{
	struct mg_db *db = NULL;
	struct mg_url u;
	int rc;

	*out = NULL;
	if (errbuf && errlen)
		errbuf[0] = 0;
	if (flags & ~MG_DB_OPEN_READ_ONLY) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "mg_db_open_ext: unknown flags 0x%x", flags);
		return MG_E_USAGE;
	}
	rc = mg_url_parse(&u, mg_url_resolve(url), errbuf, errlen);
	if (rc)
		return rc;
	if (!drivers[u.dialect]) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s", not_built[u.dialect]);
		rc = MG_E_UNSUPPORTED;
		goto done;
	}
	db = mg_calloc(1, sizeof(*db));
	if (!db) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "out of memory");
		rc = MG_E_NOMEM;
		goto done;
	}
	db->driver = drivers[u.dialect];
	db->dialect = u.dialect;
	db->lock_timeout_ms = MG_DEFAULT_LOCK_TIMEOUT_MS;
	db->open_flags = flags;
	rc = db->driver->open(db, u.target, errbuf, errlen);
	if (rc) {
		free_handle(db);
		goto done;
	}
	*out = db;
done:
	mg_url_free(&u);
	return rc;
}

void mg_db_close(struct mg_db *db)
{
	if (!db)
		return;
	db->driver->close(db);
	free_handle(db);
}
