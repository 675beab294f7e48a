/*
 * Accounts of the media gallery.
 */
#ifndef GALLERY_USER_H
#define GALLERY_USER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <modelgen/model.h>

/** A registered account. */
struct MG_TABLE("users") MG_INDEX_ON("email, created_at") user {
	/** Generated account number. */
	int64_t id MG_PRIMARY_KEY;
	/** Login name, shown on every upload. */
	char username[65] MG_UNIQUE;
	/** Contact address; optional until the user verifies one. */
	char *email MG_NULLABLE MG_INDEX;
	/** Display name shown instead of the login name. */
	char display_name[129] MG_NULLABLE MG_RENAMED_FROM("full_name");
	/** Whether the account may moderate others' content. */
	bool is_admin MG_DEFAULT("false");
	/** When the account was created (Unix seconds). */
	time_t created_at;
	/** Profile picture, a stored file; cleared when the file goes. */
	int64_t avatar_id MG_NULLABLE MG_REFERENCES("media_files", "id") MG_ON_DELETE("set null");
	/** Average rating of the user's uploads. */
	double score MG_DEFAULT("0");
	/** Session cache of the running program; never stored. */
	void *cache MG_IGNORE;
};

#endif
