/*
 * Errors: the fixed descriptions of the MG_E_* codes (mg_strerror) and the
 * one-line message on a handle that goes with a code (mg_db_error,
 * mg_db_errmsg and the helpers every part of the runtime words its
 * messages with).
 */
#include <stdarg.h>

#include "db_int.h"
#include "modelgen/errors.h"

const char *mg_strerror(int code)
{
	switch (code) {
	case MG_OK:
		return "success";
	case MG_E_ERROR:
		return "error";
	case MG_E_NOMEM:
		return "out of memory";
	case MG_E_URL:
		return "malformed or unsupported database URL";
	case MG_E_CONNECT:
		return "cannot connect to the database";
	case MG_E_SQL:
		return "the database rejected a statement";
	case MG_E_LOCKED:
		return "another process holds the migration lock";
	case MG_E_AHEAD:
		return "the database is ahead of this program";
	case MG_E_CHECKSUM:
		return "an applied migration was edited";
	case MG_E_OTHER_BRANCH:
		return "an applied migration differs from this program's";
	case MG_E_UNMANAGED:
		return "the database has tables but no modelgen bookkeeping";
	case MG_E_DRIFT:
		return "the live schema differs from the expected one";
	case MG_E_IRREVERSIBLE:
		return "the migration cannot be undone without data loss";
	case MG_E_NOTFOUND:
		return "not found";
	case MG_E_UNSUPPORTED:
		return "not supported by this build";
	case MG_E_INCONSISTENT:
		return "inconsistent bookkeeping";
	case MG_E_RANGE:
		return "migration number out of range";
	case MG_E_FOREIGN_KEY:
		return "foreign key check failed";
	case MG_E_USAGE:
		return "invalid argument";
	case MG_E_STEP:
		return "a hand-written migration step failed";
	case MG_E_GUARD:
		return "a migration step would change or lose stored values";
	default:
		return "unknown error";
	}
}

const char *mg_db_errmsg(const struct mg_db *db)
{
	/* A message that could not be written for want of memory. */
	if (mg_strbuf_failed(&db->err))
		return "out of memory";
	return mg_strbuf_cstr(&db->err);
}

static int verror(struct mg_db *db, int code, const char *fmt, va_list ap)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 0)))
#endif
	;

static int verror(struct mg_db *db, int code, const char *fmt, va_list ap)
{
	mg_strbuf_clear(&db->err);
	mg_strbuf_vprintf(&db->err, fmt, ap);
	/* One line: the database's own messages may carry newlines. */
	for (size_t i = 0; i < db->err.len; i++)
		if (db->err.ptr[i] == '\n' || db->err.ptr[i] == '\r')
			db->err.ptr[i] = ' ';
	while (db->err.len && db->err.ptr[db->err.len - 1] == ' ')
		db->err.ptr[--db->err.len] = 0;
	return code;
}

int mg_db_error(struct mg_db *db, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(db, code, fmt, ap);
	va_end(ap);
	return code;
}

void db_prefix(struct mg_db *db, const char *fmt, ...)
{
	struct mg_strbuf b = {0};
	va_list ap;

	va_start(ap, fmt);
	mg_strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	mg_strbuf_puts(&b, ": ");
	mg_strbuf_puts(&b, mg_db_errmsg(db));
	/* Out of memory, the message stays without its prefix. */
	if (mg_strbuf_failed(&b)) {
		mg_strbuf_free(&b);
		return;
	}
	mg_strbuf_free(&db->err);
	db->err = b;
}

void db_suffix(struct mg_db *db, const char *fmt, ...)
{
	struct mg_strbuf b = {0};
	va_list ap;

	mg_strbuf_puts(&b, mg_db_errmsg(db));
	va_start(ap, fmt);
	mg_strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (mg_strbuf_failed(&b)) {
		mg_strbuf_free(&b);
		return;
	}
	mg_strbuf_free(&db->err);
	db->err = b;
}

void db_put_statement(struct mg_strbuf *b, const char *sql)
{
	size_t n = 0;

	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	while (sql[n] && sql[n] != '\n' && n < 80)
		n++;
	mg_strbuf_putc(b, '\'');
	mg_strbuf_putn(b, sql, n);
	if (sql[n] && sql[n] != '\n')
		mg_strbuf_puts(b, "...");
	mg_strbuf_putc(b, '\'');
}

int db_nomem(struct mg_db *db)
{
	return mg_db_error(db, MG_E_NOMEM, "out of memory");
}

int db_statement_error(struct mg_db *db, int code, const char *sql, const char *why)
{
	struct mg_strbuf b = {0};

	db_put_statement(&b, sql);
	mg_db_error(db, code, "statement %s: %s", mg_strbuf_cstr(&b), why);
	mg_strbuf_free(&b);
	return code;
}

void db_save_error(struct mg_db *db, struct mg_strbuf *saved)
{
	*saved = db->err;
	db->err = (struct mg_strbuf){0};
}

void db_restore_error(struct mg_db *db, struct mg_strbuf *saved)
{
	mg_strbuf_free(&db->err);
	db->err = *saved;
	*saved = (struct mg_strbuf){0};
}

void db_progress(struct mg_db *db, const char *fmt, ...)
{
	struct mg_strbuf b = {0};
	va_list ap;

	if (!db->progress)
		return;
	va_start(ap, fmt);
	mg_strbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* Progress is not worth failing for: out of memory, no line. */
	if (!mg_strbuf_failed(&b))
		db->progress(db->progress_ctx, mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
}
