#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
};

/* A union cannot be a table: an error, not a table that silently is not
 * there. */
union MG_TABLE("numbers") number {
	int64_t i;
	double d;
};

typedef union MG_TABLE("values") {
	int64_t i;
	double d;
} value;
