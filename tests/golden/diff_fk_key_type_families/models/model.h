#include <stdint.h>
#include <modelgen/model.h>

/* Foreign keys between types of one family, which both databases accept:
 * any integer width against an integer key, a varchar against a varchar of
 * another length or a text key. */
struct MG_TABLE("accounts") account {
	int64_t id MG_PRIMARY_KEY;
	char handle[9] MG_UNIQUE;
	char *email MG_UNIQUE;
};
struct MG_TABLE("flags") flag {
	int32_t id MG_PRIMARY_KEY;
};
struct MG_TABLE("notes") note {
	int64_t id MG_PRIMARY_KEY;
	int16_t account_id MG_REFERENCES("accounts", "id");
	int64_t flag_id MG_NULLABLE MG_REFERENCES("flags", "id");
	char handle[33] MG_REFERENCES("accounts", "handle");
	char email[65] MG_NULLABLE MG_REFERENCES("accounts", "email");
};
