/*
 * The PostgreSQL driver, the only user of libpq: connect, run statements
 * with $N parameters (SQLSTATE in every error), results as text, notices
 * kept off the terminal, and the session advisory lock of dbupdate.
 *
 * libpq is loaded with dlopen the first time a PostgreSQL database is
 * opened, not linked: it pulls in TLS, Kerberos and LDAP, whose loading
 * was most of the start-up time of a dbupdate run on SQLite.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db_int.h"

#define DEFAULT_LOCK_TIMEOUT_MS 60000u

/* The library to load: the soname every current libpq has (the ABI this
 * file is compiled against); $MODELGEN_LIBPQ may name another file. */
#define LIBPQ_SONAME "libpq.so.5"

/* The advisory lock key: "modelgen" in ASCII as a bigint; as pg_locks shows
 * it, classid is the high and objid the low 32 bits. */
#define LOCK_KEY     "7885631859322217838"
#define LOCK_CLASSID "1836016741"
#define LOCK_OBJID   "1818715502"

/* Every libpq function this file calls, typed from <libpq-fe.h> so that a
 * call through the table is checked like a direct one. */
#define PQ_FUNCTIONS(X)                                                                            \
	X(PQclear)                                                                                 \
	X(PQcmdTuples)                                                                             \
	X(PQconnectdb)                                                                             \
	X(PQconninfoFree)                                                                          \
	X(PQconninfoParse)                                                                         \
	X(PQerrorMessage)                                                                          \
	X(PQexec)                                                                                  \
	X(PQexecParams)                                                                            \
	X(PQfinish)                                                                                \
	X(PQfreemem)                                                                               \
	X(PQgetisnull)                                                                             \
	X(PQgetvalue)                                                                              \
	X(PQnfields)                                                                               \
	X(PQntuples)                                                                               \
	X(PQresultErrorField)                                                                      \
	X(PQresultStatus)                                                                          \
	X(PQsetNoticeProcessor)                                                                    \
	X(PQstatus)

static struct pq_api {
#define PQ_MEMBER(f) __typeof__(f) *f;
	PQ_FUNCTIONS(PQ_MEMBER)
#undef PQ_MEMBER
} pq;

static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static char pq_error[256]; /* why loading failed; "" when it worked */

static void pq_load(void)
{
	const char *file = getenv("MODELGEN_LIBPQ");
	const char *missing = NULL;
	void *h, *sym;

	if (!file || !*file)
		file = LIBPQ_SONAME;
	/* RTLD_LOCAL: libpq's symbols stay out of the global namespace, where
	 * they could clash with an application's own libpq. */
	h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();

		snprintf(pq_error, sizeof(pq_error),
			 "PostgreSQL needs libpq, which cannot be loaded (%s); install it "
			 "(Debian: libpq5)",
			 why ? why : file);
		return;
	}
	/* ISO C cannot convert a void * into a function pointer; POSIX
	 * guarantees that dlsym's result survives the copy. */
#define PQ_LOOKUP(f)                                                                               \
	if (!missing) {                                                                            \
		sym = dlsym(h, #f);                                                                \
		if (sym)                                                                           \
			memcpy(&pq.f, &sym, sizeof(sym));                                          \
		else                                                                               \
			missing = #f;                                                              \
	}
	PQ_FUNCTIONS(PQ_LOOKUP)
#undef PQ_LOOKUP
	if (missing) {
		snprintf(pq_error, sizeof(pq_error),
			 "PostgreSQL needs libpq, but %s has no function %s", file, missing);
		memset(&pq, 0, sizeof(pq));
		dlclose(h);
	}
	/* Otherwise the library stays loaded until the process ends: results
	 * and connections may outlive any one handle. */
}

/* Loads libpq once per process; MG_E_CONNECT with the reason in errbuf when
 * it is not installed. */
static int pq_ready(char *errbuf, size_t errlen)
{
	pthread_once(&pq_once, pq_load);
	if (!pq_error[0])
		return 0;
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s", pq_error);
	return MG_E_CONNECT;
}

static void ignore_notice(void *arg, const char *message)
{
	/* NOTICEs (e.g. "relation already exists, skipping") are not errors;
	 * printing them raw would break the one-line-per-error rule. */
	(void)arg;
	(void)message;
}

/* The statement of `sql` that holds 1-based character `pos` (the line). */
static void put_statement_at(struct mg_strbuf *b, const char *sql, long pos)
{
	const char *start = sql, *p;
	size_t n = 0;
	long i;

	for (i = 1, p = sql; *p && i < pos; p++, i++)
		if (*p == '\n')
			start = p + 1;
	while (start[n] && start[n] != '\n' && n < 80)
		n++;
	mg_strbuf_putc(b, '\'');
	mg_strbuf_putn(b, start, n);
	if (start[n] && start[n] != '\n')
		mg_strbuf_puts(b, "...");
	mg_strbuf_putc(b, '\'');
}

