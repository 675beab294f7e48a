/*
 * Reading generated/ back (see history.h). The migration reader is a small
 * parser for the C the emitter writes: declarations of static const arrays
 * and structs, designated initializers, string and number literals, MG_*
 * constants and macros, and &name / &name[i] references. Scalar fields are
 * looked up in the runtime's field tables (fields.h), so a new field needs
 * no change here. What it cannot read is an error with its line: `check`
 * also requires the file to be exactly what the emitter writes for the
 * data read, so the grammar never has to be more forgiving than that.
 */
#include "history.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fields.h"
#include "snapshot.h"
#include "util/arena.h"
#include "util/strbuf.h"
#include "write.h"
#include "xalloc.h"

/* ---- tokens ------------------------------------------------------------- */

enum tok_kind { T_END, T_IDENT, T_NUM, T_STR, T_PUNCT };

struct tok {
	enum tok_kind kind;
	const char *p; /* IDENT: the name; STR: the literal with its quotes */
	size_t n;
	unsigned long num;
	char punct;
	unsigned line;
};

struct parser {
	struct mg_arena *arena;
	const char *p;
	unsigned line;
	struct tok tok; /* the current token */
	const char *path;
	struct diag_list *diags;
	int failed;
};

static void fail(struct parser *ps, unsigned line, const char *what)
{
	struct diag_loc loc = {ps->path, line, 0};

	if (!ps->failed)
		diag_error(ps->diags, &loc, "cannot read the migration: %s", what);
	ps->failed = 1;
	ps->tok.kind = T_END;
}

/* Skips white space, comments and preprocessor lines. */
static void skip_space(struct parser *ps)
{
	for (;;) {
		const char *p = ps->p;

		if (*p == '\n') {
			ps->line++;
			ps->p++;
		} else if (*p == ' ' || *p == '\t' || *p == '\r') {
			ps->p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			if (!e) {
				ps->p = p + strlen(p);
				return;
			}
			for (; p < e; p++)
				ps->line += *p == '\n';
			ps->p = e + 2;
		} else if (p[0] == '/' && p[1] == '/') {
			ps->p += strcspn(p, "\n");
		} else if (*p == '#') {
			/* Only at the start of a line (the emitter's #include and gate). */
			ps->p += strcspn(p, "\n");
		} else {
			return;
		}
	}
}

static void next(struct parser *ps)
{
	const char *p;

	if (ps->failed)
		return;
	skip_space(ps);
	p = ps->p;
	ps->tok.p = p;
	ps->tok.line = ps->line;
	if (!*p) {
		ps->tok.kind = T_END;
		ps->tok.n = 0;
	} else if (isalpha((unsigned char)*p) || *p == '_') {
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		ps->tok.kind = T_IDENT;
	} else if (isdigit((unsigned char)*p)) {
		char *e;

		errno = 0;
		ps->tok.num = strtoul(p, &e, 0);
		if (errno || e == p) {
			fail(ps, ps->line, "a number out of range");
			return;
		}
		p = e;
		if (*p == 'u' || *p == 'U')
			p++;
		ps->tok.kind = T_NUM;
	} else if (*p == '"') {
		for (p++; *p && *p != '"' && *p != '\n'; p++)
			if (*p == '\\' && p[1])
				p++;
		if (*p != '"') {
			fail(ps, ps->line, "an unterminated string");
			return;
		}
		p++;
		ps->tok.kind = T_STR;
	} else {
		ps->tok.kind = T_PUNCT;
		ps->tok.punct = *p++;
	}
	ps->tok.n = (size_t)(p - ps->tok.p);
	ps->p = p;
}

static int is_punct(const struct parser *ps, char c)
{
	return ps->tok.kind == T_PUNCT && ps->tok.punct == c;
}

static int is_ident(const struct parser *ps, const char *name)
{
	return ps->tok.kind == T_IDENT && ps->tok.n == strlen(name) &&
	       strncmp(ps->tok.p, name, ps->tok.n) == 0;
}

static void expect(struct parser *ps, char c)
{
	char what[32];

	if (is_punct(ps, c)) {
		next(ps);
		return;
	}
	snprintf(what, sizeof(what), "'%c' expected", c);
	fail(ps, ps->tok.line, what);
}

static const char *ident(struct parser *ps)
{
	const char *s;

	if (ps->tok.kind != T_IDENT) {
		fail(ps, ps->tok.line, "a name expected");
		return "";
	}
	s = mg_arena_strndup(ps->arena, ps->tok.p, ps->tok.n);
	next(ps);
	return s;
}

/* Decodes one string literal token onto `b`. */
static void decode_string(struct mg_strbuf *b, const char *p, size_t n)
{
	const char *end = p + n - 1;

	for (p++; p < end; p++) {
		if (*p != '\\') {
			mg_strbuf_putc(b, *p);
			continue;
		}
		p++;
		switch (*p) {
		case 'n':
			mg_strbuf_putc(b, '\n');
			break;
		case 't':
			mg_strbuf_putc(b, '\t');
			break;
		case '0':
		case '1':
		case '2':
		case '3': {
			int v = 0, k;

			for (k = 0; k < 3 && p < end && *p >= '0' && *p <= '7'; k++, p++)
				v = v * 8 + (*p - '0');
			p--;
			mg_strbuf_putc(b, (char)v);
			break;
		}
		default:
			mg_strbuf_putc(b, *p);
		}
	}
}

/* ---- values -------------------------------------------------------------- */

enum val_kind {
	V_STR,   /* s */
	V_NUM,   /* num */
	V_NAME,  /* s: a constant, an array, NULL */
	V_FLAGS, /* items: names joined by '|' */
	V_ADDR,  /* &s or &s[num] (index >= 0) */
	V_LIST,  /* { items } */
	V_CALL   /* s(items) */
};

struct val;

struct item {
	const char *designator; /* ".name = ": the name; NULL for a positional item */
	struct val *v;
};

struct val {
	enum val_kind kind;
	unsigned line;
	const char *s;
	unsigned long num;
	long index;
	size_t n;
	struct item *items;
};

static struct val *new_val(struct parser *ps, enum val_kind kind)
{
	struct val *v = mg_arena_alloc(ps->arena, sizeof(*v));

	v->kind = kind;
	v->line = ps->tok.line;
	v->index = -1;
	return v;
}

