#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") MG_NULLABLE thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t n MG_INDEX_ON("n");
};
