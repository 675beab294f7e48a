#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t n __attribute__((annotate("mg.frobnicate")));
	int64_t ok __attribute__((annotate("another.tool")));
};
