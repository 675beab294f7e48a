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
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "db_int.h"
#include "inspect_pg.h"
#include "util/alloc.h"

/* The library to load: the soname every current libpq has (the ABI this
 * file is compiled against); $MODELGEN_LIBPQ may name another file. */
#define LIBPQ_SONAME "libpq.so.5"

/* The advisory lock key: "modelgen" in ASCII as a bigint; as pg_locks shows
 * it, classid is the high and objid the low 32 bits. */
#define LOCK_KEY     "7885631859322217838"
#define LOCK_CLASSID "1836016741"
#define LOCK_OBJID   "1818715502"

/* A result: all its rows, read from the server at once. */
struct pg_rows {
	struct mg_rows base;
	PGresult *res;
	int row, n_rows; /* the current row (-1 before the first) */
	void **decoded;  /* per column, bytea decoded for the current row by
			  * mg_rows_blob, or NULL */
};

/* The connection: libpq's, and a second one opened on demand to see, from
 * outside, who blocks a statement of the first while it waits for a lock
 * (pg_blocking_pids). */
struct pg_conn {
	PGconn *pq;
	PGconn *watch;  /* NULL until needed */
	char *conninfo; /* to open `watch` */
	int pid;        /* the server process of `pq` */
};

static PGconn *conn(const struct mg_db *db)
{
	return ((struct pg_conn *)db->conn)->pq;
}

/* While a statement waits this long, and then as often, the watch
 * connection asks who blocks it (only with db->watch_locks). */
#define WATCH_EVERY_MS 300
/* The first look, early enough to come before a short lock_timeout. */
#define WATCH_FIRST_MS 80

static void pg_close(struct mg_db *db);

/* Every libpq function this file calls, typed from <libpq-fe.h> so that a
 * call through the table is checked like a direct one. */
#define PQ_FUNCTIONS(X)                                                                            \
	X(PQbackendPID)                                                                            \
	X(PQclear)                                                                                 \
	X(PQconsumeInput)                                                                          \
	X(PQcmdTuples)                                                                             \
	X(PQconnectdb)                                                                             \
	X(PQconninfoFree)                                                                          \
	X(PQconninfoParse)                                                                         \
	X(PQerrorMessage)                                                                          \
	X(PQexecParams)                                                                            \
	X(PQfinish)                                                                                \
	X(PQfreemem)                                                                               \
	X(PQftype)                                                                                 \
	X(PQgetlength)                                                                             \
	X(PQgetResult)                                                                             \
	X(PQgetisnull)                                                                             \
	X(PQgetvalue)                                                                              \
	X(PQisBusy)                                                                                \
	X(PQnfields)                                                                               \
	X(PQntuples)                                                                               \
	X(PQresultErrorField)                                                                      \
	X(PQresultStatus)                                                                          \
	X(PQsendQuery)                                                                             \
	X(PQsendQueryParams)                                                                       \
	X(PQsetNoticeProcessor)                                                                    \
	X(PQsocket)                                                                                \
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

/* The line of `sql` that holds 1-based character `pos`. */
static const char *line_at(const char *sql, long pos)
{
	const char *start = sql, *p;
	long i;

	for (i = 1, p = sql; *p && i < pos; p++, i++)
		if (*p == '\n')
			start = p + 1;
	return start;
}

/* Skips white space and comments ("--" to the end of the line, and
 * possibly nested block comments). */
static const char *skip_space(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			int depth = 0;

			do {
				if (p[0] == '/' && p[1] == '*')
					depth++, p++;
				else if (p[0] == '*' && p[1] == '/')
					depth--, p++;
				p++;
			} while (*p && depth > 0);
		} else {
			return p;
		}
	}
}

/*
 * Where statement `k` (0-based) of `sql` starts, for error messages: the
 * statements of a simple query are split at the semicolons outside string
 * literals ('...', E'...'), quoted identifiers, dollar quotes and comments,
 * the way the server splits them. Past the end: the last statement.
 */
