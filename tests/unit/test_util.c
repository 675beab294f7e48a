/*
 * The runtime's arena and string buffer (runtime/src/util): the contracts
 * the rest leans on when it builds schemas of thousands of tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/arena.h"
#include "util/strbuf.h"

static int all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Zeroed, aligned and disjoint over many blocks of growing size, with large
 * allocations (their own blocks) in between. */
static void test_arena_zeroed_and_disjoint(void **state)
{
	struct mg_arena *a = mg_arena_new();
	unsigned char *prev = NULL;
	size_t prev_len = 0, i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < 20000; i++) {
		size_t len = i % 97 == 0 ? 300000 + i : 1 + i % 200;
		unsigned char *p = mg_arena_alloc(a, len);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		assert_true(all_zero(p, len));
		memset(p, 0xA5, len);
		/* The one before is untouched by this one. */
		if (prev)
			assert_int_equal(prev[prev_len - 1], 0xA5);
		prev = p;
		prev_len = len;
	}
	assert_false(mg_arena_failed(a));
	mg_arena_free(a);
	mg_arena_free(NULL);
}

static void test_arena_strings(void **state)
{
	struct mg_arena *a = mg_arena_new();
	char *s;

	(void)state;
	assert_string_equal(mg_arena_strndup(a, "abcdef", 3), "abc");
	assert_null(mg_arena_strdup(a, NULL));
	s = mg_arena_printf(a, "%s-%04d", "t", 7);
	assert_string_equal(s, "t-0007");
	/* Longer than the one-pass buffer. */
	s = mg_arena_printf(a, "%0600d", 1);
	assert_int_equal(strlen(s), 600);
	assert_int_equal(s[599], '1');
	mg_arena_free(a);
}

static void test_strbuf_reserve(void **state)
{
	struct mg_strbuf b = {0};
	const char *before;
	size_t i;

	(void)state;
	mg_strbuf_reserve(&b, 100000);
	assert_true(b.cap > 100000);
	before = b.ptr;
	for (i = 0; i < 10000; i++)
		mg_strbuf_puts(&b, "0123456789");
	/* Filled without moving. */
	assert_ptr_equal(b.ptr, before);
	assert_int_equal(b.len, 100000);
	/* A reservation below what it has changes nothing; past it, it grows
	 * and keeps the text. */
	mg_strbuf_reserve(&b, 0);
	assert_int_equal(b.len, 100000);
	mg_strbuf_putc(&b, 'x');
	assert_int_equal(b.len, 100001);
	assert_int_equal(mg_strbuf_cstr(&b)[100000], 'x');
	assert_memory_equal(mg_strbuf_cstr(&b), "0123456789", 10);
	/* Past the limit: ignored, the text stays. */
	mg_strbuf_reserve(&b, MG_STRBUF_MAX);
	assert_false(mg_strbuf_failed(&b));
	assert_int_equal(b.len, 100001);
	mg_strbuf_free(&b);
	/* A failed buffer stays failed. */
	mg_strbuf_fail(&b);
	mg_strbuf_reserve(&b, 10);
	assert_true(mg_strbuf_failed(&b));
	assert_null(b.ptr);
	mg_strbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_zeroed_and_disjoint),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_strbuf_reserve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
