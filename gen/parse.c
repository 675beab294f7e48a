/*
 * Model headers -> model through libclang (see parse.h). The model headers
 * are parsed as one translation unit that includes them in path order (the
 * system headers they share are read once); when that has an error, each
 * header is parsed again as its own translation unit, so that every error
 * is the one the header has alone. Only file-scope structs defined in a
 * model header and marked MG_TABLE become tables, and an annotation
 * anywhere else (a union, an enum, a nested or undefined struct) is an
 * error. Annotations arrive as AnnotateAttr children ("mg.NAME" or
 * "mg.NAME=ARG", see modelgen/model.h).
 */
#include "parse.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libclang.h"
#include "sql.h"
#include "util/arena.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#ifndef MG_BUILD_INCLUDE_DIR
#define MG_BUILD_INCLUDE_DIR ""
#endif
#ifndef MG_INSTALL_INCLUDE_DIR
#define MG_INSTALL_INCLUDE_DIR ""
#endif
#ifndef MG_CLANG_RESOURCE_DIR
#define MG_CLANG_RESOURCE_DIR ""
#endif

/* The SQL identifier limit (PostgreSQL's NAMEDATALEN - 1). */
#define NAME_MAX_BYTES 63

/* One "mg.*" annotation: its name (after "mg."), argument, place. */
struct ann {
	const char *name;
	const char *arg; /* NULL when the annotation has no "=" */
	struct diag_loc loc;
};

/* A struct-level column list (MG_PRIMARY_KEY_ON, MG_UNIQUE_ON, ...). */
struct col_list {
	size_t n;
	const char **names;
};

struct col_build {
	struct mg_column col;
	struct diag_loc loc;
	struct model_column_info info;
	int pk, unique, index, has_ref, on_delete;
	struct diag_loc pk_loc, unique_loc, index_loc;
	const char *ref_table, *ref_column;
};

struct index_build {
	struct mg_index ix;
	struct diag_loc loc;
	size_t seq; /* order of creation, for a stable sort */
};

struct table_build {
	struct mg_table t;
	struct diag_loc loc;
	struct diag_loc renamed_loc;
	struct col_build *cols;
	size_t n_cols, cap_cols;
	struct ann *anns; /* struct-level annotations */
	size_t n_anns, cap_anns;
};

struct line_table {
	const unsigned *start; /* start[i]: offset of line i + 1 */
	size_t n;              /* 0: not read (or empty) */
	size_t last;           /* the line of the last look-up */
	int read;
};

struct parser {
	struct mg_arena *arena;   /* the model's */
	struct mg_arena *scratch; /* freed at the end of the run */
	struct diag_list *diags;
	/* The model files of the translation unit being walked, as libclang
	 * knows them and as given; `file` is files[cur], the one being read. */
	size_t n_files, cur;
	CXFile *cx_files;
	const char *const *file_names;
	const char *file;
	CXTranslationUnit tu;
	/* Per model file, the offsets its lines start at (NULL until asked),
	 * for loc_of; n_files entries. */
	struct line_table *lines;
	/* Where include paths came from (for a "file not found" hint); NULL
	 * when no compile_commands.json was found. */
	const char *compile_commands;
	struct table_build *tables;
	size_t n_tables, cap_tables;
	struct ann *foreign; /* MG_FOREIGN_TABLE, in the order read */
	size_t n_foreign, cap_foreign;
};

/* Grows an arena array of `elem`-byte items to hold one more; old storage
 * is abandoned in the arena (at most half the arena is such waste). */
static void *grow(struct mg_arena *arena, void *items, size_t n, size_t *cap, size_t elem)
{
	void *fresh;

	if (n < *cap)
		return items;
	*cap = *cap ? *cap * 2 : 4; /* most fields carry one or two annotations */
	fresh = mg_arena_calloc(arena, *cap, elem);
	if (n)
		memcpy(fresh, items, n * elem);
	return fresh;
}

/* ---- locations and strings --------------------------------------------- */

/* The index of `f` among the model files of the translation unit, or -1. */
static long model_file(const struct parser *p, CXFile f)
{
	size_t i;

	if (!f || !p->n_files)
		return -1;
	if (clang_File_isEqual(f, p->cx_files[p->cur]))
		return (long)p->cur;
	for (i = 0; i < p->n_files; i++)
		if (clang_File_isEqual(f, p->cx_files[i]))
			return (long)i;
	return -1;
}

/* The model file index of the place `sl` is expanded at, or -1. */
static long model_file_of(const struct parser *p, CXSourceLocation sl)
{
	CXFile f;

	clang_getExpansionLocation(sl, &f, NULL, NULL, NULL);
	return model_file(p, f);
}

/*
 * The lines of model file `i`, read once from libclang's copy of the file.
 * Lines end at "\n", "\r\n" or a lone "\r", as clang counts them.
 */
static struct line_table *lines_of(struct parser *p, size_t i)
{
	struct line_table *lt = &p->lines[i];
	const char *text;
	size_t size = 0, j, cap = 0;
	unsigned *start = NULL;

	if (lt->read)
		return lt;
	lt->read = 1;
	text = clang_getFileContents(p->tu, p->cx_files[i], &size);
	if (!text || size > UINT_MAX)
		return lt;
	start = grow(p->scratch, start, 0, &cap, sizeof(*start));
	start[lt->n++] = 0;
	if (!memchr(text, '\r', size)) {
		const char *s = text, *end = text + size;

		while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
			s++;
			start = grow(p->scratch, start, lt->n, &cap, sizeof(*start));
			start[lt->n++] = (unsigned)(s - text);
		}
	} else {
		for (j = 0; j < size; j++) {
			if (text[j] != '\n' && text[j] != '\r')
				continue;
			if (text[j] == '\r' && j + 1 < size && text[j + 1] == '\n')
				j++;
			start = grow(p->scratch, start, lt->n, &cap, sizeof(*start));
			start[lt->n++] = (unsigned)(j + 1);
		}
	}
	lt->start = start;
	return lt;
}

/* Line and column of byte `offset` of model file `i`; 0 when unknown. */
static int line_col(struct parser *p, size_t i, unsigned offset, struct diag_loc *loc)
{
	struct line_table *lt = lines_of(p, i);
	size_t lo = 0, hi = lt->n;

	if (!lt->n)
		return 0;
	/* Fields and their annotations come in file order: try the last line
	 * and the next before searching. */
	if (lt->last < lt->n && lt->start[lt->last] <= offset) {
		lo = lt->last;
		if (lo + 1 < lt->n && lt->start[lo + 1] <= offset)
			lo++;
	}
	if (lo + 1 < lt->n && lt->start[lo + 1] <= offset) {
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;

			if (lt->start[mid] <= offset)
				lo = mid;
			else
				hi = mid;
		}
	}
	lt->last = lo;
	loc->line = (unsigned)lo + 1;
	loc->column = offset - lt->start[lo] + 1;
	return 1;
}

/*
 * Where `sl` is expanded. For a place in a model file libclang gives only
 * the offset and the line table above gives line and column: libclang's
 * own line and column look-ups cost as much again as the offset (a
 * third of the time spent on locations at 1000 tables).
 */
static struct diag_loc loc_of(struct parser *p, CXSourceLocation sl)
{
	struct diag_loc loc = {p->file, 0, 0};
	CXFile f;
	unsigned line, col, offset;
	long i;

	clang_getExpansionLocation(sl, &f, NULL, NULL, &offset);
	if (f && (i = model_file(p, f)) >= 0 && line_col(p, (size_t)i, offset, &loc)) {
		loc.file = p->file_names[i];
		return loc;
	}
	clang_getExpansionLocation(sl, &f, &line, &col, NULL);
	loc.line = line;
	loc.column = col;
	if (f && (i = model_file(p, f)) >= 0) {
		loc.file = p->file_names[i];
	} else if (f) {
		CXString name = clang_getFileName(f);
		const char *s = clang_getCString(name);

		if (s)
			loc.file = mg_arena_strdup(p->arena, s);
		clang_disposeString(name);
	}
	return loc;
}

static const char *cx_strdup(struct mg_arena *arena, CXString s)
{
	const char *c = clang_getCString(s);
	char *r = mg_arena_strdup(arena, c ? c : "");

	clang_disposeString(s);
	return r;
}

/* "primary_key" -> "MG_PRIMARY_KEY", for messages. */
static const char *macro_name(struct parser *p, const char *name)
{
	char *m = mg_arena_printf(p->scratch, "MG_%s", name);
	char *c;

	for (c = m; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	return m;
}

/*
 * Turns a raw doc comment into plain text: comment markers and the leading
 * `*` of continuation lines removed, whitespace collapsed to single spaces.
 * Returns NULL when nothing is left.
 */
static const char *clean_comment(struct mg_arena *arena, const char *raw)
{
	static const char *const openers[] = {"/**<", "/*!<", "///<", "//!<", "/**",
					      "/*!",  "///",  "//!",  "/*",   "//"};
	struct mg_strbuf b = {0};
	const char *line = raw, *result;
	int pending_space = 0;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		const char *s = line, *e = end ? end : line + strlen(line);
		size_t i;

		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		for (i = 0; i < sizeof(openers) / sizeof(openers[0]); i++) {
			size_t n = strlen(openers[i]);

			if ((size_t)(e - s) >= n && strncmp(s, openers[i], n) == 0) {
				s += n;
				break;
			}
		}
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (e - s >= 2 && e[-2] == '*' && e[-1] == '/')
			e -= 2;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (s < e && *s == '*')
			s++;
		for (; s < e; s++) {
			if (*s == ' ' || *s == '\t' || *s == '\r') {
				pending_space = 1;
				continue;
			}
			if (pending_space && b.len)
				mg_strbuf_putc(&b, ' ');
			pending_space = 0;
			mg_strbuf_putc(&b, *s);
		}
		pending_space = 1;
		line = end ? end + 1 : NULL;
	}
	result = b.len ? mg_arena_strdup(arena, mg_strbuf_cstr(&b)) : NULL;
	mg_strbuf_free(&b);
	return result;
}

