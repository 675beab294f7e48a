#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("flags") flags {
	int64_t id MG_PRIMARY_KEY;
	bool active;
	_Bool raw_bool;
};
