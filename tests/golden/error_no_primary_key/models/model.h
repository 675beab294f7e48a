#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("keyless") keyless {
	int64_t id;
};
