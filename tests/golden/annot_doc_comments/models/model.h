#include <stdint.h>
#include <modelgen/model.h>

/**
 * A note   with
 *   several lines.
 */
struct MG_TABLE("notes") note {
	int64_t id MG_PRIMARY_KEY; /**< Trailing   comment. */
	/// Triple-slash
	/// comment on two lines.
	char *body;
	/** Block doc comment. */
	int32_t a;
	/* A plain comment is not a doc comment. */
	int32_t b;
	// Neither is a line comment.
	int32_t c;
	/** Non-ASCII: café "quoted" \ back. */
	int32_t d;
	int32_t e; ///< trailing triple-slash
};
