/*
 * Model <-> canonical JSON (see snapshot.h).
 *
 * Format 1 (generated/schema.json). Keys sorted, indent 2, ASCII only, one
 * trailing newline. Optional members are omitted when they have no value
 * (never written as null, and null is refused on load).
 *
 *   {
 *     "foreign_tables": ["audit"],     optional: MG_FOREIGN_TABLE, sorted,
 *                                      unique, any non-empty names; not
 *                                      part of the schema hash
 *     "format": 1,
 *     "tables": [                      sorted by name, names unique
 *       {
 *         "name": "users",
 *         "comment": "...",            optional
 *         "columns": [                 declaration order, names unique
 *           {
 *             "name": "id",
 *             "type": "bigint",        a mg_coltype_name()
 *             "length": 64,            varchar only (required there, 1..)
 *             "custom_type": "...",    custom only (required there)
 *             "nullable": false,
 *             "identity": true,
 *             "default": "0",          optional, SQL text
 *             "comment": "..."         optional
 *           }
 *         ],
 *         "primary_key": ["id"],       column names in key order
 *         "primary_key_name": "...",   optional: MG_NAME of the key, an
 *                                      identifier other than pk_<name>
 *         "indexes": [                 sorted by name; unique constraints too
 *           {"name": "uq_users_email", "unique": true, "columns": ["email"]}
 *         ],
 *         "foreign_keys": [            sorted by name
 *           {"name": "fk_users_avatar_id", "column": "avatar_id",
 *            "ref_table": "media_files", "ref_column": "id",
 *            "on_delete": "set null"}  a mg_fk_action_name()
 *         ]
 *       }
 *     ]
 *   }
 *
 * renamed_from is generator input and is never stored. The loader refuses
 * anything else: another format number, unknown, duplicate or missing keys,
 * wrong JSON types, unknown type or action names, unsorted or duplicate
 * names, names that are not identifiers, defaults and custom types that
 * fail mg_sql_default_valid, key and index lists naming unknown columns,
 * foreign keys to unknown tables or columns. It stops at the first problem and reports it at the
 * line and column of the offending key or value (found by a light second scan of the text, since
 * jansson keeps positions only for syntax errors).
 */
#include "snapshot.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "sql.h"
#include "util/arena.h"
#include "util/sha256.h"
#include "write.h"

/* ---- writing ---------------------------------------------------------- */

/*
 * The canonical text is written directly rather than through a jansson tree:
 * snapshot_dump runs on every schema hash, and building and sorting a tree
 * of a thousand tables was most of `modelgen diff`'s own time; it goes into
 * a plain buffer, one capacity check per piece. The output is byte for byte
 * what json_dumps(JSON_SORT_KEYS | JSON_INDENT(2) | JSON_ENSURE_ASCII) gives
 * for the same document (test_snapshot checks it against jansson): members
 * in byte order of their keys, which the writers below spell out by hand.
 */

struct writer {
	char *buf; /* malloc'd; NUL-terminated only by snapshot_dump */
	size_t len, cap;
	unsigned depth;
	/* With `expect`, dump() compares what it writes with expect[0..n)
	 * piece by piece instead of keeping it (`at`: how far it matched). */
	const char *expect;
	size_t n_expect, at;
	int differs;
};

/* Makes room for `n` more bytes and a NUL; aborts when memory runs out
 * (snapshot_dump's contract). */
static void need(struct writer *w, size_t n)
{
	size_t cap;
	char *fresh;

	if (w->cap - w->len > n)
		return;
	cap = w->cap ? w->cap : 1024;
	while (cap - w->len <= n)
		cap *= 2;
	fresh = realloc(w->buf, cap);
	if (!fresh) {
		fputs("modelgen: out of memory\n", stderr);
		abort();
	}
	w->buf = fresh;
	w->cap = cap;
}

