#include <stdint.h>
#include <modelgen/model.h>
/* The hints of migration 2 (a swap of two table names), left in place: the
 * two tables are otherwise unchanged, so they must not swap back. */
/** Accounts that pay. */
struct MG_RENAMED_FROM("payers") MG_TABLE("payees") payees { int64_t id MG_PRIMARY_KEY; int64_t balance; };
/** Accounts that are paid. */
struct MG_RENAMED_FROM("payees") MG_TABLE("payers") payers { int64_t id MG_PRIMARY_KEY; int64_t owed; };
/** Something else. */
struct MG_TABLE("notes") notes { int64_t id MG_PRIMARY_KEY; int64_t pinned MG_DEFAULT("0"); };
