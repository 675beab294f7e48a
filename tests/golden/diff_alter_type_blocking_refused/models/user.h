#include <stdbool.h>
#include <stdint.h>

#include <modelgen/model.h>

/** A registered account. */
struct MG_TABLE("users") user {
	int64_t id MG_PRIMARY_KEY;
	char username[65] MG_UNIQUE;
	char *email MG_NULLABLE MG_INDEX;
	bool is_admin MG_DEFAULT("false");
	float rating;
};