static void putn(struct writer *w, const char *s, size_t n)
{
	need(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void putc_(struct writer *w, char c)
{
	need(w, 1);
	w->buf[w->len++] = c;
}

/* A string literal, its length known at compile time. */
#define put_lit(w, lit) putn((w), (lit), sizeof(lit) - 1)

static void put_indent(struct writer *w)
{
	size_t n = 2 * (size_t)w->depth;

	need(w, n + 1);
	w->buf[w->len++] = '\n';
	memset(w->buf + w->len, ' ', n);
	w->len += n;
}

/* A JSON string, ASCII only: the escapes jansson writes, non-ASCII as
 * \uXXXX (upper-case hex; surrogate pairs above U+FFFF). */
static void put_string(struct writer *w, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	putc_(w, '"');
	while (*s) {
		const unsigned char *run = s;
		uint32_t cp;
		size_t n;
		char esc[16];

		while (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\')
			s++;
		putn(w, (const char *)run, (size_t)(s - run));
		if (!*s)
			break;
		n = model_utf8_decode(s, &cp);
		if (!n) {
			/* Strings reach here validated (identifiers are ASCII,
			 * model_validate checks comments and defaults are UTF-8);
			 * writing something else would change the schema's hash. */
			fprintf(stderr, "modelgen: snapshot: invalid UTF-8 in '%s'\n", str);
			abort();
		}
		s += n;
		switch (cp) {
		case '"':
			put_lit(w, "\\\"");
			continue;
		case '\\':
			put_lit(w, "\\\\");
			continue;
		case '\b':
			put_lit(w, "\\b");
			continue;
		case '\f':
			put_lit(w, "\\f");
			continue;
		case '\n':
			put_lit(w, "\\n");
			continue;
		case '\r':
			put_lit(w, "\\r");
			continue;
		case '\t':
			put_lit(w, "\\t");
			continue;
		}
		if (cp < 0x10000) {
			snprintf(esc, sizeof(esc), "\\u%04X", (unsigned)cp);
		} else {
			cp -= 0x10000;
			snprintf(esc, sizeof(esc), "\\u%04X\\u%04X",
				 (unsigned)(0xD800 | (cp >> 10)),
				 (unsigned)(0xDC00 | (cp & 0x3FF)));
		}
		putn(w, esc, strlen(esc));
	}
	putc_(w, '"');
}

/* Opens member `key` (`n` bytes) of the current object; `first` is 1 for
 * its first. */
static void put_key_n(struct writer *w, const char *key, size_t n, int first)
{
	size_t indent = 2 * (size_t)w->depth;
	char *o;

	need(w, n + indent + 6);
	o = w->buf + w->len;
	if (!first)
		*o++ = ',';
	*o++ = '\n';
	memset(o, ' ', indent);
	o += indent;
	*o++ = '"';
	memcpy(o, key, n);
	o += n;
	memcpy(o, "\": ", 3);
	w->len = (size_t)(o + 3 - w->buf);
}

/* The keys are literals: their lengths are known at compile time. */
#define put_key(w, key, first)                put_key_n((w), (key), sizeof(key) - 1, (first))
#define put_str_member(w, key, value, first)  (put_key(w, key, first), put_string((w), (value)))
#define put_bool_member(w, key, value, first) (put_key(w, key, first), put_bool((w), (value)))

static void put_bool(struct writer *w, int value)
{
	if (value)
		put_lit(w, "true");
	else
		put_lit(w, "false");
}

/* Starts an array or object whose elements follow with put_elem; an empty
 * one is "[]" / "{}" on one line, as jansson writes it. */
static void open_list(struct writer *w, char open, size_t n)
{
	putc_(w, open);
	if (n)
		w->depth++;
}

static void close_list(struct writer *w, char close, size_t n)
{
	if (n) {
		w->depth--;
		put_indent(w);
	}
	putc_(w, close);
}

static void put_elem(struct writer *w, size_t i)
{
	if (i)
		putc_(w, ',');
	put_indent(w);
}

static void put_names(struct writer *w, size_t n, const char *const *names)
{
	size_t i;

	open_list(w, '[', n);
	for (i = 0; i < n; i++) {
		put_elem(w, i);
		put_string(w, names[i]);
	}
	close_list(w, ']', n);
}

/* Keys in byte order: comment, custom_type, default, identity, length, name,
 * nullable, type. */
static void put_column(struct writer *w, const struct mg_column *c)
{
	int first = 1;

	open_list(w, '{', 1);
	if (c->comment) {
		put_str_member(w, "comment", c->comment, first);
		first = 0;
	}
	if (c->type == MG_COL_CUSTOM) {
		put_str_member(w, "custom_type", c->custom_type, first);
		first = 0;
	}
	if (c->default_sql) {
		put_str_member(w, "default", c->default_sql, first);
		first = 0;
	}
	put_bool_member(w, "identity", c->identity, first);
	if (c->type == MG_COL_VARCHAR) {
		char n[24];

		put_key(w, "length", 0);
		putn(w, n, (size_t)snprintf(n, sizeof(n), "%lld", (long long)c->length));
	}
	put_str_member(w, "name", c->name, 0);
	put_bool_member(w, "nullable", c->nullable, 0);
	put_str_member(w, "type", mg_coltype_name(c->type), 0);
	close_list(w, '}', 1);
}

/* Keys in byte order: columns, comment, foreign_keys, indexes, name,
 * primary_key, primary_key_name; an index's: columns, name, unique; a foreign key's: column,
 * name, on_delete, ref_column, ref_table. */
static void put_table(struct writer *w, const struct mg_table *t)
{
	size_t i;

	open_list(w, '{', 1);
	put_key(w, "columns", 1);
	open_list(w, '[', t->n_columns);
	for (i = 0; i < t->n_columns; i++) {
		put_elem(w, i);
		put_column(w, &t->columns[i]);
	}
	close_list(w, ']', t->n_columns);
	if (t->comment)
		put_str_member(w, "comment", t->comment, 0);
	put_key(w, "foreign_keys", 0);
	open_list(w, '[', t->n_foreign_keys);
	for (i = 0; i < t->n_foreign_keys; i++) {
		const struct mg_foreign_key *fk = &t->foreign_keys[i];

		put_elem(w, i);
		open_list(w, '{', 1);
		put_str_member(w, "column", fk->column, 1);
		put_str_member(w, "name", fk->name, 0);
		put_str_member(w, "on_delete", mg_fk_action_name(fk->on_delete), 0);
		put_str_member(w, "ref_column", fk->ref_column, 0);
		put_str_member(w, "ref_table", fk->ref_table, 0);
		close_list(w, '}', 1);
	}
	close_list(w, ']', t->n_foreign_keys);
	put_key(w, "indexes", 0);
	open_list(w, '[', t->n_indexes);
	for (i = 0; i < t->n_indexes; i++) {
		const struct mg_index *ix = &t->indexes[i];

		put_elem(w, i);
		open_list(w, '{', 1);
		put_key(w, "columns", 1);
		put_names(w, ix->n_columns, ix->columns);
		put_str_member(w, "name", ix->name, 0);
		put_bool_member(w, "unique", ix->unique, 0);
		close_list(w, '}', 1);
	}
	close_list(w, ']', t->n_indexes);
	put_str_member(w, "name", t->name, 0);
	put_key(w, "primary_key", 0);
	put_names(w, t->n_primary_key, t->primary_key);
	if (t->primary_key_name)
		put_str_member(w, "primary_key_name", t->primary_key_name, 0);
	close_list(w, '}', 1);
}

/* ---- table texts kept across schemas (snapshot_hash_cached) ------------ */

struct cached_table {
	struct mg_table key; /* name NULL: a free slot */
	char *text;          /* put_table's text at depth 2 */
	size_t len;
};

struct snapshot_cache {
	struct cached_table *slots;
	size_t n, cap; /* cap: a power of 2, or 0 */
};

/* The same table for the dump: the same strings and arrays (renamed_from
 * is not dumped). */
static int same_table(const struct mg_table *a, const struct mg_table *b)
{
	return a->name == b->name && a->comment == b->comment && a->n_columns == b->n_columns &&
	       a->columns == b->columns && a->n_primary_key == b->n_primary_key &&
	       a->primary_key == b->primary_key && a->n_indexes == b->n_indexes &&
	       a->indexes == b->indexes && a->n_foreign_keys == b->n_foreign_keys &&
	       a->foreign_keys == b->foreign_keys && a->primary_key_name == b->primary_key_name;
}

static size_t table_slot(const struct snapshot_cache *c, const struct mg_table *t)
{
	uintptr_t h = (uintptr_t)t->name * 31u + (uintptr_t)t->columns;
	size_t i;

	h ^= (uintptr_t)t->indexes * 7u + (uintptr_t)t->foreign_keys + t->n_columns;
	h ^= h >> 17;
	h *= 0x9E3779B1u;
	for (i = (size_t)(h ^ (h >> 15)) & (c->cap - 1); c->slots[i].key.name;
	     i = (i + 1) & (c->cap - 1))
		if (same_table(&c->slots[i].key, t))
			break;
	return i;
}

struct snapshot_cache *snapshot_cache_new(void)
{
	struct snapshot_cache *c = calloc(1, sizeof(*c));

	if (!c) {
		fputs("modelgen: out of memory\n", stderr);
		abort();
	}
	return c;
}

void snapshot_cache_free(struct snapshot_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->cap; i++)
		free(c->slots[i].text);
	free(c->slots);
	free(c);
}

/* The text of table `t` from the cache, dumped and kept on first use. */
static const struct cached_table *cached_table(struct snapshot_cache *c, const struct mg_table *t)
{
	struct cached_table *e;
	size_t i;

	if (2 * (c->n + 1) > c->cap) {
		struct snapshot_cache bigger = {NULL, 0, c->cap ? 2 * c->cap : 256};

		bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
		if (!bigger.slots) {
			fputs("modelgen: out of memory\n", stderr);
			abort();
		}
		for (i = 0; i < c->cap; i++)
			if (c->slots[i].key.name)
				bigger.slots[table_slot(&bigger, &c->slots[i].key)] = c->slots[i];
		free(c->slots);
		c->slots = bigger.slots;
		c->cap = bigger.cap;
	}
	e = &c->slots[table_slot(c, t)];
	if (!e->key.name) {
		struct writer w = {NULL, 0, 0, 2, NULL, 0, 0, 0};

		put_table(&w, t);
		e->key = *t;
		e->text = w.buf;
		e->len = w.len;
		c->n++;
	}
	return e;
}

/* With w->expect: compares what was written since the last call with the
 * expected text there, and starts the buffer again. */
static void compare(struct writer *w)
{
	if (!w->expect)
		return;
	if (w->differs || w->n_expect - w->at < w->len || memcmp(w->expect + w->at, w->buf, w->len))
		w->differs = 1;
	else
		w->at += w->len;
	w->len = 0;
}

/* snapshot_dump_foreign into `w` (empty), each table's text from `cache`
 * when not NULL. */
static void dump_into(struct writer *w, const struct mg_schema *schema, size_t n_foreign,
		      const char *const *foreign, struct snapshot_cache *cache)
{
	char format[16];
	size_t i, guess = 256 + 64 * n_foreign;

	/* About what the tables take, so that the buffer is not copied as it
	 * grows (2.3 KB a table of 10 columns); compared, one table at a time. */
	for (i = 0; i < schema->n_tables && !w->expect; i++) {
		const struct mg_table *t = &schema->tables[i];

		guess += 256 + 192 * t->n_columns + 160 * t->n_indexes + 224 * t->n_foreign_keys;
	}
	need(w, guess);
	open_list(w, '{', 1);
	if (n_foreign) {
		put_key(w, "foreign_tables", 1);
		put_names(w, n_foreign, foreign);
	}
	put_key(w, "format", !n_foreign);
	putn(w, format, (size_t)snprintf(format, sizeof(format), "%d", SNAPSHOT_FORMAT));
	put_key(w, "tables", 0);
	open_list(w, '[', schema->n_tables);
	for (i = 0; i < schema->n_tables; i++) {
		put_elem(w, i);
		if (cache) {
			const struct cached_table *e = cached_table(cache, &schema->tables[i]);

			putn(w, e->text, e->len);
		} else {
			put_table(w, &schema->tables[i]);
		}
		compare(w);
	}
	close_list(w, ']', schema->n_tables);
	close_list(w, '}', 1);
	putc_(w, '\n');
	compare(w);
	w->buf[w->len] = '\0';
}

static char *dump(const struct mg_schema *schema, size_t n_foreign, const char *const *foreign,
		  struct snapshot_cache *cache)
{
	struct writer w = {NULL, 0, 0, 0, NULL, 0, 0, 0};

	dump_into(&w, schema, n_foreign, foreign, cache);
	return w.buf;
}

/* Whether snapshot_dump_foreign gives `text` (`len` bytes), compared as it
 * is written: no second copy of a snapshot of tens of megabytes. */
static int dumps_as(const char *text, size_t len, const struct mg_schema *schema, size_t n_foreign,
		    const char *const *foreign)
{
	struct writer w = {NULL, 0, 0, 0, text, len, 0, 0};
	int same;

	dump_into(&w, schema, n_foreign, foreign, NULL);
	same = !w.differs && w.at == len;
	free(w.buf);
	return same;
}

/*
 * Returns the canonical JSON of `schema` with one trailing newline,
 * malloc'd; the caller frees it. Aborts on allocation failure.
 */
char *snapshot_dump(const struct mg_schema *schema)
{
	return dump(schema, 0, NULL, NULL);
}

char *snapshot_dump_foreign(const struct mg_schema *schema, size_t n_foreign,
			    const char *const *foreign)
{
	return dump(schema, n_foreign, foreign, NULL);
}

static void hash_of(char out[72], char *json)
{
	memcpy(out, "sha256:", 7);
	mg_sha256_hex(out + 7, json, strlen(json));
	free(json);
}

/* Writes "sha256:" and the hex SHA-256 of snapshot_dump(schema) to `out`. */
void snapshot_hash(char out[72], const struct mg_schema *schema)
{
	hash_of(out, dump(schema, 0, NULL, NULL));
}

void snapshot_hash_cached(char out[72], const struct mg_schema *schema,
			  struct snapshot_cache *cache)
{
	hash_of(out, dump(schema, 0, NULL, cache));
}

/* ---- positions -------------------------------------------------------- */

/*
 * Where each value (and each object member's key) starts in the text. Built
 * by a second, minimal scan that trusts jansson to have checked the syntax,
 * so the checks below can point at the key or value that is wrong.
 */
struct pos {
	unsigned line, col;   /* of the value */
	unsigned kline, kcol; /* of the key, for object members */
	char *key;            /* member name (raw, escapes kept); NULL else */
	size_t n;
	struct pos *kids; /* members or elements, in text order */
};

struct scan {
	const char *p;
	unsigned line, col;
	struct mg_arena *arena;
};

static void adv(struct scan *s)
{
	if (*s->p == '\n') {
		s->line++;
		s->col = 1;
	} else if (((unsigned char)*s->p & 0xc0) != 0x80) {
		s->col++; /* count characters, not UTF-8 continuation bytes */
	}
	s->p++;
}

static void skip_ws(struct scan *s)
{
	while (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')
		adv(s);
}

/* Skips a string at s->p (a '"'); returns its raw contents in the arena. */
static char *scan_string(struct scan *s)
{
	const char *start;

	adv(s);
	start = s->p;
	while (*s->p && *s->p != '"') {
		if (*s->p == '\\' && s->p[1])
			adv(s);
		adv(s);
	}
	if (*s->p == '"') {
		char *r = mg_arena_strndup(s->arena, start, (size_t)(s->p - start));
		adv(s);
		return r;
	}
	return mg_arena_strndup(s->arena, start, (size_t)(s->p - start));
}

static void scan_value(struct scan *s, struct pos *out, int depth)
{
	skip_ws(s);
	out->line = s->line;
	out->col = s->col;
	if (depth > 64) {
		/* Too deep for anything the format allows: skip the value
		 * without recursing (jansson accepts up to 2048 levels). */
		int level = 0;

		do {
			if (*s->p == '"') {
				scan_string(s);
				continue;
			}
			if (*s->p == '{' || *s->p == '[')
				level++;
			else if (*s->p == '}' || *s->p == ']')
				level--;
			adv(s);
		} while (*s->p && level > 0);
		return;
	}
	if (*s->p == '{' || *s->p == '[') {
		int obj = *s->p == '{';
		char close = obj ? '}' : ']';
		size_t cap = 0;

		adv(s);
		for (;;) {
			struct pos kid = {0};

			skip_ws(s);
			if (*s->p == close) {
				adv(s);
				return;
			}
			if (!*s->p)
				return;
			if (*s->p == ',') {
				adv(s);
				continue;
			}
			if (obj) {
				kid.kline = s->line;
				kid.kcol = s->col;
				kid.key = scan_string(s);
				skip_ws(s);
				if (*s->p == ':')
					adv(s);
			}
			scan_value(s, &kid, depth + 1);
			if (out->n == cap) {
				struct pos *nk;

				cap = cap ? cap * 2 : 8;
				nk = mg_arena_calloc(s->arena, cap, sizeof(*nk));
				if (out->n)
					memcpy(nk, out->kids, out->n * sizeof(*nk));
				out->kids = nk;
			}
			out->kids[out->n++] = kid;
		}
	} else if (*s->p == '"') {
		scan_string(s);
	} else {
		while (*s->p && !strchr(",}] \t\r\n", *s->p))
			adv(s);
	}
}

/* The member `key` of object position `p`, or NULL (no or unknown pos). */
static const struct pos *pos_member(const struct pos *p, const char *key)
{
	size_t i;

	if (!p)
		return NULL;
	for (i = 0; i < p->n; i++)
		if (p->kids[i].key && strcmp(p->kids[i].key, key) == 0)
			return &p->kids[i];
	return NULL;
}

static const struct pos *pos_elem(const struct pos *p, size_t i)
{
	return p && i < p->n ? &p->kids[i] : NULL;
}

/* ---- loading ---------------------------------------------------------- */

struct loader {
	const char *path;
	struct diag_list *diags;
	struct mg_arena *arena; /* the schema's */
	int failed;
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void
fail_at(struct loader *ld, const struct pos *p, int at_key, const char *fmt, ...)
{
	struct diag_loc loc = {ld->path, 0, 0};
	char buf[512];
	va_list ap;

	if (ld->failed)
		return;
	ld->failed = 1;
	if (p) {
		loc.line = at_key && p->kline ? p->kline : p->line;
		loc.column = at_key && p->kline ? p->kcol : p->col;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_error(ld->diags, &loc, "%s", buf);
}

/*
 * Checks that object `o` (at `p`, described as `what`) has only the keys
 * in `allowed` and every one of `required`. Returns 0 or -1.
 */
static int check_keys(struct loader *ld, json_t *o, const struct pos *p, const char *what,
		      const char *const *allowed, const char *const *required)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(o)) {
		fail_at(ld, p, 0, "%s: expected an object", what);
		return -1;
	}
	json_object_foreach(o, key, v)
	{
		int ok = 0;

		for (i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], key) == 0)
				ok = 1;
		if (!ok) {
			const struct pos *kp = pos_member(p, key);

			fail_at(ld, kp ? kp : p, 1, "%s: unknown key '%s'", what, key);
			return -1;
		}
	}
	for (i = 0; required[i]; i++)
		if (!json_object_get(o, required[i])) {
			fail_at(ld, p, 0, "%s: missing key '%s'", what, required[i]);
			return -1;
		}
	return 0;
}

/* Reads the string member `key`; NULL (and a failure) when not a string.
 * An absent optional member gives NULL without failing. */
static const char *get_str(struct loader *ld, json_t *o, const struct pos *p, const char *what,
			   const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		fail_at(ld, pos_member(p, key) ? pos_member(p, key) : p, 0,
			"%s: '%s' must be a string", what, key);
		return NULL;
	}
	return mg_arena_strndup(ld->arena, json_string_value(v), json_string_length(v));
}

