#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("blobs") blobs {
	int64_t id MG_PRIMARY_KEY;
	unsigned char digest[32];
	uint8_t key[16];
	struct mg_blob content;
};
