#include <stdint.h>
#include <modelgen/model.h>
/** Rows whose two values were stored under each other's names. */
struct MG_TABLE("pairs") pairs {
	int64_t id MG_PRIMARY_KEY;
	/* The hints of migration 2, left in place: pairs is otherwise
	 * unchanged, so they must not swap the columns back. */
	int64_t high MG_RENAMED_FROM("low");
	int64_t low MG_RENAMED_FROM("high");
};
/** Something else. */
struct MG_TABLE("notes") notes {
	int64_t id MG_PRIMARY_KEY;
	int64_t pinned MG_DEFAULT("0");
};
