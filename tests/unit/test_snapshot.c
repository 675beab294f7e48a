/*
 * The snapshot (gen/snapshot.c): canonical writer, strict loader with its
 * exact messages and positions, load -> dump byte identity, the hash; and
 * the helpers it rests on (SHA-256, the SQL text checks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "snapshot.h"
#include "sql.h"
#include "util/sha256.h"

/* ---- SHA-256 (FIPS 180-4 / NIST example vectors) ----------------------- */

static void sha256_vectors(void)
{
	char hex[65];
	struct mg_sha256 ctx;
	unsigned char digest[32], block[1000];
	size_t i;

	mg_sha256_hex(hex, "", 0);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	mg_sha256_hex(hex, "abc", 3);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	mg_sha256_hex(hex, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
	assert_string_equal(hex,
			    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

	/* One million 'a', fed in uneven pieces. */
	memset(block, 'a', sizeof(block));
	mg_sha256_init(&ctx);
	for (i = 0; i < 1000000;) {
		size_t n = (i % 7) * 97 + 1;

		if (n > 1000000 - i)
			n = 1000000 - i;
		mg_sha256_update(&ctx, block, n);
		i += n;
	}
	mg_sha256_final(&ctx, digest);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	assert_string_equal(hex,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* The vectors on the CPU's SHA instructions (where it has them) and on the
 * portable code; then both agree on every length around block edges, fed
 * whole and in pieces. */
static void test_sha256_vectors(void **state)
{
	unsigned char data[1100];
	char fast[65], slow[65];
	size_t len, i;
	uint32_t x = 12345;

	(void)state;
	sha256_vectors();
	mg_sha256_force_portable(1);
	sha256_vectors();
	mg_sha256_force_portable(0);

	for (i = 0; i < sizeof(data); i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (unsigned char)(x >> 16);
	}
	for (len = 0; len <= sizeof(data); len += len < 200 ? 1 : 61) {
		struct mg_sha256 ctx;
		unsigned char digest[32];

		mg_sha256_hex(fast, data, len);
		mg_sha256_force_portable(1);
		mg_sha256_hex(slow, data, len);
		mg_sha256_force_portable(0);
		assert_string_equal(fast, slow);

		mg_sha256_init(&ctx);
		for (i = 0; i < len; i += 13)
			mg_sha256_update(&ctx, data + i, len - i < 13 ? len - i : 13);
		mg_sha256_final(&ctx, digest);
		for (i = 0; i < 32; i++)
			snprintf(fast + 2 * i, 3, "%02x", digest[i]);
		assert_string_equal(fast, slow);
	}
}

/* ---- SQL text checks ---------------------------------------------------- */

static void test_ident_valid(void **state)
{
	(void)state;
	assert_true(mg_sql_ident_valid("users"));
	assert_true(mg_sql_ident_valid("_x1"));
	assert_true(mg_sql_ident_valid("A"));
	assert_true(mg_sql_ident_valid(
		"c23456789012345678901234567890123456789012345678901234567890123"));
	assert_false(mg_sql_ident_valid(
		"c234567890123456789012345678901234567890123456789012345678901234"));
	assert_false(mg_sql_ident_valid(""));
	assert_false(mg_sql_ident_valid(NULL));
	assert_false(mg_sql_ident_valid("1a"));
	assert_false(mg_sql_ident_valid("a-b"));
	assert_false(mg_sql_ident_valid("a b"));
	assert_false(mg_sql_ident_valid("caf\xc3\xa9"));
}

static void test_default_valid(void **state)
{
	static const char *const good[] = {
		"0",         "-1.5", "'it''s'",           "'a;b -- c /* d */'", "\"col\"\"x\"",
		"(1 + (2))", "true", "CURRENT_TIMESTAMP", "lower('A')",         "'$x'",
	};
	static const struct {
		const char *sql, *why;
	} bad[] = {
		{"", "empty"},
		{" \t", "empty"},
		{"(1", "unbalanced parentheses"},
		{"1)(", "unbalanced parentheses"},
		{"'abc", "unbalanced single quote"},
		{"\"abc", "unbalanced double quote"},
		{"1; DROP TABLE t", "';' (one expression only)"},
		{"1 -- x", "comment"},
		{"1 /* x", "comment"},
		{"x */", "comment"},
		{"E'\\'' || 1", "backslash (escape strings are not supported)"},
		{"$$x$$", "unsupported quoting character"},
		{"`x`", "unsupported quoting character"},
		{"[x]", "unsupported quoting character"},
		{"1\x01", "control character"},
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		why = "unset";
		assert_true(mg_sql_default_valid(good[i], &why));
		assert_null(why);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_false(mg_sql_default_valid(bad[i].sql, &why));
		assert_non_null(why);
		assert_string_equal(why, bad[i].why);
	}
	assert_false(mg_sql_default_valid(NULL, NULL));
}

/* ---- writer --------------------------------------------------------------- */

static const char *const pk_id[] = {"id"};
static const char *const c_email[] = {"email"};
static const struct mg_column user_cols[] = {
	{.name = "id", .type = MG_COL_BIGINT, .identity = 1, .comment = "Key."},
	{.name = "email", .type = MG_COL_VARCHAR, .length = 64, .nullable = 1},
	{.name = "price",
	 .type = MG_COL_CUSTOM,
	 .custom_type = "numeric(10,2)",
	 .default_sql = "0",
	 .renamed_from = "cost"},
	{.name = "avatar_id", .type = MG_COL_BIGINT, .nullable = 1, .comment = "caf\xc3\xa9"},
};
static const struct mg_index user_ix[] = {
	{.name = "uq_users_email", .unique = 1, .n_columns = 1, .columns = c_email}};
static const struct mg_foreign_key user_fk[] = {{.name = "fk_users_avatar_id",
						 .column = "avatar_id",
						 .ref_table = "users",
						 .ref_column = "id",
						 .on_delete = MG_FK_SET_NULL}};
static const struct mg_table tables[] = {{.name = "users",
					  .comment = "Accounts.",
					  .renamed_from = "people",
					  .n_columns = 4,
					  .columns = user_cols,
					  .n_primary_key = 1,
					  .primary_key = pk_id,
					  .n_indexes = 1,
					  .indexes = user_ix,
					  .n_foreign_keys = 1,
					  .foreign_keys = user_fk}};
static const struct mg_schema schema = {1, tables, NULL};

static const char expected_json[] = "{\n"
				    "  \"format\": 1,\n"
				    "  \"tables\": [\n"
				    "    {\n"
				    "      \"columns\": [\n"
				    "        {\n"
				    "          \"comment\": \"Key.\",\n"
				    "          \"identity\": true,\n"
				    "          \"name\": \"id\",\n"
				    "          \"nullable\": false,\n"
				    "          \"type\": \"bigint\"\n"
				    "        },\n"
				    "        {\n"
				    "          \"identity\": false,\n"
				    "          \"length\": 64,\n"
				    "          \"name\": \"email\",\n"
				    "          \"nullable\": true,\n"
				    "          \"type\": \"varchar\"\n"
				    "        },\n"
				    "        {\n"
				    "          \"custom_type\": \"numeric(10,2)\",\n"
				    "          \"default\": \"0\",\n"
				    "          \"identity\": false,\n"
				    "          \"name\": \"price\",\n"
				    "          \"nullable\": false,\n"
				    "          \"type\": \"custom\"\n"
				    "        },\n"
				    "        {\n"
				    "          \"comment\": \"caf\\u00E9\",\n"
				    "          \"identity\": false,\n"
				    "          \"name\": \"avatar_id\",\n"
				    "          \"nullable\": true,\n"
				    "          \"type\": \"bigint\"\n"
				    "        }\n"
				    "      ],\n"
				    "      \"comment\": \"Accounts.\",\n"
				    "      \"foreign_keys\": [\n"
				    "        {\n"
				    "          \"column\": \"avatar_id\",\n"
				    "          \"name\": \"fk_users_avatar_id\",\n"
				    "          \"on_delete\": \"set null\",\n"
				    "          \"ref_column\": \"id\",\n"
				    "          \"ref_table\": \"users\"\n"
				    "        }\n"
				    "      ],\n"
				    "      \"indexes\": [\n"
				    "        {\n"
				    "          \"columns\": [\n"
				    "            \"email\"\n"
				    "          ],\n"
				    "          \"name\": \"uq_users_email\",\n"
				    "          \"unique\": true\n"
				    "        }\n"
				    "      ],\n"
				    "      \"name\": \"users\",\n"
				    "      \"primary_key\": [\n"
				    "        \"id\"\n"
				    "      ]\n"
				    "    }\n"
				    "  ]\n"
				    "}\n";

static void test_dump_canonical(void **state)
{
	char *json;

	(void)state;
	json = snapshot_dump(&schema);
	/* renamed_from never appears: it is generator input only. */
	assert_string_equal(json, expected_json);
	free(json);
}

static void test_dump_empty(void **state)
{
	char *json;

	(void)state;
	json = snapshot_dump(&(struct mg_schema){0, NULL, NULL});
	assert_string_equal(json, "{\n  \"format\": 1,\n  \"tables\": []\n}\n");
	free(json);
}

/* snapshot_dump writes the canonical text itself; it must be exactly what
 * jansson writes for the same document with the snapshot's flags, for every
 * kind of string (escapes, control characters, non-ASCII up to 4 bytes),
 * empty and one-element lists, and every optional member. */
static void test_dump_matches_jansson(void **state)
{
	static const char *const odd[] = {
		"plain",
		"quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f",
		"ctl \x01\x1f del \x7f",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf end",
		"*/ /* ?\?/ ?\?=",
		"",
	};
	struct mg_column cols[8];
	const char *pk[2] = {"c0", "c1"}, *one[1] = {"c2"};
	struct mg_index ixs[2] = {{.name = "ix_a", .unique = 0, .n_columns = 2, .columns = pk},
				  {.name = "uq_b", .unique = 1, .n_columns = 1, .columns = one}};
	struct mg_foreign_key fk = {.name = "fk_x",
				    .column = "c0",
				    .ref_table = "t0",
				    .ref_column = "c1",
				    .on_delete = MG_FK_CASCADE};
	struct mg_table t[3];
	struct mg_schema s = {3, t, NULL};
	size_t i;

	(void)state;
	memset(cols, 0, sizeof(cols));
	for (i = 0; i < 8; i++) {
		static const char *const names[] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};

		cols[i].name = names[i];
		cols[i].type = (enum mg_coltype)(i % 3 == 0   ? MG_COL_VARCHAR
						 : i % 3 == 1 ? MG_COL_CUSTOM
							      : MG_COL_BIGINT);
		cols[i].length = 1000 * (i + 1);
		cols[i].custom_type = cols[i].type == MG_COL_CUSTOM ? "numeric(10,2)" : NULL;
		cols[i].nullable = (int)(i & 1);
		cols[i].identity = i == 2;
		cols[i].default_sql = i % 2 ? "'x'" : NULL;
		cols[i].comment = i < 6 ? odd[i] : NULL;
	}
	memset(t, 0, sizeof(t));
	t[0] = (struct mg_table){.name = "t0",
				 .comment = odd[3],
				 .n_columns = 8,
				 .columns = cols,
				 .n_primary_key = 2,
				 .primary_key = pk,
				 .n_indexes = 2,
				 .indexes = ixs,
				 .n_foreign_keys = 1,
				 .foreign_keys = &fk};
	t[1] = (struct mg_table){.name = "t1", .n_columns = 1, .columns = cols + 2};
	t[2] = (struct mg_table){.name = "t2",
				 .comment = odd[1],
				 .n_columns = 2,
				 .columns = cols + 4,
				 .n_primary_key = 1,
				 .primary_key = one};
	for (i = 0; i <= 3; i++) {
		char *ours, *theirs;
		json_t *j;
		json_error_t err;
		size_t n;

		s.n_tables = i;
		ours = snapshot_dump(&s);
		j = json_loads(ours, 0, &err);
		assert_non_null(j);
		theirs = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_ENSURE_ASCII);
		assert_non_null(theirs);
		n = strlen(ours);
		assert_true(n > 0 && ours[n - 1] == '\n');
		ours[n - 1] = '\0';
		assert_string_equal(ours, theirs);
		free(theirs);
		free(ours);
		json_decref(j);
	}
}

static void test_round_trip(void **state)
{
	struct diag_list d = {0};
	struct mg_schema *loaded = NULL;
	char *again;

	(void)state;
	assert_int_equal(snapshot_parse(&loaded, expected_json, "s.json", &d), 0);
	assert_int_equal(d.n_items, 0);
	assert_non_null(loaded);
	assert_non_null(loaded->owner);
	assert_int_equal(loaded->n_tables, 1);
	assert_string_equal(loaded->tables[0].columns[2].custom_type, "numeric(10,2)");
	assert_null(loaded->tables[0].columns[2].renamed_from);
	assert_string_equal(loaded->tables[0].columns[3].comment, "caf\xc3\xa9");
	assert_int_equal(loaded->tables[0].foreign_keys[0].on_delete, MG_FK_SET_NULL);
	again = snapshot_dump(loaded);
	assert_string_equal(again, expected_json);
	free(again);
	mg_schema_free(loaded);
	diag_free(&d);
}

static void test_hash(void **state)
{
	char h[72], hex[65];

	(void)state;
	snapshot_hash(h, &schema);
	mg_sha256_hex(hex, expected_json, strlen(expected_json));
	assert_int_equal(strlen(h), 71);
	assert_memory_equal(h, "sha256:", 7);
	assert_string_equal(h + 7, hex);
}

/* ---- loader errors ------------------------------------------------------- */

/* A small valid snapshot to break in one place per case. */
static const char small[] = "{\n"
			    "  \"format\": 1,\n"
			    "  \"tables\": [\n"
			    "    {\n"
			    "      \"columns\": [\n"
			    "        {\n"
			    "          \"identity\": true,\n"
			    "          \"name\": \"id\",\n"
			    "          \"nullable\": false,\n"
			    "          \"type\": \"bigint\"\n"
			    "        }\n"
			    "      ],\n"
			    "      \"foreign_keys\": [],\n"
			    "      \"indexes\": [],\n"
			    "      \"name\": \"a\",\n"
			    "      \"primary_key\": [\n"
			    "        \"id\"\n"
			    "      ]\n"
			    "    }\n"
			    "  ]\n"
			    "}\n";

/* Replaces the first `from` in `small` by `to` and loads the result;
 * checks the one error printed. */
static void expect_error(const char *from, const char *to, const char *message)
{
	struct diag_list d = {0};
	struct mg_schema *s = (struct mg_schema *)1;
	char text[4096], out[1024];
	const char *at = strstr(small, from);
	FILE *f;
	size_t n;

	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - small), small, to, at + strlen(from));
	assert_int_equal(snapshot_parse(&s, text, "s.json", &d), -1);
	assert_null(s);
	assert_int_equal(d.n_errors, 1);
	f = tmpfile();
	assert_non_null(f);
	diag_print(&d, f);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	assert_string_equal(out, message);
	diag_free(&d);
}