/* A growing array of items in the arena. */
static void push_item(struct parser *ps, struct val *list, size_t *cap, const char *designator,
		      struct val *v)
{
	if (list->n == *cap) {
		struct item *items;

		*cap = *cap ? *cap * 2 : 8;
		items = mg_arena_calloc(ps->arena, *cap, sizeof(*items));
		if (list->n)
			memcpy(items, list->items, list->n * sizeof(*items));
		list->items = items;
	}
	list->items[list->n].designator = designator;
	list->items[list->n++].v = v;
}

static struct val *parse_value(struct parser *ps);

/* { item, ... } or name(arg, ...): the items up to `close`. */
static void parse_items(struct parser *ps, struct val *list, char close)
{
	size_t cap = 0;

	while (!ps->failed && !is_punct(ps, close)) {
		const char *designator = NULL;

		if (is_punct(ps, '.')) {
			next(ps);
			designator = ident(ps);
			expect(ps, '=');
		}
		push_item(ps, list, &cap, designator, parse_value(ps));
		if (!is_punct(ps, ','))
			break;
		next(ps);
	}
	expect(ps, close);
}

static struct val *parse_primary(struct parser *ps)
{
	struct val *v;

	if (ps->tok.kind == T_STR) {
		struct mg_strbuf b = {0};

		v = new_val(ps, V_STR);
		/* Adjacent literals are one string. */
		while (ps->tok.kind == T_STR) {
			decode_string(&b, ps->tok.p, ps->tok.n);
			next(ps);
		}
		v->s = mg_arena_strdup(ps->arena, mg_strbuf_cstr(&b));
		mg_strbuf_free(&b);
		return v;
	}
	if (ps->tok.kind == T_NUM) {
		v = new_val(ps, V_NUM);
		v->num = ps->tok.num;
		next(ps);
		return v;
	}
	if (is_punct(ps, '{')) {
		v = new_val(ps, V_LIST);
		next(ps);
		parse_items(ps, v, '}');
		return v;
	}
	if (is_punct(ps, '&')) {
		v = new_val(ps, V_ADDR);
		next(ps);
		v->s = ident(ps);
		if (is_punct(ps, '[')) {
			next(ps);
			if (ps->tok.kind != T_NUM) {
				fail(ps, ps->tok.line, "an index expected");
				return v;
			}
			v->index = (long)ps->tok.num;
			next(ps);
			expect(ps, ']');
		}
		return v;
	}
	v = new_val(ps, V_NAME);
	v->s = ident(ps);
	if (is_punct(ps, '(')) {
		v->kind = V_CALL;
		next(ps);
		parse_items(ps, v, ')');
	}
	return v;
}

/* A primary, or names joined by '|' (flags). */
static struct val *parse_value(struct parser *ps)
{
	struct val *v = parse_primary(ps), *flags;
	size_t cap = 0;

	if (!is_punct(ps, '|'))
		return v;
	flags = new_val(ps, V_FLAGS);
	flags->line = v->line;
	push_item(ps, flags, &cap, NULL, v);
	while (!ps->failed && is_punct(ps, '|')) {
		next(ps);
		push_item(ps, flags, &cap, NULL, parse_primary(ps));
	}
	return flags;
}

/* ---- declarations ----------------------------------------------------- */

enum sym_type {
	S_STRINGS, /* const char *const x[] */
	S_UINTS,   /* const unsigned x[] */
	S_STRUCT   /* struct mg_<type> x or x[] */
};

struct sym {
	const char *name;
	enum sym_type type;
	const char *struct_name; /* "mg_column", ... */
	int is_array;
	struct val *init; /* NULL for a declaration without definition */
	unsigned line;
	/* Built on first use. */
	int state; /* 0 not built, 1 building, 2 built */
	void *built;
	size_t count;
};

struct reader {
	struct parser ps;
	size_t n_syms, cap_syms;
	struct sym *syms; /* sorted by name once parsed */
	struct sym *migration;
};

static int cmp_sym(const void *a, const void *b)
{
	return strcmp(((const struct sym *)a)->name, ((const struct sym *)b)->name);
}

static struct sym *find_sym(struct reader *r, const char *name)
{
	struct sym key;

	memset(&key, 0, sizeof(key));
	key.name = name;
	return r->n_syms ? bsearch(&key, r->syms, r->n_syms, sizeof(key), cmp_sym) : NULL;
}

static struct sym *add_sym(struct reader *r)
{
	if (r->n_syms == r->cap_syms) {
		struct sym *v;

		r->cap_syms = r->cap_syms ? 2 * r->cap_syms : 64;
		v = mg_arena_calloc(r->ps.arena, r->cap_syms, sizeof(*v));
		if (r->n_syms)
			memcpy(v, r->syms, r->n_syms * sizeof(*v));
		r->syms = v;
	}
	memset(&r->syms[r->n_syms], 0, sizeof(r->syms[0]));
	return &r->syms[r->n_syms++];
}

/* [extern|static] const TYPE name[[]] [= init] {, ...} ; */
static void parse_declaration(struct reader *r)
{
	struct parser *ps = &r->ps;
	enum sym_type type;
	const char *struct_name = NULL;
	int is_extern = 0;

	if (is_ident(ps, "extern")) {
		is_extern = 1;
		next(ps);
	} else if (is_ident(ps, "static")) {
		next(ps);
	}
	if (!is_ident(ps, "const")) {
		fail(ps, ps->tok.line, "a declaration expected");
		return;
	}
	next(ps);
	if (is_ident(ps, "char")) {
		next(ps);
		expect(ps, '*');
		if (!is_ident(ps, "const")) {
			fail(ps, ps->tok.line, "'const' expected");
			return;
		}
		next(ps);
		type = S_STRINGS;
	} else if (is_ident(ps, "unsigned")) {
		next(ps);
		type = S_UINTS;
	} else if (is_ident(ps, "struct")) {
		next(ps);
		struct_name = ident(ps);
		type = S_STRUCT;
		if (is_punct(ps, '*')) {
			/* The registry's array of pointers: not in a migration. */
			fail(ps, ps->tok.line, "an unexpected pointer declaration");
			return;
		}
	} else {
		fail(ps, ps->tok.line, "an unknown type");
		return;
	}
	for (;;) {
		struct sym *s = add_sym(r);

		s->line = ps->tok.line;
		s->type = type;
		s->struct_name = struct_name;
		s->name = ident(ps);
		if (is_punct(ps, '[')) {
			next(ps);
			expect(ps, ']');
			s->is_array = 1;
		}
		if (is_punct(ps, '=')) {
			next(ps);
			s->init = parse_value(ps);
		}
		if (is_extern)
			r->n_syms--; /* a declaration only: its definition follows */
		if (!is_punct(ps, ','))
			break;
		next(ps);
	}
	expect(ps, ';');
}