static const char *doc_comment(struct parser *p, CXCursor c)
{
	CXString raw = clang_Cursor_getRawCommentText(c);
	const char *s = clang_getCString(raw);
	const char *r = s && *s ? clean_comment(p->arena, s) : NULL;

	clang_disposeString(raw);
	return r;
}

/*
 * Splits "a, b" into trimmed names. Returns 0, or -1 when an element is
 * empty (the list is malformed).
 */
static int split_list(struct parser *p, const char *arg, struct col_list *out)
{
	const char *s = arg;
	size_t cap = 0;

	out->n = 0;
	out->names = NULL;
	for (;;) {
		const char *comma = strchr(s, ',');
		const char *e = comma ? comma : s + strlen(s);
		const char *b = s;

		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (b == e)
			return -1;
		out->names = grow(p->arena, out->names, out->n, &cap, sizeof(*out->names));
		out->names[out->n++] = mg_arena_strndup(p->arena, b, (size_t)(e - b));
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/*
 * The derived name prefix_table_col[_col...]. Past 63 bytes it is cut and
 * ends in "_" + 8 hex digits of the full name's SHA-256, so that two long
 * names that share a prefix stay distinct.
 */
const char *parse_derived_name(struct mg_arena *arena, const char *prefix, const char *table,
			       size_t n, const char *const *cols)
{
	struct mg_strbuf b = {0};
	const char *r;
	size_t i;

	mg_strbuf_puts(&b, prefix);
	mg_strbuf_putc(&b, '_');
	mg_strbuf_puts(&b, table);
	for (i = 0; i < n; i++) {
		mg_strbuf_putc(&b, '_');
		mg_strbuf_puts(&b, cols[i]);
	}
	if (b.len > NAME_MAX_BYTES) {
		char hex[65];

		mg_sha256_hex(hex, b.ptr, b.len);
		r = mg_arena_printf(arena, "%.*s_%.8s", NAME_MAX_BYTES - 9, b.ptr, hex);
	} else {
		r = mg_arena_strdup(arena, mg_strbuf_cstr(&b));
	}
	mg_strbuf_free(&b);
	return r;
}

/* ---- annotations ------------------------------------------------------- */

enum ann_kind {
	ANN_NONE = 0, /* takes no argument */
	ANN_ONE,      /* one non-empty argument */
	ANN_ANY,      /* one argument, may be empty (checked later) */
	ANN_TWO       /* two non-empty arguments separated by \037 */
};

static const struct ann_def {
	const char *name;
	enum ann_kind kind;
	int on_struct, on_field;
} ann_defs[] = {
	{"table", ANN_ONE, 1, 0},         {"primary_key_on", ANN_ONE, 1, 0},
	{"unique_on", ANN_ONE, 1, 0},     {"index_on", ANN_ONE, 1, 0},
	{"primary_key", ANN_NONE, 0, 1},  {"nullable", ANN_NONE, 0, 1},
	{"unique", ANN_NONE, 0, 1},       {"index", ANN_NONE, 0, 1},
	{"default", ANN_ANY, 0, 1},       {"references", ANN_TWO, 0, 1},
	{"on_delete", ANN_ONE, 0, 1},     {"type", ANN_ONE, 0, 1},
	{"column", ANN_ONE, 0, 1},        {"renamed_from", ANN_ONE, 1, 1},
	{"ignore", ANN_NONE, 0, 1},       {"name", ANN_TWO, 1, 0},
	{"foreign_table", ANN_ONE, 0, 0},
};

static const struct ann_def *find_ann(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ann_defs) / sizeof(ann_defs[0]); i++)
		if (ann_defs[i].name[0] == name[0] && strcmp(ann_defs[i].name, name) == 0)
			return &ann_defs[i];
	return NULL;
}

/*
 * Checks one annotation against its definition for the place it is on.
 * Returns 0 when it is usable, else -1 after adding an error.
 */
static int check_ann(struct parser *p, const struct ann *a, int on_struct)
{
	const struct ann_def *d = find_ann(a->name);

	if (!d) {
		diag_error(p->diags, &a->loc, "unknown annotation 'mg.%s'", a->name);
		return -1;
	}
	if (strcmp(a->name, "foreign_table") == 0) {
		diag_error(p->diags, &a->loc,
			   "MG_FOREIGN_TABLE is a declaration of its own at file scope: "
			   "MG_FOREIGN_TABLE(\"name\");");
		return -1;
	}
	if (on_struct && !d->on_struct) {
		diag_error(p->diags, &a->loc, "%s belongs on a field, not on a struct",
			   macro_name(p, a->name));
		return -1;
	}
	if (!on_struct && !d->on_field) {
		diag_error(p->diags, &a->loc,
			   "%s belongs on a struct (between 'struct' and the tag)",
			   macro_name(p, a->name));
		return -1;
	}
	switch (d->kind) {
	case ANN_NONE:
		if (a->arg) {
			diag_error(p->diags, &a->loc, "%s takes no argument",
				   macro_name(p, a->name));
			return -1;
		}
		return 0;
	case ANN_ANY:
		if (!a->arg) {
			diag_error(p->diags, &a->loc, "%s needs an argument",
				   macro_name(p, a->name));
			return -1;
		}
		return 0;
	case ANN_ONE:
		if (!a->arg || !a->arg[0] || strchr(a->arg, '\037')) {
			diag_error(p->diags, &a->loc, "%s needs one non-empty string argument",
				   macro_name(p, a->name));
			return -1;
		}
		return 0;
	case ANN_TWO: {
		const char *sep = a->arg ? strchr(a->arg, '\037') : NULL;

		if (!sep || sep == a->arg || !sep[1] || strchr(sep + 1, '\037')) {
			diag_error(p->diags, &a->loc, "%s needs two non-empty string arguments",
				   macro_name(p, a->name));
			return -1;
		}
		return 0;
	}
	}
	return -1;
}

struct ann_collect {
	struct parser *p;
	struct ann *anns;
	size_t n, cap;
	CXCursor *fields;
	size_t n_fields, cap_fields;
};

/* Splits an annotation's text "mg.NAME[=ARG]" into `*a` (loc not set).
 * Returns 0, or 1 when it is another tool's annotation. */
static int split_ann(struct parser *p, const char *text, struct ann *a)
{
	const char *eq;

	/* Other tools' annotations are none of our business. */
	if (strncmp(text, "mg.", 3) != 0)
		return 1;
	text += 3;
	eq = strchr(text, '=');
	a->name = eq ? mg_arena_strndup(p->scratch, text, (size_t)(eq - text)) : text;
	a->arg = eq ? mg_arena_strdup(p->arena, eq + 1) : NULL;
	return 0;
}

static void add_ann(struct ann_collect *ac, CXCursor c)
{
	struct parser *p = ac->p;
	const char *text = cx_strdup(p->scratch, clang_getCursorSpelling(c));
	struct ann a;

	if (split_ann(p, text, &a))
		return;
	a.loc = loc_of(p, clang_getCursorLocation(c));
	ac->anns = grow(p->scratch, ac->anns, ac->n, &ac->cap, sizeof(*ac->anns));
	ac->anns[ac->n++] = a;
}

int parse_annotation(const char *text, int on_struct, const struct diag_loc *loc,
		     struct diag_list *diags)
{
	struct diag_loc none = {NULL, 0, 0};
	struct parser p;
	struct ann a;
	struct col_list list;
	int rc;

	memset(&p, 0, sizeof(p));
	p.arena = p.scratch = mg_arena_new();
	p.diags = diags;
	p.file = loc ? loc->file : NULL;
	rc = split_ann(&p, text, &a);
	if (rc)
		goto done;
	a.loc = loc ? *loc : none;
	rc = check_ann(&p, &a, on_struct);
	if (rc == 0 &&
	    (strcmp(a.name, "primary_key_on") == 0 || strcmp(a.name, "unique_on") == 0 ||
	     strcmp(a.name, "index_on") == 0) &&
	    split_list(&p, a.arg, &list)) {
		diag_error(diags, &a.loc, "%s(\"%s\"): malformed column list (expected \"a, b\")",
			   macro_name(&p, a.name), a.arg);
		rc = -1;
	}
	if (rc == 0 && strcmp(a.name, "on_delete") == 0) {
		int act = mg_fk_action_from_name(a.arg);

		if (act < 0 || act == MG_FK_NO_ACTION) {
			diag_error(diags, &a.loc,
				   "MG_ON_DELETE(\"%s\"): the action must be \"cascade\", \"set "
				   "null\" or \"restrict\"",
				   a.arg);
			rc = -1;
		}
	}
done:
	mg_arena_free(p.arena);
	return rc;
}

static enum CXChildVisitResult visit_field_child(CXCursor c, CXCursor parent, CXClientData data)
{
	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_AnnotateAttr)
		add_ann(data, c);
	return CXChildVisit_Continue;
}

static enum CXChildVisitResult visit_struct_child(CXCursor c, CXCursor parent, CXClientData data)
{
	struct ann_collect *ac = data;

	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_AnnotateAttr) {
		add_ann(ac, c);
	} else if (clang_getCursorKind(c) == CXCursor_FieldDecl) {
		ac->fields = grow(ac->p->scratch, ac->fields, ac->n_fields, &ac->cap_fields,
				  sizeof(*ac->fields));
		ac->fields[ac->n_fields++] = c;
	}
	return CXChildVisit_Continue;
}

/* ---- types -------------------------------------------------------------- */

static int is_char_kind(enum CXTypeKind k)
{
	return k == CXType_Char_S || k == CXType_Char_U;
}

