#include <stdbool.h>
#include <stdint.h>

#include <modelgen/model.h>

/** A registered account. */
struct MG_TABLE("users") MG_NAME("pk_users", "users_pkey") user {
	int64_t id MG_PRIMARY_KEY;
	char username[65] MG_UNIQUE;
	char *email MG_NULLABLE MG_INDEX;
	bool is_admin MG_DEFAULT("false");
	double rating;
};