/* Parses every declaration; merges forward declarations into their
 * definitions and sorts the symbols by name. */
static int parse_file(struct reader *r)
{
	struct parser *ps = &r->ps;
	size_t i, k = 0;

	next(ps);
	while (!ps->failed && ps->tok.kind != T_END)
		parse_declaration(r);
	if (ps->failed)
		return -1;
	qsort(r->syms, r->n_syms, sizeof(r->syms[0]), cmp_sym);
	for (i = 0; i < r->n_syms; i++) {
		struct sym *s = &r->syms[i];

		if (k && strcmp(r->syms[k - 1].name, s->name) == 0) {
			struct sym *prev = &r->syms[k - 1];

			if (prev->init && s->init) {
				fail(ps, s->line, "a name defined twice");
				return -1;
			}
			if (s->init)
				*prev = *s;
			continue;
		}
		r->syms[k++] = *s;
	}
	r->n_syms = k;
	for (i = 0; i < r->n_syms; i++) {
		if (!r->syms[i].init) {
			fail(ps, r->syms[i].line, "a name declared but not defined");
			return -1;
		}
		if (r->syms[i].type == S_STRUCT &&
		    strcmp(r->syms[i].struct_name, "mg_migration") == 0) {
			if (r->migration) {
				fail(ps, r->syms[i].line, "two migration structs");
				return -1;
			}
			r->migration = &r->syms[i];
		}
	}
	if (!r->migration) {
		fail(ps, ps->line, "no struct mg_migration");
		return -1;
	}
	return 0;
}

/* ---- building the data ------------------------------------------------ */

static void bad(struct reader *r, const struct val *v, const char *what)
{
	fail(&r->ps, v ? v->line : r->ps.line, what);
}

/* The symbol a V_NAME value names, checked against the expected kind. */
static struct sym *sym_of(struct reader *r, const struct val *v, enum sym_type type,
			  const char *struct_name, int is_array)
{
	struct sym *s;

	if (v->kind != V_NAME && v->kind != V_ADDR) {
		bad(r, v, "a name expected");
		return NULL;
	}
	s = find_sym(r, v->s);
	if (!s || s->type != type || s->is_array != is_array ||
	    (struct_name && strcmp(s->struct_name, struct_name) != 0)) {
		bad(r, v, "a reference to an unknown or wrong name");
		return NULL;
	}
	return s;
}

static void *build_sym(struct reader *r, struct sym *s);

/* The array a value names (a V_NAME), built; its length in *n. */
static void *array_of(struct reader *r, const struct val *v, enum sym_type type,
		      const char *struct_name, size_t *n)
{
	struct sym *s = sym_of(r, v, type, struct_name, 1);
	void *p;

	*n = 0;
	if (!s)
		return NULL;
	p = build_sym(r, s);
	*n = s->count;
	return p;
}

/* Sets a scalar field from a value. Returns 0, or -1 when it does not fit. */
static int set_field(const struct mg_field *f, void *obj, const struct val *v)
{
	unsigned n = 0, c;
	size_t i;

	switch (f->type) {
	case MG_FIELD_STRING:
		if (v->kind == V_STR)
			mg_field_set_string(f, obj, v->s);
		else if (v->kind == V_NAME && strcmp(v->s, "NULL") == 0)
			mg_field_set_string(f, obj, NULL);
		else
			return -1;
		return 0;
	case MG_FIELD_UINT:
	case MG_FIELD_BOOL:
		if (v->kind != V_NUM || v->num > 0xffffffffUL)
			return -1;
		n = (unsigned)v->num;
		break;
	case MG_FIELD_ENUM:
		if (v->kind == V_NUM && v->num <= 0xffffffffUL)
			n = (unsigned)v->num;
		else if (v->kind != V_NAME || mg_field_const_value(f, v->s, &n) != 0)
			return -1;
		break;
	case MG_FIELD_FLAGS:
		for (i = 0; i < (v->kind == V_FLAGS ? v->n : 1); i++) {
			const struct val *x = v->kind == V_FLAGS ? v->items[i].v : v;

			if (x->kind == V_NUM && x->num <= 0xffffffffUL)
				n |= (unsigned)x->num;
			else if (x->kind == V_NAME && mg_field_const_value(f, x->s, &c) == 0)
				n |= c;
			else
				return -1;
		}
		break;
	}
	mg_field_set_number(f, obj, n);
	return 0;
}

/*
 * The designated items of an initializer, with the generated files' macros
 * expanded into what they designate: MG_ARRAY(f, a) is .n_f and .f,
 * MG_SQL(op, sql) and MG_REBUILD(rb) set .kind and the rest. A V_NAME
 * "MG_COUNT:<name>" stands for MG_COUNT(name).
 */
struct field_value {
	const char *name;
	const struct val *v;
};

static struct val *synth(struct reader *r, enum val_kind kind, unsigned line, const char *s,
			 unsigned long num)
{
	struct val *v = mg_arena_alloc(r->ps.arena, sizeof(*v));

	v->kind = kind;
	v->line = line;
	v->s = s;
	v->num = num;
	v->index = -1;
	return v;
}

/* MG_COUNT(a) for an array name `a`. */
static struct val *synth_count(struct reader *r, struct val *a)
{
	struct val *v = synth(r, V_CALL, a->line, "MG_COUNT", 0);

	v->n = 1;
	v->items = mg_arena_calloc(r->ps.arena, 1, sizeof(*v->items));
	v->items[0].v = a;
	return v;
}

