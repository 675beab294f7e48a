#include <stdint.h>
#include <modelgen/model.h>

union number { int i; float f; };
struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	union number n;
};