/*
 * Maps a field's C type to a column type. Returns 0, or -1 with `*why` set
 * to a phrase naming what has no mapping.
 */
static int map_type(struct parser *p, CXType t, struct mg_column *col, const char **why)
{
	static const struct {
		const char *name;
		enum mg_coltype type;
	} named[] = {
		{"int8_t", MG_COL_SMALLINT},       {"int16_t", MG_COL_SMALLINT},
		{"int32_t", MG_COL_INTEGER},       {"int64_t", MG_COL_BIGINT},
		{"uint8_t", MG_COL_SMALLINT},      {"uint16_t", MG_COL_INTEGER},
		{"uint32_t", MG_COL_BIGINT},       {"time_t", MG_COL_BIGINT},
		{"uint64_t", (enum mg_coltype)0},  {"size_t", (enum mg_coltype)0},
		{"uintptr_t", (enum mg_coltype)0},
	};
	CXType c;
	size_t i;

	/* The fixed-width names are known before they become plain `long`. */
	for (;;) {
		if (t.kind == CXType_Elaborated) {
			t = clang_Type_getNamedType(t);
			continue;
		}
		if (t.kind != CXType_Typedef)
			break;
		{
			CXString s = clang_getTypedefName(t);
			const char *name = clang_getCString(s);
			int found = -1;

			for (i = 0; name && i < sizeof(named) / sizeof(named[0]); i++)
				if (strcmp(named[i].name, name) == 0)
					found = (int)i;
			clang_disposeString(s);
			if (found >= 0) {
				if (!named[found].type) {
					*why = mg_arena_printf(p->scratch,
							       "unsigned 64-bit integer '%s'",
							       named[found].name);
					return -1;
				}
				col->type = named[found].type;
				return 0;
			}
		}
		t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
	}

	c = clang_getCanonicalType(t);
	switch (c.kind) {
	case CXType_Bool:
		col->type = MG_COL_BOOLEAN;
		return 0;
	case CXType_SChar:
	case CXType_UChar:
	case CXType_Short:
		col->type = MG_COL_SMALLINT;
		return 0;
	case CXType_UShort:
	case CXType_Int:
	case CXType_Enum:
		col->type = MG_COL_INTEGER;
		return 0;
	case CXType_UInt:
	case CXType_LongLong:
		col->type = MG_COL_BIGINT;
		return 0;
	case CXType_Long:
		col->type = clang_Type_getSizeOf(c) == 4 ? MG_COL_INTEGER : MG_COL_BIGINT;
		return 0;
	case CXType_ULong:
		if (clang_Type_getSizeOf(c) == 4) {
			col->type = MG_COL_BIGINT;
			return 0;
		}
		*why = "unsigned 64-bit integer";
		return -1;
	case CXType_ULongLong:
		*why = "unsigned 64-bit integer";
		return -1;
	case CXType_Float:
		col->type = MG_COL_REAL;
		return 0;
	case CXType_Double:
		col->type = MG_COL_DOUBLE;
		return 0;
	case CXType_LongDouble:
		*why = "long double";
		return -1;
	case CXType_Char_S:
	case CXType_Char_U:
		*why = "a single char (use char name[N] or int8_t)";
		return -1;
	case CXType_Pointer: {
		CXType pt = clang_getCanonicalType(clang_getPointeeType(c));

		if (is_char_kind(pt.kind)) {
			col->type = MG_COL_TEXT;
			return 0;
		}
		if (pt.kind == CXType_FunctionProto || pt.kind == CXType_FunctionNoProto)
			*why = "function pointer";
		else if (pt.kind == CXType_Record)
			*why = "pointer to struct or union";
		else
			*why = "pointer";
		return -1;
	}
	case CXType_ConstantArray: {
		CXType et = clang_getCanonicalType(clang_getArrayElementType(c));
		long long n = clang_getArraySize(c);

		if (is_char_kind(et.kind)) {
			if (n < 2) {
				*why = "char array shorter than 2 (no room for a character and "
				       "the NUL)";
				return -1;
			}
			if (n - 1 > 10485760) {
				*why = "char array longer than 10485761";
				return -1;
			}
			col->type = MG_COL_VARCHAR;
			col->length = (unsigned)(n - 1);
			return 0;
		}
		if (et.kind == CXType_UChar) {
			col->type = MG_COL_BLOB;
			return 0;
		}
		if (et.kind == CXType_ConstantArray || et.kind == CXType_IncompleteArray)
			*why = "nested array";
		else
			*why = "array (only char[N], unsigned char[N] and uint8_t[N] map)";
		return -1;
	}
	case CXType_IncompleteArray:
	case CXType_VariableArray:
		*why = "array without a fixed size";
		return -1;
	case CXType_Record: {
		CXCursor d = clang_getTypeDeclaration(c);
		CXString s = clang_getCursorSpelling(d);
		int blob = clang_getCursorKind(d) == CXCursor_StructDecl &&
			   strcmp(clang_getCString(s), "mg_blob") == 0;

		clang_disposeString(s);
		if (blob) {
			col->type = MG_COL_BLOB;
			return 0;
		}
		*why = clang_getCursorKind(d) == CXCursor_UnionDecl ? "union" : "struct";
		return -1;
	}
	default:
		*why = "type";
		return -1;
	}
}

/* ---- structs -> tables --------------------------------------------------- */

static const struct ann *get_ann(const struct ann *anns, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (anns[i].name[0] == name[0] && strcmp(anns[i].name, name) == 0)
			return &anns[i];
	return NULL;
}

/* Reports annotations given twice; returns the number of duplicates. */
static size_t check_duplicates(struct parser *p, const struct ann *anns, size_t n, int on_struct)
{
	size_t i, j, bad = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(anns[i].name, anns[j].name) == 0) {
				/* Struct-level lists may repeat (two composite uniques),
				 * and so may MG_NAME (one per index or key). */
				if (on_struct && (strcmp(anns[i].name, "unique_on") == 0 ||
						  strcmp(anns[i].name, "index_on") == 0 ||
						  strcmp(anns[i].name, "name") == 0))
					break;
				diag_error(p->diags, &anns[i].loc, "%s given twice",
					   macro_name(p, anns[i].name));
				bad++;
				break;
			}
	return bad;
}

/* Reads one field into `tb` (or nothing for MG_IGNORE / on error). */
static void read_field(struct parser *p, struct table_build *tb, CXCursor field,
		       const char *struct_name)
{
	struct ann_collect ac = {0};
	struct col_build cb;
	const struct ann *a;
	const char *field_name = cx_strdup(p->arena, clang_getCursorSpelling(field));
	const char *why = NULL;
	size_t i, bad = 0;

	ac.p = p;
	clang_visitChildren(field, visit_field_child, &ac);
	memset(&cb, 0, sizeof(cb));
	cb.loc = loc_of(p, clang_getCursorLocation(field));
	for (i = 0; i < ac.n; i++)
		if (check_ann(p, &ac.anns[i], 0))
			bad++;
	bad += check_duplicates(p, ac.anns, ac.n, 0);
	if (get_ann(ac.anns, ac.n, "ignore"))
		return;
	if (bad)
		return;

	cb.col.name = field_name;
	cb.info.name = cb.info.default_sql = cb.info.type = cb.info.renamed_from = cb.loc;
	cb.info.references = cb.info.on_delete = cb.loc;
	cb.on_delete = -1;
	if ((a = get_ann(ac.anns, ac.n, "column"))) {
		cb.col.name = a->arg;
		cb.info.name = a->loc;
	}
	if ((a = get_ann(ac.anns, ac.n, "type"))) {
		cb.col.type = MG_COL_CUSTOM;
		cb.col.custom_type = a->arg;
		cb.info.type = a->loc;
	} else if (clang_Cursor_isBitField(field)) {
		diag_error(p->diags, &cb.loc,
			   "field '%s' of struct '%s': a bit-field has no SQL type; use MG_TYPE or "
			   "MG_IGNORE",
			   field_name, struct_name);
		return;
	} else if (map_type(p, clang_getCursorType(field), &cb.col, &why)) {
		CXString ts = clang_getTypeSpelling(clang_getCursorType(field));

		diag_error(p->diags, &cb.loc,
			   "field '%s' of struct '%s' has type '%s' with no SQL mapping (%s); use "
			   "MG_TYPE or MG_IGNORE",
			   field_name, struct_name, clang_getCString(ts), why);
		clang_disposeString(ts);
		return;
	}
	cb.col.nullable = get_ann(ac.anns, ac.n, "nullable") != NULL;
	if ((a = get_ann(ac.anns, ac.n, "default"))) {
		cb.col.default_sql = a->arg;
		cb.info.default_sql = a->loc;
	}
	if ((a = get_ann(ac.anns, ac.n, "renamed_from"))) {
		cb.col.renamed_from = a->arg;
		cb.info.renamed_from = a->loc;
	}
	if ((a = get_ann(ac.anns, ac.n, "primary_key"))) {
		cb.pk = 1;
		cb.pk_loc = a->loc;
	}
	if ((a = get_ann(ac.anns, ac.n, "unique"))) {
		cb.unique = 1;
		cb.unique_loc = a->loc;
	}
	if ((a = get_ann(ac.anns, ac.n, "index"))) {
		cb.index = 1;
		cb.index_loc = a->loc;
	}
	if ((a = get_ann(ac.anns, ac.n, "references"))) {
		const char *sep = strchr(a->arg, '\037');

		cb.has_ref = 1;
		cb.ref_table = mg_arena_strndup(p->arena, a->arg, (size_t)(sep - a->arg));
		cb.ref_column = sep + 1;
		cb.info.references = cb.info.on_delete = a->loc;
	}
	if ((a = get_ann(ac.anns, ac.n, "on_delete"))) {
		int act = mg_fk_action_from_name(a->arg);

		cb.info.on_delete = a->loc;
		if (act < 0 || act == MG_FK_NO_ACTION) {
			diag_error(p->diags, &a->loc,
				   "MG_ON_DELETE(\"%s\"): the action must be \"cascade\", \"set "
				   "null\" or \"restrict\"",
				   a->arg);
			return;
		}
		if (!cb.has_ref) {
			diag_error(p->diags, &a->loc, "MG_ON_DELETE without MG_REFERENCES");
			return;
		}
		cb.on_delete = act;
	}
	cb.col.comment = doc_comment(p, field);
	tb->cols = grow(p->arena, tb->cols, tb->n_cols, &tb->cap_cols, sizeof(*tb->cols));
	tb->cols[tb->n_cols++] = cb;
}

