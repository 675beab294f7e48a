#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("parents") parent {
	int64_t id MG_PRIMARY_KEY;
	char code[9] MG_UNIQUE;
};
struct MG_TABLE("children") child {
	int64_t id MG_PRIMARY_KEY;
	int64_t plain_id MG_REFERENCES("parents", "id");
	int64_t cascade_id MG_REFERENCES("parents", "id") MG_ON_DELETE("cascade");
	int64_t set_null_id MG_NULLABLE MG_REFERENCES("parents", "id") MG_ON_DELETE("set null");
	int64_t restrict_id MG_REFERENCES("parents", "id") MG_ON_DELETE("restrict");
	char parent_code[9] MG_REFERENCES("parents", "code");
	int64_t self_id MG_NULLABLE MG_REFERENCES("children", "id");
};