/* Reads a required identifier member: what the SQL renderer will print
 * as a name must be one (a hand-edited snapshot must not smuggle SQL). */
static const char *get_ident(struct loader *ld, json_t *o, const struct pos *p, const char *what,
			     const char *key)
{
	const char *v = get_str(ld, o, p, what, key);

	if (v && !mg_sql_ident_valid(v)) {
		fail_at(ld, pos_member(p, key) ? pos_member(p, key) : p, 0,
			"%s: '%s' is not a valid identifier: '%s'", what, key, v);
		return NULL;
	}
	return v;
}

/* Reads an optional SQL text member (default, custom_type). */
static const char *get_sql(struct loader *ld, json_t *o, const struct pos *p, const char *what,
			   const char *key)
{
	const char *v = get_str(ld, o, p, what, key), *why = NULL;

	if (v && !mg_sql_default_valid(v, &why)) {
		fail_at(ld, pos_member(p, key) ? pos_member(p, key) : p, 0, "%s: '%s': %s", what,
			key, why);
		return NULL;
	}
	return v;
}

static int get_bool(struct loader *ld, json_t *o, const struct pos *p, const char *what,
		    const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_boolean(v)) {
		fail_at(ld, pos_member(p, key) ? pos_member(p, key) : p, 0,
			"%s: '%s' must be true or false", what, key);
		return 0;
	}
	return json_is_true(v);
}

