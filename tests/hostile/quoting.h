#include <stdint.h>
#include <modelgen/model.h>

/// A user; the comment tries to end itself */ int injected; /*
struct MG_TABLE("user") user {
	int64_t id MG_PRIMARY_KEY;
	char name[33] MG_COLUMN("UserName") MG_DEFAULT("'it''s; -- not a comment */ ok'");
	int32_t select_ MG_COLUMN("select") MG_DEFAULT("0");
};

/** An order, in a table named by a reserved word. */
struct MG_TABLE("order") MG_INDEX_ON("group, user_id") order {
	int64_t id MG_PRIMARY_KEY;
	int64_t user_id MG_REFERENCES("user", "id") MG_ON_DELETE("cascade");
	int32_t group_ MG_COLUMN("group") MG_DEFAULT("(1 + 2)");
	char *Note MG_NULLABLE MG_DEFAULT("'\"quoted\" ''single'' $1'");
};
