#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("bs") b {
	int64_t id MG_PRIMARY_KEY;
};