/* ---- annotations that cannot make a table ------------------------------- */

/* "struct 'name'", or "an anonymous struct"; likewise for unions and enums. */
static const char *decl_desc(struct parser *p, CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	const char *what = k == CXCursor_UnionDecl  ? "union"
			   : k == CXCursor_EnumDecl ? "enum"
						    : "struct";
	const char *name = cx_strdup(p->scratch, clang_getCursorSpelling(c));

	if (!name[0])
		return mg_arena_printf(p->scratch, "an anonymous %s", what);
	return mg_arena_printf(p->scratch, "%s '%s'", what, name);
}

/* Whether the attribute `attr` is written inside the declaration `c`
 * rather than inherited from an earlier declaration of the same tag. */
static int attr_is_own(CXCursor c, CXCursor attr)
{
	CXSourceRange r = clang_getCursorExtent(c);
	CXFile f, fs, fe;
	unsigned off, start, end;

	clang_getExpansionLocation(clang_getCursorLocation(attr), &f, NULL, NULL, &off);
	clang_getExpansionLocation(clang_getRangeStart(r), &fs, NULL, NULL, &start);
	clang_getExpansionLocation(clang_getRangeEnd(r), &fe, NULL, NULL, &end);
	return f && clang_File_isEqual(f, fs) && clang_File_isEqual(f, fe) && off >= start &&
	       off <= end;
}

static enum CXChildVisitResult visit_own_ann(CXCursor c, CXCursor parent, CXClientData data)
{
	if (clang_getCursorKind(c) == CXCursor_AnnotateAttr && attr_is_own(parent, c))
		add_ann(data, c);
	return CXChildVisit_Continue;
}

/* Collects the annotations on the fields or enumerators of `parent`; the
 * structs declared inside it are checked on their own. */
static enum CXChildVisitResult visit_member_anns(CXCursor c, CXCursor parent, CXClientData data)
{
	enum CXCursorKind k = clang_getCursorKind(c);

	(void)parent;
	if (k == CXCursor_FieldDecl || k == CXCursor_EnumConstantDecl)
		clang_visitChildren(c, visit_field_child, data);
	return CXChildVisit_Continue;
}

/* MG_TABLE when there is one, else the first annotation. */
static const struct ann *main_ann(const struct ann_collect *ac)
{
	const struct ann *t = get_ann(ac->anns, ac->n, "table");

	return t ? t : ac->n ? &ac->anns[0] : NULL;
}

static void check_decl(struct parser *p, CXCursor c, const char *outer);

struct nest {
	struct parser *p;
	const char *outer; /* NULL: not described yet, see outer_decl */
	CXCursor outer_decl;
};

static enum CXChildVisitResult visit_nested(CXCursor c, CXCursor parent, CXClientData data)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	struct nest *n = data;

	(void)parent;
	if (k == CXCursor_StructDecl || k == CXCursor_UnionDecl || k == CXCursor_EnumDecl) {
		if (!n->outer)
			n->outer = decl_desc(n->p, n->outer_decl);
		check_decl(n->p, c, n->outer);
	}
	return CXChildVisit_Continue;
}

/* Checks the structs, unions and enums declared inside the struct or union
 * `c` (C gives them file scope, but only file-scope structs are read).
 * `outer` describes the file-scope struct or union they are in, which is
 * what a reader finds in the header; NULL when that is `c` (described only
 * when something is nested in it). */
static void check_nested(struct parser *p, CXCursor c, const char *outer)
{
	struct nest n = {p, outer, c};

	clang_visitChildren(c, visit_nested, &n);
}

/*
 * Refuses modelgen annotations on a declaration that read_struct never
 * reads as a table: a union or enum, a struct nested inside the struct or
 * union `outer` (a description, NULL at file scope), or a struct declared
 * without its fields. Without this the annotations would be dropped and the
 * table would silently not exist. Declarations nested in `c` are checked
 * too.
 */
static void check_decl(struct parser *p, CXCursor c, const char *outer)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	struct ann_collect ac = {0};
	const struct ann *a;
	const char *desc = decl_desc(p, c), *m;
	int member = 0;

	ac.p = p;
	if (!clang_isCursorDefinition(c)) {
		CXCursor def = clang_getCursorDefinition(c);

		/* Annotations inherited from an earlier declaration are that
		 * declaration's business; a later definition inherits these and
		 * is read or checked itself. */
		clang_visitChildren(c, visit_own_ann, &ac);
		if (!(a = main_ann(&ac)))
			return;
		if (strcmp(a->name, "foreign_table") == 0 && k == CXCursor_StructDecl && !outer &&
		    ac.n == 1) {
			/* MG_FOREIGN_TABLE("name"); */
			if (!a->arg || !a->arg[0] || strchr(a->arg, '\037')) {
				diag_error(p->diags, &a->loc,
					   "MG_FOREIGN_TABLE needs one non-empty string argument");
				return;
			}
			p->foreign = grow(p->scratch, p->foreign, p->n_foreign, &p->cap_foreign,
					  sizeof(*p->foreign));
			p->foreign[p->n_foreign++] = *a;
			return;
		}
		if (strcmp(a->name, "foreign_table") == 0) {
			diag_error(p->diags, &a->loc,
				   "MG_FOREIGN_TABLE is a declaration of its own at file scope: "
				   "MG_FOREIGN_TABLE(\"name\");");
			return;
		}
		m = macro_name(p, a->name);
		if (clang_Cursor_isNull(def)) {
			diag_error(p->diags, &a->loc,
				   "%s on %s, which is declared but not defined in this file: put "
				   "%s on its definition, the one with the fields",
				   m, desc, m);
		} else if (model_file_of(p, clang_getCursorLocation(def)) != (long)p->cur) {
			struct diag_loc dl = loc_of(p, clang_getCursorLocation(def));

			diag_error(p->diags, &a->loc,
				   "%s on %s, which is defined in another file (%s:%u): put %s on "
				   "its definition",
				   m, desc, dl.file, dl.line, m);
		}
		return;
	}

	clang_visitChildren(c, visit_field_child, &ac);
	if (!(a = main_ann(&ac))) {
		clang_visitChildren(c, visit_member_anns, &ac);
		a = main_ann(&ac);
		member = a != NULL;
	}
	if (a && strcmp(a->name, "table") == 0 && k != CXCursor_StructDecl) {
		diag_error(p->diags, &a->loc, "MG_TABLE on %s: only a struct can be a table", desc);
	} else if (a && strcmp(a->name, "table") == 0) {
		diag_error(p->diags, &a->loc,
			   "MG_TABLE on %s, which is nested inside %s: move it to file scope", desc,
			   outer);
	} else if (a) {
		diag_error(p->diags, &a->loc,
			   "%s on %s%s%s%s: only a file-scope struct with MG_TABLE and its fields "
			   "take modelgen annotations",
			   macro_name(p, a->name),
			   !member                  ? ""
			   : k == CXCursor_EnumDecl ? "an enumerator of "
						    : "a field of ",
			   desc, outer ? ", which is nested inside " : "", outer ? outer : "");
	}
	if (k != CXCursor_EnumDecl)
		check_nested(p, c, outer ? outer : desc);
}

/* Reads a struct definition from the model file; a table when MG_TABLE. */
static void read_struct(struct parser *p, CXCursor c)
{
	struct ann_collect ac = {0};
	struct table_build tb;
	const struct ann *table_ann;
	const char *struct_name;
	size_t i, bad = 0;

	ac.p = p;
	clang_visitChildren(c, visit_struct_child, &ac);
	check_nested(p, c, NULL);
	table_ann = get_ann(ac.anns, ac.n, "table");
	if (!table_ann) {
		/* Annotated fields in a struct that is not a table are almost
		 * certainly a forgotten MG_TABLE; say so rather than drop them. */
		struct ann_collect fc = {0};

		fc.p = p;
		for (i = 0; i < ac.n_fields && fc.n == 0; i++)
			clang_visitChildren(ac.fields[i], visit_field_child, &fc);
		if (ac.n || fc.n) {
			const struct ann *first = ac.n ? &ac.anns[0] : &fc.anns[0];
			CXString s = clang_getCursorSpelling(c);

			diag_error(p->diags, &first->loc,
				   "struct '%s' has modelgen annotations but no MG_TABLE",
				   clang_getCString(s));
			clang_disposeString(s);
		}
		return;
	}
	struct_name = cx_strdup(p->scratch, clang_getCursorSpelling(c));
	if (!struct_name[0])
		struct_name = "(anonymous)";
	memset(&tb, 0, sizeof(tb));
	for (i = 0; i < ac.n; i++)
		if (check_ann(p, &ac.anns[i], 1))
			bad++;
	bad += check_duplicates(p, ac.anns, ac.n, 1);
	tb.t.name = table_ann->arg;
	tb.loc = table_ann->loc;
	tb.renamed_loc = tb.loc;
	tb.t.comment = doc_comment(p, c);
	for (i = 0; i < ac.n; i++)
		if (strcmp(ac.anns[i].name, "renamed_from") == 0) {
			tb.t.renamed_from = ac.anns[i].arg;
			tb.renamed_loc = ac.anns[i].loc;
		}
	tb.anns = ac.anns;
	tb.n_anns = ac.n;
	/* Room for every field at once: grown by doubling, a thousand tables'
	 * columns left megabytes of abandoned arrays in the arena. */
	if (ac.n_fields) {
		tb.cols = mg_arena_calloc(p->arena, ac.n_fields, sizeof(*tb.cols));
		tb.cap_cols = ac.n_fields;
	}
	for (i = 0; i < ac.n_fields; i++)
		read_field(p, &tb, ac.fields[i], struct_name);
	if (bad || !table_ann->arg)
		return;
	p->tables = grow(p->scratch, p->tables, p->n_tables, &p->cap_tables, sizeof(*p->tables));
	p->tables[p->n_tables++] = tb;
}

