#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <modelgen/model.h>

struct MG_TABLE("numbers") numbers {
	int64_t id MG_PRIMARY_KEY;
	int16_t i16;
	short s;
	int32_t i32;
	int i;
	int64_t i64;
	long long ll;
	long l;
	int8_t i8;
	signed char sc;
	uint8_t u8;
	uint16_t u16;
	unsigned short us;
	uint32_t u32;
	unsigned int ui;
	time_t t;
};
