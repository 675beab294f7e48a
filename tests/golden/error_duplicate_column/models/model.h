#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t name;
	int64_t other MG_COLUMN("name");
	int64_t upper MG_COLUMN("ID");
};
