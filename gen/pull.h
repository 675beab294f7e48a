/*
 * `modelgen pull` (issue 14): model headers from a live database. Four
 * stages, one file each: read the catalog (pull_catalog.c: SQLite and
 * PostgreSQL, through the runtime's public data API only), decide the model
 * and list what it cannot say (pull_map.c), write the headers
 * (pull_write.c), and the command around them (pull.c).
 */
#ifndef MG_GEN_PULL_H
#define MG_GEN_PULL_H

#include <stddef.h>

#include "commands.h"
#include "modelgen/db.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* ---- the catalog as read ------------------------------------------------- */

struct pl_column {
	const char *name;
	const char *type; /* SQLite: as declared ("" for none); PostgreSQL: format_type */
	int notnull;
	const char *dflt; /* as stored (SQLite text, pg_get_expr); NULL for none */
	unsigned pk;      /* position in the primary key, from 1; 0 when not in it */
	/* PostgreSQL attidentity ('a' always, 'd' by default); 'r' for a SQLite
	 * rowid alias; 0 otherwise. */
	char identity;
	int serial;              /* PostgreSQL: the default is nextval() of a sequence it owns */
	const char *generated;   /* generated column: its expression; NULL otherwise */
	const char *collation;   /* a collation other than the type's; NULL otherwise */
	const char *comment;     /* PostgreSQL comment, SQLite -- comment; NULL for none */
	const char *type_origin; /* PostgreSQL: "enum type mood" etc. when the type is
				  * not built in; NULL otherwise */
	int autoincrement;       /* SQLite AUTOINCREMENT */
};

struct pl_index {
	const char *name;
	int unique;
	/* The index of a UNIQUE constraint (PostgreSQL), or SQLite's automatic
	 * index of a UNIQUE in the table definition. */
	int constraint;
	int deferrable;
	size_t n_columns;
	const char **columns; /* NULL for an expression */
	int partial;
	const char *unusual; /* what makes it more than a list of columns ("DESC",
			      * "using gin", ...); NULL for nothing */
	const char *sql;     /* a partial index's WHERE clause; NULL otherwise */
	/* SQLite: the column whose collation made `unusual` (an index takes
	 * its columns' collations), or NULL. */
	const char *collated;
};

struct pl_fk {
	const char *name; /* NULL when the database keeps none (SQLite) */
	size_t n_columns;
	const char **columns;
	const char **ref_columns; /* resolved (SQLite: the parent's key when implicit) */
	const char *ref_table;
	const char *ref_schema;    /* PostgreSQL: set when not the current schema */
	char on_delete, on_update; /* 'a' no action, 'r' restrict, 'c' cascade,
				    * 'n' set null, 'd' set default */
	int deferrable, deferred;
	char match; /* 's' simple, 'f' full, 'p' partial */
};

struct pl_check {
	const char *name; /* NULL when unnamed */
	const char *expr;
};

struct pl_table {
	const char *name;
	const char *comment;
	size_t n_columns;
	struct pl_column *columns; /* in order */
	size_t n_indexes;
	struct pl_index *indexes; /* sorted by name */
	size_t n_fks;
	struct pl_fk *fks;
	size_t n_checks;
	struct pl_check *checks;
	const char *pk_name; /* PostgreSQL constraint name; SQLite CONSTRAINT name; NULL */
	int pk_inline;       /* SQLite: PRIMARY KEY written on its column */
	/* Storage options the model cannot state: "WITHOUT ROWID", "STRICT",
	 * "UNLOGGED", "row level security"; NULL-terminated. */
	const char *options[5];
	/* Why the table cannot be a model table at all ("a virtual table",
	 * "partitioned", ...); NULL when it can. */
	const char *unmanageable;
	const char *sql; /* SQLite: the CREATE TABLE text */
};

/* Everything else in the schema, reported: views, triggers, sequences, ... */
struct pl_object {
	const char *kind; /* "view", "trigger", "sequence", "function", ... */
	const char *name;
	const char *table;  /* the table it is on, or NULL */
	const char *detail; /* a short description, or NULL */
};

struct pl_catalog {
	enum mg_dialect dialect;
	size_t n_tables;
	struct pl_table *tables; /* sorted by name (strcmp) */
	size_t n_objects;
	struct pl_object *objects;
	int managed;            /* has modelgen bookkeeping (modelgen_migrations) */
	const char *managed_at; /* its latest migration name, or NULL */
};

