#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("settings") setting {
	int64_t id MG_PRIMARY_KEY;
	bool enabled MG_DEFAULT("true");
	int32_t retries MG_DEFAULT("3");
	double ratio MG_DEFAULT("0.5");
	char *label MG_DEFAULT("'it''s; fine'");
	char name[17] MG_DEFAULT("\"q\"");
	int64_t at MG_DEFAULT("(1 + (2 * 3))");
	int64_t neg MG_DEFAULT("-1");
};
