/*
 * SHA-256 as specified in FIPS 180-4, section 6.2, for schema hashes and
 * migration checksums: a plain, portable implementation (big-endian words,
 * 64-byte blocks), and on x86 CPUs with the SHA extensions the same
 * compression function on those instructions (chosen once, at run time).
 * `modelgen diff` hashes its whole output and dbupdate every migration's
 * text, so the hash is on the hot path of both. Not constant-time; nothing
 * secret is hashed here.
 */
#include "util/sha256.h"

#include <stdatomic.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define MG_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t state[8], const unsigned char block[64])
{
	uint32_t w[64];
	uint32_t a, b, c, d, e, f, g, h;
	unsigned i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
		       (uint32_t)block[4 * i + 2] << 8 | (uint32_t)block[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = state[0];
	b = state[1];
	c = state[2];
	d = state[3];
	e = state[4];
	f = state[5];
	g = state[6];
	h = state[7];
	for (i = 0; i < 64; i++) {
		uint32_t s1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + s1 + ch + k[i] + w[i];
		uint32_t s0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = s0 + maj;
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

static void blocks_portable(uint32_t state[8], const unsigned char *p, size_t n)
{
	for (; n; n--, p += 64)
		compress(state, p);
}

#ifdef MG_SHA256_X86
/*
 * The compression function on the SHA-NI instructions (Intel's "SHA
 * extensions" paper): the state lives as ABEF/CDGH halves, sha256rnds2 does
 * two rounds, sha256msg1/msg2 extend the message schedule four words at a
 * time. ROUNDS(g, m) does rounds 4g..4g+3 with W[4g..4g+3] in m; the words
 * rotate through m0..m3, NEXT finishing the words four groups ahead of what
 * MSG1 started.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks_shani(uint32_t state[8], const unsigned char *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i st0, st1, tmp;

	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1); /* CDAB */
	st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B); /* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);                                         /* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xF0);                                      /* CDGH */

	for (; n; n--, p += 64) {
		__m128i m0, m1, m2, m3, m, save0 = st0, save1 = st1;

		/* Unrolled by hand so that the message words stay in registers. */
#define ROUNDS(g, cur)                                                                             \
	m = _mm_add_epi32(cur, _mm_loadu_si128((const __m128i *)&k[4 * (g)]));                     \
	st1 = _mm_sha256rnds2_epu32(st1, st0, m);                                                  \
	st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(m, 0x0E))
#define LOAD(i) _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * (i))), bswap)
#define NEXT(next, cur, prev)                                                                      \
	next = _mm_sha256msg2_epu32(_mm_add_epi32(next, _mm_alignr_epi8(cur, prev, 4)), cur)
#define MSG1(older, cur) older = _mm_sha256msg1_epu32(older, cur)
		m0 = LOAD(0);
		ROUNDS(0, m0);
		m1 = LOAD(1);
		ROUNDS(1, m1);
		MSG1(m0, m1);
		m2 = LOAD(2);
		ROUNDS(2, m2);
		MSG1(m1, m2);
		m3 = LOAD(3);
		ROUNDS(3, m3);
		NEXT(m0, m3, m2);
		MSG1(m2, m3);
		ROUNDS(4, m0);
		NEXT(m1, m0, m3);
		MSG1(m3, m0);
		ROUNDS(5, m1);
		NEXT(m2, m1, m0);
		MSG1(m0, m1);
		ROUNDS(6, m2);
		NEXT(m3, m2, m1);
		MSG1(m1, m2);
		ROUNDS(7, m3);
		NEXT(m0, m3, m2);
		MSG1(m2, m3);
		ROUNDS(8, m0);
		NEXT(m1, m0, m3);
		MSG1(m3, m0);
		ROUNDS(9, m1);
		NEXT(m2, m1, m0);
		MSG1(m0, m1);
		ROUNDS(10, m2);
		NEXT(m3, m2, m1);
		MSG1(m1, m2);
		ROUNDS(11, m3);
		NEXT(m0, m3, m2);
		MSG1(m2, m3);
		ROUNDS(12, m0);
		NEXT(m1, m0, m3);
		MSG1(m3, m0);
		ROUNDS(13, m1);
		NEXT(m2, m1, m0);
		ROUNDS(14, m2);
		NEXT(m3, m2, m1);
		ROUNDS(15, m3);
#undef ROUNDS
#undef LOAD
#undef NEXT
#undef MSG1
		st0 = _mm_add_epi32(st0, save0);
		st1 = _mm_add_epi32(st1, save1);
	}

	tmp = _mm_shuffle_epi32(st0, 0x1B);    /* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xB1);    /* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xF0); /* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);    /* ABEF */
	_mm_storeu_si128((__m128i *)&state[0], st0);
	_mm_storeu_si128((__m128i *)&state[4], st1);
}

