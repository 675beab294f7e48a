/*
 * The binary-safe data API on one connection, shared by test_db_sqlite and
 * test_db_pg (include after cmocka.h).
 */
#ifndef MG_TEST_BLOB_ROUND_TRIP_H
#define MG_TEST_BLOB_ROUND_TRIP_H

#include "modelgen/db.h"
#include "util/strbuf.h"

/* mg_db_execv / mg_db_queryv / mg_rows_blob: bytes with NULs and high
 * bits in and out unchanged, text taken by its length, SQL NULL, an empty
 * blob, and two decoded columns of one row valid together. */
static void blob_round_trip(struct mg_db *db, const char *blob_type)
{
	static const unsigned char bytes[] = {0, 1, 0xff, 0, 'x', 0x80, '\\', '\'', 0};
	struct mg_strbuf sql = {0};
	struct mg_value v[3] = {{"1", 1, 0}, {bytes, sizeof(bytes), 1}, {"hello world", 5, 0}};
	struct mg_value by_id = {"1", 1, 0};
	struct mg_rows *rows = NULL;
	unsigned long long changes = 0;
	const void *a, *b;
	size_t la, lb;

	mg_strbuf_printf(&sql, "CREATE TABLE blobs (id integer, data %s, t text)", blob_type);
	assert_int_equal(mg_db_exec(db, mg_strbuf_cstr(&sql)), 0);
	mg_strbuf_free(&sql);
	assert_int_equal(mg_db_execv(db, "INSERT INTO blobs VALUES ($1, $2, $3)", 3, v, &changes),
			 0);
	assert_int_equal(changes, 1);
	v[0].data = "2";
	v[1].data = NULL;
	v[1].len = 0;
	v[2].data = "";
	v[2].len = 0;
	assert_int_equal(mg_db_execv(db, "INSERT INTO blobs VALUES ($1, $2, $3)", 3, v, NULL), 0);
	v[0].data = "3";
	v[1].data = "";
	assert_int_equal(mg_db_execv(db, "INSERT INTO blobs VALUES ($1, $2, $3)", 3, v, NULL), 0);
	/* A mismatch of values and placeholders fails as with text ones. */
	assert_true(mg_db_execv(db, "INSERT INTO blobs VALUES ($1, $2, $3)", 2, v, NULL) < 0);

	assert_int_equal(mg_db_queryv(&rows, db,
				      "SELECT data, t, id, data FROM blobs WHERE id = $1", 1,
				      &by_id),
			 0);
	assert_int_equal(mg_rows_next(rows), 1);
	a = mg_rows_blob(rows, 0, &la);
	assert_non_null(a);
	assert_int_equal(la, sizeof(bytes));
	assert_memory_equal(a, bytes, sizeof(bytes));
	b = mg_rows_blob(rows, 1, &lb);
	assert_int_equal(lb, 5);
	assert_memory_equal(b, "hello", 5);
	b = mg_rows_blob(rows, 2, &lb);
	assert_int_equal(lb, 1);
	assert_memory_equal(b, "1", 1);
	b = mg_rows_blob(rows, 3, &lb);
	assert_int_equal(lb, sizeof(bytes));
	assert_memory_equal(a, bytes, sizeof(bytes)); /* still valid */
	assert_memory_equal(b, bytes, sizeof(bytes));
	assert_int_equal(mg_rows_next(rows), 0);
	mg_rows_free(rows);

	assert_int_equal(mg_db_query(&rows, db,
				     "SELECT data, t FROM blobs WHERE id > 1 ORDER BY id", 0, NULL),
			 0);
	assert_int_equal(mg_rows_next(rows), 1);
	assert_null(mg_rows_blob(rows, 0, &la)); /* SQL NULL */
	assert_int_equal(la, 0);
	assert_non_null(mg_rows_blob(rows, 1, &lb)); /* empty text */
	assert_int_equal(lb, 0);
	assert_int_equal(mg_rows_next(rows), 1);
	assert_non_null(mg_rows_blob(rows, 0, &la)); /* empty blob, not NULL */
	assert_int_equal(la, 0);
	assert_int_equal(mg_rows_next(rows), 0);
	mg_rows_free(rows);
}

#endif