/* Reads the file-scope declarations of the model files. */
static enum CXChildVisitResult visit_top(CXCursor c, CXCursor parent, CXClientData data)
{
	struct parser *p = data;
	enum CXCursorKind k = clang_getCursorKind(c);
	long i;

	(void)parent;
	if ((i = model_file_of(p, clang_getCursorLocation(c))) < 0)
		return CXChildVisit_Continue;
	p->cur = (size_t)i;
	p->file = p->file_names[i];
	if (k == CXCursor_StructDecl && clang_isCursorDefinition(c))
		read_struct(data, c);
	else if (k == CXCursor_StructDecl || k == CXCursor_UnionDecl || k == CXCursor_EnumDecl)
		check_decl(data, c, NULL);
	return CXChildVisit_Continue;
}

/* ---- finishing the model ------------------------------------------------ */

static int cmp_index_build(const void *a, const void *b)
{
	const struct index_build *x = a, *y = b;
	int c = strcmp(x->ix.name, y->ix.name);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_fk(const void *a, const void *b)
{
	const struct mg_foreign_key *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static void add_index(struct parser *p, struct index_build **v, size_t *n, size_t *cap,
		      const char *table, int unique, struct col_list cols, struct diag_loc loc)
{
	struct index_build ib;

	memset(&ib, 0, sizeof(ib));
	ib.ix.name = parse_derived_name(p->arena, unique ? "uq" : "ix", table, cols.n, cols.names);
	ib.ix.unique = unique;
	ib.ix.n_columns = cols.n;
	ib.ix.columns = cols.names;
	ib.loc = loc;
	ib.seq = *n;
	*v = grow(p->scratch, *v, *n, cap, sizeof(**v));
	(*v)[(*n)++] = ib;
}

/*
 * Applies the table's MG_NAME("derived", "name") annotations: the index or
 * foreign key whose derived name is `derived` takes `name`, and so does the
 * primary key of `t` for pk_<table> (t->primary_key_name). Returns 0, or -1
 * after errors (an unknown derived name, one named twice, a name that is
 * not usable). Schema-wide uniqueness is model_validate's.
 */
/*
 * The derived name `derived` had under the table's old name `from`, as the
 * table `to` derives it now (pk_, ix_, uq_ or fk_, then the table's name),
 * when that is one of its derived names; NULL otherwise. For the hint
 * after a rename: MG_NAME takes the derived name, which the rename changed.
 */
static const char *renamed_derived(struct parser *p, const char *derived, const char *from,
				   const char *to, const char *pk_derived, const char **ix_derived,
				   size_t n_ix, const char **fk_derived, size_t n_fk)
{
	size_t n = from ? strlen(from) : 0, k;
	const char *now;

	if (!from || strlen(derived) < 3 + n || derived[2] != '_' ||
	    strncmp(derived + 3, from, n) != 0 || (derived[3 + n] && derived[3 + n] != '_'))
		return NULL;
	now = mg_arena_printf(p->scratch, "%.3s%s%s", derived, to, derived + 3 + n);
	if (pk_derived && strcmp(pk_derived, now) == 0)
		return now;
	for (k = 0; k < n_ix; k++)
		if (strcmp(ix_derived[k], now) == 0)
			return now;
	for (k = 0; k < n_fk; k++)
		if (strcmp(fk_derived[k], now) == 0)
			return now;
	return NULL;
}

static int apply_names(struct parser *p, const struct table_build *tb, struct mg_table *t,
		       struct index_build *ixs, size_t n_ix, struct mg_foreign_key *fks,
		       size_t n_fk)
{
	const char *pk_derived =
		t->n_primary_key ? mg_arena_printf(p->scratch, "pk_%s", t->name) : NULL;
	/* The derived names, kept: MG_NAME never matches a name another
	 * MG_NAME gave. */
	const char **ix_derived = mg_arena_calloc(p->scratch, n_ix + 1, sizeof(*ix_derived));
	const char **fk_derived = mg_arena_calloc(p->scratch, n_fk + 1, sizeof(*fk_derived));
	size_t i, j, k;
	int rc = 0;

	for (k = 0; k < n_ix; k++)
		ix_derived[k] = ixs[k].ix.name;
	for (k = 0; k < n_fk; k++)
		fk_derived[k] = fks[k].name;
	for (i = 0; i < tb->n_anns; i++) {
		const struct ann *a = &tb->anns[i];
		const char *sep, *derived, *name;
		int found = 0;

		if (strcmp(a->name, "name") != 0)
			continue;
		sep = strchr(a->arg, '\037');
		derived = mg_arena_strndup(p->scratch, a->arg, (size_t)(sep - a->arg));
		name = sep + 1;
		for (j = 0; j < i; j++)
			if (strcmp(tb->anns[j].name, "name") == 0 &&
			    strncmp(tb->anns[j].arg, a->arg, (size_t)(sep - a->arg) + 1) == 0)
				break;
		if (j < i) {
			diag_error(p->diags, &a->loc,
				   "MG_NAME(\"%s\", ...) given twice for one name", derived);
			rc = -1;
			continue;
		}
		if (strcmp(derived, name) == 0) {
			diag_error(p->diags, &a->loc,
				   "MG_NAME(\"%s\", \"%s\") repeats the derived name; remove it",
				   derived, name);
			rc = -1;
			continue;
		}
		if (strlen(name) > NAME_MAX_BYTES || !mg_sql_ident_valid(name)) {
			diag_error(p->diags, &a->loc,
				   "MG_NAME(\"%s\", \"%s\"): the name is not an identifier of at "
				   "most 63 bytes (letters, digits and '_', not starting with a "
				   "digit)",
				   derived, name);
			rc = -1;
			continue;
		}
		if (strncasecmp(name, "modelgen_", 9) == 0 ||
		    strncasecmp(name, "sqlite_", 7) == 0) {
			diag_error(p->diags, &a->loc,
				   "MG_NAME(\"%s\", \"%s\"): names starting with '%.*s' are "
				   "reserved",
				   derived, name, name[0] == 'm' || name[0] == 'M' ? 9 : 7, name);
			rc = -1;
			continue;
		}
		if (pk_derived && strcmp(pk_derived, derived) == 0) {
			t->primary_key_name = name;
			found = 1;
		}
		for (k = 0; k < n_ix && !found; k++)
			if (strcmp(ix_derived[k], derived) == 0) {
				ixs[k].ix.name = name;
				found = 1;
			}
		for (k = 0; k < n_fk && !found; k++)
			if (strcmp(fk_derived[k], derived) == 0) {
				fks[k].name = name;
				found = 1;
			}
		if (!found) {
			const char *now =
				renamed_derived(p, derived, t->renamed_from, t->name, pk_derived,
						ix_derived, n_ix, fk_derived, n_fk);

			if (now)
				diag_error(p->diags, &a->loc,
					   "MG_NAME(\"%s\", ...): table '%s' is renamed from '%s', "
					   "so the derived name is now '%s': write MG_NAME(\"%s\", "
					   "\"%s\") to keep the name",
					   derived, t->name, t->renamed_from, now, now, name);
			else
				diag_error(p->diags, &a->loc,
					   "MG_NAME(\"%s\", ...): table '%s' has no primary key, "
					   "index, unique or foreign key named '%s' (MG_NAME takes "
					   "the derived name: pk_ and table, or ix_, uq_ or fk_, "
					   "table, columns)",
					   derived, tb->t.name, derived);
			rc = -1;
		}
	}
	return rc;
}

/*
 * Turns a struct read from the headers into the table `t` and its
 * locations. Returns -1 after errors that leave no usable table.
 */
static int finish_table(struct parser *p, struct table_build *tb, struct mg_table *t,
			struct model_table_info *info)
{
	struct mg_column *cols;
	struct index_build *ixs = NULL;
	struct mg_foreign_key *fks;
	struct mg_index *indexes;
	size_t n_ix = 0, cap_ix = 0, n_fk = 0, i, n_pk_fields = 0;
	const struct ann *pk_on = get_ann(tb->anns, tb->n_anns, "primary_key_on");
	struct col_list pk = {0, NULL};
	int rc = 0;

	*t = tb->t;
	info->loc = tb->loc;
	info->renamed_from = tb->renamed_loc;
	info->primary_key = tb->loc;
	cols = mg_arena_calloc(p->arena, tb->n_cols + 1, sizeof(*cols));
	info->column_locs = mg_arena_calloc(p->arena, tb->n_cols + 1, sizeof(*info->column_locs));
	info->columns = mg_arena_calloc(p->arena, tb->n_cols + 1, sizeof(*info->columns));
	for (i = 0; i < tb->n_cols; i++) {
		cols[i] = tb->cols[i].col;
		info->column_locs[i] = tb->cols[i].loc;
		info->columns[i] = tb->cols[i].info;
		if (tb->cols[i].pk)
			n_pk_fields++;
	}
	t->columns = cols;
	t->n_columns = tb->n_cols;

	/* Primary key: MG_PRIMARY_KEY_ON, or the MG_PRIMARY_KEY fields in
	 * declaration order. */
	if (pk_on) {
		info->primary_key = pk_on->loc;
		if (n_pk_fields) {
			diag_error(p->diags, &pk_on->loc,
				   "MG_PRIMARY_KEY_ON and MG_PRIMARY_KEY on a field of the same "
				   "struct; use one");
			rc = -1;
		}
		if (split_list(p, pk_on->arg, &pk)) {
			diag_error(p->diags, &pk_on->loc,
				   "MG_PRIMARY_KEY_ON(\"%s\"): malformed column list (expected "
				   "\"a, b\")",
				   pk_on->arg);
			rc = -1;
		}
	} else if (n_pk_fields) {
		size_t cap = 0;

		for (i = 0; i < tb->n_cols; i++)
			if (tb->cols[i].pk) {
				if (!pk.n)
					info->primary_key = tb->cols[i].pk_loc;
				pk.names = grow(p->arena, pk.names, pk.n, &cap, sizeof(*pk.names));
				pk.names[pk.n++] = cols[i].name;
			}
	}
	t->n_primary_key = pk.n;
	t->primary_key = pk.names;
	if (pk.n == 1) {
		for (i = 0; i < tb->n_cols; i++)
			if (strcmp(cols[i].name, pk.names[0]) == 0 &&
			    (cols[i].type == MG_COL_SMALLINT || cols[i].type == MG_COL_INTEGER ||
			     cols[i].type == MG_COL_BIGINT))
				cols[i].identity = 1;
	}

	/* Indexes and unique constraints, column-level then struct-level. */
	for (i = 0; i < tb->n_cols; i++) {
		struct col_list one;

		one.n = 1;
		one.names = mg_arena_calloc(p->arena, 1, sizeof(*one.names));
		one.names[0] = cols[i].name;
		if (tb->cols[i].index)
			add_index(p, &ixs, &n_ix, &cap_ix, t->name, 0, one, tb->cols[i].index_loc);
		if (tb->cols[i].unique)
			add_index(p, &ixs, &n_ix, &cap_ix, t->name, 1, one, tb->cols[i].unique_loc);
	}
	for (i = 0; i < tb->n_anns; i++) {
		const struct ann *a = &tb->anns[i];
		int unique = strcmp(a->name, "unique_on") == 0;
		struct col_list list;

		if (!unique && strcmp(a->name, "index_on") != 0)
			continue;
		if (split_list(p, a->arg, &list)) {
			diag_error(p->diags, &a->loc,
				   "%s(\"%s\"): malformed column list (expected \"a, b\")",
				   macro_name(p, a->name), a->arg);
			rc = -1;
			continue;
		}
		add_index(p, &ixs, &n_ix, &cap_ix, t->name, unique, list, a->loc);
	}
	fks = mg_arena_calloc(p->arena, tb->n_cols + 1, sizeof(*fks));
	for (i = 0; i < tb->n_cols; i++) {
		struct mg_foreign_key *fk;

		if (!tb->cols[i].has_ref)
			continue;
		fk = &fks[n_fk++];
		fk->name = parse_derived_name(p->arena, "fk", t->name, 1, &cols[i].name);
		fk->column = cols[i].name;
		fk->ref_table = tb->cols[i].ref_table;
		fk->ref_column = tb->cols[i].ref_column;
		fk->on_delete = tb->cols[i].on_delete < 0
					? MG_FK_NO_ACTION
					: (enum mg_fk_action)tb->cols[i].on_delete;
	}
	if (apply_names(p, tb, t, ixs, n_ix, fks, n_fk))
		rc = -1;
	if (n_ix)
		qsort(ixs, n_ix, sizeof(*ixs), cmp_index_build);
	indexes = mg_arena_calloc(p->arena, n_ix + 1, sizeof(*indexes));
	info->index_locs = mg_arena_calloc(p->arena, n_ix + 1, sizeof(*info->index_locs));
	for (i = 0; i < n_ix; i++) {
		indexes[i] = ixs[i].ix;
		info->index_locs[i] = ixs[i].loc;
	}
	t->indexes = indexes;
	t->n_indexes = n_ix;

	if (n_fk)
		qsort(fks, n_fk, sizeof(*fks), cmp_fk);
	t->foreign_keys = fks;
	t->n_foreign_keys = n_fk;
	return rc;
}

static int cmp_table_order(const void *a, const void *b)
{
	const struct table_build *x = a, *y = b;
	int c = strcmp(x->t.name, y->t.name);

	if (c)
		return c;
	c = strcmp(x->loc.file, y->loc.file);
	if (c)
		return c;
	return x->loc.line < y->loc.line ? -1 : x->loc.line > y->loc.line;
}

/* ---- files and clang ---------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A directory already walked, by identity, so that a symbolic link back up
 * the tree is read once, not forever. */
struct seen_dir {
	dev_t dev;
	ino_t ino;
};

struct walk {
	struct parser *p;
	const char **paths;
	size_t n, cap;
	struct seen_dir *seen;
	size_t n_seen, cap_seen;
};

static int seen_before(struct walk *w, const struct stat *st)
{
	size_t i;

	for (i = 0; i < w->n_seen; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return 1;
	w->seen = grow(w->p->scratch, w->seen, w->n_seen, &w->cap_seen, sizeof(*w->seen));
	w->seen[w->n_seen].dev = st->st_dev;
	w->seen[w->n_seen++].ino = st->st_ino;
	return 0;
}

/*
 * Adds the *.h files under `dir` (given as `dir`, without a trailing slash)
 * to the walk, descending into subdirectories; names starting with '.' are
 * skipped. Returns 0, or -1 after reporting a directory that cannot be read.
 */
static int walk_dir(struct walk *w, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	int rc = 0;

	if (!d || fstat(dirfd(d), &st) != 0) {
		diag_error(w->p->diags, NULL, "cannot open models directory '%s': %s", dir,
			   strerror(errno));
		if (d)
			closedir(d);
		return -1;
	}
	if (seen_before(w, &st)) {
		closedir(d);
		return 0;
	}
	while ((e = readdir(d)) && rc == 0) {
		size_t len = strlen(e->d_name);
		const char *path;

		if (e->d_name[0] == '.')
			continue;
		path = mg_arena_printf(w->p->arena, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = walk_dir(w, path);
		} else if (S_ISREG(st.st_mode) && len >= 3 &&
			   strcmp(e->d_name + len - 2, ".h") == 0) {
			w->paths = grow(w->p->arena, w->paths, w->n, &w->cap, sizeof(*w->paths));
			w->paths[w->n++] = path;
		}
	}
	closedir(d);
	return rc;
}

/*
 * Lists the *.h files under every models directory, subdirectories
 * included, sorted by path, so that moving a header between folders changes
 * nothing but its path. A directory reached twice (overlapping -M, a
 * symbolic link) is read once.
 */
static int list_models(struct parser *p, const struct parse_options *opts, struct model *m)
{
	struct walk w;
	size_t i, n_dirs = opts->n_models_dirs ? opts->n_models_dirs : 1;

	memset(&w, 0, sizeof(w));
	w.p = p;
	for (i = 0; i < n_dirs; i++) {
		const char *dir = opts->n_models_dirs ? opts->models_dirs[i] : "models";
		size_t dlen = strlen(dir);

		while (dlen > 1 && dir[dlen - 1] == '/')
			dlen--;
		if (walk_dir(&w, mg_arena_strndup(p->scratch, dir, dlen)) != 0)
			return -1;
	}
	if (w.n)
		qsort(w.paths, w.n, sizeof(*w.paths), cmp_str);
	m->sources = w.paths;
	m->n_sources = w.n;
	return 0;
}

static int has_model_h(const char *dir)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/modelgen/model.h", dir);

	return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

/* The directory that holds <modelgen/model.h>: next to the program for an
 * install (<exe_dir>/../include), else the source tree it was built from,
 * else the install prefix it was configured for. */
static const char *find_include_dir(struct parser *p)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		char *slash;
		const char *dir;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			dir = mg_arena_printf(p->scratch, "%s/../include", exe);
			if (has_model_h(dir))
				return dir;
		}
	}
	if (has_model_h(MG_BUILD_INCLUDE_DIR))
		return MG_BUILD_INCLUDE_DIR;
	return MG_INSTALL_INCLUDE_DIR;
}

