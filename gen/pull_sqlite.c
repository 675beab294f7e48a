/*
 * modelgen pull, stage 1 on SQLite: the catalog from the schema's own text.
 * One query reads sqlite_schema, as `sqlite3 DB .schema` does, and the
 * CREATE TABLE and CREATE INDEX statements are parsed here the way SQLite
 * parses them (column types and defaults as the text spells them, keys,
 * automatic indexes numbered in the order SQLite creates them), plus what
 * only the text keeps: constraint names, CHECK, COLLATE, AUTOINCREMENT,
 * comments. The per-table pragmas would say the same at eight times the
 * cost of `.schema` for a thousand tables. The automatic index names SQLite
 * lists are checked against the ones computed here; a table where they
 * differ is refused rather than guessed.
 */
#include "pull.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- tokens --------------------------------------------------------------- */

enum tok_kind { TK_WORD, TK_IDENT, TK_STRING, TK_NUMBER, TK_PUNCT };

enum kw {
	KW_NONE = 0,
	KW_AS,
	KW_ASC,
	KW_AUTOINCREMENT,
	KW_CASCADE,
	KW_CHECK,
	KW_COLLATE,
	KW_CONFLICT,
	KW_CONSTRAINT,
	KW_CREATE,
	KW_DEFAULT,
	KW_DEFERRABLE,
	KW_DEFERRED,
	KW_DELETE,
	KW_DESC,
	KW_FOREIGN,
	KW_FULL,
	KW_GENERATED,
	KW_IF,
	KW_INDEX,
	KW_INITIALLY,
	KW_MATCH,
	KW_NO,
	KW_NOT,
	KW_NULL,
	KW_ON,
	KW_PRIMARY,
	KW_REFERENCES,
	KW_RESTRICT,
	KW_ROWID,
	KW_SET,
	KW_STORED,
	KW_STRICT,
	KW_TABLE,
	KW_TEMP,
	KW_TEMPORARY,
	KW_UNIQUE,
	KW_UPDATE,
	KW_VIRTUAL,
	KW_WHERE,
	KW_WITHOUT,
};

/* The keywords the parser looks at, sorted (strcmp), for bsearch. */
static const char *const keywords[] = {
	"AS",       "ASC",        "AUTOINCREMENT", "CASCADE",  "CHECK",      "COLLATE",
	"CONFLICT", "CONSTRAINT", "CREATE",        "DEFAULT",  "DEFERRABLE", "DEFERRED",
	"DELETE",   "DESC",       "FOREIGN",       "FULL",     "GENERATED",  "IF",
	"INDEX",    "INITIALLY",  "MATCH",         "NO",       "NOT",        "NULL",
	"ON",       "PRIMARY",    "REFERENCES",    "RESTRICT", "ROWID",      "SET",
	"STORED",   "STRICT",     "TABLE",         "TEMP",     "TEMPORARY",  "UNIQUE",
	"UPDATE",   "VIRTUAL",    "WHERE",         "WITHOUT",
};

struct tok {
	enum tok_kind kind;
	unsigned char kw;    /* enum kw of a word, KW_NONE for others */
	unsigned start, end; /* byte offsets in the text */
	unsigned line;
};

/* The keyword a word spells, in any case; KW_NONE when none. Most words
 * are names: the length, then the keywords of the same first letter only
 * (found through `first`, made on the first call), rule out nearly all of
 * them before any comparison. */
static unsigned char keyword(const char *s, size_t n)
{
	static unsigned char
		first[27]; /* keywords starting with 'A' + k: first[k] .. first[k + 1] */
	static int ready;
	size_t i, k, count = sizeof(keywords) / sizeof(keywords[0]);
	unsigned char c = (unsigned char)(s[0] & ~0x20);

	if (!ready) {
		for (k = 0, i = 0; k < 27; k++) {
			while (i < count && (size_t)(keywords[i][0] - 'A') < k)
				i++;
			first[k] = (unsigned char)i;
		}
		ready = 1;
	}
	if (n < 2 || n > 13 || c < 'A' || c > 'Z')
		return KW_NONE;
	for (i = first[c - 'A']; i < first[c - 'A' + 1]; i++)
		if (strlen(keywords[i]) == n && strncasecmp(keywords[i], s, n) == 0)
			return (unsigned char)(i + 1);
	return KW_NONE;
}

struct comment {
	unsigned start, end; /* the text between the markers */
	unsigned line;
};

struct lexed {
	const char *text;
	struct tok *toks;
	size_t n_toks, cap_toks;
	struct comment *comments;
	size_t n_comments, cap_comments;
};

/* The C locale's classes, spelled out: the lexer runs over every byte of
 * the schema, and these are cheaper than the <ctype.h> table look-ups. */
