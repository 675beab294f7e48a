#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") MG_INDEX_ON("a, missing") MG_UNIQUE_ON("nope") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t a;
};
struct MG_TABLE("pairs") MG_PRIMARY_KEY_ON("a, b") MG_INDEX_ON("a, a") pair {
	int64_t a;
};
