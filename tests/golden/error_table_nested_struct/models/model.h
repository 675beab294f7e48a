#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("outers") outer {
	int64_t id MG_PRIMARY_KEY;
	struct MG_TABLE("inners") inner {
		int64_t id MG_PRIMARY_KEY;
	} inner MG_IGNORE;
	struct {
		struct MG_TABLE("deep") deep {
			int64_t id MG_PRIMARY_KEY;
		} d;
	} wrap MG_IGNORE;
};

/* Not a table itself: its nested table is refused all the same. */
struct holder {
	struct MG_TABLE("held") held {
		int64_t id MG_PRIMARY_KEY;
	} h;
	union {
		struct MG_TABLE("in_union") in_union {
			int64_t id MG_PRIMARY_KEY;
		} s;
		int64_t n;
	} u;
};
