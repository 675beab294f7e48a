#include <stdint.h>
#include <modelgen/model.h>

struct other { int x; };
struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	long double ld;
	char one[1];
	int numbers[4];
	char c;
	struct other embedded;
	void *opaque;
	int8_t small[3];
};
