#include <stdint.h>
#include <modelgen/model.h>
/** Rows whose two values were stored under each other's names. */
struct MG_TABLE("pairs") pairs {
	int64_t id MG_PRIMARY_KEY;
	/* The hints of migration 2, left in place, and a new column in the
	 * same table: a new swap or a stale one cannot be told apart. */
	int64_t high MG_RENAMED_FROM("low");
	int64_t low MG_RENAMED_FROM("high");
	int64_t weight MG_DEFAULT("1");
};
/** Something else. */
struct MG_TABLE("notes") notes {
	int64_t id MG_PRIMARY_KEY;
};
