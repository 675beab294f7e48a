#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("") empty_name {
	int64_t id MG_PRIMARY_KEY;
};
struct MG_TABLE("things") MG_INDEX_ON("a,,b") MG_UNIQUE_ON(",") thing {
	int64_t id __attribute__((annotate("mg.primary_key=yes")));
	int64_t a __attribute__((annotate("mg.references=things")));
	int64_t b MG_COLUMN("");
	int64_t c __attribute__((annotate("mg.default")));
};