static void test_load_errors(void **state)
{
	(void)state;
	expect_error("\"format\": 1", "\"format\": 2",
		     "s.json:2:13: error: unsupported snapshot format (this modelgen reads format "
		     "1)\n");
	expect_error("\"format\": 1", "\"format\": \"1\"",
		     "s.json:2:13: error: unsupported snapshot format (this modelgen reads format "
		     "1)\n");
	expect_error("\"format\": 1,\n", "", "s.json:1:1: error: snapshot: missing key 'format'\n");
	expect_error("\"format\": 1,", "\"format\": 1, \"extra\": 0,",
		     "s.json:2:16: error: snapshot: unknown key 'extra'\n");
	expect_error("\"nullable\": false,", "\"nullable\": false, \"nullable\": true,",
		     "s.json:9:39: error: invalid snapshot JSON: duplicate object key near "
		     "'\"nullable\"'\n");
	expect_error("\"nullable\": false,", "\"nullable\": false",
		     "s.json:10:16: error: invalid snapshot JSON: '}' expected near '\"type\"'\n");
	expect_error("\"identity\": true,\n", "",
		     "s.json:6:9: error: table 'a', column 'id': missing key 'identity'\n");
	expect_error("\"nullable\": false", "\"nullable\": 0",
		     "s.json:9:23: error: table 'a', column 'id': 'nullable' must be true or "
		     "false\n");
	expect_error("\"bigint\"", "\"int8\"",
		     "s.json:10:19: error: table 'a', column 'id': unknown type 'int8'\n");
	expect_error("\"bigint\"", "\"varchar\"",
		     "s.json:6:9: error: table 'a', column 'id': missing key 'length' (varchar)\n");
	expect_error("\"bigint\"", "\"bigint\", \"length\": 3",
		     "s.json:10:29: error: table 'a', column 'id': 'length' is only for varchar\n");
	expect_error("\"bigint\"", "\"varchar\", \"length\": 0",
		     "s.json:10:40: error: table 'a', column 'id': 'length' must be an integer "
		     "from 1 to 10485760\n");
	expect_error("\"bigint\"", "\"custom\"",
		     "s.json:6:9: error: table 'a', column 'id': missing key 'custom_type' "
		     "(custom)\n");
	expect_error("\"identity\": true,", "\"identity\": true, \"comment\": null,",
		     "s.json:7:40: error: table 'a', column 'id': 'comment' must be a string\n");
	expect_error("\"foreign_keys\": []", "\"foreign_keys\": {}",
		     "s.json:13:23: error: table 'a': 'foreign_keys' must be an array\n");
	expect_error("\"indexes\": []", "\"indexes\": [{\"name\": \"i\", \"unique\": 1}]",
		     "s.json:14:19: error: table 'a': index: missing key 'columns'\n");
	expect_error("\"indexes\": []",
		     "\"indexes\": [{\"name\": \"i\", \"unique\": false, \"columns\": []}]",
		     "s.json:14:61: error: table 'a', index 'i': 'columns' is empty\n");
	expect_error(
		"\"foreign_keys\": []",
		"\"foreign_keys\": [{\"name\": \"f\", \"column\": \"id\", \"ref_table\": \"a\", "
		"\"ref_column\": \"id\", \"on_delete\": \"explode\"}]",
		"s.json:13:105: error: table 'a', foreign key 'f': unknown on_delete action "
		"'explode'\n");
	expect_error("\"id\"\n      ]", "\"id\", \"id\"\n      ]",
		     "s.json:17:15: error: table 'a': 'primary_key' names 'id' twice\n");
	expect_error("\"tables\": [\n    {", "\"tables\": [\n    {\"name\": \"b\"}, {",
		     "s.json:4:5: error: table: missing key 'columns'\n");
	expect_error("[\n    {\n      \"columns\"", "[\n    7,\n    {\n      \"columns\"",
		     "s.json:4:5: error: table: expected an object\n");
	expect_error("\"name\": \"a\"", "\"name\": \"a b\"",
		     "s.json:15:15: error: table: 'name' is not a valid identifier: 'a b'\n");
	expect_error("\"id\"\n      ]", "\"nope\"\n      ]",
		     "s.json:17:9: error: table 'a': 'primary_key' names unknown column 'nope'\n");
	expect_error("\"identity\": true,", "\"identity\": true, \"default\": \"1; DROP\",",
		     "s.json:7:40: error: table 'a', column 'id': 'default': ';' (one expression "
		     "only)\n");
	expect_error("\"indexes\": []",
		     "\"indexes\": [{\"name\": \"i\", \"unique\": false, \"columns\": [\"x\"]}]",
		     "s.json:14:62: error: table 'a', index 'i' names unknown column 'x'\n");
	expect_error(
		"\"foreign_keys\": []",
		"\"foreign_keys\": [{\"name\": \"f\", \"column\": \"id\", \"ref_table\": \"b\", "
		"\"ref_column\": \"id\", \"on_delete\": \"cascade\"}]",
		"s.json:13:67: error: table 'a', foreign key 'f': unknown table 'b'\n");
	expect_error(
		"\"foreign_keys\": []",
		"\"foreign_keys\": [{\"name\": \"f\", \"column\": \"id\", \"ref_table\": \"a\", "
		"\"ref_column\": \"x\", \"on_delete\": \"cascade\"}]",
		"s.json:13:86: error: table 'a', foreign key 'f': table 'a' has no column 'x'\n");
}

