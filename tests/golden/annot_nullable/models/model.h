#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("people") person {
	int64_t id MG_PRIMARY_KEY;
	char *nickname MG_NULLABLE;
	int32_t age MG_NULLABLE;
	char name[33];
};
