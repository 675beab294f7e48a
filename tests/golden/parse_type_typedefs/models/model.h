#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

typedef int64_t user_id_t;
typedef user_id_t owner_id_t;
typedef int32_t count_t;
typedef time_t stamp_t;
typedef bool flag_t;
typedef double money_t;
struct MG_TABLE("typedefs") typedefs {
	owner_id_t id MG_PRIMARY_KEY;
	user_id_t user_id;
	count_t n;
	stamp_t at;
	flag_t on;
	money_t amount;
};