static int digit_char(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int alnum_char(unsigned char c)
{
	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || digit_char(c);
}

static int ident_char(unsigned char c)
{
	return alnum_char(c) || c == '_' || c == '$' || c >= 0x80;
}

/* One more slot in a malloc'd array that lives across statements (the
 * tokens of one statement are not needed after it). */
static void *more(void *items, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return items;
	*cap = *cap ? *cap * 2 : 256;
	items = realloc(items, *cap * elem);
	if (!items)
		abort();
	return items;
}

#define MORE(vec, n, cap) ((vec) = more((vec), (n), &(cap), sizeof(*(vec))), &(vec)[(n)++])

/* Splits `text` into tokens and comments, reusing lx's buffers (free them
 * with lex_free). */
static void lex(struct lexed *lx, const char *text)
{
	const char *p = text;
	unsigned line = 1;

	lx->n_toks = lx->n_comments = 0;
	lx->text = text;
	while (*p) {
		struct tok *t;
		const char *s = p;

		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v') {
			p++;
			continue;
		}
		if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')) {
			struct comment *c = MORE(lx->comments, lx->n_comments, lx->cap_comments);
			int block = p[0] == '/';

			p += 2;
			c->start = (unsigned)(p - text);
			c->line = line;
			while (*p && (block ? !(p[0] == '*' && p[1] == '/') : *p != '\n')) {
				if (*p == '\n')
					line++;
				p++;
			}
			c->end = (unsigned)(p - text);
			if (block && *p)
				p += 2;
			continue;
		}
		t = MORE(lx->toks, lx->n_toks, lx->cap_toks);
		t->line = line;
		t->kw = KW_NONE;
		if ((*p == 'x' || *p == 'X') && p[1] == '\'') {
			/* A blob literal, x'00ff'. */
			t->kind = TK_STRING;
			p += 2;
			while (*p && *p != '\'')
				p++;
			if (*p)
				p++;
		} else if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
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
		} else if (digit_char((unsigned char)*p) ||
			   (*p == '.' && digit_char((unsigned char)p[1]))) {
			t->kind = TK_NUMBER;
			while (alnum_char((unsigned char)*p) || *p == '.' ||
			       ((*p == '+' || *p == '-') && (p[-1] == 'e' || p[-1] == 'E')))
				p++;
		} else if (ident_char((unsigned char)*p)) {
			t->kind = TK_WORD;
			while (ident_char((unsigned char)*p))
				p++;
			t->kw = keyword(s, (size_t)(p - s));
		} else {
			t->kind = TK_PUNCT;
			p++;
		}
		t->start = (unsigned)(s - text);
		t->end = (unsigned)(p - text);
	}
}

/* 1 when token i is the keyword `kw`. */
static void lex_free(struct lexed *lx)
{
	free(lx->toks);
	free(lx->comments);
}

static int is_word(const struct lexed *lx, size_t i, enum kw kw)
{
	return i < lx->n_toks && lx->toks[i].kw == kw;
}

static int is_punct(const struct lexed *lx, size_t i, char c)
{
	return i < lx->n_toks && lx->toks[i].kind == TK_PUNCT && lx->text[lx->toks[i].start] == c;
}

/* A name token, unquoted ("a""b" -> a"b, [x] -> x). */
static const char *tok_name(const struct lexed *lx, size_t i, struct mg_arena *a)
{
	const struct tok *t = &lx->toks[i];
	const char *s = lx->text + t->start;
	size_t n = t->end - t->start, k, o = 0;
	char *r;

	if (t->kind == TK_WORD || t->kind == TK_NUMBER || t->kind == TK_PUNCT || n < 2)
		return mg_arena_strndup(a, s, n);
	if (s[0] == '[')
		return mg_arena_strndup(a, s + 1, n - 2);
	r = mg_arena_alloc(a, n);
	for (k = 1; k + 1 < n; k++) {
		r[o++] = s[k];
		if (s[k] == s[0] && s[k + 1] == s[0])
			k++;
	}
	r[o] = '\0';
	return r;
}

/* The token after the parenthesised group that opens at `i`. */
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

/* The source text from the start of token i to the end of token j - 1,
 * verbatim. */
static const char *span(const struct lexed *lx, size_t i, size_t j, struct mg_arena *a)
{
	if (j <= i)
		return "";
	return mg_arena_strndup(a, lx->text + lx->toks[i].start,
				lx->toks[j - 1].end - lx->toks[i].start);
}

/* The same, with runs of blanks made one space (for messages). */
static const char *span_collapsed(const struct lexed *lx, size_t i, size_t j, struct mg_arena *a)
{
	const char *s = span(lx, i, j, a);
	char *r = mg_arena_strdup(a, s), *o = r;
	int blank = 0;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			blank = 1;
			continue;
		}
		if (blank && o > r)
			*o++ = ' ';
		blank = 0;
		*o++ = *s;
	}
	*o = '\0';
	return r;
}

/* Column names of "( a [COLLATE x] [ASC|DESC], ... )" at `i` (the
 * parenthesis); an item that is not a plain name is NULL. */
