#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("users") MG_UNIQUE_ON("tenant, login") MG_UNIQUE_ON("tenant, email") user {
	int64_t id MG_PRIMARY_KEY;
	int32_t tenant;
	char login[33] MG_UNIQUE;
	char email[129];
};