/* Reads an array of unique identifier strings; returns the count or -1. */
static long get_names(struct loader *ld, json_t *o, const struct pos *p, const char *what,
		      const char *key, const char *const **out)
{
	json_t *a = json_object_get(o, key);
	const struct pos *ap = pos_member(p, key);
	const char **names;
	size_t i, j;

	if (!json_is_array(a)) {
		fail_at(ld, ap ? ap : p, 0, "%s: '%s' must be an array of names", what, key);
		return -1;
	}
	names = mg_arena_calloc(ld->arena, json_array_size(a) + 1, sizeof(*names));
	for (i = 0; i < json_array_size(a); i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_string(v) || !mg_sql_ident_valid(json_string_value(v))) {
			fail_at(ld, pos_elem(ap, i) ? pos_elem(ap, i) : p, 0,
				"%s: '%s' must hold column names", what, key);
			return -1;
		}
		names[i] = mg_arena_strdup(ld->arena, json_string_value(v));
		for (j = 0; j < i; j++)
			if (strcmp(names[j], names[i]) == 0) {
				fail_at(ld, pos_elem(ap, i) ? pos_elem(ap, i) : p, 0,
					"%s: '%s' names '%s' twice", what, key, names[i]);
				return -1;
			}
	}
	*out = names;
	return (long)i;
}

/* The array member `key` of `o`; NULL and a failure when not an array. */
static json_t *get_array(struct loader *ld, json_t *o, const struct pos *p, const char *what,
			 const char *key)
{
	json_t *a = json_object_get(o, key);

	if (!json_is_array(a)) {
		fail_at(ld, pos_member(p, key) ? pos_member(p, key) : p, 0,
			"%s: '%s' must be an array", what, key);
		return NULL;
	}
	return a;
}

static int load_column(struct loader *ld, json_t *o, const struct pos *p, const char *table,
		       struct mg_column *c)
{
	static const char *const allowed[] = {"name",        "type",     "length",
					      "custom_type", "nullable", "identity",
					      "default",     "comment",  NULL};
	static const char *const required[] = {"name", "type", "nullable", "identity", NULL};
	char what[160];
	const char *type;
	json_t *len;

	if (json_is_string(json_object_get(o, "name")))
		snprintf(what, sizeof(what), "table '%s', column '%s'", table,
			 json_string_value(json_object_get(o, "name")));
	else
		snprintf(what, sizeof(what), "table '%s': column", table);
	if (check_keys(ld, o, p, what, allowed, required))
		return -1;
	c->name = get_ident(ld, o, p, what, "name");
	if (ld->failed)
		return -1;
	snprintf(what, sizeof(what), "table '%s', column '%s'", table, c->name);
	type = get_str(ld, o, p, what, "type");
	if (ld->failed)
		return -1;
	c->type = mg_coltype_from_name(type);
	if (!c->type) {
		fail_at(ld, pos_member(p, "type"), 0, "%s: unknown type '%s'", what, type);
		return -1;
	}
	len = json_object_get(o, "length");
	if (c->type == MG_COL_VARCHAR) {
		if (!len) {
			fail_at(ld, p, 0, "%s: missing key 'length' (varchar)", what);
			return -1;
		}
		if (!json_is_integer(len) || json_integer_value(len) < 1 ||
		    json_integer_value(len) > 10485760) {
			fail_at(ld, pos_member(p, "length"), 0,
				"%s: 'length' must be an integer from 1 to 10485760", what);
			return -1;
		}
		c->length = (unsigned)json_integer_value(len);
	} else if (len) {
		fail_at(ld, pos_member(p, "length"), 1, "%s: 'length' is only for varchar", what);
		return -1;
	}
	if (c->type == MG_COL_CUSTOM) {
		if (!json_object_get(o, "custom_type")) {
			fail_at(ld, p, 0, "%s: missing key 'custom_type' (custom)", what);
			return -1;
		}
		c->custom_type = get_sql(ld, o, p, what, "custom_type");
	} else if (json_object_get(o, "custom_type")) {
		fail_at(ld, pos_member(p, "custom_type"), 1, "%s: 'custom_type' is only for custom",
			what);
		return -1;
	}
	c->nullable = get_bool(ld, o, p, what, "nullable");
	c->identity = get_bool(ld, o, p, what, "identity");
	c->default_sql = get_sql(ld, o, p, what, "default");
	c->comment = get_str(ld, o, p, what, "comment");
	return ld->failed ? -1 : 0;
}

