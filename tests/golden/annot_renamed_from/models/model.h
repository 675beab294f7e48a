#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

/* renamed_from is generator input only: it never shows in the snapshot. */
struct MG_TABLE("people") MG_RENAMED_FROM("persons") person {
	int64_t id MG_PRIMARY_KEY;
	char *full_name MG_RENAMED_FROM("name");
};
