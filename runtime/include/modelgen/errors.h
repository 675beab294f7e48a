/*
 * Error codes of the modelgen runtime: 0 for success or a negative code.
 * The numbers are frozen: a code is never renumbered or reused. The message
 * that goes with an error is on the handle (mg_db_errmsg).
 */
#ifndef MODELGEN_ERRORS_H
#define MODELGEN_ERRORS_H

#include "modelgen/export.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mg_error {
	MG_OK = 0,
	MG_E_ERROR = -1,         /* unspecified failure */
	MG_E_NOMEM = -2,         /* out of memory */
	MG_E_URL = -3,           /* malformed or unsupported database URL */
	MG_E_CONNECT = -4,       /* cannot open or connect to the database */
	MG_E_SQL = -5,           /* the database rejected a statement */
	MG_E_LOCKED = -6,        /* another process held the lock too long */
	MG_E_AHEAD = -7,         /* database is at a migration the program lacks */
	MG_E_CHECKSUM = -8,      /* applied migration edited afterwards */
	MG_E_OTHER_BRANCH = -9,  /* applied migration has another name */
	MG_E_UNMANAGED = -10,    /* non-empty database without bookkeeping */
	MG_E_DRIFT = -11,        /* live schema differs from the expected one */
	MG_E_IRREVERSIBLE = -12, /* down would lose data; needs force */
	MG_E_NOTFOUND = -13,     /* no such table, column or row */
	MG_E_UNSUPPORTED = -14,  /* not built in (e.g. PostgreSQL support) */
	MG_E_INCONSISTENT = -15, /* bookkeeping has gaps or is unreadable */
	MG_E_RANGE = -16,        /* a migration number out of range */
	MG_E_FOREIGN_KEY = -17,  /* foreign key check failed after a rebuild */
	MG_E_USAGE = -18,        /* invalid argument to a runtime function */
	MG_E_STEP = -19,         /* a hand-written step failed (see message) */
	MG_E_GUARD = -20         /* a step's guard found rows it cannot keep */
};

/* Returns a static, one-line description of `code` ("unknown error" for
 * codes this version does not know). Never NULL. */
MG_EXTERN const char *mg_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif
