#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("events") MG_INDEX_ON("kind, at") event {
	int64_t id MG_PRIMARY_KEY;
	int32_t kind MG_INDEX;
	time_t at MG_UNIQUE MG_INDEX;
};