static int seen_error(const struct diag_list *diags, const struct diag_loc *loc, const char *text)
{
	size_t i;

	for (i = 0; i < diags->n_items; i++) {
		const struct diag_item *it = &diags->items[i];

		if ((it->loc.file == NULL) != (loc == NULL))
			continue;
		if (loc && (strcmp(it->loc.file, loc->file) != 0 || it->loc.line != loc->line ||
			    it->loc.column != loc->column))
			continue;
		if (strncmp(it->text, text, strlen(text)) == 0)
			return 1;
	}
	return 0;
}

/*
 * Clang drops an attribute written on a declaration after the tag's
 * definition, with only a warning ("attribute declaration must precede
 * definition"); on an MG_* annotation that silently loses a table, so this
 * reports it as an error when `d` is that warning on an MG_* macro.
 */
static void dropped_annotation(struct parser *p, CXTranslationUnit tu, CXDiagnostic d)
{
	CXSourceLocation sl = clang_getDiagnosticLocation(d);
	CXString text = clang_getDiagnosticSpelling(d);
	int match = strcmp(clang_getCString(text),
			   "attribute declaration must precede definition") == 0;
	const char *name = NULL;
	struct diag_loc loc, def = {NULL, 0, 0};
	CXDiagnosticSet notes;
	CXToken *tok;
	CXFile f;
	unsigned line, col, i;

	clang_disposeString(text);
	clang_getExpansionLocation(sl, &f, &line, &col, NULL);
	if (!match || !f)
		return;
	/* The warning points into the macro's definition; where the macro is
	 * used is its name, in the model file. */
	if (model_file(p, f) < 0)
		return;
	sl = clang_getLocation(tu, f, line, col);
	tok = clang_getToken(tu, sl);
	if (tok) {
		name = cx_strdup(p->scratch, clang_getTokenSpelling(tu, *tok));
		clang_disposeTokens(tu, tok, 1);
	}
	if (!name || strncmp(name, "MG_", 3) != 0)
		return;
	notes = clang_getChildDiagnostics(d);
	for (i = 0; i < clang_getNumDiagnosticsInSet(notes) && !def.line; i++) {
		CXDiagnostic note = clang_getDiagnosticInSet(notes, i);
		CXString nt = clang_getDiagnosticSpelling(note);

		/* The other notes say which macros the warning came through. */
		if (strncmp(clang_getCString(nt), "previous definition", 19) == 0)
			def = loc_of(p, clang_getDiagnosticLocation(note));
		clang_disposeString(nt);
		clang_disposeDiagnostic(note);
	}
	loc = loc_of(p, sl);
	if (def.line)
		diag_error(p->diags, &loc,
			   "%s after the definition (%s:%u) is dropped by the compiler: put it on "
			   "the definition",
			   name, def.file, def.line);
	else
		diag_error(p->diags, &loc,
			   "%s after the definition is dropped by the compiler: put it on the "
			   "definition",
			   name);
}

