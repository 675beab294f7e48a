/*
 * Checks on text that the SQL renderer pastes into statements verbatim
 * (identifiers, MG_DEFAULT and MG_TYPE text): the parts of sql.h that decide
 * whether a string may be rendered at all.
 */
#include "sql.h"

#include <string.h>

/* 1 for [A-Za-z_][A-Za-z0-9_]* of 1 to 63 bytes (PostgreSQL truncates
 * longer names silently, which would make two names collide). */
int mg_sql_ident_valid(const char *name)
{
	size_t i;

	if (!name || !name[0])
		return 0;
	for (i = 0; name[i]; i++) {
		char c = name[i];
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
		int digit = c >= '0' && c <= '9';

		if (!alpha && !(digit && i > 0))
			return 0;
		if (i >= 63)
			return 0;
	}
	return 1;
}

/*
 * The scan has to agree with both SQLite's and PostgreSQL's tokenizers on
 * where a quoted token ends; otherwise text we believe is inside a string
 * could be outside it for the database. So only the quoting both share is
 * accepted ('...' with '' and "..." with ""), and everything that one of
 * them reads as another kind of quote or an escape is refused outright:
 * backslashes (PostgreSQL E'' strings), `$` (dollar quoting), backticks and
 * brackets (SQLite identifiers).
 */
int mg_sql_default_valid(const char *sql, const char **why)
{
	const char *p;
	int depth = 0, nonblank = 0;
	const char *dummy;

	if (!why)
		why = &dummy;
	*why = NULL;
	if (!sql) {
		*why = "empty";
		return 0;
	}
	for (p = sql; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			*why = "control character";
			return 0;
		}
		if (c == '\\') {
			*why = "backslash (escape strings are not supported)";
			return 0;
		}
		if (c == '\'' || c == '"') {
			const char *q = p + 1;

			for (;;) {
				if (*q == '\0') {
					*why = c == '\'' ? "unbalanced single quote"
							 : "unbalanced double quote";
					return 0;
				}
				if (*q == '\\') {
					*why = "backslash (escape strings are not supported)";
					return 0;
				}
				if ((unsigned char)*q == c) {
					if ((unsigned char)q[1] == c) {
						q += 2;
						continue;
					}
					break;
				}
				q++;
			}
			p = q;
			nonblank = 1;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		nonblank = 1;
		switch (c) {
		case ';':
			*why = "';' (one expression only)";
			return 0;
		case '-':
			if (p[1] == '-') {
				*why = "comment";
				return 0;
			}
			break;
		case '/':
			if (p[1] == '*') {
				*why = "comment";
				return 0;
			}
			break;
		case '*':
			if (p[1] == '/') {
				*why = "comment";
				return 0;
			}
			break;
		case '$':
		case '`':
		case '[':
		case ']':
			*why = "unsupported quoting character";
			return 0;
		case '(':
			depth++;
			break;
		case ')':
			if (--depth < 0) {
				*why = "unbalanced parentheses";
				return 0;
			}
			break;
		default:
			break;
		}
	}
	if (!nonblank) {
		*why = "empty";
		return 0;
	}
	if (depth != 0) {
		*why = "unbalanced parentheses";
		return 0;
	}
	return 1;
}
