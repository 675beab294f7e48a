#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct cache;
struct MG_TABLE("documents") document {
	int64_t id MG_PRIMARY_KEY;
	struct cache *cache MG_IGNORE;
	uint64_t hits MG_IGNORE;
	unsigned dirty : 1 MG_IGNORE;
	void (*on_save)(void) MG_IGNORE;
	char *title;
};
