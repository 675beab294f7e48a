#include <stdint.h>

#include <modelgen/model.h>

/** An uploaded file. */
struct MG_TABLE("media") MG_RENAMED_FROM("media_files") MG_NAME("pk_media", "media_files_pkey") media_file {
	int64_t id MG_PRIMARY_KEY;
	int64_t owner_id MG_NULLABLE MG_REFERENCES("users", "id") MG_ON_DELETE("set null");
	char *path;
};
