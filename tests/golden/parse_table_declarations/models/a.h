#include <stdint.h>
#include <modelgen/model.h>

#include "b.h"

/* Every declaration form that is a table, or a harmless helper. */

/* A redeclaration of a table from another model header. */
struct b;

/* MG_TABLE on a forward declaration: the definition inherits it. */
struct MG_TABLE("forwards") forward;
struct forward {
	int64_t id MG_PRIMARY_KEY;
};

/* A redeclaration after the definition, without MG_TABLE. */
struct MG_TABLE("defined") defined {
	int64_t id MG_PRIMARY_KEY;
	struct b *b MG_IGNORE;
	struct helper {
		int x;
	} helper MG_IGNORE;
	union {
		int i;
		float f;
	} u MG_IGNORE;
	enum shade { LIGHT, DARK } shade;
};
struct defined;

/* A typedef of an anonymous struct. */
typedef struct MG_TABLE("typedefed") {
	int64_t id MG_PRIMARY_KEY;
} typedefed;

/* First named inside another struct, defined at file scope. */
struct pointer_holder {
	struct MG_TABLE("pointed") pointed *p;
};
struct pointed {
	int64_t id MG_PRIMARY_KEY;
};

union plain_union {
	int a;
	float b;
};
enum plain_enum { X, Y };
struct plain_fwd;
