#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("codes") code {
	char code[9] MG_PRIMARY_KEY;
};
struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int32_t parent_id MG_REFERENCES("things", "id");
	char code[17] MG_REFERENCES("codes", "code");
};
