/*
 * Database URL parsing: sqlite:PATH, sqlite:///ABSOLUTE/PATH, sqlite::memory:,
 * postgresql://..., postgres://..., libpq key=value strings; $DATABASE_URL
 * and the default sqlite:app.db.
 */
#include "url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modelgen/errors.h"
#include "util/alloc.h"

const char *mg_url_resolve(const char *url)
{
	const char *env;

	if (url)
		return url;
	env = getenv("DATABASE_URL");
	if (env && *env)
		return env;
	return "sqlite:app.db";
}

/*
 * Copies `url` for a message into `out` (outlen > 8 bytes): a password
 * ("scheme://user:PASSWORD@", "password=VALUE") becomes "***" so that it
 * never lands in a CI log, control characters become '?' so that the message
 * stays one line, and a long URL is cut with "...".
 */
static void shown_url(char *out, size_t outlen, const char *url)
{
	const char *p = url, *auth = strstr(url, "://"), *at = NULL, *colon = NULL;
	size_t n = 0;

	if (auth) {
		auth += 3;
		at = auth + strcspn(auth, "/?#@");
		colon = *at == '@' ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	}
	/* A step writes at most 3 bytes (the password one checks its own room):
	 * "..." and the NUL always fit. */
	while (*p && n + 7 < outlen) {
		if (colon && p == colon + 1) {
			memcpy(out + n, "***", 3);
			n += 3;
			p = at;
			colon = NULL;
			continue;
		}
		if (strncmp(p, "password", 8) == 0 && p[8 + strspn(p + 8, " \t")] == '=') {
			if (n + 12 + 4 >= outlen)
				break;
			memcpy(out + n, "password=***", 12);
			n += 12;
			p += 8 + strspn(p + 8, " \t") + 1;
			p += strspn(p, " \t");
			if (*p == '\'') {
				for (p++; *p && *p != '\''; p++)
					if (*p == '\\' && p[1])
						p++;
				if (*p)
					p++;
			} else {
				p += strcspn(p, " \t&");
			}
			continue;
		}
		out[n++] = (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p;
		p++;
	}
	if (*p) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

static int fail(char *err, size_t errlen, const char *url, const char *why)
{
	char shown[160];

	if (err && errlen) {
		shown_url(shown, sizeof(shown), url);
		snprintf(err, errlen, "database URL '%s': %s", shown, why);
	}
	return MG_E_URL;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* 1 when `s` looks like a libpq key=value string: it starts with a keyword
 * ([a-z_]+) followed by optional blanks and '='. */
static int is_keyword_value(const char *s)
{
	const char *p = s;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || *p == '_')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '=';
}

int mg_url_parse(struct mg_url *out, const char *url, char *err, size_t errlen)
{
	const char *path;

	memset(out, 0, sizeof(*out));
	if (!url || !*url)
		return fail(err, errlen, "", "empty");
	if (starts_with(url, "sqlite:")) {
		path = url + strlen("sqlite:");
		if (strcmp(path, ":memory:") == 0) {
			path = ":memory:";
		} else if (starts_with(path, "//")) {
			/* Only the empty authority is meaningful: a file
			 * path cannot have a host. */
			if (path[2] != '/')
				return fail(err, errlen, url,
					    "a SQLite URL has no host: use sqlite:PATH or "
					    "sqlite:///ABSOLUTE/PATH");
			path += 2;
		}
		if (!*path)
			return fail(err, errlen, url, "no file path after 'sqlite:'");
		if (path[strlen(path) - 1] == '/')
			return fail(err, errlen, url, "the path names a directory, not a file");
		if (strchr(path, '?'))
			return fail(err, errlen, url, "SQLite URLs take no '?' options");
		out->dialect = MG_DIALECT_SQLITE;
	} else if (starts_with(url, "postgresql://") || starts_with(url, "postgres://") ||
		   is_keyword_value(url)) {
		path = url;
		out->dialect = MG_DIALECT_POSTGRESQL;
	} else if (strstr(url, "://")) {
		return fail(err, errlen, url,
			    "unknown scheme: expected sqlite:, postgresql:// or postgres://");
	} else {
		return fail(err, errlen, url,
			    "not a database URL: expected sqlite:PATH, sqlite:///ABSOLUTE/PATH, "
			    "postgresql://... or a libpq key=value string");
	}
	out->target = mg_strdup(path);
	if (!out->target) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return MG_E_NOMEM;
	}
	return 0;
}

void mg_url_free(struct mg_url *url)
{
	if (!url)
		return;
	free(url->target);
	url->target = NULL;
}
