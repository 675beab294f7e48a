#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

enum colour { RED, GREEN, BLUE };
typedef enum { SMALL, LARGE } size_kind;
struct MG_TABLE("paints") paints {
	int64_t id MG_PRIMARY_KEY;
	enum colour colour;
	size_kind size;
};
