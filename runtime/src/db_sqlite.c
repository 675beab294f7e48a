/*
 * The SQLite driver: open (read-only without creating, on request) with
 * foreign keys on and double-quoted string literals off, run statements with $N parameters, step
 * rows; when a lock wait gives up, name the process that holds the lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db_int.h"
#include "inspect_sqlite.h"
#include "rebuild_sqlite.h"
#include "util/alloc.h"

/* A result: the statement being stepped. */
struct sqlite_rows {
	struct mg_rows base;
	sqlite3_stmt *stmt;
};

static sqlite3 *conn(const struct mg_db *db)
{
	return db->conn;
}

static int sqlite_exec(struct mg_db *db, const char *sql);
static void sqlite_close(struct mg_db *db);

/*
 * The POSIX advisory locks of SQLite's unix VFS (os_unix.c, wal.c). On the
 * database file: PENDING is a write lock on byte 0x40000000, RESERVED on
 * the next byte, and SHARED / EXCLUSIVE a read / write lock on the 510
 * bytes after those. In WAL mode the writer instead holds a write lock on
 * byte 120 of the -shm file (WAL_WRITE_LOCK, the first of its lock bytes).
 */
#define LOCK_PENDING_BYTE   0x40000000L
#define LOCK_SHARED_FIRST   (LOCK_PENDING_BYTE + 2)
#define LOCK_SHARED_SIZE    510L
#define SHM_WRITE_LOCK_BYTE 120L
/* Far beyond what a dbupdate opens; only bounds the scan in find_fds. */
#define MAX_FD_SCAN 65536L

/*
 * Finds descriptors this process already has open on the database file and
 * its -shm file (fds[0], fds[1]; -1 when none). Asking the kernel through a
 * descriptor of our own making would mean closing it afterwards, and a
 * close() drops every POSIX lock the process holds on that file: in WAL mode
 * SQLite keeps a SHARED lock on the database and the dead-man-switch lock on
 * the -shm even outside transactions, and unlike SQLite (which defers such
 * closes, see unixClose) we cannot know what other connections of the
 * process hold. So we only borrow SQLite's own descriptors, found by inode.
 */
static void find_fds(int fds[2], const char *path)
{
	struct stat want[2], st;
	struct mg_strbuf shm = {0};
	int have[2], left = 0;
	long fd, max = sysconf(_SC_OPEN_MAX);

	fds[0] = fds[1] = -1;
	mg_strbuf_puts(&shm, path);
	mg_strbuf_puts(&shm, "-shm");
	have[0] = stat(path, &want[0]) == 0;
	have[1] = !mg_strbuf_failed(&shm) && stat(mg_strbuf_cstr(&shm), &want[1]) == 0;
	left = have[0] + have[1];
	if (max < 0 || max > MAX_FD_SCAN)
		max = MAX_FD_SCAN;
	for (fd = 0; fd < max && left > 0; fd++) {
		int i;

		if (fstat((int)fd, &st) != 0)
			continue;
		for (i = 0; i < 2; i++)
			if (have[i] && fds[i] < 0 && st.st_dev == want[i].st_dev &&
			    st.st_ino == want[i].st_ino) {
				fds[i] = (int)fd;
				left--;
			}
	}
	mg_strbuf_free(&shm);
}

/* The pid of another process holding a lock on bytes [start, start+len) of
 * `fd`'s file that conflicts with a lock of `type`, or 0. The kernel never
 * reports our own process's locks, nor a pid for open-file-description
 * locks (l_pid -1) or for a holder outside our pid namespace (0). */
static long lock_owner(int fd, short type, long start, long len)
{
	struct flock fl;

	if (fd < 0)
		return 0;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = (off_t)start;
	fl.l_len = (off_t)len;
	if (fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK || fl.l_pid <= 0)
		return 0;
	return (long)fl.l_pid;
}

/*
 * Appends "process PID (NAME)" for the process that holds the lock this
 * connection waited for, NAME from /proc/PID/comm where there is one.
 * Returns 1 when it found one, 0 (and appends nothing) when the lock was
 * released meanwhile, the holder is a connection of this process, or the
 * VFS does not use POSIX locks.
 */
