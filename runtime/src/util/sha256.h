/*
 * SHA-256 (FIPS 180-4), for schema hashes and migration checksums.
 */
#ifndef MG_UTIL_SHA256_H
#define MG_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct mg_sha256 {
	uint32_t state[8];
	uint64_t length; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes in block */
};

void mg_sha256_init(struct mg_sha256 *ctx);
void mg_sha256_update(struct mg_sha256 *ctx, const void *data, size_t len);
void mg_sha256_final(struct mg_sha256 *ctx, unsigned char digest[32]);

/* Tests only: nonzero makes every later hash use the portable code instead
 * of the CPU's SHA instructions; zero goes back to the fastest. */
void mg_sha256_force_portable(int on);

/* Hashes `len` bytes and writes 64 lower-case hex digits and a NUL. */
void mg_sha256_hex(char out[65], const void *data, size_t len);

#endif
