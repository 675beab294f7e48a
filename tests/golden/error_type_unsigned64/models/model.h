#include <stddef.h>
#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	uint64_t big;
	unsigned long long ull;
	size_t size;
};
