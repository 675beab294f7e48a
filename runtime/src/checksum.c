/*
 * The checksum of a migration as the runtime sees it: SHA-256 over its data
 * (number, name, hashes, flags, frozen tables, every step on both dialects),
 * computed at run time, so a migration edited after it was applied is
 * noticed whatever the file looks like. What people read is left out:
 * operation summaries, step notes and op numbers, comments. The file
 * layout is not part of it either: the same data in migration format 1 and
 * format 2 has the same checksum, and fields added since are hashed only
 * when set (fields.h), so that stays true as fields are added.
 */
#include <stddef.h>
#include <string.h>

#include "fields.h"
#include "modelgen/update.h"
#include "util/sha256.h"

/*
 * The serialisation goes through a buffer and reaches SHA-256 in large
 * pieces: a migration is hundreds of short strings and numbers, and
 * hashing each on its own was most of an up-to-date dbupdate's own time.
 */
struct feed {
	struct mg_sha256 h;
	size_t n;
	char buf[4096];
};

static void feed_bytes(struct feed *f, const void *p, size_t n)
{
	if (f->n + n > sizeof(f->buf)) {
		mg_sha256_update(&f->h, f->buf, f->n);
		f->n = 0;
		if (n > sizeof(f->buf)) {
			mg_sha256_update(&f->h, p, n);
			return;
		}
	}
	memcpy(f->buf + f->n, p, n);
	f->n += n;
}

/* Appends the decimal digits of `v` and `end` (no snprintf: this runs for
 * every migration on every start of an up-to-date dbupdate). */
static void put_number(struct feed *h, unsigned long long v, char end)
{
	char buf[24];
	size_t i = sizeof(buf);

	buf[--i] = end;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	feed_bytes(h, buf + i, sizeof(buf) - i);
}

/* Strings are length-prefixed so that no two different inputs share a
 * serialisation; NULL differs from "". */
static void put_str(struct feed *h, const char *s)
{
	size_t n;

	if (!s) {
		feed_bytes(h, "-;", 2);
		return;
	}
	n = strlen(s);
	put_number(h, n, ':');
	feed_bytes(h, s, n);
}

static void put_uint(struct feed *h, unsigned long long v)
{
	put_number(h, v, ';');
}

/* The HASHED fields of `obj`, in table order. */
static void put_hashed(struct feed *h, const struct mg_field *fields, const void *obj)
{
	for (; fields->name; fields++) {
		if (!(fields->flags & MG_FIELD_HASHED))
			continue;
		if (fields->type == MG_FIELD_STRING)
			put_str(h, mg_field_string(fields, obj));
		else
			put_uint(h, mg_field_number(fields, obj));
	}
}

/* An EXTENSION field that is set: '+', its name, its value. No format-1
 * token starts with '+', so the serialisation stays unambiguous, and data
 * that format 1 could express hashes as it did then. */
static void put_extension(struct feed *h, const struct mg_field *f, const void *obj,
			  unsigned number)
{
	feed_bytes(h, "+", 1);
	put_str(h, f->name);
	if (f->type == MG_FIELD_STRING)
		put_str(h, mg_field_string(f, obj));
	else
		put_uint(h, number);
}

static void put_extensions(struct feed *h, const struct mg_field *fields, const void *obj)
{
	for (; fields->name; fields++)
		if ((fields->flags & MG_FIELD_EXTENSION) && mg_field_is_set(fields, obj))
			put_extension(h, fields, obj, mg_field_number(fields, obj));
}

