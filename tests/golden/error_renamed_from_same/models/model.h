#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") MG_RENAMED_FROM("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t n MG_RENAMED_FROM("n");
	int64_t m MG_COLUMN("mm") MG_RENAMED_FROM("mm");
};
struct MG_TABLE("others") other {
	int64_t id MG_PRIMARY_KEY;
	int64_t a MG_RENAMED_FROM("old");
	int64_t b MG_RENAMED_FROM("old");
};
struct MG_TABLE("third") MG_RENAMED_FROM("old_table") third {
	int64_t id MG_PRIMARY_KEY;
};
struct MG_TABLE("fourth") MG_RENAMED_FROM("old_table") fourth {
	int64_t id MG_PRIMARY_KEY;
};
