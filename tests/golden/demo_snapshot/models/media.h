/*
 * Media entries (what a user uploads and others see) and the stored files
 * that back them.
 */
#ifndef GALLERY_MEDIA_H
#define GALLERY_MEDIA_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <modelgen/model.h>

/** Kind of a media entry. Stored as its integer value. */
enum media_kind { MEDIA_PHOTO = 0, MEDIA_VIDEO = 1, MEDIA_AUDIO = 2 };

/** One stored file: an original upload or a rendition of it. */
struct MG_TABLE("media_files") MG_UNIQUE_ON("sha256, byte_size") media_file {
	int64_t id MG_PRIMARY_KEY; /**< Generated file number. */
	char mime_type[65];        /**< MIME type, e.g. "image/jpeg". */
	int64_t byte_size;         /**< Size of the content in bytes. */
	uint8_t sha256[32];        /**< SHA-256 of the content. */
	int32_t width MG_NULLABLE; /**< Pixels, for images and video. */
	int32_t height MG_NULLABLE;
	/** Small preview image, kept inline. */
	struct mg_blob thumbnail MG_NULLABLE;
	/** Where the content lives in the object store. */
	const char *storage_key MG_COLUMN("storage_path");
};

/** Something a user shared: a photo, a video or a recording. */
struct MG_TABLE("media_entries") MG_RENAMED_FROM("posts") media_entry {
	/** Generated entry number. */
	int64_t id MG_PRIMARY_KEY;
	/** Owner; the entries go with the account. */
	int64_t owner_id MG_REFERENCES("users", "id") MG_ON_DELETE("cascade");
	/** The original file; a file in use cannot be deleted. */
	int64_t file_id MG_REFERENCES("media_files", "id") MG_ON_DELETE("restrict");
	/** Title shown above the entry. */
	char title[201];
	/** Free text under the entry. */
	char *description MG_NULLABLE;
	enum media_kind kind MG_INDEX; /**< Photo, video or audio. */
	/** Price for prints, exact to the cent. */
	double print_price MG_TYPE("numeric(10,2)") MG_NULLABLE;
	/** Duration in milliseconds, for video and audio. */
	uint32_t duration_ms MG_DEFAULT("0");
	/** Hidden entries are only visible to their owner. */
	bool hidden MG_DEFAULT("false");
	/** Upload time (Unix seconds). */
	time_t created_at MG_INDEX;
	/** Number of views, updated in batches. */
	int64_t view_count MG_DEFAULT("0");
	/** Rendering state of the running program; never stored. */
	void *render_state MG_IGNORE;
};

#endif
