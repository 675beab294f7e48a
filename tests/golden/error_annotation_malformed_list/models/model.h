#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") MG_INDEX_ON("a,,b") MG_UNIQUE_ON(",") MG_PRIMARY_KEY_ON("id,") thing {
	int64_t id;
	int64_t a;
	int64_t b;
};
