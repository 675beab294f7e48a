#include <stdint.h>
#include <modelgen/model.h>

enum MG_TABLE("colours") colour { RED, GREEN, BLUE };

struct MG_TABLE("paints") paint {
	int64_t id MG_PRIMARY_KEY;
	enum colour colour;
	enum MG_TABLE("sizes") size { SMALL, LARGE } size;
};