static size_t name_list(const struct lexed *lx, size_t i, struct mg_arena *a, const char ***out,
			const char ***collations, int *desc)
{
	size_t n = 0, cap = 0, ccap = 0, nc = 0, end = skip_group(lx, i), k = i + 1;
	const char **v = NULL, **c = NULL;

	while (k + 1 < end) {
		size_t item = k, stop = k;
		int depth = 0;
		const char *coll = NULL;

		while (stop + 1 < end && !(depth == 0 && is_punct(lx, stop, ','))) {
			if (is_punct(lx, stop, '('))
				depth++;
			else if (is_punct(lx, stop, ')'))
				depth--;
			stop++;
		}
		/* name [COLLATE x] [ASC|DESC] */
		k = item + 1;
		if (is_word(lx, k, KW_COLLATE) && k + 1 < stop) {
			coll = tok_name(lx, k + 1, a);
			k += 2;
		}
		if (is_word(lx, k, KW_ASC) || is_word(lx, k, KW_DESC)) {
			if (desc && is_word(lx, k, KW_DESC))
				*desc = 1;
			k++;
		}
		if (is_word(lx, k, KW_AUTOINCREMENT))
			k++;
		*PUSH(a, v, n, cap) = k == stop && (lx->toks[item].kind == TK_WORD ||
						    lx->toks[item].kind == TK_IDENT ||
						    lx->toks[item].kind == TK_STRING)
					      ? tok_name(lx, item, a)
					      : NULL;
		*PUSH(a, c, nc, ccap) = coll;
		k = stop + 1;
	}
	*out = v;
	if (collations)
		*collations = c;
	return n;
}

static const char *comment_text(const struct lexed *lx, const struct comment *c, struct mg_arena *a)
{
	const char *p = lx->text + c->start, *e = lx->text + c->end;
	char *r = mg_arena_alloc(a, (size_t)(e - p) + 1), *o = r;
	int blank = 0;

	for (; p < e; p++) {
		if (isspace((unsigned char)*p)) {
			blank = 1;
			continue;
		}
		if (blank && o > r)
			*o++ = ' ';
		blank = 0;
		*o++ = *p;
	}
	*o = '\0';
	return o > r ? r : NULL;
}

static void append(struct mg_arena *a, const char **acc, const char *more)
{
	if (more)
		*acc = *acc ? mg_arena_printf(a, "%s %s", *acc, more) : more;
}

/*
 * The comment of the definition in tokens [first, last]: the comments on
 * the line where it ends (before or after its comma), else those on the
 * lines between the previous definition and it.
 */
static const char *def_comment(const struct lexed *lx, size_t first, size_t last, size_t next,
			       unsigned prev_end, size_t *cursor, struct mg_arena *a)
{
	unsigned end_line = lx->toks[last].line, next_start = lx->toks[next].start;
	const char *trailing = NULL, *leading = NULL;
	size_t i;

	if (is_punct(lx, last + 1, ','))
		end_line = lx->toks[last + 1].line;
	for (i = *cursor; i < lx->n_comments && lx->comments[i].start < next_start; i++) {
		const struct comment *c = &lx->comments[i];

		if (c->start > lx->toks[last].end && c->line == end_line)
			append(a, &trailing, comment_text(lx, c, a));
		else if (c->start > prev_end && c->end < lx->toks[first].start &&
			 (first == 0 || c->line > lx->toks[first - 1].line))
			append(a, &leading, comment_text(lx, c, a));
	}
	*cursor = i;
	return trailing ? trailing : leading;
}

/* ---- CREATE TABLE ------------------------------------------------------- */

/* An automatic index, in the order SQLite creates them. */
struct autoix {
	size_t n;
	const char **cols; /* column names as declared */
	int unique_index;  /* index into t->indexes, or -1 for the primary key */
};

struct tparse {
	struct mg_arena *a;
	struct pl_table *t;
	size_t cap_cols, cap_ix, cap_fk, cap_checks, cap_auto;
	struct autoix *autos;
	size_t n_autos;
	const char **pk_cols; /* the primary key's columns */
	size_t n_pk_cols;
	/* The key is one column declared INTEGER (not INTEGER PRIMARY KEY
	 * DESC): the rowid alias, without an index of its own, unless the table
	 * is WITHOUT ROWID (then its index comes last). */
	int pk_integer;
};

static struct pl_column *column_nocase(struct pl_table *t, const char *name)
{
	size_t i;

	for (i = 0; name && i < t->n_columns; i++)
		if (strcasecmp(t->columns[i].name, name) == 0)
			return &t->columns[i];
	return NULL;
}

static char action_of(const struct lexed *lx, size_t i)
{
	if (is_word(lx, i, KW_CASCADE))
		return 'c';
	if (is_word(lx, i, KW_RESTRICT))
		return 'r';
	if (is_word(lx, i, KW_SET))
		return is_word(lx, i + 1, KW_NULL) ? 'n' : 'd';
	return 'a';
}

/* REFERENCES t [(cols)] [ON DELETE|UPDATE act] [MATCH x] [[NOT] DEFERRABLE
 * [INITIALLY DEFERRED|IMMEDIATE]] starting at `i` (REFERENCES); returns the
 * token after it. */