static size_t designated(struct reader *r, const struct val *init, struct field_value **out)
{
	struct field_value *fv;
	size_t i, k = 0;

	if (init->kind != V_LIST) {
		bad(r, init, "an initializer list expected");
		*out = NULL;
		return 0;
	}
	fv = mg_arena_calloc(r->ps.arena, 3 * init->n + 1, sizeof(*fv));
	for (i = 0; i < init->n; i++) {
		const struct item *it = &init->items[i];
		const struct val *v = it->v;

		if (it->designator) {
			fv[k].name = it->designator;
			fv[k++].v = v;
		} else if (v->kind == V_CALL && strcmp(v->s, "MG_ARRAY") == 0 && v->n == 2 &&
			   v->items[0].v->kind == V_NAME && v->items[1].v->kind == V_NAME) {
			/* MG_ARRAY(f, a) as the count of .n_f (count_of) and as .f. */
			fv[k].name = mg_arena_printf(r->ps.arena, "n_%s", v->items[0].v->s);
			fv[k++].v = v;
			fv[k].name = v->items[0].v->s;
			fv[k++].v = v->items[1].v;
		} else if (v->kind == V_CALL && strcmp(v->s, "MG_COPY") == 0 && v->n == 2) {
			fv[k].name = "n_copy";
			fv[k++].v = synth_count(r, v->items[0].v);
			fv[k].name = "copy_columns";
			fv[k++].v = v->items[0].v;
			fv[k].name = "copy_exprs";
			fv[k++].v = v->items[1].v;
		} else if (v->kind == V_CALL && strcmp(v->s, "MG_SQL") == 0 && v->n == 2) {
			fv[k].name = "kind";
			fv[k++].v = synth(r, V_NAME, v->line, "MG_STEP_SQL", 0);
			fv[k].name = "op";
			fv[k++].v = v->items[0].v;
			fv[k].name = "sql";
			fv[k++].v = v->items[1].v;
		} else if (v->kind == V_CALL && strcmp(v->s, "MG_REBUILD") == 0 && v->n >= 2) {
			struct val *ops = synth(r, V_LIST, v->line, NULL, 0);

			ops->n = v->n - 1;
			ops->items = v->items + 1;
			fv[k].name = "kind";
			fv[k++].v = synth(r, V_NAME, v->line, "MG_STEP_REBUILD", 0);
			fv[k].name = "rebuild";
			fv[k++].v = v->items[0].v;
			fv[k].name = "ops";
			fv[k++].v = ops;
		} else {
			fv[k].name = NULL; /* positional */
			fv[k++].v = v;
		}
	}
	*out = fv;
	return k;
}

/* The count a value gives: a number, MG_COUNT(a), or MG_ARRAY(f, a)'s. */
static int count_of(struct reader *r, const struct val *v, size_t *n)
{
	const struct val *a = NULL;
	struct sym *s;

	if (v->kind == V_NUM) {
		*n = v->num;
		return 0;
	}
	if (v->kind == V_CALL && strcmp(v->s, "MG_COUNT") == 0 && v->n == 1)
		a = v->items[0].v;
	else if (v->kind == V_CALL && strcmp(v->s, "MG_ARRAY") == 0 && v->n == 2)
		a = v->items[1].v;
	if (!a || a->kind != V_NAME || !(s = find_sym(r, a->s)) || !s->is_array) {
		bad(r, v, "a count expected");
		return -1;
	}
	(void)build_sym(r, s);
	*n = s->count;
	return 0;
}

/*
 * Walks the designated items of `init` into `obj`: scalar fields through
 * `fields`; the others through `structural`, which returns 0 when it took
 * the item, -1 when it is not one of its fields.
 */
typedef int (*structural_fn)(struct reader *r, void *obj, const char *name, const struct val *v,
			     size_t position);

static void fill(struct reader *r, const struct val *init, const struct mg_field *fields, void *obj,
		 structural_fn structural)
{
	struct field_value *fv;
	size_t n = designated(r, init, &fv), i, position = 0;

	for (i = 0; i < n && !r->ps.failed; i++) {
		const struct mg_field *f = fv[i].name ? mg_field_find(fields, fv[i].name) : NULL;

		if (!fv[i].name) {
			if (!structural || structural(r, obj, NULL, fv[i].v, position++) != 0)
				bad(r, fv[i].v, "an unexpected value");
			continue;
		}
		if (f) {
			if (set_field(f, obj, fv[i].v) != 0)
				bad(r, fv[i].v, "a value of the wrong kind");
			continue;
		}
		if (!structural || structural(r, obj, fv[i].name, fv[i].v, 0) != 0)
			bad(r, fv[i].v, "an unknown field");
	}
}

/* Stores a count-and-array pair: `.n_x = count` sets *n (checked against
 * the array later by the builder), `.x = name` the array. */
static int array_field(struct reader *r, const char *name, const char *field, const struct val *v,
		       size_t *n, const void **p, enum sym_type type, const char *struct_name)
{
	size_t len = strlen(field), count;

	if (strncmp(name, "n_", 2) == 0 && strcmp(name + 2, field) == 0) {
		if (count_of(r, v, &count) == 0)
			*n = count;
		return 0;
	}
	if (strcmp(name, field) != 0 || len == 0)
		return -1;
	*p = array_of(r, v, type, struct_name, &count);
	if (*p && *n != count)
		bad(r, v, "a count that does not match its array");
	return 0;
}

static int column_item(struct reader *r, void *obj, const char *name, const struct val *v,
		       size_t position)
{
	(void)r, (void)obj, (void)name, (void)v, (void)position;
	return -1;
}

static int index_item(struct reader *r, void *obj, const char *name, const struct val *v,
		      size_t position)
{
	struct mg_index *ix = obj;

	(void)position;
	if (!name)
		return -1;
	return array_field(r, name, "columns", v, &ix->n_columns, (const void **)&ix->columns,
			   S_STRINGS, NULL);
}

static int table_item(struct reader *r, void *obj, const char *name, const struct val *v,
		      size_t position)
{
	struct mg_table *t = obj;

	(void)position;
	if (!name)
		return -1;
	if (array_field(r, name, "columns", v, &t->n_columns, (const void **)&t->columns, S_STRUCT,
			"mg_column") == 0 ||
	    array_field(r, name, "primary_key", v, &t->n_primary_key,
			(const void **)&t->primary_key, S_STRINGS, NULL) == 0 ||
	    array_field(r, name, "indexes", v, &t->n_indexes, (const void **)&t->indexes, S_STRUCT,
			"mg_index") == 0 ||
	    array_field(r, name, "foreign_keys", v, &t->n_foreign_keys,
			(const void **)&t->foreign_keys, S_STRUCT, "mg_foreign_key") == 0)
		return 0;
	return -1;
}

