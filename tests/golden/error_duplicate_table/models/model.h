#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
};
struct MG_TABLE("Things") thing2 {
	int64_t id MG_PRIMARY_KEY;
};