static int load_index(struct loader *ld, json_t *o, const struct pos *p, const char *table,
		      struct mg_index *ix)
{
	static const char *const keys[] = {"name", "unique", "columns", NULL};
	char what[160];
	long n;

	snprintf(what, sizeof(what), "table '%s': index", table);
	if (check_keys(ld, o, p, what, keys, keys))
		return -1;
	ix->name = get_ident(ld, o, p, what, "name");
	if (ld->failed)
		return -1;
	snprintf(what, sizeof(what), "table '%s', index '%s'", table, ix->name);
	ix->unique = get_bool(ld, o, p, what, "unique");
	n = get_names(ld, o, p, what, "columns", &ix->columns);
	if (n == 0)
		fail_at(ld, pos_member(p, "columns"), 0, "%s: 'columns' is empty", what);
	if (ld->failed)
		return -1;
	ix->n_columns = (size_t)n;
	return 0;
}

static int load_fk(struct loader *ld, json_t *o, const struct pos *p, const char *table,
		   struct mg_foreign_key *fk)
{
	static const char *const keys[] = {"name",       "column",    "ref_table",
					   "ref_column", "on_delete", NULL};
	char what[160];
	const char *action;
	int a;

	snprintf(what, sizeof(what), "table '%s': foreign key", table);
	if (check_keys(ld, o, p, what, keys, keys))
		return -1;
	fk->name = get_ident(ld, o, p, what, "name");
	if (ld->failed)
		return -1;
	snprintf(what, sizeof(what), "table '%s', foreign key '%s'", table, fk->name);
	fk->column = get_ident(ld, o, p, what, "column");
	fk->ref_table = get_ident(ld, o, p, what, "ref_table");
	fk->ref_column = get_ident(ld, o, p, what, "ref_column");
	action = get_str(ld, o, p, what, "on_delete");
	if (ld->failed)
		return -1;
	a = mg_fk_action_from_name(action);
	if (a < 0) {
		fail_at(ld, pos_member(p, "on_delete"), 0, "%s: unknown on_delete action '%s'",
			what, action);
		return -1;
	}
	fk->on_delete = (enum mg_fk_action)a;
	return 0;
}

/* Checks that `n` names, each at offset `stride` bytes in `base`, are
 * strictly increasing; `elems` positions the array's elements. */
static int check_sorted(struct loader *ld, const void *base, size_t n, size_t stride,
			const struct pos *elems, const char *what)
{
	size_t i;

	for (i = 1; i < n; i++) {
		const char *a = *(const char *const *)((const char *)base + (i - 1) * stride);
		const char *b = *(const char *const *)((const char *)base + i * stride);
		int c = strcmp(a, b);

		if (c >= 0) {
			const struct pos *ep = pos_elem(elems, i);

			fail_at(ld, ep ? pos_member(ep, "name") : NULL, 0,
				c == 0 ? "%s '%s' appears twice"
				       : "%s '%s' is out of order (sorted by name)",
				what, b);
			return -1;
		}
	}
	return 0;
}

/* Checks that each of `n` names is a column of `t`; `ap` positions them. */
static int check_columns(struct loader *ld, const struct mg_table *t, size_t n,
			 const char *const *names, const struct pos *ap, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!mg_table_find_column(t, names[i])) {
			fail_at(ld, pos_elem(ap, i) ? pos_elem(ap, i) : ap, 0,
				"%s names unknown column '%s'", what, names[i]);
			return -1;
		}
	return 0;
}

/* 1 when t's primary_key_name is the derived name pk_<table>, which the
 * snapshot never stores. */
static int pk_name_derived(const struct mg_table *t)
{
	return strncmp(t->primary_key_name, "pk_", 3) == 0 &&
	       strcmp(t->primary_key_name + 3, t->name) == 0;
}

static int load_table(struct loader *ld, json_t *o, const struct pos *p, struct mg_table *t)
{
	static const char *const allowed[] = {
		"name",    "comment",      "columns",          "primary_key",
		"indexes", "foreign_keys", "primary_key_name", NULL};
	static const char *const required[] = {"name",    "columns",      "primary_key",
					       "indexes", "foreign_keys", NULL};
	char what[128];
	json_t *a;
	struct mg_column *cols;
	struct mg_index *ixs;
	struct mg_foreign_key *fks;
	const struct pos *ap;
	size_t i, j;
	long n;

	if (check_keys(ld, o, p, "table", allowed, required))
		return -1;
	t->name = get_ident(ld, o, p, "table", "name");
	if (ld->failed)
		return -1;
	snprintf(what, sizeof(what), "table '%s'", t->name);
	t->comment = get_str(ld, o, p, what, "comment");
	if (ld->failed)
		return -1;

	if (!(a = get_array(ld, o, p, what, "columns")))
		return -1;
	ap = pos_member(p, "columns");
	cols = mg_arena_calloc(ld->arena, json_array_size(a) + 1, sizeof(*cols));
	for (i = 0; i < json_array_size(a); i++) {
		if (load_column(ld, json_array_get(a, i), pos_elem(ap, i), t->name, &cols[i]))
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(cols[j].name, cols[i].name) == 0) {
				fail_at(ld, pos_member(pos_elem(ap, i), "name"), 0,
					"%s: column '%s' appears twice", what, cols[i].name);
				return -1;
			}
	}
	t->columns = cols;
	t->n_columns = i;

	n = get_names(ld, o, p, what, "primary_key", &t->primary_key);
	if (n < 0)
		return -1;
	t->n_primary_key = (size_t)n;
	t->primary_key_name = get_ident(ld, o, p, what, "primary_key_name");
	if (ld->failed)
		return -1;
	if (t->primary_key_name && (!t->n_primary_key || pk_name_derived(t))) {
		fail_at(ld, pos_member(p, "primary_key_name"), 0,
			"%s: 'primary_key_name' is only for a primary key whose name is not "
			"pk_<table>",
			what);
		return -1;
	}

	if (!(a = get_array(ld, o, p, what, "indexes")))
		return -1;
	ap = pos_member(p, "indexes");
	ixs = mg_arena_calloc(ld->arena, json_array_size(a) + 1, sizeof(*ixs));
	for (i = 0; i < json_array_size(a); i++)
		if (load_index(ld, json_array_get(a, i), pos_elem(ap, i), t->name, &ixs[i]))
			return -1;
	t->indexes = ixs;
	t->n_indexes = i;
	if (check_sorted(ld, ixs, i, sizeof(*ixs), ap, "index"))
		return -1;

	if (!(a = get_array(ld, o, p, what, "foreign_keys")))
		return -1;
	ap = pos_member(p, "foreign_keys");
	fks = mg_arena_calloc(ld->arena, json_array_size(a) + 1, sizeof(*fks));
	for (i = 0; i < json_array_size(a); i++)
		if (load_fk(ld, json_array_get(a, i), pos_elem(ap, i), t->name, &fks[i]))
			return -1;
	t->foreign_keys = fks;
	t->n_foreign_keys = i;
	if (check_sorted(ld, fks, i, sizeof(*fks), ap, "foreign key"))
		return -1;

	/* Names must point at columns that exist: diff and the SQL renderer
	 * rely on it. */
	if (check_columns(ld, t, t->n_primary_key, t->primary_key, pos_member(p, "primary_key"),
			  mg_arena_printf(ld->arena, "%s: 'primary_key'", what)))
		return -1;
	ap = pos_member(p, "indexes");
	for (i = 0; i < t->n_indexes; i++)
		if (check_columns(
			    ld, t, t->indexes[i].n_columns, t->indexes[i].columns,
			    pos_member(pos_elem(ap, i), "columns"),
			    mg_arena_printf(ld->arena, "%s, index '%s'", what, t->indexes[i].name)))
			return -1;
	ap = pos_member(p, "foreign_keys");
	for (i = 0; i < t->n_foreign_keys; i++)
		if (!mg_table_find_column(t, fks[i].column)) {
			fail_at(ld, pos_member(pos_elem(ap, i), "column"), 0,
				"%s, foreign key '%s' names unknown column '%s'", what, fks[i].name,
				fks[i].column);
			return -1;
		}
	return 0;
}

