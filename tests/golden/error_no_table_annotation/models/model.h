#include <stdint.h>
#include <modelgen/model.h>

struct forgot {
	int64_t id MG_PRIMARY_KEY;
};
