#include <stdint.h>
#include <modelgen/model.h>

struct MG_TABLE("things") thing {
	int64_t id MG_PRIMARY_KEY;
	int64_t empty MG_DEFAULT("");
	int64_t blank MG_DEFAULT("  ");
	int64_t open MG_DEFAULT("(1");
	int64_t close MG_DEFAULT("1)");
	char *quote MG_DEFAULT("'abc");
	char *dquote MG_DEFAULT("\"abc");
	int64_t semi MG_DEFAULT("1; DROP TABLE things");
	int64_t comment MG_DEFAULT("1 -- x");
	int64_t block MG_DEFAULT("1 /* x */");
	char *escape MG_DEFAULT("E'\\'' || 1");
	char *dollar MG_DEFAULT("$$x$$");
};