/* Every foreign key points at a column of a table of the snapshot (whose
 * tables check_sorted has already found in order). */
static int check_references(struct loader *ld, const struct mg_schema *s, const struct pos *tp)
{
	size_t i, j;

	for (i = 0; i < s->n_tables; i++) {
		const struct mg_table *t = &s->tables[i];
		const struct pos *ap = pos_member(pos_elem(tp, i), "foreign_keys");

		for (j = 0; j < t->n_foreign_keys; j++) {
			const struct mg_foreign_key *fk = &t->foreign_keys[j];
			const struct mg_table *rt = model_find_table(s, fk->ref_table);

			if (!rt) {
				fail_at(ld, pos_member(pos_elem(ap, j), "ref_table"), 0,
					"table '%s', foreign key '%s': unknown table '%s'", t->name,
					fk->name, fk->ref_table);
				return -1;
			}
			if (!mg_table_find_column(rt, fk->ref_column)) {
				fail_at(ld, pos_member(pos_elem(ap, j), "ref_column"), 0,
					"table '%s', foreign key '%s': "
					"table '%s' has no column '%s'",
					t->name, fk->name, fk->ref_table, fk->ref_column);
				return -1;
			}
		}
	}
	return 0;
}

/* A schema snapshot_parse returned, with what else the snapshot holds. */
struct loaded {
	struct mg_schema schema; /* first: the schema is the struct */
	size_t n_foreign;
	const char **foreign;
};

/* "foreign_tables": non-empty strings, sorted, unique. */
static int load_foreign(struct loader *ld, json_t *root, const struct pos *rp, struct loaded *out)
{
	json_t *a = get_array(ld, root, rp, "snapshot", "foreign_tables");
	const struct pos *ap = pos_member(rp, "foreign_tables");
	size_t i;

	if (!a)
		return -1;
	out->foreign = mg_arena_calloc(ld->arena, json_array_size(a) + 1, sizeof(char *));
	for (i = 0; i < json_array_size(a); i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_string(v) || !json_string_value(v)[0]) {
			fail_at(ld, pos_elem(ap, i) ? pos_elem(ap, i) : rp, 0,
				"snapshot: 'foreign_tables' must hold table names");
			return -1;
		}
		out->foreign[i] = mg_arena_strdup(ld->arena, json_string_value(v));
		if (i && strcmp(out->foreign[i - 1], out->foreign[i]) >= 0) {
			fail_at(ld, pos_elem(ap, i) ? pos_elem(ap, i) : rp, 0,
				"snapshot: 'foreign_tables' must be sorted, each name once");
			return -1;
		}
	}
	out->n_foreign = i;
	return 0;
}

size_t snapshot_foreign_tables(const struct mg_schema *snapshot, const char *const **names)
{
	const struct loaded *l = (const struct loaded *)snapshot;

	*names = l->foreign;
	return l->n_foreign;
}

/* ---- the fast path: the text snapshot_dump writes ----------------------- */

/*
 * A snapshot modelgen wrote is read without jansson: a reader of exactly
 * the layout above (jansson's tree, its hash tables and its frees were
 * three quarters of `modelgen diff`'s own time at 1000 tables). It takes
 * the text only when dumping what it read gives the same bytes and the
 * data passes every check of the full loader; anything else (a hand-edited
 * or foreign file, an error) goes to the full loader, which decides and
 * says where.
 */
struct canon {
	const char *p;
	struct mg_arena *arena;
	int bad;
};

static void c_ws(struct canon *c)
{
	while (*c->p == ' ' || *c->p == '\n')
		c->p++;
}

/* Skips white space, then `ch`; sets bad when it is not there. */
static void c_char(struct canon *c, char ch)
{
	c_ws(c);
	if (*c->p == ch)
		c->p++;
	else
		c->bad = 1;
}

/* Whether the next character (after white space) is `ch`; takes it if so. */
static int c_take(struct canon *c, char ch)
{
	c_ws(c);
	if (*c->p != ch)
		return 0;
	c->p++;
	return 1;
}