static size_t read_references(struct tparse *tp, const struct lexed *lx, size_t i, size_t end,
			      struct pl_fk *fk)
{
	fk->on_delete = fk->on_update = 'a';
	fk->match = 's';
	i++;
	if (i >= end)
		return i;
	fk->ref_table = tok_name(lx, i++, tp->a);
	if (is_punct(lx, i, '(')) {
		size_t n = name_list(lx, i, tp->a, &fk->ref_columns, NULL, NULL);

		if (n != fk->n_columns)
			fk->ref_columns = NULL; /* SQLite would refuse it; keep it out */
		i = skip_group(lx, i);
	}
	while (i < end) {
		if (is_word(lx, i, KW_ON) &&
		    (is_word(lx, i + 1, KW_DELETE) || is_word(lx, i + 1, KW_UPDATE))) {
			char act = action_of(lx, i + 2);

			if (is_word(lx, i + 1, KW_DELETE))
				fk->on_delete = act;
			else
				fk->on_update = act;
			i += 3 + (is_word(lx, i + 2, KW_SET) || is_word(lx, i + 2, KW_NO));
		} else if (is_word(lx, i, KW_MATCH)) {
			fk->match = is_word(lx, i + 1, KW_FULL) ? 'f' : 's';
			i += 2;
		} else if (is_word(lx, i, KW_NOT) && is_word(lx, i + 1, KW_DEFERRABLE)) {
			i += 2;
			if (is_word(lx, i, KW_INITIALLY))
				i += 2;
		} else if (is_word(lx, i, KW_DEFERRABLE)) {
			fk->deferrable = 1;
			i++;
			if (is_word(lx, i, KW_INITIALLY)) {
				fk->deferred = is_word(lx, i + 1, KW_DEFERRED);
				i += 2;
			}
		} else {
			break;
		}
	}
	return i;
}

static void add_check(struct tparse *tp, const struct lexed *lx, size_t open, const char *name)
{
	struct pl_check *c = PUSH(tp->a, tp->t->checks, tp->t->n_checks, tp->cap_checks);

	c->name = name;
	c->expr = span_collapsed(lx, open + 1, skip_group(lx, open) - 1, tp->a);
}

static void add_auto(struct tparse *tp, size_t n, const char **cols, int unique_index)
{
	struct autoix *x;
	size_t i, j;

	/* SQLite does not make a second index on the same columns. */
	for (i = 0; i < tp->n_autos; i++) {
		if (tp->autos[i].n != n)
			continue;
		for (j = 0; j < n; j++)
			if (!cols[j] || !tp->autos[i].cols[j] ||
			    strcasecmp(cols[j], tp->autos[i].cols[j]) != 0)
				break;
		if (j == n) {
			/* A UNIQUE merges into the index already there; the
			 * primary key takes over a UNIQUE index made before it. */
			if (unique_index >= 0)
				tp->t->indexes[unique_index].name = NULL;
			else if (tp->autos[i].unique_index >= 0) {
				tp->t->indexes[tp->autos[i].unique_index].name = NULL;
				tp->autos[i].unique_index = -1;
			}
			return;
		}
	}
	x = PUSH(tp->a, tp->autos, tp->n_autos, tp->cap_auto);
	x->n = n;
	x->cols = cols;
	x->unique_index = unique_index;
}

static void add_unique(struct tparse *tp, size_t n, const char **cols)
{
	struct pl_index *ix = PUSH(tp->a, tp->t->indexes, tp->t->n_indexes, tp->cap_ix);

	ix->unique = 1;
	ix->constraint = 1;
	ix->n_columns = n;
	ix->columns = cols;
	ix->name = "";
	add_auto(tp, n, cols, (int)(tp->t->n_indexes - 1));
}

/* The primary key has just been read (its columns in tp->pk_cols): its
 * index comes now, as SQLite makes it, unless it may be the rowid. */
static void pk_now(struct tparse *tp, int desc_inline)
{
	struct pl_column *c = column_nocase(tp->t, tp->pk_cols[0]);

	tp->pk_integer =
		tp->n_pk_cols == 1 && c && strcasecmp(c->type, "INTEGER") == 0 && !desc_inline;
	if (!tp->pk_integer)
		add_auto(tp, tp->n_pk_cols, tp->pk_cols, -1);
}

/* The DEFAULT at `i` (the word DEFAULT): stores the text as SQLite does
 * (the expression inside the parentheses, or the literal with its sign)
 * and returns the token after it. */
static size_t read_default(const struct lexed *lx, size_t i, size_t end, struct pl_column *c,
			   struct mg_arena *a)
{
	i++;
	if (i >= end)
		return i;
	if (is_punct(lx, i, '(')) {
		size_t close = skip_group(lx, i) - 1;

		c->dflt = span(lx, i + 1, close, a);
		return close + 1;
	}
	if ((is_punct(lx, i, '-') || is_punct(lx, i, '+')) && i + 1 < end) {
		c->dflt = span(lx, i, i + 2, a);
		return i + 2;
	}
	c->dflt = span(lx, i, i + 1, a);
	return i + 1;
}

