#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

typedef char code_t[9];
struct MG_TABLE("names") names {
	int64_t id MG_PRIMARY_KEY;
	char one[2];
	char name[65];
	code_t code;
	const char fixed[17];
};
