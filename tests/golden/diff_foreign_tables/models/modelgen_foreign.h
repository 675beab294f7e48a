/*
 * Tables of the database that the models leave alone: no migration touches
 * them, and dbupdate --verify and --baseline do not report them.
 */
#ifndef MODELS_MODELGEN_FOREIGN_H
#define MODELS_MODELGEN_FOREIGN_H

#include <modelgen/model.h>

MG_FOREIGN_TABLE("audit log");
MG_FOREIGN_TABLE("Legacy_Sessions");
MG_FOREIGN_TABLE("docs_fts");

#endif
