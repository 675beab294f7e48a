/*
 * libFuzzer target: the snapshot loader (snapshot_parse) on arbitrary text.
 * Whatever it accepts must dump to canonical JSON that loads again and
 * dumps to the same bytes; the fast reader of canonical text and the full
 * loader must agree on it, foreign tables included.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The canonical text of a loaded snapshot with its foreign tables. */
static char *dump_all(const struct mg_schema *schema)
{
	const char *const *foreign;
	size_t n = snapshot_foreign_tables(schema, &foreign);

	return snapshot_dump_foreign(schema, n, foreign);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list diags = {0};
	struct mg_schema *schema = NULL, *again = NULL;
	char *text = malloc(size + 1);
	char *dump = NULL, *dump2 = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (snapshot_parse(&schema, text, "schema.json", &diags) == 0) {
		struct mg_schema *full = NULL;
		char *full_dump;

		if (diags.n_errors)
			abort(); /* success with errors */
		dump = dump_all(schema);
		/* The fast reader of canonical text accepts nothing the full
		 * loader refuses, and reads it as the same schema. */
		if (snapshot_parse_full(&full, text, "schema.json", &diags) != 0) {
			diag_print(&diags, stderr);
			fprintf(stderr, "accepted, but refused by the full loader:\n%s", text);
			abort();
		}
		full_dump = dump_all(full);
		if (strcmp(dump, full_dump) != 0) {
			fprintf(stderr, "the fast and the full loader differ:\n%s\n----\n%s", dump,
				full_dump);
			abort();
		}
		free(full_dump);
		mg_schema_free(full);
		if (snapshot_parse(&again, dump, "dump.json", &diags) != 0) {
			diag_print(&diags, stderr);
			fprintf(stderr, "the dump of an accepted snapshot does not load:\n%s",
				dump);
			abort();
		}
		dump2 = dump_all(again);
		if (strcmp(dump, dump2) != 0) {
			fprintf(stderr, "dump, load, dump is not stable:\n%s\n----\n%s", dump,
				dump2);
			abort();
		}
	} else if (diags.n_errors == 0 || schema) {
		abort(); /* failure must say why and return nothing */
	}
	free(dump2);
	free(dump);
	mg_schema_free(again);
	mg_schema_free(schema);
	diag_free(&diags);
	free(text);
	return 0;
}
