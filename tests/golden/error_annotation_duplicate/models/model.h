#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") MG_TABLE("others") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t n MG_DEFAULT("1") MG_DEFAULT("2");
};
