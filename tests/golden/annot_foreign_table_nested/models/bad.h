#include <stdint.h>

#include <modelgen/model.h>

MG_FOREIGN_TABLE("");

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	MG_FOREIGN_TABLE("inside");
};
