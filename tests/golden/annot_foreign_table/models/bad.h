#include <stdint.h>

#include <modelgen/model.h>

MG_FOREIGN_TABLE("Users");
MG_FOREIGN_TABLE("legacy");
MG_FOREIGN_TABLE("legacy");
MG_FOREIGN_TABLE("modelgen_x");

struct MG_TABLE("users") user {
	int64_t id MG_PRIMARY_KEY;
	int64_t legacy_id MG_REFERENCES("legacy", "id");
};