static void put_table(struct feed *h, const struct mg_table *t)
{
	size_t i, j;

	if (!t) {
		put_str(h, NULL);
		return;
	}
	put_hashed(h, mg_table_fields, t);
	put_uint(h, t->n_columns);
	for (i = 0; i < t->n_columns; i++) {
		put_hashed(h, mg_column_fields, &t->columns[i]);
		put_extensions(h, mg_column_fields, &t->columns[i]);
	}
	put_uint(h, t->n_primary_key);
	for (i = 0; i < t->n_primary_key; i++)
		put_str(h, t->primary_key[i]);
	put_uint(h, t->n_indexes);
	for (i = 0; i < t->n_indexes; i++) {
		put_hashed(h, mg_index_fields, &t->indexes[i]);
		put_uint(h, t->indexes[i].n_columns);
		for (j = 0; j < t->indexes[i].n_columns; j++)
			put_str(h, t->indexes[i].columns[j]);
		put_extensions(h, mg_index_fields, &t->indexes[i]);
	}
	put_uint(h, t->n_foreign_keys);
	for (i = 0; i < t->n_foreign_keys; i++) {
		put_hashed(h, mg_foreign_key_fields, &t->foreign_keys[i]);
		put_extensions(h, mg_foreign_key_fields, &t->foreign_keys[i]);
	}
	put_extensions(h, mg_table_fields, t);
}

static void put_schema(struct feed *h, const struct mg_schema *s)
{
	size_t i;

	if (!s) {
		put_str(h, NULL);
		return;
	}
	put_uint(h, s->n_tables);
	for (i = 0; i < s->n_tables; i++)
		put_table(h, &s->tables[i]);
}

/*
 * A step's extension fields. Format 1 had no step flags: its runtime told a
 * step that drops a table by the SQL's "DROP TABLE " prefix. So the flags
 * are hashed as their difference from that reading, and a format-1 step
 * with the flag it implied hashes as it did.
 */
static void put_step_extensions(struct feed *h, const struct mg_step *st)
{
	const struct mg_field *f;

	for (f = mg_step_fields; f->name; f++) {
		unsigned v;

		if (!(f->flags & MG_FIELD_EXTENSION))
			continue;
		if (f->type == MG_FIELD_STRING) {
			if (mg_field_is_set(f, st))
				put_extension(h, f, st, 0);
			continue;
		}
		v = mg_field_number(f, st);
		if (f->offset == offsetof(struct mg_step, flags) && st->kind == MG_STEP_SQL &&
		    st->sql && strncmp(st->sql, "DROP TABLE ", 11) == 0)
			v ^= MG_STEP_DROPS_TABLE;
		if (v)
			put_extension(h, f, st, v);
	}
}

static void put_plan(struct feed *h, const struct mg_plan *p)
{
	size_t i, j;

	put_uint(h, p->n_steps);
	for (i = 0; i < p->n_steps; i++) {
		const struct mg_step *st = &p->steps[i];

		put_uint(h, (unsigned)st->kind);
		put_str(h, st->sql);
		if (!st->rebuild) {
			put_str(h, NULL);
		} else {
			put_table(h, st->rebuild->table);
			put_str(h, st->rebuild->old_name);
			put_uint(h, st->rebuild->n_copy);
			for (j = 0; j < st->rebuild->n_copy; j++) {
				put_str(h, st->rebuild->copy_columns[j]);
				put_str(h, st->rebuild->copy_exprs[j]);
			}
		}
		put_step_extensions(h, st);
	}
}

void mg_migration_checksum(char out[72], const struct mg_migration *m)
{
	static const char hex[] = "0123456789abcdef";
	struct feed h;
	unsigned char digest[32];
	int d;
	size_t i;

	mg_sha256_init(&h.h);
	h.n = 0;
	put_str(&h, "modelgen-migration-checksum-1");
	put_hashed(&h, mg_migration_fields, m);
	put_schema(&h, m->before);
	put_schema(&h, m->after);
	for (d = 0; d < MG_DIALECT_COUNT; d++) {
		put_plan(&h, &m->up[d]);
		put_plan(&h, &m->down[d]);
	}
	put_uint(&h, (unsigned)(m->run_up != NULL));
	put_uint(&h, (unsigned)(m->run_down != NULL));
	put_extensions(&h, mg_migration_fields, m);
	mg_sha256_update(&h.h, h.buf, h.n);
	mg_sha256_final(&h.h, digest);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[digest[i] >> 4];
		out[8 + 2 * i] = hex[digest[i] & 15];
	}
	out[71] = 0;
}
