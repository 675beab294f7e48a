/*
 * libFuzzer target: the database URL parser (mg_url_parse). A refusal is
 * one line that names the URL (passwords masked); an accepted URL has a dialect and a target.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_url url;
	char err[256];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (mg_url_parse(&url, text, err, sizeof(err)) == 0) {
		if (!url.target || !url.target[0] ||
		    (url.dialect != MG_DIALECT_SQLITE && url.dialect != MG_DIALECT_POSTGRESQL))
			abort();
		if (url.dialect == MG_DIALECT_SQLITE && strchr(url.target, '?'))
			abort();
	} else {
		if (!err[0] || strncmp(err, "database URL '", 14) != 0 || url.target)
			abort();
		for (const char *p = err; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort(); /* one line, no terminal escapes */
	}
	mg_url_free(&url);
	free(text);
	return 0;
}