static const char *statement_start(const char *sql, size_t k)
{
	const char *p = skip_space(sql), *last = p;

	while (*p && k > 0) {
		if (*p == ';') {
			p = skip_space(p + 1);
			if (*p) {
				last = p;
				k--;
			}
			continue;
		}
		if (*p == '\'' || *p == '"') {
			char q = *p;
			int backslash = q == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e');

			for (p++; *p; p++) {
				if (backslash && *p == '\\' && p[1]) {
					p++;
				} else if (*p == q) {
					if (p[1] != q)
						break;
					p++; /* a doubled quote */
				}
			}
			if (*p)
				p++;
			continue;
		}
		if (*p == '$') {
			/* $tag$ ... $tag$, the tag an identifier or empty. */
			size_t n = 1;

			while (p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') ||
			       (p[n] >= 'A' && p[n] <= 'Z') ||
			       (n > 1 && p[n] >= '0' && p[n] <= '9'))
				n++;
			if (p[n] == '$') {
				const char *end = p + n + 1;

				while (*end && strncmp(end, p, n + 1) != 0)
					end++;
				p = *end ? end + n + 1 : end;
				continue;
			}
		}
		if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')) {
			p = skip_space(p);
			continue;
		}
		p++;
	}
	return last;
}

/* The error of `res`, naming the statement: the one at the server's error
 * position when it gives one, else statement `index` of `sql` (the first
 * that did not complete). */
static int result_error(struct mg_db *db, const PGresult *res, const char *sql, size_t index)
{
	struct mg_strbuf b = {0};
	const char *state = res ? pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? pq.PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? pq.PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *pos = res ? pq.PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
	int rc = MG_E_SQL;

	if (state && strcmp(state, "55P03") == 0)
		rc = MG_E_LOCKED;
	/* Parameters that do not match the placeholders: the server finds it
	 * (protocol_violation), SQLite's driver before binding; both are the
	 * caller's misuse, MG_E_USAGE. */
	if (state && strcmp(state, "08P01") == 0 && msg &&
	    strncmp(msg, "bind message supplies ", 22) == 0)
		rc = MG_E_USAGE;
	mg_strbuf_printf(&b, "%s (SQLSTATE %s)", msg ? msg : pq.PQerrorMessage(conn(db)),
			 state ? state : "none");
	if (detail)
		mg_strbuf_printf(&b, ": %s", detail);
	if (mg_strbuf_failed(&b))
		rc = db_nomem(db);
	else
		db_statement_error(db, rc,
				   pos ? line_at(sql, atol(pos)) : statement_start(sql, index),
				   mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
	return rc;
}

static int pg_exec(struct mg_db *db, const char *sql);

static int pg_apply_lock_timeout(struct mg_db *db)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "SET lock_timeout = %u", db->lock_timeout_ms);
	return pg_exec(db, sql);
}

static int pg_open(struct mg_db *db, const char *conninfo, char *errbuf, size_t errlen)
{
	char *perr = NULL;
	PQconninfoOption *opts;
	struct pg_conn *pc;
	int rc;

	rc = pq_ready(errbuf, errlen);
	if (rc)
		return rc;
	/* A malformed string is a URL error, not a failed connection. */
	opts = pq.PQconninfoParse(conninfo, &perr);
	if (!opts) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "database URL '%s': %s", conninfo,
				 perr ? perr : "out of memory");
		rc = perr ? MG_E_URL : MG_E_NOMEM;
		goto done;
	}
	pq.PQconninfoFree(opts);
	pc = mg_calloc(1, sizeof(*pc));
	if (pc)
		pc->conninfo = mg_strdup(conninfo);
	if (!pc || !pc->conninfo) {
		if (pc)
			free(pc);
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "out of memory");
		rc = MG_E_NOMEM;
		goto done;
	}
	db->conn = pc;
	pc->pq = pq.PQconnectdb(conninfo);
	if (!pc->pq || pq.PQstatus(pc->pq) != CONNECTION_OK) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot connect to PostgreSQL: %s",
				 pc->pq ? pq.PQerrorMessage(pc->pq) : "out of memory");
		rc = pc->pq ? MG_E_CONNECT : MG_E_NOMEM;
		goto done;
	}
	pc->pid = pq.PQbackendPID(pc->pq);
	pq.PQsetNoticeProcessor(conn(db), ignore_notice, NULL);
	rc = pg_apply_lock_timeout(db);
	if (rc == 0 && (db->open_flags & MG_DB_OPEN_READ_ONLY))
		rc = pg_exec(db, "SET default_transaction_read_only = on");
	if (rc) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot set up the PostgreSQL session: %s",
				 mg_db_errmsg(db));
		rc = rc == MG_E_NOMEM ? rc : MG_E_CONNECT;
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
	}
	return rc;
}