static int c_hex4(const char *s, uint32_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char h = s[i];

		*v <<= 4;
		if (h >= '0' && h <= '9')
			*v |= (uint32_t)(h - '0');
		else if (h >= 'a' && h <= 'f')
			*v |= (uint32_t)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			*v |= (uint32_t)(h - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* A string (ASCII text, the escapes put_string writes), in the arena. */
static const char *c_string(struct canon *c)
{
	const char *s, *run;
	char *out, *o;

	c_ws(c);
	if (*c->p != '"') {
		c->bad = 1;
		return NULL;
	}
	s = ++c->p;
	while (*s && *s != '"') {
		if (*s == '\\' && s[1])
			s++;
		s++;
	}
	if (*s != '"') {
		c->bad = 1;
		return NULL;
	}
	/* Each escape gives at most 4 bytes for its at least 2 (\uXXXX\uXXXX:
	 * 4 for 12), so the text's length bounds the result. */
	o = out = mg_arena_alloc(c->arena, (size_t)(s - c->p) + 1);
	run = c->p;
	while (run < s) {
		uint32_t cp, lo;

		if ((unsigned char)*run >= 0x80 || (unsigned char)*run < 0x20) {
			c->bad = 1;
			return NULL;
		}
		if (*run != '\\') {
			*o++ = *run++;
			continue;
		}
		run++;
		switch (*run++) {
		case '"':
			*o++ = '"';
			continue;
		case '\\':
			*o++ = '\\';
			continue;
		case 'b':
			*o++ = '\b';
			continue;
		case 'f':
			*o++ = '\f';
			continue;
		case 'n':
			*o++ = '\n';
			continue;
		case 'r':
			*o++ = '\r';
			continue;
		case 't':
			*o++ = '\t';
			continue;
		case 'u':
			break;
		default:
			c->bad = 1;
			return NULL;
		}
		if (s - run < 4 || c_hex4(run, &cp) || cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) {
			c->bad = 1;
			return NULL;
		}
		run += 4;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (s - run < 6 || run[0] != '\\' || run[1] != 'u' ||
			    c_hex4(run + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
				c->bad = 1;
				return NULL;
			}
			run += 6;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		}
		if (cp < 0x80) {
			*o++ = (char)cp;
		} else if (cp < 0x800) {
			*o++ = (char)(0xC0 | (cp >> 6));
			*o++ = (char)(0x80 | (cp & 0x3F));
		} else if (cp < 0x10000) {
			*o++ = (char)(0xE0 | (cp >> 12));
			*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
			*o++ = (char)(0x80 | (cp & 0x3F));
		} else {
			*o++ = (char)(0xF0 | (cp >> 18));
			*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
			*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
			*o++ = (char)(0x80 | (cp & 0x3F));
		}
	}
	*o = '\0';
	c->p = s + 1;
	return out;
}

/* Member `key` of an object, after a ',' unless `first`. Returns 1 when
 * it is there (and reads up to its value), 0 when another key follows. */
static int c_key(struct canon *c, const char *key, int first)
{
	size_t n = strlen(key);
	const char *save = c->p;

	if (!first && !c_take(c, ','))
		return 0;
	c_ws(c);
	if (c->p[0] != '"' || strncmp(c->p + 1, key, n) != 0 || c->p[n + 1] != '"') {
		c->p = save;
		return 0;
	}
	c->p += n + 2;
	c_char(c, ':');
	return 1;
}

/* A required member: not there is bad. */
static void c_need(struct canon *c, const char *key, int first)
{
	if (!c_key(c, key, first))
		c->bad = 1;
}

static int c_bool(struct canon *c)
{
	c_ws(c);
	if (strncmp(c->p, "true", 4) == 0) {
		c->p += 4;
		return 1;
	}
	if (strncmp(c->p, "false", 5) == 0) {
		c->p += 5;
		return 0;
	}
	c->bad = 1;
	return 0;
}

/* An array of `size`-byte items read by `item`; returns the count, the
 * items (one spare, zeroed) in `*out`. */
static size_t c_array(struct canon *c, void **out, size_t size,
		      void (*item)(struct canon *, void *))
{
	size_t n = 0, cap = 0;
	char *items = NULL;

	c_char(c, '[');
	if (!c->bad && !c_take(c, ']')) {
		do {
			if (n + 1 >= cap) {
				char *fresh;

				cap = cap ? cap * 2 : 16;
				fresh = mg_arena_calloc(c->arena, cap, size);
				if (n)
					memcpy(fresh, items, n * size);
				items = fresh;
			}
			item(c, items + n * size);
			n++;
		} while (!c->bad && c_take(c, ','));
		c_char(c, ']');
	}
	if (!items)
		items = mg_arena_calloc(c->arena, 1, size);
	*out = items;
	return n;
}

static void c_name_item(struct canon *c, void *item)
{
	*(const char **)item = c_string(c);
}

static void c_column(struct canon *c, void *item)
{
	struct mg_column *col = item;
	int first = 1;

	c_char(c, '{');
	if (c_key(c, "comment", first)) {
		col->comment = c_string(c);
		first = 0;
	}
	if (c_key(c, "custom_type", first)) {
		col->custom_type = c_string(c);
		first = 0;
	}
	if (c_key(c, "default", first)) {
		col->default_sql = c_string(c);
		first = 0;
	}
	c_need(c, "identity", first);
	col->identity = c_bool(c);
	if (c_key(c, "length", 0)) {
		long v = 0;

		c_ws(c);
		while (*c->p >= '0' && *c->p <= '9' && v <= 10485760)
			v = v * 10 + (*c->p++ - '0');
		if (v < 1 || v > 10485760)
			c->bad = 1;
		col->length = (unsigned)v;
	}
	c_need(c, "name", 0);
	col->name = c_string(c);
	c_need(c, "nullable", 0);
	col->nullable = c_bool(c);
	c_need(c, "type", 0);
	{
		const char *type = c_string(c);

		col->type = type ? mg_coltype_from_name(type) : 0;
		if (!col->type)
			c->bad = 1;
	}
	c_char(c, '}');
}

static void c_index(struct canon *c, void *item)
{
	struct mg_index *ix = item;
	void *cols;

	c_char(c, '{');
	c_need(c, "columns", 1);
	ix->n_columns = c_array(c, &cols, sizeof(*ix->columns), c_name_item);
	ix->columns = cols;
	c_need(c, "name", 0);
	ix->name = c_string(c);
	c_need(c, "unique", 0);
	ix->unique = c_bool(c);
	c_char(c, '}');
}

static void c_fk(struct canon *c, void *item)
{
	struct mg_foreign_key *fk = item;
	const char *action;
	int a;

	c_char(c, '{');
	c_need(c, "column", 1);
	fk->column = c_string(c);
	c_need(c, "name", 0);
	fk->name = c_string(c);
	c_need(c, "on_delete", 0);
	action = c_string(c);
	a = action ? mg_fk_action_from_name(action) : -1;
	if (a < 0)
		c->bad = 1;
	else
		fk->on_delete = (enum mg_fk_action)a;
	c_need(c, "ref_column", 0);
	fk->ref_column = c_string(c);
	c_need(c, "ref_table", 0);
	fk->ref_table = c_string(c);
	c_char(c, '}');
}

static void c_table(struct canon *c, void *item)
{
	struct mg_table *t = item;
	void *v;

	c_char(c, '{');
	c_need(c, "columns", 1);
	t->n_columns = c_array(c, &v, sizeof(*t->columns), c_column);
	t->columns = v;
	if (c_key(c, "comment", 0))
		t->comment = c_string(c);
	c_need(c, "foreign_keys", 0);
	t->n_foreign_keys = c_array(c, &v, sizeof(*t->foreign_keys), c_fk);
	t->foreign_keys = v;
	c_need(c, "indexes", 0);
	t->n_indexes = c_array(c, &v, sizeof(*t->indexes), c_index);
	t->indexes = v;
	c_need(c, "name", 0);
	t->name = c_string(c);
	c_need(c, "primary_key", 0);
	t->n_primary_key = c_array(c, &v, sizeof(*t->primary_key), c_name_item);
	t->primary_key = v;
	if (c_key(c, "primary_key_name", 0))
		t->primary_key_name = c_string(c);
	c_char(c, '}');
}

/* `n` names: identifiers, none twice, each a column of `t` when `t`. */
static int c_names_ok(size_t n, const char *const *names, const struct mg_table *t)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!mg_sql_ident_valid(names[i]) || (t && !mg_table_find_column(t, names[i])))
			return 0;
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return 0;
	}
	return 1;
}

/* Every check of load_table and check_references, on data read by c_table
 * (the JSON types and the key set were checked by reading). */
static int c_table_ok(const struct mg_schema *s, const struct mg_table *t)
{
	const char *why;
	size_t i, j;

	if (!mg_sql_ident_valid(t->name))
		return 0;
	for (i = 0; i < t->n_columns; i++) {
		const struct mg_column *col = &t->columns[i];

		if (!mg_sql_ident_valid(col->name) ||
		    (col->type == MG_COL_VARCHAR) != (col->length != 0) ||
		    (col->type == MG_COL_CUSTOM) != (col->custom_type != NULL) ||
		    (col->custom_type && !mg_sql_default_valid(col->custom_type, &why)) ||
		    (col->default_sql && !mg_sql_default_valid(col->default_sql, &why)))
			return 0;
		for (j = 0; j < i; j++)
			if (strcmp(t->columns[j].name, col->name) == 0)
				return 0;
	}
	if (!c_names_ok(t->n_primary_key, t->primary_key, t))
		return 0;
	if (t->primary_key_name &&
	    (!mg_sql_ident_valid(t->primary_key_name) || !t->n_primary_key || pk_name_derived(t)))
		return 0;
	for (i = 0; i < t->n_indexes; i++)
		if (!mg_sql_ident_valid(t->indexes[i].name) || !t->indexes[i].n_columns ||
		    !c_names_ok(t->indexes[i].n_columns, t->indexes[i].columns, t) ||
		    (i && strcmp(t->indexes[i - 1].name, t->indexes[i].name) >= 0))
			return 0;
	for (i = 0; i < t->n_foreign_keys; i++) {
		const struct mg_foreign_key *fk = &t->foreign_keys[i];
		const struct mg_table *rt;

		if (!mg_sql_ident_valid(fk->name) || !mg_sql_ident_valid(fk->column) ||
		    !mg_sql_ident_valid(fk->ref_table) || !mg_sql_ident_valid(fk->ref_column) ||
		    !mg_table_find_column(t, fk->column) ||
		    (i && strcmp(t->foreign_keys[i - 1].name, fk->name) >= 0) ||
		    !(rt = model_find_table(s, fk->ref_table)) ||
		    !mg_table_find_column(rt, fk->ref_column))
			return 0;
	}
	return 1;
}