/* What to add to clang's "'x.h' file not found": where include paths can
 * come from. "" for other errors. */
static const char *not_found_hint(struct parser *p, const char *text)
{
	if (!strstr(text, "' file not found"))
		return "";
	if (strstr(text, "'stddef.h' file not found") || strstr(text, "'stdbool.h' file not found"))
		return " (clang's resource directory was not found; pass -- -resource-dir "
		       "\"$(clang -print-resource-dir)\")";
	if (p->compile_commands)
		return mg_arena_printf(p->scratch,
				       " (include directories came from %s; add others with "
				       "`-- -I DIR`)",
				       p->compile_commands);
	return " (no compile_commands.json found in ., build/ or cmake-build-*/: point -p at "
	       "the build directory that has one, or add include directories with `-- -I DIR`)";
}

/* Copies clang's errors for one translation unit into `diags`; returns how
 * many there were. */
static size_t clang_errors(struct parser *p, CXTranslationUnit tu)
{
	unsigned i, n = clang_getNumDiagnostics(tu);
	size_t errors = 0;

	for (i = 0; i < n; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);
		enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);

		if (sev >= CXDiagnostic_Error) {
			CXSourceLocation sl = clang_getDiagnosticLocation(d);
			CXString text = clang_getDiagnosticSpelling(d);
			const char *t = clang_getCString(text);
			struct diag_loc loc = loc_of(p, sl);
			CXFile f;

			clang_getExpansionLocation(sl, &f, NULL, NULL, NULL);
			errors++;
			/* A header included by two model files reports its errors
			 * in both translation units: print them once. */
			if (seen_error(p->diags, f ? &loc : NULL, t)) {
				clang_disposeString(text);
				clang_disposeDiagnostic(d);
				continue;
			}
			diag_error(p->diags, f ? &loc : NULL, "%s%s", t, not_found_hint(p, t));
			clang_disposeString(text);
		} else if (sev == CXDiagnostic_Warning) {
			dropped_annotation(p, tu, d);
		}
		clang_disposeDiagnostic(d);
	}
	return errors;
}

/* Splits a compile command line into words: whitespace separates,
 * quotes group, a backslash escapes the next character. */
static size_t split_command(struct parser *p, const char *cmd, const char ***out)
{
	const char **words = NULL;
	size_t n = 0, cap = 0;
	struct mg_strbuf w = {0};

	while (*cmd) {
		int in_word = 0;
		char quote = 0;

		while (*cmd == ' ' || *cmd == '\t' || *cmd == '\n')
			cmd++;
		mg_strbuf_clear(&w);
		for (; *cmd; cmd++) {
			if (!quote && (*cmd == ' ' || *cmd == '\t' || *cmd == '\n'))
				break;
			in_word = 1;
			if (*cmd == '\\' && cmd[1] && quote != '\'') {
				mg_strbuf_putc(&w, *++cmd);
			} else if (quote && *cmd == quote) {
				quote = 0;
			} else if (!quote && (*cmd == '"' || *cmd == '\'')) {
				quote = *cmd;
			} else {
				mg_strbuf_putc(&w, *cmd);
			}
		}
		if (in_word) {
			words = grow(p->scratch, words, n, &cap, sizeof(*words));
			words[n++] = mg_arena_strdup(p->scratch, mg_strbuf_cstr(&w));
		}
	}
	mg_strbuf_free(&w);
	*out = words;
	return n;
}

/* 1 when `path` is a readable file. */
static int readable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* The first DIR/PREFIX.../compile_commands.json in name order, or NULL. */
static const char *first_in_subdirs(struct parser *p, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	const char **found = NULL;
	size_t n = 0, cap = 0, plen = strlen(prefix);
	struct dirent *e;

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		const char *path;

		if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, plen) != 0)
			continue;
		path = mg_arena_printf(p->scratch, "%s/%s/compile_commands.json", dir, e->d_name);
		if (!readable(path))
			continue;
		found = grow(p->scratch, found, n, &cap, sizeof(*found));
		found[n++] = path;
	}
	closedir(d);
	if (!n)
		return NULL;
	qsort(found, n, sizeof(*found), cmp_str);
	return found[0];
}

/*
 * The compile_commands.json to take include paths from: -p's (a build
 * directory or the file itself), else the first of the project root's own,
 * build/'s, one in a folder of build/ (a multi-configuration tree), in a
 * cmake-build-X folder (CLion) and in a folder of out/build (Visual
 * Studio). The project root is the current directory, then the parent of
 * the first models directory when that is elsewhere (so
 * `modelgen -M ../app/models` finds ../app's build). Returns NULL when there
 * is none, or -1 in *bad after reporting a -p that names nothing.
 */
static const char *find_compile_commands(struct parser *p, const struct parse_options *opts,
					 int *bad)
{
	const char *roots[2] = {".", NULL};
	size_t i, n_roots = 1;

	*bad = 0;
	if (opts->compile_commands_dir) {
		const char *dir = opts->compile_commands_dir;
		const char *path = mg_arena_printf(p->scratch, "%s/compile_commands.json", dir);

		if (readable(path))
			return path;
		if (readable(dir))
			return dir;
		diag_error(p->diags, NULL, "-p %s: no compile_commands.json there", dir);
		*bad = -1;
		return NULL;
	}
	if (opts->n_models_dirs) {
		const char *slash = strrchr(opts->models_dirs[0], '/');

		if (slash && slash != opts->models_dirs[0])
			roots[n_roots++] = mg_arena_strndup(p->scratch, opts->models_dirs[0],
							    (size_t)(slash - opts->models_dirs[0]));
	}
	for (i = 0; i < n_roots; i++) {
		const char *r = roots[i], *path;
		const char *build = mg_arena_printf(p->scratch, "%s/build", r);

		if (readable(path = mg_arena_printf(p->scratch, "%s/compile_commands.json", r)) ||
		    readable(path = mg_arena_printf(p->scratch, "%s/compile_commands.json",
						    build)) ||
		    (path = first_in_subdirs(p, build, "")) ||
		    (path = first_in_subdirs(p, r, "cmake-build-")) ||
		    (path = first_in_subdirs(p, mg_arena_printf(p->scratch, "%s/out/build", r),
					     "")))
			return strncmp(path, "./", 2) == 0 ? path + 2 : path;
	}
	return NULL;
}

/*
 * Include paths from `file` (a compile_commands.json, as CMake's
 * CMAKE_EXPORT_COMPILE_COMMANDS writes it): every -I, -isystem and -iquote
 * of every entry, made absolute against the entry's directory, first
 * occurrence kept. Only include paths: defines and other flags belong to
 * the application's own build, not to its models. An unreadable file adds
 * nothing.
 */
static void compile_command_includes(struct parser *p, const char *file, const char ***args,
				     size_t *n_args, size_t *cap)
{
	json_t *root = json_load_file(file, 0, NULL);
	size_t i, j, k;

	if (!json_is_array(root))
		goto done;
	for (i = 0; i < json_array_size(root); i++) {
		json_t *e = json_array_get(root, i);
		const char *dir = json_string_value(json_object_get(e, "directory"));
		json_t *arguments = json_object_get(e, "arguments");
		const char **words = NULL;
		size_t n = 0;

		if (json_is_array(arguments)) {
			n = json_array_size(arguments);
			words = mg_arena_calloc(p->scratch, n + 1, sizeof(*words));
			for (j = 0; j < n; j++) {
				const char *w = json_string_value(json_array_get(arguments, j));
				words[j] = w ? w : "";
			}
		} else if (json_is_string(json_object_get(e, "command"))) {
			n = split_command(p, json_string_value(json_object_get(e, "command")),
					  &words);
		}
		for (j = 0; j < n; j++) {
			static const char *const flags[] = {"-isystem", "-iquote", "-I"};
			const char *flag = NULL, *path = NULL;
			int dup = 0;

			for (k = 0; k < 3 && !flag; k++) {
				size_t fl = strlen(flags[k]);

				if (strncmp(words[j], flags[k], fl) != 0)
					continue;
				flag = flags[k];
				if (words[j][fl])
					path = words[j] + fl;
				else if (j + 1 < n)
					path = words[++j];
			}
			if (!flag || !path || !path[0])
				continue;
			if (path[0] != '/' && dir)
				path = mg_arena_printf(p->scratch, "%s/%s", dir, path);
			for (k = 0; k + 1 < *n_args && !dup; k++)
				dup = strcmp((*args)[k], flag) == 0 &&
				      strcmp((*args)[k + 1], path) == 0;
			if (dup)
				continue;
			*args = grow(p->scratch, *args, *n_args, cap, sizeof(**args));
			(*args)[(*n_args)++] = flag;
			*args = grow(p->scratch, *args, *n_args, cap, sizeof(**args));
			(*args)[(*n_args)++] = path;
		}
	}
done:
	json_decref(root);
}