static void pg_close(struct mg_db *db)
{
	struct pg_conn *pc = db->conn;

	if (pc) {
		if (pc->pq)
			pq.PQfinish(pc->pq);
		if (pc->watch)
			pq.PQfinish(pc->watch);
		free(pc->conninfo);
		free(pc);
	}
	db->conn = NULL;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * From the watch connection: the sessions that block our statement right
 * now, into db->blockers ("pid 4242 (idle in transaction, 12.0 s in
 * transaction: SELECT ...)"; "; " between several). Left as it was when
 * nobody blocks it or the watch connection fails: this only informs.
 */
static void sample_blockers(struct mg_db *db)
{
	struct pg_conn *pc = db->conn;
	char pid[24];
	const char *params[1] = {pid};
	PGresult *res;
	int i, n;

	if (!pc->watch) {
		pc->watch = pq.PQconnectdb(pc->conninfo);
		if (pc->watch)
			pq.PQsetNoticeProcessor(pc->watch, ignore_notice, NULL);
	}
	if (!pc->watch || pq.PQstatus(pc->watch) != CONNECTION_OK)
		return;
	snprintf(pid, sizeof(pid), "%d", pc->pid);
	res = pq.PQexecParams(
		pc->watch,
		"SELECT a.pid, coalesce(a.state, 'unknown state'),"
		" coalesce(to_char(extract(epoch FROM clock_timestamp() - a.xact_start), "
		"'FM9999990.0'),"
		" '?'), left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 60)"
		" FROM pg_stat_activity a WHERE a.pid = ANY (pg_blocking_pids($1::integer))"
		" ORDER BY a.xact_start NULLS LAST, a.pid",
		1, NULL, params, NULL, NULL, 0);
	n = res && pq.PQresultStatus(res) == PGRES_TUPLES_OK ? pq.PQntuples(res) : 0;
	if (n)
		mg_strbuf_clear(&db->blockers);
	for (i = 0; i < n; i++)
		mg_strbuf_printf(&db->blockers, "%spid %s (%s, %s s in transaction: %s)",
				 i ? "; " : "", pq.PQgetvalue(res, i, 0), pq.PQgetvalue(res, i, 1),
				 pq.PQgetvalue(res, i, 2), pq.PQgetvalue(res, i, 3));
	pq.PQclear(res);
}

/* Waits until the statement sent on the connection has its results; while
 * it runs with db->watch_locks, samples who blocks it after WATCH_FIRST_MS,
 * then every WATCH_EVERY_MS.
 * Returns 0, or -1 when the connection failed (PQgetResult says why). */
static int await_results(struct mg_db *db)
{
	PGconn *c = conn(db);
	long long start = now_ms(), next = start + WATCH_FIRST_MS;

	if (!db->watch_locks)
		return 0; /* PQgetResult blocks */
	for (;;) {
		struct pollfd p;
		long long t;

		if (!pq.PQconsumeInput(c))
			return -1;
		if (!pq.PQisBusy(c))
			return 0;
		p.fd = pq.PQsocket(c);
		p.events = POLLIN;
		p.revents = 0;
		t = now_ms();
		if (t >= next) {
			sample_blockers(db);
			next = now_ms() + WATCH_EVERY_MS;
			continue;
		}
		(void)poll(&p, 1, (int)(next - t));
	}
}

static int pg_exec(struct mg_db *db, const char *sql)
{
	PGresult *res, *failed = NULL;
	size_t done = 0;
	int rc = 0;

	/* Sent whole (one round trip), the results read one per statement:
	 * the count of those that completed says which one failed. */
	db->round_trips++;
	if (!pq.PQsendQuery(conn(db), sql))
		return result_error(db, NULL, sql, 0);
	(void)await_results(db);
	while ((res = pq.PQgetResult(conn(db))) != NULL) {
		ExecStatusType st = pq.PQresultStatus(res);

		if (!failed &&
		    (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)) {
			done++;
		} else if (!failed) {
			failed = res;
			continue;
		}
		pq.PQclear(res);
	}
	if (failed)
		rc = result_error(db, failed, sql, done);
	pq.PQclear(failed);
	return rc;
}

/* Frees the bytea columns mg_rows_blob decoded for the current row. */
static void free_decoded(struct pg_rows *rows)
{
	size_t i;

	for (i = 0; rows->decoded && i < rows->base.n_columns; i++) {
		free(rows->decoded[i]);
		rows->decoded[i] = NULL;
	}
}

static int pg_query(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_params,
		    const char *const *params, const struct mg_value *values,
		    unsigned long long *changes)
{
	struct pg_rows *rows;
	PGresult *res = NULL;
	ExecStatusType st;
	const char **vals = NULL;
	char **copies = NULL;
	int *lengths = NULL, *formats = NULL;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (values) {
		/* Binary values go with their length in binary format (bytea's
		 * binary form is the bytes); text must end in a NUL for libpq. */
		vals = mg_calloc(n_params + 1, sizeof(*vals));
		copies = mg_calloc(n_params + 1, sizeof(*copies));
		lengths = mg_calloc(n_params + 1, sizeof(*lengths));
		formats = mg_calloc(n_params + 1, sizeof(*formats));
		if (!vals || !copies || !lengths || !formats) {
			rc = db_nomem(db);
			goto done;
		}
		for (i = 0; i < n_params; i++) {
			const struct mg_value *v = &values[i];

			if (!v->data)
				continue;
			if (v->len > 0x7fffffff) {
				rc = mg_db_error(db, MG_E_USAGE,
						 "parameter %zu: %zu bytes is too long", i + 1,
						 v->len);
				goto done;
			}
			if (v->blob) {
				vals[i] = v->data;
				lengths[i] = (int)v->len;
				formats[i] = 1;
			} else {
				copies[i] = mg_malloc(v->len + 1);
				if (!copies[i]) {
					rc = db_nomem(db);
					goto done;
				}
				memcpy(copies[i], v->data, v->len);
				copies[i][v->len] = '\0';
				vals[i] = copies[i];
			}
		}
		params = vals;
	}
	db->round_trips++;
	if (pq.PQsendQueryParams(conn(db), sql, (int)n_params, NULL, params, lengths, formats, 0)) {
		PGresult *more;

		(void)await_results(db);
		res = pq.PQgetResult(conn(db));
		while ((more = pq.PQgetResult(conn(db))) != NULL)
			pq.PQclear(more);
	}
	st = res ? pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = result_error(db, res, sql, 0);
		goto done;
	}
	if (changes)
		*changes = strtoull(pq.PQcmdTuples(res), NULL, 10);
	rows = mg_calloc(1, sizeof(*rows));
	if (!rows) {
		rc = db_nomem(db);
		goto done;
	}
	rows->base.db = db;
	rows->base.n_columns = (size_t)pq.PQnfields(res);
	rows->res = res;
	rows->row = -1;
	rows->n_rows = pq.PQntuples(res);
	res = NULL;
	*out = &rows->base;
done:
	for (i = 0; copies && i < n_params; i++)
		free(copies[i]);
	free(vals);
	free(copies);
	free(lengths);
	free(formats);
	pq.PQclear(res);
	return rc;
}

