/*
 * The model parser (gen/parse.c) and validation (gen/model.c), on headers
 * written to a scratch directory: the schema it builds, the locations it
 * keeps, derived names, doc comments and the diagnostics it gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "util/sha256.h"

struct fixture {
	char dir[64];
	struct diag_list diags;
	struct model *model;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/mg-parse-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	model_free(f->model);
	diag_free(&f->diags);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void write_file(struct fixture *f, const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int parse(struct fixture *f)
{
	struct parse_options o = {0};

	o.n_models_dirs = 1;
	o.models_dirs = (const char *const[]){f->dir};
	model_free(f->model);
	f->model = NULL;
	diag_free(&f->diags);
	return parse_models(&f->model, &o, &f->diags);
}

/* The printed diagnostics, with the scratch directory replaced by "M". */
static char *printed(struct fixture *f)
{
	static char out[4096];
	char raw[4096], *p;
	size_t n, o, dl = strlen(f->dir);
	FILE *fp = tmpfile();

	assert_non_null(fp);
	diag_print(&f->diags, fp);
	rewind(fp);
	n = fread(raw, 1, sizeof(raw) - 1, fp);
	raw[n] = '\0';
	fclose(fp);
	for (p = raw, o = 0; *p && o + 2 < sizeof(out);) {
		if (strncmp(p, f->dir, dl) == 0) {
			out[o++] = 'M';
			p += dl;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return out;
}

#define HEAD "#include <stdbool.h>\n#include <stdint.h>\n#include <modelgen/model.h>\n"

static void test_tables_and_columns(void **state)
{
	struct fixture *f = *state;
	const struct mg_schema *s;
	const struct mg_table *t;
	char loc_file[128];

	write_file(f, "b.h",
		   HEAD "/** Users.\n * Second line. */\n"
			"struct MG_TABLE(\"users\") MG_INDEX_ON(\"login, id\") user {\n"
			"\tint64_t id MG_PRIMARY_KEY; /**< The key. */\n"
			"\tchar name[33] MG_UNIQUE MG_COLUMN(\"login\");\n"
			"\tbool ok MG_DEFAULT(\"true\") MG_RENAMED_FROM(\"fine\");\n"
			"\tint64_t parent MG_NULLABLE MG_REFERENCES(\"users\", \"id\") "
			"MG_ON_DELETE(\"set null\");\n"
			"\tvoid *p MG_IGNORE;\n"
			"};\n");
	write_file(f, "a.h",
		   HEAD "struct MG_TABLE(\"tags\") tag { int32_t id MG_PRIMARY_KEY; };\n"
			"struct plain { int x; };\n");
	write_file(f, "notes.txt", "not a model\n");
	parse(f);
	assert_string_equal(printed(f), "");
	s = &f->model->schema;

	assert_int_equal(f->model->n_sources, 2);
	snprintf(loc_file, sizeof(loc_file), "%s/a.h", f->dir);
	assert_string_equal(f->model->sources[0], loc_file);

	assert_int_equal(s->n_tables, 2);
	assert_string_equal(s->tables[0].name, "tags");
	assert_int_equal(s->tables[0].columns[0].type, MG_COL_INTEGER);
	assert_true(s->tables[0].columns[0].identity);
	t = &s->tables[1];
	assert_string_equal(t->name, "users");
	assert_string_equal(t->comment, "Users. Second line.");
	assert_int_equal(t->n_columns, 4);
	assert_string_equal(t->columns[0].comment, "The key.");
	assert_true(t->columns[0].identity);
	assert_string_equal(t->columns[1].name, "login");
	assert_int_equal(t->columns[1].type, MG_COL_VARCHAR);
	assert_int_equal(t->columns[1].length, 32);
	assert_string_equal(t->columns[2].default_sql, "true");
	assert_string_equal(t->columns[2].renamed_from, "fine");
	assert_true(t->columns[3].nullable);
	assert_int_equal(t->n_primary_key, 1);
	assert_int_equal(t->n_indexes, 2);
	assert_string_equal(t->indexes[0].name, "ix_users_login_id");
	assert_int_equal(t->indexes[0].n_columns, 2);
	assert_string_equal(t->indexes[1].name, "uq_users_login");
	assert_true(t->indexes[1].unique);
	assert_int_equal(t->n_foreign_keys, 1);
	assert_string_equal(t->foreign_keys[0].name, "fk_users_parent");
	assert_int_equal(t->foreign_keys[0].on_delete, MG_FK_SET_NULL);

	/* Locations: the MG_TABLE use, each field, each annotation. */
	snprintf(loc_file, sizeof(loc_file), "%s/b.h", f->dir);
	assert_string_equal(f->model->info[1].loc.file, loc_file);
	assert_int_equal(f->model->info[1].loc.line, 6);
	assert_int_equal(f->model->info[1].loc.column, 8);
	assert_int_equal(f->model->info[1].column_locs[1].line, 8);
	assert_int_equal(f->model->info[1].columns[1].name.column, 26);
	assert_int_equal(f->model->info[1].columns[3].on_delete.line, 10);
	assert_int_equal(f->model->info[1].index_locs[0].column, 26);
}

static void test_long_names(void **state)
{
	struct fixture *f = *state;
	const char *full = "ix_a_table_with_a_rather_long_name_xx_first_long_column_name_second";
	char hex[65], expect[64];
	const struct mg_table *t;

	write_file(f, "m.h",
		   HEAD "struct MG_TABLE(\"a_table_with_a_rather_long_name_xx\") "
			"MG_INDEX_ON(\"first_long_column_name, second\") t {\n"
			"\tint64_t id MG_PRIMARY_KEY;\n"
			"\tint64_t first_long_column_name;\n"
			"\tint64_t second;\n"
			"};\n");
	assert_int_equal(parse(f), 0);
	t = &f->model->schema.tables[0];
	mg_sha256_hex(hex, full, strlen(full));
	snprintf(expect, sizeof(expect), "%.54s_%.8s", full, hex);
	assert_string_equal(t->indexes[0].name, expect);
	assert_int_equal(strlen(t->indexes[0].name), 63);
}

static void test_errors_collected(void **state)
{
	struct fixture *f = *state;

	write_file(f, "a.h",
		   HEAD "struct MG_TABLE(\"t\") t {\n"
			"\tint64_t id MG_PRIMARY_KEY;\n"
			"\tuint64_t big;\n"
			"\tint64_t x MG_REFERENCES(\"nope\", \"id\");\n"
			"};\n");
	write_file(f, "b.h", HEAD "struct MG_TABLE(\"u\") u { nope_t id MG_PRIMARY_KEY; };\n");
	assert_int_equal(parse(f), -1);
	assert_null(f->model);
	/* a.h's type error stops a.h before validation; b.h's clang error
	 * keeps its struct out entirely. */
	assert_string_equal(printed(f),
			    "M/a.h:6:11: error: field 'big' of struct 't' has type 'uint64_t' with "
			    "no SQL mapping (unsigned 64-bit integer 'uint64_t'); use MG_TYPE or "
			    "MG_IGNORE\n"
			    "M/b.h:4:26: error: unknown type name 'nope_t'\n");
}

static void test_validation_errors(void **state)
{
	struct fixture *f = *state;

	write_file(f, "a.h",
		   HEAD "struct MG_TABLE(\"t\") t {\n"
			"\tint64_t id;\n"
			"\tdouble  x MG_REFERENCES(\"t\", \"id\") MG_DEFAULT(\"(\");\n"
			"};\n");
	assert_int_equal(parse(f), -1);
	assert_string_equal(printed(f),
			    "M/a.h:4:8: error: table 't' has no primary key (MG_PRIMARY_KEY or "
			    "MG_PRIMARY_KEY_ON)\n"
			    "M/a.h:6:12: error: foreign key column 'x' is double but 't.id' is "
			    "bigint: PostgreSQL refuses a foreign key between these types\n"
			    "M/a.h:6:37: error: MG_DEFAULT(\"(\"): unbalanced parentheses\n");
}

static void test_missing_dir_and_include(void **state)
{
	struct fixture *f = *state;
	struct parse_options o = {0};
	char cwd[4096];
	int rc;

	o.n_models_dirs = 1;
	o.models_dirs = (const char *const[]){"/nonexistent/models"};
	assert_int_equal(parse_models(&f->model, &o, &f->diags), -1);
	assert_string_equal(f->diags.items[0].text,
			    "cannot open models directory '/nonexistent/models': No such file or "
			    "directory");
	diag_free(&f->diags);

	/* An explicit include directory replaces the one found by default. */
	write_file(f, "a.h", HEAD "struct MG_TABLE(\"t\") t { int64_t id MG_PRIMARY_KEY; };\n");
	o.n_models_dirs = 1;
	o.models_dirs = (const char *const[]){f->dir};
	o.include_dir = "/nonexistent/include";
	/* Away from any build/compile_commands.json, which could supply it. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	rc = parse_models(&f->model, &o, &f->diags);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rc, -1);
	assert_string_equal(
		f->diags.items[0].text,
		"'modelgen/model.h' file not found (no compile_commands.json found in ., "
		"build/ or cmake-build-*/: point -p at the build directory that has one, "
		"or add include directories with `-- -I DIR`)");
}

static void test_clang_args(void **state)
{
	struct fixture *f = *state;
	struct parse_options o = {0};
	const char *args[] = {"-DKEY_TYPE=int16_t"};

	write_file(f, "a.h", HEAD "struct MG_TABLE(\"t\") t { KEY_TYPE id MG_PRIMARY_KEY; };\n");
	o.n_models_dirs = 1;
	o.models_dirs = (const char *const[]){f->dir};
	o.n_clang_args = 1;
	o.clang_args = args;
	assert_int_equal(parse_models(&f->model, &o, &f->diags), 0);
	assert_int_equal(f->model->schema.tables[0].columns[0].type, MG_COL_SMALLINT);
}

/* Include paths come from build/compile_commands.json in the working
 * directory, relative ones against the entry's directory. */
static void test_compile_commands(void **state)
{
	struct fixture *f = *state;
	struct parse_options o = {0};
	char cwd[4096], json[1024], path[256];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(path, sizeof(path), "%s/models", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/build", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/inc", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	write_file(f, "inc/app_types.h", "typedef short app_small;\n");
	write_file(f, "models/m.h",
		   "#include <app_types.h>\n" HEAD
		   "struct MG_TABLE(\"t\") t { app_small id MG_PRIMARY_KEY; };\n");
	snprintf(json, sizeof(json),
		 "[{\"directory\": \"%s\", \"command\": \"cc -DX -I inc -c 'x y.c'\", "
		 "\"file\": \"x y.c\"}]\n",
		 f->dir);
	write_file(f, "build/compile_commands.json", json);
	assert_int_equal(chdir(f->dir), 0);
	o.n_models_dirs = 1;
	o.models_dirs = (const char *const[]){"models"};
	assert_int_equal(parse_models(&f->model, &o, &f->diags), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(f->model->schema.tables[0].columns[0].type, MG_COL_SMALLINT);
	assert_string_equal(f->model->sources[0], "models/m.h");
}

static void make_dir(struct fixture *f, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	assert_int_equal(mkdir(path, 0700), 0);
}

/* Headers in subfolders are models too, in path order; hidden folders and
 * files are not; a directory named twice (overlapping -M) is read once. */
static void test_models_in_folders(void **state)
{
	struct fixture *f = *state;
	struct parse_options o = {0};
	char logs[128];
	const char *dirs[2];

	make_dir(f, "logs");
	make_dir(f, "logs/old");
	make_dir(f, ".git");
	write_file(f, "a.h", HEAD "struct MG_TABLE(\"t\") t { int64_t id MG_PRIMARY_KEY; };\n");
	write_file(f, "logs/audit.h",
		   HEAD "struct MG_TABLE(\"audit\") audit { int64_t id MG_PRIMARY_KEY; };\n");
	write_file(f, "logs/old/x.h",
		   HEAD "struct MG_TABLE(\"x\") x { int64_t id MG_PRIMARY_KEY; };\n");
	write_file(f, ".git/y.h", "this is not C\n");
	write_file(f, "logs/notes.txt", "not a header\n");
	snprintf(logs, sizeof(logs), "%s/logs", f->dir);
	dirs[0] = logs;
	dirs[1] = f->dir;
	o.n_models_dirs = 2;
	o.models_dirs = dirs;
	assert_int_equal(parse_models(&f->model, &o, &f->diags), 0);
	assert_int_equal(f->model->n_sources, 3);
	assert_int_equal(f->model->schema.n_tables, 3);
	assert_string_equal(f->model->schema.tables[0].name, "audit");
	assert_string_equal(f->model->schema.tables[2].name, "x");
	/* Sorted by path; the file under both directories comes once. */
	assert_non_null(strstr(f->model->sources[0], "/a.h"));
	assert_non_null(strstr(f->model->sources[1], "/logs/audit.h"));
	assert_non_null(strstr(f->model->sources[2], "/logs/old/x.h"));
}

/* -p names the build directory (or the file); without it the project
 * root's own compile_commands.json, build/, build/<config>/ and
 * cmake-build-* are looked at, also next to a models directory elsewhere. */
static void test_compile_commands_places(void **state)
{
	struct fixture *f = *state;
	struct parse_options o = {0};
	char cwd[4096], json[1024];
	const char *places[] = {"out/cc", "build/debug", "cmake-build-release", "."};
	size_t i;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	make_dir(f, "app");
	make_dir(f, "app/models");
	make_dir(f, "app/inc");
	make_dir(f, "app/out");
	make_dir(f, "app/out/cc");
	make_dir(f, "app/build");
	make_dir(f, "app/build/debug");
	make_dir(f, "app/cmake-build-release");
	write_file(f, "app/inc/app_types.h", "typedef short app_small;\n");
	write_file(f, "app/models/m.h",
		   "#include <app_types.h>\n" HEAD
		   "struct MG_TABLE(\"t\") t { app_small id MG_PRIMARY_KEY; };\n");
	snprintf(json, sizeof(json),
		 "[{\"directory\": \"%s/app\", \"arguments\": [\"cc\", \"-Iinc\", \"-c\", "
		 "\"x.c\"], \"file\": \"x.c\"}]\n",
		 f->dir);
	assert_int_equal(chdir(f->dir), 0);
	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		char file[256];

		snprintf(file, sizeof(file), "app/%s/compile_commands.json", places[i]);
		write_file(f, file, json);
		model_free(f->model);
		f->model = NULL;
		diag_free(&f->diags);
		memset(&o, 0, sizeof(o));
		o.n_models_dirs = 1;
		o.models_dirs = (const char *const[]){"app/models"};
		if (i == 0)
			o.compile_commands_dir = "app/out/cc";
		assert_int_equal(parse_models(&f->model, &o, &f->diags), 0);
		assert_int_equal(f->model->schema.tables[0].columns[0].type, MG_COL_SMALLINT);
		/* Only the one just written may be found. */
		assert_int_equal(unlink(file), 0);
	}
	/* None left: the missing header gets the hint. */
	model_free(f->model);
	f->model = NULL;
	assert_int_equal(parse_models(&f->model, &o, &f->diags), -1);
	assert_non_null(strstr(f->diags.items[0].text, "'app_types.h' file not found (no "
						       "compile_commands.json found"));
	diag_free(&f->diags);
	o.compile_commands_dir = "app/nothing";
	assert_int_equal(parse_models(&f->model, &o, &f->diags), -1);
	assert_string_equal(f->diags.items[0].text,
			    "-p app/nothing: no compile_commands.json there");
	assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tables_and_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_collected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validation_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_dir_and_include, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clang_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compile_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_in_folders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compile_commands_places, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