/* One column definition, tokens [i, end). */
static void read_column(struct tparse *tp, const struct lexed *lx, size_t i, size_t end)
{
	struct pl_table *t = tp->t;
	struct pl_column *c = PUSH(tp->a, t->columns, t->n_columns, tp->cap_cols);
	const char *pending = NULL;
	size_t type_start = i + 1, k = i + 1;

	c->name = tok_name(lx, i, tp->a);
	/* The type: names and one parenthesised size, up to a constraint. */
	while (k < end && !is_word(lx, k, KW_CONSTRAINT) && !is_word(lx, k, KW_PRIMARY) &&
	       !is_word(lx, k, KW_NOT) && !is_word(lx, k, KW_NULL) && !is_word(lx, k, KW_UNIQUE) &&
	       !is_word(lx, k, KW_CHECK) && !is_word(lx, k, KW_DEFAULT) &&
	       !is_word(lx, k, KW_COLLATE) && !is_word(lx, k, KW_REFERENCES) &&
	       !is_word(lx, k, KW_GENERATED) && !is_word(lx, k, KW_AS))
		k = is_punct(lx, k, '(') ? skip_group(lx, k) : k + 1;
	c->type = span(lx, type_start, k, tp->a);
	while (k < end) {
		if (is_word(lx, k, KW_CONSTRAINT) && k + 1 < end) {
			pending = tok_name(lx, k + 1, tp->a);
			k += 2;
		} else if (is_word(lx, k, KW_PRIMARY)) {
			const char **one = mg_arena_calloc(tp->a, 1, sizeof(*one));

			c->pk = 1;
			t->pk_name = pending;
			t->pk_inline = 1;
			pending = NULL;
			k += 2;
			one[0] = c->name;
			tp->pk_cols = one;
			tp->n_pk_cols = 1;
			pk_now(tp, is_word(lx, k, KW_DESC));
		} else if (is_word(lx, k, KW_AUTOINCREMENT)) {
			c->autoincrement = 1;
			k++;
		} else if (is_word(lx, k, KW_NOT) && is_word(lx, k + 1, KW_NULL)) {
			c->notnull = 1;
			pending = NULL;
			k += 2;
		} else if (is_word(lx, k, KW_UNIQUE)) {
			const char **one = mg_arena_calloc(tp->a, 1, sizeof(*one));

			one[0] = c->name;
			add_unique(tp, 1, one);
			pending = NULL;
			k++;
		} else if (is_word(lx, k, KW_CHECK) && is_punct(lx, k + 1, '(')) {
			add_check(tp, lx, k + 1, pending);
			pending = NULL;
			k = skip_group(lx, k + 1);
		} else if (is_word(lx, k, KW_DEFAULT)) {
			k = read_default(lx, k, end, c, tp->a);
			pending = NULL;
		} else if (is_word(lx, k, KW_COLLATE) && k + 1 < end) {
			c->collation = tok_name(lx, k + 1, tp->a);
			k += 2;
		} else if (is_word(lx, k, KW_REFERENCES)) {
			struct pl_fk *fk = PUSH(tp->a, t->fks, t->n_fks, tp->cap_fk);

			fk->name = pending;
			fk->n_columns = 1;
			fk->columns = mg_arena_calloc(tp->a, 1, sizeof(*fk->columns));
			fk->columns[0] = c->name;
			pending = NULL;
			k = read_references(tp, lx, k, end, fk);
		} else if (is_word(lx, k, KW_GENERATED) || is_word(lx, k, KW_AS)) {
			while (k < end && !is_punct(lx, k, '('))
				k++;
			if (k < end) {
				size_t close = skip_group(lx, k);

				c->generated = span_collapsed(lx, k + 1, close - 1, tp->a);
				k = close;
			}
			if (is_word(lx, k, KW_STORED) || is_word(lx, k, KW_VIRTUAL))
				k++;
		} else if (is_word(lx, k, KW_ON) && is_word(lx, k + 1, KW_CONFLICT)) {
			size_t o = 0;

			while (t->options[o])
				o++;
			if (o < 4)
				t->options[o] = span_collapsed(lx, k, k + 3, tp->a);
			k += 3;
		} else {
			k = is_punct(lx, k, '(') ? skip_group(lx, k) : k + 1;
		}
	}
}

/* One table constraint, tokens [i, end). */
static void read_table_constraint(struct tparse *tp, const struct lexed *lx, size_t i, size_t end)
{
	struct pl_table *t = tp->t;
	const char *name = NULL;

	if (is_word(lx, i, KW_CONSTRAINT) && i + 1 < end) {
		name = tok_name(lx, i + 1, tp->a);
		i += 2;
	}
	if (is_word(lx, i, KW_PRIMARY) && is_punct(lx, i + 2, '(')) {
		t->pk_name = name;
		tp->n_pk_cols = name_list(lx, i + 2, tp->a, &tp->pk_cols, NULL, NULL);
		if (tp->n_pk_cols)
			pk_now(tp, 0);
		i = skip_group(lx, i + 2);
	} else if (is_word(lx, i, KW_UNIQUE) && is_punct(lx, i + 1, '(')) {
		const char **cols;
		size_t n = name_list(lx, i + 1, tp->a, &cols, NULL, NULL);

		add_unique(tp, n, cols);
		i = skip_group(lx, i + 1);
	} else if (is_word(lx, i, KW_CHECK) && is_punct(lx, i + 1, '(')) {
		add_check(tp, lx, i + 1, name);
		i = skip_group(lx, i + 1);
	} else if (is_word(lx, i, KW_FOREIGN) && is_punct(lx, i + 2, '(')) {
		struct pl_fk *fk = PUSH(tp->a, t->fks, t->n_fks, tp->cap_fk);

		fk->name = name;
		fk->n_columns = name_list(lx, i + 2, tp->a, &fk->columns, NULL, NULL);
		i = skip_group(lx, i + 2);
		if (is_word(lx, i, KW_REFERENCES))
			i = read_references(tp, lx, i, end, fk);
	}
	if (is_word(lx, i, KW_ON) && is_word(lx, i + 1, KW_CONFLICT)) {
		size_t o = 0;

		while (t->options[o])
			o++;
		if (o < 4)
			t->options[o] = span_collapsed(lx, i, i + 3, tp->a);
	}
}