static void test_load_unsorted(void **state)
{
	struct diag_list d = {0};
	struct mg_schema *s = NULL;
	const char *text =
		"{\"format\": 1, \"tables\": [\n"
		"{\"name\": \"b\", \"columns\": [], \"primary_key\": [], \"indexes\": [], "
		"\"foreign_keys\": []},\n"
		"{\"name\": \"a\", \"columns\": [], \"primary_key\": [], \"indexes\": [], "
		"\"foreign_keys\": []}]}\n";

	(void)state;
	assert_int_equal(snapshot_parse(&s, text, "s.json", &d), -1);
	assert_int_equal(d.n_errors, 1);
	assert_int_equal(d.items[0].loc.line, 3);
	assert_int_equal(d.items[0].loc.column, 10);
	assert_string_equal(d.items[0].text, "table 'a' is out of order (sorted by name)");
	diag_free(&d);
}

static void test_load_file(void **state)
{
	struct diag_list d = {0};
	struct mg_schema *s = NULL;
	char path[] = "/tmp/mg-snapshot-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	char *again;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(expected_json, f);
	fclose(f);
	assert_int_equal(snapshot_load(&s, path, &d), 0);
	again = snapshot_dump(s);
	assert_string_equal(again, expected_json);
	free(again);
	mg_schema_free(s);
	remove(path);
	assert_int_equal(snapshot_load(&s, path, &d), -1);
	assert_null(s);
	assert_int_equal(d.n_errors, 1);
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors), cmocka_unit_test(test_ident_valid),
		cmocka_unit_test(test_default_valid),  cmocka_unit_test(test_dump_canonical),
		cmocka_unit_test(test_dump_empty),     cmocka_unit_test(test_dump_matches_jansson),
		cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_hash),
		cmocka_unit_test(test_load_errors),    cmocka_unit_test(test_load_unsorted),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