static int cpu_has_shani(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b >> 29) & 1; /* CPUID.(EAX=7,ECX=0):EBX.SHA */
}
#endif

/* Which block function to use: 0 not chosen yet, 1 portable, 2 SHA-NI.
 * Atomic because the runtime library may hash from several threads. */
static atomic_int impl;

/* Hashes whole blocks with the fastest implementation this CPU has. */
static void blocks(uint32_t state[8], const unsigned char *p, size_t n)
{
	int v = atomic_load_explicit(&impl, memory_order_relaxed);

	if (!v) {
		v = 1;
#ifdef MG_SHA256_X86
		if (cpu_has_shani())
			v = 2;
#endif
		atomic_store_explicit(&impl, v, memory_order_relaxed);
	}
#ifdef MG_SHA256_X86
	if (v == 2) {
		blocks_shani(state, p, n);
		return;
	}
#endif
	blocks_portable(state, p, n);
}

void mg_sha256_force_portable(int on)
{
	atomic_store_explicit(&impl, on ? 1 : 0, memory_order_relaxed);
}

/* Starts a new hash (FIPS 180-4, 5.3.3 initial hash value). */
void mg_sha256_init(struct mg_sha256 *ctx)
{
	static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

	memcpy(ctx->state, h0, sizeof(h0));
	ctx->length = 0;
	ctx->used = 0;
}

/* Feeds `len` bytes of `data`; may be called any number of times. */
void mg_sha256_update(struct mg_sha256 *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;

	ctx->length += len;
	if (ctx->used) {
		size_t n = sizeof(ctx->block) - ctx->used;

		if (n > len)
			n = len;
		memcpy(ctx->block + ctx->used, p, n);
		ctx->used += n;
		p += n;
		len -= n;
		if (ctx->used < sizeof(ctx->block))
			return;
		blocks(ctx->state, ctx->block, 1);
		ctx->used = 0;
	}
	/* Whole blocks straight from the input, the tail into ctx->block. */
	if (len >= 64) {
		blocks(ctx->state, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	memcpy(ctx->block, p, len);
	ctx->used = len;
}

/* Pads, writes the 32-byte digest, and leaves `ctx` to be re-initialised. */
void mg_sha256_final(struct mg_sha256 *ctx, unsigned char digest[32])
{
	uint64_t bits = ctx->length * 8;
	unsigned i;

	ctx->block[ctx->used++] = 0x80;
	if (ctx->used > 56) {
		memset(ctx->block + ctx->used, 0, sizeof(ctx->block) - ctx->used);
		blocks(ctx->state, ctx->block, 1);
		ctx->used = 0;
	}
	memset(ctx->block + ctx->used, 0, 56 - ctx->used);
	for (i = 0; i < 8; i++)
		ctx->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	blocks(ctx->state, ctx->block, 1);
	for (i = 0; i < 8; i++) {
		digest[4 * i] = (unsigned char)(ctx->state[i] >> 24);
		digest[4 * i + 1] = (unsigned char)(ctx->state[i] >> 16);
		digest[4 * i + 2] = (unsigned char)(ctx->state[i] >> 8);
		digest[4 * i + 3] = (unsigned char)ctx->state[i];
	}
	memset(ctx, 0, sizeof(*ctx));
}

/* One-shot hash of `len` bytes as 64 lower-case hex digits and a NUL. */
void mg_sha256_hex(char out[65], const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	struct mg_sha256 ctx;
	unsigned char digest[32];
	unsigned i;

	mg_sha256_init(&ctx);
	mg_sha256_update(&ctx, data, len);
	mg_sha256_final(&ctx, digest);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = '\0';
}