/*
 * Parses a CREATE TABLE statement into `t` (name and sql already set).
 * Returns 0, or -1 when the text is not understood. The automatic indexes
 * come back in tp->autos, in SQLite's order.
 */
static int parse_table(struct tparse *tp, struct lexed *scratch, const char *sql)
{
	struct pl_table *t = tp->t;
	struct lexed lx;
	size_t i = 0, open, close, start, cursor = 0, k;
	unsigned prev_end;
	int without_rowid = 0;

	lex(scratch, sql);
	lx = *scratch;
	if (!is_word(&lx, i++, KW_CREATE))
		return -1;
	if (is_word(&lx, i, KW_TEMP) || is_word(&lx, i, KW_TEMPORARY))
		i++;
	if (!is_word(&lx, i++, KW_TABLE))
		return -1;
	if (is_word(&lx, i, KW_IF))
		i += 3;
	i++;
	if (is_punct(&lx, i, '.'))
		i += 2;
	if (!is_punct(&lx, i, '('))
		return -1;
	open = i;
	close = skip_group(&lx, open) - 1;
	if (close >= lx.n_toks || !is_punct(&lx, close, ')') || close == open + 1)
		return -1;
	for (k = 0; k < lx.n_comments; k++)
		if (lx.comments[k].start > lx.toks[open].end &&
		    lx.comments[k].start < lx.toks[open + 1].start &&
		    lx.comments[k].line == lx.toks[open].line)
			append(tp->a, &t->comment, comment_text(&lx, &lx.comments[k], tp->a));
	for (k = close + 1; k < lx.n_toks; k++) {
		if (is_word(&lx, k, KW_WITHOUT) && is_word(&lx, k + 1, KW_ROWID))
			without_rowid = 1;
		if (is_word(&lx, k, KW_STRICT)) {
			size_t o = 0;

			while (t->options[o])
				o++;
			t->options[o] = "STRICT";
		}
	}
	if (without_rowid) {
		size_t o = 0;

		while (t->options[o])
			o++;
		memmove(&t->options[1], &t->options[0], o * sizeof(t->options[0]));
		t->options[0] = "WITHOUT ROWID";
	}

	/* Room for every item as a column, so the array is made once (a
	 * thousand tables' columns grown by doubling were megabytes). */
	{
		size_t items = 1, depth = 0;

		for (k = open + 1; k < close; k++)
			if (is_punct(&lx, k, '('))
				depth++;
			else if (is_punct(&lx, k, ')'))
				depth--;
			else if (depth == 0 && is_punct(&lx, k, ','))
				items++;
		if (!t->columns) {
			t->columns = mg_arena_calloc(tp->a, items, sizeof(*t->columns));
			tp->cap_cols = items;
		}
	}
	start = open + 1;
	prev_end = lx.toks[open].end;
	while (start < close) {
		size_t end = start;
		int depth = 0, constraint;

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
		constraint = is_word(&lx, start, KW_CONSTRAINT) ||
			     is_word(&lx, start, KW_PRIMARY) || is_word(&lx, start, KW_UNIQUE) ||
			     is_word(&lx, start, KW_CHECK) || is_word(&lx, start, KW_FOREIGN);
		if (constraint) {
			read_table_constraint(tp, &lx, start, end);
		} else {
			read_column(tp, &lx, start, end);
			t->columns[t->n_columns - 1].comment =
				def_comment(&lx, start, end - 1, end < close ? end + 1 : close,
					    prev_end, &cursor, tp->a);
		}
		prev_end = end < close ? lx.toks[end].end : lx.toks[end - 1].end;
		start = end + 1;
	}

	/* The primary key: positions, the rowid alias, and the index of the
	 * INTEGER key of a WITHOUT ROWID table, which SQLite makes last. */
	for (k = 0; k < tp->n_pk_cols; k++) {
		struct pl_column *c = column_nocase(t, tp->pk_cols[k]);

		if (!c)
			return -1;
		c->pk = (unsigned)k + 1;
		tp->pk_cols[k] = c->name;
		if (without_rowid)
			c->notnull = 1; /* SQLite makes it so */
	}
	if (tp->pk_integer && !without_rowid)
		column_nocase(t, tp->pk_cols[0])->identity = 'r';
	else if (tp->pk_integer) {
		add_auto(tp, tp->n_pk_cols, tp->pk_cols, -1);
		/* modelgen creates rowid tables, where that key is the rowid
		 * alias (generated): dbupdate would find them different. */
		t->unmanageable = "WITHOUT ROWID with an INTEGER PRIMARY KEY (in a table "
				  "modelgen creates that is the rowid, generated)";
	}
	/* Column names as declared, for the lists that name them. */
	for (k = 0; k < t->n_fks; k++) {
		struct pl_fk *fk = &t->fks[k];
		size_t m;

		for (m = 0; m < fk->n_columns; m++) {
			struct pl_column *c = column_nocase(t, fk->columns[m]);

			if (!c)
				return -1;
			fk->columns[m] = c->name;
		}
	}
	for (k = 0; k < t->n_indexes; k++) {
		struct pl_index *ix = &t->indexes[k];
		size_t m;

		for (m = 0; m < ix->n_columns; m++) {
			struct pl_column *c = column_nocase(t, ix->columns[m]);

			if (!c)
				return -1;
			ix->columns[m] = c->name;
		}
	}
	return 0;
}

