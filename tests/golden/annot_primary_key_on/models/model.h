#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("memberships") MG_PRIMARY_KEY_ON("group_id, user_id") membership {
	int64_t user_id;
	int64_t group_id;
	int32_t role;
};
struct MG_TABLE("single_key_on") MG_PRIMARY_KEY_ON(" id ") single_key_on {
	int64_t id;
};
struct MG_TABLE("pairs") pair {
	int64_t a MG_PRIMARY_KEY;
	int64_t b MG_PRIMARY_KEY;
};
