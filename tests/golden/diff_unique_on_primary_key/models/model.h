#include <stdint.h>
#include <modelgen/model.h>

/* A unique constraint on the primary key's columns: both databases accept
 * it (a redundant index), so it is a warning, not a refusal. */
struct MG_TABLE("memberships") MG_PRIMARY_KEY_ON("group_id, user_id")
	MG_UNIQUE_ON("group_id, user_id") membership {
	int64_t group_id;
	int64_t user_id;
};
