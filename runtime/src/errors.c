/*
 * mg_strerror: the fixed descriptions of the MG_E_* codes.
 */
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
	default:
		return "unknown error";
	}
}
