#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

typedef const char *cstr_t;
struct MG_TABLE("texts") texts {
	int64_t id MG_PRIMARY_KEY;
	char *body;
	const char *title;
	cstr_t via_typedef;
};
