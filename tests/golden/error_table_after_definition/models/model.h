#include <stdint.h>
#include <modelgen/model.h>

struct late {
	int64_t id;
};

/* The compiler drops an attribute written after the definition. */
struct MG_TABLE("lates") late;
