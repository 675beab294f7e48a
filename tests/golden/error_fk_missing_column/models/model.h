#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t parent_id MG_REFERENCES("things", "key");
};
