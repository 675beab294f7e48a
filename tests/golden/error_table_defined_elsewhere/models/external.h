#include <stdint.h>

struct external {
	int64_t id;
};
