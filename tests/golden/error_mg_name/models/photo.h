#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("users") MG_NAME("uq_users_email", "photos") user {
	int64_t id MG_PRIMARY_KEY;
	char *email MG_UNIQUE;
};

struct MG_TABLE("photos") MG_NAME("fk_photos_owner", "x")
	MG_NAME("ix_photos_owner_id", "sqlite_x") MG_NAME("ix_photos_owner_id", "y")
	MG_NAME("fk_photos_owner_id", "fk_photos_owner_id") MG_NAME("fk_photos_a", "my name")
	MG_NAME("fk_photos_b", "modelgen_b") photo {
	int64_t id MG_PRIMARY_KEY;
	int64_t owner_id MG_REFERENCES("users", "id") MG_INDEX;
	int64_t a MG_REFERENCES("users", "id") MG_INDEX;
	int64_t b MG_REFERENCES("users", "id");
};

struct MG_TABLE("tags") MG_NAME("ix_tags_a", "idx_same") tag {
	int32_t id MG_PRIMARY_KEY;
	int32_t a MG_INDEX;
};

struct MG_TABLE("labels") MG_NAME("ix_labels_a", "IDX_SAME") MG_NAME("fk_labels_b", "k")
	MG_NAME("fk_labels_c", "K") label {
	int32_t id MG_PRIMARY_KEY;
	int32_t a MG_INDEX;
	int32_t b MG_REFERENCES("tags", "id");
	int32_t c MG_REFERENCES("tags", "id");
};

struct MG_TABLE("kits") MG_NAME("pk_kits", "tags") kit {
	int32_t id MG_PRIMARY_KEY;
};

struct MG_TABLE("sets") MG_NAME("pk_sets", "ix_sets_a") set {
	int32_t id MG_PRIMARY_KEY;
	int32_t a MG_INDEX;
};
