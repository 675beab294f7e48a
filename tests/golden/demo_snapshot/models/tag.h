/*
 * Tags and the join table that puts them on media entries.
 */
#ifndef GALLERY_TAG_H
#define GALLERY_TAG_H

#include <stdint.h>

#include <modelgen/model.h>

/** A keyword that groups media entries. */
struct MG_TABLE("tags") tag {
	int32_t id MG_PRIMARY_KEY; /**< Generated tag number. */
	/** The keyword as shown, unique. */
	char name[49] MG_UNIQUE;
	/** Colour of the tag chip, as 0xRRGGBB. */
	int32_t colour MG_DEFAULT("0");
	/** Number of entries tagged, maintained by the application. */
	int64_t usage_count MG_DEFAULT("0");
};

/** Which tags are on which media entries. */
struct MG_TABLE("media_entry_tags") MG_PRIMARY_KEY_ON("entry_id, tag_id") media_entry_tag {
	/** The tagged entry. */
	int64_t entry_id MG_REFERENCES("media_entries", "id") MG_ON_DELETE("cascade");
	/** The tag. */
	int32_t tag_id MG_REFERENCES("tags", "id") MG_ON_DELETE("cascade") MG_INDEX;
	/** Who added the tag. */
	int64_t added_by MG_NULLABLE MG_REFERENCES("users", "id") MG_ON_DELETE("set null");
};

#endif
