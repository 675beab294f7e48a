#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("renamed_columns") renamed_columns {
	int64_t id MG_PRIMARY_KEY MG_COLUMN("pk");
	char *text_ MG_COLUMN("text") MG_INDEX;
	int64_t n MG_COLUMN("count") MG_UNIQUE;
};
