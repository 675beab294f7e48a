#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("users") MG_NAME("pk_users", "users_pkey")
	MG_NAME("uq_users_email", "users_email_key") user {
	int64_t id MG_PRIMARY_KEY;
	char *email MG_UNIQUE;
};

/* Names a hand-written schema used: MG_NAME keys them by the derived name. */
struct MG_TABLE("photos") MG_INDEX_ON("owner_id, taken_at")
	MG_NAME("fk_photos_owner_id", "photos_owner_fkey")
	MG_NAME("ix_photos_owner_id_taken_at", "idx_photos_owner_taken") photo {
	int64_t id MG_PRIMARY_KEY;
	int64_t owner_id MG_REFERENCES("users", "id");
	int64_t taken_at MG_INDEX;
};
