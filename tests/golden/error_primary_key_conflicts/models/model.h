#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") MG_PRIMARY_KEY_ON("id") thing {
	int64_t id MG_PRIMARY_KEY;
};
struct MG_TABLE("others") other {
	int64_t id MG_PRIMARY_KEY MG_NULLABLE;
	int64_t gen MG_DEFAULT("1");
};
struct MG_TABLE("generated") generated {
	int64_t id MG_PRIMARY_KEY MG_DEFAULT("1");
};
