/*
 * Slugs: the part of a migration's file name after "NNNN_".
 */
#ifndef MG_GEN_SLUG_H
#define MG_GEN_SLUG_H

#include "diff.h"

/* Longest slug. */
#define SLUG_MAX 40

/*
 * Writes into `out` (at least SLUG_MAX + 1 bytes) the slug of a
 * migration: from `message` when not NULL ("Add e-mail!" -> "add_e_mail"),
 * else from the operations of `diff` ("init" for the first migration of an
 * empty schema, "add_users_email", "rename_rating", "..._and_more").
 */
void slug_make(char *out, const char *message, const struct diff_result *diff, int first);

#endif