static int result_error(struct mg_db *db, const PGresult *res, const char *sql)
{
	struct mg_strbuf b = {0};
	const char *state = res ? pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? pq.PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? pq.PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *pos = res ? pq.PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
	int rc = MG_E_SQL;

	if (state && strcmp(state, "55P03") == 0)
		rc = MG_E_LOCKED;
	mg_strbuf_puts(&b, "statement ");
	put_statement_at(&b, sql, pos ? atol(pos) : 1);
	mg_strbuf_printf(&b, ": %s (SQLSTATE %s)", msg ? msg : pq.PQerrorMessage(db->pg),
			 state ? state : "none");
	if (detail)
		mg_strbuf_printf(&b, ": %s", detail);
	db_errf(db, rc, "%s", mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
	return rc;
}

int pg_open(struct mg_db **out, const char *conninfo, char *errbuf, size_t errlen)
{
	struct mg_db *db;
	char *perr = NULL;
	PQconninfoOption *opts;
	int rc;

	*out = NULL;
	rc = pq_ready(errbuf, errlen);
	if (rc)
		return rc;
	db = calloc(1, sizeof(*db));
	if (!db)
		return MG_E_NOMEM;
	db->dialect = MG_DIALECT_POSTGRESQL;
	/* A malformed string is a URL error, not a failed connection. */
	opts = pq.PQconninfoParse(conninfo, &perr);
	if (!opts) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "database URL '%s': %s", conninfo,
				 perr ? perr : "out of memory");
		rc = MG_E_URL;
		goto done;
	}
	pq.PQconninfoFree(opts);
	db->pg = pq.PQconnectdb(conninfo);
	if (!db->pg || pq.PQstatus(db->pg) != CONNECTION_OK) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot connect to PostgreSQL: %s",
				 db->pg ? pq.PQerrorMessage(db->pg) : "out of memory");
		rc = MG_E_CONNECT;
		goto done;
	}
	pq.PQsetNoticeProcessor(db->pg, ignore_notice, NULL);
	rc = db_set_lock_timeout(db, DEFAULT_LOCK_TIMEOUT_MS);
	if (rc) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot set up the PostgreSQL session: %s",
				 mg_db_errmsg(db));
		rc = MG_E_CONNECT;
	}
done:
	pq.PQfreemem(perr);
	if (rc) {
		if (errbuf && errlen) {
			char *nl = strchr(errbuf, '\n');

			if (nl)
				*nl = 0;
		}
		pg_close(db);
		mg_strbuf_free(&db->err);
		free(db);
		return rc;
	}
	*out = db;
	return 0;
}

void pg_close(struct mg_db *db)
{
	if (db->pg)
		pq.PQfinish(db->pg);
	db->pg = NULL;
}

int pg_exec(struct mg_db *db, const char *sql)
{
	PGresult *res = pq.PQexec(db->pg, sql);
	ExecStatusType st = res ? pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
		rc = result_error(db, res, sql);
	pq.PQclear(res);
	return rc;
}

int pg_query(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_params,
	     const char *const *params, unsigned long long *changes)
{
	struct mg_rows *rows;
	PGresult *res;
	ExecStatusType st;

	*out = NULL;
	res = pq.PQexecParams(db->pg, sql, (int)n_params, NULL, params, NULL, NULL, 0);
	st = res ? pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		int rc = result_error(db, res, sql);

		pq.PQclear(res);
		return rc;
	}
	if (changes)
		*changes = strtoull(pq.PQcmdTuples(res), NULL, 10);
	rows = calloc(1, sizeof(*rows));
	if (!rows)
		abort();
	rows->db = db;
	rows->res = res;
	rows->row = -1;
	rows->n_rows = pq.PQntuples(res);
	rows->n_columns = (size_t)pq.PQnfields(res);
	*out = rows;
	return 0;
}

int pg_rows_next(struct mg_rows *rows)
{
	if (rows->row + 1 >= rows->n_rows) {
		rows->row = rows->n_rows;
		return 0;
	}
	rows->row++;
	return 1;
}

const char *pg_rows_text(const struct mg_rows *rows, size_t i)
{
	if (pq.PQgetisnull(rows->res, rows->row, (int)i))
		return NULL;
	return pq.PQgetvalue(rows->res, rows->row, (int)i);
}

void pg_rows_free(struct mg_rows *rows)
{
	pq.PQclear(rows->res);
	free(rows);
}

int pg_lock(struct mg_db *db)
{
	char *holder = NULL;
	int rc = pg_exec(db, "SELECT pg_advisory_lock(" LOCK_KEY ")");

	if (rc != MG_E_LOCKED)
		return rc;
	/* Say who holds it; the query may find nobody when the holder has
	 * just let go. */
	db_query_value(&holder, db,
		       "SELECT l.pid || coalesce(' (' || nullif(a.application_name, '') || ')', '')"
		       " || coalesce(', since ' || a.backend_start::text, '')"
		       " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
		       " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = " LOCK_CLASSID
		       " AND l.objid = " LOCK_OBJID " AND l.objsubid = 1"
		       " AND l.database = (SELECT oid FROM pg_database"
		       " WHERE datname = current_database())",
		       0, NULL);
	rc = db_errf(db, MG_E_LOCKED,
		     "another dbupdate holds the migration lock (server process %s); gave up "
		     "after %u ms (raise --lock-timeout)",
		     holder ? holder : "unknown", db->lock_timeout_ms);
	free(holder);
	return rc;
}

int pg_unlock(struct mg_db *db)
{
	return pg_exec(db, "SELECT pg_advisory_unlock(" LOCK_KEY ")");
}