static int pg_rows_next(struct mg_rows *base)
{
	struct pg_rows *rows = (struct pg_rows *)base;

	free_decoded(rows);
	if (rows->row + 1 >= rows->n_rows) {
		rows->row = rows->n_rows;
		return 0;
	}
	rows->row++;
	return 1;
}

static const char *pg_rows_text(const struct mg_rows *base, size_t i)
{
	const struct pg_rows *rows = (const struct pg_rows *)base;

	if (pq.PQgetisnull(rows->res, rows->row, (int)i))
		return NULL;
	return pq.PQgetvalue(rows->res, rows->row, (int)i);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#define BYTEAOID 17 /* pg_type.oid of bytea, fixed since PostgreSQL 7 */

static const void *pg_rows_blob(struct mg_rows *base, size_t i, size_t *len)
{
	struct pg_rows *rows = (struct pg_rows *)base;
	const char *text = pg_rows_text(base, i);
	size_t n, k;
	unsigned char *out;

	*len = 0;
	if (!text)
		return NULL;
	n = (size_t)pq.PQgetlength(rows->res, rows->row, (int)i);
	/* bytea comes as text in the hex format ("\x" and two digits a
	 * byte), the server's output since PostgreSQL 9.0. */
	if (pq.PQftype(rows->res, (int)i) != BYTEAOID || n < 2 || text[0] != '\\' ||
	    text[1] != 'x' || n % 2) {
		*len = n;
		return text;
	}
	if (!rows->decoded)
		rows->decoded = mg_calloc(base->n_columns, sizeof(*rows->decoded));
	out = rows->decoded ? mg_malloc(n / 2 > 0 ? n / 2 : 1) : NULL;
	if (!out) {
		db_nomem(base->db);
		*len = SIZE_MAX;
		return NULL;
	}
	free(rows->decoded[i]);
	for (k = 0; 2 + 2 * k < n; k++) {
		int hi = hex_digit(text[2 + 2 * k]), lo = hex_digit(text[3 + 2 * k]);

		if (hi < 0 || lo < 0) {
			free(out);
			rows->decoded[i] = NULL;
			*len = n;
			return text;
		}
		out[k] = (unsigned char)(hi << 4 | lo);
	}
	rows->decoded[i] = out;
	*len = k;
	return out;
}

static void pg_rows_free(struct mg_rows *base)
{
	struct pg_rows *rows = (struct pg_rows *)base;

	free_decoded(rows);
	free(rows->decoded);
	pq.PQclear(rows->res);
	free(rows);
}

static int pg_begin(struct mg_db *db)
{
	return pg_exec(db, "BEGIN");
}

/* The first column of the first row of `sql` as a malloc'd string in *out
 * (NULL when no row or NULL). */
static int pg_value(char **out, struct mg_db *db, const char *sql)
{
	struct mg_rows *rows = NULL;
	int rc;

	*out = NULL;
	rc = pg_query(&rows, db, sql, 0, NULL, NULL, NULL);
	if (rc == 0 && pg_rows_next(rows) == 1 && pg_rows_text(rows, 0) &&
	    !(*out = mg_strdup(pg_rows_text(rows, 0))))
		rc = db_nomem(db);
	if (rows)
		pg_rows_free(rows);
	return rc;
}

/* Who holds dbupdate's advisory lock: "PID (application), since TIME" in
 * *out (malloc'd), or NULL when nobody does any more. */
static int lock_holder(char **out, struct mg_db *db)
{
	return pg_value(
		out, db,
		"SELECT l.pid || coalesce(' (' || nullif(a.application_name, '') || ')', '')"
		" || coalesce(', since ' || a.backend_start::text, '')"
		" FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
		" WHERE l.locktype = 'advisory' AND l.granted AND l.classid = " LOCK_CLASSID
		" AND l.objid = " LOCK_OBJID " AND l.objsubid = 1"
		" AND l.database = (SELECT oid FROM pg_database"
		" WHERE datname = current_database())");
}

/*
 * Takes dbupdate's lock: at once when it is free (one round trip), else
 * says through the progress callback that it waits and for whom, and waits
 * at most db->lock_timeout_ms.
 */
static int pg_lock(struct mg_db *db)
{
	char *got = NULL, *holder = NULL;
	long long start = now_ms();
	int rc = pg_value(&got, db, "SELECT pg_try_advisory_lock(" LOCK_KEY ")");

	if (rc || (got && strcmp(got, "t") == 0))
		goto done;
	lock_holder(&holder, db);
	db_progress(db, "waiting for another dbupdate's lock (server process %s; at most %u ms)",
		    holder ? holder : "unknown", db->lock_timeout_ms);
	/* Tries every 100 ms rather than one waiting pg_advisory_lock: a
	 * statement that waits holds a snapshot, which a CREATE INDEX
	 * CONCURRENTLY of the holder waits for in turn (a deadlock). */
	for (;;) {
		long long waited = now_ms() - start;
		struct timespec ts = {0, 100 * 1000000L};

		if (waited >= (long long)db->lock_timeout_ms)
			break;
		if (db->lock_timeout_ms - waited < 100)
			ts.tv_nsec = (long)(db->lock_timeout_ms - waited) * 1000000L;
		nanosleep(&ts, NULL);
		free(got);
		got = NULL;
		rc = pg_value(&got, db, "SELECT pg_try_advisory_lock(" LOCK_KEY ")");
		if (rc || (got && strcmp(got, "t") == 0))
			goto done;
	}
	/* Say who holds it now; it may be nobody when the holder has just let
	 * go. */
	free(holder);
	holder = NULL;
	lock_holder(&holder, db);
	rc = mg_db_error(db, MG_E_LOCKED,
			 "another dbupdate holds the migration lock (server process %s); gave up "
			 "after %u ms (raise --lock-timeout)",
			 holder ? holder : "unknown", db->lock_timeout_ms);
done:
	free(got);
	free(holder);
	return rc;
}

static void pg_unlock(struct mg_db *db)
{
	struct mg_strbuf saved;

	db_save_error(db, &saved);
	pg_exec(db, "SELECT pg_advisory_unlock(" LOCK_KEY ")");
	db_restore_error(db, &saved);
}

const struct mg_driver mg_pg_driver = {
	.dialect = MG_DIALECT_POSTGRESQL,
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.query = pg_query,
	.rows_next = pg_rows_next,
	.rows_text = pg_rows_text,
	.rows_blob = pg_rows_blob,
	.rows_free = pg_rows_free,
	.begin = pg_begin,
	.apply_lock_timeout = pg_apply_lock_timeout,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.inspect = inspect_pg,
	.normalize = inspect_normalize_pg,
	.loose_custom_types = 0,
	.sql_managed = "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
		       " ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
		       " AND c.relname = 'modelgen_migrations' AND c.relkind = 'r'",
	.sql_user_objects = "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
			    " ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
			    " AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
			    " AND c.relname NOT LIKE 'modelgen\\_%'",
	.sql_table_names = "SELECT c.relname FROM pg_class c JOIN pg_namespace n"
			   " ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
			   " AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'modelgen\\_%'"
			   " ORDER BY c.relname COLLATE \"C\"",
	.sql_stamp = "INSERT INTO modelgen_migrations VALUES ($1::integer, $2, $3, $4, $5, $6, $7,"
		     " $8)",
	.sql_unstamp = "DELETE FROM modelgen_migrations WHERE number = $1::integer",
	.sql_has_progress = "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
			    " ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
			    " AND c.relname = 'modelgen_progress' AND c.relkind = 'r'",
	.sql_index_states = "SELECT c.relname, i.indisvalid FROM pg_class c JOIN pg_index i"
			    " ON i.indexrelid = c.oid WHERE c.relname = ANY ($1::text[])"
			    " AND c.relnamespace = (SELECT oid FROM pg_namespace"
			    " WHERE nspname = current_schema())",
	/* Drops and rebuilds run with keys on; there are no rebuilds. */
	.set_foreign_keys = NULL,
	.foreign_key_check = NULL,
	.rebuild = NULL,
};
