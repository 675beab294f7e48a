#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") MG_UNIQUE_ON("id") thing {
	int64_t id MG_PRIMARY_KEY MG_UNIQUE;
};