/* ---- CREATE INDEX ----------------------------------------------------------- */

/* Parses a CREATE INDEX statement onto its table; -1 when not understood. */
static int parse_index(struct pl_table *t, size_t *cap_ix, const char *name, const char *sql,
		       struct lexed *scratch, struct mg_arena *a)
{
	struct lexed lx;
	struct pl_index *ix;
	const char **colls;
	size_t i = 0, close, k;
	int unique = 0, desc = 0;

	lex(scratch, sql);
	lx = *scratch;
	if (!is_word(&lx, i++, KW_CREATE))
		return -1;
	if (is_word(&lx, i, KW_UNIQUE)) {
		unique = 1;
		i++;
	}
	if (!is_word(&lx, i++, KW_INDEX))
		return -1;
	if (is_word(&lx, i, KW_IF))
		i += 3;
	i++;
	if (is_punct(&lx, i, '.'))
		i += 2;
	if (!is_word(&lx, i, KW_ON))
		return -1;
	i += 2;
	if (!is_punct(&lx, i, '('))
		return -1;
	ix = PUSH(a, t->indexes, t->n_indexes, *cap_ix);
	ix->name = name;
	ix->unique = unique;
	ix->n_columns = name_list(&lx, i, a, &ix->columns, &colls, &desc);
	close = skip_group(&lx, i);
	if (desc)
		ix->unusual = "DESC";
	for (k = 0; k < ix->n_columns; k++) {
		struct pl_column *c = column_nocase(t, ix->columns[k]);

		if (ix->columns[k] && !c)
			ix->columns[k] = NULL; /* an expression that looks like a name */
		if (c)
			ix->columns[k] = c->name;
		if (colls[k] && !ix->unusual &&
		    !(c && c->collation ? strcasecmp(colls[k], c->collation) == 0
					: strcasecmp(colls[k], "BINARY") == 0))
			ix->unusual = mg_arena_printf(a, "COLLATE %s", colls[k]);
	}
	if (is_word(&lx, close, KW_WHERE)) {
		ix->partial = 1;
		ix->sql = mg_arena_printf(a, "WHERE %s",
					  span_collapsed(&lx, close + 1, lx.n_toks, a));
	}
	return 0;
}

/* ---- the reader ------------------------------------------------------------- */

static int cmp_index(const void *a, const void *b)
{
	const struct pl_index *x = a, *y = b;

	return strcmp(x->name, y->name);
}

struct row {
	const char *type, *name, *table, *sql;
};

int pull_read_sqlite(struct pl_catalog *cat, struct mg_db *db, struct mg_arena *a,
		     struct mg_strbuf *err)
{
	struct mg_rows *rows = NULL;
	struct row *v = NULL;
	size_t n = 0, cap = 0, cap_tables = 0, cap_objects = 0, i, j;
	size_t *cap_ix;
	struct tparse *tps;
	struct lexed scratch = {0};
	int rc = -1, r;

	if (mg_db_query(&rows, db,
			"SELECT type, name, tbl_name, sql FROM sqlite_schema"
			" WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'"
			" AND name <> 'sqlite_sequence'",
			0, NULL) != 0) {
		mg_strbuf_printf(err, "reading the schema: %s", mg_db_errmsg(db));
		return -1;
	}
	while ((r = mg_rows_next(rows)) == 1) {
		struct row *w = PUSH(a, v, n, cap);

		w->type = mg_arena_strdup(a, mg_rows_text(rows, 0));
		w->name = mg_arena_strdup(a, mg_rows_text(rows, 1));
		w->table = mg_arena_strdup(a, mg_rows_text(rows, 2));
		w->sql = mg_rows_text(rows, 3) ? mg_arena_strdup(a, mg_rows_text(rows, 3)) : NULL;
	}
	if (r < 0) {
		mg_strbuf_printf(err, "reading the schema: %s", mg_db_errmsg(db));
		goto done;
	}