static int schema_item(struct reader *r, void *obj, const char *name, const struct val *v,
		       size_t position)
{
	struct mg_schema *s = obj;

	(void)position;
	if (!name)
		return -1;
	return array_field(r, name, "tables", v, &s->n_tables, (const void **)&s->tables, S_STRUCT,
			   "mg_table");
}

/* The element &name[i] of a built struct array. */
static const void *element_of(struct reader *r, const struct val *v, const char *struct_name,
			      size_t size)
{
	struct sym *s;
	const char *base;

	if (v->kind != V_ADDR || v->index < 0) {
		bad(r, v, "&name[index] expected");
		return NULL;
	}
	s = sym_of(r, v, S_STRUCT, struct_name, 1);
	if (!s)
		return NULL;
	base = build_sym(r, s);
	if ((size_t)v->index >= s->count) {
		bad(r, v, "an index out of range");
		return NULL;
	}
	return base + (size_t)v->index * size;
}

/* The struct &name points at. */
static const void *pointee_of(struct reader *r, const struct val *v, const char *struct_name)
{
	struct sym *s;

	if (v->kind != V_ADDR || v->index >= 0) {
		bad(r, v, "&name expected");
		return NULL;
	}
	s = sym_of(r, v, S_STRUCT, struct_name, 0);
	return s ? build_sym(r, s) : NULL;
}

static int rebuild_item(struct reader *r, void *obj, const char *name, const struct val *v,
			size_t position)
{
	struct mg_rebuild *rb = obj;
	size_t count;

	(void)position;
	if (!name)
		return -1;
	if (strcmp(name, "table") == 0) {
		rb->table = element_of(r, v, "mg_table", sizeof(struct mg_table));
		return 0;
	}
	if (strcmp(name, "old_name") == 0) {
		if (v->kind != V_STR)
			bad(r, v, "a string expected");
		else
			rb->old_name = v->s;
		return 0;
	}
	if (strcmp(name, "n_copy") == 0) {
		if (count_of(r, v, &count) == 0)
			rb->n_copy = count;
		return 0;
	}
	if (strcmp(name, "copy_columns") == 0 || strcmp(name, "copy_exprs") == 0) {
		const char *const *a = array_of(r, v, S_STRINGS, NULL, &count);

		if (a && count != rb->n_copy)
			bad(r, v, "a count that does not match its array");
		if (name[5] == 'c')
			rb->copy_columns = a;
		else
			rb->copy_exprs = a;
		return 0;
	}
	return -1;
}

static int step_item(struct reader *r, void *obj, const char *name, const struct val *v,
		     size_t position)
{
	struct mg_step *st = obj;

	(void)position;
	if (!name)
		return -1;
	if (strcmp(name, "kind") == 0) {
		if (v->kind == V_NAME && strcmp(v->s, "MG_STEP_SQL") == 0)
			st->kind = MG_STEP_SQL;
		else if (v->kind == V_NAME && strcmp(v->s, "MG_STEP_REBUILD") == 0)
			st->kind = MG_STEP_REBUILD;
		else
			bad(r, v, "a step kind expected");
		return 0;
	}
	if (strcmp(name, "op") == 0) {
		if (v->kind != V_NUM || v->num > 0xffffffffUL)
			bad(r, v, "an operation number expected");
		else
			st->op = (unsigned)v->num;
		return 0;
	}
	if (strcmp(name, "sql") == 0) {
		if (v->kind != V_STR)
			bad(r, v, "a string expected");
		else
			st->sql = v->s;
		return 0;
	}
	if (strcmp(name, "rebuild") == 0) {
		st->rebuild = pointee_of(r, v, "mg_rebuild");
		return 0;
	}
	if (strcmp(name, "ops") == 0) {
		unsigned *ops = mg_arena_calloc(r->ps.arena, v->n + 1, sizeof(unsigned));
		size_t i;

		for (i = 0; i < v->n; i++) {
			const struct val *x = v->items[i].v;

			if (x->kind != V_NUM || x->num > 0xffffffffUL || v->items[i].designator) {
				bad(r, x, "an operation number expected");
				return 0;
			}
			ops[i] = (unsigned)x->num;
		}
		st->n_ops = v->n;
		st->ops = ops;
		return 0;
	}
	return -1;
}

/* {MG_STEPS(a), ...} or {0, NULL} for one plan. */
static void plan_of(struct reader *r, struct mg_plan *p, const struct val *v)
{
	if (v->kind == V_CALL && strcmp(v->s, "MG_STEPS") == 0 && v->n == 1) {
		p->steps = array_of(r, v->items[0].v, S_STRUCT, "mg_step", &p->n_steps);
		return;
	}
	if (v->kind == V_LIST && v->n == 2 && v->items[0].v->kind == V_NUM &&
	    v->items[0].v->num == 0 && v->items[1].v->kind == V_NAME &&
	    strcmp(v->items[1].v->s, "NULL") == 0) {
		p->n_steps = 0;
		p->steps = NULL;
		return;
	}
	bad(r, v, "MG_STEPS(name) or {0, NULL} expected");
}

static int migration_item(struct reader *r, void *obj, const char *name, const struct val *v,
			  size_t position)
{
	struct mg_migration *m = obj;
	int d;

	(void)position;
	if (!name)
		return -1;
	if (strcmp(name, "before") == 0 || strcmp(name, "after") == 0) {
		const struct mg_schema *s = pointee_of(r, v, "mg_schema");

		if (name[0] == 'b')
			m->before = s;
		else
			m->after = s;
		return 0;
	}
	if (strcmp(name, "up_ops") == 0 || strcmp(name, "down_ops") == 0) {
		struct mg_ops *ops = name[0] == 'u' ? &m->up_ops : &m->down_ops;

		if (v->kind == V_CALL && strcmp(v->s, "MG_OPS") == 0 && v->n == 1)
			ops->ops = array_of(r, v->items[0].v, S_STRUCT, "mg_op", &ops->n_ops);
		else
			bad(r, v, "MG_OPS(name) expected");
		return 0;
	}
	if (strcmp(name, "up") == 0 || strcmp(name, "down") == 0) {
		struct mg_plan *p = name[0] == 'u' ? m->up : m->down;

		if (v->kind != V_LIST || v->n != MG_DIALECT_COUNT) {
			bad(r, v, "one plan per dialect expected");
			return 0;
		}
		for (d = 0; d < MG_DIALECT_COUNT; d++) {
			if (v->items[d].designator)
				bad(r, v, "one plan per dialect expected");
			else
				plan_of(r, &p[d], v->items[d].v);
		}
		return 0;
	}
	return -1;
}

