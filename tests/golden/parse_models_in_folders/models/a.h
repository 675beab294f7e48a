#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

/* Includes a model file in a subfolder: its tables are taken from that file only. */
#include "logs/b.h"
struct MG_TABLE("zebras") zebra {
	int64_t id MG_PRIMARY_KEY;
	enum kind kind;
	int64_t aardvark_id MG_REFERENCES("aardvarks", "id");
};