/*
 * Reads the catalog of `db` (PostgreSQL: current_schema() only) into *out,
 * allocated in `arena`. Returns 0, or -1 with a one-line message in `err`.
 */
int pull_read(struct pl_catalog *out, struct mg_db *db, struct mg_arena *arena,
	      struct mg_strbuf *err);

/* pull_read's SQLite half (pull_sqlite.c). */
int pull_read_sqlite(struct pl_catalog *out, struct mg_db *db, struct mg_arena *arena,
		     struct mg_strbuf *err);

/* Helpers the pull stages share (pull_catalog.c). pull_grow makes room
 * for one more `elem`-byte item in an arena array of n with capacity *cap;
 * PUSH appends one (zeroed) item and returns it. */
void *pull_grow(struct mg_arena *a, void *items, size_t n, size_t *cap, size_t elem);
#define PUSH(arena, vec, n, cap)                                                                   \
	((vec) = pull_grow((arena), (vec), (n), &(cap), sizeof(*(vec))), &(vec)[(n)++])
int pull_cmp_table(const void *a, const void *b); /* by name, for qsort */
/* The table called `name` (tables sorted by name); the _nocase one also
 * finds it spelled in another case, as SQLite does. NULL when none. */
struct pl_table *pull_find_table(struct pl_catalog *cat, const char *name);
struct pl_table *pull_find_table_nocase(struct pl_catalog *cat, const char *name);
void pull_add_object(struct pl_catalog *cat, struct mg_arena *a, size_t *cap, const char *kind,
		     const char *name, const char *table, const char *detail);

/* ---- the model decided --------------------------------------------------- */

/* What pull does with something the model language cannot say. */
enum pm_action {
	PM_NOTE,     /* said differently, same meaning: the result stays exact */
	PM_SKIP,     /* left in the database, not in the models */
	PM_APPROX,   /* in the models in a form that differs */
	PM_LEFT_OUT, /* a table modelgen will not manage */
};

struct pm_finding {
	const char *subject; /* "table users", "view active_users" */
	const char *what;    /* "CHECK (age >= 0)" */
	enum pm_action action;
	const char *why; /* consequence or reason, may be NULL */
};

struct pm_field {
	const char *ctype; /* "int64_t", "char", "char *", "struct mg_blob", ... */
	const char *name;  /* the field name */
	unsigned array;    /* N of name[N]; 0 for none */
	size_t n_anns;
	const char **anns; /* "MG_PRIMARY_KEY", "MG_DEFAULT(\"0\")", ... */
	const char *doc;   /* doc comment text, or NULL */
};

struct pm_struct {
	const char *table;
	const char *tag;  /* struct tag */
	const char *file; /* file name in the models folder ("users.h") */
	const char *doc;  /* table comment, or NULL */
	size_t n_anns;
	const char **anns; /* struct annotations after MG_TABLE */
	size_t n_fields;
	struct pm_field *fields;
	size_t n_notes;
	const char **notes; /* plain comments above the struct: what the model leaves out */
};

struct pm_result {
	size_t n_structs;
	struct pm_struct *structs; /* sorted by file name */
	size_t n_findings;
	struct pm_finding *findings; /* in report order */
	size_t n_foreign;
	const char **foreign; /* tables left out, sorted */
};

/* Decides the headers for `cat` and the findings. Allocates in `arena`. */
void pull_map(struct pm_result *out, const struct pl_catalog *cat, struct mg_arena *arena);

/* ---- writing ------------------------------------------------------------- */

/* The text of the header for `s`, appended to `b`. */
void pull_render(struct mg_strbuf *b, const struct pm_struct *s);

/* The text of one header `file` holding every struct of `r`, appended to
 * `b` (pull --header). */
void pull_render_all(struct mg_strbuf *b, const struct pm_result *r, const char *file);

/* The file name of the header that lists the tables left out. */
#define PULL_FOREIGN_FILE "modelgen_foreign.h"

/* The text of PULL_FOREIGN_FILE for r's tables left out (one
 * MG_FOREIGN_TABLE each), appended to `b`. */
void pull_render_foreign(struct mg_strbuf *b, const struct pm_result *r, struct mg_arena *arena);

/* `s` as a C string literal (in `a`). */
const char *pull_c_string(struct mg_arena *a, const char *s);

/* ---- the command --------------------------------------------------------- */

/* `modelgen pull [URL] [--header FILE] [--force] [--dry-run] [--notes]`; returns an MG_EXIT_* code.
 */
int pull_command(const struct cli *cli);

#endif
