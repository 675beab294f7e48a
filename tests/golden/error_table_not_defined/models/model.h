#include <stdint.h>
#include <modelgen/model.h>

/* Declared, never defined: no fields, no table. */
struct MG_TABLE("forwards") forward;

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	struct MG_TABLE("others") other *other MG_IGNORE;
};

struct MG_TABLE("pointed") pointed *global_pointer;
