/*
 * modelgen pull, stage 1: the live catalog, read through the runtime's data
 * API (mg_db_query) in a few whole-schema queries, so that a thousand tables
 * cost a handful of round trips. SQLite: sqlite_schema and the pragma
 * table-valued functions, plus the CREATE TABLE text for what only the text
 * keeps (constraint names, CHECK, COLLATE, AUTOINCREMENT, comments).
 * PostgreSQL: pg_catalog, for current_schema() only.
 */
#include "pull.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small helpers ------------------------------------------------------ */

static void *grow(struct mg_arena *a, void *items, size_t n, size_t *cap, size_t elem)
{
	void *fresh;

	if (n < *cap)
		return items;
	*cap = *cap ? *cap * 2 : 8;
	fresh = mg_arena_calloc(a, *cap, elem);
	if (n)
		memcpy(fresh, items, n * elem);
	return fresh;
}

#define PUSH(arena, vec, n, cap)                                                                   \
	((vec) = grow((arena), (vec), (n), &(cap), sizeof(*(vec))), &(vec)[(n)++])

static const char *dup_or_null(struct mg_arena *a, const char *s)
{
	return s ? mg_arena_strdup(a, s) : NULL;
}

static int cmp_table(const void *a, const void *b)
{
	return strcmp(((const struct pl_table *)a)->name, ((const struct pl_table *)b)->name);
}

static int cmp_index(const void *a, const void *b)
{
	return strcmp(((const struct pl_index *)a)->name, ((const struct pl_index *)b)->name);
}

/* Binary search in the sorted tables. */
static struct pl_table *find_table(struct pl_catalog *cat, const char *name)
{
	size_t lo = 0, hi = cat->n_tables;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(cat->tables[mid].name, name);

