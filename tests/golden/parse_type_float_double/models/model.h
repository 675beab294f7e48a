#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("measures") measures {
	int64_t id MG_PRIMARY_KEY;
	float f;
	double d;
};