/* What each struct type is made of. */
static const struct {
	const char *name;
	size_t size;
	const struct mg_field *fields;
	structural_fn structural;
} struct_types[] = {
	{"mg_column", sizeof(struct mg_column), mg_column_fields, column_item},
	{"mg_index", sizeof(struct mg_index), mg_index_fields, index_item},
	{"mg_foreign_key", sizeof(struct mg_foreign_key), mg_foreign_key_fields, column_item},
	{"mg_table", sizeof(struct mg_table), mg_table_fields, table_item},
	{"mg_schema", sizeof(struct mg_schema), NULL, schema_item},
	{"mg_op", sizeof(struct mg_op), mg_op_fields, NULL},
	{"mg_step", sizeof(struct mg_step), mg_step_fields, step_item},
	{"mg_rebuild", sizeof(struct mg_rebuild), NULL, rebuild_item},
	{"mg_migration", sizeof(struct mg_migration), mg_migration_fields, migration_item},
};

static const struct mg_field no_fields[] = {{NULL, MG_FIELD_STRING, 0, 0, NULL}};

/* Builds the data of a symbol once (arrays: every element). */
static void *build_sym(struct reader *r, struct sym *s)
{
	size_t i, t;
	const struct val *init = s->init;

	if (s->state == 2)
		return s->built;
	if (s->state == 1) {
		fail(&r->ps, s->line, "a name that refers to itself");
		return NULL;
	}
	s->state = 1;
	if (s->is_array && init->kind != V_LIST) {
		bad(r, init, "an array initializer expected");
		goto done;
	}
	if (s->type == S_STRINGS || s->type == S_UINTS) {
		const char **strs = s->type == S_STRINGS ? mg_arena_calloc(r->ps.arena, init->n + 1,
									   sizeof(char *))
							 : NULL;
		unsigned *nums = s->type == S_UINTS ? mg_arena_calloc(r->ps.arena, init->n + 1,
								      sizeof(unsigned))
						    : NULL;

		for (i = 0; i < init->n; i++) {
			const struct val *v = init->items[i].v;

			if (init->items[i].designator ||
			    v->kind != (s->type == S_STRINGS ? V_STR : V_NUM) ||
			    (nums && v->num > 0xffffffffUL)) {
				bad(r, v, "a list of strings or numbers expected");
				goto done;
			}
			if (strs)
				strs[i] = v->s;
			else
				nums[i] = (unsigned)v->num;
		}
		s->built = strs ? (void *)strs : (void *)nums;
		s->count = init->n;
		goto done;
	}
	for (t = 0; t < sizeof(struct_types) / sizeof(struct_types[0]); t++)
		if (strcmp(struct_types[t].name, s->struct_name) == 0)
			break;
	if (t == sizeof(struct_types) / sizeof(struct_types[0])) {
		fail(&r->ps, s->line, "an unknown struct type");
		goto done;
	}
	s->count = s->is_array ? init->n : 1;
	s->built = mg_arena_calloc(r->ps.arena, s->count + 1, struct_types[t].size);
	for (i = 0; i < s->count && !r->ps.failed; i++) {
		const struct val *v = s->is_array ? init->items[i].v : init;

		if (s->is_array && init->items[i].designator) {
			bad(r, v, "an array element expected");
			break;
		}
		fill(r, v, struct_types[t].fields ? struct_types[t].fields : no_fields,
		     (char *)s->built + i * struct_types[t].size, struct_types[t].structural);
	}
done:
	s->state = 2;
	return r->ps.failed ? NULL : s->built;
}

/* ---- the header block and the review notes ----------------------------- */

/* The value of ` * key: value` on the line at `line` (up to `end`), or NULL. */
static const char *header_value(struct mg_arena *a, const char *line, const char *end,
				const char *key)
{
	size_t n = strlen(key);

	if ((size_t)(end - line) < 3 + n + 2 || strncmp(line, " * ", 3) != 0 ||
	    strncmp(line + 3, key, n) != 0 || strncmp(line + 3 + n, ": ", 2) != 0)
		return NULL;
	return mg_arena_strndup(a, line + 3 + n + 2, (size_t)(end - line) - 3 - n - 2);
}

/* Splits "a, b, c" into an arena array. */
static const char *const *split_list(struct mg_arena *a, const char *s, size_t *n_out)
{
	size_t n = 1, k = 0;
	const char *p;
	const char **v;

	if (!*s) {
		*n_out = 0;
		return NULL;
	}
	for (p = s; (p = strstr(p, ", ")) != NULL; p += 2)
		n++;
	v = mg_arena_calloc(a, n, sizeof(*v));
	for (p = s; k < n; k++) {
		const char *e = strstr(p, ", ");
		size_t len = e ? (size_t)(e - p) : strlen(p);

		v[k] = mg_arena_strndup(a, p, len);
		p += len + 2;
	}
	*n_out = n;
	return v;
}

/*
 * Reads the banner: line 2 ("NAME.c: migration N."), the version line of a
 * generated file, and the key lines up to the end of the first comment.
 */