/* The schema of `text` when it is snapshot_dump_foreign's text of a valid
 * schema (a struct loaded owning its arena, with the foreign tables), else
 * NULL. */
static struct mg_schema *canon_read(const char *text, size_t len)
{
	struct canon c = {text, mg_arena_new(), 0};
	struct loaded *loaded = mg_arena_calloc(c.arena, 1, sizeof(*loaded));
	struct mg_schema *schema = &loaded->schema;
	void *tables = NULL, *foreign = NULL;
	size_t i;
	int first = 1;

	schema->owner = c.arena;
	c_char(&c, '{');
	if (c_key(&c, "foreign_tables", 1)) {
		loaded->n_foreign = c_array(&c, &foreign, sizeof(char *), c_name_item);
		loaded->foreign = foreign;
		first = 0;
		if (c.bad || !loaded->n_foreign)
			goto bad;
		for (i = 0; i < loaded->n_foreign; i++)
			if (!loaded->foreign[i][0] ||
			    (i && strcmp(loaded->foreign[i - 1], loaded->foreign[i]) >= 0))
				goto bad;
	}
	c_need(&c, "format", first);
	c_ws(&c);
	{
		long format = 0;

		while (*c.p >= '0' && *c.p <= '9' && format < 1000)
			format = format * 10 + (*c.p++ - '0');
		if (format != SNAPSHOT_FORMAT)
			c.bad = 1;
	}
	c_need(&c, "tables", 0);
	if (!c.bad)
		schema->n_tables = c_array(&c, &tables, sizeof(*schema->tables), c_table);
	c_char(&c, '}');
	if (c.bad)
		goto bad;
	schema->tables = tables;
	for (i = 0; i < schema->n_tables; i++)
		if (i && strcmp(schema->tables[i - 1].name, schema->tables[i].name) >= 0)
			goto bad;
	for (i = 0; i < schema->n_tables; i++)
		if (!c_table_ok(schema, &schema->tables[i]))
			goto bad;
	if (!dumps_as(text, len, schema, loaded->n_foreign, loaded->foreign))
		goto bad;
	return schema;
bad:
	mg_arena_free(c.arena);
	return NULL;
}

/* One pass of snapshot_parse(); with `positions`, errors say where they are. */
static int parse_pass(struct mg_schema **out, const char *text, const char *path,
		      struct diag_list *diags, int positions)
{
	static const char *const root_keys[] = {"format", "tables", NULL};
	static const char *const root_allowed[] = {"format", "tables", "foreign_tables", NULL};
	struct loaded *loaded;
	struct loader ld = {path, diags, NULL, 0};
	struct mg_arena *scratch = NULL;
	struct scan sc;
	struct pos root = {0};
	const struct pos *rp = positions ? &root : NULL;
	struct mg_schema *schema;
	struct mg_table *tables;
	const struct pos *tp;
	json_error_t err;
	json_t *j = NULL, *fmt, *a;
	size_t i;
	int rc = -1;

	*out = NULL;
	j = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		struct diag_loc loc = {path, err.line > 0 ? (unsigned)err.line : 0,
				       err.column > 0 ? (unsigned)err.column : 0};

		diag_error(diags, &loc, "invalid snapshot JSON: %s", err.text);
		goto done;
	}
	if (positions) {
		scratch = mg_arena_new();
		sc.p = text;
		sc.line = 1;
		sc.col = 1;
		sc.arena = scratch;
		scan_value(&sc, &root, 0);
	}

	ld.arena = mg_arena_new();
	loaded = mg_arena_calloc(ld.arena, 1, sizeof(*loaded));
	schema = &loaded->schema;
	schema->owner = ld.arena;
	if (check_keys(&ld, j, rp, "snapshot", root_allowed, root_keys))
		goto done;
	fmt = json_object_get(j, "format");
	if (!json_is_integer(fmt) || json_integer_value(fmt) != SNAPSHOT_FORMAT) {
		fail_at(&ld, pos_member(rp, "format"), 0,
			"unsupported snapshot format (this modelgen reads format %d)",
			SNAPSHOT_FORMAT);
		goto done;
	}
	if (!(a = get_array(&ld, j, rp, "snapshot", "tables")))
		goto done;
	tp = pos_member(rp, "tables");
	tables = mg_arena_calloc(ld.arena, json_array_size(a) + 1, sizeof(*tables));
	for (i = 0; i < json_array_size(a); i++)
		if (load_table(&ld, json_array_get(a, i), pos_elem(tp, i), &tables[i]))
			goto done;
	if (check_sorted(&ld, tables, i, sizeof(*tables), tp, "table"))
		goto done;
	schema->tables = tables;
	schema->n_tables = i;
	if (check_references(&ld, schema, tp))
		goto done;
	if (json_object_get(j, "foreign_tables") && load_foreign(&ld, j, rp, loaded))
		goto done;
	*out = schema;
	ld.arena = NULL;
	rc = 0;
done:
	json_decref(j);
	mg_arena_free(scratch);
	mg_arena_free(ld.arena);
	return rc;
}

/* modelgen's own text by the fast reader, anything else by the full loader. */
int snapshot_parse(struct mg_schema **out, const char *text, const char *path,
		   struct diag_list *diags)
{
	if ((*out = canon_read(text, strlen(text))) != NULL)
		return 0;
	return snapshot_parse_full(out, text, path, diags);
}

/*
 * Positions come from a second scan of the text that costs as much as the
 * parse itself, and only a bad file needs them: a good one is read once
 * without them, a bad one again with them to say where the error is.
 */
int snapshot_parse_full(struct mg_schema **out, const char *text, const char *path,
			struct diag_list *diags)
{
	struct diag_list quiet = {0};
	int rc = parse_pass(out, text, path, &quiet, 0);

	if (rc != 0)
		rc = parse_pass(out, text, path, diags, 1);
	diag_free(&quiet);
	return rc;
}

int snapshot_load(struct mg_schema **out, const char *path, struct diag_list *diags)
{
	return snapshot_load_hashed(out, NULL, path, diags);
}

int snapshot_load_hashed(struct mg_schema **out, char text_hash[72], const char *path,
			 struct diag_list *diags)
{
	char *text = NULL;
	size_t len = 0;
	int rc = -1;

	*out = NULL;
	if (write_read_file_len(&text, &len, path) != 0) {
		struct diag_loc loc = {path, 0, 0};

		diag_error(diags, &loc, "cannot read snapshot: %s", strerror(errno));
		goto done;
	}
	if (strlen(text) != len) {
		struct diag_loc loc = {path, 0, 0};

		diag_error(diags, &loc, "invalid snapshot JSON: NUL byte in file");
		goto done;
	}
	rc = snapshot_parse(out, text, path, diags);
	if (rc == 0 && text_hash) {
		memcpy(text_hash, "sha256:", 7);
		mg_sha256_hex(text_hash + 7, text, len);
	}
done:
	free(text);
	return rc;
}