static int put_lock_holder(struct mg_strbuf *b, struct mg_db *db)
{
	const char *path = sqlite3_db_filename(conn(db), "main");
	char name[64];
	char file[64];
	FILE *f;
	long pid;
	int fds[2];

	if (!path || !*path)
		return 0;
	find_fds(fds, path);
	/* A writer, never a mere reader: read-lock tests conflict only with
	 * write locks (WAL writer; RESERVED, PENDING or EXCLUSIVE). */
	pid = lock_owner(fds[1], F_RDLCK, SHM_WRITE_LOCK_BYTE, 1);
	if (!pid)
		pid = lock_owner(fds[0], F_RDLCK, LOCK_PENDING_BYTE,
				 LOCK_SHARED_FIRST - LOCK_PENDING_BYTE + LOCK_SHARED_SIZE);
	/* Inside our own write transaction, outside WAL mode, what blocks
	 * us (committing) is a reader's SHARED lock. In WAL mode every
	 * connection holds SHARED, so a reader found there would be nobody's
	 * culprit. */
	if (!pid && fds[1] < 0 && !sqlite3_get_autocommit(conn(db)))
		pid = lock_owner(fds[0], F_WRLCK, LOCK_SHARED_FIRST, LOCK_SHARED_SIZE);
	if (!pid)
		return 0;
	mg_strbuf_printf(b, "process %ld", pid);
	snprintf(file, sizeof(file), "/proc/%ld/comm", pid);
	f = fopen(file, "r");
	if (f) {
		size_t n = fread(name, 1, sizeof(name) - 1, f), i;

		fclose(f);
		while (n > 0 && (name[n - 1] == '\n' || name[n - 1] == ' '))
			n--;
		/* A program may name itself anything; the message stays one
		 * printable line. */
		for (i = 0; i < n; i++)
			if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] > 0x7e)
				name[i] = '?';
		if (n > 0) {
			mg_strbuf_puts(b, " (");
			mg_strbuf_putn(b, name, n);
			mg_strbuf_putc(b, ')');
		}
	}
	return 1;
}

/* MG_E_LOCKED after a lock wait gave up, naming the holder; the
 * statement that waited is no news to the reader, who waited for a lock. */
static int locked_error(struct mg_db *db)
{
	struct mg_strbuf who = {0};
	int rc;

	if (!put_lock_holder(&who, db))
		mg_strbuf_puts(&who, "another process");
	if (mg_strbuf_failed(&who))
		rc = db_nomem(db);
	else
		rc = mg_db_error(
			db, MG_E_LOCKED,
			"the database is locked by %s (waited %u ms; raise --lock-timeout)",
			mg_strbuf_cstr(&who), db->lock_timeout_ms);
	mg_strbuf_free(&who);
	return rc;
}

/* The error of the last call on the connection, for statement `sql`. */
static int stmt_error(struct mg_db *db, const char *sql)
{
	int code = sqlite3_errcode(conn(db));
	int rc = code == SQLITE_LOCKED ? MG_E_LOCKED : MG_E_SQL;

	if (code == SQLITE_NOMEM)
		return db_nomem(db);
	if (code == SQLITE_BUSY)
		return locked_error(db);
	return db_statement_error(db, rc, sql, sqlite3_errmsg(conn(db)));
}

/*
 * The busy handler: waits for another connection's lock as SQLite's own
 * handler does for a busy timeout (sqliteDefaultBusyCallback: the same
 * delays, up to db->lock_timeout_ms in all), and as the wait begins says so
 * through the progress callback, naming the holder: a dbupdate that waits
 * for another is not silent.
 */
static int busy_wait(void *arg, int count)
{
	static const unsigned char delays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
	static const unsigned char totals[] = {0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228};
	enum { N = sizeof(delays) };
	struct mg_db *db = arg;
	long delay, prior;

	if (count == 0 && db->progress) {
		struct mg_strbuf who = {0};

		if (put_lock_holder(&who, db))
			db_progress(db, "waiting for the lock held by %s (at most %u ms)",
				    mg_strbuf_cstr(&who), db->lock_timeout_ms);
		else
			db_progress(db,
				    "waiting for the lock another connection holds (at most %u ms)",
				    db->lock_timeout_ms);
		mg_strbuf_free(&who);
	}
	if (count < N) {
		delay = delays[count];
		prior = totals[count];
	} else {
		delay = delays[N - 1];
		prior = totals[N - 1] + delay * (count - (N - 1));
	}
	if (prior + delay > (long)db->lock_timeout_ms) {
		delay = (long)db->lock_timeout_ms - prior;
		if (delay <= 0)
			return 0;
	}
	sqlite3_sleep((int)delay);
	return 1;
}

static int sqlite_apply_lock_timeout(struct mg_db *db)
{
	/* The handler reads db->lock_timeout_ms at each wait (this only
	 * fails on a closed connection). */
	sqlite3_busy_handler(conn(db), busy_wait, db);
	return 0;
}