static int read_header(struct history_migration *out, struct mg_arena *a, const char *text,
		       const char *path, struct diag_list *diags)
{
	const char *p = text, *format = NULL, *models = NULL, *allow_drop = NULL;
	struct diag_loc loc = {path, 1, 0};
	struct mg_strbuf join = {0};
	unsigned line_no = 0;
	int in_models = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		const char *v;

		line_no++;
		if (end - p == 3 && strncmp(p, " */", 3) == 0)
			break;
		if (line_no == 2 && strncmp(p, " * ", 3) == 0) {
			/* " * NAME.c: migration N, generated by modelgen V." or
			 * " * NAME.c: migration N, hand-written (...)." */
			static const char by[] = ", generated by modelgen ";
			const char *dot = strstr(p, ".c: migration "), *q;

			if (dot && dot < end) {
				out->name = mg_arena_strndup(a, p + 3, (size_t)(dot - p - 3));
				out->number = (unsigned)strtoul(dot + 14, (char **)&q, 10);
				if (strncmp(q, by, strlen(by)) == 0 && end[-1] == '.')
					out->info.version = mg_arena_strndup(
						a, q + strlen(by),
						(size_t)(end - 1 - q - strlen(by)));
			}
		}
		if (in_models && end - p > 5 && strncmp(p, " *   ", 5) == 0) {
			mg_strbuf_putc(&join, ' ');
			mg_strbuf_putn(&join, p + 5, (size_t)(end - p - 5));
		} else {
			in_models = 0;
		}
		if ((v = header_value(a, p, end, "modelgen-migration")))
			format = v;
		else if ((v = header_value(a, p, end, "models"))) {
			mg_strbuf_puts(&join, v);
			in_models = 1;
			models = "";
		} else if ((v = header_value(a, p, end, "parent")))
			out->parent_hash = strcmp(v, "none") == 0 ? "" : v;
		else if ((v = header_value(a, p, end, "result")))
			out->result_hash = v;
		else if ((v = header_value(a, p, end, "allow-drop")))
			allow_drop = v;
		else if ((v = header_value(a, p, end, "checksum")))
			out->checksum = v;
		if (!nl)
			break;
		p = nl + 1;
	}
	if (models)
		out->info.sources = split_list(a, mg_strbuf_cstr(&join), &out->info.n_sources);
	mg_strbuf_free(&join);
	out->info.allow_drop = allow_drop && strcmp(allow_drop, "yes") == 0;

	if (!format || !out->name || !out->number || !out->parent_hash || !out->result_hash) {
		diag_error(diags, &loc, "not a modelgen migration (no header block)");
		return -1;
	}
	if (strcmp(format, "2 generated") == 0) {
		out->handwritten = 0;
	} else if (strcmp(format, "2 handwritten") == 0) {
		out->handwritten = 1;
	} else {
		diag_error(diags, &loc,
			   "migration file format '%s' is not supported (this modelgen reads "
			   "format 2; see README, \"Migration file formats\")",
			   format);
		return -1;
	}
	if (!out->handwritten && (!out->checksum || !out->info.version)) {
		diag_error(diags, &loc, "generated migration without its checksum or version line");
		return -1;
	}
	return 0;
}

/* The review notes: " *   - text" lines, continued by " *     text". */
static void read_notes(struct history_migration *out, struct mg_arena *a, const char *text)
{
	const char *p = strstr(text, "\n * Review notes:\n");
	struct mg_strbuf note = {0};
	const char **v = NULL;
	size_t n = 0, cap = 0;

	if (!p)
		return;
	p += strlen("\n * Review notes:\n");
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int start = len > 7 && strncmp(p, " *   - ", 7) == 0;
		int more = len > 7 && strncmp(p, " *     ", 7) == 0;

		if ((start || !more) && note.len) {
			if (n == cap) {
				const char **w;

				cap = cap ? cap * 2 : 8;
				w = mg_arena_calloc(a, cap, sizeof(*w));
				if (n)
					memcpy(w, v, n * sizeof(*w));
				v = w;
			}
			v[n++] = mg_arena_strdup(a, mg_strbuf_cstr(&note));
			mg_strbuf_clear(&note);
		}
		if (!start && !more)
			break;
		if (more)
			mg_strbuf_putc(&note, ' ');
		mg_strbuf_putn(&note, p + 7, len - 7);
		if (!nl)
			break;
		p = nl + 1;
	}
	mg_strbuf_free(&note);
	out->info.notes = v;
	out->info.n_notes = n;
}

int history_read_migration(struct history_migration *out, struct mg_arena *arena, const char *text,
			   const char *path, int full, struct diag_list *diags)
{
	static const struct mg_schema no_tables = {0, NULL, NULL};
	struct reader r;
	const struct mg_migration *m;

	memset(out, 0, sizeof(*out));
	if (read_header(out, arena, text, path, diags) != 0)
		return -1;
	out->m.number = out->number;
	out->m.name = out->name;
	out->m.parent_hash = out->parent_hash;
	out->m.result_hash = out->result_hash;
	out->m.before = out->m.after = &no_tables;
	if (out->handwritten) {
		out->m.flags = MG_MIGRATION_HANDWRITTEN;
		out->full = full;
		return 0;
	}
	if (!full)
		return 0;
	memset(&r, 0, sizeof(r));
	r.ps.arena = arena;
	r.ps.p = text;
	r.ps.line = 1;
	r.ps.path = path;
	r.ps.diags = diags;
	if (parse_file(&r) != 0)
		return -1;
	m = build_sym(&r, r.migration);
	if (!m)
		return -1;
	if (!m->before || !m->after) {
		fail(&r.ps, r.migration->line, "a migration without its frozen tables");
		return -1;
	}
	out->m = *m;
	read_notes(out, arena, text);
	out->full = 1;
	return 0;
}

/* ---- generated/ on disk -------------------------------------------------- */

static int cmp_file(const void *a, const void *b)
{
	const struct history_file *x = a, *y = b;

	if (x->file_number != y->file_number)
		return x->file_number < y->file_number ? -1 : 1;
	return strcmp(x->file, y->file);
}

