/*
 * Annotations for model headers. Each MG_* macro marks a struct or a field for
 * the modelgen generator. They expand to clang `annotate` attributes only
 * while the generator parses the header (it defines MODELGEN and parses with
 * libclang); in every other build they expand to nothing, so model headers
 * stay plain C11 that compiles warning-free under gcc and clang.
 *
 * The annotation text is "mg." NAME, followed by "=" and the arguments when
 * there are any; two arguments are separated by a unit separator (\037).
 */
#ifndef MODELGEN_MODEL_H
#define MODELGEN_MODEL_H

#include <stddef.h>

#if defined(MODELGEN) && defined(__clang__)
#define MG__ANNOTATE(s) __attribute__((annotate(s)))
#else
#define MG__ANNOTATE(s)
#endif

/* Struct annotations: between `struct` and the tag. */
#define MG_TABLE(name) MG__ANNOTATE("mg.table=" name)
#define MG_PRIMARY_KEY_ON(columns) MG__ANNOTATE("mg.primary_key_on=" columns)
#define MG_UNIQUE_ON(columns) MG__ANNOTATE("mg.unique_on=" columns)
#define MG_INDEX_ON(columns) MG__ANNOTATE("mg.index_on=" columns)

/* Field annotations: after the declarator. MG_RENAMED_FROM also goes on a
 * struct. */
#define MG_PRIMARY_KEY MG__ANNOTATE("mg.primary_key")
#define MG_NULLABLE MG__ANNOTATE("mg.nullable")
#define MG_UNIQUE MG__ANNOTATE("mg.unique")
#define MG_INDEX MG__ANNOTATE("mg.index")
#define MG_DEFAULT(sql) MG__ANNOTATE("mg.default=" sql)
#define MG_REFERENCES(table, column) MG__ANNOTATE("mg.references=" table "\037" column)
#define MG_ON_DELETE(action) MG__ANNOTATE("mg.on_delete=" action)
#define MG_TYPE(sql_type) MG__ANNOTATE("mg.type=" sql_type)
#define MG_COLUMN(name) MG__ANNOTATE("mg.column=" name)
#define MG_RENAMED_FROM(old) MG__ANNOTATE("mg.renamed_from=" old)
#define MG_IGNORE MG__ANNOTATE("mg.ignore")

/*
 * A binary column (BLOB / bytea) of any length. The application owns `data`;
 * modelgen only reads the type.
 */
struct mg_blob {
	unsigned char *data;
	size_t size;
};

#endif
