#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("bad-name") bad {
	int64_t id MG_PRIMARY_KEY;
};
struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t a MG_COLUMN("1st");
	int64_t b MG_COLUMN("with space");
};