/* 1 when `name` is NNNN_slug.c; sets the number. */
static int parse_file_name(const char *name, unsigned *number)
{
	const char *p = name;
	unsigned long v = 0;
	size_t digits = 0, n = strlen(name);

	while (*p >= '0' && *p <= '9' && digits < 7) {
		v = v * 10 + (unsigned long)(*p - '0');
		p++;
		digits++;
	}
	*number = (unsigned)v;
	if (digits < 4 || *p != '_' || n < 3 || strcmp(name + n - 2, ".c") != 0 || v == 0)
		return 0;
	for (p++; p < name + n - 2; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static void io_error(struct diag_list *diags, const char *path)
{
	struct diag_loc loc = {path, 0, 0};

	diag_error(diags, &loc, "%s", strerror(errno));
}

/* The file names of `dir` that end in ".c" and are regular files. */
static int list_migrations(struct history *h, struct diag_list *diags)
{
	DIR *dh = opendir(h->migrations_dir);
	struct dirent *de;
	size_t cap = 0;

	if (!dh) {
		if (errno == ENOENT)
			return 0;
		io_error(diags, h->migrations_dir);
		return -1;
	}
	while ((de = readdir(dh)) != NULL) {
		size_t n = strlen(de->d_name);
		const char *path;
		struct stat sb;

		if (n < 3 || strcmp(de->d_name + n - 2, ".c") != 0)
			continue;
		path = mg_arena_printf(h->arena, "%s/%s", h->migrations_dir, de->d_name);
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (h->n_files == cap) {
			struct history_file *v;

			cap = cap ? 2 * cap : 16;
			v = mg_arena_calloc(h->arena, cap, sizeof(*v));
			if (h->n_files)
				memcpy(v, h->files, h->n_files * sizeof(*v));
			h->files = v;
		}
		memset(&h->files[h->n_files], 0, sizeof(h->files[0]));
		h->files[h->n_files].file = mg_arena_strdup(h->arena, de->d_name);
		h->files[h->n_files].path = path;
		h->files[h->n_files].name_ok =
			parse_file_name(de->d_name, &h->files[h->n_files].file_number);
		h->n_files++;
	}
	closedir(dh);
	if (h->n_files)
		qsort(h->files, h->n_files, sizeof(*h->files), cmp_file);
	return 0;
}

/* The start of file `path` up to the end of its header block (the first
 * line that closes the comment), or the whole file when it has none: the header is all a
 * command that does not rebuild schemas from the migrations needs, and a
 * migration of 10000 tables is tens of megabytes. `*whole` says which.
 * Returns 0 with `*out` (malloc'd), else -1 (errno set). */
static int read_head(char **out, int *whole, const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t len = 0, cap = 16384, got;
	char *text;

	*out = NULL;
	*whole = 0;
	if (!f)
		return -1;
	text = xcalloc(1, cap + 1);
	for (;;) {
		const char *end;

		got = fread(text + len, 1, cap - len, f);
		len += got;
		text[len] = '\0';
		end = strstr(text, "\n */\n");
		if (end) {
			text[end - text + 5] = '\0';
			break;
		}
		if (got == 0) {
			*whole = 1;
			break;
		}
		if (len == cap) {
			char *grown = xcalloc(1, 2 * cap + 1);

			memcpy(grown, text, len);
			free(text);
			text = grown;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(text);
		errno = e;
		return -1;
	}
	fclose(f);
	*out = text;
	return 0;
}

int history_load(struct history *h, const char *dir, int full, struct diag_list *diags)
{
	size_t len = strlen(dir), i;
	char *text;
	int r;

	memset(h, 0, sizeof(*h));
	h->arena = mg_arena_new();
	/* "generated/" names files "generated/registry.c", not "...//...". */
	while (len > 1 && dir[len - 1] == '/')
		len--;
	h->migrations_dir = mg_arena_printf(h->arena, "%.*s/migrations", (int)len, dir);
	h->snapshot_path = mg_arena_printf(h->arena, "%.*s/schema.json", (int)len, dir);
	h->registry_path = mg_arena_printf(h->arena, "%.*s/registry.c", (int)len, dir);

	if (list_migrations(h, diags) != 0)
		return -1;
	for (i = 0; i < h->n_files; i++) {
		struct history_file *f = &h->files[i];

		if ((full ? write_read_file(&text, f->path)
			  : read_head(&text, &f->whole, f->path)) != 0) {
			io_error(diags, f->path);
			return -1;
		}
		f->whole |= full;
		f->text = history_keep(h, text);
		f->readable = history_read_migration(&f->mig, h->arena, f->text, f->path, full,
						     diags) == 0;
		if (f->readable && !f->name_ok)
			f->file_number = f->mig.number;
	}
	if (h->n_files)
		qsort(h->files, h->n_files, sizeof(*h->files), cmp_file);

	r = write_read_file(&text, h->registry_path);
	if (r < 0) {
		io_error(diags, h->registry_path);
		return -1;
	}
	if (r == 0)
		h->registry_text = history_keep(h, text);
	/* The snapshot is derived from the migrations: a broken one (a merge
	 * conflict) is kept aside, not fatal; the commands rebuild it. */
	if (access(h->snapshot_path, F_OK) == 0 &&
	    snapshot_load_hashed(&h->snapshot, h->snapshot_text_hash, h->snapshot_path,
				 &h->snapshot_diags) != 0) {
		h->snapshot = NULL;
		h->snapshot_error = 1;
	}
	return 0;
}

int history_read_full(struct history *h, struct diag_list *diags)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < h->n_files; i++) {
		struct history_file *f = &h->files[i];

		if (!f->readable || f->mig.full)
			continue;
		if (!f->whole) {
			char *text;

			if (write_read_file(&text, f->path) != 0) {
				io_error(diags, f->path);
				f->readable = 0;
				rc = -1;
				continue;
			}
			f->text = history_keep(h, text);
			f->whole = 1;
		}
		if (history_read_migration(&f->mig, h->arena, f->text, f->path, 1, diags) != 0) {
			f->readable = 0;
			rc = -1;
		}
	}
	return rc;
}

const char *history_keep(struct history *h, char *text)
{
	if (h->n_kept == h->cap_kept) {
		char **v;

		h->cap_kept = h->cap_kept ? 2 * h->cap_kept : 16;
		v = xcalloc(h->cap_kept, sizeof(*v));
		if (h->n_kept)
			memcpy(v, h->kept, h->n_kept * sizeof(*v));
		free(h->kept);
		h->kept = v;
	}
	h->kept[h->n_kept++] = text;
	return text;
}

void history_free(struct history *h)
{
	size_t i;

	for (i = 0; i < h->n_kept; i++)
		free(h->kept[i]);
	free(h->kept);
	mg_schema_free(h->snapshot);
	diag_free(&h->snapshot_diags);
	mg_arena_free(h->arena);
	memset(h, 0, sizeof(*h));
}

const struct history_file *history_newest(const struct history *h)
{
	size_t i = h->n_files;

	while (i > 0)
		if (h->files[--i].readable)
			return &h->files[i];
	return NULL;
}

const char *history_end_hash(const struct history *h)
{
	const struct history_file *f = history_newest(h);

	return f ? f->mig.result_hash : "";
}

const struct mg_migration *const *history_migrations(struct history *h, size_t n_files,
						     size_t *n_out)
{
	const struct mg_migration **v = mg_arena_calloc(h->arena, n_files + 1, sizeof(*v));
	size_t i, n = 0;

	for (i = 0; i < n_files; i++)
		if (h->files[i].readable)
			v[n++] = &h->files[i].mig.m;
	*n_out = n;
	return v;
}