static int sqlite_open(struct mg_db *db, const char *path, char *errbuf, size_t errlen)
{
	sqlite3 *c = NULL;
	int read_only = (db->open_flags & MG_DB_OPEN_READ_ONLY) != 0;
	struct stat st;
	int rc;

	/* Read-only never creates the file; SQLite would only say "unable to
	 * open database file". */
	if (read_only && strcmp(path, ":memory:") != 0 && stat(path, &st) != 0 && errno == ENOENT) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "SQLite database file '%s' does not exist", path);
		return MG_E_NOTFOUND;
	}
	if (sqlite3_open_v2(path, &c,
			    read_only ? SQLITE_OPEN_READONLY
				      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot open SQLite database '%s': %s", path,
				 c ? sqlite3_errmsg(c) : "out of memory");
		sqlite3_close_v2(c);
		return c ? MG_E_CONNECT : MG_E_NOMEM;
	}
	db->conn = c;
	sqlite3_extended_result_codes(c, 0);
	/* "x" must name a column, never silently become a string. */
	sqlite3_db_config(c, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
	sqlite3_db_config(c, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
	rc = sqlite_apply_lock_timeout(db);
	if (rc == 0)
		rc = sqlite_exec(db, "PRAGMA foreign_keys = ON");
	if (rc) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot open SQLite database '%s': %s", path,
				 mg_db_errmsg(db));
		sqlite_close(db);
		return rc == MG_E_NOMEM ? rc : MG_E_CONNECT;
	}
	return 0;
}

static void sqlite_close(struct mg_db *db)
{
	sqlite3_close_v2(conn(db));
	db->conn = NULL;
}

