#ifndef B_H
#define B_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

/* Tables come out sorted by name, whatever the file order. */
struct MG_TABLE("aardvarks") aardvark {
	int64_t id MG_PRIMARY_KEY;
};
enum kind { K1, K2 };
#endif
