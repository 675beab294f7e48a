#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t a MG_TYPE("int; DROP TABLE x");
	int64_t b MG_TYPE("numeric(10");
};
