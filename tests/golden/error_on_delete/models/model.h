#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t a MG_ON_DELETE("cascade");
	int64_t b MG_REFERENCES("things", "id") MG_ON_DELETE("delete");
	int64_t c MG_REFERENCES("things", "id") MG_ON_DELETE("no action");
};
