#include <stdint.h>
#include <modelgen/model.h>

struct other { int x; };
struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	struct other *other;
};
