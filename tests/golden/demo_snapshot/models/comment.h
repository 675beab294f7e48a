/*
 * Comments on media entries.
 */
#ifndef GALLERY_COMMENT_H
#define GALLERY_COMMENT_H

#include <stdint.h>
#include <time.h>

#include <modelgen/model.h>

/** A comment a user left on a media entry. */
struct MG_TABLE("comments") MG_INDEX_ON("entry_id, created_at") comment {
	/// Generated comment number.
	int64_t id MG_PRIMARY_KEY;
	/// The entry commented on; comments go with it.
	int64_t entry_id MG_REFERENCES("media_entries", "id") MG_ON_DELETE("cascade");
	/// Author; kept as a deleted author when the account goes.
	int64_t author_id MG_NULLABLE MG_REFERENCES("users", "id") MG_ON_DELETE("set null");
	/// The comment it answers, if any.
	int64_t parent_id MG_NULLABLE MG_REFERENCES("comments", "id");
	/// The text, up to 2000 characters.
	char body[2001];
	/// When it was written (Unix seconds).
	time_t created_at;
	/// Moderation score.
	int16_t score MG_DEFAULT("0");
};

#endif
