#include <stdint.h>
#include <modelgen/model.h>

/* The definition comes from a header included later: it inherits MG_TABLE,
 * but only a struct defined in the model file itself is read. */
struct MG_TABLE("externals") external;

#include "external.h"
