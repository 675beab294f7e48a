#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	/* Only the fields of the table struct itself are columns. */
	struct {
		int64_t lat MG_NULLABLE;
		int64_t lon;
	} position MG_IGNORE;
};

union number {
	int64_t i MG_PRIMARY_KEY;
	double d;
};

enum colour { RED MG_DEFAULT("1"), GREEN };

/* Plain helpers without annotations stay allowed. */
struct helper {
	int64_t a;
	struct {
		int b;
	} inner;
};
union helper_union {
	int i;
	float f;
};
