#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

/* Not a table: no MG_TABLE. */
struct point { int x, y; };
struct MG_TABLE("accounts") account {
	int64_t id MG_PRIMARY_KEY;
	int64_t n;
};
struct MG_TABLE("small_keys") small_key {
	int16_t id MG_PRIMARY_KEY;
};
struct MG_TABLE("int_keys") int_key {
	int id MG_PRIMARY_KEY;
};
struct MG_TABLE("text_keys") text_key {
	char code[9] MG_PRIMARY_KEY;
};
struct MG_TABLE("custom_keys") custom_key {
	int64_t id MG_PRIMARY_KEY MG_TYPE("bigint");
};
