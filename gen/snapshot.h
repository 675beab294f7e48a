/*
 * Model <-> canonical JSON (generated/schema.json). The writer is canonical:
 * sorted keys, indent 2, ASCII only (\uXXXX escapes), one trailing newline, no
 * absolute paths, so the same schema gives the same bytes on any machine. The
 * loader is strict: unknown format version, unknown or duplicate keys,
 * missing fields and wrong types are errors with the JSON's line and column.
 * The format is documented at the top of snapshot.c.
 */
#ifndef MG_GEN_SNAPSHOT_H
#define MG_GEN_SNAPSHOT_H

#include "diag.h"
#include "modelgen/schema.h"

/* The snapshot format version written into every snapshot. */
#define SNAPSHOT_FORMAT 1

/* Returns the canonical JSON text of `schema` (malloc'd; caller frees). */
char *snapshot_dump(const struct mg_schema *schema);

/* snapshot_dump with the models' foreign tables (MG_FOREIGN_TABLE, sorted)
 * as "foreign_tables"; with none the same text. They are not part of the
 * schema hash, which snapshot_dump's text gives: no migration creates or
 * changes them. */
char *snapshot_dump_foreign(const struct mg_schema *schema, size_t n_foreign,
			    const char *const *foreign);

/* The foreign tables of a schema that snapshot_parse or snapshot_load
 * returned (and only of such a schema): their count, the sorted names in
 * *names (NULL when none). */
size_t snapshot_foreign_tables(const struct mg_schema *snapshot, const char *const **names);

/*
 * Parses snapshot JSON `text`; `path` names it in diagnostics. On success
 * returns 0 and sets `*out` to a schema that the caller frees with
 * mg_schema_free. On error returns -1 with one error per problem in `diags`.
 */
int snapshot_parse(struct mg_schema **out, const char *text, const char *path,
		   struct diag_list *diags);

/* snapshot_parse through the full (jansson) loader only, never the fast
 * reader of snapshot_dump's own text: for the fuzzer, which checks that
 * the two accept the same texts as the same schemas. */
int snapshot_parse_full(struct mg_schema **out, const char *text, const char *path,
			struct diag_list *diags);

/* Reads and parses the file at `path` (see snapshot_parse). A missing file
 * is an error here; callers that accept one check first. */
int snapshot_load(struct mg_schema **out, const char *path, struct diag_list *diags);

/* snapshot_load that also writes "sha256:" + the hex SHA-256 of the file's
 * bytes to `text_hash` (72 bytes with the NUL) when it succeeds. When the
 * file is canonical that is the schema hash, without dumping the schema
 * again; when it is not, the two differ and callers fall back to
 * snapshot_hash. */
int snapshot_load_hashed(struct mg_schema **out, char text_hash[72], const char *path,
			 struct diag_list *diags);

/* The schema hash: "sha256:" + 64 hex digits of SHA-256 over the canonical
 * JSON. Writes 72 bytes including the NUL into `out`. An empty schema (no
 * tables) has the hash of its canonical JSON like any other. */
void snapshot_hash(char out[72], const struct mg_schema *schema);

/*
 * snapshot_hash along a walk over schemas that share their unchanged tables
 * (mg_schema_at copies a table's struct, its strings and arrays stay put):
 * each table's JSON is written once and kept in `cache`, found again by the
 * table's strings and arrays, which must not change or be freed while the
 * cache is used. Same hashes as snapshot_hash.
 */
struct snapshot_cache;
struct snapshot_cache *snapshot_cache_new(void);
void snapshot_cache_free(struct snapshot_cache *cache);
void snapshot_hash_cached(char out[72], const struct mg_schema *schema,
			  struct snapshot_cache *cache);

#endif
