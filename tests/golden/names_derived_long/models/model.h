#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("a_table_with_a_rather_long_name_for_testing") MG_INDEX_ON("first_long_column_name, second_long_column_name") MG_UNIQUE_ON("first_long_column_name, second_long_column_name") long_names {
	int64_t id MG_PRIMARY_KEY;
	int64_t first_long_column_name;
	int64_t second_long_column_name MG_INDEX;
	int64_t the_referencing_column_with_a_long_name MG_REFERENCES("a_table_with_a_rather_long_name_for_testing", "id");
};