	/* Tables first, sorted, so that indexes and keys find theirs. */
	for (i = 0; i < n; i++) {
		struct pl_table *t;

		if (strcmp(v[i].type, "table") != 0)
			continue;
		if (strcmp(v[i].name, "modelgen_migrations") == 0)
			cat->managed = 1;
		t = PUSH(a, cat->tables, cat->n_tables, cap_tables);
		t->name = v[i].name;
		t->sql = v[i].sql ? v[i].sql : "";
	}
	if (cat->n_tables)
		qsort(cat->tables, cat->n_tables, sizeof(*cat->tables), pull_cmp_table);
	tps = mg_arena_calloc(a, cat->n_tables + 1, sizeof(*tps));
	cap_ix = mg_arena_calloc(a, cat->n_tables + 1, sizeof(*cap_ix));
	for (i = 0; i < cat->n_tables; i++) {
		struct pl_table *t = &cat->tables[i];

		tps[i].a = a;
		tps[i].t = t;
		if (strncasecmp(t->sql, "CREATE VIRTUAL TABLE", 20) == 0) {
			t->unmanageable = "a virtual table (CREATE VIRTUAL TABLE)";
			continue;
		}
		if (parse_table(&tps[i], &scratch, t->sql)) {
			t->unmanageable = "its CREATE TABLE statement could not be read";
			t->n_columns = t->n_indexes = t->n_fks = t->n_checks = 0;
			continue;
		}
		cap_ix[i] = tps[i].cap_ix;
	}
	/* A virtual table's shadow tables are named after it: <vtab>_<suffix>. */
	for (i = 0; i < cat->n_tables; i++) {
		const struct pl_table *vt = &cat->tables[i];
		size_t len = strlen(vt->name);

		if (!vt->unmanageable || strncmp(vt->unmanageable, "a virtual", 9) != 0)
			continue;
		for (j = 0; j < cat->n_tables; j++)
			if (j != i && strncasecmp(cat->tables[j].name, vt->name, len) == 0 &&
			    cat->tables[j].name[len] == '_' && !cat->tables[j].unmanageable)
				cat->tables[j].unmanageable = "a shadow table of a virtual table";
	}

	/* Indexes, views, triggers; automatic indexes checked. */
	for (i = 0; i < n; i++) {
		struct pl_table *t;
		size_t k;

		if (strcmp(v[i].type, "view") == 0) {
			pull_add_object(cat, a, &cap_objects, "view", v[i].name, NULL, NULL);
			continue;
		}
		if (strcmp(v[i].type, "trigger") == 0) {
			pull_add_object(cat, a, &cap_objects, "trigger", v[i].name, v[i].table,
					NULL);
			continue;
		}
		if (strcmp(v[i].type, "index") != 0)
			continue;
		t = pull_find_table(cat, v[i].table);
		if (!t || t->unmanageable)
			continue;
		k = (size_t)(t - cat->tables);
		if (!v[i].sql) {
			/* An automatic index: one of the ones parse_table made. */
			struct tparse *tp = &tps[k];
			unsigned num = 0;
			const char *prefix = mg_arena_printf(a, "sqlite_autoindex_%s_", t->name);
			size_t pl = strlen(prefix);

			if (strncmp(v[i].name, prefix, pl) == 0)
				num = (unsigned)strtoul(v[i].name + pl, NULL, 10);
			if (num == 0 || num > tp->n_autos) {
				t->unmanageable =
					"its automatic indexes do not match its UNIQUE and "
					"PRIMARY KEY constraints as read";
				continue;
			}
			if (tp->autos[num - 1].unique_index >= 0)
				t->indexes[tp->autos[num - 1].unique_index].name = v[i].name;
			continue;
		}
		if (parse_index(t, &cap_ix[k], v[i].name, v[i].sql, &scratch, a))
			t->unmanageable =
				mg_arena_printf(a, "its index %s could not be read", v[i].name);
	}
	for (i = 0; i < cat->n_tables; i++) {
		struct pl_table *t = &cat->tables[i];
		size_t keep = 0, k;

		if (t->unmanageable)
			continue;
		/* Every automatic index SQLite listed was named above; one the
		 * parse expected but SQLite does not have means the parse is
		 * wrong. Merged duplicates have no name. */
		for (k = 0; k < t->n_indexes; k++) {
			if (!t->indexes[k].name)
				continue;
			if (!t->indexes[k].name[0]) {
				t->unmanageable =
					"its automatic indexes do not match its UNIQUE and "
					"PRIMARY KEY constraints as read";
				break;
			}
			t->indexes[keep++] = t->indexes[k];
		}
		if (t->unmanageable)
			continue;
		t->n_indexes = keep;
		if (t->n_indexes > 1)
			qsort(t->indexes, t->n_indexes, sizeof(*t->indexes), cmp_index);
	}

	/* Keys: the parent's spelling of its name, implicit columns resolved. */
	for (i = 0; i < cat->n_tables; i++) {
		struct pl_table *t = &cat->tables[i];

		for (j = 0; j < t->n_fks; j++) {
			struct pl_fk *fk = &t->fks[j];
			struct pl_table *parent = pull_find_table_nocase(cat, fk->ref_table);
			size_t k, m;

			if (parent)
				fk->ref_table = parent->name;
			if (!fk->ref_columns) {
				fk->ref_columns = mg_arena_calloc(a, fk->n_columns + 1,
								  sizeof(*fk->ref_columns));
				for (k = 0; k < fk->n_columns; k++)
					for (m = 0; parent && m < parent->n_columns; m++)
						if (parent->columns[m].pk == k + 1)
							fk->ref_columns[k] =
								parent->columns[m].name;
			}
			for (k = 0; k < fk->n_columns; k++) {
				struct pl_column *c =
					parent ? column_nocase(parent, fk->ref_columns[k]) : NULL;

				if (c)
					fk->ref_columns[k] = c->name;
				else if (!fk->ref_columns[k])
					fk->ref_columns[k] = "";
			}
		}
	}
	rc = 0;
done:
	lex_free(&scratch);
	mg_rows_free(rows);
	return rc;
}