static int cmp_ann_arg(const void *a, const void *b)
{
	return strcmp(((const struct ann *)a)->arg, ((const struct ann *)b)->arg);
}

/* The MG_FOREIGN_TABLE names into `m`, sorted, after the checks of
 * model.h: no control character, not modelgen's, given once, not a model
 * table (ignoring case, as SQLite compares names). */
static void finish_foreign(struct parser *p, struct model *m)
{
	size_t i, k = 0;

	if (p->n_foreign)
		qsort(p->foreign, p->n_foreign, sizeof(*p->foreign), cmp_ann_arg);
	m->foreign_tables = mg_arena_calloc(p->arena, p->n_foreign + 1, sizeof(char *));
	for (i = 0; i < p->n_foreign; i++) {
		const struct ann *a = &p->foreign[i];
		const unsigned char *c;
		size_t j;

		for (c = (const unsigned char *)a->arg; *c && *c >= 0x20 && *c != 0x7f; c++)
			;
		if (*c || !model_utf8_valid(a->arg)) {
			diag_error(p->diags, &a->loc,
				   "MG_FOREIGN_TABLE: the name holds a control character or is not "
				   "valid UTF-8");
			continue;
		}
		if (strncmp(a->arg, "modelgen_", 9) == 0) {
			diag_error(p->diags, &a->loc,
				   "MG_FOREIGN_TABLE(\"%s\"): names starting with 'modelgen_' are "
				   "modelgen's own",
				   a->arg);
			continue;
		}
		if (i && strcmp(p->foreign[i - 1].arg, a->arg) == 0) {
			diag_error(p->diags, &a->loc, "MG_FOREIGN_TABLE(\"%s\") is also at %s:%u",
				   a->arg, p->foreign[i - 1].loc.file, p->foreign[i - 1].loc.line);
			continue;
		}
		for (j = 0; j < m->schema.n_tables; j++)
			if (strcasecmp(m->schema.tables[j].name, a->arg) == 0)
				break;
		if (j < m->schema.n_tables) {
			diag_error(p->diags, &a->loc,
				   "MG_FOREIGN_TABLE(\"%s\"): table '%s' is a model table (%s:%u)",
				   a->arg, m->schema.tables[j].name, m->info[j].loc.file,
				   m->info[j].loc.line);
			continue;
		}
		m->foreign_tables[k++] = mg_arena_strdup(p->arena, a->arg);
	}
	m->n_foreign_tables = k;
}

enum { PARSE_OPTIONS = CXTranslationUnit_SkipFunctionBodies | CXTranslationUnit_KeepGoing };

/* Parses model file `file` as its own translation unit into p's tables,
 * with its errors in the diagnostics. */
static void parse_alone(struct parser *p, CXIndex index, const char *const *args, int n_args,
			const char *file)
{
	CXTranslationUnit tu = NULL;
	enum CXErrorCode ec;
	CXFile cx = NULL;

	p->file = file;
	ec = clang_parseTranslationUnit2(index, file, args, n_args, NULL, 0, PARSE_OPTIONS, &tu);
	if (ec == CXError_Success && tu && !(cx = clang_getFile(tu, file)))
		ec = CXError_Failure;
	if (ec != CXError_Success || !tu) {
		struct diag_loc loc = {file, 0, 0};

		diag_error(p->diags, &loc, "the C parser could not read this file (code %d)",
			   (int)ec);
	} else {
		struct line_table lines = {NULL, 0, 0, 0};

		p->n_files = 1;
		p->cx_files = &cx;
		p->file_names = &p->file;
		p->cur = 0;
		p->tu = tu;
		p->lines = &lines;
		/* Invalid declarations stay in the AST typed as int: a file
		 * with any error contributes nothing. */
		if (clang_errors(p, tu) == 0)
			clang_visitChildren(clang_getTranslationUnitCursor(tu), visit_top, p);
		p->n_files = 0;
		p->tu = NULL;
		p->lines = NULL;
	}
	if (tu)
		clang_disposeTranslationUnit(tu);
}

/*
 * Parses the model files as one translation unit that includes each in
 * turn, into p's tables. Returns 0, or 1 without adding anything when that
 * cannot be done or has an error (which parse_alone then reports file by
 * file, each as the file has it alone).
 */
static int parse_together(struct parser *p, CXIndex index, const char *const *args, int n_args,
			  const struct model *m)
{
	static const char main_name[] = "modelgen-models.c";
	struct mg_strbuf text = {0};
	struct CXUnsavedFile unsaved;
	CXTranslationUnit tu = NULL;
	CXFile *files;
	unsigned i, n;
	int rc = 1;

	if (m->n_sources < 2)
		return 1;
	for (i = 0; i < m->n_sources; i++) {
		if (strpbrk(m->sources[i], "\"\\\n"))
			goto done;
		mg_strbuf_printf(&text, "#include \"%s\"\n", m->sources[i]);
	}
	unsaved.Filename = main_name;
	unsaved.Contents = mg_strbuf_cstr(&text);
	unsaved.Length = (unsigned long)text.len;
	if (clang_parseTranslationUnit2(index, main_name, args, n_args, &unsaved, 1, PARSE_OPTIONS,
					&tu) != CXError_Success ||
	    !tu)
		goto done;
	n = clang_getNumDiagnostics(tu);
	for (i = 0; i < n; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);
		int error = clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error;

		clang_disposeDiagnostic(d);
		if (error)
			goto done;
	}
	files = mg_arena_calloc(p->scratch, m->n_sources, sizeof(*files));
	for (i = 0; i < m->n_sources; i++)
		if (!(files[i] = clang_getFile(tu, m->sources[i])))
			goto done;
	p->n_files = m->n_sources;
	p->cx_files = files;
	p->file_names = m->sources;
	p->cur = 0;
	p->tu = tu;
	p->lines = mg_arena_calloc(p->scratch, m->n_sources, sizeof(*p->lines));
	p->file = m->sources[0];
	clang_errors(p, tu); /* the warnings: there is no error */
	clang_visitChildren(clang_getTranslationUnitCursor(tu), visit_top, p);
	p->n_files = 0;
	p->tu = NULL;
	p->lines = NULL;
	rc = 0;
done:
	if (tu)
		clang_disposeTranslationUnit(tu);
	mg_strbuf_free(&text);
	return rc;
}

/*
 * Parses every model header and builds the validated model. Returns 0 with
 * `*out` (free with model_free), or -1 with errors in `diags` and `*out` NULL.
 */
int parse_models(struct model **out, const struct parse_options *opts, struct diag_list *diags)
{
	struct parser p;
	struct model *m = NULL;
	CXIndex index = NULL;
	const char **args = NULL;
	size_t n_args = 0, cap_args, i, errors_before = diags->n_errors;
	struct mg_table *tables;
	int rc = -1, bad_p;

	*out = NULL;
	{
		char why[512];

		if (libclang_load(why, sizeof(why))) {
			diag_error(diags, NULL, "%s", why);
			return -1;
		}
	}
	memset(&p, 0, sizeof(p));
	p.arena = mg_arena_new();
	p.scratch = mg_arena_new();
	p.diags = diags;
	m = mg_arena_alloc(p.arena, sizeof(*m));
	m->arena = p.arena;
	if (list_models(&p, opts, m))
		goto done;

	cap_args = opts->n_clang_args + 16;
	args = mg_arena_calloc(p.scratch, cap_args, sizeof(*args));
	args[n_args++] = "-x";
	args[n_args++] = "c";
	args[n_args++] = "-std=c11";
	args[n_args++] = "-DMODELGEN";
	args[n_args++] = "-I";
	args[n_args++] = opts->include_dir ? opts->include_dir : find_include_dir(&p);
	if (MG_CLANG_RESOURCE_DIR[0]) {
		args[n_args++] = "-resource-dir";
		args[n_args++] = MG_CLANG_RESOURCE_DIR;
	}
	for (i = 0; i < opts->n_clang_args; i++)
		args[n_args++] = opts->clang_args[i];
	/* After the user's own arguments, so that those win. */
	p.compile_commands = find_compile_commands(&p, opts, &bad_p);
	if (bad_p)
		goto done;
	if (p.compile_commands)
		compile_command_includes(&p, p.compile_commands, &args, &n_args, &cap_args);

	index = clang_createIndex(0, 0);
	if (parse_together(&p, index, args, (int)n_args, m) != 0)
		for (i = 0; i < m->n_sources; i++)
			parse_alone(&p, index, args, (int)n_args, m->sources[i]);
	if (diags->n_errors > errors_before)
		goto done;

	if (p.n_tables)
		qsort(p.tables, p.n_tables, sizeof(*p.tables), cmp_table_order);
	tables = mg_arena_calloc(p.arena, p.n_tables + 1, sizeof(*tables));
	m->info = mg_arena_calloc(p.arena, p.n_tables + 1, sizeof(*m->info));
	for (i = 0; i < p.n_tables; i++)
		finish_table(&p, &p.tables[i], &tables[i], &m->info[i]);
	m->schema.tables = tables;
	m->schema.n_tables = p.n_tables;
	finish_foreign(&p, m);
	/* A malformed key list leaves the table whole otherwise: validate it
	 * too, so that one run reports every problem. */
	model_validate(m, diags);
	if (diags->n_errors > errors_before)
		goto done;
	*out = m;
	m = NULL;
	rc = 0;
done:
	if (index)
		clang_disposeIndex(index);
	mg_arena_free(p.scratch);
	if (m)
		model_free(m);
	return rc;
}
