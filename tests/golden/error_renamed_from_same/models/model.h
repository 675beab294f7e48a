#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") MG_RENAMED_FROM("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t n MG_RENAMED_FROM("n");
	int64_t m MG_COLUMN("mm") MG_RENAMED_FROM("mm");
};