		if (c == 0)
			return &cat->tables[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct pl_column *find_column_nocase(struct pl_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_columns; i++)
		if (strcasecmp(t->columns[i].name, name) == 0)
			return &t->columns[i];
	return NULL;
}

/* Runs `sql` and reports a failure into `err` with `what` in front. */
static int query(struct mg_rows **rows, struct mg_db *db, const char *sql, const char *what,
		 struct mg_strbuf *err)
{
	if (mg_db_query(rows, db, sql, 0, NULL) == 0)
		return 0;
	mg_strbuf_printf(err, "%s: %s", what, mg_db_errmsg(db));
	return -1;
}

/* Reads the end of a query: 0 at the end, -1 (message in err) on error. */
static int rows_done(int rc, struct mg_db *db, const char *what, struct mg_strbuf *err)
{
	if (rc >= 0)
		return 0;
	mg_strbuf_printf(err, "%s: %s", what, mg_db_errmsg(db));
	return -1;
}

static void add_object(struct pl_catalog *cat, struct mg_arena *a, size_t *cap, const char *kind,
		       const char *name, const char *table, const char *detail)
{
	struct pl_object *o = PUSH(a, cat->objects, cat->n_objects, *cap);

	o->kind = kind;
	o->name = mg_arena_strdup(a, name);
	o->table = dup_or_null(a, table);
	o->detail = dup_or_null(a, detail);
}

/* ---- SQLite: the CREATE TABLE text -------------------------------------- */

enum tok_kind { TK_END, TK_WORD, TK_IDENT, TK_STRING, TK_NUMBER, TK_PUNCT };

struct tok {
	enum tok_kind kind;
	size_t start, end; /* byte offsets in the text */
	unsigned line;
};

struct comment {
	size_t start, end; /* the comment text without its markers */
	unsigned line, end_line;
};

struct lexed {
	const char *text;
	struct tok *toks;
	size_t n_toks, cap_toks;
	struct comment *comments;
	size_t n_comments, cap_comments;
};

static void lex(struct lexed *lx, struct mg_arena *a, const char *text)
{
	const char *p = text;
	unsigned line = 1;

	memset(lx, 0, sizeof(*lx));
	lx->text = text;
	while (*p) {
		struct tok *t;
		const char *s = p;
		unsigned first_line = line;

		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (p[0] == '-' && p[1] == '-') {
			struct comment *c = PUSH(a, lx->comments, lx->n_comments, lx->cap_comments);

			p += 2;
			c->start = (size_t)(p - text);
			while (*p && *p != '\n')
				p++;
			c->end = (size_t)(p - text);
			c->line = c->end_line = line;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			struct comment *c = PUSH(a, lx->comments, lx->n_comments, lx->cap_comments);

			p += 2;
			c->start = (size_t)(p - text);
			c->line = line;
			while (*p && !(p[0] == '*' && p[1] == '/')) {
				if (*p == '\n')
					line++;
				p++;
			}
			c->end = (size_t)(p - text);
			c->end_line = line;
			if (*p)
				p += 2;
			continue;
		}
		t = PUSH(a, lx->toks, lx->n_toks, lx->cap_toks);
		t->line = first_line;
		if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
			char close = *p == '[' ? ']' : *p;

			t->kind = *p == '\'' ? TK_STRING : TK_IDENT;
			for (p++; *p; p++) {
				if (*p == '\n')
					line++;
				if (*p == close) {
					if (close != ']' && p[1] == close) {
						p++;
						continue;
					}
					p++;
					break;
				}
			}
		} else if (isalpha((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
			t->kind = TK_WORD;
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
			       (unsigned char)*p >= 0x80)
				p++;
		} else if (isdigit((unsigned char)*p) ||
			   (*p == '.' && isdigit((unsigned char)p[1]))) {
			t->kind = TK_NUMBER;
			while (isalnum((unsigned char)*p) || *p == '.' ||
			       ((*p == '+' || *p == '-') && (p[-1] == 'e' || p[-1] == 'E')))
				p++;
		} else {
			t->kind = TK_PUNCT;
			p++;
		}
		t->start = (size_t)(s - text);
		t->end = (size_t)(p - text);
	}
	{
		struct tok *t = PUSH(a, lx->toks, lx->n_toks, lx->cap_toks);

		t->kind = TK_END;
		t->start = t->end = (size_t)(p - text);
		t->line = line;
		lx->n_toks--; /* the end marker stays past the last token */
	}
}

static int is_word(const struct lexed *lx, size_t i, const char *w)
{
	const struct tok *t = &lx->toks[i];
	size_t n = strlen(w);

	return i < lx->n_toks && t->kind == TK_WORD && t->end - t->start == n &&
	       strncasecmp(lx->text + t->start, w, n) == 0;
}

static int is_punct(const struct lexed *lx, size_t i, char c)
{
	return i < lx->n_toks && lx->toks[i].kind == TK_PUNCT && lx->text[lx->toks[i].start] == c;
}

/* A name token (word, quoted identifier, or a string used as one),
 * unquoted. */
static const char *tok_name(const struct lexed *lx, size_t i, struct mg_arena *a)
{
	const struct tok *t = &lx->toks[i];
	const char *s = lx->text + t->start;
	size_t n = t->end - t->start, k;
	struct mg_strbuf b = {0};
	const char *r;

	if (t->kind == TK_WORD || t->kind == TK_NUMBER || n < 2)
		return mg_arena_strndup(a, s, n);
	if (s[0] == '[')
		return mg_arena_strndup(a, s + 1, n - 2);
	for (k = 1; k + 1 < n; k++) {
		mg_strbuf_putc(&b, s[k]);
		if (s[k] == s[0] && s[k + 1] == s[0])
			k++;
	}
	r = mg_arena_strdup(a, mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
	return r;
}

/* The index of the token after the parenthesised group that starts at
 * `i` (an opening parenthesis). */
static size_t skip_group(const struct lexed *lx, size_t i)
{
	int depth = 0;

	for (; i < lx->n_toks; i++) {
		if (is_punct(lx, i, '('))
			depth++;
		else if (is_punct(lx, i, ')') && --depth == 0)
			return i + 1;
	}
	return i;
}

/* The source text from token i to token j (exclusive), blanks collapsed. */
static const char *span_text(const struct lexed *lx, size_t i, size_t j, struct mg_arena *a)
{
	struct mg_strbuf b = {0};
	const char *r;
	size_t k;

	for (k = i; k < j && k < lx->n_toks; k++) {
		const struct tok *t = &lx->toks[k];

		if (k > i && lx->toks[k - 1].end < t->start && !is_punct(lx, k, ')') &&
		    !is_punct(lx, k - 1, '('))
			mg_strbuf_putc(&b, ' ');
		mg_strbuf_putn(&b, lx->text + t->start, t->end - t->start);
	}
	r = mg_arena_strdup(a, mg_strbuf_cstr(&b));
	mg_strbuf_free(&b);
	return r;
}

/* Names inside "( a, b )" starting at `i` (the parenthesis). */
static size_t name_list(const struct lexed *lx, size_t i, struct mg_arena *a, const char ***out)
{
	size_t n = 0, cap = 0, end = skip_group(lx, i), k;
	const char **v = NULL;

	for (k = i + 1; k + 1 < end; k++) {
		if (lx->toks[k].kind == TK_WORD || lx->toks[k].kind == TK_IDENT ||
		    lx->toks[k].kind == TK_STRING) {
			*PUSH(a, v, n, cap) = tok_name(lx, k, a);
			/* Skip COLLATE x / ASC / DESC after a name. */
			while (k + 2 < end && !is_punct(lx, k + 1, ','))
				k++;
		}
	}
	*out = v;
	return n;
}

/* Trims a comment and collapses its blanks; NULL when nothing is left. */
static const char *comment_text(const struct lexed *lx, const struct comment *c, struct mg_arena *a)
{
	struct mg_strbuf b = {0};
	const char *r, *p = lx->text + c->start, *e = lx->text + c->end;
	int space = 0;

	for (; p < e; p++) {
		if (isspace((unsigned char)*p)) {
			space = 1;
			continue;
		}
		if (space && b.len)
			mg_strbuf_putc(&b, ' ');
		space = 0;
		mg_strbuf_putc(&b, *p);
	}
	r = b.len ? mg_arena_strdup(a, mg_strbuf_cstr(&b)) : NULL;
	mg_strbuf_free(&b);
	return r;
}

/* What the text of one CREATE TABLE says beyond the pragmas. */
struct parsed_fk {
	size_t n;
	const char **columns;
	const char *name;
	int deferrable, deferred;
};

struct parsed_column {
	const char *name;
	const char *comment;
	const char *collation;
	int autoincrement;
};

struct parsed_table {
	const char *comment;
	const char *pk_name;
	int pk_inline;
	struct parsed_column *cols;
	size_t n_cols, cap_cols;
	struct pl_check *checks;
	size_t n_checks, cap_checks;
	struct parsed_fk *fks;
	size_t n_fks, cap_fks;
	int without_rowid, strict;
	const char *conflict; /* an ON CONFLICT clause, as written */
};

/* Comments that belong to the definition in tokens [first, last]: a comment
 * on the line where it ends (before or after its comma), else the comments
 * on the lines just above it. `prev_end` is where the previous definition
 * (and its comma) ended. */
static const char *def_comment(const struct lexed *lx, size_t first, size_t last, size_t comma,
			       size_t prev_end, size_t next_start, struct mg_arena *a)
{
	unsigned end_line = lx->toks[comma < lx->n_toks ? comma : last].line;
	struct mg_strbuf b = {0};
	const char *r;
	size_t i;

	for (i = 0; i < lx->n_comments; i++) {
		const struct comment *c = &lx->comments[i];

		if (c->start > lx->toks[last].end && c->start < next_start && c->line == end_line) {
			const char *t = comment_text(lx, c, a);

			if (t)
				mg_strbuf_printf(&b, "%s%s", b.len ? " " : "", t);
		}
	}
	if (!b.len) {
		for (i = 0; i < lx->n_comments; i++) {
			const struct comment *c = &lx->comments[i];

			if (c->start > prev_end && c->end < lx->toks[first].start &&
			    c->line > lx->toks[first > 0 ? first - 1 : 0].line) {
				const char *t = comment_text(lx, c, a);

				if (t)
					mg_strbuf_printf(&b, "%s%s", b.len ? " " : "", t);
			}
		}
	}
	r = b.len ? mg_arena_strdup(a, mg_strbuf_cstr(&b)) : NULL;
	mg_strbuf_free(&b);
	return r;
}

/* Reads the constraints of a column (tokens [i, end)) or of the table. */
static void read_constraints(const struct lexed *lx, size_t i, size_t end, struct parsed_table *pt,
			     struct parsed_column *col, struct mg_arena *a)
{
	const char *pending = NULL;

	while (i < end) {
		if (is_word(lx, i, "CONSTRAINT") && i + 1 < end) {
			pending = tok_name(lx, i + 1, a);
			i += 2;
			continue;
		}
		if (is_word(lx, i, "PRIMARY")) {
			pt->pk_name = pending;
			pt->pk_inline = col != NULL;
			pending = NULL;
			i += 2; /* PRIMARY KEY */
			if (!col && is_punct(lx, i, '('))
				i = skip_group(lx, i);
			continue;
		}
		if (is_word(lx, i, "AUTOINCREMENT")) {
			if (col)
				col->autoincrement = 1;
			i++;
			continue;
		}
		if (is_word(lx, i, "CHECK") && is_punct(lx, i + 1, '(')) {
			size_t e = skip_group(lx, i + 1);
			struct pl_check *c = PUSH(a, pt->checks, pt->n_checks, pt->cap_checks);

			c->name = pending;
			c->expr = span_text(lx, i + 2, e - 1, a);
			pending = NULL;
			i = e;
			continue;
		}
		if (is_word(lx, i, "COLLATE") && i + 1 < end) {
			if (col)
				col->collation = tok_name(lx, i + 1, a);
			i += 2;
			continue;
		}
		if (is_word(lx, i, "ON") && is_word(lx, i + 1, "CONFLICT") && i + 2 < end) {
			if (!pt->conflict)
				pt->conflict = span_text(lx, i, i + 3, a);
			i += 3;
			continue;
		}
		if (is_word(lx, i, "FOREIGN") && is_word(lx, i + 1, "KEY") &&
		    is_punct(lx, i + 2, '(')) {
			struct parsed_fk *fk = PUSH(a, pt->fks, pt->n_fks, pt->cap_fks);

			fk->n = name_list(lx, i + 2, a, &fk->columns);
			fk->name = pending;
			pending = NULL;
			i = skip_group(lx, i + 2);
			continue;
		}
		if (is_word(lx, i, "REFERENCES")) {
			struct parsed_fk *fk;

			if (col) {
				fk = PUSH(a, pt->fks, pt->n_fks, pt->cap_fks);
				fk->n = 1;
				fk->columns = mg_arena_calloc(a, 1, sizeof(*fk->columns));
				fk->columns[0] = col->name;
				fk->name = pending;
				pending = NULL;
			} else {
				fk = pt->n_fks ? &pt->fks[pt->n_fks - 1] : NULL;
			}
			for (i++; i < end && !is_word(lx, i, "CONSTRAINT"); i++) {
				if (is_punct(lx, i, '(')) {
					i = skip_group(lx, i) - 1;
					continue;
				}
				if (is_word(lx, i, "NOT") && is_word(lx, i + 1, "DEFERRABLE")) {
					i++;
					continue;
				}
				if (is_word(lx, i, "DEFERRABLE") && fk)
					fk->deferrable = 1;
				if (is_word(lx, i, "DEFERRED") && fk)
					fk->deferred = 1;
				/* A column's next constraint after the key's clauses. */
				if (col && (is_word(lx, i, "PRIMARY") || is_word(lx, i, "UNIQUE") ||
					    is_word(lx, i, "CHECK") || is_word(lx, i, "DEFAULT") ||
					    is_word(lx, i, "COLLATE") ||
					    (is_word(lx, i, "NOT") && is_word(lx, i + 1, "NULL")) ||
					    is_word(lx, i, "GENERATED") || is_word(lx, i, "AS")))
					break;
			}
			continue;
		}
		if (is_punct(lx, i, '(')) {
			i = skip_group(lx, i);
			continue;
		}
		if (is_word(lx, i, "UNIQUE") || is_word(lx, i, "NULL") || is_word(lx, i, "DEFAULT"))
			pending = NULL;
		i++;
	}
}

/* Parses a CREATE TABLE statement. Returns 0, or -1 when the text is not
 * one this parser understands (the caller refuses the table then). */
static int parse_create_table(struct parsed_table *pt, const char *sql, struct mg_arena *a)
{
	struct lexed lx;
	size_t i = 0, open, close, start, prev_end;

	memset(pt, 0, sizeof(*pt));
	lex(&lx, a, sql);
	if (!is_word(&lx, i++, "CREATE"))
		return -1;
	if (is_word(&lx, i, "TEMP") || is_word(&lx, i, "TEMPORARY"))
		i++;
	if (!is_word(&lx, i++, "TABLE"))
		return -1;
	if (is_word(&lx, i, "IF"))
		i += 3;
	i++; /* the name */
	if (is_punct(&lx, i, '.'))
		i += 2;
	if (!is_punct(&lx, i, '('))
		return -1;
	open = i;
	close = skip_group(&lx, open) - 1;
	if (!is_punct(&lx, close, ')'))
		return -1;
	/* A comment on the line of the opening parenthesis describes the table. */
	for (i = 0; i < lx.n_comments; i++)
		if (lx.comments[i].start > lx.toks[open].end &&
		    lx.comments[i].line == lx.toks[open].line &&
		    lx.comments[i].start < lx.toks[open + 1].start)
			pt->comment = comment_text(&lx, &lx.comments[i], a);
	/* Table options after the closing parenthesis. */
	for (i = close + 1; i < lx.n_toks; i++) {
		if (is_word(&lx, i, "WITHOUT") && is_word(&lx, i + 1, "ROWID"))
			pt->without_rowid = 1;
		if (is_word(&lx, i, "STRICT"))
			pt->strict = 1;
	}
	start = open + 1;
	prev_end = lx.toks[open].end;
	while (start < close) {
		size_t end = start;
		int depth = 0;
		int is_table_constraint;

		while (end < close) {
			if (is_punct(&lx, end, '('))
				depth++;
			else if (is_punct(&lx, end, ')'))
				depth--;
			else if (depth == 0 && is_punct(&lx, end, ','))
				break;
			end++;
		}
		if (end == start)
			return -1;
		is_table_constraint =
			is_word(&lx, start, "CONSTRAINT") || is_word(&lx, start, "PRIMARY") ||
			is_word(&lx, start, "UNIQUE") || is_word(&lx, start, "CHECK") ||
			is_word(&lx, start, "FOREIGN");
		if (is_table_constraint) {
			read_constraints(&lx, start, end, pt, NULL, a);
		} else {
			struct parsed_column *c = PUSH(a, pt->cols, pt->n_cols, pt->cap_cols);
			size_t j = start + 1;

			c->name = tok_name(&lx, start, a);
			c->comment = def_comment(
				&lx, start, end - 1, end, prev_end,
				end < close ? lx.toks[end + 1].start : lx.toks[close].start, a);
			/* The type: words and a parenthesised size, up to the first
			 * constraint keyword. */
			while (j < end && !is_word(&lx, j, "CONSTRAINT") &&
			       !is_word(&lx, j, "PRIMARY") && !is_word(&lx, j, "NOT") &&
			       !is_word(&lx, j, "NULL") && !is_word(&lx, j, "UNIQUE") &&
			       !is_word(&lx, j, "CHECK") && !is_word(&lx, j, "DEFAULT") &&
			       !is_word(&lx, j, "COLLATE") && !is_word(&lx, j, "REFERENCES") &&
			       !is_word(&lx, j, "GENERATED") && !is_word(&lx, j, "AS")) {
				if (is_punct(&lx, j, '('))
					j = skip_group(&lx, j);
				else
					j++;
			}
			read_constraints(&lx, j, end, pt, c, a);
		}
		prev_end = end < close ? lx.toks[end].end : lx.toks[end - 1].end;
		start = end + 1;
	}
	return 0;
}

/* ---- SQLite ------------------------------------------------------------- */

/* "WHERE ..." of a CREATE INDEX statement, or NULL. */
static const char *where_clause(struct mg_arena *a, const char *sql)
{
	const char *p;

	for (p = sql; p && *p; p++)
		if (strncasecmp(p, " WHERE ", 7) == 0 || strncasecmp(p, "\nWHERE ", 7) == 0 ||
		    strncasecmp(p, ")WHERE ", 7) == 0)
			return mg_arena_printf(a, "WHERE %s", p + 7);
	return NULL;
}

static char action_code(const char *s)
{
	if (!s)
		return 'a';
	if (strcasecmp(s, "CASCADE") == 0)
		return 'c';
	if (strcasecmp(s, "SET NULL") == 0)
		return 'n';
	if (strcasecmp(s, "SET DEFAULT") == 0)
		return 'd';
	if (strcasecmp(s, "RESTRICT") == 0)
		return 'r';
	return 'a';
}

static int read_sqlite(struct pl_catalog *cat, struct mg_db *db, struct mg_arena *a,
		       struct mg_strbuf *err)
{
	struct mg_rows *rows = NULL;
	size_t cap_tables = 0, cap_objects = 0, i, j;
	int rc = -1, r;

	/* Every table with its kind; views, triggers and indexes from the
	 * schema table. */
	if (query(&rows, db,
		  "SELECT l.name, l.type, l.wr, l.strict, coalesce(m.sql, '')"
		  " FROM pragma_table_list l LEFT JOIN sqlite_schema m"
		  " ON m.name = l.name AND m.type = 'table'"
		  " WHERE l.schema = 'main' AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
		  " ORDER BY l.name",
		  "reading the tables", err))
		goto done;
	while ((r = mg_rows_next(rows)) == 1) {
		const char *name = mg_rows_text(rows, 0), *type = mg_rows_text(rows, 1);
		struct pl_table *t;

		if (strcmp(type, "view") == 0)
			continue;
		if (strcmp(name, "modelgen_migrations") == 0)
			cat->managed = 1;
		t = PUSH(a, cat->tables, cat->n_tables, cap_tables);
		t->name = mg_arena_strdup(a, name);
		t->sql = mg_arena_strdup(a, mg_rows_text(rows, 4));
		if (strcmp(type, "virtual") == 0)
			t->unmanageable = "a virtual table (CREATE VIRTUAL TABLE)";
		else if (strcmp(type, "shadow") == 0)
			t->unmanageable = "a shadow table of a virtual table";
		else if (strcmp(mg_rows_text(rows, 2), "1") == 0)
			t->options[0] = "WITHOUT ROWID";
		if (strcmp(mg_rows_text(rows, 3), "1") == 0)
			t->options[t->options[0] ? 1 : 0] = "STRICT";
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the tables", err))
		goto done;
	if (cat->n_tables)
		qsort(cat->tables, cat->n_tables, sizeof(*cat->tables), cmp_table);

	if (query(&rows, db,
		  "SELECT type, name, tbl_name, sql FROM sqlite_schema"
		  " WHERE type IN ('view', 'trigger') ORDER BY type DESC, name",
		  "reading the views and triggers", err))
		goto done;
	while ((r = mg_rows_next(rows)) == 1) {
		int view = strcmp(mg_rows_text(rows, 0), "view") == 0;

		add_object(cat, a, &cap_objects, view ? "view" : "trigger", mg_rows_text(rows, 1),
			   view ? NULL : mg_rows_text(rows, 2), NULL);
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the views and triggers", err))
		goto done;

	/* Columns of every ordinary table in one query. */
	if (query(&rows, db,
		  "SELECT l.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden"
		  " FROM pragma_table_list l JOIN pragma_table_xinfo(l.name) p"
		  " WHERE l.schema = 'main' AND l.type = 'table'"
		  " AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY l.name, p.cid",
		  "reading the columns", err))
		goto done;
	{
		struct pl_table *t = NULL;
		size_t cap_cols = 0;

		while ((r = mg_rows_next(rows)) == 1) {
			const char *tn = mg_rows_text(rows, 0), *dflt = mg_rows_text(rows, 4);
			struct pl_column *c;
			long hidden = atol(mg_rows_text(rows, 6));

			if (!t || strcmp(t->name, tn) != 0) {
				t = find_table(cat, tn);
				cap_cols = 0;
				if (!t)
					continue;
			}
			if (hidden == 1) /* a virtual table's hidden column */
				continue;
			c = PUSH(a, t->columns, t->n_columns, cap_cols);
			c->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
			c->type = mg_arena_strdup(a, mg_rows_text(rows, 2));
			c->notnull = strcmp(mg_rows_text(rows, 3), "0") != 0;
			c->dflt = hidden ? NULL : dup_or_null(a, dflt);
			c->pk = (unsigned)atol(mg_rows_text(rows, 5));
			if (hidden == 2 || hidden == 3)
				c->generated = hidden == 3 ? "(stored)" : "(virtual)";
		}
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the columns", err))
		goto done;

	/* Indexes, with their key columns. */
	if (query(&rows, db,
		  "SELECT l.name, il.name, il.\"unique\", il.origin, il.partial, ii.name,"
		  " ii.\"desc\", ii.coll, m.sql"
		  " FROM pragma_table_list l JOIN pragma_index_list(l.name) il"
		  " JOIN pragma_index_xinfo(il.name) ii"
		  " LEFT JOIN sqlite_schema m ON m.type = 'index' AND m.name = il.name"
		  " WHERE l.schema = 'main' AND l.type = 'table' AND ii.key"
		  " AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
		  " ORDER BY l.name, il.name, ii.seqno",
		  "reading the indexes", err))
		goto done;
	{
		struct pl_table *t = NULL;
		struct pl_index *ix = NULL;
		size_t cap_ix = 0, cap_cols = 0;

		while ((r = mg_rows_next(rows)) == 1) {
			const char *tn = mg_rows_text(rows, 0), *in = mg_rows_text(rows, 1);
			const char *col = mg_rows_text(rows, 5), *coll = mg_rows_text(rows, 7);

			if (!t || strcmp(t->name, tn) != 0) {
				t = find_table(cat, tn);
				cap_ix = 0;
				ix = NULL;
				if (!t)
					continue;
			}
			if (strcmp(mg_rows_text(rows, 3), "pk") == 0)
				continue;
			if (!ix || strcmp(ix->name, in) != 0) {
				ix = PUSH(a, t->indexes, t->n_indexes, cap_ix);
				ix->name = mg_arena_strdup(a, in);
				ix->unique = strcmp(mg_rows_text(rows, 2), "1") == 0;
				ix->constraint = strcmp(mg_rows_text(rows, 3), "u") == 0;
				ix->partial = strcmp(mg_rows_text(rows, 4), "1") == 0;
				ix->sql = where_clause(a, mg_rows_text(rows, 8));
				cap_cols = 0;
			}
			*PUSH(a, ix->columns, ix->n_columns, cap_cols) = dup_or_null(a, col);
			if (strcmp(mg_rows_text(rows, 6), "1") == 0 && !ix->unusual)
				ix->unusual = "DESC";
			if (coll && strcasecmp(coll, "BINARY") != 0 && !ix->unusual) {
				ix->unusual = mg_arena_printf(a, "COLLATE %s", coll);
				ix->collated = ix->columns[ix->n_columns - 1];
			}
		}
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the indexes", err))
		goto done;
	for (i = 0; i < cat->n_tables; i++)
		if (cat->tables[i].n_indexes)
			qsort(cat->tables[i].indexes, cat->tables[i].n_indexes,
			      sizeof(*cat->tables[i].indexes), cmp_index);

	/* Foreign keys, one row per column. */
	if (query(&rows, db,
		  "SELECT l.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update,"
		  " f.on_delete, f.\"match\""
		  " FROM pragma_table_list l JOIN pragma_foreign_key_list(l.name) f"
		  " WHERE l.schema = 'main' AND l.type = 'table'"
		  " AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
		  " ORDER BY l.name, f.id, f.seq",
		  "reading the foreign keys", err))
		goto done;
	{
		struct pl_table *t = NULL;
		struct pl_fk *fk = NULL;
		const char *fid = NULL;
		size_t cap_fk = 0, cap_c = 0, cap_r = 0, n_r = 0;

		while ((r = mg_rows_next(rows)) == 1) {
			const char *tn = mg_rows_text(rows, 0), *to = mg_rows_text(rows, 4);

			if (!t || strcmp(t->name, tn) != 0) {
				t = find_table(cat, tn);
				cap_fk = 0;
				fk = NULL;
				if (!t)
					continue;
			}
			if (!fk || strcmp(fid, mg_rows_text(rows, 1)) != 0) {
				fk = PUSH(a, t->fks, t->n_fks, cap_fk);
				fid = mg_arena_strdup(a, mg_rows_text(rows, 1));
				fk->ref_table = mg_arena_strdup(a, mg_rows_text(rows, 2));
				fk->on_update = action_code(mg_rows_text(rows, 5));
				fk->on_delete = action_code(mg_rows_text(rows, 6));
				fk->match =
					strcasecmp(mg_rows_text(rows, 7), "NONE") == 0 ? 's' : 'f';
				cap_c = cap_r = n_r = 0;
			}
			*PUSH(a, fk->columns, fk->n_columns, cap_c) =
				mg_arena_strdup(a, mg_rows_text(rows, 3));
			*PUSH(a, fk->ref_columns, n_r, cap_r) = dup_or_null(a, to);
		}
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the foreign keys", err))
		goto done;

	/* Implicit parent columns are the parent's primary key. */
	for (i = 0; i < cat->n_tables; i++) {
		struct pl_table *t = &cat->tables[i];

		for (j = 0; j < t->n_fks; j++) {
			struct pl_fk *fk = &t->fks[j];
			struct pl_table *parent = find_table(cat, fk->ref_table);
			size_t k, m;

			for (k = 0; k < fk->n_columns; k++) {
				if (fk->ref_columns[k])
					continue;
				for (m = 0; parent && m < parent->n_columns; m++)
					if (parent->columns[m].pk == k + 1)
						fk->ref_columns[k] = parent->columns[m].name;
				if (!fk->ref_columns[k])
					fk->ref_columns[k] = "";
			}
		}
	}

	/* What only the CREATE TABLE text keeps. */
	for (i = 0; i < cat->n_tables; i++) {
		struct pl_table *t = &cat->tables[i];
		struct parsed_table pt;
		size_t k, cap_checks = 0;

		if (t->unmanageable)
			continue;
		if (parse_create_table(&pt, t->sql, a)) {
			t->unmanageable = "its CREATE TABLE statement could not be read";
			continue;
		}
		t->comment = pt.comment;
		t->pk_name = pt.pk_name;
		t->pk_inline = pt.pk_inline;
		for (k = 0; k < pt.n_cols; k++) {
			struct pl_column *c = find_column_nocase(t, pt.cols[k].name);

			if (!c)
				continue;
			c->comment = pt.cols[k].comment;
			c->collation = pt.cols[k].collation;
			c->autoincrement = pt.cols[k].autoincrement;
		}
		for (k = 0; k < pt.n_checks; k++)
			*PUSH(a, t->checks, t->n_checks, cap_checks) = pt.checks[k];
		/* An index takes the collation of its column: only another one
		 * is the index's own. */
		for (k = 0; k < t->n_indexes; k++) {
			struct pl_index *ix = &t->indexes[k];
			struct pl_column *c =
				ix->collated ? find_column_nocase(t, ix->collated) : NULL;

			if (c && c->collation && strcasecmp(ix->unusual + 8, c->collation) == 0)
				ix->unusual = NULL;
		}
		for (k = 0; k < pt.n_fks; k++) {
			size_t m;

			/* The text and the pragma list the same keys; match them
			 * by their columns. */
			for (m = 0; m < t->n_fks; m++) {
				struct pl_fk *fk = &t->fks[m];
				size_t c;

				if (fk->n_columns != pt.fks[k].n || fk->name)
					continue;
				for (c = 0; c < fk->n_columns; c++)
					if (strcasecmp(fk->columns[c], pt.fks[k].columns[c]) != 0)
						break;
				if (c < fk->n_columns)
					continue;
				fk->name = pt.fks[k].name;
				fk->deferrable = pt.fks[k].deferrable;
				fk->deferred = pt.fks[k].deferred;
				break;
			}
		}
		if (pt.conflict) {
			size_t o = 0;

			while (t->options[o])
				o++;
			t->options[o] = pt.conflict;
		}
		/* A rowid alias: exactly INTEGER, alone in the key, rowid table. */
		{
			size_t n_pk = 0;
			struct pl_column *pkc = NULL;

			for (k = 0; k < t->n_columns; k++)
				if (t->columns[k].pk) {
					n_pk++;
					pkc = &t->columns[k];
				}
			if (n_pk == 1 && strcasecmp(pkc->type, "INTEGER") == 0 &&
			    !(t->options[0] && strcmp(t->options[0], "WITHOUT ROWID") == 0))
				pkc->identity = 'r';
		}
	}
	rc = 0;
done:
	mg_rows_free(rows);
	return rc;
}

/* ---- PostgreSQL --------------------------------------------------------- */

/* The strings of a JSON array (NULL elements stay NULL); n in *n. */
static const char **json_names(const char *text, size_t *n, struct mg_arena *a)
{
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	const char **out;
	size_t i;

	*n = json_is_array(v) ? json_array_size(v) : 0;
	out = mg_arena_calloc(a, *n + 1, sizeof(*out));
	for (i = 0; i < *n; i++)
		out[i] = dup_or_null(a, json_string_value(json_array_get(v, i)));
	json_decref(v);
	return out;
}

static int is_true(const char *s)
{
	return s && strcmp(s, "t") == 0;
}

/* Tables and the other relations of the schema. */
static const char pg_tables_sql[] =
	"SELECT c.relname, c.relkind, c.relpersistence, c.relispartition, c.relrowsecurity,"
	" obj_description(c.oid, 'pg_class'),"
	" (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent"
	"  WHERE i.inhrelid = c.oid LIMIT 1),"
	" EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
	"  AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S'),"
	" EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
	"  AND d.objid = c.oid AND d.deptype = 'e')"
	" FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
	" AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
	" ORDER BY c.relname COLLATE \"C\"";

static const char pg_columns_sql[] =
	"SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
	" a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid),"
	" col_description(c.oid, a.attnum),"
	" CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,"
	" CASE WHEN bn.nspname <> 'pg_catalog' THEN CASE b.typtype WHEN 'e' THEN 'enum'"
	"  WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite' WHEN 'r' THEN 'range'"
	"  WHEN 'm' THEN 'multirange' ELSE CASE WHEN EXISTS (SELECT 1 FROM pg_depend x"
	"  WHERE x.classid = 'pg_type'::regclass AND x.objid = b.oid AND x.deptype = 'e')"
	"  THEN 'extension' ELSE 'user-defined' END END || ' type ' || b.typname END,"
	" (SELECT s.relname FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid"
	"  WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass"
	"  AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'"
	"  AND s.relkind = 'S' LIMIT 1),"
	" (SELECT string_agg(quote_ident(s.relname), ',') FROM pg_depend dep"
	"  JOIN pg_class s ON s.oid = dep.objid WHERE dep.classid = 'pg_class'::regclass"
	"  AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a')"
	" FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
	" JOIN pg_type t ON t.oid = a.atttypid"
	" JOIN pg_type b ON b.oid = CASE WHEN t.typelem <> 0 AND t.typlen = -1"
	"  AND t.typcategory = 'A' THEN t.typelem ELSE t.oid END"
	" JOIN pg_namespace bn ON bn.oid = b.typnamespace"
	" LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
	" LEFT JOIN pg_collation co ON co.oid = a.attcollation"
	" WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
	" AND a.attnum > 0 AND NOT a.attisdropped"
	" ORDER BY c.relname COLLATE \"C\", a.attnum";

static const char pg_constraints_sql[] =
	"SELECT c.relname, k.conname, k.contype,"
	" (SELECT json_agg(a.attname ORDER BY u.ord) FROM unnest(k.conkey)"
	"  WITH ORDINALITY u(n, ord) JOIN pg_attribute a"
	"  ON a.attrelid = k.conrelid AND a.attnum = u.n),"
	" r.relname, CASE WHEN r.relnamespace <> c.relnamespace THEN rn.nspname END,"
	" (SELECT json_agg(a.attname ORDER BY u.ord) FROM unnest(k.confkey)"
	"  WITH ORDINALITY u(n, ord) JOIN pg_attribute a"
	"  ON a.attrelid = k.confrelid AND a.attnum = u.n),"
	" k.confdeltype, k.confupdtype, k.confmatchtype, k.condeferrable, k.condeferred,"
	" pg_get_constraintdef(k.oid, true)"
	" FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
	" LEFT JOIN pg_class r ON r.oid = k.confrelid"
	" LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace"
	" WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
	" ORDER BY c.relname COLLATE \"C\", k.conname COLLATE \"C\"";

static const char pg_indexes_sql[] =
	"SELECT c.relname, ic.relname, i.indisunique, i.indisprimary,"
	" i.indpred IS NOT NULL, i.indexprs IS NOT NULL,"
	" (SELECT json_agg(a.attname ORDER BY u.ord) FROM unnest(i.indkey::int2[])"
	"  WITH ORDINALITY u(n, ord) LEFT JOIN pg_attribute a"
	"  ON a.attrelid = i.indrelid AND a.attnum = u.n WHERE u.ord <= i.indnkeyatts),"
	" concat_ws(', ',"
	"  CASE WHEN am.amname <> 'btree' THEN 'using ' || am.amname END,"
	"  CASE WHEN i.indnatts > i.indnkeyatts THEN 'INCLUDE columns' END,"
	"  CASE WHEN EXISTS (SELECT 1 FROM unnest(i.indoption::int2[]) o WHERE o <> 0)"
	"   THEN 'DESC or NULLS FIRST' END,"
	"  CASE WHEN EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) WITH ORDINALITY x(oc, ord)"
	"   JOIN pg_opclass op ON op.oid = x.oc WHERE NOT op.opcdefault) THEN 'operator class' END,"
	"  CASE WHEN EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[], i.indkey::int2[])"
	"   x(coll, n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = x.n"
	"   WHERE x.coll <> a.attcollation) THEN 'COLLATE' END),"
	" k.contype, k.condeferrable, 'WHERE ' || pg_get_expr(i.indpred, i.indrelid)"
	" FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
	" JOIN pg_class c ON c.oid = i.indrelid JOIN pg_am am ON am.oid = ic.relam"
	" LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid"
	" AND k.contype IN ('p', 'u', 'x')"
	" WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
	" ORDER BY c.relname COLLATE \"C\", ic.relname COLLATE \"C\"";

/* Everything else in the schema that a migration tool could be expected
 * to know about. Extension members are the extension's. */
static const char pg_objects_sql[] =
	"SELECT 'trigger', t.tgname, c.relname, NULL FROM pg_trigger t"
	" JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
	" AND c.relnamespace = current_schema()::regnamespace"
	" UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'"
	"  ELSE 'function' END, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || "
	"')',"
	"  NULL, NULL FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace"
	"  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
	"  AND d.objid = p.oid AND d.deptype = 'e')"
	" UNION ALL SELECT CASE t.typtype WHEN 'e' THEN 'enum type' WHEN 'd' THEN 'domain'"
	"  WHEN 'r' THEN 'range type' ELSE 'composite type' END, t.typname, NULL,"
	"  CASE t.typtype WHEN 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', '"
	"  ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)"
	"  WHEN 'd' THEN format_type(t.typbasetype, t.typtypmod) END"
	"  FROM pg_type t WHERE t.typnamespace = current_schema()::regnamespace"
	"  AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class"
	"  WHERE oid = t.typrelid) = 'c'))"
	"  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass"
	"  AND d.objid = t.oid AND d.deptype = 'e')"
	" UNION ALL SELECT 'policy', p.polname, c.relname, NULL FROM pg_policy p"
	"  JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = "
	"current_schema()::regnamespace"
	" UNION ALL SELECT 'rule', r.rulename, c.relname, NULL FROM pg_rewrite r"
	"  JOIN pg_class c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN'"
	"  AND c.relnamespace = current_schema()::regnamespace"
	" UNION ALL SELECT 'extension', e.extname, NULL, e.extversion FROM pg_extension e"
	"  WHERE e.extname <> 'plpgsql'"
	" ORDER BY 1, 2";

static int read_pg(struct pl_catalog *cat, struct mg_db *db, struct mg_arena *a,
		   struct mg_strbuf *err)
{
	struct mg_rows *rows = NULL;
	size_t cap_tables = 0, cap_objects = 0, i;
	int rc = -1, r;
	char *schema = NULL;

	if (query(&rows, db, "SELECT current_schema()", "reading the current schema", err))
		goto done;
	if (mg_rows_next(rows) == 1 && mg_rows_text(rows, 0))
		schema = strdup(mg_rows_text(rows, 0));
	mg_rows_free(rows);
	rows = NULL;
	if (!schema) {
		mg_strbuf_puts(err, "no current schema (check search_path)");
		goto done;
	}
	free(schema);

	if (query(&rows, db, pg_tables_sql, "reading the tables", err))
		goto done;
	while ((r = mg_rows_next(rows)) == 1) {
		const char *name = mg_rows_text(rows, 0), *kind = mg_rows_text(rows, 1);
		const char *parent = mg_rows_text(rows, 6);
		struct pl_table *t;
		size_t o = 0;

		if (is_true(mg_rows_text(rows, 8)))
			continue; /* an extension's */
		switch (kind[0]) {
		case 'v':
			add_object(cat, a, &cap_objects, "view", name, NULL, NULL);
			continue;
		case 'm':
			add_object(cat, a, &cap_objects, "materialized view", name, NULL, NULL);
			continue;
		case 'f':
			add_object(cat, a, &cap_objects, "foreign table", name, NULL, NULL);
			continue;
		case 'S':
			/* Sequences behind serial and identity columns come with
			 * their columns. */
			if (!is_true(mg_rows_text(rows, 7)))
				add_object(cat, a, &cap_objects, "sequence", name, NULL, NULL);
			continue;
		default:
			break;
		}
		if (strcmp(name, "modelgen_migrations") == 0)
			cat->managed = 1;
		t = PUSH(a, cat->tables, cat->n_tables, cap_tables);
		t->name = mg_arena_strdup(a, name);
		t->comment = dup_or_null(a, mg_rows_text(rows, 5));
		if (kind[0] == 'p')
			t->unmanageable = "a partitioned table";
		else if (is_true(mg_rows_text(rows, 3)))
			t->unmanageable = mg_arena_printf(a, "a partition of %s",
							  parent ? parent : "a table");
		else if (parent)
			t->unmanageable = mg_arena_printf(a, "inherits from %s", parent);
		if (strcmp(mg_rows_text(rows, 2), "u") == 0)
			t->options[o++] = "UNLOGGED";
		if (is_true(mg_rows_text(rows, 4)))
			t->options[o++] = "row level security";
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the tables", err))
		goto done;
	/* pg_class order is COLLATE "C", the same as strcmp: already sorted. */

	if (query(&rows, db, pg_columns_sql, "reading the columns", err))
		goto done;
	{
		struct pl_table *t = NULL;
		size_t cap_cols = 0;

		while ((r = mg_rows_next(rows)) == 1) {
			const char *tn = mg_rows_text(rows, 0), *dflt = mg_rows_text(rows, 6);
			const char *gen = mg_rows_text(rows, 5), *owned = mg_rows_text(rows, 10);
			struct pl_column *c;

			if (!t || strcmp(t->name, tn) != 0) {
				t = find_table(cat, tn);
				cap_cols = 0;
				if (!t)
					continue;
			}
			c = PUSH(a, t->columns, t->n_columns, cap_cols);
			c->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
			c->type = mg_arena_strdup(a, mg_rows_text(rows, 2));
			c->notnull = is_true(mg_rows_text(rows, 3));
			c->identity = mg_rows_text(rows, 4)[0];
			if (gen && gen[0])
				c->generated = dflt ? mg_arena_strdup(a, dflt) : "";
			else
				c->dflt = dup_or_null(a, dflt);
			c->comment = dup_or_null(a, mg_rows_text(rows, 7));
			c->collation = dup_or_null(a, mg_rows_text(rows, 8));
			c->type_origin = dup_or_null(a, mg_rows_text(rows, 9));
			if (owned && c->dflt && !c->identity) {
				/* serial: nextval('<the owned sequence>'::regclass) */
				const char *want = mg_arena_printf(a, "nextval('%s'::regclass)",
								   mg_rows_text(rows, 11));

				c->serial = strcmp(c->dflt, want) == 0;
			}
		}
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the columns", err))
		goto done;

	if (query(&rows, db, pg_constraints_sql, "reading the constraints", err))
		goto done;
	{
		struct pl_table *t = NULL;
		size_t cap_fk = 0, cap_checks = 0;

		while ((r = mg_rows_next(rows)) == 1) {
			const char *tn = mg_rows_text(rows, 0), *type = mg_rows_text(rows, 2);
			size_t n = 0, k;
			const char **cols;

			if (!t || strcmp(t->name, tn) != 0) {
				t = find_table(cat, tn);
				cap_fk = cap_checks = 0;
				if (!t)
					continue;
			}
			cols = json_names(mg_rows_text(rows, 3), &n, a);
			if (type[0] == 'p') {
				t->pk_name = mg_arena_strdup(a, mg_rows_text(rows, 1));
				for (k = 0; k < n; k++) {
					size_t m;

					for (m = 0; m < t->n_columns; m++)
						if (strcmp(t->columns[m].name, cols[k]) == 0)
							t->columns[m].pk = (unsigned)k + 1;
				}
			} else if (type[0] == 'f') {
				struct pl_fk *fk = PUSH(a, t->fks, t->n_fks, cap_fk);
				size_t nr = 0;

				fk->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
				fk->n_columns = n;
				fk->columns = cols;
				fk->ref_table = mg_arena_strdup(a, mg_rows_text(rows, 4));
				fk->ref_schema = dup_or_null(a, mg_rows_text(rows, 5));
				fk->ref_columns = json_names(mg_rows_text(rows, 6), &nr, a);
				fk->on_delete = mg_rows_text(rows, 7)[0];
				fk->on_update = mg_rows_text(rows, 8)[0];
				fk->match = mg_rows_text(rows, 9)[0];
				fk->deferrable = is_true(mg_rows_text(rows, 10));
				fk->deferred = is_true(mg_rows_text(rows, 11));
			} else if (type[0] == 'c') {
				struct pl_check *c = PUSH(a, t->checks, t->n_checks, cap_checks);

				c->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
				c->expr = mg_arena_strdup(a, mg_rows_text(rows, 12));
			} else if (type[0] == 'x') {
				struct pl_check *c = PUSH(a, t->checks, t->n_checks, cap_checks);

				c->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
				c->expr = mg_arena_strdup(a, mg_rows_text(rows, 12));
			} else if (type[0] == 't') {
				/* constraint triggers are listed with the triggers */
			}
		}
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the constraints", err))
		goto done;

	if (query(&rows, db, pg_indexes_sql, "reading the indexes", err))
		goto done;
	{
		struct pl_table *t = NULL;
		size_t cap_ix = 0;

		while ((r = mg_rows_next(rows)) == 1) {
			const char *tn = mg_rows_text(rows, 0), *unusual = mg_rows_text(rows, 7);
			const char *contype = mg_rows_text(rows, 8);
			struct pl_index *ix;

			if (!t || strcmp(t->name, tn) != 0) {
				t = find_table(cat, tn);
				cap_ix = 0;
				if (!t)
					continue;
			}
			if (is_true(mg_rows_text(rows, 3)))
				continue; /* the primary key, read with the constraints */
			if (contype && contype[0] == 'x')
				continue; /* an exclusion constraint, with the checks */
			ix = PUSH(a, t->indexes, t->n_indexes, cap_ix);
			ix->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
			ix->unique = is_true(mg_rows_text(rows, 2));
			ix->partial = is_true(mg_rows_text(rows, 4));
			ix->columns = json_names(mg_rows_text(rows, 6), &ix->n_columns, a);
			ix->unusual = unusual && unusual[0] ? mg_arena_strdup(a, unusual) : NULL;
			ix->constraint = contype && contype[0] == 'u';
			ix->deferrable = is_true(mg_rows_text(rows, 9));
			ix->sql = dup_or_null(a, mg_rows_text(rows, 10));
		}
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the indexes", err))
		goto done;
	for (i = 0; i < cat->n_tables; i++)
		if (cat->tables[i].n_indexes)
			qsort(cat->tables[i].indexes, cat->tables[i].n_indexes,
			      sizeof(*cat->tables[i].indexes), cmp_index);

	if (query(&rows, db, pg_objects_sql, "reading the other objects", err))
		goto done;
	while ((r = mg_rows_next(rows)) == 1) {
		const char *kind = mg_rows_text(rows, 0);
		const char *k = mg_arena_strdup(a, kind);

		add_object(cat, a, &cap_objects, k, mg_rows_text(rows, 1), mg_rows_text(rows, 2),
			   mg_rows_text(rows, 3));
	}
	mg_rows_free(rows);
	rows = NULL;
	if (rows_done(r, db, "reading the other objects", err))
		goto done;
	rc = 0;
done:
	mg_rows_free(rows);
	return rc;
}

int pull_read(struct pl_catalog *out, struct mg_db *db, struct mg_arena *arena,
	      struct mg_strbuf *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->dialect = mg_db_dialect(db);
	rc = out->dialect == MG_DIALECT_SQLITE ? read_sqlite(out, db, arena, err)
					       : read_pg(out, db, arena, err);
	if (rc == 0 && out->managed) {
		struct mg_rows *rows = NULL;

		/* Which migration, for the message; the table may be another's. */
		if (mg_db_query(&rows, db, "SELECT max(number) FROM modelgen_migrations", 0,
				NULL) == 0 &&
		    mg_rows_next(rows) == 1 && mg_rows_text(rows, 0))
			out->managed_at = mg_arena_strdup(arena, mg_rows_text(rows, 0));
		mg_rows_free(rows);
	}
	return rc;
}
