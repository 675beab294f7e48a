/*
 * libFuzzer target: the annotation-string parser (parse_annotation). The
 * first byte picks the place (bit 0: struct) and whether "mg." is put in
 * front (bit 1, so most inputs reach the checks); the rest is the text as
 * libclang would hand it over.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct diag_list diags = {0};
	struct diag_loc loc = {"models/fuzz.h", 7, 3};
	char *text;
	size_t off;
	int flags, rc;

	if (size < 1)
		return 0;
	flags = data[0];
	off = (flags & 2) ? 3 : 0;
	text = malloc(off + size);
	if (!text)
		return 0;
	memcpy(text, "mg.", off);
	memcpy(text + off, data + 1, size - 1);
	text[off + size - 1] = '\0';
	rc = parse_annotation(text, flags & 1, &loc, &diags);
	if ((rc == -1) != (diags.n_errors > 0) || rc < -1 || rc > 1)
		abort();
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (devnull)
		diag_print(&diags, devnull);
	diag_free(&diags);
	free(text);
	return 0;
}
