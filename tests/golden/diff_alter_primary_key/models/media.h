#include <stdint.h>

#include <modelgen/model.h>

/** An uploaded file. */
struct MG_TABLE("media_files") MG_PRIMARY_KEY_ON("id, path") media_file {
	int64_t id;
	int64_t owner_id MG_NULLABLE MG_REFERENCES("users", "id") MG_ON_DELETE("set null");
	char *path;
};
