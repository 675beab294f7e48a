#include <stdint.h>
#include <modelgen/model.h>

/** Where the data migration puts hostile values (the name its payload drops). */
struct MG_TABLE("t") t {
	int64_t id MG_PRIMARY_KEY;
	char *v;
	int32_t hits MG_DEFAULT("0");
};

/** Must still be there, with its row, after the data migration. */
struct MG_TABLE("canary") canary {
	int64_t id MG_PRIMARY_KEY;
	char *state;
};
