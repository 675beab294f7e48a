/*
 * MG_EXTERN marks the runtime's public functions. The library is built with
 * hidden visibility, so these are the only symbols it exports.
 */
#ifndef MODELGEN_EXPORT_H
#define MODELGEN_EXPORT_H

#if defined(__GNUC__)
#define MG_EXTERN __attribute__((visibility("default")))
#else
#define MG_EXTERN
#endif

#endif
