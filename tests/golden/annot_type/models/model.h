#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("custom") custom {
	int64_t id MG_PRIMARY_KEY;
	uint64_t big MG_TYPE("numeric(20,0)");
	double price MG_TYPE("numeric(10,2)");
	int64_t created MG_TYPE("timestamptz") MG_DEFAULT("CURRENT_TIMESTAMP");
	void *opaque MG_TYPE("jsonb") MG_NULLABLE;
};
