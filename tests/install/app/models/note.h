#ifndef NOTES_NOTE_H
#define NOTES_NOTE_H

#include <stdint.h>
#include <modelgen/model.h>

/** A note somebody wrote. */
struct MG_TABLE("notes") note {
	int64_t id MG_PRIMARY_KEY;
	char title[81] MG_UNIQUE; /**< shown in lists */
	char *body MG_NULLABLE;
	int32_t stars MG_DEFAULT("0");
};

#endif