static int sqlite_exec(struct mg_db *db, const char *sql)
{
	const char *tail = sql;
	int rc = 0;

	while (*tail) {
		sqlite3_stmt *stmt = NULL;
		const char *start = tail;
		int s;

		if (sqlite3_prepare_v2(conn(db), start, -1, &stmt, &tail) != SQLITE_OK)
			return stmt_error(db, start);
		if (!stmt) /* whitespace or a comment */
			continue;
		/* An unbound placeholder would run as NULL: refuse it. */
		if (sqlite3_bind_parameter_count(stmt) > 0) {
			struct mg_strbuf b = {0};

			db_put_statement(&b, start);
			rc = mg_db_error(db, MG_E_USAGE,
					 "statement %s has placeholders: run it with parameters",
					 mg_strbuf_cstr(&b));
			mg_strbuf_free(&b);
			sqlite3_finalize(stmt);
			return rc;
		}
		while ((s = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		if (s != SQLITE_DONE) {
			rc = stmt_error(db, start);
			sqlite3_finalize(stmt);
			return rc;
		}
		sqlite3_finalize(stmt);
	}
	return rc;
}

/* MG_E_USAGE for parameters that do not match a statement's placeholders. */
static int param_error(struct mg_db *db, const char *sql, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static int param_error(struct mg_db *db, const char *sql, const char *fmt, ...)
{
	struct mg_strbuf why = {0};
	va_list ap;
	int rc;

	va_start(ap, fmt);
	mg_strbuf_vprintf(&why, fmt, ap);
	va_end(ap);
	rc = db_statement_error(db, MG_E_USAGE, sql, mg_strbuf_cstr(&why));
	mg_strbuf_free(&why);
	return rc;
}

/* Binds parameter `i` (0-based) at placeholder `idx`: text, or an
 * mg_value with its length. */
static int bind_param(sqlite3_stmt *stmt, int idx, size_t i, const char *const *params,
		      const struct mg_value *values)
{
	const struct mg_value *v = values ? &values[i] : NULL;

	if (!v)
		return sqlite3_bind_text(stmt, idx, params[i], -1, SQLITE_TRANSIENT);
	if (!v->data)
		return sqlite3_bind_null(stmt, idx);
	if (v->blob)
		return sqlite3_bind_blob64(stmt, idx, v->data, (sqlite3_uint64)v->len,
					   SQLITE_TRANSIENT);
	return sqlite3_bind_text64(stmt, idx, v->data, (sqlite3_uint64)v->len, SQLITE_TRANSIENT,
				   SQLITE_UTF8);
}

static int sqlite_query(struct mg_rows **out, struct mg_db *db, const char *sql, size_t n_params,
			const char *const *params, const struct mg_value *values,
			unsigned long long *changes)
{
	struct sqlite_rows *rows = NULL;
	sqlite3_stmt *stmt = NULL;
	const char *tail = NULL;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (sqlite3_prepare_v2(conn(db), sql, -1, &stmt, &tail) != SQLITE_OK) {
		rc = stmt_error(db, sql);
		goto done;
	}
	if (!stmt) {
		rc = mg_db_error(db, MG_E_USAGE, "no statement in '%s'", sql);
		goto done;
	}
	for (; *tail; tail++)
		if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != ';') {
			rc = mg_db_error(db, MG_E_USAGE,
					 "one statement expected with parameters, got more: '%s'",
					 sql);
			goto done;
		}
	/* Placeholders are exactly $1..$n_params, as on PostgreSQL: as many
	 * distinct ones as parameters, each $i present. Anything else would
	 * run with a parameter dropped or a placeholder bound to NULL. */
	if ((size_t)sqlite3_bind_parameter_count(stmt) != n_params) {
		rc = param_error(db, sql, "%d placeholders, %zu parameters given",
				 sqlite3_bind_parameter_count(stmt), n_params);
		goto done;
	}
	for (i = 0; i < n_params; i++) {
		char name[24];
		int idx;

		snprintf(name, sizeof(name), "$%zu", i + 1);
		idx = sqlite3_bind_parameter_index(stmt, name);
		if (!idx) {
			rc = param_error(
				db, sql,
				"no placeholder %s for parameter %zu (write them $1, $2, ...)",
				name, i + 1);
			goto done;
		}
		if (bind_param(stmt, idx, i, params, values) != SQLITE_OK) {
			rc = stmt_error(db, sql);
			goto done;
		}
	}
	if (changes) {
		int s;

		while ((s = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		if (s != SQLITE_DONE) {
			rc = stmt_error(db, sql);
			goto done;
		}
		*changes = (unsigned long long)sqlite3_changes64(conn(db));
	}
	rows = mg_calloc(1, sizeof(*rows));
	if (!rows) {
		rc = db_nomem(db);
		goto done;
	}
	rows->base.db = db;
	rows->base.n_columns = (size_t)sqlite3_column_count(stmt);
	rows->stmt = stmt;
	stmt = NULL;
	*out = &rows->base;
done:
	sqlite3_finalize(stmt);
	return rc;
}

static sqlite3_stmt *stmt_of(const struct mg_rows *rows)
{
	return ((const struct sqlite_rows *)rows)->stmt;
}

static int sqlite_rows_next(struct mg_rows *rows)
{
	int s = sqlite3_step(stmt_of(rows));

	if (s == SQLITE_ROW)
		return 1;
	if (s == SQLITE_DONE)
		return 0;
	return stmt_error(rows->db, sqlite3_sql(stmt_of(rows)));
}

static const char *sqlite_rows_text(const struct mg_rows *rows, size_t i)
{
	return (const char *)sqlite3_column_text(stmt_of(rows), (int)i);
}

static const void *sqlite_rows_blob(struct mg_rows *rows, size_t i, size_t *len)
{
	sqlite3_stmt *stmt = stmt_of(rows);
	const void *p;

	*len = 0;
	if (sqlite3_column_type(stmt, (int)i) == SQLITE_NULL)
		return NULL;
	/* Text is returned as stored, a number as its text. */
	p = sqlite3_column_type(stmt, (int)i) == SQLITE_BLOB
		    ? sqlite3_column_blob(stmt, (int)i)
		    : (const void *)sqlite3_column_text(stmt, (int)i);
	*len = (size_t)sqlite3_column_bytes(stmt, (int)i);
	/* A zero-length blob comes back as NULL: not SQL NULL. */
	return p ? p : "";
}

static void sqlite_rows_free(struct mg_rows *rows)
{
	sqlite3_finalize(stmt_of(rows));
	free(rows);
}

static int sqlite_begin(struct mg_db *db)
{
	return sqlite_exec(db, "BEGIN IMMEDIATE");
}

static int sqlite_set_foreign_keys(struct mg_db *db, int on)
{
	return sqlite_exec(db, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
}

/*
 * The first key PRAGMA foreign_key_check finds broken, said as a person
 * would: the child table and column, the parent's, how many rows break that
 * key and one of them by rowid. `table` and `parent` receive the two table
 * names.
 */
static int sqlite_foreign_key_check(struct mg_db *db, struct mg_strbuf *table,
				    struct mg_strbuf *parent)
{
	struct mg_rows *rows = NULL, *key = NULL;
	struct mg_strbuf example = {0}, fkid = {0}, from = {0}, to = {0};
	unsigned long long count = 0;
	const char *params[2];
	int rc = sqlite_query(&rows, db, "PRAGMA foreign_key_check", 0, NULL, NULL, NULL);

	if (rc)
		goto done;
	while ((rc = sqlite_rows_next(rows)) == 1) {
		const char *t = sqlite_rows_text(rows, 0), *id = sqlite_rows_text(rows, 3);

		if (count == 0) {
			const char *rowid = sqlite_rows_text(rows, 1);

			mg_strbuf_puts(table, t ? t : "?");
			mg_strbuf_puts(parent, sqlite_rows_text(rows, 2));
			mg_strbuf_puts(&fkid, id ? id : "");
			if (rowid)
				mg_strbuf_printf(&example, " (for example the row with rowid %s)",
						 rowid);
		} else if (!t || !id || strcmp(t, mg_strbuf_cstr(table)) != 0 ||
			   strcmp(id, mg_strbuf_cstr(&fkid)) != 0) {
			continue;
		}
		count++;
	}
	if (rc < 0 || count == 0)
		goto done;
	/* The key's columns (one, for the keys modelgen makes). */
	params[0] = mg_strbuf_cstr(table);
	params[1] = mg_strbuf_cstr(&fkid);
	rc = sqlite_query(&key, db,
			  "SELECT \"from\", \"to\" FROM pragma_foreign_key_list($1)"
			  " WHERE id = CAST($2 AS INTEGER) ORDER BY seq",
			  2, params, NULL, NULL);
	while (rc == 0 && (rc = sqlite_rows_next(key)) == 1) {
		const char *f = sqlite_rows_text(key, 0), *t = sqlite_rows_text(key, 1);

		mg_strbuf_puts(&from, from.len ? ", " : "");
		mg_strbuf_puts(&from, f ? f : "?");
		mg_strbuf_puts(&to, to.len ? ", " : "");
		mg_strbuf_puts(&to, t ? t : "?");
	}
	if (rc < 0)
		goto done;
	if (mg_strbuf_failed(table) || mg_strbuf_failed(parent) || mg_strbuf_failed(&example) ||
	    mg_strbuf_failed(&from) || mg_strbuf_failed(&to)) {
		rc = db_nomem(db);
		goto done;
	}
	rc = mg_db_error(db, MG_E_FOREIGN_KEY,
			 "foreign key check failed: %llu row%s of table %s %s a value of column "
			 "%s that is missing from %s.%s%s",
			 count, count == 1 ? "" : "s", mg_strbuf_cstr(table),
			 count == 1 ? "holds" : "hold", from.len ? mg_strbuf_cstr(&from) : "?",
			 mg_strbuf_cstr(parent), to.len ? mg_strbuf_cstr(&to) : "its primary key",
			 mg_strbuf_cstr(&example));
done:
	if (rows)
		sqlite_rows_free(rows);
	if (key)
		sqlite_rows_free(key);
	mg_strbuf_free(&example);
	mg_strbuf_free(&fkid);
	mg_strbuf_free(&from);
	mg_strbuf_free(&to);
	return rc;
}

const struct mg_driver mg_sqlite_driver = {
	.dialect = MG_DIALECT_SQLITE,
	.open = sqlite_open,
	.close = sqlite_close,
	.exec = sqlite_exec,
	.query = sqlite_query,
	.rows_next = sqlite_rows_next,
	.rows_text = sqlite_rows_text,
	.rows_blob = sqlite_rows_blob,
	.rows_free = sqlite_rows_free,
	.begin = sqlite_begin,
	.apply_lock_timeout = sqlite_apply_lock_timeout,
	/* BEGIN IMMEDIATE is the lock. */
	.lock = NULL,
	.unlock = NULL,
	.inspect = inspect_sqlite,
	.normalize = inspect_normalize_sqlite,
	.loose_custom_types = 1,
	/* EXISTS stops at the first match instead of scanning the whole
	 * schema (this runs on every start of dbupdate). */
	.sql_managed = "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table'"
		       " AND name = 'modelgen_migrations')",
	.sql_user_objects = "SELECT EXISTS (SELECT 1 FROM sqlite_schema"
			    " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
			    " AND name NOT LIKE 'modelgen\\_%' ESCAPE '\\')",
	.sql_table_names = "SELECT name FROM sqlite_schema WHERE type = 'table'"
			   " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
			   " AND name NOT LIKE 'modelgen\\_%' ESCAPE '\\' ORDER BY name",
	.sql_stamp = "INSERT INTO modelgen_migrations VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	.sql_unstamp = "DELETE FROM modelgen_migrations WHERE number = $1",
	.set_foreign_keys = sqlite_set_foreign_keys,
	.foreign_key_check = sqlite_foreign_key_check,
	.rebuild = rebuild_sqlite,
	.edit = edit_sqlite,
};
