#include <stdint.h>

#include <modelgen/model.h>

/** A label on a media file. */
struct MG_TABLE("tags") tag {
	int64_t id MG_PRIMARY_KEY;
	int64_t media_id MG_REFERENCES("media_files", "id") MG_ON_DELETE("cascade");
	char name[33];
};
