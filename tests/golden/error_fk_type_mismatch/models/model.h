#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("codes") code {
	char code[9] MG_PRIMARY_KEY;
	double weight MG_UNIQUE;
	char *kind MG_UNIQUE;
};
struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int32_t code_number MG_REFERENCES("codes", "code");
	int64_t weight MG_REFERENCES("codes", "weight");
	char *kind MG_TYPE("citext") MG_REFERENCES("codes", "kind");
};
